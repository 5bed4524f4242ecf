"""`make book` and `make site` (tools/book.py) build only when an input changed, and serve with live reload."""

import ast
import importlib.util
import re
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import pytest

from l2book.notebooks import repository_url

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("book_tool", ROOT / "tools" / "book.py")
book = sys.modules["book_tool"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(book)

VERSIONS = ["mkdocs==1.6.1", "numpy==2.3.0"]
ENVIRON = {"SITE_URL": "http://127.0.0.1:8000/", "HOME": "/root"}


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A repository with one file in each place a build reads from."""
    for name, text in {
        "docs/index.md": "# Home\n",
        "docs/hooks/book_hooks.py": "X = 1\n",
        "l2book/penalty.py": "def l2_penalty(): ...\n",
        "mkdocs.yml": "site_name: l2book\n",
        "pyproject.toml": "[project]\nname = 'l2book'\n",
        "README.md": "not read by the build\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _edit(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")


CHANGES = {
    "a page edited": lambda root: _edit(root / "docs/index.md"),
    "a page added": lambda root: (root / "docs/glossary.md").write_text("# Glossary\n", encoding="utf-8"),
    "a page removed": lambda root: (root / "docs/index.md").unlink(),
    "a page renamed": lambda root: (root / "docs/index.md").rename(root / "docs/home.md"),
    "a hook edited": lambda root: _edit(root / "docs/hooks/book_hooks.py"),
    "the library edited": lambda root: _edit(root / "l2book/penalty.py"),
    "mkdocs.yml edited": lambda root: _edit(root / "mkdocs.yml"),
    "pyproject.toml edited": lambda root: _edit(root / "pyproject.toml"),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_fingerprint_changes_with_every_source(sources, change):
    before = book.fingerprint(sources, ENVIRON, VERSIONS)
    change(sources)
    assert book.fingerprint(sources, ENVIRON, VERSIONS) != before


def test_fingerprint_changes_with_the_installed_versions_and_each_variable_the_build_reads(sources):
    before = book.fingerprint(sources, ENVIRON, VERSIONS)
    assert book.fingerprint(sources, ENVIRON, ["mkdocs==1.6.1", "numpy==2.3.1"]) != before
    for name in book.BUILD_ENVIRONMENT:
        assert book.fingerprint(sources, {**ENVIRON, name: "https://example.org/l2book/"}, VERSIONS) != before, name


def test_fingerprint_ignores_bytecode_other_files_and_other_variables(sources):
    before = book.fingerprint(sources, ENVIRON, VERSIONS)
    for folder in ("l2book", "docs/hooks"):
        (sources / folder / "__pycache__").mkdir()
        (sources / folder / "__pycache__" / "module.cpython-311.pyc").write_bytes(b"\x00bytecode")
    _edit(sources / "README.md")
    assert book.fingerprint(sources, {**ENVIRON, "HOME": "/home/reader"}, VERSIONS) == before


class FakeBuild:
    """Stands in for `mkdocs build`: writes the site's front page, or fails when told to."""

    def __init__(self) -> None:
        self.calls = 0
        self.fail = False

    def __call__(self, site: Path, environ: Mapping[str, str]) -> None:
        self.calls += 1
        if self.fail:
            raise RuntimeError("the build failed")
        site.mkdir(parents=True, exist_ok=True)
        (site / "index.html").write_text(f"build {self.calls} at {environ['SITE_URL']}", encoding="utf-8")


@pytest.fixture
def build_once(sources, monkeypatch):
    """(fake build, a function running build_if_changed with it) on the ``sources`` repository."""
    monkeypatch.setattr(book, "installed_versions", lambda: VERSIONS)
    fake = FakeBuild()
    record = sources / "build" / "site-fingerprint"
    return fake, lambda: book.build_if_changed(sources, sources / "site", record, ENVIRON, fake)


def test_the_book_is_built_again_only_after_a_source_changed(sources, build_once):
    fake, build_if_changed = build_once
    assert build_if_changed() is True
    assert build_if_changed() is False
    assert fake.calls == 1
    _edit(sources / "docs/index.md")
    assert build_if_changed() is True
    assert (fake.calls, build_if_changed()) == (2, False)


def test_a_failed_build_is_not_recorded_and_the_next_call_builds_again(sources, build_once):
    fake, build_if_changed = build_once
    build_if_changed()
    _edit(sources / "docs/index.md")
    fake.fail = True
    with pytest.raises(RuntimeError, match="the build failed"):
        build_if_changed()
    assert not (sources / "build" / "site-fingerprint").exists()
    fake.fail = False
    assert build_if_changed() is True
    assert fake.calls == 3


def test_a_deleted_site_is_built_again(sources, build_once):
    fake, build_if_changed = build_once
    build_if_changed()
    (sources / "site" / "index.html").unlink()
    assert build_if_changed() is True
    assert fake.calls == 2


def test_the_build_is_told_the_address_it_is_served_at_unless_site_url_names_one():
    assert book.build_environment("127.0.0.1:8001", {"HOME": "/root"}) == {
        "SITE_URL": "http://127.0.0.1:8001/", "HOME": "/root"}
    published = {"SITE_URL": "https://example.org/l2book/"}
    assert book.build_environment("127.0.0.1:8001", published) == published


class RecordingEnviron(dict):
    """An empty environment that records every variable looked up in it."""

    def __init__(self) -> None:
        super().__init__()
        self.read: set[str] = set()

    def get(self, name, default=None):
        self.read.add(name)
        return super().get(name, default)

    def __getitem__(self, name):
        self.read.add(name)
        return super().__getitem__(name)


def _variables_named_in_code(path: Path) -> set[str]:
    """The string constants passed to ``os.environ.get``, ``os.getenv`` or ``os.environ[…]`` in a Python file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {"get", "getenv"}:
            argument = node.args[0] if node.args else None
        elif isinstance(node, ast.Subscript):
            argument = node.slice
        else:
            continue
        source = ast.unparse(node)
        if "environ" in source or "getenv" in source:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                names.add(argument.value)
            elif isinstance(argument, ast.Name):
                names.add(argument.id)  # a module constant: resolved below
    return names


def test_every_variable_the_build_reads_is_in_the_fingerprint():
    """mkdocs.yml's ``!ENV`` names, and the variables the hooks and the library read, are BUILD_ENVIRONMENT."""
    read = set(re.findall(r"!ENV \[?(\w+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8")))
    environ = RecordingEnviron()
    repository_url(None, environ)  # the notebooks' install cell
    read |= environ.read
    for path in [*(ROOT / "docs" / "hooks").glob("*.py"), *(ROOT / "l2book").rglob("*.py")]:
        read |= _variables_named_in_code(path)
    from l2book.experiments.cache import CACHE_ENV

    # Where the disk cache lives, not what it holds: a build reads the same results from any folder.
    read = {name for name in read if name not in {"CACHE_ENV", CACHE_ENV}}
    assert read >= {"SITE_URL", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY"}  # the search finds what it must
    assert read <= set(book.BUILD_ENVIRONMENT)


@pytest.mark.parametrize("address", ["8000", "127.0.0.1", "127.0.0.1:http", ":8000"])
def test_a_malformed_address_is_refused_by_name(address, capsys):
    with pytest.raises(SystemExit) as stopped:
        book.main(["serve", "--address", address])
    assert stopped.value.code == 2
    assert f"--address must be HOST:PORT, e.g. 127.0.0.1:8000, got {address!r}" in capsys.readouterr().err


def _wait_until(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{condition} still false after {timeout} s"
        time.sleep(0.01)


def test_the_server_serves_the_site_with_live_reload_and_its_404_page_and_rebuilds_on_an_edit(tmp_path):
    site, pages = tmp_path / "site", tmp_path / "docs"
    site.mkdir()
    pages.mkdir()
    (site / "index.html").write_text("<html><body>the book</body></html>", encoding="utf-8")
    (site / "404.html").write_text("<html><body>no such page</body></html>", encoding="utf-8")
    rebuilt = threading.Event()
    server = book.book_server(site, "127.0.0.1:0", rebuilt.set, [pages])
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        _wait_until(server.serve_thread.is_alive)  # bound and listening (serve() binds, then starts it)
        address = f"http://127.0.0.1:{server.server_address[1]}/"
        with urllib.request.urlopen(address, timeout=30) as response:
            front = response.read().decode()
        assert "the book" in front and "livereload" in front
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(address + "no-such-page/", timeout=30)
        assert missing.value.code == 404 and b"no such page" in missing.value.read()
        assert not rebuilt.is_set()
        (pages / "index.md").write_text("# Home\n", encoding="utf-8")
        assert rebuilt.wait(timeout=60), "an edit under a watched folder did not rebuild"
    finally:
        server.shutdown(wait=True)
