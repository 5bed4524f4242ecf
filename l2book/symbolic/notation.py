"""The book's symbols and the display types its derivations are made of: each symbol is defined once, here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

#: ``λ`` (regularization strength), ``m`` (number of training examples) and ``α`` (learning rate).
#: ``m`` is not declared an integer: SymPy would then order some products differently on the page.
lam, m, alpha = sp.symbols("lambda m alpha", positive=True)
#: ``z``, a pre-activation.
z = sp.Symbol("z", real=True)
#: ``W`` and ``∂J/∂W``, a weight and the data part of its gradient, as scalars: an update acts on each entry alike.
W, dJ_dW = sp.symbols(r"W \frac{\partial{}J}{\partial{}W}")
#: ``τ``, a number of gradient steps.
tau = sp.Symbol("tau", integer=True, positive=True)


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
    >>> from l2book.symbolic import penalty_gradient
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


def squared_weight_norms() -> sp.Sum:
    """Return ``Σ_l ‖W^[l]‖_F²`` over the ``L`` layers, unevaluated."""
    l, L = sp.symbols("l L", integer=True, positive=True)
    return sp.Sum(FrobeniusNorm(sp.Symbol("W^{[l]}")) ** 2, (l, 1, L))
