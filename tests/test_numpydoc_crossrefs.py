"""docs/hooks/numpydoc_crossrefs.py: ``See Also`` entries and Sphinx roles become autorefs links."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from griffe import temporary_visited_package

HOOK_FILE = Path(__file__).resolve().parents[1] / "docs" / "hooks" / "numpydoc_crossrefs.py"
spec = importlib.util.spec_from_file_location("numpydoc_crossrefs_under_test", HOOK_FILE)
crossrefs = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = crossrefs
spec.loader.exec_module(crossrefs)

# A package shaped like l2book: a top-level re-export, and a sub-package that re-exports its modules' names.
MODULES = {
    "__init__.py": "from pkg.core import step\n",
    "core.py": "def step(): ...\ndef helper(): ...\n",
    "sub/__init__.py": "from pkg.sub.parts import train\nfrom pkg.sub.report import table\n",
    "sub/parts.py": "def train(): ...\n",
    "sub/report.py": "def table(): ...\n",
}


@pytest.fixture(scope="module")
def package():
    with temporary_visited_package("pkg", MODULES, resolve_aliases=True) as pkg:
        yield pkg


def see_also(package, module: str, entries: str) -> str:
    """Run the parser on a docstring of ``module`` whose See Also section holds ``entries``."""
    text = f"Summary.\n\nSee Also\n--------\n{entries}\n\nExamples\n--------\n>>> 1\n1\n"
    return crossrefs.linked_docstring(text, package[module], package, crossrefs.public_paths(package))


def test_see_also_entries_become_links_with_their_descriptions(package):
    text = see_also(package, "core", "helper : what it does.\nstep, ~pkg.core.helper : both.")
    assert "- [`helper`][pkg.core.helper]: what it does." in text
    assert "- [`step`][pkg.step], [`helper`][pkg.core.helper]: both." in text


def test_a_name_re_exported_by_the_top_level_links_to_its_public_path(package):
    assert "- [`step`][pkg.step]" in see_also(package, "core", "step")


def test_a_name_from_a_sibling_module_resolves_through_the_enclosing_package(package):
    # report.py does not import train; the sub-package around it does, so the link is its public path.
    assert "- [`train`][pkg.sub.train]: the loop." in see_also(package, "sub.report", "train : the loop.")


def test_a_continuation_line_joins_the_previous_description(package):
    text = see_also(package, "core", "helper : the first half,\n    and the second.")
    assert "- [`helper`][pkg.core.helper]: the first half, and the second." in text


def test_the_section_after_see_also_is_left_as_it_was(package):
    text = see_also(package, "core", "helper : what it does.")
    assert text.endswith("\nExamples\n--------\n>>> 1\n1\n")


def test_unknown_names_and_free_text_stay_plain(package):
    text = see_also(package, "core", "numpy.ndarray : not ours.\nChapter [1, Overfitting](01-overfitting.md)")
    assert "- `numpy.ndarray`: not ours." in text
    assert "- Chapter [1, Overfitting](01-overfitting.md)" in text


def test_roles_become_links(package):
    text = crossrefs.linked_docstring(
        "Uses :func:`step` and :class:`~pkg.core.helper`.", package["core"], package, crossrefs.public_paths(package)
    )
    assert text == "Uses [`step`][pkg.step] and [`helper`][pkg.core.helper]."
