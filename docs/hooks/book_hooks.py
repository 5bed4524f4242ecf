"""MkDocs hooks that put the project's own derivations and figures into the book at build time.

* **Formulas.** A line ``<!-- formula: NAME -->`` on its own in a page becomes a
  display-math block holding ``l2book.symbolic.FORMULAS[NAME]()``: the LaTeX of
  a SymPy derivation. The page can only show a formula the code derived, and an
  unknown ``NAME`` stops the build with a message naming the page.
* **Figures.** Every entry of ``l2book.plots.FIGURES`` (name → function
  returning SVG text) is published as ``figures/NAME.svg``, so a page shows it
  with ``![what it shows](figures/NAME.svg)``; MkDocs' link validation then
  fails the build if a page names a figure that does not exist. The Chinese
  edition gets the figures with Chinese words, under ``zh/figures/``
  (see ``edition_hooks.py``).

Registered in ``mkdocs.yml`` under ``hooks:``; ``exclude_docs`` keeps this file
out of the site.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping

from mkdocs.config.defaults import MkDocsConfig
from edition_hooks import AFTER_I18N, edition_file, edition_language
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

# Indented markers (inside an admonition or a tab) get an equally indented block.
FORMULA_MARKER = re.compile(r"^(?P<indent>[ \t]*)<!-- formula: (?P<name>[A-Za-z_][A-Za-z0-9_]*) -->[ \t]*$")
# A fenced code block opens with ``` or ~~~ (three or more) and closes with the same run.
FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")

Registry = Mapping[str, Callable[..., str]]


def formula_block(latex: str, indent: str = "") -> str:
    """Return ``latex`` as a display-math block for ``pymdownx.arithmatex``, with blank lines around it."""
    body = "\n".join(f"{indent}{line}" for line in ("$$", *latex.split("\n"), "$$"))
    return f"\n{body}\n"


def substitute_formulas(markdown: str, formulas: Registry, page: str) -> str:
    """Replace each ``<!-- formula: NAME -->`` line of ``markdown`` by the LaTeX of ``formulas[NAME]``.

    Lines inside fenced code blocks are left alone, so a page can show the
    marker itself as an example.

    Raises
    ------
    PluginError
        If a marker names no entry of ``formulas``; the message names ``page``.
    """
    lines = markdown.split("\n")
    open_fence = None
    for index, line in enumerate(lines):
        fence = FENCE.match(line)
        if fence:
            run = fence["fence"]
            if open_fence is None:
                open_fence = run
            elif run[0] == open_fence[0] and len(run) >= len(open_fence):
                open_fence = None
            continue
        marker = FORMULA_MARKER.match(line)
        if marker and open_fence is None:
            lines[index] = formula_block(_latex_of(marker["name"], formulas, page), marker["indent"])
    return "\n".join(lines)


def _latex_of(name: str, formulas: Registry, page: str) -> str:
    """Return the LaTeX of formula ``name``, or stop the build with a message that says where."""
    if name not in formulas:
        known = ", ".join(sorted(formulas))
        raise PluginError(f"{page}: unknown formula {name!r} in '<!-- formula: {name} -->'; known formulas: {known}")
    return formulas[name]()


def add_figures(files: Files, config: MkDocsConfig, figures: Registry) -> Files:
    """Add each figure of ``figures``, drawn in the edition's language, to ``files`` as ``figures/NAME.svg``."""
    language = edition_language(config)
    for name, make_svg in figures.items():
        files.append(edition_file(config, f"figures/{name}.svg", make_svg(language)))
    return files


def formula_registry() -> Registry:
    """Return ``l2book.symbolic.FORMULAS``: imported here because it loads SymPy."""
    return importlib.import_module("l2book.symbolic").FORMULAS


def figure_registry() -> Registry:
    """Return ``l2book.plots.FIGURES`` (imported here: matplotlib is needed only to build the site)."""
    return importlib.import_module("l2book.plots").FIGURES


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """MkDocs event: put the derived formulas into the page's Markdown before it is rendered."""
    return substitute_formulas(markdown, formula_registry(), page.file.src_uri)


@event_priority(AFTER_I18N)
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """MkDocs event: publish the book's figures next to the pages."""
    return add_figures(files, config, figure_registry())
