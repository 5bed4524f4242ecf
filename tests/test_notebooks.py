"""Each chapter's notebook: made from the page, published and linked by the site, and it runs to the page's outputs.

The execution tests run every chapter's notebook in a fresh ``ipykernel``
kernel, as a reader would, and compare each cell's output with the page's
expected output the way doctest does (NORMALIZE_WHITESPACE, ELLIPSIS). They
re-run every page's examples, so they cost about as much as the pages'
doctests.
"""

from __future__ import annotations

import doctest
import os
from pathlib import Path

import nbformat
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from nbclient import NotebookClient
from traitlets.config import Config

from l2book.exercises import EXERCISES
from l2book.experiments.cache import CACHE_ENV
from tests.editions import without_comments
from l2book.notebooks import (
    HIDDEN_NOTE,
    absolute_links,
    exercises_last,
    notebook_path,
    page_notebook,
    plain_markdown,
    repository_url,
    with_download_link,
)

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CHAPTERS = sorted(path.name for path in DOCS.glob("[0-9][0-9]-*.md") if path.suffixes == [".md"])
# The Chinese twins: the same examples (tests/test_editions.py), so their notebooks are compared, not run again.
CHINESE_CHAPTERS = [page.replace(".md", ".zh.md") for page in CHAPTERS]
HOOK_FILE = DOCS / "hooks" / "notebook_hooks.py"
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
SITE = "https://example.org/l2book/"
INSTALL = "l2book @ git+https://github.com/example/l2book"


def notebook_of(page: str) -> nbformat.NotebookNode:
    return page_notebook((DOCS / page).read_text(encoding="utf-8"), page=page, site_url=SITE, install=INSTALL)


def tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def example_cells(notebook) -> list:
    generated = {"l2book-setup", "l2book-exercise"}
    return [cell for cell in notebook.cells if cell.cell_type == "code" and not generated & set(tags(cell))]


def with_examples(cells, examples):
    """Pair each code cell with the page's examples it holds, in order; every example exactly once."""
    pairs, position = [], 0
    for cell in cells:
        group = []
        while "\n".join(example.source.rstrip("\n") for example in group) != cell.source:
            assert position < len(examples), f"no run of the page's examples makes the cell:\n{cell.source}"
            group.append(examples[position])
            position += 1
        pairs.append((cell, group))
    assert position == len(examples), "examples of the page missing from the notebook"
    return pairs


def shown_text(outputs) -> str:
    """What a reader sees under a cell, except an error: printed text (stdout and stderr) and displayed values."""
    text = ""
    for output in outputs:
        if output.output_type == "stream":
            text += output.text
        elif output.output_type in ("execute_result", "display_data"):
            text += output.data.get("text/plain", "") + "\n"
    return text


def flags_of(example: doctest.Example) -> int:
    flags = FLAGS
    for flag, on in example.options.items():
        flags = flags | flag if on else flags & ~flag
    return flags


def mismatch(cell, examples) -> str | None:
    """Return why the cell's outputs are not the page's expected output, or None if they are."""
    checker, last = doctest.OutputChecker(), examples[-1]
    errors = [output for output in cell.outputs if output.output_type == "error"]
    if last.exc_msg:
        if len(errors) != 1:
            return f"expected {last.exc_msg!r}, got no error"
        raised = f"{errors[0].ename}: {errors[0].evalue}\n"
        return None if checker.check_output(last.exc_msg, raised, flags_of(last)) else f"raised {raised!r}"
    if errors:
        return f"raised {errors[0].ename}: {errors[0].evalue}"
    got = shown_text(cell.outputs)
    if checker.check_output(last.want, got, flags_of(last)):
        return None
    return checker.output_difference(last, got, flags_of(last))


def execute(notebook, directory: Path) -> None:
    """Run the notebook in a fresh kernel that imports this checkout's l2book, in ``directory``."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    # Local sockets in the test's directory: no TCP port, and no warning that TCP is unencrypted.
    config = Config({"KernelManager": {"transport": "ipc", "ip": str(directory / "kernel")}})
    resources = {"metadata": {"path": str(directory)}}
    client = NotebookClient(notebook, kernel_name="python3", timeout=900, resources=resources, config=config)
    client.execute(env={**os.environ, "PYTHONPATH": path})


# --- Running every chapter's notebook ----------------------------------------------------------


@pytest.mark.parametrize("page", CHAPTERS)
def test_the_notebook_runs_to_the_pages_expected_outputs(page, tmp_path):
    notebook = notebook_of(page)
    nbformat.validate(notebook)
    text = (DOCS / page).read_text(encoding="utf-8")
    in_notebook_order = doctest.DocTestParser().get_examples(exercises_last(text), page)
    page_examples = doctest.DocTestParser().get_examples(text, page)
    assert sorted(e.source for e in in_notebook_order) == sorted(e.source for e in page_examples)
    pairs = with_examples(example_cells(notebook), in_notebook_order)
    # What the notebook shows before it is run is the page's expected output.
    assert [mismatch(cell, examples) for cell, examples in pairs] == [None] * len(pairs)

    execute(notebook, tmp_path)

    problems = [f"cell {notebook.cells.index(cell)}:\n{cell.source}\n{reason}"
                for cell, examples in pairs if (reason := mismatch(cell, examples))]
    assert problems == [], "\n\n".join(problems)
    setup = notebook.cells[1]
    assert tags(setup) == ["l2book-setup"] and setup.outputs == []  # l2book was there: nothing installed
    for cell in notebook.cells:
        if "l2book-exercise" in tags(cell) and cell.source.startswith("from l2book.exercises import check"):
            assert "FAIL" in shown_text(cell.outputs) and "NotImplementedError" in shown_text(cell.outputs)


def test_a_hidden_set_up_runs_in_the_notebook(tmp_path):
    page = "# 9. Hidden\n\n<!--\n>>> secret = 6 * 7\n\n-->\n\nThe answer:\n\n```python\n>>> secret\n42\n\n```\n"
    notebook = page_notebook(page, page="09-hidden.md", site_url=None, install=None)
    sources = [cell.source for cell in notebook.cells]
    assert sources[3:] == [HIDDEN_NOTE, "secret = 6 * 7", "The answer:", "secret"]
    assert not any("<!--" in source or "-->" in source for source in sources)
    execute(notebook, tmp_path)
    assert notebook.cells[-1].outputs[0].data["text/plain"] == "42"


def test_a_page_with_an_error_fails_the_comparison(tmp_path):
    # The comparison can fail: a page whose expected output is wrong is caught.
    page = "# 9. Wrong\n\n```python\n>>> print(2 + 2)\n5\n\n```\n"
    notebook = page_notebook(page, page="09-wrong.md", site_url=None, install=None)
    (cell,) = example_cells(notebook)
    example = doctest.DocTestParser().get_examples(page)[0]
    execute(notebook, tmp_path)
    assert "Expected:\n    5\nGot:\n    4" in mismatch(cell, [example])


# --- Making the notebook, without running it -----------------------------------------------------


def test_prose_is_markdown_with_its_math_and_examples_are_code_with_their_output():
    page = (
        "# 9. Example\n\nThe penalty $\\frac{\\lambda}{2m} w^2$:\n\n$$\nJ = 1\n$$\n\n"
        "```python\n>>> import numpy as np\n>>> x = np.arange(3)\n>>> x\narray([0, 1, 2])\n>>> print(x.sum())\n3\n"
        ">>> def f():\n...     return 1\n\n```\n\nThe end.\n"
    )
    cells = page_notebook(page, page="09-example.md", site_url=None, install=None).cells
    assert [cell.cell_type for cell in cells] == ["markdown", "code", "markdown", "code", "code", "code", "markdown"]
    assert cells[2].source == "# 9. Example\n\nThe penalty $\\frac{\\lambda}{2m} w^2$:\n\n$$\nJ = 1\n$$"
    assert cells[3].source == "import numpy as np\nx = np.arange(3)\nx"
    assert cells[3].outputs == [nbformat.v4.new_output("execute_result", data={"text/plain": "array([0, 1, 2])"})]
    assert cells[4].outputs == [nbformat.v4.new_output("stream", name="stdout", text="3\n")]
    assert (cells[5].source, cells[5].outputs) == ("def f():\n    return 1", [])
    assert cells[6].source == "The end."


def test_an_expected_exception_is_an_error_output_the_kernel_may_raise():
    page = "# 9. E\n\n```python\n>>> int('x')\nTraceback (most recent call last):\n...\n"
    page += "ValueError: invalid literal\n\n```\n"
    (cell,) = example_cells(page_notebook(page, page="09-e.md", site_url=None, install=None))
    assert tags(cell) == ["raises-exception"]
    assert (cell.outputs[0].ename, cell.outputs[0].evalue) == ("ValueError", "invalid literal")


def test_admonitions_and_collapsed_solutions_become_bold_titles_over_dedented_text():
    page = '!!! note "Why?"\n    Because.\n\n??? success "Solution"\n'
    page += "    ```python\n    >>> 1\n    1\n\n    ```\n\nAfter."
    assert plain_markdown(page) == "**Why?**\nBecause.\n\n**Solution**\n```python\n>>> 1\n1\n\n```\n\nAfter."
    assert plain_markdown("```text\n!!! not a header\n```") == "```text\n!!! not a header\n```"


def test_the_exercises_section_comes_last():
    page = "# 9. T\n\nIntro.\n\n## Exercises\n\n1. Do it.\n\n### More\n\nx\n\n## Summary\n\nDone.\n"
    moved = "# 9. T\n\nIntro.\n\n## Summary\n\nDone.\n\n## Exercises\n\n1. Do it.\n\n### More\n\nx\n"
    assert exercises_last(page) == moved


def test_links_point_at_the_published_site():
    text = "See [ch. 2](02-regularized-loss.md#the-symbols), ![fig](figures/a.svg), [`cost`][l2book.cost], [here](#x)."
    assert absolute_links(text, "03-weight-decay.md", SITE) == (
        f"See [ch. 2]({SITE}02-regularized-loss/#the-symbols), ![fig]({SITE}figures/a.svg), "
        f"[`cost`]({SITE}api/#l2book.cost), [here](#x)."
    )


def test_the_first_cell_installs_l2book_and_what_the_page_imports():
    setup = notebook_of("03-weight-decay.md").cells[1]
    assert f"packages = {{'l2book': '{INSTALL}', 'sklearn': 'scikit-learn'}}" in setup.source
    unknown = page_notebook("# 9. P\n", page="09-p.md", site_url=None, install=None).cells[1]
    assert "raise ModuleNotFoundError" in unknown.source


def test_the_repository_comes_from_mkdocs_or_from_github_actions():
    actions = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "someone/l2book"}
    assert repository_url("https://example.org/repo/", actions) == "https://example.org/repo"
    assert repository_url(None, actions) == "https://github.com/someone/l2book"
    assert repository_url(None, {}) is None


def test_implement_exercises_end_their_chapters_notebook_with_a_starter_and_the_grader():
    for page in CHAPTERS + CHINESE_CHAPTERS:
        chapter = int(page[:2])
        names = [name for name, exercise in EXERCISES.items() if exercise.chapter == chapter]
        cells = [cell for cell in notebook_of(page).cells if "l2book-exercise" in tags(cell)]
        assert [cell.source.partition("(")[0] for cell in cells[::2]] == [f"def {name}" for name in names]
        assert [cell.source for cell in cells[1::2]] == [
            f'from l2book.exercises import check\n\nprint(check("{name}", {name}))' for name in names
        ]
    assert any(exercise.chapter == 3 for exercise in EXERCISES.values())


@pytest.mark.parametrize("page", CHINESE_CHAPTERS)
def test_a_chinese_chapters_notebook_has_the_english_code_cells_and_points_at_the_chinese_site(page):
    chinese, english = notebook_of(page), notebook_of(page.replace(".zh.md", ".md"))
    nbformat.validate(chinese)
    def code(notebook):  # comments may be translated
        return [(without_comments(cell.source), cell.outputs) for cell in notebook.cells if cell.cell_type == "code"]

    assert code(chinese) == code(english)
    intro = chinese.cells[0].source
    assert intro.startswith("*构建网站时由 l2book 的页面 [") and f"]({SITE}zh/{page[:-6]}/)" in intro
    assert "{#" not in intro  # the heading's explicit id is not part of its title


def test_a_chinese_page_gets_a_chinese_download_button_for_its_own_notebook():
    linked = with_download_link("# 3. 权重衰减 {#3-weight-decay}\n\n正文。", "03-weight-decay.zh.md")
    assert '[下载本章的 Jupyter 笔记本](notebooks/03-weight-decay.zh.ipynb){ .md-button download="03-weight-decay.zh.ipynb" }' in linked


def test_the_chinese_exercises_section_comes_last():
    page = "# 9. 题\n\n引言。\n\n## 练习 {#exercises}\n\n1. 做。\n\n## 小结 {#summary}\n\n完。\n"
    assert exercises_last(page) == "# 9. 题\n\n引言。\n\n## 小结 {#summary}\n\n完。\n\n## 练习 {#exercises}\n\n1. 做。\n"


# --- The site: one notebook per chapter, linked from the page --------------------------------------


def build_one_chapter(root: Path, example: str = "1 + 1") -> Path:
    """Build a site of a home page and one chapter with ``>>> example``, with the notebook hook; return the notebook."""
    docs = root / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (docs / "01-one.md").write_text(f"# 1. One\n\n```python\n>>> {example}\n2\n\n```\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        f"site_name: hook test\nsite_url: {SITE}\nhooks: [{HOOK_FILE}]\nmarkdown_extensions: [attr_list]\n"
        "validation: {unrecognized_links: warn}\n",
        encoding="utf-8",
    )
    build(load_config(str(root / "mkdocs.yml"), strict=True, site_dir=str(root / "site")))
    return root / "site" / notebook_path("01-one.md")


def test_the_hook_publishes_the_notebook_and_links_it(tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "someone/l2book")
    notebook = nbformat.read(build_one_chapter(tmp_path), as_version=4)
    assert [cell.source for cell in example_cells(notebook)] == ["1 + 1"]
    assert "'l2book': 'l2book @ git+https://github.com/someone/l2book'" in notebook.cells[1].source
    html = (tmp_path / "site" / "01-one" / "index.html").read_text(encoding="utf-8")
    assert '<a class="md-button" download="01-one.ipynb" href="../notebooks/01-one.ipynb">' in html
    assert not (tmp_path / "site" / "notebooks" / "index.ipynb").exists()


def test_a_rebuild_takes_the_notebook_from_the_disk_cache_until_the_page_changes(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    first = build_one_chapter(tmp_path).read_bytes()
    # nbformat gives each new cell a random id: only a notebook read back from the cache is the same file.
    assert build_one_chapter(tmp_path).read_bytes() == first
    edited = nbformat.reads(build_one_chapter(tmp_path, example="1 + 2").read_text(encoding="utf-8"), as_version=4)
    assert [cell.source for cell in example_cells(edited)] == ["1 + 2"]


def test_the_book_links_a_notebook_from_every_chapter(served_site):
    site_dir, _ = served_site
    for page in CHAPTERS:
        stem = page.removesuffix(".md")
        nbformat.validate(nbformat.read(site_dir / notebook_path(page), as_version=4))
        html = (site_dir / stem / "index.html").read_text(encoding="utf-8")
        assert f'download="{stem}.ipynb" href="../notebooks/{stem}.ipynb">Download this chapter as a notebook' in html
        # The Chinese edition publishes its own, under zh/.
        nbformat.validate(nbformat.read(site_dir / "zh" / "notebooks" / f"{stem}.zh.ipynb", as_version=4))
        html = (site_dir / "zh" / stem / "index.html").read_text(encoding="utf-8")
        assert f'download="{stem}.zh.ipynb" href="../notebooks/{stem}.zh.ipynb">下载本章的 Jupyter 笔记本' in html
