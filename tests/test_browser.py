"""The built book in a real browser: every formula typeset, every glyph styled, nothing fetched from elsewhere.

The site is built with ``mkdocs build --strict``, served on 127.0.0.1, and each
page is loaded in headless Chromium (Debian's ``chromium``), driven through the
DevTools protocol over a pipe, so the test needs nothing beyond the standard
library. For every page it fails if

* a formula is still raw TeX (``\\(`` or ``\\[`` left in an ``.arithmatex``);
* a rendered glyph (``<mjx-c class="mjx-cXXXX">``) has no CSS rule in
  ``#MJX-CHTML-styles``, or draws nothing: the "blank formulas" trap;
* MathJax reports a TeX error, or the page throws a JavaScript exception;
* a request goes to any host but 127.0.0.1, or a local file is missing.

No request can actually leave: Chromium is started with a proxy on a closed
local port and a host resolver that resolves nothing, so the check *records*
every attempt (from the DevTools ``Network`` events) while nothing is sent.
The tests at the end load deliberately broken copies of a page to show that
each of these checks fails when it should.

``test_screenshot_of_a_chapter_shows_typeset_math`` writes
``build/screenshots/03-weight-decay.png`` (or into ``$L2BOOK_SCREENSHOT_DIR``).

Chromium is required in CI (``make test`` installs it); elsewhere the tests
are skipped, with the reason, when it is not installed.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import select
import shutil
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SCREENSHOT_DIR = Path(os.environ.get("L2BOOK_SCREENSHOT_DIR", ROOT / "build" / "screenshots"))
PAGES = sorted("" if page.stem == "index" else f"{page.stem}/" for page in DOCS.glob("*.md"))
CHAPTER = "03-weight-decay/"  # the page whose screenshot is kept
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about"}

# Flags that keep Chromium from phoning home, plus the two that make leaving the machine impossible:
# every non-loopback request goes to a proxy on the discard port (nothing listens there), and no
# host name resolves. Loopback addresses bypass the proxy, as Chromium always does for them.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)

# Runs in the page once it has loaded: waits for MathJax and the fonts, then reports what it sees.
INSPECT_PAGE_JS = r"""
(async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  await document.fonts.ready;
  const TEX_DELIMITERS = /\\\(|\\\)|\\\[|\\\]/;
  const formulas = [...document.querySelectorAll(".arithmatex")];
  const rawTex = formulas.filter((element) => {
    const outsideMath = element.cloneNode(true);
    outsideMath.querySelectorAll("mjx-container").forEach((container) => container.remove());
    return !element.querySelector("mjx-container") || TEX_DELIMITERS.test(outsideMath.textContent);
  }).map((element) => element.textContent.trim().slice(0, 120));
  // TeX that is not in a formula at all is never typeset: e.g. math in a heading, which
  // the table of contents and the page title repeat as plain text.
  const texOutsideFormulas = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const skip = node.parentElement.closest("pre, code, script, style, .arithmatex, mjx-container");
    if (!skip && TEX_DELIMITERS.test(node.textContent)) {
      texOutsideFormulas.push(node.textContent.trim().slice(0, 120));
    }
  }
  if (TEX_DELIMITERS.test(document.title)) texOutsideFormulas.push(`title: ${document.title}`);
  const styles = document.getElementById("MJX-CHTML-styles");
  const selectors = styles && styles.sheet
    ? [...styles.sheet.cssRules].map((rule) => rule.selectorText || "").join("\n") : "";
  const glyphs = [...document.querySelectorAll("mjx-c")];
  const glyphClasses = new Set();
  glyphs.forEach((glyph) => glyph.classList.forEach((name) => {
    if (/^mjx-c[0-9A-F]+$/.test(name)) glyphClasses.add(name);
  }));
  const unstyled = [...glyphClasses].filter(
    (name) => !new RegExp(`\\.${name}(?![0-9A-F])`).test(selectors));
  // No rule gives the glyph any content. (An invisible operator such as U+2061, function
  // application, legitimately has the content "", so that does not count as blank.)
  const blank = glyphs.filter((glyph) => {
    const content = getComputedStyle(glyph, "::before").content;
    return content === "none" || content === "normal";
  }).length;
  return {
    path: location.pathname,
    formulas: formulas.length,
    glyphs: glyphs.length,
    rawTex,
    texOutsideFormulas,
    unstyledGlyphClasses: unstyled,
    blankGlyphs: blank,
    texErrors: [...document.querySelectorAll("mjx-merror")].map((error) => error.textContent),
  };
})()
"""


class DevToolsError(RuntimeError):
    """A DevTools command failed, or Chromium stopped answering."""


class Chromium:
    """Headless Chromium driven through the DevTools protocol on a pipe (fd 3 in, fd 4 out).

    Messages are JSON objects separated by NUL bytes. Events that arrive while
    waiting for a reply are kept in ``events`` for the caller to inspect.
    """

    def __init__(self, executable: str, profile: Path) -> None:
        profile.mkdir(parents=True, exist_ok=True)
        browser_reads, self._commands = os.pipe()
        self._replies, browser_writes = os.pipe()
        log = str(profile / "chromium.log")
        args = [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"]
        # posix_spawn, not subprocess: the pipes must land on exactly fds 3 and 4 in the child.
        self.pid = os.posix_spawn(
            executable,
            args,
            os.environ,
            file_actions=[
                (os.POSIX_SPAWN_DUP2, browser_reads, 3),
                (os.POSIX_SPAWN_DUP2, browser_writes, 4),
                (os.POSIX_SPAWN_OPEN, 1, log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
                (os.POSIX_SPAWN_DUP2, 1, 2),
            ],
        )
        os.close(browser_reads)
        os.close(browser_writes)
        self._buffer = b""
        self._last_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, *, session: str | None = None, timeout: float = 30) -> dict:
        """Send one command and return its result."""
        self._last_id += 1
        message = {"id": self._last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._next_message(deadline)
            if reply.get("id") == self._last_id:
                if "error" in reply:
                    raise DevToolsError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for_event(self, method: str, session: str, *, timeout: float = 30) -> dict:
        """Return the first event ``method`` of ``session``, waiting for it if it has not arrived."""
        deadline = time.monotonic() + timeout
        position = 0
        while True:
            for index in range(position, len(self.events)):
                event = self.events[index]
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(index)
            position = len(self.events)
            self.events.append(self._next_message(deadline))

    def read_events_for(self, seconds: float) -> None:
        """Collect whatever events arrive in the next ``seconds``."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.events.append(self._next_message(deadline))
        except TimeoutError:
            pass

    def _next_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("Chromium sent nothing in time")
            readable, _, _ = select.select([self._replies], [], [], remaining)
            if readable:
                chunk = os.read(self._replies, 1 << 20)
                if not chunk:
                    raise DevToolsError("Chromium closed the DevTools pipe")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def close(self) -> None:
        """Ask Chromium to quit; kill it if it does not."""
        try:
            self.send("Browser.close", timeout=10)
        except (DevToolsError, TimeoutError, OSError):
            pass
        for _ in range(100):
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.05)
        else:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        os.close(self._commands)
        os.close(self._replies)


@dataclass
class PageReport:
    """What one page load showed: the page's own findings plus every request it made."""

    path: str
    formulas: int = 0
    glyphs: int = 0
    raw_tex: list[str] = field(default_factory=list)
    tex_outside_formulas: list[str] = field(default_factory=list)
    unstyled_glyph_classes: list[str] = field(default_factory=list)
    blank_glyphs: int = 0
    tex_errors: list[str] = field(default_factory=list)
    javascript_errors: list[str] = field(default_factory=list)
    requested_urls: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    @property
    def external_requests(self) -> list[str]:
        """Requests for anything not on this machine."""
        return [url for url in self.requested_urls if not is_local(url)]

    def problems(self) -> list[str]:
        """Every reason this page is broken, empty if it is fine."""
        found = []
        if self.raw_tex:
            found.append(f"{len(self.raw_tex)} formulas left as raw TeX, e.g. {self.raw_tex[0]!r}")
        if self.tex_outside_formulas:
            found.append(f"TeX outside any formula, never typeset: {self.tex_outside_formulas[:3]}")
        if self.unstyled_glyph_classes:
            found.append(f"glyphs without a CSS rule in #MJX-CHTML-styles: {self.unstyled_glyph_classes[:8]}")
        if self.blank_glyphs:
            found.append(f"{self.blank_glyphs} of {self.glyphs} glyphs draw nothing")
        if self.tex_errors:
            found.append(f"TeX errors: {self.tex_errors}")
        if self.javascript_errors:
            found.append(f"JavaScript errors: {self.javascript_errors}")
        if self.external_requests:
            found.append(f"requests leaving the machine: {self.external_requests}")
        if self.failed_requests:
            found.append(f"failed local requests: {self.failed_requests}")
        return found


def is_local(url: str) -> bool:
    """Whether loading ``url`` stays on this machine."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname in LOOPBACK_HOSTS


class Tab:
    """One browser tab with the DevTools domains the checks need."""

    def __init__(self, browser: Chromium, *, width: int = 1280, height: int = 1000) -> None:
        self.browser = browser
        self.target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": self.target, "flatten": True})["sessionId"]
        for domain in ("Page", "Network", "Runtime"):
            self.send(f"{domain}.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        self._seen = len(browser.events)

    def send(self, method: str, params: dict | None = None, **kw) -> dict:
        return self.browser.send(method, params, session=self.session, **kw)

    def open(self, url: str) -> None:
        self.send("Page.navigate", {"url": url})
        self.browser.wait_for_event("Page.loadEventFired", self.session)

    def evaluate(self, expression: str, *, timeout: float = 30):
        """Run JavaScript in the page (awaiting a promise) and return its JSON value."""
        reply = self.send(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
            timeout=timeout,
        )
        if "exceptionDetails" in reply:
            raise DevToolsError(f"page script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def inspect(self) -> PageReport:
        """Check the loaded page, then let late requests arrive and add what the network saw."""
        findings = self.evaluate(INSPECT_PAGE_JS)
        self.browser.read_events_for(0.5)  # requests started by the page after load, e.g. the search index
        report = PageReport(
            path=findings["path"],
            formulas=findings["formulas"],
            glyphs=findings["glyphs"],
            raw_tex=findings["rawTex"],
            tex_outside_formulas=findings["texOutsideFormulas"],
            unstyled_glyph_classes=findings["unstyledGlyphClasses"],
            blank_glyphs=findings["blankGlyphs"],
            tex_errors=findings["texErrors"],
        )
        self._add_network_and_errors(report)
        return report

    def _add_network_and_errors(self, report: PageReport) -> None:
        urls_by_id = {}
        for event in self.browser.events[self._seen :]:
            if event.get("sessionId") != self.session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                urls_by_id[params["requestId"]] = params["request"]["url"]
                report.requested_urls.append(params["request"]["url"])
            elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
                report.failed_requests.append(f"{params['response']['status']} {params['response']['url']}")
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                url = urls_by_id.get(params["requestId"], "?")
                if is_local(url):
                    report.failed_requests.append(f"{params['errorText']} {url}")
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                report.javascript_errors.append(details.get("exception", {}).get("description", details.get("text")))
        self._seen = len(self.browser.events)

    def wait_until_loaded(self, url_suffix: str, *, timeout: float = 15) -> None:
        """Wait until a request of this tab for a URL ending in ``url_suffix`` has finished loading."""
        deadline = time.monotonic() + timeout
        request_ids: set[str] = set()
        checked = self._seen
        while True:
            for event in self.browser.events[checked:]:
                if event.get("sessionId") != self.session:
                    continue
                params = event.get("params", {})
                if event.get("method") == "Network.requestWillBeSent" and params["request"]["url"].endswith(url_suffix):
                    request_ids.add(params["requestId"])
                elif event.get("method") == "Network.loadingFinished" and params["requestId"] in request_ids:
                    return
            checked = len(self.browser.events)
            self.browser.read_events_for(min(0.1, max(0.0, deadline - time.monotonic())))
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url_suffix} was not loaded")

    def screenshot(self) -> bytes:
        return base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"})["data"])

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})


@pytest.fixture(scope="module")
def chromium() -> str:
    executable = shutil.which("chromium")
    if executable is None:
        # CI (CI=true, `make test` installs Debian's chromium) must run this test: there a missing
        # browser is a failure. Only a developer's plain `pytest` without chromium skips it.
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; CI must run the browser test (`make test` installs it)")
        pytest.skip("chromium is not installed: `make chromium` or `apt-get install chromium` to run the browser test")
    return executable


@pytest.fixture(scope="module")
def browser(chromium, tmp_path_factory) -> Iterator[Chromium]:
    instance = Chromium(chromium, tmp_path_factory.mktemp("chromium-profile"))
    yield instance
    instance.close()


@pytest.fixture
def tab(browser) -> Iterator[Tab]:
    opened = Tab(browser)
    yield opened
    opened.close()


def load(tab: Tab, url: str) -> PageReport:
    tab.open(url)
    return tab.inspect()


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_its_math_without_leaving_the_machine(page, served_site, tab):
    site_dir, base_url = served_site
    report = load(tab, base_url + page)
    assert report.problems() == [], f"{page or 'index'}: {report.problems()}"
    built_html = (site_dir / page / "index.html").read_text(encoding="utf-8")
    assert report.formulas == built_html.count('class="arithmatex"'), (
        "every formula of the built page reached the browser"
    )
    assert report.requested_urls, "the network log recorded the page's own requests"


def test_chapters_have_typeset_formulas(served_site, tab):
    _, base_url = served_site
    for chapter in ("02-regularized-loss/", "03-weight-decay/", "06-checks/"):
        report = load(tab, base_url + chapter)
        assert report.formulas >= 2 and report.glyphs > 20, (
            f"{chapter}: {report.formulas} formulas, {report.glyphs} glyphs"
        )


def test_instant_navigation_typesets_the_next_page(served_site, tab):
    """Material swaps pages in place; the MathJax hook must typeset each new page, not blank it."""
    site_dir, base_url = served_site
    tab.open(base_url)
    # Instant navigation intercepts only links listed in the sitemap, which it fetches after load;
    # a click before that would be an ordinary page load.
    tab.wait_until_loaded("/sitemap.xml")
    tab.evaluate("new Promise((resolve) => setTimeout(resolve, 500))")
    tab.evaluate("window.samePageMarker = true")
    tab.evaluate(f"document.querySelector('a[href$=\"{CHAPTER}\"]').click()")
    expected_formulas = (site_dir / CHAPTER / "index.html").read_text(encoding="utf-8").count('class="arithmatex"')
    report = wait_for_typeset(tab, CHAPTER, expected_formulas)
    assert tab.evaluate("window.samePageMarker === true"), "the link caused a full page load, not instant navigation"
    assert report.problems() == []


def wait_for_typeset(tab: Tab, path: str, formulas: int, *, timeout: float = 15) -> PageReport:
    """Inspect the page until it is ``path`` with all its ``formulas`` typeset, or until time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        report = tab.inspect()
        arrived = report.path.endswith("/" + path) and report.formulas == formulas
        if (arrived and not report.raw_tex) or time.monotonic() > deadline:
            assert arrived, f"instant navigation did not bring {path} with its {formulas} formulas: {report}"
            return report
        time.sleep(0.1)


def test_screenshot_of_a_chapter_shows_typeset_math(served_site, tab):
    """Keep a screenshot of a chapter at a known path, and check that its first display formula has ink."""
    _, base_url = served_site
    report = load(tab, base_url + CHAPTER)
    assert report.problems() == []
    box = scroll_to_first_display_formula(tab)
    tab.evaluate("new Promise((resolve) => setTimeout(resolve, 500))")  # the header's scroll animation
    png = tab.screenshot()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / "03-weight-decay.png"
    path.write_bytes(png)
    assert ink_fraction(png, box) > 0.02, f"the formula in {path} looks blank"


def scroll_to_first_display_formula(tab: Tab) -> dict:
    """Scroll the first display formula to the upper part of the viewport; return its box in pixels."""
    return tab.evaluate(
        """(() => {
          const formula = document.querySelector("div.arithmatex mjx-container");
          window.scrollTo(0, formula.getBoundingClientRect().top + window.scrollY - 250);
          const box = formula.getBoundingClientRect();
          return {x: box.x, y: box.y, width: box.width, height: box.height};
        })()"""
    )


def ink_fraction(png: bytes, box: dict) -> float:
    """Fraction of the pixels inside ``box`` that are much darker than the page background."""
    from matplotlib.image import imread

    pixels = imread(io.BytesIO(png), format="png")[..., :3]
    top, left = int(box["y"]), int(box["x"])
    region = pixels[top : top + int(box["height"]), left : left + int(box["width"])]
    assert region.size, f"the formula box {box} is outside the screenshot"
    return float((region.mean(axis=2) < 0.5).mean())


# The checks must be able to fail. Each test below serves a deliberately broken copy of a chapter
# next to the real site (same depth, so its relative links still work) and expects the check to object.


def broken_copy(site_dir: Path, name: str, page: str, break_it) -> str:
    """Write ``break_it(html)`` of ``page`` as ``name/index.html``; return its path under the site."""
    html = (site_dir / page / "index.html").read_text(encoding="utf-8")
    broken = break_it(html)
    assert broken != html, "the page was not changed"
    (site_dir / name).mkdir(exist_ok=True)
    (site_dir / name / "index.html").write_text(broken, encoding="utf-8")
    return f"{name}/"


def test_check_catches_a_request_to_another_host(served_site, tab):
    """What Material does without `theme.font: false`: load a stylesheet from a font CDN."""
    site_dir, base_url = served_site
    page = broken_copy(
        site_dir,
        "broken-font-cdn",
        CHAPTER,
        lambda html: html.replace(
            "</head>", '<link rel="stylesheet" href="https://fonts.example.invalid/css?family=Roboto"></head>'
        ),
    )
    report = load(tab, base_url + page)
    assert report.external_requests == ["https://fonts.example.invalid/css?family=Roboto"]
    assert any("leaving the machine" in problem for problem in report.problems())


def test_check_catches_the_clear_cache_trap(served_site, tab):
    """Material's documented snippet clears MathJax's cache on the first page too: every glyph goes blank."""
    site_dir, base_url = served_site
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
    page = broken_copy(
        site_dir,
        "broken-clear-cache",
        CHAPTER,
        lambda html: html.replace("../javascripts/mathjax.js", "../broken-clear-cache.js"),
    )
    report = load(tab, base_url + page)
    assert report.raw_tex == [], "the trap leaves mjx-container elements in place: a shallow check would pass"
    assert report.unstyled_glyph_classes and report.blank_glyphs == report.glyphs > 0
    box = scroll_to_first_display_formula(tab)
    assert ink_fraction(tab.screenshot(), box) < 0.005, "the blank formula should have no ink"


def test_check_catches_raw_tex(served_site, tab):
    site_dir, base_url = served_site
    page = broken_copy(
        site_dir,
        "broken-no-mathjax",
        CHAPTER,
        lambda html: re.sub(r'<script src="../assets/mathjax/es5/tex-chtml.js"></script>', "", html),
    )
    report = load(tab, base_url + page)
    assert report.raw_tex and report.raw_tex[0].startswith(("\\[", "\\("))


TOC_ENTRY = '<a href="#the-update-rule-read-two-ways"'


def test_check_catches_tex_in_a_heading(served_site, tab):
    """Math in a heading is repeated as plain text by the table of contents: raw TeX the reader sees."""
    site_dir, base_url = served_site
    page = broken_copy(
        site_dir,
        "broken-heading",
        CHAPTER,
        lambda html: html.replace(TOC_ENTRY, f'<a href="#x">Which \\(m\\)?</a>{TOC_ENTRY}', 1),
    )
    report = load(tab, base_url + page)
    assert report.tex_outside_formulas == ["Which \\(m\\)?"]


def test_check_catches_a_missing_local_file(served_site, tab):
    site_dir, base_url = served_site
    page = broken_copy(
        site_dir,
        "broken-missing-file",
        CHAPTER,
        lambda html: html.replace("</body>", '<img src="../figures/missing.svg"></body>'),
    )
    report = load(tab, base_url + page)
    assert any("404" in failure and "missing.svg" in failure for failure in report.failed_requests)
