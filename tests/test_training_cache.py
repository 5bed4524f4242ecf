"""The disk cache: served across processes, keyed by what was computed and by the code it was computed with."""

import importlib
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from l2book.experiments import Setup, cache, training

SMALL = Setup(m_train=12, m_test=8, hidden=(3,), steps=20)


def trainings(setup=SMALL, lam=0.5):
    """How many times asking for ``(setup, lam)`` actually trained (0 or 1), and the result."""
    calls = []
    params = training.memoised_fit(setup, lam, on_training=lambda: calls.append(1))
    return len(calls), params


def forget_this_process(monkeypatch):
    monkeypatch.setattr(training, "_MEMO", {})


def test_a_second_process_gets_the_network_from_disk_without_training(fresh_process, monkeypatch):
    trained, first = trainings()
    forget_this_process(monkeypatch)
    again, second = trainings()
    assert (trained, again) == (1, 0)
    assert all(np.array_equal(a, b) for one, two in zip(first, second) for a, b in zip(one, two))
    assert any(fresh_process.rglob("*.pkl"))


def test_the_result_from_disk_equals_a_fresh_training(fresh_process):
    expected = training.fit_setup(SMALL, 0.5)
    _, from_disk = trainings()
    assert all(np.array_equal(a, b) for one, two in zip(expected, from_disk) for a, b in zip(one, two))


def test_another_lambda_or_setup_is_another_entry(fresh_process, monkeypatch):
    trainings()
    forget_this_process(monkeypatch)
    assert trainings(lam=0.25)[0] == 1
    assert trainings(Setup(m_train=12, m_test=8, hidden=(3,), steps=21))[0] == 1


def test_a_changed_training_code_fingerprint_retrains(fresh_process, monkeypatch):
    trainings()
    forget_this_process(monkeypatch)
    monkeypatch.setattr(cache, "_current_fingerprint", lambda *modules_and_libraries: "the gradient code was edited")
    assert trainings()[0] == 1


def test_equal_keys_from_other_code_are_other_entries(fresh_process):
    """Two results under one key but from different modules' code do not collide."""
    key = ("a result", 1)
    assert cache.through_disk_cache(lambda: "from optim", key=key, depends_on=["l2book.optim"]) == "from optim"
    assert cache.through_disk_cache(lambda: "from network", key=key, depends_on=["l2book.network"]) == "from network"
    assert cache.through_disk_cache(lambda: "recomputed", key=key, depends_on=["l2book.optim"]) == "from optim"


def test_on_compute_is_called_only_when_computing(fresh_process):
    calls = []
    for _ in range(2):
        cache.through_disk_cache(lambda: 42, key=("answer",), depends_on=[__name__], on_compute=lambda: calls.append(1))
    assert calls == [1]


def test_a_step_size_curve_is_measured_once_across_processes(fresh_process, monkeypatch):
    from l2book.experiments import step_size

    measured = []
    original = step_size._measure
    monkeypatch.setattr(step_size, "_measure", lambda *arguments: measured.append(1) or original(*arguments))
    curves = []
    for _ in range(2):
        step_size._measured_curve.cache_clear()  # what a new process starts with
        curves.append(step_size.step_size_curve(np.float32, (1e-2, 1e-3), networks=3))
    step_size._measured_curve.cache_clear()
    assert measured == [1] and curves[0] == curves[1] == original(np.float32, (1e-2, 1e-3), 3)


# --- The fingerprint: the code a result depends on, found through the imports -------------------


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A throwaway package ``edited_pkg``: ``top`` imports ``middle``, which imports ``bottom``; ``aside`` does not."""
    root = tmp_path / "edited_pkg"
    root.mkdir()
    files = {
        "__init__.py": "",
        "top.py": "from edited_pkg.middle import SCALE\n",
        "middle.py": "def scale():\n    from edited_pkg import bottom  # inside a function: still found\n"
        "    return bottom.SCALE\nSCALE = 1.0\n",
        "bottom.py": "SCALE = 1.0\n",
        "aside.py": "import numpy\n",
    }
    for name, text in files.items():
        (root / name).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    yield root
    for name in [name for name in sys.modules if name.split(".")[0] == "edited_pkg"]:
        del sys.modules[name]  # not monkeypatch.delitem, whose undo would put them back


def test_the_closure_follows_imports_within_the_package(package):
    assert cache.source_closure(["edited_pkg.top"]) == ["edited_pkg", "edited_pkg.bottom", "edited_pkg.middle",
                                                        "edited_pkg.top"]
    assert cache.source_closure(["edited_pkg.aside"]) == ["edited_pkg.aside"]


def test_editing_a_module_imported_indirectly_changes_the_fingerprint(package):
    before = cache.fingerprint(["edited_pkg.top"])
    aside = cache.fingerprint(["edited_pkg.aside"])
    (package / "bottom.py").write_text("SCALE = 2.0\n")
    assert cache.fingerprint(["edited_pkg.top"]) != before
    assert cache.fingerprint(["edited_pkg.aside"]) == aside


def test_the_cache_module_itself_is_not_in_the_fingerprint(monkeypatch):
    assert "l2book.experiments.cache" in cache.source_closure(["l2book.experiments.training"])
    monkeypatch.setattr(cache, "source_closure", lambda modules: list(modules))
    # Editing the cache module keeps what is stored: its fingerprint is the one of no code at all.
    assert cache.fingerprint(["l2book.experiments.cache"]) == cache.fingerprint([])
    assert cache.fingerprint(["l2book.optim"]) != cache.fingerprint([])


def test_the_fingerprint_covers_the_library_versions(monkeypatch):
    import sympy

    before = cache.fingerprint(["l2book.network"], libraries=("numpy", "sympy"))
    monkeypatch.setattr(np, "__version__", "0.0.0")
    after_numpy = cache.fingerprint(["l2book.network"], libraries=("numpy", "sympy"))
    monkeypatch.setattr(sympy, "__version__", "0.0.0")
    assert len({before, after_numpy, cache.fingerprint(["l2book.network"], libraries=("numpy", "sympy"))}) == 3


def l2book_code_run_by(compute):
    """The l2book modules whose code runs while ``compute()`` does (traced, not read from the source)."""
    files = set()

    def record(frame, event, arg):
        if event == "call":
            files.add(frame.f_code.co_filename)

    sys.setprofile(record)
    try:
        compute()
    finally:
        sys.setprofile(None)
    modules = {getattr(module, "__file__", None): name for name, module in list(sys.modules.items())}
    return {modules[file] for file in files if file in modules and modules[file].startswith("l2book")}


def test_every_module_training_runs_is_in_the_trained_networks_fingerprint():
    ran = l2book_code_run_by(lambda: training.fit_setup(SMALL, 0.5))
    assert {"l2book.network", "l2book.experiments.data"} <= ran  # the trace sees the training path
    # The cache module runs too, but it decides where the result is kept, not what it is.
    assert ran - {"l2book.experiments.cache"} <= set(cache.source_closure(["l2book.experiments.training"]))


# --- Where the cache lives ------------------------------------------------------------------------


def test_off_trains_every_time(monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    assert cache.cache_location() is None
    for _ in range(2):
        forget_this_process(monkeypatch)
        assert trainings()[0] == 1


@pytest.mark.parametrize(("value", "expected"), [("", None), ("OFF", None), ("/x/y", Path("/x/y"))])
def test_the_cache_location_comes_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv(cache.CACHE_ENV, value)
    assert cache.cache_location() == expected


def test_the_default_location_is_in_the_users_cache(monkeypatch):
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    assert cache.cache_location() == Path.home() / ".cache" / "l2book"


def test_a_module_is_found_by_its_source_without_running_it(package):
    (package / "loud.py").write_text(textwrap.dedent("""
        raise RuntimeError("imported")
        from edited_pkg import bottom
    """))
    assert cache.source_closure(["edited_pkg.loud"]) == ["edited_pkg", "edited_pkg.bottom", "edited_pkg.loud"]
