"""MkDocs hook that keeps the theme's compiled Jinja templates on disk between builds.

Each build compiles Material's templates again, once per edition: about a tenth
of a warm build. Jinja's own ``FileSystemBytecodeCache`` keeps the compiled
code, keyed by the template and checked against its source, in the book's disk
cache (``l2book.experiments.cache``: ``$L2BOOK_CACHE_DIR``, by default
``~/.cache/l2book``; ``off`` compiles every time).

Registered in ``mkdocs.yml`` under ``hooks:``; ``exclude_docs`` keeps this file out of the site.
"""

from __future__ import annotations

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from l2book.experiments.cache import cache_location


def on_env(env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    """MkDocs event: give the theme's template environment a bytecode cache in the book's disk cache."""
    location = cache_location()
    if location is not None:
        folder = location / "jinja"
        folder.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
    return env
