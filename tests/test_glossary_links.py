"""Each chapter links a glossary term where it first uses it.

The terms are read from the glossary itself: an entry ``Adam, AdamW {#adam}``
names "Adam" and "AdamW"; a parenthesis only qualifies ("Bias (of a model)"
names "Bias"); a name that two entries share is ambiguous and not checked; and
an ``<span id="…"></span>`` inside an entry, followed by an *emphasized* word,
names a term of its own ("*training set*" for "Training, validation and test
sets", and the heading's "Training" is read as that term).

A *use* is an occurrence in prose: not in code, math, headings, admonition
titles, image alt text, HTML comments (where the hidden doctests live) or link
targets. Names match whole words, in any case unless they contain a capital
after their first letter (ReLU, MAP, KKT), with a plural ending and with a line
break or a hyphen between their words. The check: on each English chapter, a
link to the term's entry starts at or before the term's first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
GLOSSARY = DOCS / "glossary.md"
CHAPTERS = sorted(path for path in DOCS.glob("0[1-7]-*.md") if path.suffixes == [".md"])

ENTRY = re.compile(r"^(?P<names>\S[^\n]*?) \{#(?P<id>[\w-]+)\}$", re.MULTILINE)
SPAN = re.compile(r'<span id="(?P<id>[\w-]+)"></span>[^*]*\*(?P<name>[^*]+)\*')
GLOSSARY_LINK = re.compile(r"\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]\(glossary\.md#(?P<id>[\w-]+)\)")

# What is not prose, blanked out in this order (a later pattern never sees what an earlier one removed).
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}).*?^(?P=indent)(?P=fence)[ \t]*$", re.MULTILINE | re.DOTALL
)
NOT_PROSE = [
    re.compile(r"<!--.*?-->", re.DOTALL),
    re.compile(r"\$\$.*?\$\$", re.DOTALL),
    re.compile(r"^[ \t]*#.*$", re.MULTILINE),  # headings
    re.compile(r"^[ \t]*(?:!!!|\?\?\?)\+?[ \t]+\w+.*$", re.MULTILINE),  # admonition titles
    re.compile(r"(`+).*?\1", re.DOTALL),
    re.compile(r"(?<![\\$])\$(?!\s)[^$\n]+?\$"),
    re.compile(r"!\[[^\]]*\]\([^)]*\)"),  # images: their alt text cannot hold a link
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"\{#[\w-]+\}|<[^>\n]+>"),
]


@dataclass(frozen=True)
class Term:
    """A name the glossary defines, and the ids a link to its entry may point to."""

    name: str
    ids: frozenset[str]

    def pattern(self) -> re.Pattern[str]:
        words = [re.escape(word) for word in self.name.split()]
        last = words[-1]
        if last.endswith("y"):
            last = last[:-1] + "(?:y|ies)"
        elif last.endswith("s"):
            last = last + "?"  # "finite differences" also names one difference
        else:
            last = last + "(?:e?s)?"
        body = r"[\s-]+".join([*words[:-1], last])
        flags = 0 if any(letter.isupper() for letter in self.name[1:]) else re.IGNORECASE
        return re.compile(rf"(?<![\w-]){body}(?![\w-])", flags)


def glossary_terms(text: str) -> list[Term]:
    """Return the terms the glossary at ``text`` names, each with the ids of its entry."""
    entries = list(ENTRY.finditer(text))
    owners: dict[str, list[Term]] = {}  # by the name in lower case
    for number, entry in enumerate(entries):
        end = entries[number + 1].start() if number + 1 < len(entries) else len(text)
        found = list(SPAN.finditer(text, entry.end(), end))
        spans = [span["name"] for span in found]
        ids = frozenset({entry["id"], *(span["id"] for span in found)})
        heading = re.sub(r"\s*\([^)]*\)", "", entry["names"])
        for name in re.split(r",\s*|\s+and\s+", heading):
            precise = next((span for span in spans if span.lower().startswith(name.lower())), name)
            owners.setdefault(precise.lower(), []).append(Term(precise, ids))
    return [terms[0] for terms in owners.values() if len(terms) == 1]


def prose(text: str) -> str:
    """Return ``text`` with everything that is not prose blanked by spaces; offsets and line breaks stay."""

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group())

    text = FENCE.sub(blank, text)
    for pattern in NOT_PROSE:
        text = pattern.sub(blank, text)
    return text


def late_links(page: str, terms: list[Term]) -> list[str]:
    """Return, for the Markdown ``page``, every term first used before (or without) a link to its glossary entry."""
    visible = prose(page)
    links = [(link.start(), link["id"]) for link in GLOSSARY_LINK.finditer(page)]
    problems = []
    for term in terms:
        use = term.pattern().search(visible)
        if use is None:
            continue
        linked = [start for start, anchor in links if anchor in term.ids]
        if not linked or linked[0] > use.start():
            line = page.count("\n", 0, use.start()) + 1
            where = f"first linked on line {page.count(chr(10), 0, linked[0]) + 1}" if linked else "never linked"
            problems.append(f"line {line}: {use.group()!r} ({term.name}), {where}")
    return problems


TERMS = glossary_terms(GLOSSARY.read_text(encoding="utf-8"))


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_each_glossary_term_is_linked_at_its_first_use_in_the_chapter(chapter):
    assert late_links(chapter.read_text(encoding="utf-8"), TERMS) == []


def test_the_terms_come_from_the_glossary_headings_and_spans():
    names = {term.name: term.ids for term in TERMS}
    assert names["Adam"] == names["AdamW"] == {"adam"}
    sets = {"test-set", "training-set", "validation-set"}
    assert names["training set"] == names["validation set"] == names["test sets"] == sets
    assert names["Underfitting"] == {"overfitting", "underfitting"}
    assert "Bias" not in names  # of a model, and the parameter: two entries, so ambiguous
    assert "Training" not in names and "validation" not in names  # read as the spans' terms


def test_a_first_use_without_a_link_is_reported_and_code_math_and_headings_are_not_uses():
    terms = glossary_terms("Hessian {#hessian}\n:   Second derivatives.\n\nR² {#r-squared}\n:   Fit.\n")
    page = (
        "# The Hessian\n\n"
        "```python\n>>> hessian = 1\n\n```\n\n"
        "Its `Hessian` and $\\text{Hessian}$ are not uses.\n"
        "The Hessians of the cost come first; the [Hessian](glossary.md#hessian) is linked later.\n"
    )
    assert late_links(page, terms) == ["line 9: 'Hessians' (Hessian), first linked on line 9"]
    assert late_links(page.replace("The Hessians", "The [Hessians](glossary.md#hessian)"), terms) == []
    assert late_links("A Hessian, then an R² and an\n[R²](glossary.md#r-squared).\n", terms) == [
        "line 1: 'Hessian' (Hessian), never linked",
        "line 1: 'R²' (R²), first linked on line 2",
    ]


def test_a_name_may_break_across_lines_and_a_link_to_another_id_of_the_entry_counts():
    terms = glossary_terms(
        "Training, validation and test sets {#test-set}\n"
        ':   <span id="training-set"></span>The *training set* is fitted.\n'
    )
    unlinked = late_links("Fit the training\nset, then test.\n", terms)
    assert unlinked == ["line 1: 'training\\nset' (training set), never linked"]
    assert late_links("Fit the [training\nset](glossary.md#test-set).\n", terms) == []
