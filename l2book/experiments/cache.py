"""The disk cache of what the book computes again and again: ``joblib.Memory`` keyed by the code each result comes from.

Every site build, notebook and test run asks for the same trained networks,
SymPy derivations and measured curves. Each is deterministic, so the result
of one run can serve the next, as long as nothing it depends on has changed.
The cache key of :func:`through_disk_cache` holds:

* a ``key`` naming the result (the experiment's setup and ``λ``, a formula's name …);
* the source of the modules named in ``depends_on`` and of every module of the
  same package they import, directly or not (:func:`source_closure`), so that
  an edit to the gradient, the update or a derivation recomputes;
* the versions of Python and of the ``libraries`` whose arithmetic or output
  the result depends on (NumPy for a trained network, SymPy for a derivation).

The cache lives in ``$L2BOOK_CACHE_DIR``, by default ``~/.cache/l2book``; set
the variable to ``off`` (or the empty string) to compute every time.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib
import importlib.util
import os
import platform
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any, TypeVar

Result = TypeVar("Result")

CACHE_ENV = "L2BOOK_CACHE_DIR"
"""Environment variable naming the cache directory; ``off`` or empty disables the cache."""


def cache_location() -> Path | None:
    """Return the cache directory named by ``$L2BOOK_CACHE_DIR`` (default ``~/.cache/l2book``), or None when off."""
    value = os.environ.get(CACHE_ENV)
    if value is None:
        return Path.home() / ".cache" / "l2book"
    if value.strip().lower() in {"", "off"}:
        return None
    return Path(value)


def source_closure(modules: Sequence[str]) -> list[str]:
    """Return ``modules`` and every module of their top-level package that they import, directly or not, sorted.

    The imports are read from the source (``import``/``from … import``
    statements anywhere in a module, functions included), not traced at run
    time, so a module reached only through ``importlib`` or a lazy package
    attribute must be named itself.

    Examples
    --------
    >>> closure = source_closure(["l2book.experiments.training"])
    >>> "l2book.network" in closure and "l2book.experiments.data" in closure
    True
    >>> "l2book.symbolic.network" in closure
    False
    """
    found, todo = set(), list(modules)
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(_imported_modules(name))
    return sorted(found)


def _imported_modules(name: str) -> set[str]:
    """The modules of ``name``'s top-level package that its source imports."""
    package = name.partition(".")[0]
    spec = importlib.util.find_spec(name)
    tree = ast.parse(Path(spec.origin).read_bytes())
    here = name if spec.submodule_search_locations is not None else name.rpartition(".")[0]
    named = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module
            if node.level:  # a relative import
                base = importlib.util.resolve_name("." * node.level + (node.module or ""), here)
            named.add(base)
            named.update(_submodules(base, [alias.name for alias in node.names]))
    return {module for module in named if module == package or module.startswith(package + ".")}


def _submodules(base: str, names: list[str]) -> list[str]:
    """Which of ``from base import *names`` are modules: only a package has submodules to import that way."""
    spec = importlib.util.find_spec(base)
    if spec is None or spec.submodule_search_locations is None:
        return []
    return [f"{base}.{name}" for name in names if importlib.util.find_spec(f"{base}.{name}") is not None]


def fingerprint(depends_on: Sequence[str], libraries: Sequence[str] = ("numpy",)) -> str:
    """Return a SHA-256 of the source of :func:`source_closure` ``(depends_on)`` and of the Python and library versions.

    The source of this module is left out: it decides where results are kept, not what they are.

    Parameters
    ----------
    depends_on : sequence of str
        Names of the modules whose code the result depends on; the modules
        they import from their own package are included.
    libraries : sequence of str, default ("numpy",)
        Importable names of the libraries whose version the result depends on
        (each must have a ``__version__``).

    Examples
    --------
    >>> len(fingerprint(["l2book.network"]))
    64
    >>> fingerprint(["l2book.network"]) == fingerprint(["l2book.optim"])
    False
    >>> fingerprint(["l2book.network"]) == fingerprint(["l2book.network"], libraries=("numpy", "sympy"))
    False
    """
    digest = hashlib.sha256(f"python {platform.python_version()}".encode())
    for library in libraries:
        digest.update(f"\0{library} {importlib.import_module(library).__version__}".encode())
    # This module decides where results are kept, not what they are: editing it keeps them.
    for name in [name for name in source_closure(depends_on) if name != __name__]:
        source = Path(importlib.util.find_spec(name).origin).read_bytes()
        digest.update(f"\0{name}\0{len(source)}\0".encode())
        digest.update(source)
    return digest.hexdigest()


@functools.cache
def _current_fingerprint(depends_on: tuple[str, ...], libraries: tuple[str, ...]) -> str:
    # The code cannot change under a running process, so one hash per process is enough.
    return fingerprint(depends_on, libraries)


@functools.cache
def _stored_computation(location: Path) -> Any:
    """:func:`_computed` through a ``joblib.Memory`` in ``location``, which ignores ``compute`` in the key."""
    import joblib  # lazily: only what computes something pays for the import

    return joblib.Memory(location, verbose=0).cache(_computed, ignore=["compute"])


def _computed(key: Hashable, fingerprint: str, compute: Callable[[], Result]) -> Result:
    """Return ``compute()``; joblib keys the stored result by ``key`` and ``fingerprint`` alone."""
    return compute()


def through_disk_cache(
    compute: Callable[[], Result],
    *,
    key: Hashable,
    depends_on: Sequence[str],
    libraries: Sequence[str] = ("numpy",),
    on_compute: Callable[[], None] | None = None,
) -> Result:
    """Return ``compute()``, from the disk cache when an equal ``key`` was computed from the same code before.

    Parameters
    ----------
    compute : callable of no arguments
        Computes the result; any callable (a lambda will do), since only
        ``key`` identifies the result. It must be deterministic given
        ``key`` and the code of ``depends_on``, and its result picklable.
    key : hashable
        What the result is, e.g. ``("trained network", setup, lam)``; made of
        values joblib can hash (numbers, strings, tuples, dataclasses …).
    depends_on : sequence of str
        The modules whose code the result depends on (see :func:`fingerprint`).
    libraries : sequence of str, default ("numpy",)
        The libraries whose version the result depends on.
    on_compute : callable, optional
        Called just before ``compute`` actually runs (not when the result
        comes from the cache).

    Examples
    --------
    >>> def square_of_twelve():
    ...     return 12**2
    >>> [through_disk_cache(square_of_twelve, key=("example", 12), depends_on=[__name__]) for _ in range(2)]
    [144, 144]
    """
    location = cache_location()
    if location is None:
        if on_compute is not None:
            on_compute()
        return compute()
    code = _current_fingerprint(tuple(depends_on), tuple(libraries))
    cached = _stored_computation(location)
    if on_compute is not None and not cached.check_call_in_cache(key, code, compute):
        on_compute()
    return cached(key, code, compute)
