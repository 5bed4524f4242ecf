"""MkDocs hooks for the book's two editions: which one is being built, where its generated files go, and a note on English-only pages.

mkdocs-static-i18n (the ``i18n`` plugin in ``mkdocs.yml``) builds the site once
per language: English at the site's root, then Chinese under ``zh/``, from
``docs/NAME.zh.md`` where it exists and from ``docs/NAME.md`` where it does not
(the API reference and the Performance appendix). The other hooks ask
:func:`edition_language` which edition they are building, and put the files
they generate (figures, notebooks) into that edition's directory with
:func:`edition_file`. They must add those files *after* the plugin has sorted
the pages by language (its ``on_files`` runs at priority -100), because the
plugin rebuilds every file it sees from the docs directory and would lose a
generated file's content: hence :data:`AFTER_I18N`.

Registered in ``mkdocs.yml`` under ``hooks:``; ``exclude_docs`` keeps this file out of the site.
"""

from __future__ import annotations

import copy
import logging
import re
import shutil
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

AFTER_I18N = -200
"""The ``event_priority`` of a hook's ``on_files`` that adds generated files (the i18n plugin's is -100)."""

DEFAULT_LANGUAGE = "en"

ENGLISH_ONLY_NOTE = (
    '!!! note "本页只有英文版"\n\n'
    "    API 参考与性能附录以英文撰写，中文版直接使用英文原文；各章正文与术语表均有中文版。\n\n"
)
"""What a page without a Chinese twin says first on the Chinese site."""


# The language switcher's links, as the i18n plugin first configures them: each edition's root.
_EDITION_ROOTS: list[dict] = []


@event_priority(AFTER_I18N)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """MkDocs event: remember the switcher's links to each edition's root (the i18n plugin has just set them)."""
    _EDITION_ROOTS[:] = copy.deepcopy(config.extra.get("alternate", []))
    return config


@event_priority(AFTER_I18N)
def on_page_context(context: dict, *, page: Page, config: MkDocsConfig, nav: object) -> dict:
    """MkDocs event: point the switcher and the page's ``<link rel="alternate">`` at the editions' roots again.

    The i18n plugin points them at the page's twin, but instant navigation keeps
    the first page's header, and Material reads ``sitemap.xml`` beside each
    alternate address (a 404 beside a page). ``docs/javascripts/language.js``
    finds the twin of the page being read when the switcher is used.
    """
    if _EDITION_ROOTS:
        roots = copy.deepcopy(_EDITION_ROOTS)
        config.extra["alternate"] = roots
        # The plugin assigns the attribute, which then hides the item from the templates.
        config.extra.alternate = roots
    return context


def on_post_build(config: MkDocsConfig) -> None:
    """MkDocs event: give the Chinese edition's root the sitemap Material looks for beside each alternate root."""
    language = edition_language(config)
    sitemap = Path(config.site_dir) / "sitemap.xml"
    if language != DEFAULT_LANGUAGE and sitemap.is_file():
        shutil.copyfile(sitemap, Path(config.site_dir) / language / "sitemap.xml")


class _SwitcherHandledByScript(logging.Filter):
    """Drops the i18n plugin's warning that its page-by-page switcher links do not survive instant navigation.

    They do not: instant navigation keeps the first page's header. The book's
    ``docs/javascripts/language.js`` computes the twin of the page being read
    instead, and the browser test switches both ways after instant navigation.
    Any other warning of the plugin still fails the strict build.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "language switcher contextual link is not compatible" not in record.getMessage()


# The logger of the module that warns (a filter on a parent logger would not see the record).
logging.getLogger("mkdocs.plugins.mkdocs_static_i18n.reconfigure").addFilter(_SwitcherHandledByScript())


def edition_language(config: MkDocsConfig) -> str:
    """Return the language of the edition being built: the i18n plugin's current language, else English."""
    i18n = config.plugins.get("i18n")
    return DEFAULT_LANGUAGE if i18n is None else i18n.current_language


def edition_file(config: MkDocsConfig, src_uri: str, content: str) -> File:
    """Return a generated file at ``src_uri``, published in the directory of the edition being built.

    A page links it as ``src_uri`` in either edition; the English one lands at
    the site's root, the Chinese one under ``zh/``.
    """
    file = File.generated(config, src_uri, content=content)
    language = edition_language(config)
    if language != DEFAULT_LANGUAGE:
        file.dest_uri = f"{language}/{file.dest_uri}"
    return file


# A line break inside a paragraph between two Chinese characters (or full-width punctuation):
# the browser would show it as a space, which Chinese text never has between characters.
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_BREAK_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])\n[ \t]*(?=[{_CJK}])")


def join_chinese_lines(markdown: str) -> str:
    """Return ``markdown`` with each line break between two Chinese characters removed (with the next line's indent).

    A paragraph wrapped in the source must not show a space wherever it was
    wrapped. A break next to a Latin letter, a digit or a symbol stays (it is
    the space Chinese text puts around such words), and so does every blank
    line, list marker and code line, since none of them starts with a Chinese
    character.
    """
    return _BREAK_BETWEEN_CJK.sub("", markdown)


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """MkDocs event: join a Chinese page's wrapped lines; on the Chinese site, mark an English-only page as such."""
    served_in = getattr(page.file, "locale", DEFAULT_LANGUAGE)
    if edition_language(config) == DEFAULT_LANGUAGE:
        return markdown
    if served_in != DEFAULT_LANGUAGE:
        return join_chinese_lines(markdown)
    title, separator, rest = markdown.partition("\n") if markdown.startswith("# ") else ("", "", markdown)
    return f"{title}{separator}\n{ENGLISH_ONLY_NOTE}{rest.lstrip(chr(10))}"
