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

One module per chapter (``accuracy`` and ``bias_variance``, ``weight_decay``,
``linearity``, ``dead_units``, ``checks``, ``beyond``), plus
``style`` (the look, :func:`svg_text` and the :func:`figure` decorator that
registers a drawing function in :data:`FIGURES` where it is defined) and
``parts`` (pieces several figures share).

matplotlib is needed here only (the ``docs`` extra); the numeric API does not import it.

Examples
--------
>>> svg = FIGURES["accuracy-vs-lambda"]()
>>> svg.startswith("<?xml") and svg == FIGURES["accuracy-vs-lambda"]()
True
"""

# Chapter by chapter: importing a module registers its figures, so FIGURES lists them in the book's order.
from l2book.plots.accuracy import accuracy_vs_lambda_figure, accuracy_vs_m_figure, decision_boundaries_figure
from l2book.plots.bias_variance import bias_variance_figure  # isort: skip
from l2book.plots.weight_decay import l2_contours_figure, regularized_minimum  # isort: skip
from l2book.plots.linearity import boundary_straightening_figure, linearity_figure, preactivations_figure
from l2book.plots.dead_units import active_units_figure, unit_norms_figure  # isort: skip
from l2book.plots.checks import step_size_figure  # isort: skip
from l2book.plots.beyond import half_curvatures, shrinkage_vs_early_stopping_figure  # isort: skip
from l2book.plots.style import (
    CLASS_COLOURS,
    FIGURES,
    RELU_COLOUR,
    SVG_HASH_SALT,
    SVG_RASTER_DPI,
    TANH_COLOUR,
    TEST_COLOUR,
    TRAIN_COLOUR,
    figure,
    svg_text,
)

__all__ = [
    "CLASS_COLOURS",
    "FIGURES",
    "RELU_COLOUR",
    "SVG_HASH_SALT",
    "SVG_RASTER_DPI",
    "TANH_COLOUR",
    "TEST_COLOUR",
    "TRAIN_COLOUR",
    "accuracy_vs_lambda_figure",
    "accuracy_vs_m_figure",
    "active_units_figure",
    "bias_variance_figure",
    "boundary_straightening_figure",
    "decision_boundaries_figure",
    "figure",
    "half_curvatures",
    "l2_contours_figure",
    "linearity_figure",
    "preactivations_figure",
    "regularized_minimum",
    "shrinkage_vs_early_stopping_figure",
    "step_size_figure",
    "svg_text",
    "unit_norms_figure",
]
