"""The disk cache of trained networks: served across processes, invalidated by any change to the training code."""

import ast
import importlib
import sys
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
    expected = training.fit_setup(SMALL, 0.5, "")
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
    monkeypatch.setattr(cache, "_current_fingerprint", lambda: "the gradient code was edited")
    assert trainings()[0] == 1


def test_the_fingerprint_changes_when_a_module_on_the_training_path_is_edited(tmp_path, monkeypatch):
    module = tmp_path / "edited_module.py"
    module.write_text("SCALE = 1.0\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("edited_module")
    before = cache.training_fingerprint(["edited_module"])
    module.write_text("SCALE = 2.0\n")
    assert cache.training_fingerprint(["edited_module"]) != before
    monkeypatch.delitem(sys.modules, "edited_module")


def test_the_fingerprint_covers_numpys_version(monkeypatch):
    before = cache.training_fingerprint()
    monkeypatch.setattr(np, "__version__", "0.0.0")
    assert cache.training_fingerprint() != before


def l2book_imports(module_name):
    """The l2book modules that ``module_name``'s source imports (directly)."""
    source = Path(importlib.import_module(module_name).__file__).read_text()
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("l2book"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("l2book"))
    return found


def test_every_module_the_training_path_imports_is_in_the_fingerprint():
    seen, todo = set(), ["l2book.experiments.training"]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(l2book_imports(name))
    # The cache module decides where results are kept, not what they are.
    assert seen - {"l2book.experiments.cache"} == set(cache.TRAINING_MODULES)


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
