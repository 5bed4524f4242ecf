"""How the book's figures look and how they are registered: the style, deterministic SVG, :data:`FIGURES`."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from typing import Any, TypeVar

import matplotlib
from matplotlib.figure import Figure

Draw = TypeVar("Draw", bound=Callable[..., Figure])

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

FIGURES: dict[str, Callable[[], str]] = {}
"""The book's figures by name: each function returns the figure as SVG text.

The site publishes them as ``figures/NAME.svg``; ``python -m l2book figures OUTDIR`` writes them all.
"""


def figure(name: str) -> Callable[[Draw], Draw]:
    """Register the decorated drawing function in :data:`FIGURES` as ``name``, drawn in the book's style.

    The function draws with the book's style without changing matplotlib's
    global settings; called without arguments it must draw the book's figure,
    which ``FIGURES[name]()`` returns as SVG text.

    Examples
    --------
    >>> @figure("example-line")
    ... def example_figure() -> Figure:
    ...     drawn = Figure()
    ...     drawn.subplots().plot([0, 1], [1, 0])
    ...     return drawn
    >>> FIGURES.pop("example-line")().startswith("<?xml")
    True
    """

    def register(draw: Draw) -> Draw:
        if name in FIGURES:
            raise ValueError(f"figure {name!r} is already registered")

        @functools.wraps(draw)
        def styled(*args: Any, **kwargs: Any) -> Figure:
            with matplotlib.rc_context(_STYLE):
                return draw(*args, **kwargs)

        FIGURES[name] = lambda: svg_text(styled())
        return styled  # type: ignore[return-value]

    return register
