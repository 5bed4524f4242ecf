"""What one page of the book shows in the browser, and every request it made on the way."""

from __future__ import annotations

import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request, Response, Route

INSPECT_PAGE_JS = (Path(__file__).parent / "inspect_page.js").read_text(encoding="utf-8")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about"}


def is_local(url: str) -> bool:
    """Whether loading ``url`` stays on this machine."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname in LOOPBACK_HOSTS


class NetworkLog:
    """Every request of one page; a request for another host is recorded and refused, never sent.

    ``page.route`` sees each request before Chromium sends it (those of the
    page's scripts and web workers too), so a request that would leave the
    machine is aborted there and still shows up in ``requested_urls``.
    """

    def __init__(self, page: Page) -> None:
        self.requested_urls: list[str] = []
        self.failed_requests: list[str] = []
        self.javascript_errors: list[str] = []
        self._in_flight: set[Request] = set()
        self._last_activity = time.monotonic()
        page.route("**/*", self._allow_only_local)
        page.on("request", self._record_request)
        page.on("websocket", lambda socket: self.requested_urls.append(socket.url))
        page.on("response", self._record_response)
        page.on("requestfinished", self._record_end)
        page.on("requestfailed", self._record_failure)
        page.on("pageerror", lambda error: self.javascript_errors.append(str(error)))

    def wait_until_quiet(self, page: Page, *, quiet: float = 0.5, timeout: float = 30) -> None:
        """Wait until no request has been in flight for ``quiet`` seconds.

        Not Playwright's "networkidle": it can fire before the load event when a
        busy machine keeps the parser on a large script for half a second.
        """
        deadline = time.monotonic() + timeout
        while self._in_flight or time.monotonic() - self._last_activity < quiet:
            if time.monotonic() > deadline:
                raise TimeoutError(f"requests still in flight after {timeout} s: {[r.url for r in self._in_flight]}")
            page.wait_for_timeout(50)  # lets Playwright deliver the page's events

    @staticmethod
    def _allow_only_local(route: Route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def _record_request(self, request: Request) -> None:
        self.requested_urls.append(request.url)
        self._in_flight.add(request)
        self._last_activity = time.monotonic()

    def _record_response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed_requests.append(f"{response.status} {response.url}")

    def _record_end(self, request: Request) -> None:
        self._in_flight.discard(request)
        self._last_activity = time.monotonic()

    def _record_failure(self, request: Request) -> None:
        self._record_end(request)
        # A request the page itself cancelled (ERR_ABORTED, e.g. on navigation) is not a missing file.
        if is_local(request.url) and request.failure != "net::ERR_ABORTED":
            self.failed_requests.append(f"{request.failure} {request.url}")

    def external_requests(self) -> list[str]:
        """Requests for anything not on this machine (all of them refused)."""
        return [url for url in self.requested_urls if not is_local(url)]


@dataclass
class PageReport:
    """What one page showed: formulas, glyphs and figures, plus what its network log recorded."""

    path: str
    formulas: int
    glyphs: int
    images: int
    raw_tex: list[str]
    tex_outside_formulas: list[str]
    unstyled_glyph_classes: list[str]
    blank_glyphs: int
    tex_errors: list[str]
    broken_images: list[str]
    javascript_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Every reason this page is broken, empty if it is fine."""
        checks = [
            (self.raw_tex, f"{len(self.raw_tex)} formulas left as raw TeX, e.g. {self.raw_tex[:1]}"),
            (self.tex_outside_formulas, f"TeX outside any formula, never typeset: {self.tex_outside_formulas[:3]}"),
            (self.unstyled_glyph_classes, f"glyphs without a CSS rule: {self.unstyled_glyph_classes[:8]}"),
            (self.blank_glyphs, f"{self.blank_glyphs} of {self.glyphs} glyphs draw nothing"),
            (self.tex_errors, f"TeX errors: {self.tex_errors}"),
            (self.broken_images, f"figures that did not load: {self.broken_images}"),
            (self.javascript_errors, f"JavaScript errors: {self.javascript_errors}"),
            (self.external_requests, f"requests leaving the machine: {self.external_requests}"),
            (self.failed_requests, f"failed local requests: {self.failed_requests}"),
        ]
        return [message for found, message in checks if found]


def inspect(page: Page, network: NetworkLog) -> PageReport:
    """Wait for the page's math, fonts and requests; report what it shows and what its network log holds."""
    findings = page.evaluate(INSPECT_PAGE_JS)
    network.wait_until_quiet(page)  # requests the page makes after load, e.g. for the search index
    return PageReport(
        path=findings["path"],
        formulas=findings["formulas"],
        glyphs=findings["glyphs"],
        images=findings["images"],
        raw_tex=findings["rawTex"],
        tex_outside_formulas=findings["texOutsideFormulas"],
        unstyled_glyph_classes=findings["unstyledGlyphClasses"],
        blank_glyphs=findings["blankGlyphs"],
        tex_errors=findings["texErrors"],
        broken_images=findings["brokenImages"],
        javascript_errors=list(network.javascript_errors),
        external_requests=network.external_requests(),
        failed_requests=list(network.failed_requests),
    )
