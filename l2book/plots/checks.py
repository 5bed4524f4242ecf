"""The figure of chapter 6: the error of a finite-difference gradient against its step, in float64 and float32."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from l2book.experiments import StepSizeCurve, step_size_curve
from l2book.plots.language import translated
from l2book.plots.style import TEST_COLOUR, TRAIN_COLOUR, figure

_DTYPE_COLOURS = {"float64": TRAIN_COLOUR, "float32": TEST_COLOUR}


@figure("step-size")
def step_size_figure(curves: Sequence[StepSizeCurve] | None = None) -> Figure:
    """Draw the median relative error against the step ``h`` on log–log axes, with the measured and predicted best step.

    Parameters
    ----------
    curves : sequence of StepSizeCurve, optional
        One line each; chapter 6's float64 and float32 curves
        (:func:`~l2book.experiments.step_size_curve`) if omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; :func:`svg_text` turns it into the SVG the book publishes.

    See Also
    --------
    l2book.experiments.step_size_curve : where the numbers come from.
    Chapter [6, How this book checks itself](06-checks.md)

    Examples
    --------
    >>> from l2book.experiments import StepSizeCurve
    >>> curve = StepSizeCurve("float64", 1, (1e-3, 1e-5, 1e-7), (1e-7, 1e-11, 1e-9), 6e-6)
    >>> [float(y) for y in step_size_figure([curve]).axes[0].lines[0].get_ydata()]
    [1e-07, 1e-11, 1e-09]
    """
    curves = [step_size_curve(np.float64), step_size_curve(np.float32)] if curves is None else list(curves)
    figure = Figure(figsize=(6.0, 4.0), layout="constrained")
    ax = figure.subplots()
    for curve in curves:
        colour = _DTYPE_COLOURS.get(curve.dtype, "black")
        ax.plot(
            curve.steps,
            curve.errors,
            ".-",
            color=colour,
            markersize=4,
            label=translated(
                "{dtype}, median of {networks} networks: smallest ≈ {error:.0e} at h = {step:.0e}",
                dtype=curve.dtype, networks=curve.networks, error=_power_of_ten(curve.best_error), step=curve.best_step,
            ),
        )
        ax.plot([curve.best_step], [curve.best_error], "o", color=colour, markersize=8, markerfacecolor="none")
        ax.axvline(curve.predicted_step, color=colour, linestyle="--", linewidth=1)
        ax.annotate(
            f"∛ε = {curve.predicted_step:.1e}",
            (curve.predicted_step, 1.0),
            xytext=(3, -2),
            textcoords="offset points",
            va="top",
            fontsize=8,
            color=colour,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(top=3.0)
    ax.set_xlabel(translated("step h"))
    ax.set_ylabel(translated("relative error of ∂J/∂W[1]"))
    ax.set_title(translated("Truncation falls as h², rounding grows as 1/h: the V bottoms out near ∛ε"))
    figure.legend(loc="outside lower center")  # below the axes: the bottom of the V stays visible
    return figure


def _power_of_ten(value: float) -> float:
    """Round ``value`` to the nearest power of ten, as chapter 6's table does (the digits depend on the machine)."""
    return 10.0 ** round(float(np.log10(value)))
