"""The derivations of chapters 2 to 5: the regularized cost, its gradient, weight decay, tanh near zero, dead units."""

from __future__ import annotations

from typing import Any

import sympy as sp

from l2book.symbolic.notation import Derivation, Minimum, W, alpha, dJ_dW, lam, m, squared_weight_norms, z
from l2book.symbolic.registry import confirm, formula, is_zero


@formula("regularized_cost")
def regularized_cost() -> Derivation:
    """Return the definition ``J_reg = J + λ/(2m) Σ_l ‖W^[l]‖_F²``.

    Examples
    --------
    >>> print(sp.latex(regularized_cost().rhs))
    J + \\frac{\\lambda \\sum_{l=1}^{L} \\left\\lVert W^{[l]} \\right\\rVert_F^{2}}{2 m}
    """
    return Derivation(sp.Symbol(r"J_{\mathrm{reg}}"), sp.Symbol("J") + lam / (2 * m) * squared_weight_norms())


@formula("penalty_gradient")
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
    W_matrix = sp.MatrixSymbol("W", n if rows is None else rows, k if cols is None else cols)
    penalty = lam / (2 * m) * sp.Trace(W_matrix.T * W_matrix)
    return Derivation(sp.Derivative(penalty, W_matrix), penalty.diff(W_matrix))


@formula("regularized_stationarity")
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
    penalty_term = penalty_gradient(1, 1).rhs[0, 0].subs(sp.MatrixSymbol("W", 1, 1)[0, 0], W)
    (solution,) = sp.solve(sp.Eq(dJ_dW + penalty_term, 0), dJ_dW)
    return Derivation(dJ_dW, solution)


@formula("weight_decay_update")
def weight_decay_update() -> Derivation:
    r"""Derive the weight-decay form of a gradient step on ``J_reg``.

    ``W − α(dW + (λ/m)W)`` regrouped on ``W``: ``(1 − αλ/m)W − α·dW``.

    Examples
    --------
    >>> print(weight_decay_update().latex)
    W - \alpha \left(\frac{\partial{}J}{\partial{}W} + \frac{\lambda W}{m}\right) = \left(1 - \frac{\alpha \lambda}{m}\right) W - \alpha \frac{\partial{}J}{\partial{}W}
    """
    collected = sp.collect(sp.expand(W - alpha * (dJ_dW + lam / m * W)), W)
    # Unevaluated atoms only fix the display order, (1 − αλ/m) W − α ∂J/∂W;
    # the displayed form must still equal what SymPy collected.
    shown_W, shown_dW = sp.UnevaluatedExpr(W), sp.UnevaluatedExpr(dJ_dW)
    step = sp.Add(shown_W, -alpha * sp.Add(shown_dW, lam / m * shown_W, evaluate=False), evaluate=False)
    decayed = (1 - alpha * lam / m) * shown_W - alpha * shown_dW
    claim = "the weight-decay form matches the collected gradient step"
    confirm(is_zero(sp.simplify(decayed.doit() - collected)) and is_zero(sp.simplify(step.doit() - collected)), claim)
    return Derivation(step, decayed)


def weight_decay_identity() -> sp.Expr:
    """Return ``W − α(dW + (λ/m)W) − ((1 − αλ/m)W − α·dW)`` simplified: zero.

    Examples
    --------
    >>> weight_decay_identity()
    0
    """
    return sp.simplify(W - alpha * (dJ_dW + lam / m * W) - ((1 - alpha * lam / m) * W - alpha * dJ_dW))


@formula("tanh_taylor")
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


@formula("tanh_small_weight_limit")
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


@formula("rescaling_minimum")
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


@formula("scaled_regularized_cost")
def scaled_regularized_cost() -> Derivation:
    r"""Derive ``m·J_reg = Σ_i L(ŷ_i, y_i) + (λ/2) Σ_l ‖W^[l]‖_F²``: the sum of losses against a fixed penalty.

    Examples
    --------
    >>> print(sp.latex(scaled_regularized_cost().rhs, order="none"))
    \sum_{i=1}^{m} \mathcal{L}{\left({\hat{y}}_{i},{y}_{i} \right)} + \frac{\lambda \sum_{l=1}^{L} \left\lVert W^{[l]} \right\rVert_F^{2}}{2}
    """
    i = sp.Symbol("i", integer=True, positive=True)
    loss = sp.Function(r"\mathcal{L}")(sp.Indexed(r"\hat{y}", i), sp.Indexed("y", i))
    data = sp.Sum(loss, (i, 1, m)) / m
    squared_norms = squared_weight_norms()
    scaled = sp.expand(m * (data + lam / (2 * m) * squared_norms))
    # Shown as the book reads it, losses first; it must still be what SymPy expanded.
    shown = sp.Add(sp.Sum(loss, (i, 1, m)), lam / 2 * squared_norms, evaluate=False)
    confirm(is_zero(sp.simplify(shown.doit() - scaled.doit())), "m·J_reg is the sum of losses plus (λ/2)·Σ‖W‖²")
    return Derivation(sp.Mul(m, sp.Symbol(r"J_{\mathrm{reg}}"), evaluate=False), shown)


@formula("adam_coupled_update", part=0)
@formula("adamw_update", part=1)
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
    epsilon = sp.Symbol("epsilon", positive=True)
    mean, mean_square = sp.Function(r"\hat{g}"), sp.Function(r"\hat{v}")

    def adam(gradient: sp.Expr) -> sp.Expr:
        return alpha * mean(gradient) / (sp.sqrt(mean_square(gradient)) + epsilon)

    regularized = dJ_dW + lam / m * W
    coupled = W - adam(regularized)
    decoupled = sp.Add((1 - alpha * lam / m) * sp.UnevaluatedExpr(W), -adam(dJ_dW), evaluate=False)
    as_sgd = {mean: sp.Lambda(z, z), mean_square: sp.Lambda(z, 1), epsilon: 0}
    difference = coupled - decoupled.doit()
    confirm(is_zero(sp.simplify(difference.subs(as_sgd))), "coupled and decoupled decay coincide under plain gradient descent")
    confirm(not is_zero(sp.simplify(difference)), "coupled and decoupled decay differ under Adam")
    return Derivation(W, coupled, r"\leftarrow"), Derivation(W, decoupled, r"\leftarrow")
