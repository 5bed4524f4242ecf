"""The figures of chapter 4: small weights keep tanh in its linear region, so the network becomes linear."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from l2book.experiments import (
    LINEAR_BOUND,
    Setup,
    SweepRecord,
    hidden_preactivations,
    lambda_sweep,
    linear_fraction,
    train,
)
from l2book.network import forward
from l2book.plots.language import translated
from l2book.plots.parts import draw_points, grid_axes, grid_inputs, lambda_axis, three_lambdas
from l2book.plots.style import TANH_COLOUR, TEST_COLOUR, TRAIN_COLOUR, figure

@figure("boundary-straightening")
def boundary_straightening_figure(records: Sequence[SweepRecord] | None = None, setup: Setup | None = None) -> Figure:
    """Draw the decision boundary (``P = 1/2``) of every network of a λ sweep on one plot (chapter 4).

    Networks without active units output a constant and have no boundary; they are left out.

    Parameters
    ----------
    records : sequence of SweepRecord, optional
        A λ sweep of ``setup``; its default sweep if omitted.
    setup : Setup, optional
        The experiment the records come from; the book's default if omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; :func:`svg_text` turns it into the SVG the book publishes.

    See Also
    --------
    l2book.experiments.linear_fit_r2 : where the numbers come from.
    Chapter [4, Small weights make tanh linear](04-tanh-linear.md)

    Examples
    --------
    >>> from l2book.experiments import Setup, lambda_sweep
    >>> small = Setup(m_train=20, m_test=50, steps=50)
    >>> figure = boundary_straightening_figure(lambda_sweep((0.0, 1.0), small), small)
    >>> figure.axes[0].get_legend() is not None
    True
    """
    setup = Setup() if setup is None else setup
    records = lambda_sweep(setup=setup) if records is None else list(records)
    data = setup.data()
    drawn = [r for r in records if r.active_units > 0]
    figure = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = figure.subplots()
    draw_points(ax, data.X_train, data.Y_train, alpha=0.35)
    grid, shape = grid_inputs(data)
    colours = matplotlib.colormaps["viridis"](np.linspace(0.0, 0.9, len(drawn)))
    for colour, record in zip(colours, drawn, strict=True):
        logits = forward(train(setup, record.lam), grid, activation=setup.activation, output="identity")
        ax.contour(*grid_axes(grid, shape), logits.reshape(shape), levels=[0.0], colors=[colour], linewidths=1.6)
        ax.plot([], [], color=colour, label=translated("λ = {lam:g}  (R² = {r2:.3f})", lam=record.lam, r2=record.linear_fit_r2))
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(translated("The decision boundary straightens as λ grows"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title=translated("boundary of"))
    return figure


@figure("linearity")
def linearity_figure(records: Sequence[SweepRecord] | None = None) -> Figure:
    """Draw the weight norm, the fraction of pre-activations in tanh's linear region and R² against ``λ`` (chapter 4).

    Parameters
    ----------
    records : sequence of SweepRecord, optional
        A λ sweep; the book's default :func:`~l2book.experiments.lambda_sweep` if omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; :func:`svg_text` turns it into the SVG the book publishes.

    See Also
    --------
    l2book.experiments.linear_fraction : where the numbers come from.
    Chapter [4, Small weights make tanh linear](04-tanh-linear.md)

    Examples
    --------
    >>> from l2book.experiments import SweepRecord
    >>> records = [SweepRecord(lam, 0.9, 0.8, 2.0, 0.25, 0.75, 30, 30) for lam in (0.0, 1.0)]
    >>> [np.asarray(line.get_ydata()).tolist() for line in linearity_figure(records).axes[1].lines]
    [[0.25, 0.25], [0.75, 0.75]]
    """
    records = lambda_sweep() if records is None else list(records)
    lams = [r.lam for r in records]
    figure = Figure(figsize=(7.0, 3.0), layout="constrained")
    norm_ax, linear_ax = figure.subplots(1, 2)
    norm_ax.plot(lams, [r.weight_norm for r in records], "o-", color=TRAIN_COLOUR)
    norm_ax.set_yscale("symlog", linthresh=0.1)
    norm_ax.set_ylabel(translated("weight norm  $\\sqrt{{\\sum_l \\|W^{{[l]}}\\|_F^2}}$"))
    norm_ax.set_title(translated("L2 shrinks the weights"))
    linear_ax.plot(
        lams,
        [r.linear_fraction for r in records],
        "o-",
        color=TANH_COLOUR,
        label=translated("pre-activations with |z| ≤ {bound:.2f}", bound=LINEAR_BOUND),
    )
    linear_ax.plot(lams, [r.linear_fit_r2 for r in records], "s-", color=TEST_COLOUR, label=translated("R² of the best affine fit"))
    linear_ax.set_ylim(0.0, 1.05)
    linear_ax.set_title(translated("…which makes the network linear"))
    linear_ax.legend(loc="lower right")
    for ax in (norm_ax, linear_ax):
        lambda_axis(ax, lams)
    return figure


@figure("preactivations")
def preactivations_figure(lams: Sequence[float] | None = None, setup: Setup | None = None) -> Figure:
    """Draw the histogram of hidden pre-activations over the test inputs on tanh's curve, per ``λ`` (chapter 4).

    The shaded band is tanh's linear region ``|z| ≤`` :data:`~l2book.experiments.LINEAR_BOUND`;
    pre-activations beyond ``±6`` are piled into the end bars.

    Parameters
    ----------
    lams : sequence of float, optional
        One panel per ``λ``; by default the three of :func:`decision_boundaries_figure`.
    setup : Setup, optional
        The experiment; the book's default if omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; :func:`svg_text` turns it into the SVG the book publishes.

    See Also
    --------
    l2book.experiments.hidden_preactivations : where the numbers come from.
    Chapter [4, Small weights make tanh linear](04-tanh-linear.md)

    Examples
    --------
    >>> from l2book.experiments import Setup
    >>> figure = preactivations_figure((0.0,), Setup(m_train=20, m_test=50, steps=50))
    >>> len(figure.axes[0].patches) > 10       # the histogram's bars
    True
    """
    setup = Setup() if setup is None else setup
    lams = three_lambdas(setup) if lams is None else list(lams)
    X_test = setup.data().X_test
    figure = Figure(figsize=(2.7 * len(lams), 2.9), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(lams), sharey=True))
    z = np.linspace(-6.0, 6.0, 601)
    bins = np.linspace(-6.0, 6.0, 97)  # |z| > 6 is piled into the end bars
    for ax, lam in zip(axes, lams, strict=True):
        params = train(setup, lam)
        values = np.concatenate([Z.ravel() for Z in hidden_preactivations(params, X_test, activation=setup.activation)])
        inside = linear_fraction(params, X_test, activation=setup.activation)
        ax.axvspan(-LINEAR_BOUND, LINEAR_BOUND, color=TANH_COLOUR, alpha=0.15, linewidth=0)
        weights = np.full(values.shape, 1.0 / values.size)  # bar heights are fractions of all z
        ax.hist(np.clip(values, bins[0], bins[-1]), bins=bins, weights=weights, color="0.55")
        curve = ax.twinx()
        curve.plot(z, np.tanh(z), color=TANH_COLOUR, linewidth=1.5, label=translated("tanh z"))
        curve.plot(z, z, color="0.2", linestyle=":", linewidth=1, label=translated("z"))
        curve.set_ylim(-1.6, 1.6)
        curve.grid(False)
        curve.tick_params(right=False, labelright=False)
        ax.set_title(translated("λ = {lam:g}: {inside:.0%} inside |z| ≤ {bound:.2f}", lam=lam, inside=inside, bound=LINEAR_BOUND))
        ax.set_xlabel(translated("hidden pre-activation z"))
        ax.set_xlim(bins[0], bins[-1])
    axes[0].set_ylabel(translated("fraction of all z (bars)"))
    curve.legend(loc="upper left")
    return figure
