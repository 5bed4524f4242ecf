"""MkDocs hooks that publish each chapter as a Jupyter notebook and put a "Download notebook" button on the page.

The notebook is made from the page's Markdown after the other hooks have
run (``book_hooks.py`` comes first in ``mkdocs.yml``, so the derived formulas
are in it) by :func:`l2book.notebooks.page_notebook`, and published as
``notebooks/NN-name.ipynb``. The first cell installs l2book from the address
:func:`l2book.notebooks.repository_url` finds: ``repo_url`` in ``mkdocs.yml``
if it is set, else the repository GitHub Actions names in every workflow step.
"""

from __future__ import annotations

import os

import nbformat
from edition_hooks import AFTER_I18N, edition_file
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from l2book.experiments.cache import through_disk_cache
from l2book.notebooks import chapter_number, notebook_path, page_notebook, repository_url, with_download_link


@event_priority(AFTER_I18N)
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """MkDocs event: reserve a notebook file for each chapter of this edition; the page's Markdown fills it in."""
    for file in list(files.documentation_pages()):
        if chapter_number(file.src_uri) is not None:
            files.append(edition_file(config, notebook_path(file.src_uri), ""))
    return files


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """MkDocs event: write the chapter's notebook from its Markdown, and link it under the title."""
    source = page.file.src_uri
    if chapter_number(source) is None:
        return markdown
    url = repository_url(config.repo_url, os.environ)
    install = f"l2book @ git+{url}" if url else None
    # Making a notebook validates each cell against nbformat's schema, about a tenth of a build: the
    # same Markdown and code make the same notebook, so it comes from the disk cache when they match.
    notebook = through_disk_cache(
        lambda: page_notebook(markdown, page=source, site_url=config.site_url, install=install),
        key=("notebook", source, markdown, config.site_url, install),
        depends_on=("l2book.notebooks",),
        libraries=("nbformat",),
    )
    files.get_file_from_path(notebook_path(source)).content_string = nbformat.writes(notebook)
    return with_download_link(markdown, source)
