"""Full-batch training with weight decay, and the memo that trains each ``(setup, λ)`` once.

Training is deterministic, so trained networks are memoised per
``(setup, λ)``: the chapters, the figures and the command line ask for the same
networks again and again, and the memo (in the process, and on disk across
processes) changes nothing but the time it takes.
Callers of :func:`train` always receive fresh copies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from l2book._checks import count, float_array, nonnegative, positive, widths
from l2book.experiments.cache import through_disk_cache
from l2book.experiments.setup import Setup, checked_setup
from l2book.layer import Layer
from l2book.network import _checked_problem, init_params, unchecked_gradients


def fit(
    X: np.ndarray,
    Y: np.ndarray,
    lam: float,
    *,
    hidden: Sequence[int] = (30,),
    activation: str = "tanh",
    steps: int = 5000,
    lr: float = 0.7,
    seed: int = 0,
) -> list[Layer]:
    """Train a classifier with sigmoid output and cross-entropy by full-batch gradient descent with weight decay.

    Starts from :func:`~l2book.init_params` and repeats ``steps`` times
    ``W ← (1 − αλ/m) W − α ∂J/∂W``, ``b ← b − α ∂J/∂b``: the data gradient of
    :func:`~l2book.gradients` with ``lam=0`` and the decay of
    :func:`~l2book.weight_decay_step`, bit for bit (the arguments are validated
    once, not at every step). No randomness besides the initial weights.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
        Training inputs.
    Y : ndarray of shape (1, m)
        Training labels in ``[0, 1]``.
    lam : float
        Regularization strength ``λ ≥ 0``; ``lr·λ/m`` must be below 1 so that
        each step shrinks the weights by a factor in ``(0, 1)``.
    hidden : sequence of int, default (30,)
        Hidden-layer widths.
    activation : {"tanh", "relu", "linear"}
        Hidden-layer activation.
    steps : int, default 5000
        Number of gradient steps.
    lr : float, default 0.7
        Learning rate ``α > 0``.
    seed : int, default 0
        Seed of the initial weights.

    Returns
    -------
    list of Layer
        The trained parameters.

    See Also
    --------
    train : the same for a :class:`Setup`, memoised.
    Chapter [1, Overfitting and its two cures](01-overfitting.md)

    Examples
    --------
    >>> from l2book.experiments import two_moons
    >>> X, Y = two_moons(40, seed=0)
    >>> params = fit(X, Y, lam=1.0, hidden=(4,), steps=100)
    >>> [layer.W.shape for layer in params]
    [(4, 2), (1, 4)]
    """
    X = float_array("X", X)
    m = X.shape[1]
    lam = nonnegative("lam", lam)
    lr = positive("lr", lr)
    if lr * lam / m >= 1:
        raise ValueError(
            f"lam must satisfy lr * lam / m < 1 (here lr={lr}, m={m}, so lam < {m / lr:g}), got {lam!r}: "
            "otherwise the decay factor 1 - lr*lam/m is not in (0, 1)"
        )
    params = init_params([X.shape[0], *widths("hidden", hidden), 1], seed=count("seed", seed, minimum=0))
    steps = count("steps", steps, minimum=1)
    # Validated once here, as gradients() would at every step: the data, the shapes and the
    # dtype never change during training, so the loop trusts them (checking took 30% of the time).
    params, X, Y, _ = _checked_problem(params, X, Y, 0.0, activation, "cross_entropy")
    decay = 1.0 - lr * lam / m
    for _ in range(steps):
        params = _decay_step(params, unchecked_gradients(params, X, Y, 0.0, activation, "cross_entropy"), lr, decay)
    return params


def _decay_step(params: list[Layer], data_grads: list[Layer], lr: float, decay: float) -> list[Layer]:
    """:func:`~l2book.weight_decay_step` for validated arguments and its ``decay = 1 − lr·λ/m``: the same arithmetic."""
    return [
        Layer(W * W.dtype.type(decay) - W.dtype.type(lr) * dW, b - b.dtype.type(lr) * db)
        for (W, b), (dW, db) in zip(params, data_grads)
    ]


def train(setup: Setup, lam: float) -> list[Layer]:
    """Return the network of ``setup`` trained with ``λ = lam`` on ``setup.data()``'s training set.

    Memoised: the first call trains (a fraction of a second with the default
    setup), later calls with an equal setup and ``λ`` return a copy of the result.

    Parameters
    ----------
    setup : Setup
        The experiment.
    lam : float
        Regularization strength ``λ ≥ 0``.

    Returns
    -------
    list of Layer
        Fresh arrays: modifying them does not affect later calls.

    See Also
    --------
    fit : the training loop.
    lambda_sweep : measures the network for each ``λ``.

    Examples
    --------
    >>> setup = Setup(m_train=20, m_test=200, steps=100)
    >>> first, again = train(setup, 0.1), train(setup, 0.1)
    >>> bool(np.array_equal(first[0].W, again[0].W)) and first[0].W is not again[0].W
    True
    """
    return [Layer(W.copy(), b.copy()) for W, b in memoised_fit(checked_setup(setup), nonnegative("lam", lam))]


# Trained networks by (setup, λ), in this process; on disk, see l2book.experiments.cache.
_MEMO: dict[tuple[Setup, float], tuple[Layer, ...]] = {}


def memoised_fit(setup: Setup, lam: float, *, on_training: Callable[[], None] | None = None) -> tuple[Layer, ...]:
    """Train ``setup``'s network at ``lam`` once: the one place that remembers trained networks.

    A result is kept for the process, and on disk across processes (the site
    build and the tests share it; see :mod:`l2book.experiments.cache`).
    ``on_training`` is called just before a network is actually trained (not
    when it comes from either memory). The arrays are read-only, because the
    memo shares them: :func:`train` hands out copies.
    """
    key = (setup, lam)
    if key not in _MEMO:
        params = through_disk_cache(
            lambda: fit_setup(setup, lam),
            key=("trained network", setup, lam),
            depends_on=(__name__,),  # and what it imports: the data, the gradient, the update
            on_compute=on_training,
        )
        for array in (array for layer in params for array in layer):
            array.flags.writeable = False
        _MEMO[key] = tuple(params)
    return _MEMO[key]


def fit_setup(setup: Setup, lam: float) -> list[Layer]:
    """Train ``setup``'s network at ``lam``, without the memo."""
    data = setup.data()
    return fit(
        data.X_train,
        data.Y_train,
        lam,
        hidden=setup.hidden,
        activation=setup.activation,
        steps=setup.steps,
        lr=setup.lr,
        seed=setup.seed,
    )
