"""The figures of the Chinese edition: every word translated, drawn with a font that has the glyphs, or no figure."""

import ast
import logging
import pathlib
import re
import warnings

import matplotlib
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from l2book import plots
from l2book.plots import language, style
from l2book.plots.language import CHINESE, figure_language, translated

PLOTS = pathlib.Path(plots.__file__).parent
DRAWINGS = [getattr(plots, name) for name in plots.__all__ if name.endswith("_figure")]
CJK = re.compile(r"[\u4e00-\u9fff]")
# A lowercase English word; "tanh" is the function's name in both editions.
ENGLISH_WORD = re.compile(r"\b(?!tanh\b)[a-z]{4,}\b")


def texts(figure: Figure) -> list[str]:
    return [text.get_text() for text in figure.findobj(Text) if text.get_text().strip()]


@pytest.mark.parametrize("draw", DRAWINGS, ids=lambda draw: draw.__name__)
def test_every_word_of_every_figure_is_chinese_in_the_chinese_edition(draw):
    english = texts(draw())
    with figure_language("zh"):
        chinese = texts(draw())
    assert any(ENGLISH_WORD.search(text) for text in english), "the check must see the English words"
    assert any(CJK.search(text) for text in chinese)
    assert [text for text in chinese if ENGLISH_WORD.search(text)] == []
    assert len(chinese) == len(english)


def test_the_chinese_figure_is_published_and_differs_from_the_english_one():
    chinese = plots.FIGURES["accuracy-vs-m"]("zh")
    assert chinese.startswith("<?xml") and chinese != plots.FIGURES["accuracy-vs-m"]()
    assert chinese == plots.FIGURES["accuracy-vs-m"]("zh")


def test_every_chinese_template_is_one_a_figure_uses():
    used = set()
    for module in PLOTS.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "translated":
                used.add(node.args[0].value)
    assert used == set(CHINESE)


def test_no_chinese_text_goes_through_mathtext():
    assert [text for text in CHINESE.values() if "$" in text] == []


def test_a_glyph_no_font_has_fails_the_figure_instead_of_drawing_a_box():
    figure = Figure()
    figure.text(0.5, 0.5, "权重衰减")  # the English style has no Chinese font
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # outside, matplotlib's warning is ignored: svg_text must still fail
        with pytest.raises(UserWarning, match="missing from"):
            style.svg_text(figure)


def test_a_glyph_mathtext_replaces_by_a_dummy_fails_the_figure():
    figure = Figure()
    figure.text(0.5, 0.5, "$x$ 权重")
    quiet = logging.getLogger("matplotlib.mathtext")
    quiet.setLevel(logging.ERROR)  # even with mathtext's warnings silenced
    try:
        with pytest.raises(ValueError, match="权"):
            style.svg_text(figure)
    finally:
        quiet.setLevel(logging.NOTSET)


def test_the_chinese_font_is_one_of_the_listed_ones_and_is_used():
    assert style.chinese_font() in style.CHINESE_FONTS
    with figure_language("zh"), matplotlib.rc_context(style._style("zh")):
        assert matplotlib.rcParams["font.family"] == ["DejaVu Sans", style.chinese_font()]


def test_a_missing_chinese_font_is_named_with_the_way_to_install_one(monkeypatch):
    monkeypatch.setattr(style, "CHINESE_FONTS", ("No Such Font SC",))
    style.chinese_font.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="fonts-wqy-microhei"):
            style.chinese_font()
    finally:
        style.chinese_font.cache_clear()


def test_translated_formats_numbers_the_same_in_both_languages():
    assert translated("class {label}", label=1) == "class 1"
    with figure_language("zh"):
        assert translated("λ = {lam:g}: train {train:.2f}, test {test:.3f}", lam=0.1, train=1, test=0.5) == (
            "λ = 0.1：训练 1.00，测试 0.500"
        )
    assert language._CURRENT.get() == "en"  # the block ended: English again


def test_an_untranslated_text_or_an_unknown_language_is_an_error():
    with figure_language("zh"), pytest.raises(KeyError, match="no Chinese for the figure text 'new words'"):
        translated("new words")
    with pytest.raises(ValueError, match="language must be one of"), figure_language("fr"):
        pass
