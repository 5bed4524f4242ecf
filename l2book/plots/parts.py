"""Pieces several figures share: the λ axis, the input grid, probability shading, the examples, the three λ of chapter 1."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from l2book.experiments import Dataset, Setup, best_record, lambda_sweep
from l2book.layer import Layer
from l2book.network import forward
from l2book.plots.language import translated
from l2book.plots.style import CLASS_COLOURS

# λ = 0 belongs on the λ axis, so it is linear up to the first non-zero λ of the grid, logarithmic above.
LAMBDA_LINTHRESH = 0.01


def three_lambdas(setup: Setup) -> list[float]:
    """Return none (0), the best λ of ``setup``'s sweep, and too much: the largest λ that leaves a boundary."""
    records = lambda_sweep(setup=setup)
    too_much = max(r.lam for r in records if r.active_units > 0)
    return [0.0, best_record(records).lam, too_much]


def lambda_axis(ax: Axes, lams: Sequence[float]) -> None:
    """Make ``ax``'s x axis a λ axis that shows λ = 0 (linear near 0, logarithmic above), ticked by decade."""
    # linscale=1: the stretch from 0 to the first λ is as wide as one decade.
    ax.set_xscale("symlog", linthresh=LAMBDA_LINTHRESH, linscale=1.0)
    largest = max(max(lams), LAMBDA_LINTHRESH)
    ticks = [0.0] + [10.0**k for k in range(-2, 3) if 10.0**k <= largest]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.set_xlim(-0.25 * LAMBDA_LINTHRESH, 1.6 * largest)
    ax.minorticks_off()
    ax.set_xlabel("λ")


def grid_inputs(data: Dataset, points: int = 121) -> tuple[np.ndarray, tuple[int, int]]:
    """Return a square grid of inputs over the training set and a margin, shape ``(2, points²)``, and its shape."""
    low = float(data.X_train.min()) - 0.4
    high = float(data.X_train.max()) + 0.4
    x1, x2 = np.meshgrid(np.linspace(low, high, points), np.linspace(low, high, points))
    return np.vstack([x1.ravel(), x2.ravel()]), x1.shape


def grid_axes(grid: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Return the two coordinate arrays of a grid made by :func:`grid_inputs`, as ``contour`` wants them."""
    return grid[0].reshape(shape), grid[1].reshape(shape)


def draw_probability(ax: Axes, params: list[Layer], data: Dataset, activation: str) -> Any:
    """Shade the predicted probability of class 1 and draw the boundary where it is 1/2."""
    grid, shape = grid_inputs(data)
    probability = forward(params, grid, activation=activation).reshape(shape)
    x1, x2 = grid_axes(grid, shape)
    # Rasterized: the shading as one embedded image instead of thousands of SVG paths.
    contours = ax.contourf(
        x1, x2, probability, levels=np.linspace(0.0, 1.0, 11), cmap="RdYlBu_r", alpha=0.55, rasterized=True
    )
    if probability.min() < 0.5 < probability.max():
        ax.contour(x1, x2, probability, levels=[0.5], colors="black", linewidths=1.2)
    return contours


def draw_points(ax: Axes, X: np.ndarray, Y: np.ndarray, alpha: float = 0.9) -> None:
    """Scatter the examples, coloured by class."""
    for label, (colour, marker) in enumerate(zip(CLASS_COLOURS, ("o", "^"), strict=True)):
        chosen = Y[0] == label
        ax.scatter(
            X[0, chosen],
            X[1, chosen],
            s=14,
            c=colour,
            marker=marker,
            edgecolors="black",
            linewidths=0.4,
            alpha=alpha,
            label=translated("class {label}", label=label),
        )

