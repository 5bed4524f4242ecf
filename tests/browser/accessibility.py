"""axe-core's accessibility verdict on a loaded page, from the copy of axe vendored beside this file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE_JS = Path(__file__).parent / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")

# axe checks only what is rendered: open every collapsed admonition (e.g. an exercise's
# solution) first, so its content is checked too.
OPEN_EVERY_DETAILS_JS = "() => document.querySelectorAll('details').forEach((details) => { details.open = true; })"
# The rules whose verdict depends on the colours, the only ones a second colour scheme can change.
COLOUR_RULES = ("color-contrast", "link-in-text-block")
# mkdocs.yml's second palette, and the id Material gives its input (the toggle's label points at it).
DARK_PALETTE, DARK_PALETTE_INPUT = "slate", "__palette_1"
RUN_AXE_JS = """async (rules) => (await axe.run(document, {
  resultTypes: ["violations"], ...(rules ? {runOnly: {type: "rule", values: rules}} : {}),
})).violations"""


@dataclass(frozen=True)
class Violation:
    """One element that breaks one axe rule."""

    page: str
    rule: str
    impact: str
    target: str
    summary: str

    def __str__(self) -> str:
        return f"{self.page}: {self.rule} ({self.impact}) at {self.target}: {self.summary}"


def axe_violations(page: Page, rules: tuple[str, ...] | None = None) -> list[Violation]:
    """Run axe (every rule, or only ``rules``) on the page with every collapsed admonition opened.

    Returns one entry per element and rule broken.
    """
    page.evaluate(OPEN_EVERY_DETAILS_JS)
    # Injected as the file's text, not loaded by URL: axe is part of the test, not of the site.
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=AXE_JS)
    path = page.evaluate("location.pathname")
    return [
        Violation(
            page=path,
            rule=rule["id"],
            impact=rule["impact"],
            target=" ".join(map(str, node["target"])),
            summary=node["failureSummary"].replace("\n", " "),
        )
        for rule in page.evaluate(RUN_AXE_JS, list(rules) if rules else None)
        for node in rule["nodes"]
    ]


def switch_to_dark_palette(page: Page) -> None:
    """Switch the page to Material's dark palette with the header's toggle, as a reader would.

    The palette's colours are set by the ``data-md-color-scheme`` attribute; the wait
    for running animations keeps axe from reading a colour half-way through a transition.
    """
    page.locator(f'label[for="{DARK_PALETTE_INPUT}"]').click()
    page.wait_for_function(
        """(scheme) => document.body.getAttribute("data-md-color-scheme") === scheme
          && document.getAnimations().every((animation) => animation.playState !== "running")""",
        arg=DARK_PALETTE,
    )


def serious(violations: list[Violation]) -> list[Violation]:
    """The violations of impact "serious" or "critical": the ones a page may not have."""
    return [violation for violation in violations if violation.impact in FAILING_IMPACTS]
