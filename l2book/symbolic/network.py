"""A small concrete network written out in scalar symbols, whose gradient SymPy derives for chapter 6's three-way check."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from l2book.experiments.cache import through_disk_cache
from l2book.layer import Layer
from l2book.symbolic import notation


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

    def evaluate(self, params: Sequence[Layer], X: np.ndarray, Y: np.ndarray, lam: float) -> list[Layer]:
        """Return the symbolic gradient evaluated at a point, as float64 ``Layer`` s."""
        values = self._evaluate(*_flat_values(params, X, Y), float(lam))
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
    The derivation is kept in the disk cache of ``l2book.experiments.cache``,
    so SymPy derives each network once per change of this module's code.

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
    # The differentiation and the common subexpressions take seconds; the disk cache keeps them
    # for every later process (keyed by this module's code and SymPy's version).
    cost, gradient, common = through_disk_cache(
        lambda: _derived(weights, biases, inputs, targets, activation, loss),
        key=("symbolic network", tuple(layer_dims), m, activation, loss),
        depends_on=(__name__,),
        libraries=("sympy",),
    )
    flat_gradient = [g for dW, db in gradient for part in (dW, db) for g in part]
    arguments = [*_flat_symbols(weights, biases), *inputs, *targets, notation.lam]
    evaluate = sp.lambdify(arguments, flat_gradient, modules="numpy", cse=lambda _: common)
    return SymbolicNetwork(
        tuple(layer_dims), m, activation, loss, weights, biases, inputs, targets, cost, gradient, evaluate
    )


def _derived(weights: tuple, biases: tuple, inputs: sp.Matrix, targets: sp.Matrix, activation: str, loss: str) -> tuple:
    """Return the cost, its gradient ``((dW, db) per layer)`` and the gradient's common subexpressions.

    The last is ``sympy.cse`` of the flat gradient, as ``lambdify(..., cse=True)`` would compute it.
    """
    m = inputs.cols
    cost = _data_cost(_logits(weights, biases, inputs, activation), targets, loss, m)
    # m is this network's number of examples; λ stays a symbol until evaluate() is given a value.
    cost += notation.lam / (2 * m) * sum(w**2 for W in weights for w in W)
    gradient = tuple((W.applyfunc(cost.diff), b.applyfunc(cost.diff)) for W, b in zip(weights, biases))
    flat_gradient = [g for dW, db in gradient for part in (dW, db) for g in part]
    return cost, gradient, sp.cse(flat_gradient, list=False)


def _logits(weights: tuple, biases: tuple, inputs: sp.Matrix, activation: str) -> sp.Matrix:
    """Return ``Z^[L]`` of the symbolic network: hidden layers use ``activation``."""
    g = {"tanh": sp.tanh, "relu": lambda v: sp.Max(0, v), "linear": lambda v: v}[activation]
    A = inputs
    for index, (W, b) in enumerate(zip(weights, biases)):
        Z = W * A + b * sp.ones(1, A.cols)
        A = Z if index == len(weights) - 1 else Z.applyfunc(g)
    return A


def _data_cost(Z: sp.Matrix, Y: sp.Matrix, loss: str, m: int) -> sp.Expr:
    """Return the data loss ``J`` of the logits ``Z`` against the ``m`` targets ``Y``."""
    if loss == "cross_entropy":
        return sum(sp.log(1 + sp.exp(zi)) - yi * zi for zi, yi in zip(Z, Y)) / m
    return sum((zi - yi) ** 2 for zi, yi in zip(Z, Y)) / (2 * m)


def _flat_symbols(weights: tuple, biases: tuple) -> list[sp.Symbol]:
    """Order the parameter symbols as W^[1], b^[1], W^[2], ... (row-major)."""
    return [s for W, b in zip(weights, biases) for part in (W, b) for s in part]


def _flat_values(params: Sequence[Layer], X: np.ndarray, Y: np.ndarray) -> list[float]:
    """Order numeric values as :func:`_flat_symbols` orders the symbols, then X, then Y."""
    arrays = [a for layer in params for a in layer] + [X, Y]
    return [float(v) for a in arrays for v in np.asarray(a, dtype=np.float64).ravel()]
