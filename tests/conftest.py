"""Shared test set-up: strict floating point, a reproducible Hypothesis profile, fixtures.

Helpers that tests import live in :mod:`tests.helpers`, a plain module.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from tests.helpers import QuietHandler, random_problem

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

# --- The built book, shared by the site and browser tests (one build per session) ---


@pytest.fixture(scope="session")
def served_site(tmp_path_factory) -> Iterator[tuple[Path, str]]:
    """Build the book with ``mkdocs build --strict`` and serve it on 127.0.0.1; yield (site dir, base URL).

    The server is bound before the build because the build needs its address:
    Material's instant navigation only follows links listed in the sitemap,
    which is written with ``site_url``.
    """
    site_dir = tmp_path_factory.mktemp("site")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site_dir)))
    base_url = f"http://127.0.0.1:{server.server_port}/"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "SITE_URL": base_url, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        server.server_close()
        pytest.fail(f"mkdocs build --strict failed:\n{result.stderr}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site_dir, base_url
    server.shutdown()
    server.server_close()
    thread.join()
