"""The bias–variance figure of chapter 1: bias², variance, noise and their sum against λ, and the test error."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from l2book.experiments import BiasVarianceRecord, bias_variance_sweep
from l2book.plots.language import translated
from l2book.plots.parts import lambda_axis
from l2book.plots.style import TEST_COLOUR, TRAIN_COLOUR, figure

BIAS_COLOUR = "#009E73"


@figure("bias-variance")
def bias_variance_figure(records: Sequence[BiasVarianceRecord] | None = None) -> Figure:
    """Draw bias², variance and their sum with the noise against ``λ``, and the measured test error (chapter 1).

    Parameters
    ----------
    records : sequence of BiasVarianceRecord, optional
        One per ``λ``; the book's :func:`~l2book.experiments.bias_variance_sweep` if omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; :func:`svg_text` turns it into the SVG the book publishes.

    See Also
    --------
    l2book.experiments.bias_variance_sweep : where the numbers come from.
    Chapter [1, Overfitting and its two cures](01-overfitting.md)

    Examples
    --------
    >>> from l2book.experiments import BiasVarianceRecord
    >>> records = [BiasVarianceRecord(0.0, 20, 0.01, 0.03, 0.1, 0.14, 0.15),
    ...            BiasVarianceRecord(1.0, 20, 0.05, 0.01, 0.1, 0.16, 0.15)]
    >>> [[float(y) for y in line.get_ydata()] for line in bias_variance_figure(records).axes[0].lines[:2]]
    [[0.01, 0.05], [0.03, 0.01]]
    """
    records = bias_variance_sweep() if records is None else list(records)
    lams = [r.lam for r in records]
    figure = Figure(figsize=(6.0, 3.6), layout="constrained")
    ax = figure.subplots()
    ax.plot(lams, [r.bias_squared for r in records], "o-", color=BIAS_COLOUR, label=translated("bias²"))
    ax.plot(lams, [r.variance for r in records], "s-", color=TRAIN_COLOUR, label=translated("variance"))
    ax.plot(lams, [r.noise for r in records], ":", color="0.4", label=translated("noise p*(1 − p*)"))
    ax.plot(
        lams,
        [r.bias_squared + r.variance + r.noise for r in records],
        "-",
        color="black",
        linewidth=1.8,
        label=translated("bias² + variance + noise"),
    )
    ax.plot(lams, [r.test_error for r in records], "x", color=TEST_COLOUR, markersize=9, mew=2,
            label=translated("measured test error (p̂ − y)²"))  # fmt: skip
    lambda_axis(ax, lams)
    ax.set_ylim(bottom=0.0)
    ax.set_ylabel(translated("squared error of P(class 1)"))
    ax.set_title(translated("As λ grows, variance falls and bias rises ({sets} training sets)", sets=records[0].sets))
    ax.legend(loc="upper left", ncols=2)
    return figure
