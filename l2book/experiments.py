"""The experiments behind chapters 1, 4 and 5: a noisy two-moons data set, full-batch training, λ and m sweeps.

A :class:`Setup` names one experiment (data set, network, training); :func:`train`
trains its network at one ``λ`` through the public API (:func:`~l2book.gradients`
with ``lam=0`` and :func:`~l2book.weight_decay_step`), full batch, deterministic
for the seed. :func:`lambda_sweep` measures one :class:`SweepRecord` per ``λ``
and :func:`size_sweep` one :class:`SizeRecord` per training-set size.

Training is deterministic, so trained networks are memoised per
``(setup, λ)``: the chapters, the figures and the command line ask for the same
networks again and again, and the memo changes nothing but the time it takes.
Callers always receive fresh copies.

Only NumPy is needed here; the figures are drawn by :mod:`l2book.plots`.

Examples
--------
>>> setup = Setup(m_train=20, m_test=200, steps=200)
>>> [record.active_units for record in lambda_sweep((0.0, 10.0), setup)]
[30, 0]
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from l2book._checks import Layer, choice, count, example_count, float_array, layer_list, nonnegative, positive
from l2book.network import ACTIVATIONS, forward, gradients, init_params
from l2book.optim import weight_decay_step

LAMS = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
"""The λ grid of the book: λ = 0, then half-decades from 0.01 to 100."""

SIZES = (25, 50, 100, 200, 400, 800)
"""Training-set sizes of the "more data" sweep (each set contains the previous one)."""

LINEARITY_TOLERANCE = 0.05
"""In tanh's linear region ``tanh z`` is within this fraction of ``z``: ``1 − tanh(z)/z ≤ 0.05``."""

LINEAR_BOUND = math.sqrt(3 * LINEARITY_TOLERANCE)
"""Half-width of tanh's linear region, ``√0.15 ≈ 0.387``.

``tanh(z)/z = 1 − z²/3 + 2z⁴/15 − …``, so ``1 − tanh(z)/z ≈ z²/3``; requiring
``z²/3 ≤ 5 %`` gives ``|z| ≤ √0.15``. The series alternates, so the true error
at the bound is a little smaller (4.7 %): the bound is on the safe side.
"""

ACTIVE_STD = 1e-3
"""A hidden unit is *active* when its output's standard deviation over the inputs exceeds this.

Working units here vary by 0.01–1 (tanh outputs lie in [−1, 1]), switched-off
ones by 1e-5 or far less; units caught on their way out at the end of training
fall between, which is why chapter 5 prints the counts for thresholds from
1e-4 to 1e-2 as well.
"""

CONSTANT_SPREAD = 1e-8
"""Logits whose spread (max − min over the inputs) is at most this are a constant function.

An affine fit is then exact (R² = 1). Below it the "variation" is floating-point rounding.
"""

# Mean and variance of the noiseless two moons of scikit-learn's make_moons (t uniform in [0, π]):
# x₁ is cos t or 1 − cos t, mean 1/2, variance 3/4; x₂ is sin t or 1/2 − sin t, mean 1/4,
# variance E sin²t − E sin t/2 + 1/16 = 9/16 − 1/π. The noise adds its own variance to both.
_MOONS_MEAN = np.array([[0.5], [0.25]])
_MOONS_VARIANCE = np.array([[0.75], [9 / 16 - 1 / np.pi]])
_HIDDEN_ACTIVATION: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "tanh": np.tanh,
    "relu": lambda Z: np.maximum(Z, 0.0),
    "linear": lambda Z: Z,
}


@dataclasses.dataclass(frozen=True)
class Dataset:
    """Training and test examples, one column each; labels in ``{0, 1}`` of shape ``(1, m)``.

    See Also
    --------
    Setup.data : makes the book's data set.

    Examples
    --------
    >>> data = Setup(m_train=10, m_test=20).data()
    >>> data.X_train.shape, data.Y_train.shape, data.X_test.shape
    ((2, 10), (1, 10), (2, 20))
    """

    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray


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
        object.__setattr__(self, "hidden", _widths(self.hidden))  # a tuple, so that a Setup is hashable
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


@dataclasses.dataclass(frozen=True)
class SweepRecord:
    """What :func:`lambda_sweep` measures for one ``λ``.

    The field names are those of ``python -m l2book sweep --json``.

    Attributes
    ----------
    lam : float
        The regularization strength ``λ``.
    train_accuracy, test_accuracy : float
        Fraction of training / test examples classified correctly.
    weight_norm : float
        ``sqrt(Σ_l ‖W^[l]‖_F²)`` of the trained network.
    linear_fraction : float
        Fraction of hidden pre-activations (over the test inputs) inside tanh's
        linear region ``|z| ≤`` :data:`LINEAR_BOUND`.
    linear_fit_r2 : float
        R² of the best affine function of the inputs fitted to the output
        logits over the test inputs; 1 means the network computes an affine map.
    active_units : int
        Hidden units whose output still varies with the input (:data:`ACTIVE_STD`).
    hidden_units : int
        Number of hidden units in the network.

    See Also
    --------
    lambda_sweep : makes one per ``λ``.
    format_table : prints them.

    Examples
    --------
    >>> record = SweepRecord(0.3, 0.85, 0.856, 5.06, 0.61, 0.918, 30, 30)
    >>> record.as_dict()["test_accuracy"]
    0.856
    """

    lam: float
    train_accuracy: float
    test_accuracy: float
    weight_norm: float
    linear_fraction: float
    linear_fit_r2: float
    active_units: int
    hidden_units: int

    def as_dict(self) -> dict[str, Any]:
        """Return the record as a dict with the field names as keys (what ``sweep --json`` prints)."""
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class SizeRecord:
    """What :func:`size_sweep` measures for one training-set size ``m``.

    Attributes
    ----------
    m : int
        Number of training examples.
    train_accuracy, test_accuracy : float
        Fraction of training / test examples classified correctly, at ``λ = 0``.

    Examples
    --------
    >>> SizeRecord(m=25, train_accuracy=1.0, test_accuracy=0.71).m
    25
    """

    m: int
    train_accuracy: float
    test_accuracy: float


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
    ``W ← (1 − αλ/m) W − α ∂J/∂W``, ``b ← b − α ∂J/∂b``: the data gradient from
    :func:`~l2book.gradients` with ``lam=0`` and the decay from
    :func:`~l2book.weight_decay_step`. No randomness besides the initial weights.

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
    widths = _widths(hidden)
    params = init_params([X.shape[0], *widths, 1], seed=count("seed", seed, minimum=0))
    for _ in range(count("steps", steps, minimum=1)):
        data_grads = gradients(params, X, Y, 0.0, activation=activation)
        params = weight_decay_step(params, data_grads, lr, lam, m)
    return params


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
    return [Layer(W.copy(), b.copy()) for W, b in _trained(_setup(setup), nonnegative("lam", lam))]


def accuracy(params: Sequence[Layer], X: np.ndarray, Y: np.ndarray, *, activation: str = "tanh") -> float:
    """Return the fraction of examples whose label the network predicts (class 1 when the logit is > 0).

    Parameters
    ----------
    params : list of Layer
        A network, e.g. from :func:`train`.
    X : ndarray of shape (n_x, m)
        Inputs, one column per example.
    activation : {"tanh", "relu", "linear"}
        Hidden-layer activation of the network.
    Y : ndarray of shape (n_L, m)
        Labels, 0 or 1.

    Returns
    -------
    float
        A number in ``[0, 1]``.

    See Also
    --------
    evaluate : every measurement of a trained network.
    Chapter [1, Overfitting and its two cures](01-overfitting.md)

    Examples
    --------
    >>> params = [Layer(W=np.array([[1.0, 0.0]]), b=np.array([[0.0]]))]
    >>> accuracy(params, np.array([[-1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), np.array([[0.0, 1.0, 0.0]]))
    0.6666666666666666
    """
    logits = forward(params, X, activation=activation, output="identity")
    Y = float_array("Y", Y)
    if Y.shape != logits.shape:
        raise ValueError(f"Y must have shape {logits.shape} (n_L, m), got {Y.shape}")
    return float(np.mean((logits > 0) == (Y > 0.5)))


def weight_norm(params: Sequence[Layer]) -> float:
    """Return ``sqrt(Σ_l ‖W^[l]‖_F²)``, the norm the L2 penalty shrinks (biases excluded).

    Parameters
    ----------
    params : list of Layer
        A network.

    Returns
    -------
    float
        The square root of the sum of the squares of every weight.

    See Also
    --------
    l2book.l2_penalty : ``λ/(2m)`` times the square of this norm.
    Chapter [4, Small weights make tanh linear](04-tanh-linear.md)

    Examples
    --------
    >>> weight_norm([Layer(W=np.array([[3.0, 4.0]]), b=np.array([[12.0]]))])
    5.0
    """
    return math.sqrt(sum(float(np.vdot(W, W)) for W, _ in layer_list("params", params)))


def hidden_preactivations(params: Sequence[Layer], X: np.ndarray, *, activation: str = "tanh") -> list[np.ndarray]:
    """Return ``Z^[l] = W^[l] A^[l-1] + b^[l]`` of every hidden layer, each of shape ``(n_l, m)``.

    Parameters
    ----------
    params : list of Layer
        A network, e.g. from :func:`train`.
    X : ndarray of shape (n_x, m)
        Inputs, one column per example.
    activation : {"tanh", "relu", "linear"}
        Hidden-layer activation of the network.

    Returns
    -------
    list of ndarray
        One new array per hidden layer (the output layer is not included).

    See Also
    --------
    linear_fraction : how many of them are in tanh's linear region.
    Chapter [4, Small weights make tanh linear](04-tanh-linear.md)

    Examples
    --------
    >>> params = [Layer(np.array([[2.0]]), np.array([[1.0]])), Layer(np.array([[1.0]]), np.array([[0.0]]))]
    >>> hidden_preactivations(params, np.array([[0.0, 1.0]]))
    [array([[1., 3.]])]
    """
    forward(params, X, activation=activation)  # validates the arguments
    activate = _HIDDEN_ACTIVATION[activation]
    A, preactivations = X, []
    for W, b in params[:-1]:
        Z = W @ A + b
        preactivations.append(Z)
        A = activate(Z)
    return preactivations


def linear_fraction(
    params: Sequence[Layer], X: np.ndarray, *, activation: str = "tanh", bound: float = LINEAR_BOUND
) -> float:
    """Return the fraction of hidden pre-activations ``z`` with ``|z| ≤ bound``: inside tanh's linear region.

    The default bound :data:`LINEAR_BOUND` ``= √(3·0.05) ≈ 0.387`` comes from the
    Taylor series ``tanh z = z − z³/3 + …``: there ``tanh z`` is within 5 % of
    ``z``. The region is tanh's; for other activations the number only says how
    small the pre-activations are.

    Parameters
    ----------
    params : list of Layer
        A network, e.g. from :func:`train`.
    X : ndarray of shape (n_x, m)
        Inputs, one column per example.
    activation : {"tanh", "relu", "linear"}
        Hidden-layer activation of the network.
    bound : float, default LINEAR_BOUND
        Half-width of the region, ``> 0``; :data:`LINEAR_BOUND` is tanh's 5 % region.

    Returns
    -------
    float
        A number in ``[0, 1]``, over all hidden layers, units and examples.

    See Also
    --------
    linear_fit_r2 : whether the function the network computes is affine.
    Chapter [4, Small weights make tanh linear](04-tanh-linear.md)

    Examples
    --------
    >>> params = [Layer(np.array([[1.0]]), np.array([[0.0]])), Layer(np.array([[1.0]]), np.array([[0.0]]))]
    >>> linear_fraction(params, np.array([[0.1, -0.2, 0.5, 3.0]]))
    0.5
    """
    bound = positive("bound", bound)
    values = np.concatenate([Z.ravel() for Z in hidden_preactivations(params, X, activation=activation)])
    return float(np.mean(np.abs(values) <= bound))


def linear_fit_r2(params: Sequence[Layer], X: np.ndarray, *, activation: str = "tanh") -> float:
    """Return R² of the best affine function of the inputs fitted to the network's output logits over ``X``.

    The affine map ``c + Σ_k a_k x_k`` is fitted by least squares; R² is
    ``1 − (residual sum of squares)/(total sum of squares)``. 1 means the
    network computes an affine function of its inputs, so its decision
    boundary (logit = 0) is a straight line. Logits that vary by at most
    :data:`CONSTANT_SPREAD` are a constant, which an affine map fits exactly:
    R² = 1, the convention of scikit-learn's ``r2_score`` for a perfectly
    predicted constant.

    Parameters
    ----------
    params : list of Layer
        A network, e.g. from :func:`train`.
    X : ndarray of shape (n_x, m)
        Inputs, one column per example; more than ``n_x + 1`` of them (the
        number of coefficients of the fit).
    activation : {"tanh", "relu", "linear"}
        Hidden-layer activation of the network.

    Returns
    -------
    float
        At most 1; over several outputs, the pooled R².

    See Also
    --------
    linear_fraction : the units' view of the same question.
    Chapter [4, Small weights make tanh linear](04-tanh-linear.md)

    Examples
    --------
    >>> X = np.array([[-2.0, -1.0, 0.0, 1.0, 2.0]])
    >>> def unit(w):                              # the network x ↦ tanh(w·x)
    ...     return [Layer(np.array([[w]]), np.array([[0.0]])), Layer(np.array([[1.0]]), np.array([[0.0]]))]
    >>> round(linear_fit_r2(unit(3.0), X), 3)      # saturated: an S, not a line
    0.901
    >>> round(linear_fit_r2(unit(0.01), X), 6)     # small weight: tanh(0.01 x) ≈ 0.01 x
    1.0
    """
    logits = forward(params, X, activation=activation, output="identity")
    if X.shape[1] <= X.shape[0] + 1:
        raise ValueError(f"X must have more than n_x + 1 = {X.shape[0] + 1} columns for an affine fit, got {X.shape}")
    if float(logits.max() - logits.min()) <= CONSTANT_SPREAD:
        return 1.0
    design = np.vstack([X, np.ones((1, X.shape[1]), dtype=X.dtype)]).T
    coefficients, *_ = np.linalg.lstsq(design, logits.T, rcond=None)
    residual = logits.T - design @ coefficients
    centred = logits - logits.mean(axis=1, keepdims=True)
    return 1.0 - float(np.vdot(residual, residual)) / float(np.vdot(centred, centred))


def active_units(
    params: Sequence[Layer], X: np.ndarray, *, activation: str = "tanh", threshold: float = ACTIVE_STD
) -> int:
    """Return the number of hidden units whose output's standard deviation over ``X`` exceeds ``threshold``.

    A unit below it outputs (nearly) the same value for every input: with
    ``W ≈ 0`` a tanh unit outputs ``tanh(b)``, a constant that the next layer's
    bias can absorb. It no longer depends on the input: it is switched off.

    Parameters
    ----------
    params : list of Layer
        A network, e.g. from :func:`train`.
    X : ndarray of shape (n_x, m)
        Inputs, one column per example.
    activation : {"tanh", "relu", "linear"}
        Hidden-layer activation of the network.
    threshold : float, default ACTIVE_STD
        Smallest standard deviation, ``> 0``, of an active unit's output (see :data:`ACTIVE_STD`).

    Returns
    -------
    int
        Active units, summed over the hidden layers.

    See Also
    --------
    critical_lambda : the ``λ`` above which every unit of a tanh network dies.
    Chapter [5, Huge λ kills neurons](05-dead-neurons.md)

    Examples
    --------
    >>> params = [Layer(np.array([[1.0], [0.0]]), np.array([[0.0], [0.5]])), Layer(np.ones((1, 2)), np.zeros((1, 1)))]
    >>> active_units(params, np.array([[-1.0, 0.0, 1.0]]))      # the second unit outputs tanh(0.5)
    1
    """
    threshold = positive("threshold", threshold)
    activate = _HIDDEN_ACTIVATION[activation]
    return sum(
        int(np.count_nonzero(activate(Z).std(axis=1) > threshold))
        for Z in hidden_preactivations(params, X, activation=activation)
    )


def evaluate(params: Sequence[Layer], data: Dataset, lam: float, *, activation: str = "tanh") -> SweepRecord:
    """Measure a trained network on ``data``: accuracies on both sets, the rest on the test inputs.

    Parameters
    ----------
    params : list of Layer
        A network trained on ``data.X_train``.
    data : Dataset
        Training and test sets.
    lam : float
        The ``λ`` it was trained with, recorded as is.
    activation : {"tanh", "relu", "linear"}
        Hidden-layer activation of the network.

    Returns
    -------
    SweepRecord
        Accuracies, weight norm, linearity and active units.

    See Also
    --------
    lambda_sweep : trains and evaluates one network per ``λ``.

    Examples
    --------
    >>> setup = Setup(m_train=20, m_test=200, steps=100)
    >>> evaluate(train(setup, 0.0), setup.data(), 0.0).hidden_units
    30
    """
    lam = nonnegative("lam", lam)
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be a Dataset, e.g. Setup().data(), got {type(data).__name__}")
    X_test = data.X_test
    return SweepRecord(
        lam=lam,
        train_accuracy=accuracy(params, data.X_train, data.Y_train, activation=activation),
        test_accuracy=accuracy(params, X_test, data.Y_test, activation=activation),
        weight_norm=weight_norm(params),
        linear_fraction=linear_fraction(params, X_test, activation=activation),
        linear_fit_r2=linear_fit_r2(params, X_test, activation=activation),
        active_units=active_units(params, X_test, activation=activation),
        hidden_units=sum(W.shape[0] for W, _ in params[:-1]),
    )


def lambda_sweep(
    lams: Sequence[float] = LAMS, setup: Setup | None = None, *, progress: Callable[[str], None] | None = None
) -> list[SweepRecord]:
    """Train one network per ``λ`` and return what each one does: one :class:`SweepRecord` per ``λ``.

    Every network starts from the same initial weights and sees the same data;
    only ``λ`` differs.

    Parameters
    ----------
    lams : sequence of float, default LAMS
        The values of ``λ``, each ``≥ 0`` with ``lr·λ/m_train < 1``; :data:`LAMS` is the book's grid.
    setup : Setup, optional
        The experiment; the book's default ``Setup()`` if omitted.
    progress : callable, optional
        Called with a short message before each network that must be trained.

    Returns
    -------
    list of SweepRecord
        In the order of ``lams``.

    See Also
    --------
    size_sweep : the other cure, more data.
    format_table : the records as a table.
    Chapter [1, Overfitting and its two cures](01-overfitting.md)

    Examples
    --------
    >>> setup = Setup(m_train=20, m_test=200, steps=200)
    >>> records = lambda_sweep((0.0, 1.0, 10.0), setup)
    >>> [(round(record.weight_norm, 2), record.active_units) for record in records]
    [(7.87, 30), (2.13, 30), (0.0, 0)]
    """
    setup = _setup(setup)
    lams = _lams(lams, setup)
    data = setup.data()
    records = []
    for index, lam in enumerate(lams):
        if progress is not None and not _is_memoised(setup, lam):
            progress(f"training {index + 1}/{len(lams)}: {setup.activation}, lambda = {lam:g}")
        records.append(evaluate(list(_trained(setup, lam)), data, lam, activation=setup.activation))
    return records


def size_sweep(
    sizes: Sequence[int] = SIZES, setup: Setup | None = None, *, progress: Callable[[str], None] | None = None
) -> list[SizeRecord]:
    """Train at ``λ = 0`` on training sets of each size ``m`` and return their accuracies.

    The training sets nest (see :func:`two_moons`) and the test set is always
    the one of ``setup``: only the amount of training data changes.

    Parameters
    ----------
    sizes : sequence of int, default SIZES
        Training-set sizes, each ``≥ 1``; :data:`SIZES` are the book's.
    setup : Setup, optional
        The experiment whose ``m_train`` is replaced by each size.
    progress : callable, optional
        Called with a short message before each network that must be trained.

    Returns
    -------
    list of SizeRecord
        In the order of ``sizes``.

    See Also
    --------
    lambda_sweep : the other cure, L2 regularization.
    Chapter [1, Overfitting and its two cures](01-overfitting.md)

    Examples
    --------
    >>> records = size_sweep((10, 40), Setup(m_test=200, steps=200))
    >>> [record.m for record in records]
    [10, 40]
    """
    setup = _setup(setup)
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or not sizes:
        raise TypeError(f"sizes must be a non-empty sequence of training-set sizes, got {sizes!r}")
    records = []
    for index, m in enumerate(sizes):
        sized = dataclasses.replace(setup, m_train=example_count(f"sizes[{index}]", m))
        if progress is not None and not _is_memoised(sized, 0.0):
            progress(f"training {index + 1}/{len(sizes)}: m = {m}")
        data, params = sized.data(), list(_trained(sized, 0.0))
        records.append(
            SizeRecord(
                m=int(m),
                train_accuracy=accuracy(params, data.X_train, data.Y_train, activation=setup.activation),
                test_accuracy=accuracy(params, data.X_test, data.Y_test, activation=setup.activation),
            )
        )
    return records


def best_record(records: Sequence[SweepRecord]) -> SweepRecord:
    """Return the record with the highest test accuracy (the smallest ``λ`` among ties).

    Chosen on the test set, so its test accuracy is slightly optimistic: chapter 1
    checks the chosen ``λ`` on fresh data sets.

    See Also
    --------
    lambda_sweep : makes the records.
    Chapter [1, Overfitting and its two cures](01-overfitting.md)

    Examples
    --------
    >>> records = lambda_sweep((0.0, 1.0), Setup(m_train=20, m_test=200, steps=200))
    >>> best_record(records).lam in (0.0, 1.0)
    True
    """
    return max(_records(records), key=lambda record: (record.test_accuracy, -record.lam))


def critical_lambda(X: np.ndarray, Y: np.ndarray) -> float:
    """Return ``λ* = ‖Σ_i (y_i − ȳ) x_i‖``: above it, all-zero weights are a stable point of a 1-hidden-layer tanh net.

    Near ``W = 0`` a tanh network with one hidden layer computes
    ``σ(b₂ + Σ_j v_j tanh(w_j·x + b_j))``; with the output bias at its best
    value (``σ(b₂) = ȳ``) and to second order in the weights, its regularized
    cost is ``J₀ + Σ_j [v_j w_j·g + (λ/2m)(‖w_j‖² + v_j²)]`` with
    ``g = (1/m) Σ_i tanh'(b_j)(ȳ − y_i) x_i``. By AM–GM
    ``‖w_j‖² + v_j² ≥ 2|v_j|‖w_j‖``, so every unit's term is positive unless
    ``λ/m ≤ ‖g‖``; ``tanh' ≤ 1`` with equality at ``b_j = 0``. Above
    ``λ* = m‖g‖`` (taken at ``b_j = 0``) the all-zero weights are therefore a
    local minimum whatever the hidden biases, and gradient descent that gets
    near them stays: every unit is dead. Below it, zero is a saddle point.
    With several outputs the norm is the largest singular value.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
        Training inputs.
    Y : ndarray of shape (n_y, m)
        Training labels in ``[0, 1]``.

    Returns
    -------
    float
        ``λ*``, in the book's units (penalty ``λ/(2m) Σ‖W‖²``).

    See Also
    --------
    lambda_sweep : shows the network dying between two ``λ`` around ``λ*``.
    Chapter [5, Huge λ kills neurons](05-dead-neurons.md)

    Examples
    --------
    >>> X = np.array([[-1.0, 1.0, -1.0, 1.0], [0.0, 0.0, 1.0, -1.0]])
    >>> Y = np.array([[0.0, 1.0, 0.0, 1.0]])
    >>> critical_lambda(X, Y)                  # ‖Σ (y − ½) x‖ = ‖(2, −1)‖
    2.23606797749979
    """
    X = float_array("X", X)
    Y = float_array("Y", Y)
    if Y.shape[1] != X.shape[1]:
        raise ValueError(f"Y must have {X.shape[1]} columns like X, got shape {Y.shape}")
    if (Y < 0).any() or (Y > 1).any():
        raise ValueError("Y must hold labels in [0, 1]")
    coupling = X @ (Y - Y.mean(axis=1, keepdims=True)).T
    return float(np.linalg.norm(coupling, 2))


def format_table(records: Sequence[SweepRecord]) -> str:
    """Return sweep records as an aligned text table whose headers are the field names.

    Accuracies and fractions get 3 decimals, R² gets 4; ``active_units`` is shown
    as ``active/hidden``. This is what ``python -m l2book sweep`` prints.

    See Also
    --------
    lambda_sweep : makes the records.
    Chapter [1, Overfitting and its two cures](01-overfitting.md)

    Examples
    --------
    >>> record = SweepRecord(0.3, 0.91, 0.844, 5.26, 0.474, 0.81972, 30, 30)
    >>> print(format_table([record]))
        lam  train_accuracy  test_accuracy  weight_norm  linear_fraction  linear_fit_r2  active_units
       0.3           0.910          0.844        5.260            0.474         0.8197         30/30
    """
    records = _records(records)
    lines = [
        f"{'lam':>7}  {'train_accuracy':>14}  {'test_accuracy':>13}  {'weight_norm':>11}  "
        f"{'linear_fraction':>15}  {'linear_fit_r2':>13}  {'active_units':>12}"
    ]
    for r in records:
        lines.append(
            f"{r.lam:>7g}  {r.train_accuracy:>14.3f}  {r.test_accuracy:>13.3f}  {r.weight_norm:>11.3f}  "
            f"{r.linear_fraction:>15.3f}  {r.linear_fit_r2:>13.4f}  {f'{r.active_units}/{r.hidden_units}':>12}"
        )
    return "\n".join(lines)


def _trained(setup: Setup, lam: float) -> tuple[Layer, ...]:
    """Train ``setup``'s network at ``lam`` once; read-only arrays, because the memo shares them."""
    key = (setup, lam)
    if key not in _MEMO:
        data = setup.data()
        params = fit(
            data.X_train,
            data.Y_train,
            lam,
            hidden=setup.hidden,
            activation=setup.activation,
            steps=setup.steps,
            lr=setup.lr,
            seed=setup.seed,
        )
        for array in (array for layer in params for array in layer):
            array.flags.writeable = False
        _MEMO[key] = tuple(params)
    return _MEMO[key]


def _is_memoised(setup: Setup, lam: float) -> bool:
    """Whether ``setup`` was already trained at ``lam`` in this process."""
    return (setup, lam) in _MEMO


# Trained networks by (setup, λ). A few kB each; a process trains at most a few dozen.
_MEMO: dict[tuple[Setup, float], tuple[Layer, ...]] = {}


def _setup(setup: Any) -> Setup:
    """Return ``setup``, or the default one for ``None``, refusing anything else."""
    if setup is None:
        return Setup()
    if not isinstance(setup, Setup):
        raise TypeError(f"setup must be a Setup, got {type(setup).__name__}")
    return setup


def _records(records: Any) -> list[SweepRecord]:
    """Validate a non-empty sequence of SweepRecord."""
    if isinstance(records, (str, bytes)) or not isinstance(records, Sequence) or not records:
        raise TypeError(f"records must be a non-empty sequence of SweepRecord, got {records!r}")
    for index, record in enumerate(records):
        if not isinstance(record, SweepRecord):
            raise TypeError(f"records[{index}] must be a SweepRecord, got {type(record).__name__}")
    return list(records)


def _lams(lams: Any, setup: Setup) -> list[float]:
    """Validate the λ values of a sweep against ``setup`` (each ≥ 0, with lr·λ/m < 1)."""
    if isinstance(lams, (str, bytes, np.ndarray)) or not isinstance(lams, Sequence) or not lams:
        raise TypeError(f"lams must be a non-empty sequence of numbers, got {lams!r}")
    values = [nonnegative(f"lams[{index}]", lam) for index, lam in enumerate(lams)]
    limit = setup.m_train / setup.lr
    for index, lam in enumerate(values):
        if lam >= limit:
            raise ValueError(
                f"lams[{index}] = {lam:g} is too large: lr * lam / m_train must be < 1, so lam < {limit:g} "
                f"for this setup (m_train={setup.m_train}, lr={setup.lr})"
            )
    return values


def _widths(hidden: Any) -> tuple[int, ...]:
    """Validate hidden-layer widths: a non-empty sequence of integers >= 1."""
    if isinstance(hidden, (str, bytes, np.ndarray)) or not isinstance(hidden, Sequence) or not hidden:
        raise TypeError(f"hidden must be a non-empty sequence of layer widths, got {hidden!r}")
    return tuple(count(f"hidden[{index}]", width, minimum=1) for index, width in enumerate(hidden))


def _seed(seed: Any) -> int | tuple[int, ...]:
    """Validate a seed: a non-negative integer or a tuple of them."""
    if isinstance(seed, tuple) and seed:
        return tuple(count(f"seed[{index}]", part, minimum=0) for index, part in enumerate(seed))
    return count("seed", seed, minimum=0)
