"""The figure of chapter 7: L2's shrinkage ``h/(h + λ/m)`` against early stopping's ``1 − (1 − αh)^τ``."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from l2book._checks import count, positive
from l2book.plots.language import translated
from l2book.plots.style import TEST_COLOUR, TRAIN_COLOUR, figure

EARLY_STOPPING_LR = 0.1
"""The learning rate ``α`` of chapter 7's early-stopping example."""

EARLY_STOPPING_STEPS = 50
"""The number of steps ``τ`` of chapter 7's early-stopping example."""


def half_curvatures(lr: float, steps: int) -> tuple[float, float]:
    """Return the curvatures at which each method keeps half of a direction: L2's ``λ/m`` and early stopping's.

    With the matched ``λ/m = 1/(ατ)``, L2 keeps half where ``h = λ/m``; early
    stopping where ``(1 − αh)^τ = ½``, that is ``h = (1 − 2^(−1/τ))/α``.

    Parameters
    ----------
    lr : float
        The learning rate ``α > 0``.
    steps : int
        The number of steps ``τ ≥ 1``.

    Returns
    -------
    tuple of float
        ``(λ/m, h½ of early stopping)``.

    See Also
    --------
    l2book.symbolic.early_stopping_lambda : ``λ/m = 1/(ατ)``, derived by SymPy.
    Chapter [7, Beyond](07-beyond.md)

    Examples
    --------
    >>> [round(h, 4) for h in half_curvatures(0.1, 50)]
    [0.2, 0.1377]
    """
    lr = positive("lr", lr)
    steps = count("steps", steps, minimum=1)
    return 1.0 / (lr * steps), (1.0 - 2.0 ** (-1.0 / steps)) / lr


@figure("shrinkage-vs-early-stopping")
def shrinkage_vs_early_stopping_figure(lr: float = EARLY_STOPPING_LR, steps: int = EARLY_STOPPING_STEPS) -> Figure:
    """Draw the fraction of each eigen-direction kept by L2 and by early stopping, over the curvature ``h`` (log axis).

    L2 with ``λ/m = 1/(ατ)``, the strength matched to ``τ`` steps of gradient
    descent with learning rate ``α``; both factors come from
    :mod:`l2book.symbolic`. The axis runs up to ``1/α``, where gradient descent
    on the quadratic stays stable and monotone.

    Parameters
    ----------
    lr : float, default EARLY_STOPPING_LR
        The learning rate ``α``.
    steps : int, default EARLY_STOPPING_STEPS
        The number of steps ``τ``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; :func:`svg_text` turns it into the SVG the book publishes.

    See Also
    --------
    half_curvatures : where each curve crosses ½.
    Chapter [7, Beyond](07-beyond.md)

    Examples
    --------
    >>> l2_line, stopped_line = shrinkage_vs_early_stopping_figure().axes[0].lines[:2]
    >>> [round(float(line.get_ydata()[-1]), 4) for line in (l2_line, stopped_line)]   # at h = 1/α
    [0.9804, 1.0]
    """
    from l2book.symbolic import early_stopping_fraction, shrinkage_factor  # SymPy: only when drawing

    decay, stopped_half = half_curvatures(lr, steps)
    h = np.geomspace(1e-3 / lr, 1.0 / lr, 400)
    l2 = shrinkage_factor(h, decay, 1)
    stopped = early_stopping_fraction(h, lr, steps)

    figure = Figure(figsize=(6.0, 3.4), layout="constrained")
    ax = figure.subplots()
    l2_label = translated(r"L2 with λ/m = 1/(ατ) = {decay:g}:  $h/(h + \lambda/m)$", decay=decay)
    stopped_label = translated(r"early stopping, τ = {steps}, α = {lr:g}:  $1 - (1 - \alpha h)^\tau$", steps=steps, lr=lr)
    ax.plot(h, l2, "-", color=TRAIN_COLOUR, linewidth=1.8, label=l2_label)
    ax.plot(h, stopped, "-", color=TEST_COLOUR, linewidth=1.8, label=stopped_label)
    ax.fill_between(h, l2, stopped, color=TEST_COLOUR, alpha=0.12, linewidth=0)
    widest = int(np.argmax(stopped - l2))
    ax.annotate(
        translated("largest gap {gap:.2f}\nat h = {h:.2f}", gap=stopped[widest] - l2[widest], h=h[widest]),
        (h[widest], (stopped[widest] + l2[widest]) / 2),
        xytext=(14, -18),
        textcoords="offset points",
        fontsize=8,
        arrowprops={"arrowstyle": "-", "color": "0.4", "linewidth": 0.8},
    )
    for position, colour in ((decay, TRAIN_COLOUR), (stopped_half, TEST_COLOUR)):
        ax.plot([position], [0.5], "o", color=colour, markersize=5)
    ax.axhline(0.5, color="0.5", linestyle=":", linewidth=0.8)
    ax.axvline(decay, color="0.5", linestyle=":", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_xlim(h[0], h[-1])
    ax.set_ylim(0.0, 1.05)
    ax.set_xlabel(translated("curvature h along an eigen-direction (log scale)"))
    ax.set_ylabel(translated("fraction of w* kept"))
    ax.set_title(translated("Both remove flat directions and keep stiff ones; early stopping cuts more sharply"))
    ax.legend(loc="upper left")
    return figure
