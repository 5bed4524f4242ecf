"""Shared test set-up: strict floating point, a reproducible Hypothesis profile, fixtures.

Helpers that tests import live in :mod:`tests.helpers`, a plain module.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from tests.helpers import random_problem
from tests.shared_site import shared_site, start_serving, stop_serving

# An overflow or invalid operation inside the library must fail a test, not pass as inf/NaN.
# Underflow to 0 is how a stable sigmoid of a very negative logit is meant to end.
np.seterr(all="raise", under="ignore")

# "ci" is derandomized: the same examples every run, so CI is reproducible.
settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def problem():
    """A 3-layer tanh network, 7 examples, binary labels."""
    return random_problem([3, 5, 4, 2], 7, seed=1)


@pytest.fixture
def fresh_process(monkeypatch, tmp_path):
    """An empty in-process memo and an empty cache directory, as a new process on a new machine would see.

    Any test that counts trainings needs it: the disk cache outlives test runs.
    """
    from l2book.experiments import cache, training

    monkeypatch.setattr(training, "_MEMO", {})
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


# --- The built book, shared by the site, notebook and browser tests (one build per run) ---


def pytest_configure(config):
    # The main process serves the book for the whole run; xdist's workers, started later, find it
    # through the environment (tests/shared_site.py says why one address for every process).
    if not hasattr(config, "workerinput"):
        start_serving()


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):
        stop_serving()


def build_book(site_dir: Path, base_url: str) -> None:
    """Build the book with ``mkdocs build --strict`` into ``site_dir``, for the address ``base_url``.

    The address is needed at build time: Material's instant navigation only follows
    links listed in the sitemap, which is written with ``site_url``.
    """
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "SITE_URL": base_url, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stderr}")


@pytest.fixture(scope="session")
def served_site() -> tuple[Path, str]:
    """The book, built with ``mkdocs build --strict`` once per test run and served on 127.0.0.1: (dir, base URL)."""
    return shared_site(build_book)
