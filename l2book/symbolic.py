"""SymPy derivations of every formula the book displays, each as an expression and as LaTeX.

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

    @property
    def latex(self) -> str:
        """``lhs = rhs`` in LaTeX, ready for a ``$$ … $$`` block."""
        # order="none" keeps the terms as built, e.g. (1 − αλ/m) rather than (−αλ/m + 1).
        return f"{sp.latex(self.lhs, order='none')} = {sp.latex(self.rhs, order='none')}"


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


def weight_decay_update() -> Derivation:
    """Derive the weight-decay form of a gradient step on ``J_reg``.

    ``W − α(dW + (λ/m)W)`` regrouped on ``W``: ``(1 − αλ/m)W − α·dW``.

    Examples
    --------
    >>> weight_decay_identity()      # the two forms are equal
    0
    """
    W, dW = sp.symbols(r"W \frac{\partial{}J}{\partial{}W}")
    step = W - alpha * (dW + lam / m * W)
    return Derivation(step, sp.collect(sp.expand(step), W))


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
    """Derive ``min_{c>0} c²a² + b²/c² = 2ab``: the cheapest split of a unit's weights.

    Scaling a unit's incoming weights by ``c`` and its outgoing weights by
    ``1/c`` leaves a ReLU network's function unchanged, while the L2 penalty of
    the two becomes ``c²a² + b²/c²`` (``a = ‖w_in‖``, ``b = ‖w_out‖``). At the
    best ``c`` it is ``2ab``: L2 on two layers penalizes the *product* of each
    unit's norms, so switching a whole unit off is cheap.

    Examples
    --------
    >>> rescaling_minimum().rhs
    2*a*b
    """
    a, b, c = sp.symbols("a b c", positive=True)
    penalty = c**2 * a**2 + b**2 / c**2
    (best,) = sp.solve(sp.diff(penalty, c), c)
    return Derivation(Minimum(penalty, c), sp.simplify(penalty.subs(c, best)))


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


#: The derivations the book displays, by name: each returns LaTeX for one ``$$ … $$`` block.
#: A page writes ``<!-- formula: NAME -->`` on its own line and the site build puts the
#: formula there, so the page cannot show what the code did not derive.
FORMULAS = {
    "regularized_cost": lambda: regularized_cost().latex,
    "penalty_gradient": lambda: penalty_gradient().latex,
    "weight_decay_update": lambda: weight_decay_update().latex,
    "tanh_taylor": lambda: tanh_taylor().latex,
    "tanh_small_weight_limit": lambda: tanh_small_weight_limit().latex,
    "rescaling_minimum": lambda: rescaling_minimum().latex,
}
