"""The Chinese edition computes what the English one computes: same doctests, formulas, figures and anchors.

Both editions' pages run as doctests under pytest (``--doctest-glob=*.md``), so
each is right on its own; these tests make them the *same*: a number changed in
one edition and not in the other fails here, with the line of each.
"""

from __future__ import annotations

import pytest

from tests.editions import (
    DOCS,
    anchors,
    ENGLISH_ONLY,
    TRANSLATED,
    chinese_page,
    english_page,
    examples,
    figures,
    formulas,
    without_comments,
)

EVERY_TRANSLATED_PAGE = pytest.mark.parametrize("name", TRANSLATED)


def test_every_page_has_an_english_original_and_a_chinese_twin_or_is_english_only():
    english = {path.name.removesuffix(".md") for path in DOCS.glob("*.md") if path.suffixes == [".md"]}
    assert english == set(TRANSLATED) | set(ENGLISH_ONLY)
    chinese = {path.name.removesuffix(".zh.md") for path in DOCS.glob("*.zh.md")}
    assert chinese == set(TRANSLATED)


@EVERY_TRANSLATED_PAGE
def test_chinese_page_has_the_same_doctest_examples(name):
    english, chinese = examples(english_page(name)), examples(chinese_page(name))
    for theirs, ours in zip(english, chinese, strict=False):
        where = f"{name}.md line {theirs.line} and {name}.zh.md line {ours.line}"
        assert ours.code == theirs.code, f"different code at {where}"
        assert ours.want == theirs.want, f"different expected output at {where}"
    assert len(chinese) == len(english), f"{name}: {len(english)} examples in English, {len(chinese)} in Chinese"


@EVERY_TRANSLATED_PAGE
def test_chinese_page_shows_the_same_formulas_and_figures(name):
    assert formulas(chinese_page(name)) == formulas(english_page(name))
    assert figures(chinese_page(name)) == figures(english_page(name))


@EVERY_TRANSLATED_PAGE
def test_chinese_page_keeps_the_english_anchors(name):
    assert anchors(chinese_page(name)) == anchors(english_page(name))


def test_parity_sees_a_changed_number_but_not_a_translated_comment(tmp_path):
    english = tmp_path / "a.md"
    english.write_text(">>> x = 1  # one\n>>> print(x + 1)\n2\n", encoding="utf-8")
    translated = tmp_path / "a.zh.md"
    translated.write_text("甲\n\n>>> x = 1  # 一\n>>> print(x + 1)\n2\n", encoding="utf-8")
    assert examples(translated) == [
        type(example)(example.line + 2, example.code, example.want) for example in examples(english)
    ]
    translated.write_text(">>> x = 1\n>>> print(x + 1)\n3\n", encoding="utf-8")
    assert examples(translated)[1].want != examples(english)[1].want


def test_comment_removal_keeps_a_hash_inside_a_string():
    assert without_comments("s = '# not a comment'  # a comment\n") == "s = '# not a comment'"


def test_a_translated_heading_without_its_english_anchor_is_seen(tmp_path):
    english = tmp_path / "a.md"
    english.write_text("# Weight decay\n\n## The update rule\n", encoding="utf-8")
    chinese = tmp_path / "a.zh.md"
    chinese.write_text("# 权重衰减 {#weight-decay}\n\n## 更新规则 {#the-update-rule}\n", encoding="utf-8")
    assert anchors(chinese) == anchors(english) == [("h1", "weight-decay"), ("h2", "the-update-rule")]
    chinese.write_text("# 权重衰减 {#weight-decay}\n\n## 更新规则\n", encoding="utf-8")
    assert anchors(chinese) != anchors(english)
