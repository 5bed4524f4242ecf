"""Build the book only when something it is built from changed, and serve it with live reload.

``make book`` runs ``python tools/book.py serve`` and ``make site`` runs
``python tools/book.py build``. ``mkdocs serve`` rebuilds both editions before it
serves anything, about 17 s on one core even when nothing changed. This script
builds into ``site/`` only when the fingerprint of the build's inputs differs from
the one recorded after the last successful build (in ``build/site-fingerprint``),
so a second ``make book`` serves at once. It then serves ``site/`` with MkDocs'
own live-reload server, and watches the pages, ``mkdocs.yml`` and the library
(whose code makes the book's formulas, figures and API page): an edit rebuilds,
and the open pages reload.

Each build is a fresh ``mkdocs build --strict`` process, so it imports the
library as it is now (an ``mkdocs serve`` process keeps the ``l2book`` it first
imported), and it writes no bytecode into the watched folders, which would set
off another rebuild.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
FINGERPRINT = ROOT / "build" / "site-fingerprint"
# Everything a build reads from the repository: the pages with their hooks, theme overrides and
# assets; the library they import; the configuration; the declared dependencies.
SOURCES = ("docs", "l2book", "mkdocs.yml", "pyproject.toml")
# Watched while serving: an edit to any of these rebuilds (pyproject.toml changes only with an install).
WATCHED = ("docs", "l2book", "mkdocs.yml")
# The environment variables the build reads: mkdocs.yml's `!ENV [SITE_URL, …]`, and the two
# GitHub Actions variables that l2book.notebooks.repository_url reads for the notebooks' install cell.
BUILD_ENVIRONMENT = ("SITE_URL", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY")
DEFAULT_ADDRESS = "127.0.0.1:8000"  # mkdocs.yml's default site_url

Build = Callable[[Path, Mapping[str, str]], None]

log = logging.getLogger("l2book.book")


def source_files(root: Path) -> Iterator[Path]:
    """Every file under ``root``'s :data:`SOURCES`, in a fixed order, without Python's bytecode caches."""
    for name in SOURCES:
        top = root / name
        if top.is_file():
            yield top
            continue
        for path in sorted(top.rglob("*")):
            if path.is_file() and "__pycache__" not in path.relative_to(root).parts:
                yield path


def installed_versions() -> list[str]:
    """``name==version`` of every distribution this Python sees, sorted: the build's libraries among them."""
    return sorted(f"{dist.metadata['Name']}=={dist.version}" for dist in importlib.metadata.distributions())


def fingerprint(root: Path, environ: Mapping[str, str], versions: list[str]) -> str:
    """A SHA-256 of everything the build of the book at ``root`` depends on.

    That is each source file's path and bytes, the :data:`BUILD_ENVIRONMENT`
    variables of ``environ``, the Python version and the installed ``versions``.
    """
    digest = hashlib.sha256()
    for path in source_files(root):
        digest.update(f"\0file {path.relative_to(root).as_posix()} {path.stat().st_size}\0".encode())  # framed by name and size
        digest.update(path.read_bytes())
    for name in BUILD_ENVIRONMENT:
        digest.update(f"\0env {name}={environ.get(name)!r}".encode())
    digest.update(f"\0python {sys.version}".encode())
    digest.update(("\0versions " + "\n".join(versions)).encode())
    return digest.hexdigest()


def build_if_changed(root: Path, site: Path, record: Path, environ: Mapping[str, str], build: Build) -> bool:
    """Build the book into ``site`` unless ``record`` holds the fingerprint of the inputs now; return whether it built.

    The record is deleted before a build and written only after one succeeds,
    so a failed or interrupted build is never mistaken for a finished one.
    """
    current = fingerprint(root, environ, installed_versions())
    if (site / "index.html").is_file() and record.is_file() and record.read_text(encoding="utf-8") == current:
        log.info("The book in %s is up to date: nothing it is built from changed since it was built", site)
        return False
    record.unlink(missing_ok=True)
    build(site, environ)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(current, encoding="utf-8")
    return True


def mkdocs_build(site: Path, environ: Mapping[str, str]) -> None:
    """Build both editions into ``site`` with ``mkdocs build --strict``, in a process of their own."""
    log.info("Building the book into %s …", site)
    env = {**environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def build_environment(address: str, environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` with ``SITE_URL`` set to the address the book is served at, unless it names one already.

    The sitemap, the canonical links and instant navigation need the address.
    """
    return {"SITE_URL": f"http://{address}/", **environ}


def book_server(site: Path, address: str, rebuild: Callable[[], object], watched: list[Path], mount_path: str = "/"):
    """MkDocs' live-reload server for ``site`` at ``address``: a change under ``watched`` calls ``rebuild``, then reloads."""
    from mkdocs.livereload import LiveReloadServer  # the server `mkdocs serve` runs

    host, port = parse_address(address)
    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(site), mount_path=mount_path)
    server.error_handler = lambda code: _error_page(site, code)
    for path in watched:
        server.watch(str(path))
    return server


def serve(server) -> None:
    """Run ``server`` until interrupted (Ctrl-C)."""
    try:
        server.serve()
    except KeyboardInterrupt:
        log.info("Shutting down …")
    finally:
        server.shutdown()


def parse_address(address: str) -> tuple[str, int]:
    """``host:port`` → (host, port); raise ``ValueError`` naming ``address`` otherwise."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"--address must be HOST:PORT, e.g. {DEFAULT_ADDRESS}, got {address!r}")
    return host, int(port)


def _error_page(site: Path, code: int) -> bytes | None:
    """The site's own 404 page, as ``mkdocs serve`` shows it."""
    page = site / f"{code}.html"
    return page.read_bytes() if page.is_file() else None


def main(argv: list[str] | None = None) -> int:
    """``build``: build the book into ``site/`` if its inputs changed; ``serve``: that, then serve it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("command", choices=("build", "serve"))
    parser.add_argument("--address", default=DEFAULT_ADDRESS, help=f"HOST:PORT to serve at (default {DEFAULT_ADDRESS})")
    arguments = parser.parse_args(argv)
    try:
        parse_address(arguments.address)
    except ValueError as error:
        parser.error(str(error))
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    environ = build_environment(arguments.address, os.environ)
    try:
        build_if_changed(ROOT, SITE, FINGERPRINT, environ, mkdocs_build)
    except subprocess.CalledProcessError as error:
        log.error("The build failed (exit status %d); see MkDocs' messages above", error.returncode)
        return 1
    if arguments.command == "serve":
        watched = [ROOT / name for name in WATCHED]
        serve(book_server(SITE, arguments.address, lambda: _rebuild(environ), watched, urlsplit(environ["SITE_URL"]).path))
    return 0


def _rebuild(environ: Mapping[str, str]) -> None:
    """Rebuild after an edit; a failed build is reported, and the server keeps serving."""
    try:
        build_if_changed(ROOT, SITE, FINGERPRINT, environ, mkdocs_build)
    except subprocess.CalledProcessError as error:
        # The pages served are what the failed build left; the next save that builds replaces them.
        log.error("The build failed (exit status %d); fix the error and save again", error.returncode)


if __name__ == "__main__":
    sys.exit(main())
