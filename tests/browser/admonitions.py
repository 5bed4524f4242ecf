"""Collapsed admonitions (pymdownx.details, ``??? success "Solution"``): does a click open them?"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import expect

from tests.editions import site_path

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

# What an exercise's solution looks like in a page's Markdown.
SOLUTION_MARKDOWN = """??? success "Solution"

    With λ = 0 the update is plain gradient descent.
"""
COLLAPSED_IN_MARKDOWN = re.compile(r"^\s*\?\?\?(?!\+)\s", re.MULTILINE)  # `???+` starts open
COLLAPSED_IN_HTML = re.compile(r"<details(?![^>]*\sopen[\s=>])[^>]*>")  # no `open` attribute
ADMONITIONS = "article details"


def pages_with_collapsed_admonitions(docs: Path) -> list[str]:
    """The site paths of the pages whose Markdown has a collapsed admonition (``???``, not ``???+``)."""
    return [
        site_path(page)
        for page in sorted(docs.glob("*.md"))
        if COLLAPSED_IN_MARKDOWN.search(page.read_text(encoding="utf-8"))
    ]


def solution_html() -> str:
    """The HTML that the book's Markdown extensions make of ``SOLUTION_MARKDOWN``."""
    import markdown

    return markdown.markdown(SOLUTION_MARKDOWN, extensions=["admonition", "pymdownx.details"])


def collapsed_admonitions(page: Page) -> list[Locator]:
    """Each admonition of the page that is collapsed now, as a locator that stays on it once opened."""
    indices = page.eval_on_selector_all(
        ADMONITIONS, "(all) => all.map((details, index) => details.open ? -1 : index).filter((index) => index >= 0)"
    )
    return [page.locator(ADMONITIONS).nth(index) for index in indices]


def assert_opens_when_clicked(details: Locator, *, timeout: float = 5000) -> None:
    """Its content is hidden; a click on its title opens it and shows the content."""
    content = details.locator(":scope > :not(summary)").first
    expect(content).to_be_hidden(timeout=timeout)
    details.locator(":scope > summary").click()
    expect(details).to_have_js_property("open", True, timeout=timeout)
    expect(content).to_be_visible(timeout=timeout)
