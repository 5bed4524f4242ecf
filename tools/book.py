"""Build the book only when something it is built from changed, and serve it with live reload.

``make book`` runs ``python tools/book.py serve`` and ``make site`` runs
``python tools/book.py build``. ``mkdocs serve`` rebuilds both editions before it
serves anything, about 17 s on one core even when nothing changed. This script
builds only when the fingerprint of the build's inputs differs from the one
recorded after the last successful build (in ``build/site-fingerprint``, with the
identity of the ``site/index.html`` that build wrote, so a site another command
wrote since is built again), so a second ``make book`` serves at once. It then
serves ``site/`` with MkDocs' own live-reload server, and watches the pages,
``mkdocs.yml`` and the library (whose code makes the book's formulas, figures
and API page): an edit rebuilds, and the open pages reload.

Each build is a fresh ``mkdocs build --strict`` process, so it imports the
library as it is now (an ``mkdocs serve`` process keeps the ``l2book`` it first
imported). It builds into ``build/site-next`` and replaces ``site/`` only when it
succeeds: a failed build leaves the last good site served.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

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
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # deleted since it was listed: an editor's temporary file
            continue
        digest.update(f"\0file {path.relative_to(root).as_posix()} {len(data)}\0".encode())  # framed by name and size
        digest.update(data)
    for name in BUILD_ENVIRONMENT:
        digest.update(f"\0env {name}={environ.get(name)!r}".encode())
    digest.update(f"\0python {sys.version}".encode())
    digest.update(("\0versions " + "\n".join(versions)).encode())
    return digest.hexdigest()


def build_record(site: Path, inputs: str) -> str | None:
    """What the record holds for a site built from ``inputs``: that fingerprint and the front page's identity.

    The identity (inode, modification time, size) changes when any other command
    writes the site (``mkdocs build`` on another branch, or for another address).
    None when the site has no front page.
    """
    try:
        front = (site / "index.html").stat()
    except FileNotFoundError:
        return None
    return f"{inputs}\n{front.st_ino} {front.st_mtime_ns} {front.st_size}\n"


def build_if_changed(root: Path, site: Path, record: Path, environ: Mapping[str, str], build: Build) -> bool:
    """Build the book into ``site`` unless ``record`` says it was built from the inputs as they are now.

    The build goes to ``site-next`` beside ``record`` and replaces ``site`` when it
    returns, so a build that fails leaves the site and the record as they were.
    Returns whether it built.
    """
    inputs = fingerprint(root, environ, installed_versions())
    recorded = record.read_text(encoding="utf-8") if record.is_file() else None
    if recorded is not None and recorded == build_record(site, inputs):
        return False
    staging = record.parent / "site-next"
    staging.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(staging, ignore_errors=True)  # what an interrupted build left
    build(staging, environ)
    replace_directory(site, staging, record.parent / "site-previous")
    record.write_text(build_record(site, inputs), encoding="utf-8")
    return True


def replace_directory(target: Path, new: Path, previous: Path) -> None:
    """Put ``new`` where ``target`` is, by two renames (``target`` is missing only between them), and delete the old one."""
    shutil.rmtree(previous, ignore_errors=True)
    if target.exists():
        target.rename(previous)
    new.rename(target)
    shutil.rmtree(previous, ignore_errors=True)


def build_until_current(root: Path, site: Path, record: Path, environ: Mapping[str, str], build: Build) -> None:
    """Build until the site is built from the inputs as they are: an edit saved during a build builds again."""
    if not build_if_changed(root, site, record, environ, build):
        log.info("The book in %s is up to date: nothing it is built from changed since it was built", site)
        return
    while build_if_changed(root, site, record, environ, build):
        pass


def mkdocs_build(site: Path, environ: Mapping[str, str]) -> None:
    """Build both editions into ``site`` with ``mkdocs build --strict``, in a process of their own."""
    log.info("Building the book …")
    # No bytecode in the watched folders: a new .pyc there would reload the open pages for nothing.
    env = {**environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def build_environment(environ: Mapping[str, str], served_at: str | None) -> dict[str, str]:
    """``environ`` with the ``SITE_URL`` the build needs for its sitemap, canonical links and instant navigation.

    Served (``served_at`` is ``HOST:PORT``), the site's address is that one, as
    ``mkdocs serve`` does; built only, ``$SITE_URL`` if set (the Pages
    workflow's), else the address ``make book`` serves at.
    """
    if served_at is not None:
        return {**environ, "SITE_URL": f"http://{served_at}/"}
    return {"SITE_URL": f"http://{DEFAULT_ADDRESS}/", **environ}


def book_server(site: Path, address: str, rebuild: Callable[[], object], watched: list[Path]):
    """MkDocs' live-reload server for ``site`` at ``address``: a change under ``watched`` calls ``rebuild``, then reloads."""
    from mkdocs.livereload import LiveReloadServer  # the server `mkdocs serve` runs

    host, port = parse_address(address)
    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(site))
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
    serving = arguments.command == "serve"
    environ = build_environment(os.environ, arguments.address if serving else None)
    try:
        build_until_current(ROOT, SITE, FINGERPRINT, environ, mkdocs_build)
    except subprocess.CalledProcessError as error:
        log.error("The build failed (exit status %d); see MkDocs' messages above", error.returncode)
        return 1
    if serving:
        serve(book_server(SITE, arguments.address, lambda: rebuild(environ), [ROOT / name for name in WATCHED]))
    return 0


def rebuild(environ: Mapping[str, str]) -> None:
    """Rebuild after an edit. A failed build is reported and the last good site stays served."""
    try:
        build_until_current(ROOT, SITE, FINGERPRINT, environ, mkdocs_build)
    except subprocess.CalledProcessError as error:
        log.error("The build failed (exit status %d); fix the error and save again", error.returncode)
    except OSError as error:  # e.g. site/ held open elsewhere: the server must not stall on it
        log.error("The build could not replace %s: %s", SITE, error)


if __name__ == "__main__":
    sys.exit(main())
