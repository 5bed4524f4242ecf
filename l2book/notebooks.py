r"""Jupyter notebooks made from the book's chapter pages when the site is built.

Each page becomes a notebook whose Markdown cells are the page's prose (math
kept) and whose code cells are the page's doctest examples, found with
:class:`doctest.DocTestParser`, each carrying the output the page expects. A
first cell installs l2book when the kernel lacks it; the chapter's exercises
come last, with a starter for each implement-exercise and the grader's call
ready to run. The notebook is written with ``nbformat``. The site's build hook
(``docs/hooks/notebook_hooks.py``) publishes it and links it from the page.

Examples
--------
>>> page = "# 9. A page\n\nTwo and two:\n\n```python\n>>> 2 + 2\n4\n\n```\n"
>>> notebook = page_notebook(page, page="09-a-page.md", site_url="https://example.org/", install=None)
>>> [cell.cell_type for cell in notebook.cells]
['markdown', 'code', 'markdown', 'code']
>>> notebook.cells[3].source, notebook.cells[3].outputs[0].data["text/plain"]
('2 + 2', '4')
"""

from __future__ import annotations

import ast
import doctest
import re
import sys
from collections.abc import Mapping

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from l2book.exercises import EXERCISES
from l2book.exercises.starter import function_source

#: A chapter page: ``NN-name.md`` at the root of ``docs/``, or its Chinese twin ``NN-name.zh.md``.
CHAPTER = re.compile(r"^(?P<number>\d{2})-[\w-]+(?:\.zh)?\.md$")
#: A heading's explicit id, ``{#name}``, which the Chinese pages use to keep the English anchors.
HEADING_ID = re.compile(r"\s*\{#[\w-]+\}\s*$")
#: The heading of a chapter's exercises, in either edition.
EXERCISES_HEADING = re.compile(r"^## (?:Exercises\b|.*\{#exercises\}[ \t]*$)", re.MULTILINE)
#: What a notebook says in its own words, in each edition's language.
WORDS = {
    "en": {
        "download": "Download this chapter as a notebook",
        "made from": "*Made from the page {link} of l2book when the site was built. Each code cell is one of the "
        "page's examples, shown with the output the page expects; run them in order.*",
    },
    "zh": {
        "download": "下载本章的 Jupyter 笔记本",
        "made from": "*构建网站时由 l2book 的页面 {link} 生成。每个代码单元格是该页的一个示例，"
        "并附有页面预期的输出；请按顺序运行。*",
    },
}
#: The fence of a code block, opening or closing.
FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")
#: ``!!! kind "Title"`` (admonition), ``??? kind "Title"`` (collapsed) and ``=== "Title"`` (tab) headers.
BLOCK_HEADER = re.compile(
    r'^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?|===)(?:[ \t]+(?P<kind>[\w-]+))?(?:[ \t]+"(?P<title>[^"]*)")?[ \t]*$'
)
#: Pieces of the page around its examples: a fence or an HTML comment opened just before, or closed just after.
OPENS_CODE = re.compile(r"(?:\A|\n)[ \t]*(?:`{3,}|~{3,})[^\n]*\n?\Z")
CLOSES_CODE = re.compile(r"\A\s*(?:`{3,}|~{3,})[ \t]*(?:\n|\Z)")
OPENS_COMMENT = re.compile(r"(?:\A|\n)[ \t]*<!--[ \t]*\n?\Z")
CLOSES_COMMENT = re.compile(r"\A\s*-->[ \t]*(?:\n|\Z)")
#: Links MkDocs resolves on the site: to another page, to a figure, or to the API reference (autorefs).
PAGE_LINK = re.compile(r"\]\((?P<target>[\w./-]+?)(?P<suffix>\.md)?(?P<anchor>#[\w-]+)?\)")
API_LINK = re.compile(r"\]\[(?P<name>l2book(?:\.\w+)+)\]")

#: Modules imported by a page that pip knows under another name.
PACKAGE_OF = {"sklearn": "scikit-learn"}
#: Installed with l2book itself.
L2BOOK_AND_DEPENDENCIES = {"l2book", "numpy", "sympy"}

HIDDEN_NOTE = "*Set-up that the page runs out of sight, in an HTML comment:*"
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


def language_of(page: str) -> str:
    """Return the language of a page path: ``"zh"`` for ``NAME.zh.md``, else ``"en"``.

    Examples
    --------
    >>> language_of("03-weight-decay.zh.md"), language_of("03-weight-decay.md")
    ('zh', 'en')
    """
    return "zh" if page.endswith(".zh.md") else "en"


def edition_url(site_url: str | None, page: str) -> str | None:
    """Return the address of the edition ``page`` belongs to: the Chinese one is under ``zh/``.

    Examples
    --------
    >>> edition_url("https://e.org/b/", "01-x.zh.md"), edition_url("https://e.org/b/", "01-x.md")
    ('https://e.org/b/zh/', 'https://e.org/b/')
    """
    if not site_url or language_of(page) == "en":
        return site_url
    return site_url.rstrip("/") + "/zh/"


def chapter_number(page: str) -> int | None:
    """Return the chapter number of a page path such as ``03-weight-decay.md``, or None for other pages."""
    match = CHAPTER.match(page)
    return int(match["number"]) if match else None


def notebook_path(page: str) -> str:
    """Return the notebook of ``page`` (under ``docs/``): ``notebooks/03-weight-decay.ipynb``, ``….zh.ipynb`` for a twin."""
    return f"notebooks/{page.removesuffix('.md')}.ipynb"


def page_notebook(markdown: str, *, page: str, site_url: str | None, install: str | None) -> nbformat.NotebookNode:
    """Return the notebook of one page.

    Parameters
    ----------
    markdown : str
        The page's Markdown, as the site renders it.
    page : str
        Its path under ``docs/``, e.g. ``"03-weight-decay.md"``.
    site_url : str or None
        The site's address: links between pages, to figures and to the API
        reference become links to the published site.
    install : str or None
        What ``pip install`` takes to install l2book, e.g.
        ``"l2book @ git+https://github.com/OWNER/REPO"``; None if unknown.

    Returns
    -------
    nbformat.NotebookNode
        A valid version-4 notebook, not yet executed.
    """
    text = plain_markdown(exercises_last(markdown))
    site_url = edition_url(site_url, page)
    cells = _page_cells(text, page, site_url)
    examples = doctest.DocTestParser().get_examples(text, page)
    chapter = chapter_number(page)
    cells = [_intro_cell(markdown, page, site_url), install_cell(_imported_modules(examples), install), *cells]
    if chapter is not None:
        cells += exercise_cells(chapter)
    return new_notebook(cells=cells, metadata={"kernelspec": KERNEL, "language_info": {"name": "python"}})


def exercises_last(markdown: str) -> str:
    """Return ``markdown`` with its ``## Exercises`` section (``## 练习 {#exercises}``) moved to the end, where a notebook's last cells are."""
    sections: list[list[str]] = [[]]
    for line, in_code in _lines_with_fences(markdown):
        if not in_code and re.match(r"^#{1,2} ", line):
            sections.append([])
        sections[-1].append(line)
    texts = ["\n".join(section).strip("\n") for section in sections]
    last = [text for text in texts if EXERCISES_HEADING.match(text)]
    rest = [text for text in texts if text and not EXERCISES_HEADING.match(text)]
    return "\n\n".join(rest + last) + "\n"


def plain_markdown(markdown: str) -> str:
    r"""Return ``markdown`` with admonitions, collapsed blocks and tabs as bold titles over their dedented bodies.

    Jupyter renders neither MkDocs Material's ``!!!``/``???``/``===`` blocks
    nor their four-space indentation, which it would show as code.

    Examples
    --------
    >>> print(plain_markdown('??? success "Solution"\n    It is 4.\n\nNext.'))
    **Solution**
    It is 4.
    <BLANKLINE>
    Next.
    """
    lines, open_blocks = [], []  # the indentation of each block the current line is inside
    for line, in_code in _lines_with_fences(markdown):
        width = len(line) - len(line.lstrip())
        while line.strip() and open_blocks and width <= open_blocks[-1]:
            open_blocks.pop()
        line = _dedent(line, 4 * len(open_blocks))
        header = None if in_code else BLOCK_HEADER.match(line)
        if header:
            title = header["title"] if header["title"] is not None else (header["kind"] or "").capitalize()
            lines.append(f"{header['indent']}**{title}**" if title else "")
            open_blocks.append(width)
        else:
            lines.append(line)
    return "\n".join(lines)


def absolute_links(text: str, page: str, site_url: str | None) -> str:
    """Return ``text`` with links to other pages, figures and the API reference pointing at the published site.

    Examples
    --------
    >>> absolute_links("[ch. 2](02-loss.md#the-symbols), [`cost`][l2book.cost]", "03-x.md", "https://e.org/b/")
    '[ch. 2](https://e.org/b/02-loss/#the-symbols), [`cost`](https://e.org/b/api/#l2book.cost)'
    """
    if not site_url:
        return text
    base = site_url.rstrip("/") + "/"

    def page_link(match: re.Match) -> str:
        target, anchor = match["target"], match["anchor"] or ""
        if "://" in target or target.startswith("/"):
            return match[0]
        url = f"{target}/" if match["suffix"] and target != "index" else ("" if match["suffix"] else target)
        return f"]({base}{url}{anchor})"

    text = PAGE_LINK.sub(page_link, text)
    return API_LINK.sub(lambda match: f"]({base}api/#{match['name']})", text)


def install_cell(modules: list[str], install: str | None) -> nbformat.NotebookNode:
    """Return the first code cell: it installs l2book, and the packages the page imports, when they are missing."""
    packages = {module: PACKAGE_OF.get(module, module) for module in modules if module not in L2BOOK_AND_DEPENDENCIES}
    if install:
        packages = {"l2book": install, **packages}
    lines = [
        "# Installs l2book and what this page imports, if this kernel does not have them yet.",
        "import importlib.util, subprocess, sys",
        f"packages = {packages!r}",
        "missing = [package for module, package in packages.items() if importlib.util.find_spec(module) is None]",
        "if missing:",
        '    subprocess.run([sys.executable, "-m", "pip", "install", *missing], check=True)',
    ]
    if not install:  # no repository address was known when the site was built
        lines += [
            'if importlib.util.find_spec("l2book") is None:',
            '    raise ModuleNotFoundError("install l2book first: pip install \'l2book @ git+<its repository>\'")',
        ]
    return new_code_cell("\n".join(lines), metadata={"tags": ["l2book-setup"]})


def exercise_cells(chapter: int) -> list[nbformat.NotebookNode]:
    """Return, for each implement-exercise of ``chapter``, a statement, a starter and the grader's call."""
    cells = []
    for exercise in EXERCISES.values():
        if exercise.chapter != chapter:
            continue
        cells.append(new_markdown_cell(
            f"### Implement `{exercise.name}`\n\n{exercise.statement} Write it in the next cell, then run the one "
            f"after: the grader compares it with `{exercise.verified}` on random problems and names the mistake it "
            f"finds. (`python -m l2book check FILE` grades a file the same way.)"
        ))
        tags = {"tags": ["l2book-exercise"]}
        cells.append(new_code_cell(function_source(exercise).rstrip("\n"), metadata=tags))
        check = f'from l2book.exercises import check\n\nprint(check("{exercise.name}", {exercise.name}))'
        cells.append(new_code_cell(check, metadata=tags))
    return cells


def with_download_link(markdown: str, page: str) -> str:
    r"""Return the page's Markdown with a "Download notebook" button under its title.

    Examples
    --------
    >>> print(with_download_link("# 3. Weight decay\n\nText.", "03-weight-decay.md"))
    # 3. Weight decay
    <BLANKLINE>
    [Download this chapter as a notebook](notebooks/03-weight-decay.ipynb){ .md-button
    download="03-weight-decay.ipynb" }
    <BLANKLINE>
    Text.
    """
    name = notebook_path(page).rsplit("/", 1)[1]
    words = WORDS[language_of(page)]["download"]
    link = f'[{words}]({notebook_path(page)}){{ .md-button download="{name}" }}'
    title, separator, rest = markdown.partition("\n") if markdown.startswith("# ") else ("", "", markdown)
    return f"{title}{separator}\n{link}\n\n{rest.lstrip(chr(10))}"


def repository_url(repo_url: str | None, environ: Mapping[str, str]) -> str | None:
    """Return the repository's address: ``repo_url`` from ``mkdocs.yml``, else the one GitHub Actions sets.

    Every step of a GitHub Actions workflow, the Pages workflow included, has
    ``GITHUB_SERVER_URL`` and ``GITHUB_REPOSITORY`` in its environment.

    Examples
    --------
    >>> repository_url(None, {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "someone/l2book"})
    'https://github.com/someone/l2book'
    """
    if repo_url:
        return repo_url.rstrip("/")
    server, repository = environ.get("GITHUB_SERVER_URL"), environ.get("GITHUB_REPOSITORY")
    return f"{server}/{repository}" if server and repository else None


# --- From the page's text to cells -----------------------------------------------------------------


def _page_cells(text: str, page: str, site_url: str | None) -> list[nbformat.NotebookNode]:
    """Split the page into Markdown cells (prose) and code cells (runs of examples ending in one with output)."""
    pieces = doctest.DocTestParser().parse(text, page)
    cells, pending, hidden = [], [], False
    for index, piece in enumerate(pieces):
        if isinstance(piece, doctest.Example):
            if not pending and hidden:
                cells.append(new_markdown_cell(HIDDEN_NOTE))
            pending.append(piece)
            if piece.want or piece.exc_msg:
                cells.append(_code_cell(pending))
                pending = []
            continue
        prose, closes_comment, opens_comment = _prose(
            piece, after_example=index > 0, before_example=index + 1 < len(pieces)
        )
        if (prose or closes_comment) and pending:
            cells.append(_code_cell(pending))
            pending = []
        hidden = opens_comment or (hidden and not closes_comment)
        if prose:
            cells.append(new_markdown_cell(absolute_links(prose, page, site_url)))
    if pending:
        cells.append(_code_cell(pending))
    return cells


def _prose(piece: str, *, after_example: bool, before_example: bool) -> tuple[str, bool, bool]:
    """Return the prose of a piece between examples without the fences and comment marks around the examples.

    Also says whether the piece closes an HTML comment that held examples, and whether it opens one.
    """
    closes_comment = after_example and bool(CLOSES_COMMENT.match(piece))
    if after_example:
        piece = CLOSES_COMMENT.sub("", CLOSES_CODE.sub("", piece, count=1), count=1)
    opens_comment = before_example and bool(OPENS_COMMENT.search(piece))
    if before_example:
        piece = OPENS_COMMENT.sub("", OPENS_CODE.sub("", piece, count=1), count=1)
    return piece.strip("\n"), closes_comment, opens_comment


def _code_cell(examples: list[doctest.Example]) -> nbformat.NotebookNode:
    """Return one code cell for ``examples``: their sources, and the last one's expected output as its output."""
    source = "\n".join(example.source.rstrip("\n") for example in examples)
    last = examples[-1]
    if last.exc_msg:
        name, _, value = last.exc_msg.strip("\n").partition(":")
        output = new_output("error", ename=name.strip(), evalue=value.strip(), traceback=last.want.splitlines())
        return new_code_cell(source, outputs=[output], metadata={"tags": ["raises-exception"]})
    if not last.want:
        return new_code_cell(source)
    text = "\n".join("" if line == doctest.BLANKLINE_MARKER else line for line in last.want.split("\n"))
    if _shows_value(last.source):
        output = new_output("execute_result", data={"text/plain": text.rstrip("\n")}, execution_count=None)
    else:
        output = new_output("stream", name="stdout", text=text)
    return new_code_cell(source, outputs=[output])


def _shows_value(source: str) -> bool:
    """Whether an example's output is the value of its expression (as opposed to something it prints)."""
    statements = ast.parse(source).body
    last = statements[-1] if statements else None
    if not isinstance(last, ast.Expr):
        return False
    call = last.value
    return not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "print")


def _intro_cell(markdown: str, page: str, site_url: str | None) -> nbformat.NotebookNode:
    title = markdown.partition("\n")[0].removeprefix("# ") if markdown.startswith("# ") else page
    english_page = page.replace(".zh.md", ".md")  # the edition's address already says which language
    link = absolute_links(f"[{HEADING_ID.sub('', title).strip()}]({english_page})", page, site_url)
    return new_markdown_cell(WORDS[language_of(page)]["made from"].format(link=link))


def _imported_modules(examples: list[doctest.Example]) -> list[str]:
    """Return the top-level modules the examples import that are not in the standard library, in order."""
    modules = []
    for example in examples:
        for node in ast.walk(ast.parse(example.source)):
            if isinstance(node, ast.Import):
                modules += [alias.name.partition(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.append(node.module.partition(".")[0])
    return [module for module in dict.fromkeys(modules) if module not in sys.stdlib_module_names]


def _lines_with_fences(markdown: str) -> list[tuple[str, bool]]:
    """Return each line of ``markdown`` and whether it lies inside a fenced code block (fences included)."""
    result, open_fence = [], None
    for line in markdown.split("\n"):
        fence = FENCE.match(line)
        if fence and open_fence is None:
            open_fence = fence["fence"]
            result.append((line, True))
        elif fence and fence["fence"][0] == open_fence[0] and len(fence["fence"]) >= len(open_fence):
            open_fence = None
            result.append((line, True))
        else:
            result.append((line, open_fence is not None))
    return result


def _dedent(line: str, width: int) -> str:
    """Remove up to ``width`` leading spaces from ``line``."""
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(width, spaces):]
