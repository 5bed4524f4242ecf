"""The built book is shared by every process of a test run: built once, by whichever process asks first.

A small suite using the machinery of ``tests/shared_site.py`` and the hooks of
``tests/conftest.py`` runs on two pytest-xdist workers in a subprocess; its
fake build logs each call.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.shared_site import SITE_ENV, shared_site

ROOT = Path(__file__).resolve().parents[1]

CONFTEST = """
import os

import pytest

from tests.conftest import pytest_configure, pytest_unconfigure  # the main process serves the site
from tests.shared_site import shared_site


def log(line):
    with open(os.environ["BUILD_LOG"], "a") as file:
        file.write(line + "\\n")


def fake_build(site_dir, url):
    log("built")
    (site_dir / "index.html").write_text(f"the book, built for {url}")


@pytest.fixture(scope="session")
def served_site():
    site = shared_site(fake_build)
    log(f"used by {os.environ['PYTEST_XDIST_WORKER']}")
    return site
"""

PAGE_TEST = """
import urllib.request


def test_the_page_is_served_from_the_shared_build(served_site):
    site_dir, url = served_site
    with urllib.request.urlopen(url + "index.html") as response:
        assert response.read().decode() == (site_dir / "index.html").read_text() == f"the book, built for {url}"
"""


def test_two_workers_share_one_build_served_at_one_address(tmp_path):
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    for name in "abcd":
        (tmp_path / f"test_{name}.py").write_text(PAGE_TEST)
    build_log = tmp_path / "build.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", SITE_ENV))}
    # Only the plugin this needs: a worker starts faster without the others.
    env.update(PYTHONPATH=str(ROOT), BUILD_LOG=str(build_log), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "xdist.plugin", "-n", "2", "--dist", "loadfile", "-q",
         "-p", "no:cacheprovider"],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0 and "4 passed" in result.stdout, result.stdout + result.stderr
    lines = build_log.read_text().splitlines()
    assert lines.count("built") == 1
    assert {line for line in lines if line.startswith("used by")} == {"used by gw0", "used by gw1"}


@pytest.fixture
def unbuilt_site(tmp_path, monkeypatch):
    """A served-site directory of its own (not this run's), nothing built yet."""
    (tmp_path / "site").mkdir()
    monkeypatch.setenv(SITE_ENV, json.dumps({"directory": str(tmp_path), "url": "http://127.0.0.1:9/"}))
    return tmp_path / "site"


def test_a_failed_build_is_tried_again_and_a_good_one_is_not(unbuilt_site):
    def failing(site_dir, url):
        raise RuntimeError("the build failed")

    with pytest.raises(RuntimeError, match="the build failed"):
        shared_site(failing)
    builds = []
    for _ in range(2):
        site = shared_site(lambda site_dir, url: builds.append((site_dir, url)))
        assert site == (unbuilt_site, "http://127.0.0.1:9/")
    assert builds == [site]


def test_without_the_main_process_serving_it_says_where_the_server_comes_from(monkeypatch):
    monkeypatch.delenv(SITE_ENV)
    with pytest.raises(RuntimeError, match="pytest_configure"):
        shared_site(lambda site_dir, url: None)
