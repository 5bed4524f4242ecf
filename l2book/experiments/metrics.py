"""What a trained network does: accuracy, weight norm, how linear its units and its function are, how many units still work.

Each public function validates its arguments and then trusts them; :func:`evaluate`
validates a network and a data set once and runs each set forward once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from l2book._checks import choice, float_array, layer_list, network_inputs, nonnegative, params_and_inputs, positive
from l2book.experiments.data import Dataset
from l2book.experiments.records import SweepRecord
from l2book.layer import Layer
from l2book.network import ACTIVATIONS, _forward_pass

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


def accuracy(params: Sequence[Layer], X: np.ndarray, Y: np.ndarray, *, activation: str = "tanh") -> float:
    """Return the fraction of examples whose label the network predicts (class 1 when the logit is > 0).

    Parameters
    ----------
    params : list of Layer
        A network, e.g. from :func:`train`.
    X : ndarray of shape (n_x, m)
        Inputs, one column per example.
    Y : ndarray of shape (n_L, m)
        Labels, 0 or 1.
    activation : {"tanh", "relu", "linear"}
        Hidden-layer activation of the network.

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
    params, X = _checked_network(params, X, activation)
    logits = _forward_pass(params, X, activation)[1]
    return _accuracy(logits, _checked_labels("Y", Y, logits.shape))


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
    return _weight_norm(layer_list("params", params))


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
    params, X = _checked_network(params, X, activation)
    return _layer_pass(params, X, activation).preactivations


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
    params, X = _checked_network(params, X, activation)
    return _linear_fraction(_layer_pass(params, X, activation).preactivations, bound)


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
    params, X = _checked_network(params, X, activation)
    return _linear_fit_r2(_forward_pass(params, X, activation)[1], X)


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
    params, X = _checked_network(params, X, activation)
    return _active_units(_forward_pass(params, X, activation)[0][1:], threshold)


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
    >>> from l2book.experiments import Setup, train
    >>> setup = Setup(m_train=20, m_test=200, steps=100)
    >>> evaluate(train(setup, 0.0), setup.data(), 0.0).hidden_units
    30
    """
    lam = nonnegative("lam", lam)
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be a Dataset, e.g. Setup().data(), got {type(data).__name__}")
    params, X_test = _checked_network(params, data.X_test, activation, name="data.X_test")
    Y_test = _checked_labels("data.Y_test", data.Y_test, (params[-1].W.shape[0], X_test.shape[1]))
    X_train = network_inputs("data.X_train", data.X_train, params)
    Y_train = _checked_labels("data.Y_train", data.Y_train, (params[-1].W.shape[0], X_train.shape[1]))
    # One forward pass per set: the test set's gives every measurement, not only the accuracy.
    test = _layer_pass(params, X_test, activation)
    return SweepRecord(
        lam=lam,
        train_accuracy=_accuracy(_forward_pass(params, X_train, activation)[1], Y_train),
        test_accuracy=_accuracy(test.logits, Y_test),
        weight_norm=_weight_norm(params),
        linear_fraction=_linear_fraction(test.preactivations, LINEAR_BOUND),
        linear_fit_r2=_linear_fit_r2(test.logits, X_test),
        active_units=_active_units(test.outputs, ACTIVE_STD),
        hidden_units=sum(W.shape[0] for W, _ in params[:-1]),
    )


def unchecked_accuracies(params: Sequence[Layer], data: Dataset, activation: str) -> tuple[float, float]:
    """Return the training and test accuracy of a network, trusting that it fits ``data``."""
    return tuple(
        _accuracy(_forward_pass(params, X, activation)[1], Y)
        for X, Y in ((data.X_train, data.Y_train), (data.X_test, data.Y_test))
    )


def _checked_network(
    params: Sequence[Layer], X: np.ndarray, activation: str, *, name: str = "X"
) -> tuple[list[Layer], np.ndarray]:
    """Validate a network, its inputs and its hidden activation: what every measurement takes."""
    params, X = params_and_inputs(params, X, name=name)
    choice("activation", activation, ACTIVATIONS)
    return params, X


def _checked_labels(name: str, Y: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Validate labels that must have the shape ``(n_L, m)`` of the network's output."""
    Y = float_array(name, Y)
    if Y.shape != shape:
        raise ValueError(f"{name} must have shape {shape} (n_L, m), got {Y.shape}")
    return Y


class _LayerPass(NamedTuple):
    """What one forward pass over some inputs shows the measurements."""

    preactivations: list[np.ndarray]  # every hidden layer's Z^[l] = W^[l] A^[l-1] + b^[l]
    outputs: list[np.ndarray]  # every hidden layer's A^[l] = g(Z^[l])
    logits: np.ndarray  # the output layer's Z^[L]


def _layer_pass(params: Sequence[Layer], X: np.ndarray, activation: str) -> _LayerPass:
    """Run ``X`` through the network once, keeping each hidden layer's pre-activation beside its output."""
    preactivations: list[np.ndarray] = []
    activations, logits = _forward_pass(params, X, activation, preactivations=preactivations)
    return _LayerPass(preactivations, activations[1:], logits)


def _accuracy(logits: np.ndarray, Y: np.ndarray) -> float:
    """Return the fraction of examples whose logit is on the side of their label (class 1 when > 0)."""
    return float(np.mean((logits > 0) == (Y > 0.5)))


def _weight_norm(params: Sequence[Layer]) -> float:
    """Return ``sqrt(Σ_l ‖W^[l]‖_F²)``."""
    return math.sqrt(sum(float(np.vdot(W, W)) for W, _ in params))


def _linear_fraction(hidden: list[np.ndarray], bound: float) -> float:
    """Return the fraction of the hidden pre-activations with ``|z| ≤ bound``."""
    values = np.concatenate([Z.ravel() for Z in hidden])
    return float(np.mean(np.abs(values) <= bound))


def _linear_fit_r2(logits: np.ndarray, X: np.ndarray) -> float:
    """Return R² of the least-squares affine fit of ``logits`` on ``X``."""
    if X.shape[1] <= X.shape[0] + 1:
        raise ValueError(f"X must have more than n_x + 1 = {X.shape[0] + 1} columns for an affine fit, got {X.shape}")
    if float(logits.max() - logits.min()) <= CONSTANT_SPREAD:
        return 1.0
    design = np.vstack([X, np.ones((1, X.shape[1]), dtype=X.dtype)]).T
    coefficients, *_ = np.linalg.lstsq(design, logits.T, rcond=None)
    residual = logits.T - design @ coefficients
    centred = logits - logits.mean(axis=1, keepdims=True)
    return 1.0 - float(np.vdot(residual, residual)) / float(np.vdot(centred, centred))


def _active_units(outputs: list[np.ndarray], threshold: float) -> int:
    """Return how many hidden units' outputs ``A^[l]`` have a standard deviation above ``threshold``."""
    return sum(int(np.count_nonzero(A.std(axis=1) > threshold)) for A in outputs)
