"""One experiment named by its settings: the data set, the network and how it is trained."""

from __future__ import annotations

import dataclasses
from typing import Any

from l2book._checks import choice, count, example_count, nonnegative, positive, widths
from l2book.experiments.data import Dataset, two_moons
from l2book.network import ACTIVATIONS


@dataclasses.dataclass(frozen=True)
class Setup:
    """One experiment: the data set, the network and how it is trained.

    The defaults are the book's: a training set small enough to overfit (100
    noisy two-moons points), a large test set (4000 points) to measure the
    result precisely, a 2-30-1 tanh network, 5000 full-batch steps.

    Attributes
    ----------
    m_train : int
        Number of training examples.
    m_test : int
        Number of test examples (at least 4: an affine fit in 2-D has 3 coefficients).
    noise : float
        Standard deviation of the Gaussian noise added to each coordinate.
    hidden : tuple of int
        Widths of the hidden layers.
    activation : {"tanh", "relu", "linear"}
        Hidden-layer activation; the output is a sigmoid with cross-entropy.
    steps : int
        Number of full-batch gradient steps.
    lr : float
        Learning rate ``α``. The default ``0.7`` is small enough that training
        follows the smooth path of gradient flow: with larger steps, unregularized
        runs can turn chaotic, and then a rounding difference of 1e-16 changes
        the final accuracy. It also keeps the decay factor ``1 − αλ/m`` of
        :func:`~l2book.weight_decay_step` in ``(0, 1)`` for every ``λ ≤ 100``.
    seed : int
        Seed of the data set and of the initial weights.

    Examples
    --------
    >>> Setup().layer_dims
    (2, 30, 1)
    >>> Setup(hidden=(8, 8), m_train=50).layer_dims
    (2, 8, 8, 1)
    """

    m_train: int = 100
    m_test: int = 4000
    noise: float = 0.4
    hidden: tuple[int, ...] = (30,)
    activation: str = "tanh"
    steps: int = 5000
    lr: float = 0.7
    seed: int = 0

    def __post_init__(self) -> None:
        example_count("m_train", self.m_train)
        if example_count("m_test", self.m_test) < 4:
            raise ValueError(f"m_test must be >= 4 for an affine fit in 2-D to mean anything, got {self.m_test!r}")
        nonnegative("noise", self.noise)
        object.__setattr__(self, "hidden", widths("hidden", self.hidden))  # a tuple, so that a Setup is hashable
        choice("activation", self.activation, ACTIVATIONS)
        count("steps", self.steps, minimum=1)
        positive("lr", self.lr)
        count("seed", self.seed, minimum=0)

    @property
    def layer_dims(self) -> tuple[int, ...]:
        """``(n_x, n_1, …, n_L)``: two inputs, the hidden widths, one output."""
        return (2, *self.hidden, 1)

    def data(self) -> Dataset:
        """Return the data set: training and test sets drawn from independent streams of the seed."""
        X_train, Y_train = two_moons(self.m_train, noise=self.noise, seed=(self.seed, 0))
        X_test, Y_test = two_moons(self.m_test, noise=self.noise, seed=(self.seed, 1))
        return Dataset(X_train, Y_train, X_test, Y_test)


def checked_setup(setup: Any) -> Setup:
    """Return ``setup``, or the default one for ``None``, refusing anything else."""
    if setup is None:
        return Setup()
    if not isinstance(setup, Setup):
        raise TypeError(f"setup must be a Setup, got {type(setup).__name__}")
    return setup
