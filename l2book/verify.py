"""The ``verify`` command: SymPy, NumPy and finite differences compared on a grid of small networks."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np

from l2book.gradcheck import THRESHOLDS, check_gradients, relative_error
from l2book.layer import Layer
from l2book.network import gradients

#: (layer_dims, m) of the networks checked: a 2-layer and a 3-layer net.
NETWORKS = (((2, 3, 1), 4), ((3, 4, 3, 2), 3))
ACTIVATIONS = ("tanh", "relu", "linear")
LOSSES = ("cross_entropy", "mse")
DTYPES = (np.float64, np.float32)
LAM = 0.7


@dataclass(frozen=True)
class VerifyRow:
    """One network checked: its errors against SymPy and against finite differences."""

    network: str
    activation: str
    loss: str
    dtype: str
    sympy_error: float
    finite_difference_error: float
    threshold: float

    @property
    def passed(self) -> bool:
        """Both errors are below the dtype's threshold."""
        return max(self.sympy_error, self.finite_difference_error) < self.threshold


def verify_rows(seed: int = 0) -> list[VerifyRow]:
    """Check every combination of network, activation, loss and dtype (24 rows, ~10 s)."""
    from l2book.symbolic import symbolic_network  # SymPy only when this command runs

    rows = []
    for (dims, m), activation, loss, dtype in product(NETWORKS, ACTIVATIONS, LOSSES, DTYPES):
        params, X, Y = _problem(dims, m, dtype, seed)
        numpy_grads = gradients(params, X, Y, LAM, activation=activation, loss=loss)
        sympy_grads = symbolic_network(dims, m, activation, loss).evaluate(params, X, Y, LAM)
        check = check_gradients(params, X, Y, LAM, activation=activation, loss=loss)
        rows.append(
            VerifyRow(
                network="-".join(map(str, dims)) + f", m={m}",
                activation=activation,
                loss=loss,
                dtype=np.dtype(dtype).name,
                sympy_error=relative_error(_flat(numpy_grads), _flat(sympy_grads)),
                finite_difference_error=check.relative_error,
                threshold=THRESHOLDS[np.dtype(dtype)],
            )
        )
    return rows


def format_table(rows: list[VerifyRow]) -> str:
    """Return the rows as a Markdown table with PASS/FAIL per row."""
    lines = [
        "| network | activation | loss | dtype | vs SymPy | vs finite differences | threshold | result |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row.network} | {row.activation} | {row.loss} | {row.dtype} | {row.sympy_error:.1e} "
            f"| {row.finite_difference_error:.1e} | {row.threshold:.0e} | {'PASS' if row.passed else 'FAIL'} |"
        )
    return "\n".join(lines)


def _problem(dims: tuple[int, ...], m: int, dtype: type, seed: int) -> tuple[list[Layer], np.ndarray, np.ndarray]:
    """Return parameters with random biases (no ReLU kink at 0), inputs and soft labels."""
    rng = np.random.default_rng(seed)
    layers = []
    for n_prev, n in zip(dims[:-1], dims[1:]):
        layers.append(Layer(rng.standard_normal((n, n_prev)) / np.sqrt(n_prev), rng.standard_normal((n, 1))))
    X = rng.standard_normal((dims[0], m))
    Y = rng.uniform(0, 1, (dims[-1], m))
    return [Layer(W.astype(dtype), b.astype(dtype)) for W, b in layers], X.astype(dtype), Y.astype(dtype)


def _flat(layers: list[Layer]) -> np.ndarray:
    """One float64 vector of every ``W`` and ``b``."""
    return np.concatenate([np.asarray(a, np.float64).ravel() for layer in layers for a in layer])
