"""SymPy's results on disk: a formula's LaTeX and a symbolic network's gradient, rederived when their code changes."""

import importlib
import sys

import numpy as np
import pytest
import sympy as sp

from l2book.experiments import cache
from l2book.symbolic import FORMULAS, lam, network, symbolic_network
from tests.helpers import random_problem

DERIVATION = '''
from l2book.symbolic import Derivation, formula, lam

CALLS = []


@formula("cached_formula_example")
def doubled():
    CALLS.append(1)
    return Derivation(lam, {factor} * lam)
'''


def new_process():
    """What a new process starts with: no fingerprint computed yet (the disk cache stays)."""
    cache._current_fingerprint.cache_clear()


@pytest.fixture(autouse=True)
def fingerprints_of_this_test_only():
    """A fingerprint computed under a test's monkeypatch must not outlive the test."""
    new_process()
    yield
    new_process()


@pytest.fixture
def derivation_module(tmp_path, monkeypatch, fresh_process):
    """Import ``derivation_module``, which registers ``cached_formula_example``; ``write(factor)`` rewrites it."""
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(factor):
        (tmp_path / "derivation_module.py").write_text(DERIVATION.format(factor=factor))
        FORMULAS.pop("cached_formula_example", None)
        sys.modules.pop("derivation_module", None)
        new_process()
        importlib.invalidate_caches()
        return importlib.import_module("derivation_module")

    yield write
    FORMULAS.pop("cached_formula_example", None)
    sys.modules.pop("derivation_module", None)
    new_process()


def test_a_formula_is_derived_once_and_then_read_from_disk(derivation_module):
    module = derivation_module(2)
    assert FORMULAS["cached_formula_example"]() == r"\lambda = 2 \lambda"
    new_process()
    assert FORMULAS["cached_formula_example"]() == r"\lambda = 2 \lambda"
    assert module.CALLS == [1]


def test_editing_the_derivations_module_derives_the_formula_again(derivation_module):
    derivation_module(2)
    assert FORMULAS["cached_formula_example"]() == r"\lambda = 2 \lambda"
    module = derivation_module(3)  # the same name, module and function: only the code differs
    assert FORMULAS["cached_formula_example"]() == r"\lambda = 3 \lambda"
    assert module.CALLS == [1]


def test_another_sympy_derives_the_formula_again(derivation_module, monkeypatch):
    module = derivation_module(2)
    FORMULAS["cached_formula_example"]()
    monkeypatch.setattr(sp, "__version__", "0.0.0")
    new_process()
    FORMULAS["cached_formula_example"]()
    assert module.CALLS == [1, 1]


@pytest.mark.parametrize("name", ["penalty_gradient", "prior_lambda_bernoulli"])
def test_a_formula_from_disk_is_the_one_sympy_derives(fresh_process, name):
    derived = FORMULAS[name]()  # into an empty cache: SymPy derives it
    assert any(fresh_process.rglob("*.pkl"))
    new_process()
    assert FORMULAS[name]() == derived


# --- The symbolic network of chapter 6 ----------------------------------------------------------


def derivations_of(dims, m, activation, loss):
    """How many times building the symbolic network differentiated (0 or 1), and the network."""
    symbolic_network.cache_clear()  # the in-process memo: as a new process would start
    new_process()
    calls = []
    original = network._derived

    def counted(*args):
        calls.append(1)
        return original(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(network, "_derived", counted)
        built = symbolic_network(dims, m, activation, loss)
    symbolic_network.cache_clear()
    return len(calls), built


def test_a_symbolic_network_from_disk_has_the_same_gradient_and_evaluates_the_same(fresh_process):
    first_count, first = derivations_of((2, 2, 1), 2, "tanh", "cross_entropy")
    again_count, again = derivations_of((2, 2, 1), 2, "tanh", "cross_entropy")
    assert (first_count, again_count) == (1, 0)
    assert again.cost == first.cost and again.gradient == first.gradient
    params, X, Y = random_problem([2, 2, 1], 2, seed=4)
    for one, two in zip(first.evaluate(params, X, Y, 0.3), again.evaluate(params, X, Y, 0.3)):
        assert np.array_equal(one.W, two.W) and np.array_equal(one.b, two.b)


def test_the_cached_subexpressions_are_the_ones_lambdify_would_find(fresh_process):
    derivations_of((2, 2, 1), 3, "relu", "mse")
    derived, built = derivations_of((2, 2, 1), 3, "relu", "mse")
    assert derived == 0  # this one is from disk
    flat = [g for dW, db in built.gradient for part in (dW, db) for g in part]
    arguments = [*network._flat_symbols(built.weights, built.biases), *built.inputs, *built.targets, lam]
    reference = sp.lambdify(arguments, flat, modules="numpy", cse=True)
    params, X, Y = random_problem([2, 2, 1], 3, seed=5)
    values = network._flat_values(params, X, Y)
    assert built._evaluate(*values, 0.7) == reference(*values, 0.7)


def test_another_network_or_another_code_derives_again(fresh_process, monkeypatch):
    derivations_of((2, 2, 1), 2, "tanh", "mse")
    assert derivations_of((2, 2, 1), 2, "linear", "mse")[0] == 1
    monkeypatch.setattr(cache, "fingerprint", lambda *arguments: "the symbolic network's code was edited")
    assert derivations_of((2, 2, 1), 2, "tanh", "mse")[0] == 1


def test_the_symbolic_networks_fingerprint_covers_the_code_it_runs(fresh_process):
    from tests.test_training_cache import l2book_code_run_by

    symbolic_network.cache_clear()
    ran = l2book_code_run_by(lambda: symbolic_network((2, 1, 1), 1, "tanh", "cross_entropy"))
    symbolic_network.cache_clear()
    assert "l2book.symbolic.network" in ran  # the trace saw the derivation
    assert ran - {"l2book.experiments.cache"} <= set(cache.source_closure(["l2book.symbolic.network"]))
