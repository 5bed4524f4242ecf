"""The figures of chapter 5: huge λ switches hidden units off, whole units at a time."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from l2book.experiments import ACTIVE_STD, Setup, SweepRecord, critical_lambda, lambda_sweep, train
from l2book.layer import Layer
from l2book.plots.language import translated
from l2book.plots.parts import lambda_axis
from l2book.plots.style import RELU_COLOUR, TANH_COLOUR, figure

@figure("active-units")
def active_units_figure(
    tanh_records: Sequence[SweepRecord] | None = None,
    relu_records: Sequence[SweepRecord] | None = None,
    lam_star: float | None = None,
) -> Figure:
    """Draw the number of active hidden units against ``λ`` for tanh and ReLU networks (chapter 5).

    Parameters
    ----------
    tanh_records, relu_records : sequence of SweepRecord, optional
        λ sweeps of the two networks; the book's default setups if omitted.
    lam_star : float, optional
        :func:`~l2book.experiments.critical_lambda` of the training set, drawn as
        a vertical line; computed from the default data set if omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; :func:`svg_text` turns it into the SVG the book publishes.

    See Also
    --------
    l2book.experiments.active_units : where the numbers come from.
    Chapter [5, Huge λ kills neurons](05-dead-neurons.md)

    Examples
    --------
    >>> from l2book.experiments import SweepRecord
    >>> tanh = [SweepRecord(lam, 0.9, 0.8, 1.0, 0.5, 0.9, n, 30) for lam, n in ((0.0, 30), (100.0, 0))]
    >>> relu = [SweepRecord(lam, 0.9, 0.8, 1.0, 0.5, 0.9, n, 30) for lam, n in ((0.0, 28), (100.0, 0))]
    >>> [np.asarray(line.get_ydata()).tolist() for line in active_units_figure(tanh, relu, 40.0).axes[0].lines[:2]]
    [[30, 0], [28, 0]]
    """
    tanh_records = lambda_sweep() if tanh_records is None else list(tanh_records)
    relu_records = lambda_sweep(setup=Setup(activation="relu")) if relu_records is None else list(relu_records)
    if lam_star is None:
        data = Setup().data()
        lam_star = critical_lambda(data.X_train, data.Y_train)
    figure = Figure(figsize=(6.0, 3.2), layout="constrained")
    ax = figure.subplots()
    for records, colour, marker, name in (
        (tanh_records, TANH_COLOUR, "o", "tanh"),
        (relu_records, RELU_COLOUR, "s", "ReLU"),
    ):
        ax.plot([r.lam for r in records], [r.active_units for r in records], marker + "-", color=colour, label=name)
    ax.axvline(lam_star, color="0.3", linestyle="--", linewidth=1)
    ax.annotate(
        f"λ* = {lam_star:.1f}", (lam_star, 2), xytext=(-4, 0), textcoords="offset points", ha="right", fontsize=8
    )
    lambda_axis(ax, [r.lam for r in tanh_records])
    ax.set_ylim(-1, tanh_records[0].hidden_units + 2)
    ax.set_ylabel(translated("active hidden units (std > {threshold:g})", threshold=ACTIVE_STD))
    ax.set_title(translated("ReLU units switch off separately; tanh units die together"))
    ax.legend(loc="lower left")
    return figure


@figure("unit-norms")
def unit_norms_figure(lams: Sequence[float] | None = None) -> Figure:
    """Draw each hidden unit's ``‖w_in‖·|w_out|`` against ``λ``, for tanh and ReLU (chapter 5).

    After the rescaling argument, L2 on the two layers costs ``2‖w_in‖·|w_out|``
    per unit, so this product is what the penalty sees of each unit. Products
    below ``1e-8`` are drawn on the bottom line, marked "off".

    Parameters
    ----------
    lams : sequence of float, optional
        The ``λ`` values to draw; those of the default sweep if omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; :func:`svg_text` turns it into the SVG the book publishes.

    See Also
    --------
    l2book.experiments.train : where the numbers come from.
    Chapter [5, Huge λ kills neurons](05-dead-neurons.md)

    Examples
    --------
    >>> len(unit_norms_figure((0.0, 1.0)).axes)
    2
    """
    lams = list(lams) if lams is not None else [r.lam for r in lambda_sweep()]
    floor = 1e-8
    figure = Figure(figsize=(7.0, 3.0), layout="constrained")
    axes = figure.subplots(1, 2, sharey=True)
    for ax, activation, colour in zip(axes, ("tanh", "relu"), (TANH_COLOUR, RELU_COLOUR), strict=True):
        setup = Setup(activation=activation)
        for lam in lams:
            products = _unit_products(train(setup, lam))
            ax.plot(
                np.full(products.shape, lam), np.maximum(products, floor), "_", color=colour, markersize=9, alpha=0.7
            )
        ax.axhline(floor, color="0.5", linestyle=":", linewidth=1)
        ax.text(0.02, floor * 2, translated("off: below 1e-8"), transform=ax.get_yaxis_transform(), fontsize=8, color="0.3")
        ax.set_yscale("log")
        ax.set_ylim(floor / 3, 1e3)
        lambda_axis(ax, lams)
        ax.set_title(translated("{activation}: one mark per unit", activation="tanh" if activation == "tanh" else "ReLU"))
    axes[0].set_ylabel(translated("‖w_in‖·|w_out| of each unit"))
    return figure


def _unit_products(params: list[Layer]) -> np.ndarray:
    """Return ``‖w_in‖·‖w_out‖`` of each unit of the first hidden layer."""
    return np.linalg.norm(params[0].W, axis=1) * np.linalg.norm(params[1].W, axis=0)
