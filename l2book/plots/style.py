"""How the book's figures look and how they are registered: the style, deterministic SVG, :data:`FIGURES`."""

from __future__ import annotations

import functools
import io
import logging
import warnings
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure

from l2book.experiments.cache import through_disk_cache
from l2book.plots.language import figure_language

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

CHINESE_FONTS = (
    "WenQuanYi Micro Hei",  # Debian/Ubuntu: fonts-wqy-microhei, what `make book` and `make test` install
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "PingFang SC",  # macOS
    "Microsoft YaHei",  # Windows
)
"""Fonts with the Chinese glyphs of the Chinese edition's figures, in order of preference."""

# matplotlib only warns when a glyph is missing and draws an empty box; the book must not
# publish a figure with a box where a word should be.
_MISSING_GLYPH = r"Glyph \d+ .* missing from (current )?font"


@functools.cache
def chinese_font() -> str:
    """Return the first of :data:`CHINESE_FONTS` installed on this machine.

    Raises
    ------
    RuntimeError
        If none is: the message says how to install one.
    """
    for name in CHINESE_FONTS:
        if name in _installed_fonts():
            return name
    raise RuntimeError(
        "the Chinese edition's figures need a font with Chinese glyphs, and none of "
        f"{', '.join(CHINESE_FONTS)} is installed: on Debian or Ubuntu run "
        "`sudo apt-get install fonts-wqy-microhei` (`make book` and `make test` do)"
    )


def _installed_fonts() -> set[str]:
    """Return the family names of the fonts matplotlib can use, counting fonts installed since its cache was made."""
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in known:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError):  # a font file FreeType cannot read: matplotlib skips it too
                continue
    return {entry.name for entry in font_manager.fontManager.ttflist}


def _style(language: str) -> dict[str, Any]:
    """Return the rcParams of the book's figures in ``language``: Chinese falls back to :func:`chinese_font`."""
    if language == "en":
        return _STYLE
    # A list of families, not a generic one: matplotlib falls back glyph by glyph only along such a list.
    return {**_STYLE, "font.family": ["DejaVu Sans", chinese_font()]}

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
    dummies = _DummyGlyphs()
    mathtext_log = logging.getLogger("matplotlib.mathtext")
    mathtext_log.addFilter(dummies)
    level = mathtext_log.level
    mathtext_log.setLevel(logging.WARNING)  # the warning must be emitted for the filter to see it
    try:
        with matplotlib.rc_context(_STYLE), warnings.catch_warnings():
            warnings.filterwarnings("error", message=_MISSING_GLYPH)
            figure.savefig(buffer, format="svg", dpi=SVG_RASTER_DPI, metadata={"Date": None})
    finally:
        mathtext_log.removeFilter(dummies)
        mathtext_log.setLevel(level)
    if dummies.characters:
        raise ValueError(f"no font in the figure's math text has a glyph for {''.join(sorted(dummies.characters))!r}")
    return buffer.getvalue()


class _DummyGlyphs(logging.Filter):
    """Collects the characters mathtext replaced by a dummy symbol (it only logs them)."""

    def __init__(self) -> None:
        super().__init__()
        self.characters: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if "substituting with a dummy symbol" in record.getMessage():
            self.characters.add(str(record.args[1]) if len(record.args or ()) > 1 else record.getMessage())
        return True


class FigureSource(Protocol):
    """What :data:`FIGURES` holds: a function that returns a figure as SVG text, in English or in Chinese."""

    def __call__(self, language: str = "en") -> str: ...

FIGURES: dict[str, FigureSource] = {}
"""The book's figures by name: ``FIGURES[name]()`` is the figure as SVG text, ``FIGURES[name]("zh")`` in Chinese.

The site publishes them as ``figures/NAME.svg``; ``python -m l2book figures OUTDIR`` writes them all.
"""


def figure(name: str) -> Callable[[Draw], Draw]:
    """Register the decorated drawing function in :data:`FIGURES` as ``name``, drawn in the book's style.

    The function draws with the book's style without changing matplotlib's
    global settings; called without arguments it must draw the book's figure,
    which ``FIGURES[name]()`` returns as SVG text, and ``FIGURES[name]("zh")``
    with its words in Chinese (see ``l2book.plots.language``).

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

        def source(language: str = "en") -> str:
            def drawn() -> str:
                with figure_language(language), matplotlib.rc_context(_style(language)):
                    return svg_text(draw())

            # Drawing every figure in both editions takes a minute; the same code draws the same
            # SVG, so the site build and the tests share it on disk (see l2book.experiments.cache).
            font = chinese_font() if language == "zh" else None
            return through_disk_cache(
                drawn,
                key=("figure", name, language, font),
                depends_on=(draw.__module__,),
                libraries=("numpy", "matplotlib"),
            )

        FIGURES[name] = source
        return styled  # type: ignore[return-value]

    return register
