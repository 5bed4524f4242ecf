"""`make book` and `make site` (tools/book.py) build only when an input changed, and serve with live reload."""

import ast
import importlib.util
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
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
    """Stands in for `mkdocs build`: writes a front page, or half a site and fails, or edits a page meanwhile."""

    def __init__(self) -> None:
        self.calls = 0
        self.fail = False
        self.meanwhile: Callable[[], None] | None = None  # what happens while the build runs (once)

    def __call__(self, site: Path, environ: Mapping[str, str]) -> None:
        self.calls += 1
        site.mkdir(parents=True)  # a fresh folder each time: the last build's leftovers are gone
        if self.meanwhile is not None:
            self.meanwhile()
            self.meanwhile = None
        if self.fail:
            (site / "half-written.html").write_text("", encoding="utf-8")
            raise subprocess.CalledProcessError(1, ["mkdocs", "build"])
        (site / "index.html").write_text(f"build {self.calls} at {environ['SITE_URL']}", encoding="utf-8")


@pytest.fixture
def fake_build(sources, monkeypatch) -> FakeBuild:
    """A fake build, and tools/book.py pointed at the ``sources`` repository."""
    monkeypatch.setattr(book, "installed_versions", lambda: VERSIONS)
    monkeypatch.setattr(book, "ROOT", sources)
    monkeypatch.setattr(book, "SITE", sources / "site")
    monkeypatch.setattr(book, "FINGERPRINT", sources / "build" / "site-fingerprint")
    fake = FakeBuild()
    monkeypatch.setattr(book, "mkdocs_build", fake)
    return fake


def build_if_changed() -> bool:
    return book.build_if_changed(book.ROOT, book.SITE, book.FINGERPRINT, ENVIRON, book.mkdocs_build)


def front_page(sources: Path) -> str:
    return (sources / "site" / "index.html").read_text(encoding="utf-8")


def test_the_book_is_built_again_only_after_a_source_changed(sources, fake_build):
    assert build_if_changed() is True
    assert build_if_changed() is False
    assert fake_build.calls == 1
    _edit(sources / "docs/index.md")
    assert build_if_changed() is True
    assert (fake_build.calls, build_if_changed()) == (2, False)
    assert front_page(sources).startswith("build 2")


def test_a_failed_build_leaves_the_last_site_and_the_next_call_builds_again(sources, fake_build):
    build_if_changed()
    _edit(sources / "docs/index.md")
    fake_build.fail = True
    with pytest.raises(subprocess.CalledProcessError):
        build_if_changed()
    assert front_page(sources).startswith("build 1")
    assert not (sources / "site" / "half-written.html").exists()
    fake_build.fail = False
    assert build_if_changed() is True
    assert front_page(sources).startswith("build 3")
    assert sorted(path.name for path in (sources / "build").iterdir()) == ["site-fingerprint"]


@pytest.mark.parametrize("other_command", [
    lambda site: (site / "index.html").unlink(),
    lambda site: shutil.rmtree(site),
    lambda site: (site / "index.html").write_text("built by `mkdocs build` on another branch", encoding="utf-8"),
], ids=["front page deleted", "site deleted", "site written by another build"])
def test_a_site_another_command_changed_is_built_again(sources, fake_build, other_command):
    build_if_changed()
    other_command(sources / "site")
    assert build_if_changed() is True
    assert front_page(sources).startswith("build 2")


def test_an_edit_saved_during_a_build_builds_again_before_the_book_is_served(sources, fake_build):
    fake_build.meanwhile = lambda: _edit(sources / "docs/index.md")
    book.build_until_current(book.ROOT, book.SITE, book.FINGERPRINT, ENVIRON, book.mkdocs_build)
    assert fake_build.calls == 2
    assert build_if_changed() is False


def test_a_failed_build_exits_with_1_and_a_failed_rebuild_keeps_serving_the_last_site(sources, fake_build, caplog):
    fake_build.fail = True
    assert book.main(["build"]) == 1
    assert "The build failed (exit status 1)" in caplog.text
    fake_build.fail = False
    assert book.main(["build"]) == 0
    _edit(sources / "docs/index.md")
    fake_build.fail = True
    book.rebuild(ENVIRON)  # returns: the server goes on serving
    assert front_page(sources).startswith("build 2")
    assert "fix the error and save again" in caplog.text


def test_served_the_site_is_built_for_the_address_it_is_served_at_and_built_only_for_site_url():
    assert book.build_environment({"HOME": "/root"}, "127.0.0.1:8001") == {
        "SITE_URL": "http://127.0.0.1:8001/", "HOME": "/root"}
    published = {"SITE_URL": "https://example.org/l2book/"}
    assert book.build_environment(published, "127.0.0.1:8001") == {"SITE_URL": "http://127.0.0.1:8001/"}
    assert book.build_environment(published, None) == published
    assert book.build_environment({}, None) == {"SITE_URL": "http://127.0.0.1:8000/"}


def test_every_folder_mkdocs_yml_builds_from_is_fingerprinted_and_watched():
    """The hooks, the theme overrides, the griffe extension and the docs folder lie under SOURCES."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    named = re.findall(r"^\s+- (docs/\S+)$", config, flags=re.MULTILINE)  # hooks
    named += re.findall(r"custom_dir: (\S+)", config) + re.findall(r"\$config_dir/(\S+)", config)
    assert len(named) >= 5 and "docs_dir" not in config  # MkDocs' default docs_dir, docs/
    assert all((ROOT / path).exists() and Path(path).parts[0] in book.SOURCES for path in named), named
    assert set(book.WATCHED) == set(book.SOURCES) - {"pyproject.toml"}


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
