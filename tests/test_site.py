"""The book's site: it builds with --strict, shows the formulas the code derives, publishes figures, documents the API.

``served_site`` builds the real site once per test session and serves it on
127.0.0.1; ``tests/test_browser.py`` loads the same build in Chromium. The
hook tests build a one-page project in a temporary directory with the real
hook file, which takes a fraction of a second.
"""

from __future__ import annotations

import html
import importlib.machinery
import importlib.util
import re
import sys
import types
from pathlib import Path

import pytest
import jinja2
import sympy as sp
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

import l2book
from l2book import symbolic
from l2book.experiments.cache import CACHE_ENV

ROOT = Path(__file__).resolve().parents[1]
HOOKS_FILE = ROOT / "docs" / "hooks" / "book_hooks.py"
MATHJAX = ROOT / "docs" / "assets" / "mathjax"


def load_hooks(path: Path = HOOKS_FILE) -> types.ModuleType:
    """Import a file of docs/hooks the way MkDocs does: from its path, as a fresh module, its folder on the path."""
    spec = importlib.util.spec_from_file_location(f"{path.stem}_under_test", path)
    module = importlib.util.module_from_spec(spec)
    saved = sys.path.copy()
    sys.path.insert(0, str(path.parent))  # book_hooks imports edition_hooks, beside it
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = saved
    return module


hooks = load_hooks()


def built_page(site_dir: Path, page: str) -> str:
    return (site_dir / page / "index.html").read_text(encoding="utf-8")


def arithmatex_blocks(page_html: str) -> list[str]:
    """The TeX of every display formula on a built page, unescaped."""
    blocks = re.findall(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', page_html, flags=re.DOTALL)
    return [html.unescape(block).strip() for block in blocks]


# --- The real site ---------------------------------------------------------------------------


def test_chapters_display_the_formulas_derived_by_sympy(served_site):
    site_dir, _ = served_site
    expected = {
        "02-regularized-loss": ["regularized_cost", "scaled_regularized_cost"],
        "03-weight-decay": [
            "penalty_gradient",
            "weight_decay_update",
            "regularized_stationarity",
            "adam_coupled_update",
            "adamw_update",
        ],
        "05-dead-neurons": ["rescaling_minimum"],
        "": ["regularized_cost"],
    }
    for page, names in expected.items():
        shown = arithmatex_blocks(built_page(site_dir, page))
        for name in names:
            assert symbolic.FORMULAS[name]() in shown, f"{page or 'index'} does not show formula {name!r}"


def test_no_formula_marker_survives_the_build(served_site):
    site_dir, _ = served_site
    for page in site_dir.rglob("*.html"):
        assert "<!-- formula:" not in page.read_text(encoding="utf-8"), page


def test_every_public_name_has_an_entry_in_the_api_reference(served_site):
    site_dir, _ = served_site
    api = built_page(site_dir, "api")
    missing = [name for name in l2book.__all__ if f'id="l2book.{name}"' not in api]
    assert missing == [], f"not documented in docs/api.md: {missing}"
    assert 'id="l2book.symbolic"' in api


def test_api_reference_links_back_to_the_chapters_and_between_functions(served_site):
    site_dir, _ = served_site
    api = built_page(site_dir, "api")
    assert 'href="../03-weight-decay/"' in api  # a docstring's Notes → its chapter
    # numpydoc's "See Also" and :func: roles became links to the entries they name.
    assert re.search(r'<a class="autorefs autorefs-internal" [^>]*href="#l2book\.l2_penalty_grad"', api)
    assert ":func:" not in api and ":class:" not in api


def test_chapters_link_to_the_functions_they_use(served_site):
    site_dir, _ = served_site
    chapter = built_page(site_dir, "03-weight-decay")
    for name in ("l2_penalty_grad", "weight_decay_step", "sgd_step", "gradients"):
        assert f'href="../api/#l2book.{name}"' in chapter, name


def test_site_serves_mathjax_and_its_licence_and_no_remote_script(served_site):
    site_dir, _ = served_site
    assert (site_dir / "assets/mathjax/es5/tex-chtml.js").is_file()
    assert (site_dir / "assets/mathjax/es5/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff").is_file()
    assert "Apache License" in (site_dir / "assets/mathjax/LICENSE").read_text(encoding="utf-8")
    chapter = built_page(site_dir, "03-weight-decay")
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', chapter)
    assert sources and not [url for url in sources if "://" in url and "127.0.0.1" not in url]


def test_build_machinery_is_not_published(served_site):
    site_dir, _ = served_site
    assert not (site_dir / "hooks").exists()
    assert not list(site_dir.rglob("*.py"))


def test_the_theme_templates_are_compiled_into_the_disk_cache_unless_it_is_off(tmp_path, monkeypatch):
    template_cache = load_hooks(HOOKS_FILE.parent / "template_cache_hooks.py")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    env = template_cache.on_env(jinja2.Environment(loader=jinja2.DictLoader({"main.html": "{{ 6 * 7 }}"})),
                                config=None, files=None)
    assert env.get_template("main.html").render() == "42"
    assert len(list((tmp_path / "jinja").glob("__jinja2_*.cache"))) == 1
    monkeypatch.setenv(CACHE_ENV, "off")
    assert template_cache.on_env(jinja2.Environment(), config=None, files=None).bytecode_cache is None


def test_vendored_mathjax_is_the_version_its_source_note_names():
    note = (MATHJAX / "SOURCE.txt").read_text(encoding="utf-8")
    version = re.search(r"mathjax@(\d+\.\d+\.\d+)", note)[1]
    assert f'VERSION="{version}"' in (MATHJAX / "es5" / "tex-chtml.js").read_text(encoding="utf-8")


# --- The formula hook, on Markdown text ------------------------------------------------------


def test_marker_becomes_a_display_math_block_of_the_derivation():
    page = "Before.\n\n<!-- formula: penalty_gradient -->\n\nAfter.\n"
    result = hooks.substitute_formulas(page, symbolic.FORMULAS, "docs/page.md")
    latex = symbolic.penalty_gradient().latex
    assert f"\n$$\n{latex}\n$$\n" in result
    assert "<!-- formula" not in result and result.startswith("Before.") and result.endswith("After.\n")


def test_changing_a_derivation_changes_the_substituted_formula():
    registry = dict(symbolic.FORMULAS, penalty_gradient=lambda: r"\frac{\lambda}{2 m} W")
    result = hooks.substitute_formulas("<!-- formula: penalty_gradient -->", registry, "docs/page.md")
    assert r"\frac{\lambda}{2 m} W" in result
    assert symbolic.penalty_gradient().latex not in result


def test_unknown_formula_fails_with_the_page_and_the_name():
    with pytest.raises(PluginError, match=r"docs/03-weight-decay\.md: unknown formula 'penalty_gradien'"):
        hooks.substitute_formulas("<!-- formula: penalty_gradien -->\n", symbolic.FORMULAS, "docs/03-weight-decay.md")


def test_marker_inside_a_code_block_is_shown_not_replaced():
    page = "```markdown\n<!-- formula: penalty_gradient -->\n```\n\n<!-- formula: regularized_cost -->\n"
    result = hooks.substitute_formulas(page, symbolic.FORMULAS, "docs/page.md")
    assert "```markdown\n<!-- formula: penalty_gradient -->\n```" in result
    assert symbolic.regularized_cost().latex in result


def test_indented_marker_gives_an_indented_block():
    result = hooks.substitute_formulas("!!! note\n    <!-- formula: penalty_gradient -->\n", symbolic.FORMULAS, "p.md")
    assert f"    $$\n    {symbolic.penalty_gradient().latex}\n    $$" in result


def test_markers_that_are_not_alone_on_their_line_are_prose():
    page = "Write `<!-- formula: NAME -->` on a line of its own.\n"
    assert hooks.substitute_formulas(page, {}, "p.md") == page


# --- The hooks, in a real MkDocs build of a one-page project ---------------------------------


def build_one_page(tmp_path: Path, markdown: str) -> Path:
    """Build a project whose only page is ``markdown``, with the book's hook file; return the site dir."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(markdown, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: hook test\n"
        f"hooks: [{HOOKS_FILE}]\n"
        "markdown_extensions: [{pymdownx.arithmatex: {generic: true}}]\n"
        "validation: {unrecognized_links: warn}\n",
        encoding="utf-8",
    )
    config = load_config(str(tmp_path / "mkdocs.yml"), strict=True, site_dir=str(tmp_path / "site"))
    build(config)
    return tmp_path / "site"


def test_changing_a_derivation_changes_the_built_page(tmp_path, monkeypatch, fake_figures):
    """Differentiate the penalty without its ½ (a wrong derivation): the page shows the new, wrong result.

    (With stand-in figures: the book's own take seconds to draw and play no part here.)
    """

    def penalty_gradient_without_the_half() -> symbolic.Derivation:
        n, k = sp.symbols("n k", integer=True, positive=True)
        W = sp.MatrixSymbol("W", n, k)
        penalty = symbolic.lam / symbolic.m * sp.Trace(W.T * W)
        return symbolic.Derivation(sp.Derivative(penalty, W), penalty.diff(W))

    original = symbolic.FORMULAS["penalty_gradient"]()
    # Registered the way every derivation is; monkeypatch puts the real one back afterwards.
    monkeypatch.delitem(symbolic.FORMULAS, "penalty_gradient")
    symbolic.formula("penalty_gradient")(penalty_gradient_without_the_half)
    changed = symbolic.FORMULAS["penalty_gradient"]()
    assert changed != original and r"\frac{2 \lambda}{m} W" in changed

    site = build_one_page(tmp_path, "# Page\n\n<!-- formula: penalty_gradient -->\n")
    assert arithmatex_blocks((site / "index.html").read_text(encoding="utf-8")) == [changed]


def test_unknown_formula_stops_the_build(tmp_path, caplog, fake_figures):
    with pytest.raises(Abort):
        build_one_page(tmp_path, "# Page\n\n<!-- formula: no_such_formula -->\n")
    assert "index.md: unknown formula 'no_such_formula'" in caplog.text


@pytest.fixture
def fake_figures(monkeypatch) -> dict[str, str]:
    """Stand in for l2book.plots with two tiny SVG figures."""
    figures = {
        "circle": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4" cx="5" cy="5"/></svg>',
        "square": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="8" height="8"/></svg>',
    }
    module = types.ModuleType("l2book.plots")
    module.__spec__ = importlib.machinery.ModuleSpec("l2book.plots", None)
    module.FIGURES = {name: (lambda language="en", svg=svg: svg) for name, svg in figures.items()}
    monkeypatch.setitem(sys.modules, "l2book.plots", module)
    return figures


def test_each_figure_is_published_as_an_svg_file_a_page_can_show(tmp_path, fake_figures):
    site = build_one_page(tmp_path, "# Page\n\n![A circle](figures/circle.svg)\n")
    for name, svg in fake_figures.items():
        assert (site / "figures" / f"{name}.svg").read_text(encoding="utf-8") == svg
    assert '<img alt="A circle" src="figures/circle.svg"' in (site / "index.html").read_text(encoding="utf-8")


def test_a_page_naming_a_missing_figure_fails_the_build(tmp_path, fake_figures):
    with pytest.raises(Abort, match="1 warnings"):
        build_one_page(tmp_path, "# Page\n\n![Gone](figures/triangle.svg)\n")
