"""Griffe extension: turn numpydoc cross-references into links on the API page.

The docstrings follow numpydoc, which writes references the Sphinx way:
``:func:`gradients```, ``:class:`~l2book.Layer```, and a ``See Also`` section of
``name : description`` lines. mkdocstrings renders neither as a link, so this
extension rewrites them, before the docstrings are parsed, into the
cross-reference syntax of mkdocs-autorefs: ``[`gradients`][l2book.gradients]``.

Names resolve the way a reader of the source would resolve them: first in the
docstring's own module (an imported name counts), then in each package around
it up to the top level; a name re-exported by a package links to that public
path. A name that resolves nowhere in the package (``numpy.ndarray``) stays
plain code. A link to an object the API page does not render fails
``mkdocs build --strict``, so a stale reference cannot slip through.

Loaded by ``mkdocstrings`` through the ``extensions`` option in ``mkdocs.yml``.
"""

from __future__ import annotations

import re
from typing import Any

from griffe import Alias, AliasResolutionError, CyclicAliasError, Extension, Module, Object

ROLE = re.compile(r":(?:func|class|meth|mod|attr|data|obj|exc):`(?P<tilde>~?)(?P<target>[\w.]+)`")
SEE_ALSO_HEADER = re.compile(r"^(?P<indent>[ \t]*)See Also\n(?P=indent)-{3,}\n", re.MULTILINE)
SECTION_HEADER = re.compile(r"^[ \t]*-{3,}[ \t]*$")
SEE_ALSO_ENTRY = re.compile(r"^(?P<names>[~\w.:`, ]+?)(?:\s+:\s+(?P<description>.*))?$")


class NumpydocCrossrefs(Extension):
    """Rewrite Sphinx roles and ``See Also`` entries of every docstring in a package into autorefs links."""

    def on_package(self, *, pkg: Module, **kwargs: Any) -> None:
        """Run once the whole package is loaded, so that every name can be resolved."""
        exports = public_paths(pkg)
        for obj in walk(pkg):
            if obj.docstring is not None:
                obj.docstring.value = linked_docstring(obj.docstring.value, obj, pkg, exports)


def walk(obj: Object) -> list[Object]:
    """Return ``obj`` and every object defined inside it (aliases, i.e. imports, excluded)."""
    found = [obj]
    for member in obj.members.values():
        if not isinstance(member, Alias):
            found.extend(walk(member))
    return found


def public_paths(pkg: Module) -> dict[str, str]:
    """Map the definition path of each re-export of a package to its public path.

    ``l2book.network.gradients`` → ``l2book.gradients``, and in a sub-package
    ``l2book.symbolic.registry.FORMULAS`` → ``l2book.symbolic.FORMULAS``: the API
    page renders the public path, so links should point there. A name the top
    level re-exports wins over a sub-package's.
    """
    paths = {}
    packages = [obj for obj in walk(pkg) if isinstance(obj, Module) and obj.is_init_module]
    for package in reversed(packages):  # walk lists pkg first, so the top level is applied last
        for name, member in package.members.items():
            if isinstance(member, Alias) and not name.startswith("_"):
                paths[member.target_path] = f"{package.path}.{name}"
    return paths


def resolve(name: str, obj: Object, pkg: Module, exports: dict[str, str]) -> str | None:
    """Return the public path that ``name`` means in ``obj``'s docstring, or None if outside ``pkg``."""
    if name == pkg.path or name.startswith(pkg.path + "."):
        return _public(name, pkg, exports)
    for candidate in enclosing_modules(obj, pkg):
        if name.split(".")[0] in candidate.members:
            return _public(f"{candidate.path}.{name}", pkg, exports)
    return None


def enclosing_modules(obj: Object, pkg: Module) -> list[Module]:
    """Return the module ``obj`` is in, then each package around it, up to and including ``pkg``."""
    module = obj if isinstance(obj, Module) else obj.module
    found = [module]
    while module is not pkg and isinstance(module.parent, Module):
        module = module.parent
        found.append(module)
    return found


def _public(path: str, pkg: Module, exports: dict[str, str]) -> str | None:
    """Return the public path of the object at ``path``, or None if ``pkg`` holds nothing there."""
    relative = path[len(pkg.path) + 1 :]
    try:
        target = pkg[relative] if relative else pkg
        canonical = target.final_target.path if isinstance(target, Alias) else target.path
    except (KeyError, AliasResolutionError, CyclicAliasError):
        return None  # e.g. matplotlib.figure.Figure, reached through an import of matplotlib
    return exports.get(canonical, canonical if canonical.startswith(pkg.path) else None)


def link(name: str, shown: str, obj: Object, pkg: Module, exports: dict[str, str]) -> str:
    """Return an autorefs link showing ``shown`` as code, or plain code if ``name`` is not in the package."""
    target = resolve(name, obj, pkg, exports)
    return f"[`{shown}`][{target}]" if target else f"`{shown}`"


def linked_docstring(text: str, obj: Object, pkg: Module, exports: dict[str, str]) -> str:
    """Return ``text`` with its ``See Also`` section as a list of links and every role as a link."""
    text = _linked_see_also(text, obj, pkg, exports)

    def replace_role(match: re.Match[str]) -> str:
        target = match["target"]
        shown = target.rsplit(".", 1)[-1] if match["tilde"] else target
        return link(target, shown, obj, pkg, exports)

    return ROLE.sub(replace_role, text)


def _linked_see_also(text: str, obj: Object, pkg: Module, exports: dict[str, str]) -> str:
    """Rewrite the ``name : description`` lines under a ``See Also`` header into Markdown list items."""
    header = SEE_ALSO_HEADER.search(text)
    if header is None:
        return text
    indent = header["indent"]
    lines = text[header.end() :].split("\n")
    items: list[str] = []
    end = len(lines)
    for index, line in enumerate(lines):
        next_line = lines[index + 1] if index + 1 < len(lines) else ""
        if line.strip() and SECTION_HEADER.match(next_line):
            end = index  # the next numpydoc section starts here
            break
        body = line[len(indent) :] if line.startswith(indent) else line.lstrip()
        if not body.strip():
            items.append("")
        elif body[0] in " \t" and items:
            items[-1] += " " + body.strip()  # continuation of the previous description
        else:
            items.append(_see_also_item(body.strip(), obj, pkg, exports))
    rewritten = "\n".join(f"{indent}{item}" if item else "" for item in items)
    rest = "\n".join(lines[end:])
    return text[: header.end()] + rewritten + ("\n" + rest if rest else "")


def _see_also_item(entry: str, obj: Object, pkg: Module, exports: dict[str, str]) -> str:
    """Return one ``See Also`` entry (``a, b : description``) as a Markdown list item of links."""
    match = SEE_ALSO_ENTRY.match(entry)
    if match is None:
        return f"- {entry}"
    names = [name.strip() for name in match["names"].split(",") if name.strip()]
    links = []
    for name in names:
        role = ROLE.fullmatch(name)
        target = role["target"] if role else name.lstrip("~")
        shown = target.rsplit(".", 1)[-1] if (role and role["tilde"]) or name.startswith("~") else target
        links.append(link(target, shown, obj, pkg, exports))
    description = match["description"]
    return f"- {', '.join(links)}" + (f": {description}" if description else "")
