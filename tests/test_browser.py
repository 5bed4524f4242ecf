"""The built book in a real browser: real glyphs, figures, search, no request elsewhere, no serious accessibility fault.

The site is built with ``mkdocs build --strict`` and served on 127.0.0.1 (the
``served_site`` fixture of ``conftest.py``); each page is loaded in headless
Chromium through Playwright (``pytest-playwright``), driving the Chromium of
this machine: ``$L2BOOK_CHROMIUM``, else ``chromium`` on the path. No browser is
ever downloaded. For every page it fails if

* a formula is still raw TeX (``\\(`` or ``\\[`` left in an ``.arithmatex``);
* a rendered glyph (``<mjx-c class="mjx-cXXXX">``) has no CSS rule in
  ``#MJX-CHTML-styles``, or draws nothing: the "blank formulas" trap;
* MathJax reports a TeX error, or the page throws a JavaScript exception;
* a figure does not load, a local file is missing, or a request goes to any host but 127.0.0.1;
* axe-core (vendored in ``tests/browser/axe-core``) finds a "serious" or "critical"
  violation, in the light or the dark colour scheme.

Every request passes through ``page.route``, which lets only local ones through: a
request for another host is recorded, then refused before it is sent. The tests at the
end load deliberately broken copies of a page to show that each check fails when it should.

``test_screenshot_of_a_chapter_shows_typeset_math`` writes
``build/screenshots/03-weight-decay.png`` (or into ``$L2BOOK_SCREENSHOT_DIR``).

Chromium is required in CI (``make test`` installs it); elsewhere the tests
are skipped, with the reason, when it is not installed.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import io
import os
import re
import shutil
import urllib.parse
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import AXE_JS, COLOUR_RULES, axe_violations, serious, switch_to_dark_palette
from tests.browser.admonitions import (
    COLLAPSED_IN_HTML,
    assert_opens_when_clicked,
    collapsed_admonitions,
    pages_with_collapsed_admonitions,
    solution_html,
)
from tests.browser.inspection import NetworkLog, PageReport, inspect
from tests.editions import every_site_path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SCREENSHOT_DIR = Path(os.environ.get("L2BOOK_SCREENSHOT_DIR", ROOT / "build" / "screenshots"))
PAGES = every_site_path()  # both editions
EVERY_PAGE = pytest.mark.parametrize("path", PAGES, ids=lambda path: path.rstrip("/") or "index")
CHAPTER = "03-weight-decay/"  # the page whose screenshot is kept
SOLUTION_FIXTURE = "fixture-solution/"  # a chapter with an exercise's solution added, see below
# Pages that must show math (at least 2 formulas, over 20 glyphs) or figures (at least 2), so
# that the check of each page against its own built HTML cannot pass by showing nothing.
TYPESET = {f"{edition}{page}" for edition in ("", "zh/") for page in ("02-regularized-loss/", "03-weight-decay/", "06-checks/")}
ILLUSTRATED = {f"{edition}{page}" for edition in ("", "zh/") for page in ("01-overfitting/", "04-tanh-linear/", "05-dead-neurons/")}

# A second wall behind page.route, for requests Playwright does not see (the browser's own):
# every non-loopback request goes to a proxy on the discard port, where nothing listens, and no
# host name resolves. Loopback addresses bypass the proxy, as Chromium always does for them.
NO_WAY_OUT = ("--proxy-server=http://127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")


def chromium_executable() -> str:
    """The Chromium named by ``$L2BOOK_CHROMIUM``, else ``chromium`` on the path."""
    named = os.environ.get("L2BOOK_CHROMIUM")
    if named:
        if not Path(named).is_file():
            pytest.fail(f"L2BOOK_CHROMIUM={named!r} is not a file")
        return named
    found = shutil.which("chromium")
    if found is None:
        # CI (CI=true, `make test` installs Debian's chromium) must run this test: there a missing
        # browser is a failure. Only a developer's plain `pytest` without chromium skips it.
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; CI must run the browser test (`make test` installs it)")
        pytest.skip("chromium is not installed: `make chromium`, `apt-get install chromium` or set L2BOOK_CHROMIUM")
    return found


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args) -> dict:
    """pytest-playwright's launch options, pointed at this machine's Chromium (Playwright downloads none)."""
    return {**browser_type_launch_args, "executable_path": chromium_executable(), "args": list(NO_WAY_OUT)}


@pytest.fixture(scope="session")
def base_url(served_site) -> str:
    """pytest-playwright's base URL: the served book (this also replaces the plugin's own fixture,
    which pytest 9 deprecates: a session fixture defined as an instance method)."""
    return served_site[1]


@pytest.fixture(scope="session")
def site_dir(served_site) -> Path:
    """The folder the book was built into (and is served from)."""
    return served_site[0]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args) -> dict:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 1000}}


@pytest.fixture
def network(page: Page) -> NetworkLog:
    """The page's network log; from now on the page can reach only this machine."""
    return NetworkLog(page)


def load(page: Page, network: NetworkLog, url: str) -> PageReport:
    page.goto(url)  # returns after the load event
    return inspect(page, network)


def built(site_dir: Path, path: str) -> str:
    return (site_dir / path / "index.html").read_text(encoding="utf-8")


# Each page is loaded once, as by a reader whose system is set to light. What it shows is checked,
# then axe runs every rule on the default palette; then the header's toggle switches to the dark
# one, and axe runs the rules whose verdict depends on the colours. (A load per check cost half as
# much again: each load typesets the page's math.) That a first visit opens in the palette of the
# reader's system is checked further down.


def load_in_both_schemes(page: Page, network: NetworkLog, url: str) -> tuple[PageReport, dict[str, list]]:
    """Load ``url`` in the light scheme; return what it shows and the serious violations in each scheme."""
    page.emulate_media(color_scheme="light")
    report = load(page, network, url)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    light = serious(axe_violations(page))
    switch_to_dark_palette(page)
    return report, {"light": light, "dark": serious(axe_violations(page, COLOUR_RULES))}


@EVERY_PAGE
def test_page_renders_its_math_and_figures_accessibly_without_leaving_the_machine(
    path, site_dir, base_url, page, network
):
    report, violations = load_in_both_schemes(page, network, base_url + path)
    assert report.problems() == [], f"{path or 'index'}: {report.problems()}"
    html = built(site_dir, path)
    assert report.formulas == html.count('class="arithmatex"'), "every formula of the built page reached the browser"
    assert report.images == html.count("<img "), "every figure of the built page reached the browser"
    assert base_url + path in network.requested_urls, "the network log recorded the page's own request"
    if path in TYPESET:
        assert report.formulas >= 2 and report.glyphs > 20, f"{report.formulas} formulas, {report.glyphs} glyphs"
    if path in ILLUSTRATED:
        assert report.images >= 2, f"{report.images} figures"
    edition = "zh" if path.startswith("zh/") else "en"
    assert page.locator("html").get_attribute("lang") == edition
    figures = page.locator("article img").evaluate_all("(images) => images.map((image) => image.src)")
    assert all(f"/{edition}/figures/" in src or edition == "en" and "/zh/" not in src for src in figures), figures
    # The report was taken before the palette toggle: the toggle too throws nothing and fetches nothing from elsewhere.
    assert (network.javascript_errors, network.external_requests()) == ([], []), "after the palette toggle"
    listed = [f"{scheme}: {violation}" for scheme, found in violations.items() for violation in found]
    assert not listed, f"{len(listed)} serious accessibility violations:\n" + "\n".join(listed)


# --- The two editions: the language switcher, and search in Chinese ---


def switch_language(page: Page, language: str) -> None:
    """Open the header's language menu (it opens on hover) and choose ``language``."""
    page.locator(".md-header .md-select").hover()
    page.locator(f'.md-select__link[hreflang="{language}"]').click()


@pytest.mark.parametrize("start", ["", "zh/"], ids=["from-english", "from-chinese"])
def test_language_switcher_keeps_the_page_both_ways_after_instant_navigation(start, base_url, page, network):
    with page.expect_response(lambda response: response.url.endswith("/sitemap.xml")):
        load(page, network, base_url + start)
    page.evaluate("window.samePageMarker = true")
    page.locator(f'.md-nav a[href$="{CHAPTER}"]').first.click()  # instant navigation: the header stays
    page.wait_for_url(f"{base_url}{start}{CHAPTER}")
    assert page.evaluate("window.samePageMarker === true")
    other, back = ("zh", "en") if start == "" else ("en", "zh")
    switch_language(page, other)
    twin = "zh/" if other == "zh" else ""
    page.wait_for_url(f"{base_url}{twin}{CHAPTER}")
    expect(page.locator("html")).to_have_attribute("lang", other)
    switch_language(page, back)
    page.wait_for_url(f"{base_url}{start}{CHAPTER}")
    expect(page.locator("html")).to_have_attribute("lang", back)
    assert network.external_requests() == []


def test_switching_language_keeps_the_anchor(base_url, page, network):
    load(page, network, base_url + CHAPTER + "#the-update-rule-read-two-ways")
    switch_language(page, "zh")
    page.wait_for_url(f"{base_url}zh/{CHAPTER}#the-update-rule-read-two-ways")
    expect(page.locator("#the-update-rule-read-two-ways")).to_contain_text("更新规则")


def test_chinese_search_finds_the_weight_decay_chapter(base_url, page, network):
    load(page, network, base_url + "zh/")
    results = page.locator(".md-search-result__meta")
    expect(results).not_to_have_text("", timeout=15_000)
    search_box = page.locator(".md-search__input")
    search_box.press_sequentially("权重衰减")
    search_box.press("End")  # a key-up: the theme reads the box then (characters typed as text send none)
    expect(page.locator(".md-search-result__link").first).to_be_visible()
    top_hit = page.locator(".md-search-result__link").first.get_attribute("href")
    assert urllib.parse.urlsplit(top_hit).path == "/zh/" + CHAPTER


def test_instant_navigation_typesets_the_next_page(site_dir, base_url, page, network):
    """Material swaps pages in place; the MathJax hook must typeset each new page, not blank it."""
    # Instant navigation intercepts only links listed in the sitemap, which it fetches after load
    # (a click before that would be an ordinary page load).
    with page.expect_response(lambda response: response.url.endswith("/sitemap.xml")):
        load(page, network, base_url)
    page.evaluate("window.samePageMarker = true")
    page.locator(f'.md-nav a[href$="{CHAPTER}"]').first.click()
    page.wait_for_url(f"**/{CHAPTER}")
    expected_formulas = built(site_dir, CHAPTER).count('class="arithmatex"')
    page.wait_for_function(
        """(count) => {
          const formulas = document.querySelectorAll(".arithmatex");
          return formulas.length === count && [...formulas].every((f) => f.querySelector("mjx-container"));
        }""",
        arg=expected_formulas,
    )
    report = inspect(page, network)
    assert page.evaluate("window.samePageMarker === true"), "the link caused a full page load, not instant navigation"
    assert report.path.endswith("/" + CHAPTER) and report.formulas == expected_formulas
    assert report.problems() == []


def test_search_box_ranks_the_chapter_first_and_finds_nothing_for_an_unknown_word(base_url, page, network):
    load(page, network, base_url)
    results = page.locator(".md-search-result__meta")
    expect(results).to_have_text("Type to start searching", timeout=15_000)  # the index is ready
    assert base_url + "search/search_index.json" in network.requested_urls, "the log sees the search worker too"
    search_box = page.locator(".md-search__input")
    # Typed key by key: the theme reads the box on key-up, so a programmatic fill is not seen.
    search_box.press_sequentially("weight decay")
    expect(results).to_have_text(re.compile(r"^\d+ matching documents?$"))
    top_hit = page.locator(".md-search-result__link").first.get_attribute("href")
    assert urllib.parse.urlsplit(top_hit).path == "/" + CHAPTER
    search_box.clear()
    search_box.press_sequentially("zyzzyva")
    expect(results).to_have_text("No matching documents")
    expect(page.locator(".md-search-result__link")).to_have_count(0)


def test_screenshot_of_a_chapter_shows_typeset_math(base_url, page, network):
    """Keep a screenshot of a chapter at a known path, and check that its first display formula has ink."""
    assert load(page, network, base_url + CHAPTER).problems() == []
    box = scroll_to_first_display_formula(page)
    page.wait_for_timeout(500)  # the header's scroll animation
    png = page.screenshot()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / "03-weight-decay.png"
    path.write_bytes(png)
    assert ink_fraction(png, box) > 0.02, f"the formula in {path} looks blank"


def scroll_to_first_display_formula(page: Page) -> dict:
    """Scroll the first display formula to the upper part of the viewport; return its box in pixels."""
    return page.evaluate(
        """() => {
          const formula = document.querySelector("div.arithmatex mjx-container");
          window.scrollTo(0, formula.getBoundingClientRect().top + window.scrollY - 250);
          const box = formula.getBoundingClientRect();
          return {x: box.x, y: box.y, width: box.width, height: box.height};
        }"""
    )


def ink_fraction(png: bytes, box: dict) -> float:
    """Fraction of the pixels inside ``box`` that are much darker than the page background."""
    from matplotlib.image import imread

    pixels = imread(io.BytesIO(png), format="png")[..., :3]
    top, left = int(box["y"]), int(box["x"])
    region = pixels[top : top + int(box["height"]), left : left + int(box["width"])]
    assert region.size, f"the formula box {box} is outside the screenshot"
    return float((region.mean(axis=2) < 0.5).mean())


# --- Accessibility: the vendored axe-core, and the theme partial it made us override ---


def test_vendored_axe_is_the_file_its_source_note_names():
    note = (AXE_JS.parent / "SOURCE.txt").read_text(encoding="utf-8")
    engine = AXE_JS.read_bytes()
    assert re.search(r"axe\.min\.js +the engine \(sha256 (\w+)\)", note)[1] == hashlib.sha256(engine).hexdigest()
    version = re.match(r"axe-core (\S+),", note)[1]
    assert engine.startswith(f"/*! axe v{version}\n".encode())


SEARCH_DIALOG_NAME = " aria-label=\"{{ lang.t('search') }}\""


def test_search_dialog_override_is_the_theme_partial_plus_its_name():
    """docs/overrides replaces Material's search partial: it must stay the theme's copy plus the dialog's name."""
    ours = (DOCS / "overrides" / "partials" / "search.html").read_text(encoding="utf-8")
    theirs = (importlib.resources.files("material") / "templates" / "partials" / "search.html").read_text("utf-8")
    assert f'role="dialog"{SEARCH_DIALOG_NAME}>' in ours
    without_comments = re.compile(r"\{#-.*?-#\}\n", re.DOTALL)
    assert without_comments.sub("", ours.replace(SEARCH_DIALOG_NAME, "", 1)) == without_comments.sub("", theirs)


# --- Collapsed admonitions (an exercise's solution): a click opens them ---


def add_solution_fixture(site_dir: Path) -> None:
    """A copy of a chapter with an exercise's solution, rendered by the book's Markdown extensions."""
    solution = solution_html()
    altered_copy(site_dir, SOLUTION_FIXTURE, CHAPTER, lambda html: html.replace("</article>", solution + "</article>"))


# The fixture always runs, so the test checks something before any page has a solution; every page
# whose Markdown has a collapsed admonition (`???`, not `???+`) joins it as soon as it has one.
@pytest.mark.parametrize("path", [SOLUTION_FIXTURE, *pages_with_collapsed_admonitions(DOCS)])
def test_collapsed_admonitions_open_when_clicked(path, site_dir, base_url, page, network):
    if path == SOLUTION_FIXTURE:
        add_solution_fixture(site_dir)
    assert load(page, network, base_url + path).problems() == []
    collapsed = collapsed_admonitions(page)
    assert len(collapsed) == len(COLLAPSED_IN_HTML.findall(built(site_dir, path))) > 0
    for details in collapsed:
        assert_opens_when_clicked(details)


def test_pages_with_a_collapsed_admonition_are_found_from_their_markdown(tmp_path):
    (tmp_path / "index.md").write_text('Text.\n\n??? success "Solution"\n\n    Yes.\n', encoding="utf-8")
    (tmp_path / "02-open.md").write_text('???+ note "Shown from the start"\n\n    Open.\n', encoding="utf-8")
    (tmp_path / "03-none.md").write_text("No admonition, only a puzzled reader??? in prose.\n", encoding="utf-8")
    assert pages_with_collapsed_admonitions(tmp_path) == [""]


# --- The checks must be able to fail. Each test below serves a deliberately broken copy of a chapter
# next to the real site (same depth, so its relative links still work) and expects the check to object.


def altered_copy(site_dir: Path, name: str, path: str, alter) -> str:
    """Write ``alter(html)`` of ``path`` as ``name/index.html``; return its path under the site."""
    html = built(site_dir, path)
    altered = alter(html)
    assert altered != html, "the page was not changed"
    (site_dir / name).mkdir(exist_ok=True)
    # The site is shared by the test run's processes, and another may be loading this very copy:
    # replace the file whole, never leave it half-written.
    written = site_dir / name / f"index.html.{os.getpid()}"
    written.write_text(altered, encoding="utf-8")
    os.replace(written, site_dir / name / "index.html")
    return name


def test_check_catches_a_request_to_another_host(site_dir, base_url, page, network):
    """What Material does without `theme.font: false`: load a stylesheet from a font CDN."""
    cdn = "https://fonts.example.invalid/css?family=Roboto"
    broken = altered_copy(
        site_dir,
        "broken-font-cdn/",
        CHAPTER,
        lambda html: html.replace("</head>", f'<link rel="stylesheet" href="{cdn}"></head>'),
    )
    report = load(page, network, base_url + broken)
    assert report.external_requests == [cdn]
    assert any("leaving the machine" in problem for problem in report.problems())


def test_check_catches_the_clear_cache_trap(site_dir, base_url, page, network):
    """Material's documented snippet clears MathJax's cache on the first page too: every glyph goes blank."""
    (site_dir / "broken-clear-cache.js").write_text(
        "window.MathJax = {tex: {inlineMath: [['\\\\(', '\\\\)']], displayMath: [['\\\\[', '\\\\]']],"
        " processEscapes: true, processEnvironments: true},"
        " options: {ignoreHtmlClass: '.*|', processHtmlClass: 'arithmatex'}};\n"
        "document$.subscribe(() => {\n"
        "  MathJax.startup.output.clearCache();\n"
        "  MathJax.typesetClear();\n"
        "  MathJax.texReset();\n"
        "  MathJax.typesetPromise();\n"
        "});\n",
        encoding="utf-8",
    )
    broken = altered_copy(
        site_dir,
        "broken-clear-cache/",
        CHAPTER,
        lambda html: html.replace("../javascripts/mathjax.js", "../broken-clear-cache.js"),
    )
    report = load(page, network, base_url + broken)
    assert report.raw_tex == [], "the trap leaves mjx-container elements in place: a shallow check would pass"
    assert report.unstyled_glyph_classes and report.blank_glyphs == report.glyphs > 0
    box = scroll_to_first_display_formula(page)
    assert ink_fraction(page.screenshot(), box) < 0.005, "the blank formula should have no ink"


def test_check_catches_raw_tex(site_dir, base_url, page, network):
    broken = altered_copy(
        site_dir,
        "broken-no-mathjax/",
        CHAPTER,
        lambda html: html.replace('<script src="../assets/mathjax/es5/tex-chtml.js"></script>', ""),
    )
    report = load(page, network, base_url + broken)
    assert report.raw_tex and report.raw_tex[0].startswith(("\\[", "\\("))


TOC_ENTRY = '<a href="#the-update-rule-read-two-ways"'


def test_check_catches_tex_in_a_heading(site_dir, base_url, page, network):
    """Math in a heading is repeated as plain text by the table of contents: raw TeX the reader sees."""
    broken = altered_copy(
        site_dir,
        "broken-heading/",
        CHAPTER,
        lambda html: html.replace(TOC_ENTRY, f'<a href="#x">Which \\(m\\)?</a>{TOC_ENTRY}', 1),
    )
    report = load(page, network, base_url + broken)
    assert report.tex_outside_formulas == ["Which \\(m\\)?"]


def test_check_catches_a_missing_figure(site_dir, base_url, page, network):
    broken = altered_copy(
        site_dir,
        "broken-missing-file/",
        CHAPTER,
        lambda html: html.replace("</article>", '<img alt="gone" src="../figures/missing.svg"></article>'),
    )
    report = load(page, network, base_url + broken)
    assert report.broken_images == [base_url + "figures/missing.svg"]
    assert any("404" in failure and "missing.svg" in failure for failure in report.failed_requests)


def test_accessibility_check_catches_faint_text_a_bare_link_a_nameless_dialog_and_dark_only_text(
    site_dir, base_url, page, network
):
    faults = (
        '<p id="faint" style="color: var(--md-default-fg-color--lighter)">Faint text in either scheme.</p>'
        '<p>Read <a id="bare-link" href="#" style="text-decoration: none">this link</a> in running text.</p>'
        '<p id="dark-only" style="color: #333">Dark grey text: clear on white, faint on the dark palette.</p>'
    )
    broken = altered_copy(
        site_dir,
        "broken-accessibility/",
        CHAPTER,
        lambda html: html.replace('role="dialog" aria-label="Search"', 'role="dialog"').replace(
            "</article>", faults + "</article>"
        ),
    )
    _, found = load_in_both_schemes(page, network, base_url + broken)
    in_colour = {("color-contrast", "#faint"), ("link-in-text-block", "#bare-link")}
    assert {(violation.rule, violation.target) for violation in found["light"]} == in_colour | {
        ("aria-dialog-name", ".md-search")}
    assert {(violation.rule, violation.target) for violation in found["dark"]} == in_colour | {
        ("color-contrast", "#dark-only")}


def test_a_first_visit_opens_in_the_palette_of_the_readers_system_setting(base_url, browser, browser_context_args):
    for scheme, palette in (("light", "default"), ("dark", "slate")):
        context = browser.new_context(**browser_context_args, color_scheme=scheme)  # a profile never used
        try:
            page = context.new_page()
            load(page, NetworkLog(page), base_url + CHAPTER)
            expect(page.locator("body")).to_have_attribute("data-md-color-scheme", palette)
        finally:
            context.close()


def test_check_catches_an_admonition_that_does_not_open(site_dir, base_url, page, network):
    add_solution_fixture(site_dir)
    # A script that swallows every click on a summary, as a broken theme script might.
    stuck = "<script>addEventListener('click', (e) => e.target.closest('summary') && e.preventDefault(), true)</script>"
    broken = altered_copy(
        site_dir, "broken-admonition/", SOLUTION_FIXTURE, lambda html: html.replace("</body>", stuck + "</body>")
    )
    load(page, network, base_url + broken)
    solution = collapsed_admonitions(page)[0]  # the fixture's chapter may have solutions of its own
    with pytest.raises(AssertionError):
        assert_opens_when_clicked(solution, timeout=1000)
