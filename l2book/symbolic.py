"""SymPy derivations of the results the book displays, each as an expression and as LaTeX.

Imported lazily (``l2book.symbolic`` on first use): the numeric API never pays
for SymPy. Nothing here imports the numeric modules except to hand results
back as :class:`~l2book.Layer` lists for comparison.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from l2book._checks import Layer

lam, m, alpha = sp.symbols("lambda m alpha", positive=True)
z = sp.Symbol("z", real=True)


class Minimum(sp.Function):
    """``min_{c>0} f(c)``, kept unevaluated for display."""

    nargs = 2

    def _latex(self, printer: Any, exp: Any = None) -> str:
        function, variable = self.args
        return r"\min_{%s > 0} \left(%s\right)" % (printer._print(variable), printer._print(function))


class FrobeniusNorm(sp.Function):
    """``‖W‖_F``, printed as such; ``.doit()`` on a matrix gives ``sqrt(tr(WᵀW))``."""

    nargs = 1

    def doit(self, **hints: Any) -> sp.Expr:
        (W,) = self.args
        if isinstance(W, sp.MatrixExpr):
            return sp.sqrt(sp.Trace(W.T * W))
        return self

    def _latex(self, printer: Any, exp: Any = None) -> str:
        tex = r"\left\lVert %s \right\rVert_F" % printer._print(self.args[0])
        return tex if exp is None else f"{tex}^{{{exp}}}"


@dataclass(frozen=True)
class Derivation:
    """A derived identity ``lhs = rhs``, as SymPy objects and as LaTeX.

    Examples
    --------
    >>> print(penalty_gradient().latex)
    \\frac{\\partial}{\\partial W} \\frac{\\lambda \\operatorname{tr}\\left(W^{T} W \\right)}{2 m} = \\frac{\\lambda}{m} W
    """

    lhs: sp.Basic
    rhs: sp.Basic
    #: How ``lhs`` and ``rhs`` are joined in LaTeX: ``=``, or ``\leftarrow`` for an update rule.
    relation: str = "="

    @property
    def latex(self) -> str:
        """``lhs = rhs`` in LaTeX, ready for a ``$$ … $$`` block."""
        # order="none" keeps the terms as built, e.g. (1 − αλ/m) rather than (−αλ/m + 1).
        return f"{sp.latex(self.lhs, order='none')} {self.relation} {sp.latex(self.rhs, order='none')}"


def regularized_cost() -> Derivation:
    """Return the definition ``J_reg = J + λ/(2m) Σ_l ‖W^[l]‖_F²``.

    Examples
    --------
    >>> print(sp.latex(regularized_cost().rhs))
    J + \\frac{\\lambda \\sum_{l=1}^{L} \\left\\lVert W^{[l]} \\right\\rVert_F^{2}}{2 m}
    """
    l, L = sp.symbols("l L", integer=True, positive=True)
    penalty = lam / (2 * m) * sp.Sum(FrobeniusNorm(sp.Symbol("W^{[l]}")) ** 2, (l, 1, L))
    return Derivation(sp.Symbol(r"J_{\mathrm{reg}}"), sp.Symbol("J") + penalty)


def penalty_gradient(rows: Any = None, cols: Any = None) -> Derivation:
    """Derive ``∂/∂W [λ/(2m)·tr(WᵀW)] = (λ/m)·W`` with matrix calculus (``MatrixSymbol``).

    Parameters
    ----------
    rows, cols : int or sympy.Symbol, optional
        Shape of ``W``; symbolic ``n × k`` by default.

    Examples
    --------
    >>> penalty_gradient().rhs
    (lambda/m)*W
    """
    n, k = sp.symbols("n k", integer=True, positive=True)
    W = sp.MatrixSymbol("W", n if rows is None else rows, k if cols is None else cols)
    penalty = lam / (2 * m) * sp.Trace(W.T * W)
    return Derivation(sp.Derivative(penalty, W), penalty.diff(W))


def regularized_stationarity() -> Derivation:
    r"""Solve ``∂J/∂W + (λ/m)W = 0`` for ``∂J/∂W``: where weight decay stops.

    The penalty's gradient is the one :func:`penalty_gradient` derives; at a
    minimum of ``J_reg`` the whole gradient vanishes, so the data gradient
    must equal ``−(λ/m)W``.

    Examples
    --------
    >>> print(regularized_stationarity().latex)
    \frac{\partial{}J}{\partial{}W} = - \frac{W \lambda}{m}
    """
    W, dJ = sp.symbols(r"W \frac{\partial{}J}{\partial{}W}")
    penalty_term = penalty_gradient(1, 1).rhs[0, 0].subs(sp.MatrixSymbol("W", 1, 1)[0, 0], W)
    (solution,) = sp.solve(sp.Eq(dJ + penalty_term, 0), dJ)
    return Derivation(dJ, solution)


def weight_decay_update() -> Derivation:
    """Derive the weight-decay form of a gradient step on ``J_reg``.

    ``W − α(dW + (λ/m)W)`` regrouped on ``W``: ``(1 − αλ/m)W − α·dW``.

    Examples
    --------
    >>> weight_decay_identity()      # the two forms are equal
    0
    """
    W, dW = sp.symbols(r"W \frac{\partial{}J}{\partial{}W}")
    collected = sp.collect(sp.expand(W - alpha * (dW + lam / m * W)), W)
    # Unevaluated atoms only fix the display order, (1 − αλ/m) W − α ∂J/∂W;
    # the displayed form must still equal what SymPy collected.
    shown_W, shown_dW = sp.UnevaluatedExpr(W), sp.UnevaluatedExpr(dW)
    step = sp.Add(shown_W, -alpha * sp.Add(shown_dW, lam / m * shown_W, evaluate=False), evaluate=False)
    decayed = (1 - alpha * lam / m) * shown_W - alpha * shown_dW
    if sp.simplify(decayed.doit() - collected) != 0 or sp.simplify(step.doit() - collected) != 0:
        raise ArithmeticError("the weight-decay form does not match the collected gradient step")
    return Derivation(step, decayed)


def weight_decay_identity() -> sp.Expr:
    """Return ``W − α(dW + (λ/m)W) − ((1 − αλ/m)W − α·dW)`` simplified: zero.

    Examples
    --------
    >>> weight_decay_identity()
    0
    """
    W, dW = sp.symbols("W dW")
    return sp.simplify(W - alpha * (dW + lam / m * W) - ((1 - alpha * lam / m) * W - alpha * dW))


def tanh_taylor(order: int = 7) -> Derivation:
    """Return the Taylor series of ``tanh z`` about 0 up to (not including) ``z**order``.

    Examples
    --------
    >>> tanh_taylor(6).rhs
    z - z**3/3 + 2*z**5/15 + O(z**6)
    """
    return Derivation(sp.tanh(z), sp.series(sp.tanh(z), z, 0, order))


def affine_composition() -> sp.Matrix:
    """Return ``W2(W1 x + b1) + b2 − ((W2 W1) x + (W2 b1 + b2))`` expanded: a zero matrix.

    Two layers of linear units compute one affine map, so depth adds nothing
    without a nonlinearity. Shown here for 2 inputs, 3 hidden units, 2 outputs.

    Examples
    --------
    >>> affine_composition().is_zero_matrix
    True
    """
    W1, b1 = sp.Matrix(3, 2, sp.symbols("a:6")), sp.Matrix(3, 1, sp.symbols("c:3"))
    W2, b2 = sp.Matrix(2, 3, sp.symbols("d:6")), sp.Matrix(2, 1, sp.symbols("e:2"))
    x = sp.Matrix(2, 1, sp.symbols("x:2"))
    return sp.expand(W2 * (W1 * x + b1) + b2 - ((W2 * W1) * x + (W2 * b1 + b2)))


def tanh_small_weight_limit() -> Derivation:
    """Return ``lim_{w→0} tanh(w·x + b) = tanh(b)``: a unit with no weights is a constant.

    Examples
    --------
    >>> tanh_small_weight_limit().rhs
    tanh(b)
    """
    w, x, b = sp.symbols("w x b", real=True)
    unit = sp.tanh(w * x + b)
    return Derivation(sp.Limit(unit, w, 0, dir="+-"), sp.limit(unit, w, 0, dir="+-"))


def rescaling_minimum() -> Derivation:
    r"""Derive ``min_{c>0} c²‖w_in‖² + ‖w_out‖²/c² = 2‖w_in‖‖w_out‖``: the cheapest split of a unit's weights.

    Scaling a unit's incoming weights by ``c`` and its outgoing weights by
    ``1/c`` leaves a ReLU network's function unchanged, while the L2 penalty of
    the two becomes ``c²‖w_in‖² + ‖w_out‖²/c²``. At the best ``c`` it is
    ``2‖w_in‖‖w_out‖``: L2 on two layers penalizes the *product* of each
    unit's norms, so switching a whole unit off is cheap.

    Examples
    --------
    >>> print(rescaling_minimum().latex)
    \min_{c > 0} \left(\lVert{}w_{\mathrm{in}}\rVert^{2} c^{2} + \frac{\lVert{}w_{\mathrm{out}}\rVert^{2}}{c^{2}}\right) = 2 \lVert{}w_{\mathrm{in}}\rVert \lVert{}w_{\mathrm{out}}\rVert
    """
    a, b = sp.symbols(r"\lVert{}w_{\mathrm{in}}\rVert \lVert{}w_{\mathrm{out}}\rVert", positive=True)
    c = sp.Symbol("c", positive=True)
    penalty = c**2 * a**2 + b**2 / c**2
    (best,) = sp.solve(sp.diff(penalty, c), c)
    return Derivation(Minimum(penalty, c), sp.simplify(penalty.subs(c, best)))


def scaled_regularized_cost() -> Derivation:
    r"""Derive ``m·J_reg = Σ_i L(ŷ_i, y_i) + (λ/2) Σ_l ‖W^[l]‖_F²``: the sum of losses against a fixed penalty.

    Examples
    --------
    >>> print(sp.latex(scaled_regularized_cost().rhs, order="none"))
    \sum_{i=1}^{m} \mathcal{L}{\left({\hat{y}}_{i},{y}_{i} \right)} + \frac{\lambda \sum_{l=1}^{L} \left\lVert W^{[l]} \right\rVert_F^{2}}{2}
    """
    i = sp.Symbol("i", integer=True, positive=True)
    m_examples = sp.Symbol("m", integer=True, positive=True)
    loss = sp.Function(r"\mathcal{L}")(sp.Indexed(r"\hat{y}", i), sp.Indexed("y", i))
    data = sp.Sum(loss, (i, 1, m_examples)) / m_examples
    l, L = sp.symbols("l L", integer=True, positive=True)
    squared_norms = sp.Sum(FrobeniusNorm(sp.Symbol("W^{[l]}")) ** 2, (l, 1, L))
    scaled = sp.expand(m_examples * (data + lam / (2 * m_examples) * squared_norms))
    # Shown as the book reads it, losses first; it must still be what SymPy expanded.
    shown = sp.Add(sp.Sum(loss, (i, 1, m_examples)), lam / 2 * squared_norms, evaluate=False)
    if sp.simplify(shown.doit() - scaled.doit()) != 0:
        raise ArithmeticError("m·J_reg does not expand to the sum of losses plus (λ/2)·Σ‖W‖²")
    return Derivation(sp.Mul(m_examples, sp.Symbol(r"J_{\mathrm{reg}}"), evaluate=False), shown)


def adam_updates() -> tuple[Derivation, Derivation]:
    r"""Return Adam's update with L2 in the gradient (coupled) and with decoupled weight decay (AdamW).

    ``ĝ(·)`` and ``v̂(·)`` stand for Adam's bias-corrected running means of a
    gradient and of its square (Adam's papers write ``m̂``; here ``m`` counts
    examples). Coupled, the penalty's gradient ``(λ/m)W`` goes through both;
    decoupled, the weights are shrunk by ``1 − αλ/m`` as under SGD. SymPy
    confirms the two coincide when Adam's rescaling is removed (``ĝ(x) = x``,
    ``v̂ = 1``, ``ε = 0``: plain gradient descent) and differ otherwise.

    Examples
    --------
    >>> coupled, decoupled = adam_updates()
    >>> print(coupled.relation, decoupled.relation)
    \leftarrow \leftarrow
    """
    W, dJ, epsilon = sp.symbols(r"W \frac{\partial{}J}{\partial{}W} epsilon", positive=True)
    mean, mean_square = sp.Function(r"\hat{g}"), sp.Function(r"\hat{v}")

    def adam(gradient: sp.Expr) -> sp.Expr:
        return alpha * mean(gradient) / (sp.sqrt(mean_square(gradient)) + epsilon)

    regularized = dJ + lam / m * W
    coupled = W - adam(regularized)
    decoupled = sp.Add((1 - alpha * lam / m) * sp.UnevaluatedExpr(W), -adam(dJ), evaluate=False)
    as_sgd = {mean: sp.Lambda(z, z), mean_square: sp.Lambda(z, 1), epsilon: 0}
    if sp.simplify((coupled - decoupled.doit()).subs(as_sgd)) != 0:
        raise ArithmeticError("coupled and decoupled decay must coincide under plain gradient descent")
    if sp.simplify(coupled - decoupled.doit()) == 0:
        raise ArithmeticError("coupled and decoupled decay must differ under Adam")
    return Derivation(W, coupled, r"\leftarrow"), Derivation(W, decoupled, r"\leftarrow")


@dataclass(frozen=True)
class SymbolicNetwork:
    """A small concrete network written out in scalar symbols, with its cost and gradient.

    Build one with :func:`symbolic_network`. ``weights[l]`` and ``biases[l]``
    are matrices of symbols; ``cost`` is ``J + λ/(2m) Σ w²`` in those symbols
    and ``gradient[l]`` holds ``(∂cost/∂W^[l], ∂cost/∂b^[l])``.
    """

    layer_dims: tuple[int, ...]
    m: int
    activation: str
    loss: str
    weights: tuple[sp.Matrix, ...]
    biases: tuple[sp.Matrix, ...]
    inputs: sp.Matrix
    targets: sp.Matrix
    cost: sp.Expr
    gradient: tuple[tuple[sp.Matrix, sp.Matrix], ...]
    _evaluate: Any

    def evaluate(self, params: Sequence[Layer], X: np.ndarray, Y: np.ndarray, lam_value: float) -> list[Layer]:
        """Return the symbolic gradient evaluated at a point, as float64 ``Layer`` s."""
        values = self._evaluate(*_flat_values(params, X, Y), float(lam_value))
        grads, position = [], 0
        for W, b in zip(self.weights, self.biases):
            dW = np.array(values[position : position + W.rows * W.cols], dtype=np.float64).reshape(W.shape)
            position += W.rows * W.cols
            db = np.array(values[position : position + b.rows], dtype=np.float64).reshape(b.shape)
            position += b.rows
            grads.append(Layer(dW, db))
        return grads


@functools.lru_cache(maxsize=32)
def symbolic_network(
    layer_dims: tuple[int, ...], m: int, activation: str = "tanh", loss: str = "cross_entropy"
) -> SymbolicNetwork:
    """Write out the regularized cost of a concrete network in scalars and differentiate it.

    Every weight, bias, input and target is its own SymPy symbol; the cost is
    built exactly as the book defines it (sigmoid + cross-entropy written as
    ``log(1 + e^z) − y·z``, or identity + ``(1/2m) Σ (z − y)²``), then SymPy
    differentiates it with respect to every parameter, and ``lambdify`` (with
    common-subexpression elimination) turns the result into a NumPy function.

    Parameters
    ----------
    layer_dims : tuple of int
        ``(n_x, n_1, ..., n_L)``; keep it small (tens of parameters).
    m : int
        Number of examples.
    activation : {"tanh", "relu", "linear"}
        Hidden-layer activation.
    loss : {"cross_entropy", "mse"}
        Data loss.

    Examples
    --------
    >>> net = symbolic_network((1, 1, 1), 1, "linear", "mse")
    >>> sp.factor(net.gradient[1][1][0])          # ∂J/∂b^[2] = ŷ − y
    W1_00*W2_00*x_00 + W2_00*b1_0 + b2_0 - y_00
    """
    weights = tuple(
        sp.Matrix(n, n_prev, lambda i, j, l=l: sp.Symbol(f"W{l}_{i}{j}", real=True))
        for l, (n_prev, n) in enumerate(zip(layer_dims[:-1], layer_dims[1:]), start=1)
    )
    biases = tuple(
        sp.Matrix(n, 1, lambda i, j, l=l: sp.Symbol(f"b{l}_{i}", real=True))
        for l, n in enumerate(layer_dims[1:], start=1)
    )
    inputs = sp.Matrix(layer_dims[0], m, lambda i, k: sp.Symbol(f"x_{i}{k}", real=True))
    targets = sp.Matrix(layer_dims[-1], m, lambda i, k: sp.Symbol(f"y_{i}{k}", real=True))
    cost = _data_cost(_logits(weights, biases, inputs, activation), targets, loss, m)
    cost += lam / (2 * m) * sum(w**2 for W in weights for w in W)
    gradient = tuple((W.applyfunc(cost.diff), b.applyfunc(cost.diff)) for W, b in zip(weights, biases))
    flat_gradient = [g for dW, db in gradient for part in (dW, db) for g in part]
    arguments = [*_flat_symbols(weights, biases), *inputs, *targets, lam]
    evaluate = sp.lambdify(arguments, flat_gradient, modules="numpy", cse=True)
    return SymbolicNetwork(
        tuple(layer_dims), m, activation, loss, weights, biases, inputs, targets, cost, gradient, evaluate
    )


def _logits(weights: tuple, biases: tuple, inputs: sp.Matrix, activation: str) -> sp.Matrix:
    """Return ``Z^[L]`` of the symbolic network: hidden layers use ``activation``."""
    g = {"tanh": sp.tanh, "relu": lambda v: sp.Max(0, v), "linear": lambda v: v}[activation]
    A = inputs
    for index, (W, b) in enumerate(zip(weights, biases)):
        Z = W * A + b * sp.ones(1, A.cols)
        A = Z if index == len(weights) - 1 else Z.applyfunc(g)
    return A


def _data_cost(Z: sp.Matrix, Y: sp.Matrix, loss: str, m_value: int) -> sp.Expr:
    """Return the data loss ``J`` of the logits ``Z`` against the targets ``Y``."""
    if loss == "cross_entropy":
        return sum(sp.log(1 + sp.exp(zi)) - yi * zi for zi, yi in zip(Z, Y)) / m_value
    return sum((zi - yi) ** 2 for zi, yi in zip(Z, Y)) / (2 * m_value)


def _flat_symbols(weights: tuple, biases: tuple) -> list[sp.Symbol]:
    """Order the parameter symbols as W^[1], b^[1], W^[2], ... (row-major)."""
    return [s for W, b in zip(weights, biases) for part in (W, b) for s in part]


def _flat_values(params: Sequence[Layer], X: np.ndarray, Y: np.ndarray) -> list[float]:
    """Order numeric values as :func:`_flat_symbols` orders the symbols, then X, then Y."""
    arrays = [a for layer in params for a in layer] + [X, Y]
    return [float(v) for a in arrays for v in np.asarray(a, dtype=np.float64).ravel()]


# --- Chapter 7: beyond the network -------------------------------------------------------
#
# Each derivation below raises ArithmeticError if a step SymPy is asked to confirm
# does not hold, so a formula that reaches the page was checked on the way.


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
    _confirm_zero(sp.expand(gradient - shown), "the gradient is (1/m)Xᵀ(Xw − y) + (λ/m)w")
    return Derivation(sp.Derivative(ridge_cost, w), shown)


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
    _confirm_zero(sp.expand(m * _ridge_cost(X, y, w).diff(w) - normal_equations), "m·∇J_reg = (XᵀX + λI)w − Xᵀy")
    solution = (X.T * X + lam * sp.Identity(n)).inverse() * X.T * y
    _confirm_zero(sp.simplify(sp.expand(normal_equations.subs(w, solution))), "ŵ solves the normal equations")
    return Derivation(sp.Symbol(r"\hat{w}"), solution)


def ridge_solution(X: np.ndarray, y: np.ndarray, lam_value: float) -> np.ndarray:
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
    evaluate = sp.lambdify((X_sym.subs(shapes), y_sym.subs(shapes), lam), derived, modules="numpy")
    return np.asarray(evaluate(X, np.reshape(y, (rows, 1)), float(lam_value)), dtype=np.float64)


def _ridge_symbols() -> tuple[sp.MatrixSymbol, sp.MatrixSymbol, sp.MatrixSymbol, sp.Symbol]:
    """Return ``X`` (examples × n), ``y``, ``w`` and ``n`` for the ridge derivations."""
    rows, n = sp.symbols("m n", integer=True, positive=True)
    return sp.MatrixSymbol("X", rows, n), sp.MatrixSymbol("y", rows, 1), sp.MatrixSymbol("w", n, 1), n


def _ridge_cost(X: sp.MatrixSymbol, y: sp.MatrixSymbol, w: sp.MatrixSymbol) -> sp.MatrixExpr:
    """Return the 1×1 ridge cost ``(y − Xw)ᵀ(y − Xw)/(2m) + λ wᵀw/(2m)``."""
    residual = y - X * w
    return residual.T * residual / (2 * m) + lam / (2 * m) * (w.T * w)


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
    _confirm_zero(sp.simplify(minimizer - factor * w_star), "the minimizer is h/(h + λ/m)·w*")
    return Derivation(sp.Symbol(r"\tilde{w}_i"), sp.Mul(factor, w_star, evaluate=False))


def shrinkage_factor(h: Any, lam_value: float, m_value: int) -> Any:
    """Evaluate the factor ``h/(h + λ/m)`` derived by :func:`curvature_shrinkage`, elementwise over ``h``.

    Examples
    --------
    >>> shrinkage_factor(np.array([1.0, 0.01]), 1.0, 10)
    array([0.90909091, 0.09090909])
    """
    h_symbol, w_star, _ = _eigen_symbols()
    factor = curvature_shrinkage().rhs / w_star
    evaluate = sp.lambdify((h_symbol, lam, m), factor, modules="numpy")
    return evaluate(np.asarray(h, dtype=np.float64), float(lam_value), int(m_value))


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
    t, tau = sp.Symbol("t", integer=True, nonnegative=True), sp.Symbol("tau", integer=True, positive=True)
    w = sp.Function("w")
    recursion = w(t + 1) - w(t) + alpha * h * (w(t) - w_star)
    trajectory = sp.rsolve(recursion, w(t), {w(0): 0})
    fraction = sp.simplify(trajectory.subs(t, tau) / w_star)
    return Derivation(sp.Symbol(r"\frac{w_i(\tau)}{w^*_i}"), fraction)


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
    tau = sp.Symbol("tau", integer=True, positive=True)
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
    if constant.has(J, norm) or sp.expand(objective - constant).has(*_bayes_dummies()):
        raise ArithmeticError("the negative log posterior did not split into J, ‖w‖² and a constant")
    lhs = sp.Symbol(r"-\frac{1}{m} \log p(w \mid X, y)")
    return Derivation(lhs, sp.expand(objective - constant) + sp.Symbol("C"))


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


def _confirm_zero(expression: Any, claim: str) -> None:
    """Raise ``ArithmeticError`` unless SymPy reduced ``expression`` to zero (scalar or matrix)."""
    if not (expression == 0 or getattr(expression, "is_ZeroMatrix", False)):
        raise ArithmeticError(f"SymPy could not confirm that {claim}: left {expression}")


#: The derivations the book displays, by name: each returns LaTeX for one ``$$ … $$`` block.
#: A page writes ``<!-- formula: NAME -->`` on its own line and the site build puts the
#: formula there, so the page cannot show what the code did not derive.
FORMULAS = {
    "regularized_cost": lambda: regularized_cost().latex,
    "penalty_gradient": lambda: penalty_gradient().latex,
    "weight_decay_update": lambda: weight_decay_update().latex,
    "regularized_stationarity": lambda: regularized_stationarity().latex,
    "tanh_taylor": lambda: tanh_taylor().latex,
    "tanh_small_weight_limit": lambda: tanh_small_weight_limit().latex,
    "rescaling_minimum": lambda: rescaling_minimum().latex,
    "scaled_regularized_cost": lambda: scaled_regularized_cost().latex,
    "adam_coupled_update": lambda: adam_updates()[0].latex,
    "adamw_update": lambda: adam_updates()[1].latex,
    # Chapter 7: Beyond.
    "ridge_gradient": lambda: ridge_gradient().latex,
    "ridge_closed_form": lambda: ridge_closed_form().latex,
    "curvature_shrinkage": lambda: curvature_shrinkage().latex,
    "gaussian_prior_map": lambda: gaussian_prior_map("gaussian").latex,
    "prior_lambda": lambda: prior_lambda("gaussian").latex,
    "prior_lambda_bernoulli": lambda: prior_lambda("bernoulli").latex,
    "early_stopping_factor": lambda: early_stopping_factor().latex,
    "early_stopping_lambda": lambda: early_stopping_lambda().latex,
}
