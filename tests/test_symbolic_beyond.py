"""Chapter 7's SymPy derivations, each checked against an independent numerical computation."""

import numpy as np
import pytest
import scipy.stats
import sympy as sp
from sklearn.linear_model import Ridge

from l2book import Layer, cost, numerical_gradient
from l2book.symbolic import (
    FORMULAS,
    curvature_shrinkage,
    early_stopping_factor,
    early_stopping_fraction,
    early_stopping_lambda,
    gaussian_prior_map,
    prior_lambda,
    ridge_closed_form,
    ridge_gradient,
    ridge_solution,
    shrinkage_factor,
    value_at,
)
from l2book.symbolic.registry import confirm, is_zero

CHAPTER_7 = (
    "ridge_gradient",
    "ridge_closed_form",
    "curvature_shrinkage",
    "gaussian_prior_map",
    "prior_lambda",
    "prior_lambda_bernoulli",
    "early_stopping_factor",
    "early_stopping_lambda",
)


def regression(seed=0, m=30, n=3):
    rng = np.random.default_rng(seed)
    X_rows = rng.standard_normal((m, n)) * np.array([3.0, 1.0, 0.2])
    return X_rows, X_rows @ np.array([1.0, -0.5, 2.0]) + 0.1 * rng.standard_normal(m)


def test_every_chapter_7_formula_is_registered_and_renders():
    for name in CHAPTER_7:
        latex = FORMULAS[name]()
        assert " = " in latex and "$" not in latex, name
    assert FORMULAS["ridge_closed_form"]() == r"\hat{w} = \left(\lambda \mathbb{I} + X^{T} X\right)^{-1} X^{T} y"
    assert FORMULAS["prior_lambda"]() == r"\lambda = \frac{s^{2}}{\sigma^{2}}"
    assert FORMULAS["early_stopping_lambda"]() == r"\frac{\lambda}{m} = \frac{1}{\alpha \tau}"


def test_the_earlier_chapters_formulas_are_still_there():
    for name in ("regularized_cost", "penalty_gradient", "weight_decay_update", "tanh_taylor", "rescaling_minimum"):
        assert name in FORMULAS


def test_ridge_gradient_matches_finite_differences():
    X_rows, y = regression()
    m, n = X_rows.shape
    derivation = ridge_gradient()
    X_sym, w_sym, y_sym = sorted(derivation.rhs.atoms(sp.MatrixSymbol), key=lambda symbol: symbol.name)
    shapes = {X_sym.shape[0]: m, X_sym.shape[1]: n}
    symbols = [s.subs(shapes) for s in (X_sym, w_sym, y_sym)]
    lam_symbol, m_symbol = sp.symbols("lambda m", positive=True)
    evaluate = sp.lambdify((*symbols, lam_symbol, m_symbol), derivation.rhs.subs(shapes), modules="numpy")
    w = np.array([[0.3], [-0.2], [1.1]])

    def ridge_cost(w_flat):
        w_column = w_flat.reshape(-1, 1)
        return float(np.sum((y.reshape(-1, 1) - X_rows @ w_column) ** 2) / (2 * m) + 0.7 * np.sum(w_flat**2) / (2 * m))

    numeric = numerical_gradient(ridge_cost, w.ravel()).reshape(-1, 1)
    np.testing.assert_allclose(evaluate(X_rows, w, y.reshape(-1, 1), 0.7, m), numeric, rtol=1e-8)


def test_ridge_closed_form_matches_a_linear_solve_and_sklearn():
    X_rows, y = regression(seed=1)
    derived = ridge_solution(X_rows, y, 2.5).ravel()
    np.testing.assert_allclose(derived, np.linalg.solve(X_rows.T @ X_rows + 2.5 * np.eye(3), X_rows.T @ y), rtol=1e-12)
    np.testing.assert_allclose(derived, Ridge(alpha=2.5, fit_intercept=False).fit(X_rows, y).coef_, rtol=1e-12)


def test_a_derivation_step_that_does_not_hold_stops_the_formula():
    with pytest.raises(ArithmeticError, match="could not confirm that x = 1"):
        confirm(is_zero(sp.Symbol("x") - 1), "x = 1")
    confirm(is_zero(sp.ZeroMatrix(2, 1)), "a zero matrix is zero")


def test_shrinkage_along_each_eigen_direction_is_h_over_h_plus_lambda_over_m():
    X_rows, y = regression(seed=2)
    m, lam = len(y), 4.0
    hessian = X_rows.T @ X_rows / m  # of J = (1/2m)‖y − Xw‖²
    curvatures, Q = np.linalg.eigh(hessian)
    unregularized = np.linalg.solve(hessian, X_rows.T @ y / m)
    regularized = ridge_solution(X_rows, y, lam).ravel()
    measured = (Q.T @ regularized) / (Q.T @ unregularized)
    np.testing.assert_allclose(measured, shrinkage_factor(curvatures, lam, m), rtol=1e-10)
    assert curvature_shrinkage().lhs == sp.Symbol(r"\tilde{w}_i")


def test_early_stopping_factor_is_what_gradient_descent_does():
    curvatures, lr, steps = np.array([5.0, 1.0, 0.05]), 0.1, 30
    w_star, w = np.array([1.0, -2.0, 3.0]), np.zeros(3)
    for _ in range(steps):
        w = w - lr * curvatures * (w - w_star)  # gradient of Σ hᵢ/2 (wᵢ − w*ᵢ)²
    np.testing.assert_allclose(w / w_star, early_stopping_fraction(curvatures, lr, steps), rtol=1e-12)
    assert early_stopping_factor().rhs.has(sp.Symbol("tau", integer=True, positive=True))


def test_early_stopping_matches_l2_to_first_order_in_the_curvature():
    lr, steps = 0.01, 200
    lam_over_m = value_at(early_stopping_lambda().rhs, alpha=lr, tau=steps)
    assert lam_over_m == pytest.approx(1 / (lr * steps))
    flat = np.array([1e-4, 1e-3])
    stopped, regularized = early_stopping_fraction(flat, lr, steps), shrinkage_factor(flat, lam_over_m, 1)
    np.testing.assert_allclose(stopped, regularized, rtol=1e-2)


def test_gaussian_likelihood_map_is_ridge_with_lambda_s2_over_sigma2():
    # Bayesian linear regression (Bishop, PRML eq. 3.53–3.54): the posterior mean, which is the
    # MAP for a Gaussian posterior, is S·Xᵀy/s² with S⁻¹ = I/σ² + XᵀX/s².
    X_rows, y = regression(seed=3)
    s, sigma = 0.4, 1.5
    posterior_mean = np.linalg.solve(np.eye(3) / sigma**2 + X_rows.T @ X_rows / s**2, X_rows.T @ y / s**2)
    lam = value_at(prior_lambda("gaussian").rhs, s=s, sigma=sigma)
    assert lam == pytest.approx(s**2 / sigma**2)
    np.testing.assert_allclose(ridge_solution(X_rows, y, lam).ravel(), posterior_mean, rtol=1e-12)


def test_bernoulli_map_objective_is_m_times_the_regularized_cost_plus_a_constant():
    # −log posterior from scipy's densities, at several weights: it differs from m·cost(λ = 1/σ²)
    # by the same constant everywhere (biases get a flat prior: they are not penalized).
    rng = np.random.default_rng(4)
    X, m, sigma = rng.standard_normal((2, 25)), 25, 0.8
    Y = (rng.uniform(size=(1, m)) < 0.5).astype(float)
    lam = value_at(prior_lambda("bernoulli").rhs, sigma=sigma)
    gaps = []
    for _ in range(5):
        W, b = rng.standard_normal((1, 2)), rng.standard_normal((1, 1))
        probability = 1 / (1 + np.exp(-(W @ X + b)))
        negative_log_posterior = -(
            scipy.stats.bernoulli.logpmf(Y, probability).sum() + scipy.stats.norm.logpdf(W, scale=sigma).sum()
        )
        gaps.append(negative_log_posterior - m * cost([Layer(W, b)], X, Y, lam))
    assert np.ptp(gaps) < 1e-12
    assert gaps[0] == pytest.approx(2 * np.log(np.sqrt(2 * np.pi) * sigma))  # the prior's normalizer, n = 2


def test_map_derivations_split_into_loss_penalty_and_constant():
    gaussian, bernoulli = gaussian_prior_map("gaussian").rhs, gaussian_prior_map("bernoulli").rhs
    J, norm = sp.symbols(r"J \lVert{}w\rVert^{2}", positive=True)
    s, sigma, m = sp.Symbol("s", positive=True), sp.Symbol("sigma", positive=True), sp.Symbol("m", positive=True)
    assert sp.simplify(gaussian - (J / s**2 + norm / (2 * m * sigma**2) + sp.Symbol("C"))) == 0
    assert sp.simplify(bernoulli - (J + norm / (2 * m * sigma**2) + sp.Symbol("C"))) == 0
    with pytest.raises(ValueError, match="likelihood must be 'gaussian' or 'bernoulli'"):
        gaussian_prior_map("poisson")


def test_ridge_closed_form_has_the_identity_and_inverse():
    rhs = ridge_closed_form().rhs
    assert rhs.has(sp.Inverse) or any(isinstance(a, sp.Inverse) for a in sp.preorder_traversal(rhs))


def test_value_at_names_a_missing_or_unknown_symbol():
    with pytest.raises(ValueError, match="give a value for"):
        value_at(prior_lambda().rhs, s=1.0)
    with pytest.raises(ValueError, match="no symbol named 'q'"):
        value_at(prior_lambda().rhs, q=1.0)
