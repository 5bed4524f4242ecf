"""The two editions of the book, page by page: what must be the same in an English page and its Chinese twin.

A Chinese page ``NAME.zh.md`` sits beside its English page ``NAME.md``
(mkdocs-static-i18n's suffix layout). The prose is translated; what the page
*computes* and how other pages reach it is not:

* the doctest examples: the same sources, Python comments aside, and the same expected output;
* the ``<!-- formula: NAME -->`` markers and the figures, in the same order;
* the anchors: every element with an ``id`` (headings, glossary terms, references), with the
  same tag, in the same order. A translated heading keeps its English anchor with ``{#id}``, so
  that a link such as ``03-weight-decay.md#the-update-rule-read-two-ways`` lands in the same
  place in both editions.
"""

from __future__ import annotations

import doctest
import io
import re
import tokenize
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import markdown

DOCS = Path(__file__).resolve().parents[1] / "docs"
CHINESE = "zh"

# The pages a learner reads, all translated; the API reference and the Performance appendix
# are served in English on the Chinese site, under a one-line note in Chinese.
TRANSLATED = (
    "index",
    "01-overfitting",
    "02-regularized-loss",
    "03-weight-decay",
    "04-tanh-linear",
    "05-dead-neurons",
    "06-checks",
    "07-beyond",
    "glossary",
    "references",
)
ENGLISH_ONLY = ("api", "performance")

FORMULA = re.compile(r"<!-- formula: ([A-Za-z_][A-Za-z0-9_]*) -->")
FIGURE = re.compile(r"\]\((figures/[\w.-]+\.svg)\)")

# The site's Markdown extensions that decide where headings are and what their ids are.
EXTENSIONS = [
    "toc",
    "attr_list",
    "admonition",
    "def_list",
    "footnotes",
    "md_in_html",
    "tables",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tabbed",
]


def english_page(name: str) -> Path:
    return DOCS / f"{name}.md"


def chinese_page(name: str) -> Path:
    return DOCS / f"{name}.{CHINESE}.md"


@dataclass(frozen=True)
class Example:
    """One doctest example as the parity check sees it: code without comments, and the expected output."""

    line: int
    code: str
    want: str


def without_comments(source: str) -> str:
    """Return ``source`` with its Python comments removed (strings that contain ``#`` stay as they are)."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    kept = [token for token in tokens if token.type != tokenize.COMMENT]
    lines = tokenize.untokenize(kept).splitlines()
    return "\n".join(line.rstrip() for line in lines if line.strip())


def examples(path: Path) -> list[Example]:
    """Return the doctest examples of the page at ``path``, in order."""
    parsed = doctest.DocTestParser().get_examples(path.read_text(encoding="utf-8"), str(path))
    return [Example(example.lineno + 1, without_comments(example.source), example.want) for example in parsed]


def formulas(path: Path) -> list[str]:
    return FORMULA.findall(path.read_text(encoding="utf-8"))


def figures(path: Path) -> list[str]:
    return FIGURE.findall(path.read_text(encoding="utf-8"))


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        anchor = dict(attrs).get("id")
        if anchor is not None or re.fullmatch(r"h[1-6]", tag):
            self.found.append((tag, anchor or ""))


def anchors(path: Path) -> list[tuple[str, str]]:
    """Return ``(tag, id)`` of every heading and every element with an id, as the site's Markdown renders the page."""
    html = markdown.markdown(path.read_text(encoding="utf-8"), extensions=EXTENSIONS)
    parser = _Anchors()
    parser.feed(html)
    return parser.found


def site_path(page: Path) -> str:
    """Return where the site serves the page at ``page``: ``03-weight-decay/``, ``zh/03-weight-decay/``, ``zh/``.

    >>> site_path(DOCS / "index.md"), site_path(DOCS / "index.zh.md"), site_path(DOCS / "03-x.zh.md")
    ('', 'zh/', 'zh/03-x/')
    """
    stem, _, language = page.name.removesuffix(".md").partition(".")
    prefix = f"{language}/" if language else ""
    return prefix if stem == "index" else f"{prefix}{stem}/"


def every_site_path() -> list[str]:
    """Every page of both editions, as the site serves it (the Chinese site serves English-only pages too)."""
    english = sorted(site_path(english_page(name)) for name in (*TRANSLATED, *ENGLISH_ONLY))
    return english + [f"{CHINESE}/{path}" for path in english]
