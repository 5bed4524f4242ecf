import ast
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from l2book import gradients, relative_error
from l2book import symbolic as S
from l2book.symbolic import notation
from l2book.symbolic.network import _flat_symbols, _flat_values
from tests.helpers import random_problem


def test_penalty_gradient_is_lambda_over_m_times_w_by_matrix_calculus():
    derivation = S.penalty_gradient()
    W = derivation.rhs.args[-1]
    assert sp.simplify(derivation.rhs - S.lam / S.m * W) == sp.ZeroMatrix(*W.shape)


def test_penalty_gradient_entrywise_on_a_concrete_matrix():
    # The MatrixSymbol result, made explicit for a 2×3 W, equals entry-by-entry differentiation.
    w = sp.Matrix(2, 3, sp.symbols("w:6"))
    penalty = S.lam / (2 * S.m) * sum(x**2 for x in w)
    explicit = w.applyfunc(penalty.diff)
    from_matrix_calculus = S.penalty_gradient(2, 3).rhs.subs(S.penalty_gradient(2, 3).rhs.args[-1], w).doit()
    assert sp.simplify(explicit - sp.Matrix(from_matrix_calculus)) == sp.zeros(2, 3)


def test_weight_decay_identity_is_zero_and_update_has_the_decay_factor():
    assert S.weight_decay_identity() == 0
    update = S.weight_decay_update()
    assert sp.simplify(update.lhs.doit() - update.rhs.doit()) == 0
    W = sp.Symbol("W")
    assert sp.simplify(sp.expand(update.rhs.doit()).coeff(W) - (1 - S.alpha * S.lam / S.m)) == 0


def test_tanh_taylor_coefficients():
    series = S.tanh_taylor(8).rhs.removeO()
    assert [series.coeff(S.z, k) for k in range(8)] == [0, 1, 0, sp.Rational(-1, 3), 0, sp.Rational(2, 15), 0,
                                                        sp.Rational(-17, 315)]


def test_helpers_for_later_chapters():
    assert S.affine_composition().is_zero_matrix
    assert S.tanh_small_weight_limit().rhs == sp.tanh(sp.Symbol("b", real=True))
    rescaling = S.rescaling_minimum()
    norm_in, norm_out = sorted(rescaling.rhs.free_symbols, key=str)
    assert rescaling.rhs == 2 * norm_in * norm_out
    c = np.linspace(0.1, 10, 100_001)
    assert (c**2 * 3.0**2 + 5.0**2 / c**2).min() == pytest.approx(2 * 3.0 * 5.0, rel=1e-8)  # numerically too


def test_regularized_cost_definition_prints_the_frobenius_norm():
    tex = S.regularized_cost().latex
    assert r"\left\lVert W^{[l]} \right\rVert_F^{2}" in tex and r"\frac{\lambda" in tex


@pytest.mark.parametrize("name", sorted(S.FORMULAS))
def test_every_registered_formula_renders_as_an_equation(name):
    tex = S.FORMULAS[name]()
    assert isinstance(tex, str) and (" = " in tex or r" \leftarrow " in tex)


def test_adam_coupled_and_decoupled_updates_agree_only_without_adams_rescaling():
    coupled, decoupled = S.adam_updates()
    functions = {type(f) for f in coupled.rhs.atoms(sp.core.function.AppliedUndef)}
    mean = next(f for f in functions if "g" in f.__name__)
    mean_square = next(f for f in functions if "v" in f.__name__)
    epsilon = next(s for s in coupled.rhs.free_symbols if s.name == "epsilon")
    as_sgd = {mean: sp.Lambda(S.z, S.z), mean_square: sp.Lambda(S.z, 1), epsilon: 0}
    difference = coupled.rhs - decoupled.rhs.doit()
    assert sp.simplify(difference.subs(as_sgd)) == 0
    assert sp.simplify(difference) != 0


def test_the_update_rules_share_the_notations_weight_and_data_gradient():
    for derivation in (S.regularized_stationarity(), S.weight_decay_update(), *S.adam_updates()):
        assert {notation.W, notation.dJ_dW} <= derivation.lhs.free_symbols | derivation.rhs.free_symbols
    assert notation.tau in S.early_stopping_lambda().rhs.free_symbols


def test_only_the_notation_module_defines_symbols_at_module_level():
    makers = {"Symbol", "symbols"}
    defined = [
        f"{path.name}:{node.lineno}"
        for path in sorted(Path(notation.__file__).parent.glob("*.py"))
        if path.name != "notation.py"
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
        if isinstance(node.value.func, ast.Attribute) and node.value.func.attr in makers
    ]
    assert defined == []

def test_scaled_cost_is_sum_of_losses_plus_half_lambda_penalty():
    derivation = S.scaled_regularized_cost()
    losses, penalty = derivation.rhs.args
    assert isinstance(losses, sp.Sum) and losses.limits[0][2] == S.m  # the book's m, the one definition
    assert penalty.as_coeff_Mul()[0] == sp.Rational(1, 2) and S.lam in penalty.free_symbols
    assert derivation.latex.startswith(r"m J_{\mathrm{reg}} = ")


@pytest.mark.parametrize(
    ("dims", "m"), [((2, 3, 1), 4), ((2, 3, 2, 1), 3)], ids=["2-layer", "3-layer"]
)
@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_symbolic_gradient_equals_numpy_gradients(dims, m, activation, loss):
    network = S.symbolic_network(dims, m, activation, loss)
    for seed in range(3):
        params, X, Y = random_problem(list(dims), m, seed=seed, labels="binary" if loss == "cross_entropy" else "real")
        lam = [0.0, 0.3, 5.0][seed]
        numeric = gradients(params, X, Y, lam, activation=activation, loss=loss)
        symbolic = network.evaluate(params, X, Y, lam)
        for a, b in zip(numeric, symbolic):
            assert relative_error(a.W, b.W) <= 1e-12
            assert relative_error(a.b, b.b) <= 1e-12


def test_symbolic_cost_is_the_book_cost():
    from l2book import cost

    network = S.symbolic_network((2, 3, 1), 2, "tanh", "cross_entropy")
    params, X, Y = random_problem([2, 3, 1], 2, seed=9)
    values = dict(zip([*_flat_symbols(network.weights, network.biases), *network.inputs, *network.targets],
                      _flat_values(params, X, Y)))
    values[S.lam] = 0.4
    assert float(network.cost.subs(values)) == pytest.approx(cost(params, X, Y, 0.4), rel=1e-13)


def test_formula_registers_the_derivation_it_decorates_and_refuses_a_name_twice(monkeypatch):
    def doubled() -> S.Derivation:
        return S.Derivation(S.lam, 2 * S.lam)

    monkeypatch.delitem(S.FORMULAS, "penalty_gradient")
    assert S.formula("penalty_gradient")(doubled) is doubled
    assert S.FORMULAS["penalty_gradient"]() == r"\lambda = 2 \lambda"
    with pytest.raises(ValueError, match="formula 'penalty_gradient' is already registered"):
        S.formula("penalty_gradient")(doubled)


def test_a_formula_can_show_one_part_of_a_derivation_that_returns_several():
    coupled, decoupled = S.adam_updates()
    assert S.FORMULAS["adam_coupled_update"]() == coupled.latex
    assert S.FORMULAS["adamw_update"]() == decoupled.latex
    assert S.FORMULAS["prior_lambda_bernoulli"]() == S.prior_lambda("bernoulli").latex
