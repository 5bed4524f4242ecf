"""The random problems on which the grader runs a reader's function beside the verified one."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from l2book.layer import Layer
from l2book.network import gradients, init_params

#: (layer widths, m, λ, learning rate) of each problem: one and two hidden layers,
#: non-square weight matrices and a square one (where a transposed ``dW`` keeps its
#: shape), several m, λ = 0 and λ > 0. No λ/m is near 1/2, 1 or 2 and no learning
#: rate is 1, where two different constants would give the same numbers.
LAYOUTS = (
    ((3, 4, 1), 5, 0.7, 0.3),
    ((4, 5, 3, 1), 7, 0.0, 0.5),
    ((2, 3, 3, 1), 6, 2.5, 0.2),
    ((5, 2, 1), 11, 1.3, 0.4),
)


@dataclass(frozen=True)
class Problem:
    """One problem: a tanh network with a sigmoid output, its data, λ, and a learning rate.

    ``data_grads`` are the gradients of the data loss alone at ``params``, the
    ``grads`` that ``weight_decay_update`` receives.
    """

    params: tuple[Layer, ...]
    X: np.ndarray
    Y: np.ndarray
    lam: float
    lr: float
    data_grads: tuple[Layer, ...]

    @property
    def m(self) -> int:
        """Number of examples, the columns of ``X``."""
        return self.X.shape[1]

    @property
    def weights(self) -> list[np.ndarray]:
        """The weight matrices ``W^[l]``."""
        return [W for W, _ in self.params]

    def at_lam(self, lam: float) -> Problem:
        """Return the same problem with another λ."""
        return replace(self, lam=lam)

    def __str__(self) -> str:
        widths = [self.params[0].W.shape[1], *(W.shape[0] for W, _ in self.params)]
        return f"layers {'-'.join(map(str, widths))}, m = {self.m}, λ = {self.lam:g}"


def make_problems(seed: int) -> list[Problem]:
    """Return the grader's problems, one per entry of ``LAYOUTS``, with values drawn from ``seed``.

    Biases are random, not zero, so that a penalized bias shows.

    Examples
    --------
    >>> [str(problem) for problem in make_problems(seed=0)][:2]
    ['layers 3-4-1, m = 5, λ = 0.7', 'layers 4-5-3-1, m = 7, λ = 0']
    """
    rng = np.random.default_rng(seed)
    problems = []
    for dims, m, lam, lr in LAYOUTS:
        params = tuple(
            Layer(W, 0.5 * rng.standard_normal(b.shape))
            for W, b in init_params(dims, seed=int(rng.integers(2**31)))
        )
        X = rng.standard_normal((dims[0], m))
        Y = rng.integers(0, 2, (dims[-1], m)).astype(np.float64)
        data_grads = tuple(gradients(list(params), X, Y, 0.0))
        problems.append(Problem(params, X, Y, lam, lr, data_grads))
    return problems


def fresh_layers(layers: tuple[Layer, ...]) -> list[Layer]:
    """Return a new list of new Layers holding copies of the arrays: the reader's to keep or spoil."""
    return [Layer(W.copy(), b.copy()) for W, b in layers]
