"""The built site's two editions: English at the root, Chinese under zh/, each with its own figures, notebooks and links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.editions import ENGLISH_ONLY, TRANSLATED

ENGLISH_ONLY_NOTE = "本页只有英文版"


def built_page(site_dir: Path, path: str) -> str:
    return (site_dir / path / "index.html").read_text(encoding="utf-8")


def page_path(name: str) -> str:
    return "" if name == "index" else name


@pytest.mark.parametrize("name", TRANSLATED)
def test_each_translated_page_is_served_in_chinese_and_links_its_english_twin(name, served_site):
    site_dir, _ = served_site
    chinese = built_page(site_dir, f"zh/{page_path(name)}")
    assert '<html lang="zh"' in chinese and ENGLISH_ONLY_NOTE not in chinese
    assert len(re.findall(r"[\u4e00-\u9fff]", chinese)) > 100
    # The switcher names each edition's root; docs/javascripts/language.js finds the twin page
    # (tests/test_browser.py switches both ways).
    assert re.search(r'<a href="[^"]*/" hreflang="en" class="md-select__link">', chinese)
    assert '<html lang="en"' in built_page(site_dir, page_path(name))


def test_every_alternate_root_has_the_sitemap_material_reads_beside_it(served_site):
    site_dir, base_url = served_site
    chapter = built_page(site_dir, "zh/03-weight-decay")
    roots = re.findall(r'<link rel="alternate" href="([^"]+)" hreflang="(\w+)">', chapter)
    assert sorted(language for _, language in roots) == ["en", "zh"]
    for href, language in roots:
        assert href.endswith("/") and (site_dir / href.lstrip("/") / "sitemap.xml").is_file(), href


@pytest.mark.parametrize("name", ENGLISH_ONLY)
def test_an_english_only_page_says_so_in_chinese_on_the_chinese_site(name, served_site):
    site_dir, _ = served_site
    assert ENGLISH_ONLY_NOTE in built_page(site_dir, f"zh/{name}")
    assert ENGLISH_ONLY_NOTE not in built_page(site_dir, name)


def test_the_chinese_pages_show_the_chinese_figures_and_link_the_chinese_api(served_site):
    site_dir, _ = served_site
    chapter = built_page(site_dir, "zh/01-overfitting")
    figures = re.findall(r'<img [^>]*src="([^"]+\.svg)"', chapter)
    assert figures and all(src.startswith("../figures/") for src in figures)  # zh/figures/
    for src in figures:
        name = src.removeprefix("../figures/")
        assert (site_dir / "zh" / "figures" / name).read_bytes() != (site_dir / "figures" / name).read_bytes()
    assert 'href="../api/#l2book.' in built_page(site_dir, "zh/03-weight-decay")  # zh/api/, not the root's


def test_one_search_index_holds_both_editions_split_into_chinese_words(served_site):
    import json

    site_dir, _ = served_site
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    chinese = [doc for doc in index["docs"] if doc["location"].startswith("zh/03-weight-decay/")]
    assert any("权重\u200b衰减" in doc["title"] + doc["text"] for doc in chinese)
    assert "\\u200b" in index["config"]["separator"]


def load_edition_hooks():
    """Import docs/hooks/edition_hooks.py the way MkDocs does: from its path, as a fresh module."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "docs" / "hooks" / "edition_hooks.py"
    spec = importlib.util.spec_from_file_location("edition_hooks_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_wrapped_chinese_paragraph_is_joined_but_nothing_else_is():
    join = load_edition_hooks().join_chinese_lines
    assert join("正则化使权重\n变小。") == "正则化使权重变小。"
    assert join("- 第一项，\n  接着写。") == "- 第一项，接着写。"  # a list item's continuation, indent and all
    assert join("权重衰减（weight\ndecay）") == "权重衰减（weight\ndecay）"  # next to Latin words: the space stays
    assert join("段落一。\n\n段落二。") == "段落一。\n\n段落二。"
    assert join("训练集\n- 测试集") == "训练集\n- 测试集"
    assert join("```python\n>>> x = 1  # 一\n# 二\n```") == "```python\n>>> x = 1  # 一\n# 二\n```"


def test_no_chinese_paragraph_shows_a_space_where_its_source_was_wrapped(served_site):
    site_dir, _ = served_site
    for name in TRANSLATED:
        paragraphs = re.findall(r"<p>(.*?)</p>", built_page(site_dir, f"zh/{page_path(name)}"), flags=re.DOTALL)
        wrapped = [p for p in paragraphs if re.search(r"[\u4e00-\u9fff，。：；）]\n[\u4e00-\u9fff（]", p)]
        assert wrapped == [], f"zh/{name}: {wrapped[:2]}"
