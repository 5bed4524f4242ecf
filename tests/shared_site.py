"""The built book, shared by every process of a test run: built once, by whichever asks first, served by the main one.

A build takes tens of seconds and the tests of several files need it; under
pytest-xdist those files run in different worker processes. So the main
pytest process serves a directory on 127.0.0.1 for the whole run
(:func:`start_serving`, from ``pytest_configure`` in ``conftest.py``) and names
it, with its address, in ``$L2BOOK_TEST_SITE``; the first process that needs
the site builds it there while holding a file lock, and every later one finds
it built (:func:`shared_site`). One address for the whole run matters:
Material's instant navigation follows only links listed in the sitemap, which
the build writes with that address (port included).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

from tests.helpers import QuietHandler

SITE_ENV = "L2BOOK_TEST_SITE"
"""Environment variable: JSON ``{"directory": …, "url": …}`` of the site served for this test run."""

_serving: list[tuple[http.server.ThreadingHTTPServer, threading.Thread, Path]] = []


def start_serving() -> None:
    """Serve a new, empty directory on 127.0.0.1 from this process, and name both in ``$L2BOOK_TEST_SITE``.

    Processes started from now on (pytest-xdist's workers) inherit the variable.
    """
    directory = Path(tempfile.mkdtemp(prefix="l2book-site-"))
    (directory / "site").mkdir()
    handler = functools.partial(QuietHandler, directory=str(directory / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _serving.append((server, thread, directory))
    url = f"http://127.0.0.1:{server.server_port}/"
    os.environ[SITE_ENV] = json.dumps({"directory": str(directory), "url": url})


def stop_serving() -> None:
    """Stop what :func:`start_serving` started and delete the directory."""
    while _serving:
        server, thread, directory = _serving.pop()
        server.shutdown()
        server.server_close()
        thread.join()
        shutil.rmtree(directory, ignore_errors=True)
    os.environ.pop(SITE_ENV, None)


def shared_site(build: Callable[[Path, str], None]) -> tuple[Path, str]:
    """Return (site directory, base URL) of the served site, calling ``build(directory, url)`` first if no process has.

    A build that raises leaves the site unbuilt: the next process to ask tries again.
    """
    try:
        served = json.loads(os.environ[SITE_ENV])
    except KeyError:
        raise RuntimeError(
            f"${SITE_ENV} is not set: the main pytest process serves the site (tests/conftest.py, pytest_configure)"
        ) from None
    directory, url = Path(served["directory"]), served["url"]
    with FileLock(directory / "build.lock"):
        if not (directory / "built").exists():
            build(directory / "site", url)
            (directory / "built").touch()
    return directory / "site", url
