"""The data set of the book: noisy two moons, made in code from a seed, standardized by the distribution."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from l2book._checks import count, example_count, nonnegative

# Mean and variance of the noiseless two moons of scikit-learn's make_moons (t uniform in [0, π]):
# x₁ is cos t or 1 − cos t, mean 1/2, variance 3/4; x₂ is sin t or 1/2 − sin t, mean 1/4,
# variance E sin²t − E sin t/2 + 1/16 = 9/16 − 1/π. The noise adds its own variance to both.
_MOONS_MEAN = np.array([[0.5], [0.25]])
_MOONS_VARIANCE = np.array([[0.75], [9 / 16 - 1 / np.pi]])


@dataclasses.dataclass(frozen=True)
class Dataset:
    """Training and test examples, one column each; labels in ``{0, 1}`` of shape ``(1, m)``.

    See Also
    --------
    Setup.data : makes the book's data set.

    Examples
    --------
    >>> from l2book.experiments import Setup
    >>> data = Setup(m_train=10, m_test=20).data()
    >>> data.X_train.shape, data.Y_train.shape, data.X_test.shape
    ((2, 10), (1, 10), (2, 20))
    """

    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray



def two_moons(m: int, *, noise: float = 0.4, seed: int | tuple[int, ...] = 0) -> tuple[np.ndarray, np.ndarray]:
    """Return ``m`` noisy two-moons examples: inputs ``X`` of shape ``(2, m)``, labels ``Y`` of shape ``(1, m)``.

    Each example picks a class with probability 1/2 and an angle ``t`` uniform
    in ``[0, π]``; class 0 lies on the upper arc ``(cos t, sin t)``, class 1 on
    the lower arc ``(1 − cos t, 1/2 − sin t)``; Gaussian noise of standard
    deviation ``noise`` is added to both coordinates. Finally each coordinate is
    standardized with the mean and variance of the distribution (not of the
    sample): the inputs have mean 0 and variance 1, the scale at which
    :func:`~l2book.init_params` keeps tanh units out of saturation. With
    ``noise=0.4`` the two classes overlap, so no classifier can be perfect.

    Examples are drawn one after another from the seed's streams, so the first
    ``k`` examples of ``two_moons(m, seed=s)`` are ``two_moons(k, seed=s)``: a
    larger training set contains the smaller ones.

    Parameters
    ----------
    m : int
        Number of examples, ``m ≥ 1``.
    noise : float, default 0.4
        Standard deviation of the noise, ``≥ 0``.
    seed : int or tuple of int, default 0
        Seed (non-negative integers), as for ``numpy.random.SeedSequence``.

    Returns
    -------
    X : ndarray of shape (2, m)
        Inputs, float64.
    Y : ndarray of shape (1, m)
        Labels, 0.0 or 1.0.

    See Also
    --------
    Setup.data : the book's training and test sets.
    Chapter [1, Overfitting and its two cures](01-overfitting.md)

    Examples
    --------
    >>> X, Y = two_moons(5, seed=0)
    >>> X.shape, Y.shape
    ((2, 5), (1, 5))
    >>> bool(np.array_equal(two_moons(3, seed=0)[0], X[:, :3]))
    True
    """
    m = example_count("m", m)
    noise = nonnegative("noise", noise)
    shape_rng, noise_rng = (np.random.default_rng(child) for child in np.random.SeedSequence(_seed(seed)).spawn(2))
    # One row per example, drawn in order: this is what makes the sets nest.
    uniform = shape_rng.random((m, 2))
    jitter = noise_rng.standard_normal((m, 2))
    label = (uniform[:, 0] < 0.5).astype(np.float64)
    t = np.pi * uniform[:, 1]
    upper = np.stack([np.cos(t), np.sin(t)])
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where(label == 1.0, lower, upper) + noise * jitter.T
    # Standardized with the distribution's own mean and variance (not the sample's), so that
    # every set drawn with the same noise is scaled alike.
    return (X - _MOONS_MEAN) / np.sqrt(_MOONS_VARIANCE + noise**2), label[np.newaxis, :]


def _seed(seed: Any) -> int | tuple[int, ...]:
    """Validate a seed: a non-negative integer or a tuple of them."""
    if isinstance(seed, tuple) and seed:
        return tuple(count(f"seed[{index}]", part, minimum=0) for index, part in enumerate(seed))
    return count("seed", seed, minimum=0)
