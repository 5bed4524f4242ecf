"""The figures of chapter 1: accuracy against λ and against m, and the decision boundaries."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from l2book.experiments import Setup, SizeRecord, SweepRecord, accuracy, best_record, lambda_sweep, size_sweep, train
from l2book.plots.language import translated
from l2book.plots.parts import draw_points, draw_probability, lambda_axis, three_lambdas
from l2book.plots.style import TEST_COLOUR, TRAIN_COLOUR, figure

@figure("accuracy-vs-lambda")
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
    ax.plot(lams, [r.train_accuracy for r in records], "o-", color=TRAIN_COLOUR, label=translated("training set"))
    ax.plot(lams, [r.test_accuracy for r in records], "s-", color=TEST_COLOUR, label=translated("test set"))
    best = best_record(records)
    ax.axvline(best.lam, color="0.4", linestyle=":", linewidth=1)
    ax.annotate(
        translated("best λ = {lam:g}\ntest {accuracy:.3f}", lam=best.lam, accuracy=best.test_accuracy),
        (best.lam, best.test_accuracy),
        xytext=(-12, -28),
        textcoords="offset points",
        ha="right",
        fontsize=8,
    )
    lambda_axis(ax, lams)
    ax.set_ylabel(translated("accuracy"))
    ax.set_title(translated("Overfitting on the left, underfitting on the right"))
    ax.legend(loc="lower left")
    return figure


@figure("accuracy-vs-m")
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
    ax.plot(sizes, [r.train_accuracy for r in records], "o-", color=TRAIN_COLOUR, label=translated("training set, λ = 0"))
    ax.plot(sizes, [r.test_accuracy for r in records], "s-", color=TEST_COLOUR, label=translated("test set, λ = 0"))
    ax.axhline(
        regularized.test_accuracy,
        color=TEST_COLOUR,
        linestyle="--",
        linewidth=1,
        label=translated("test set, λ = {lam:g} at m = {m}", lam=regularized.lam, m=Setup().m_train),
    )
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(m) for m in sizes])
    ax.minorticks_off()
    ax.set_xlabel(translated("training examples m"))
    ax.set_ylabel(translated("accuracy"))
    ax.set_title(translated("More data closes the gap"))
    ax.legend(loc="lower right")
    return figure


@figure("decision-boundaries")
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
    lams = three_lambdas(setup) if lams is None else list(lams)
    data = setup.data()
    figure = Figure(figsize=(2.7 * len(lams), 2.9), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(lams), sharex=True, sharey=True))
    for ax, lam in zip(axes, lams, strict=True):
        params = train(setup, lam)
        contours = draw_probability(ax, params, data, setup.activation)
        draw_points(ax, data.X_train, data.Y_train)
        train_acc = accuracy(params, data.X_train, data.Y_train, activation=setup.activation)
        test_acc = accuracy(params, data.X_test, data.Y_test, activation=setup.activation)
        ax.set_title(translated("λ = {lam:g}: train {train:.2f}, test {test:.3f}", lam=lam, train=train_acc, test=test_acc))
        ax.set_aspect("equal")
        ax.set_xlabel("$x_1$")
    axes[0].set_ylabel("$x_2$")
    figure.colorbar(contours, ax=list(axes), shrink=0.8, label=translated("predicted P(class 1)"))
    return figure
