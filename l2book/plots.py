"""The book's figures, drawn with matplotlib from the experiments of :mod:`l2book.experiments`.

:data:`FIGURES` maps each figure's name to a function of no arguments that
returns the figure as SVG text; the site build publishes it as
``figures/NAME.svg``. The SVG is deterministic: the same data give the same
bytes (no date in the metadata, ids salted with a fixed string), so a rebuilt
site only changes where the numbers changed.

Each ``*_figure`` function takes the data it draws (sweep records, trained
networks) and returns a :class:`matplotlib.figure.Figure`; called without
arguments it draws the book's default experiment. No pyplot: figures are made
with the object-oriented API, so importing this module changes no global
matplotlib state.

matplotlib is needed here only (the ``docs`` extra); the numeric API does not import it.

Examples
--------
>>> svg = FIGURES["accuracy-vs-lambda"]()
>>> svg.startswith("<?xml") and svg == FIGURES["accuracy-vs-lambda"]()
True
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from l2book._checks import Layer
from l2book.experiments import (
    ACTIVE_STD,
    LINEAR_BOUND,
    Dataset,
    Setup,
    SizeRecord,
    SweepRecord,
    accuracy,
    best_record,
    critical_lambda,
    hidden_preactivations,
    lambda_sweep,
    linear_fraction,
    size_sweep,
    train,
)
from l2book.network import forward

# Okabe–Ito colours: distinguishable with every common colour-vision deficiency.
TRAIN_COLOUR = "#0072B2"
TEST_COLOUR = "#D55E00"
CLASS_COLOURS = ("#0072B2", "#E69F00")
TANH_COLOUR = "#009E73"
RELU_COLOUR = "#CC79A7"

SVG_RASTER_DPI = 150
"""Resolution of the parts of a figure drawn as images (the shaded probability maps)."""

SVG_HASH_SALT = "l2book"
"""Fixed salt of the SVG element ids, so that two renderings of one figure are identical."""

_STYLE = {
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.facecolor": "white",
    "svg.fonttype": "path",  # glyphs as paths: the figure looks the same without the font installed
    "svg.hashsalt": SVG_HASH_SALT,
}
# λ = 0 belongs on the λ axis, so it is linear up to the first non-zero λ of the grid, logarithmic above.
_LAMBDA_LINTHRESH = 0.01


def svg_text(figure: Figure) -> str:
    """Return ``figure`` as deterministic SVG text (no date, fixed id salt).

    See Also
    --------
    FIGURES : the book's figures, each already turned into SVG text.

    Examples
    --------
    >>> figure = Figure()
    >>> _ = figure.subplots().plot([0, 1], [1, 0])
    >>> svg_text(figure) == svg_text(figure)
    True
    """
    buffer = io.StringIO()
    with matplotlib.rc_context(_STYLE):
        figure.savefig(buffer, format="svg", dpi=SVG_RASTER_DPI, metadata={"Date": None})
    return buffer.getvalue()


def _styled(build: Callable[..., Figure]) -> Callable[..., Figure]:
    """Draw with the book's style, without changing matplotlib's global settings."""

    @functools.wraps(build)
    def styled(*args: Any, **kwargs: Any) -> Figure:
        with matplotlib.rc_context(_STYLE):
            return build(*args, **kwargs)

    return styled


@_styled
def accuracy_vs_lambda_figure(records: Sequence[SweepRecord] | None = None) -> Figure:
    """Draw training and test accuracy against ``λ``, with the best ``λ`` marked (chapter 1).

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
    l2book.experiments.lambda_sweep : where the numbers come from.
    Chapter [1, Overfitting and its two cures](01-overfitting.md)

    Examples
    --------
    >>> from l2book.experiments import SweepRecord
    >>> records = [SweepRecord(lam, 0.9, 0.8, 1.0, 0.5, 0.9, 30, 30) for lam in (0.0, 1.0)]
    >>> [np.asarray(line.get_ydata()).tolist() for line in accuracy_vs_lambda_figure(records).axes[0].lines[:2]]
    [[0.9, 0.9], [0.8, 0.8]]
    """
    records = lambda_sweep() if records is None else list(records)
    figure = Figure(figsize=(6.0, 3.2), layout="constrained")
    ax = figure.subplots()
    lams = [r.lam for r in records]
    ax.plot(lams, [r.train_accuracy for r in records], "o-", color=TRAIN_COLOUR, label="training set")
    ax.plot(lams, [r.test_accuracy for r in records], "s-", color=TEST_COLOUR, label="test set")
    best = best_record(records)
    ax.axvline(best.lam, color="0.4", linestyle=":", linewidth=1)
    ax.annotate(
        f"best λ = {best.lam:g}\ntest {best.test_accuracy:.3f}",
        (best.lam, best.test_accuracy),
        xytext=(-12, -28),
        textcoords="offset points",
        ha="right",
        fontsize=8,
    )
    _lambda_axis(ax, lams)
    ax.set_ylabel("accuracy")
    ax.set_title("Overfitting on the left, underfitting on the right")
    ax.legend(loc="lower left")
    return figure


@_styled
def accuracy_vs_m_figure(records: Sequence[SizeRecord] | None = None, regularized: SweepRecord | None = None) -> Figure:
    """Draw training and test accuracy at ``λ = 0`` against the training-set size ``m`` (chapter 1).

    Parameters
    ----------
    records : sequence of SizeRecord, optional
        A size sweep; the book's default :func:`~l2book.experiments.size_sweep` if omitted.
    regularized : SweepRecord, optional
        Drawn as a horizontal line for comparison: the test accuracy of the best
        ``λ`` at the default size (the best record of the default λ sweep if omitted).

    Returns
    -------
    matplotlib.figure.Figure
        The figure; :func:`svg_text` turns it into the SVG the book publishes.

    See Also
    --------
    l2book.experiments.size_sweep : where the numbers come from.
    Chapter [1, Overfitting and its two cures](01-overfitting.md)

    Examples
    --------
    >>> from l2book.experiments import SizeRecord, SweepRecord
    >>> sizes = [SizeRecord(50, 1.0, 0.7), SizeRecord(100, 0.9, 0.8)]
    >>> figure = accuracy_vs_m_figure(sizes, SweepRecord(0.3, 0.85, 0.85, 5.0, 0.6, 0.9, 30, 30))
    >>> [float(x) for x in figure.axes[0].lines[1].get_xdata()]
    [50.0, 100.0]
    """
    records = size_sweep() if records is None else list(records)
    regularized = best_record(lambda_sweep()) if regularized is None else regularized
    figure = Figure(figsize=(6.0, 3.2), layout="constrained")
    ax = figure.subplots()
    sizes = [r.m for r in records]
    ax.plot(sizes, [r.train_accuracy for r in records], "o-", color=TRAIN_COLOUR, label="training set, λ = 0")
    ax.plot(sizes, [r.test_accuracy for r in records], "s-", color=TEST_COLOUR, label="test set, λ = 0")
    ax.axhline(
        regularized.test_accuracy,
        color=TEST_COLOUR,
        linestyle="--",
        linewidth=1,
        label=f"test set, λ = {regularized.lam:g} at m = {Setup().m_train}",
    )
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(m) for m in sizes])
    ax.minorticks_off()
    ax.set_xlabel("training examples m")
    ax.set_ylabel("accuracy")
    ax.set_title("More data closes the gap")
    ax.legend(loc="lower right")
    return figure


@_styled
def decision_boundaries_figure(lams: Sequence[float] | None = None, setup: Setup | None = None) -> Figure:
    """Draw the trained network's predicted probability and decision boundary for a few ``λ`` (chapter 1).

    Parameters
    ----------
    lams : sequence of float, optional
        One panel per ``λ``. Default: none (0), the best ``λ`` of the sweep of
        ``setup``, and too much: the largest ``λ`` of the sweep whose network
        still has active units (above it the output is a constant and there is
        no boundary to draw).
    setup : Setup, optional
        The experiment; the book's default if omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; :func:`svg_text` turns it into the SVG the book publishes.

    See Also
    --------
    l2book.experiments.train : where the numbers come from.
    Chapter [1, Overfitting and its two cures](01-overfitting.md)

    Examples
    --------
    >>> from l2book.experiments import Setup
    >>> small = Setup(m_train=20, m_test=50, steps=50)
    >>> figure = decision_boundaries_figure((0.0, 1.0), small)
    >>> [ax.get_title().split(":")[0] for ax in figure.axes if ax.get_title()]    # the colorbar has no title
    ['λ = 0', 'λ = 1']
    """
    setup = Setup() if setup is None else setup
    lams = _three_lambdas(setup) if lams is None else list(lams)
    data = setup.data()
    figure = Figure(figsize=(2.7 * len(lams), 2.9), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(lams), sharex=True, sharey=True))
    for ax, lam in zip(axes, lams, strict=True):
        params = train(setup, lam)
        contours = _draw_probability(ax, params, data, setup.activation)
        _draw_points(ax, data.X_train, data.Y_train)
        train_acc = accuracy(params, data.X_train, data.Y_train, activation=setup.activation)
        test_acc = accuracy(params, data.X_test, data.Y_test, activation=setup.activation)
        ax.set_title(f"λ = {lam:g}: train {train_acc:.2f}, test {test_acc:.3f}")
        ax.set_aspect("equal")
        ax.set_xlabel("$x_1$")
    axes[0].set_ylabel("$x_2$")
    figure.colorbar(contours, ax=list(axes), shrink=0.8, label="predicted P(class 1)")
    return figure


@_styled
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
    _draw_points(ax, data.X_train, data.Y_train, alpha=0.35)
    grid, shape = _grid(data)
    colours = matplotlib.colormaps["viridis"](np.linspace(0.0, 0.9, len(drawn)))
    for colour, record in zip(colours, drawn, strict=True):
        logits = forward(train(setup, record.lam), grid, activation=setup.activation, output="identity")
        ax.contour(*_grid_axes(grid, shape), logits.reshape(shape), levels=[0.0], colors=[colour], linewidths=1.6)
        ax.plot([], [], color=colour, label=f"λ = {record.lam:g}  (R² = {record.linear_fit_r2:.3f})")
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title("The decision boundary straightens as λ grows")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title="boundary of")
    return figure


@_styled
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
    norm_ax.set_ylabel("weight norm  $\\sqrt{\\sum_l \\|W^{[l]}\\|_F^2}$")
    norm_ax.set_title("L2 shrinks the weights")
    linear_ax.plot(
        lams, [r.linear_fraction for r in records], "o-", color=TANH_COLOUR, label="pre-activations with |z| ≤ 0.39"
    )
    linear_ax.plot(lams, [r.linear_fit_r2 for r in records], "s-", color=TEST_COLOUR, label="R² of the best affine fit")
    linear_ax.set_ylim(0.0, 1.05)
    linear_ax.set_title("…which makes the network linear")
    linear_ax.legend(loc="lower right")
    for ax in (norm_ax, linear_ax):
        _lambda_axis(ax, lams)
    return figure


@_styled
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
    lams = _three_lambdas(setup) if lams is None else list(lams)
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
        curve.plot(z, np.tanh(z), color=TANH_COLOUR, linewidth=1.5, label="tanh z")
        curve.plot(z, z, color="0.2", linestyle=":", linewidth=1, label="z")
        curve.set_ylim(-1.6, 1.6)
        curve.grid(False)
        curve.tick_params(right=False, labelright=False)
        ax.set_title(f"λ = {lam:g}: {inside:.0%} inside |z| ≤ {LINEAR_BOUND:.2f}")
        ax.set_xlabel("hidden pre-activation z")
        ax.set_xlim(bins[0], bins[-1])
    axes[0].set_ylabel("fraction of all z (bars)")
    curve.legend(loc="upper left")
    return figure


@_styled
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
    _lambda_axis(ax, [r.lam for r in tanh_records])
    ax.set_ylim(-1, tanh_records[0].hidden_units + 2)
    ax.set_ylabel(f"active hidden units (std > {ACTIVE_STD:g})")
    ax.set_title("ReLU units switch off separately; tanh units die together")
    ax.legend(loc="lower left")
    return figure


@_styled
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
        ax.text(0.02, floor * 2, "off: below 1e-8", transform=ax.get_yaxis_transform(), fontsize=8, color="0.3")
        ax.set_yscale("log")
        ax.set_ylim(floor / 3, 1e3)
        _lambda_axis(ax, lams)
        ax.set_title(f"{'tanh' if activation == 'tanh' else 'ReLU'}: one mark per unit")
    axes[0].set_ylabel("‖w_in‖·|w_out| of each unit")
    return figure


FIGURES: dict[str, Callable[[], str]] = {
    "accuracy-vs-lambda": lambda: svg_text(accuracy_vs_lambda_figure()),
    "accuracy-vs-m": lambda: svg_text(accuracy_vs_m_figure()),
    "decision-boundaries": lambda: svg_text(decision_boundaries_figure()),
    "boundary-straightening": lambda: svg_text(boundary_straightening_figure()),
    "linearity": lambda: svg_text(linearity_figure()),
    "preactivations": lambda: svg_text(preactivations_figure()),
    "active-units": lambda: svg_text(active_units_figure()),
    "unit-norms": lambda: svg_text(unit_norms_figure()),
}
"""The book's figures by name: each function returns the figure as SVG text.

The site publishes them as ``figures/NAME.svg``; ``python -m l2book figures OUTDIR`` writes them all.
"""


def _three_lambdas(setup: Setup) -> list[float]:
    """Return none (0), the best λ of ``setup``'s sweep, and too much: the largest λ that leaves a boundary."""
    records = lambda_sweep(setup=setup)
    too_much = max(r.lam for r in records if r.active_units > 0)
    return [0.0, best_record(records).lam, too_much]


def _lambda_axis(ax: Axes, lams: Sequence[float]) -> None:
    """Make ``ax``'s x axis a λ axis that shows λ = 0 (linear near 0, logarithmic above), ticked by decade."""
    # linscale=1: the stretch from 0 to the first λ is as wide as one decade.
    ax.set_xscale("symlog", linthresh=_LAMBDA_LINTHRESH, linscale=1.0)
    largest = max(max(lams), _LAMBDA_LINTHRESH)
    ticks = [0.0] + [10.0**k for k in range(-2, 3) if 10.0**k <= largest]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.set_xlim(-0.25 * _LAMBDA_LINTHRESH, 1.6 * largest)
    ax.minorticks_off()
    ax.set_xlabel("λ")


def _grid(data: Dataset, points: int = 121) -> tuple[np.ndarray, tuple[int, int]]:
    """Return a square grid of inputs over the training set and a margin, shape ``(2, points²)``, and its shape."""
    low = float(data.X_train.min()) - 0.4
    high = float(data.X_train.max()) + 0.4
    x1, x2 = np.meshgrid(np.linspace(low, high, points), np.linspace(low, high, points))
    return np.vstack([x1.ravel(), x2.ravel()]), x1.shape


def _grid_axes(grid: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Return the two coordinate arrays of a grid made by :func:`_grid`, as ``contour`` wants them."""
    return grid[0].reshape(shape), grid[1].reshape(shape)


def _draw_probability(ax: Axes, params: list[Layer], data: Dataset, activation: str) -> Any:
    """Shade the predicted probability of class 1 and draw the boundary where it is 1/2."""
    grid, shape = _grid(data)
    probability = forward(params, grid, activation=activation).reshape(shape)
    x1, x2 = _grid_axes(grid, shape)
    # Rasterized: the shading as one embedded image instead of thousands of SVG paths.
    contours = ax.contourf(
        x1, x2, probability, levels=np.linspace(0.0, 1.0, 11), cmap="RdYlBu_r", alpha=0.55, rasterized=True
    )
    if probability.min() < 0.5 < probability.max():
        ax.contour(x1, x2, probability, levels=[0.5], colors="black", linewidths=1.2)
    return contours


def _draw_points(ax: Axes, X: np.ndarray, Y: np.ndarray, alpha: float = 0.9) -> None:
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
            label=f"class {label}",
        )


def _unit_products(params: list[Layer]) -> np.ndarray:
    """Return ``‖w_in‖·‖w_out‖`` of each unit of the first hidden layer."""
    return np.linalg.norm(params[0].W, axis=1) * np.linalg.norm(params[1].W, axis=0)
