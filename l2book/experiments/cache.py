"""The disk cache of trained networks: ``joblib.Memory`` keyed by the setup, λ and a fingerprint of the training code.

Every site build and every test run asks for the same few dozen trained
networks. Training is deterministic, so the result of one run can serve the
next, as long as nothing it depends on has changed. The cache key holds:

* the :class:`~l2book.experiments.Setup` and ``λ`` (the arguments);
* the source of every module on the training path (:data:`TRAINING_MODULES`),
  so that an edit to the gradient, the update or the data set retrains;
* the versions of Python and NumPy, whose arithmetic the result's last bits
  depend on.

The cache lives in ``$L2BOOK_CACHE_DIR``, by default ``~/.cache/l2book``; set
the variable to ``off`` (or the empty string) to train every time.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
import platform
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

Result = TypeVar("Result")

CACHE_ENV = "L2BOOK_CACHE_DIR"
"""Environment variable naming the cache directory; ``off`` or empty disables the cache."""

TRAINING_MODULES = (
    "l2book._checks",
    "l2book.layer",
    "l2book.penalty",
    "l2book.network",
    "l2book.optim",
    "l2book.experiments.data",
    "l2book.experiments.setup",
    "l2book.experiments.training",
)
"""Every module whose code a trained network depends on (a test checks that none is missing)."""


def cache_location() -> Path | None:
    """Return the cache directory named by ``$L2BOOK_CACHE_DIR`` (default ``~/.cache/l2book``), or None when off."""
    value = os.environ.get(CACHE_ENV)
    if value is None:
        return Path.home() / ".cache" / "l2book"
    if value.strip().lower() in {"", "off"}:
        return None
    return Path(value)


def training_fingerprint(modules: Sequence[str] = TRAINING_MODULES) -> str:
    """Return a SHA-256 of the source of ``modules`` and of the Python and NumPy versions.

    Examples
    --------
    >>> len(training_fingerprint())
    64
    >>> training_fingerprint(["l2book.network"]) == training_fingerprint(["l2book.optim"])
    False
    """
    digest = hashlib.sha256(f"python {platform.python_version()}; numpy {np.__version__}".encode())
    for name in modules:
        source = Path(importlib.import_module(name).__file__).read_bytes()
        digest.update(f"\0{name}\0{len(source)}\0".encode())
        digest.update(source)
    return digest.hexdigest()


@functools.cache
def _current_fingerprint() -> str:
    # The code cannot change under a running process, so one hash per process is enough.
    return training_fingerprint()


@functools.cache
def _memory(location: Path) -> Any:
    import joblib  # lazily: only experiments that train pay for the import

    return joblib.Memory(location, verbose=0)


def through_disk_cache(
    train: Callable[..., Result], *args: Any, on_training: Callable[[], None] | None = None
) -> Result:
    """Return ``train(*args, fingerprint)``, from the disk cache when an equal call was made before.

    ``train`` must be a module-level function whose result depends only on its
    arguments and on the code of :data:`TRAINING_MODULES`; its last parameter,
    ``fingerprint``, is there only to be part of the key. ``on_training`` is
    called just before ``train`` actually runs (not when the result comes from
    the cache).
    """
    location = cache_location()
    fingerprint = _current_fingerprint()
    if location is None:
        if on_training is not None:
            on_training()
        return train(*args, fingerprint)
    cached = _memory(location).cache(train)
    if on_training is not None and not cached.check_call_in_cache(*args, fingerprint):
        on_training()
    return cached(*args, fingerprint)
