"""The derivations of chapter 7, beyond the network: ridge regression, shrinkage along curvature, early stopping, the Gaussian prior.

Each derivation :func:`~l2book.symbolic.registry.confirm` s the steps SymPy is
asked to check; the ``*_solution``/``*_factor``/``*_fraction`` helpers evaluate
a derived formula at numbers, so the numeric comparisons use the derivation itself.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import sympy as sp

from l2book.symbolic import notation
from l2book.symbolic.notation import Derivation, alpha, lam, m, tau
from l2book.symbolic.registry import confirm, formula, is_zero


@formula("ridge_gradient")
def ridge_gradient() -> Derivation:
    """Differentiate the ridge cost ``(1/2m)‖y − Xw‖² + λ/(2m)‖w‖²`` with matrix calculus.

    Here ``X`` is the design matrix, one *row* per example (the transpose of
    the network's ``X``), and ``w`` the weight vector; the intercept is left
    out (centre the data, or see chapter 7).

    Examples
    --------
    >>> ridge_gradient().rhs
    (lambda/m)*w + 1/m*X.T*(X*w - y)
    """
    X, y, w, _ = _ridge_symbols()
    ridge_cost = _ridge_cost(X, y, w)
    gradient = ridge_cost.diff(w)
    # Shown as (1/m)Xᵀ(Xw − y) + (λ/m)w, which SymPy confirms is what it derived.
    shown = X.T * (X * w - y) / m + lam / m * w
    confirm(is_zero(sp.expand(gradient - shown)), "the gradient is (1/m)Xᵀ(Xw − y) + (λ/m)w")
    return Derivation(sp.Derivative(ridge_cost, w), shown)


@formula("ridge_closed_form")
@functools.cache  # pure, and evaluated again by the numeric helpers below
def ridge_closed_form() -> Derivation:
    """Derive ``ŵ = (XᵀX + λI)⁻¹Xᵀy``: the one point where :func:`ridge_gradient` vanishes.

    SymPy confirms that ``m`` times the gradient is ``(XᵀX + λI)w − Xᵀy`` (the
    normal equations) and that ``ŵ`` solves them. ``m`` cancels: the book's
    ``λ`` is scikit-learn's ``Ridge(alpha=λ)``.

    Examples
    --------
    >>> ridge_closed_form().rhs
    (lambda*I + X.T*X)**(-1)*X.T*y
    """
    X, y, w, n = _ridge_symbols()
    normal_equations = (X.T * X + lam * sp.Identity(n)) * w - X.T * y
    confirm(is_zero(sp.expand(m * _ridge_cost(X, y, w).diff(w) - normal_equations)), "m·∇J_reg = (XᵀX + λI)w − Xᵀy")
    solution = (X.T * X + lam * sp.Identity(n)).inverse() * X.T * y
    confirm(is_zero(sp.simplify(sp.expand(normal_equations.subs(w, solution)))), "ŵ solves the normal equations")
    return Derivation(sp.Symbol(r"\hat{w}"), solution)


def ridge_solution(X: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """Evaluate the closed form of :func:`ridge_closed_form` at numbers (``X`` with one row per example).

    Examples
    --------
    >>> ridge_solution(np.array([[1.0], [1.0]]), np.array([[1.0], [1.0]]), 2.0)   # 2/(2 + 2)
    array([[0.5]])
    """
    rows, cols = X.shape
    X_sym, y_sym, _, n = _ridge_symbols()
    shapes = {X_sym.shape[0]: rows, n: cols}
    derived = ridge_closed_form().rhs.subs(shapes)
    evaluate = sp.lambdify((X_sym.subs(shapes), y_sym.subs(shapes), notation.lam), derived, modules="numpy")
    return np.asarray(evaluate(X, np.reshape(y, (rows, 1)), float(lam)), dtype=np.float64)


def _ridge_symbols() -> tuple[sp.MatrixSymbol, sp.MatrixSymbol, sp.MatrixSymbol, sp.Symbol]:
    """Return ``X`` (examples × n), ``y``, ``w`` and ``n`` for the ridge derivations."""
    n = sp.Symbol("n", integer=True, positive=True)
    return sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("y", m, 1), sp.MatrixSymbol("w", n, 1), n


def _ridge_cost(X: sp.MatrixSymbol, y: sp.MatrixSymbol, w: sp.MatrixSymbol) -> sp.MatrixExpr:
    """Return the 1×1 ridge cost ``(y − Xw)ᵀ(y − Xw)/(2m) + λ wᵀw/(2m)``."""
    residual = y - X * w
    return residual.T * residual / (2 * m) + lam / (2 * m) * (w.T * w)


@formula("curvature_shrinkage")
@functools.cache  # pure, and evaluated again by the numeric helpers below
def curvature_shrinkage() -> Derivation:
    r"""Derive ``w̃ᵢ = hᵢ/(hᵢ + λ/m) · w*ᵢ``: L2 keeps stiff directions and erases flat ones.

    Near a minimum ``w*`` of ``J`` with Hessian ``H = Q diag(h) Qᵀ``, in the
    coordinates ``Qᵀw`` the cost splits into one term ``hᵢ/2 (wᵢ − w*ᵢ)²`` per
    eigen-direction, and ``‖w‖`` is unchanged by the rotation ``Q``. SymPy
    minimizes one such term plus its share ``λ/(2m) wᵢ²`` of the penalty.

    Examples
    --------
    >>> print(curvature_shrinkage().latex)
    \tilde{w}_i = \frac{h_{i}}{h_{i} + \frac{\lambda}{m}} w^{*}_{i}
    """
    h, w_star, w = _eigen_symbols()
    (minimizer,) = sp.solve(sp.diff(h / 2 * (w - w_star) ** 2 + lam / (2 * m) * w**2, w), w)
    factor = h / (h + lam / m)
    confirm(is_zero(sp.simplify(minimizer - factor * w_star)), "the minimizer is h/(h + λ/m)·w*")
    return Derivation(sp.Symbol(r"\tilde{w}_i"), sp.Mul(factor, w_star, evaluate=False))


def shrinkage_factor(h: Any, lam: float, m: int) -> Any:
    """Evaluate the factor ``h/(h + λ/m)`` derived by :func:`curvature_shrinkage`, elementwise over ``h``.

    Examples
    --------
    >>> shrinkage_factor(np.array([1.0, 0.01]), 1.0, 10)
    array([0.90909091, 0.09090909])
    """
    h_symbol, w_star, _ = _eigen_symbols()
    factor = curvature_shrinkage().rhs / w_star
    evaluate = sp.lambdify((h_symbol, notation.lam, notation.m), factor, modules="numpy")
    return evaluate(np.asarray(h, dtype=np.float64), float(lam), int(m))


@formula("early_stopping_factor")
@functools.cache  # pure, and evaluated again by the numeric helpers below
def early_stopping_factor() -> Derivation:
    """Solve the gradient-descent recursion along one eigen-direction: ``1 − (1 − αhᵢ)^τ`` of ``w*ᵢ`` after ``τ`` steps.

    ``J`` restricted to the direction is ``hᵢ/2 (wᵢ − w*ᵢ)²``; from ``wᵢ = 0``,
    each step is ``wᵢ ← wᵢ − α hᵢ (wᵢ − w*ᵢ)``, and ``sympy.rsolve`` gives the
    closed form.

    Examples
    --------
    >>> early_stopping_factor().rhs
    1 - (-alpha*h_i + 1)**tau
    """
    h, w_star, _ = _eigen_symbols()
    t = sp.Symbol("t", integer=True, nonnegative=True)
    w = sp.Function("w")
    recursion = w(t + 1) - w(t) + alpha * h * (w(t) - w_star)
    trajectory = sp.rsolve(recursion, w(t), {w(0): 0})
    fraction = sp.simplify(trajectory.subs(t, tau) / w_star)
    return Derivation(sp.Symbol(r"\frac{w_i(\tau)}{w^*_i}"), fraction)


@formula("early_stopping_lambda")
def early_stopping_lambda() -> Derivation:
    """Derive ``λ/m = 1/(ατ)``: the L2 strength whose shrinkage matches ``τ`` steps of early stopping.

    Both factors, ``1 − (1 − αh)^τ`` (:func:`early_stopping_factor`) and
    ``h/(h + λ/m)`` (:func:`curvature_shrinkage`), vanish at ``h = 0``; SymPy
    matches their slopes in ``h`` there. The match is exact only for flat
    directions; chapter 7 measures it on the others.

    Examples
    --------
    >>> early_stopping_lambda().rhs
    1/(alpha*tau)
    """
    h, w_star, _ = _eigen_symbols()
    decay = sp.Symbol("a", positive=True)  # stands for λ/m
    stopped = early_stopping_factor().rhs
    regularized = (curvature_shrinkage().rhs / w_star).subs(lam, decay * m)
    slope = [sp.series(f, h, 0, 2).removeO().coeff(h, 1) for f in (stopped, regularized)]
    (matched,) = sp.solve(sp.Eq(*slope), decay)
    return Derivation(lam / m, matched)


def early_stopping_fraction(h: Any, lr: float, steps: int) -> Any:
    """Evaluate ``1 − (1 − αh)^τ`` from :func:`early_stopping_factor`, elementwise over ``h``.

    Examples
    --------
    >>> early_stopping_fraction(np.array([1.0]), 0.5, 2)     # 1 − (1 − 0.5)²
    array([0.75])
    """
    h_symbol, _, _ = _eigen_symbols()
    evaluate = sp.lambdify((h_symbol, alpha, tau), early_stopping_factor().rhs, modules="numpy")
    return evaluate(np.asarray(h, dtype=np.float64), float(lr), int(steps))


def value_at(expression: sp.Expr, **values: float) -> float:
    """Return ``expression`` as a float, with numbers put in for its symbols by name.

    Symbols are matched by name, whatever their assumptions, so a page can write
    ``value_at(prior_lambda().rhs, s=0.5, sigma=2.0)``.

    Examples
    --------
    >>> value_at(early_stopping_lambda().rhs, alpha=0.1, tau=50)
    0.2
    """
    by_name = {symbol.name: symbol for symbol in expression.free_symbols}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        raise ValueError(f"expression has no symbol named {unknown[0]!r}; it has {sorted(by_name)}")
    result = expression.subs({by_name[name]: value for name, value in values.items()})
    if result.free_symbols:
        raise ValueError(f"give a value for {sorted(s.name for s in result.free_symbols)}")
    return float(result)


def _eigen_symbols() -> tuple[sp.Symbol, sp.Symbol, sp.Symbol]:
    """Return the curvature ``hᵢ > 0``, the unregularized optimum ``w*ᵢ`` and the weight ``wᵢ``."""
    return sp.Symbol("h_i", positive=True), sp.Symbol("w^*_i", real=True), sp.Symbol("w_i", real=True)


@formula("gaussian_prior_map", "gaussian")
def gaussian_prior_map(likelihood: str = "gaussian") -> Derivation:
    r"""Derive ``−(1/m) log p(w | data)`` under a prior ``N(0, σ²I)`` on the weights: ``J`` plus an L2 term.

    Bayes: ``p(w | data) ∝ p(data | w) p(w)``. SymPy expands the logarithm of
    the likelihood and prior products and rewrites the sums with the book's
    quantities: ``Σᵢ Lᵢ = mJ`` and ``Σⱼ wⱼ² = ‖w‖²``. Whatever does not depend
    on ``w`` is collected in ``C``.

    Parameters
    ----------
    likelihood : {"gaussian", "bernoulli"}
        ``"gaussian"``: ``y ~ N(ŷ, s²)``, whose per-example loss is the book's
        MSE ``Lᵢ = (ŷᵢ − yᵢ)²/2``; ``"bernoulli"``: ``y ~ Bernoulli(ŷ)``, whose
        negative log-likelihood is exactly the cross-entropy ``Lᵢ``.

    Examples
    --------
    >>> gaussian_prior_map().rhs
    C + J/s**2 + \lVert{}w\rVert^{2}/(2*m*sigma**2)
    >>> gaussian_prior_map("bernoulli").rhs
    C + J + \lVert{}w\rVert^{2}/(2*m*sigma**2)
    """
    objective = _negative_log_posterior(likelihood)
    J, norm, _, _ = _prior_symbols()
    constant = objective.subs({J: 0, norm: 0})
    splits = not constant.has(J, norm) and not sp.expand(objective - constant).has(*_bayes_dummies())
    confirm(splits, "the negative log posterior splits into J, ‖w‖² and a constant")
    lhs = sp.Symbol(r"-\frac{1}{m} \log p(w \mid X, y)")
    return Derivation(lhs, sp.expand(objective - constant) + sp.Symbol("C"))


@formula("prior_lambda", "gaussian")
@formula("prior_lambda_bernoulli", "bernoulli")
def prior_lambda(likelihood: str = "gaussian") -> Derivation:
    """Derive which ``λ`` a prior ``N(0, σ²I)`` gives: ``s²/σ²`` (Gaussian noise ``s``), ``1/σ²`` (Bernoulli).

    Scales :func:`gaussian_prior_map` so that ``J`` has coefficient 1, then
    solves ``coefficient of ‖w‖² = λ/(2m)`` for ``λ``. A broad prior (large
    ``σ``) means a weak penalty; ``σ = s/√λ``.

    Parameters
    ----------
    likelihood : {"gaussian", "bernoulli"}
        As in :func:`gaussian_prior_map`.

    Examples
    --------
    >>> prior_lambda().rhs
    s**2/sigma**2
    >>> prior_lambda("bernoulli").rhs
    sigma**(-2)
    """
    J, norm, _, _ = _prior_symbols()
    objective = gaussian_prior_map(likelihood).rhs - sp.Symbol("C")
    scaled = sp.expand(objective / objective.coeff(J))
    (strength,) = sp.solve(sp.Eq(scaled.coeff(norm), lam / (2 * m)), lam)
    return Derivation(lam, strength)


def _negative_log_posterior(likelihood: str) -> sp.Expr:
    """Return ``−(1/m) log(p(y | w) p(w))`` in terms of ``J``, ``‖w‖²`` and constants."""
    J, norm, s, sigma = _prior_symbols()
    i, j, n, y, y_hat, w, L = _bayes_dummies()
    if likelihood == "gaussian":
        example = _normal_density(y[i], y_hat[i], s)
        loss = {(y[i] - y_hat[i]) ** 2: 2 * L[i]}  # the book's MSE per example: (ŷ − y)²/2
    elif likelihood == "bernoulli":
        example = y_hat[i] ** y[i] * (1 - y_hat[i]) ** (1 - y[i])
        # The log-likelihood of one example is minus the book's cross-entropy Lᵢ.
        loss = {y[i] * sp.log(y_hat[i]) + (1 - y[i]) * sp.log(1 - y_hat[i]): -L[i]}
    else:
        raise ValueError(f"likelihood must be 'gaussian' or 'bernoulli', got {likelihood!r}")
    posterior = sp.Product(example, (i, 1, m)) * sp.Product(_normal_density(w[j], 0, sigma), (j, 1, n))
    objective = sp.expand_log(-sp.log(posterior) / m, force=True)
    objective = _constants_out_of_sums(objective.xreplace(loss)).doit()
    return sp.expand(objective.xreplace({sp.Sum(L[i], (i, 1, m)): m * J, sp.Sum(w[j] ** 2, (j, 1, n)): norm}))


def _normal_density(x: sp.Expr, mean: sp.Expr, sd: sp.Expr) -> sp.Expr:
    """Return the density of ``N(mean, sd²)`` at ``x``."""
    return sp.exp(-((x - mean) ** 2) / (2 * sd**2)) / sp.sqrt(2 * sp.pi * sd**2)


def _constants_out_of_sums(expression: sp.Expr) -> sp.Expr:
    """Rewrite every ``Σᵢ c·f(i)`` as ``c·Σᵢ f(i)``, term by term, so sums can be matched by name."""

    def split(total: sp.Sum) -> sp.Expr:
        index_terms = []
        for term in sp.Add.make_args(sp.expand(total.function)):
            constant, variable = term.as_independent(*total.variables, as_Add=False)
            index_terms.append(constant * sp.Sum(variable, *total.limits))
        return sp.Add(*index_terms)

    return expression.replace(lambda e: isinstance(e, sp.Sum), split)


def _prior_symbols() -> tuple[sp.Symbol, sp.Symbol, sp.Symbol, sp.Symbol]:
    """Return ``J``, ``‖w‖²``, the noise ``s`` and the prior's ``σ``."""
    J, norm = sp.symbols(r"J \lVert{}w\rVert^{2}", positive=True)
    return J, norm, sp.Symbol("s", positive=True), sp.Symbol("sigma", positive=True)


def _bayes_dummies() -> tuple:
    """Return the indices ``i, j``, the weight count ``n`` and the indexed ``y, ŷ, w, L``."""
    i, j, n = sp.symbols("i j n", integer=True, positive=True)
    bases = (sp.IndexedBase(name) for name in ("y", r"\hat{y}", "w", "L"))
    return (i, j, n, *bases)
