"""Bias and variance, measured: one network per training set, many training sets, fixed test points.

The learned function depends on the training set it was given. Train the same
network on ``sets`` training sets drawn from the same distribution and look at
its predicted probability ``p̂(x)`` at fixed test points ``x``. With ``p̄(x)``
the mean of ``p̂(x)`` over the training sets and ``p*(x) = P(y = 1 | x)`` the
true probability (known here, because the data are made in code), the expected
squared error of the probability splits exactly into three terms::

    E (p̂(x) − y)²  =  (p̄(x) − p*(x))²  +  E (p̂(x) − p̄(x))²  +  p*(x)(1 − p*(x))
                       bias²                variance              noise

averaged over the test points (the expectation is over training sets and over
the label ``y`` drawn at ``x``). From a finite number ``n`` of training sets the
variance is estimated with the sample variance ``s²`` (divisor ``n − 1``) and the
bias² with ``(p̄ − p*)² − s²/n``: the mean of ``n`` predictions still varies by
``s²/n``, and left in, that would count as bias. Both estimates are unbiased, and
their sum with the noise is still exactly the mean of ``(p̂ − p*)² + p*(1 − p*)``
over the sets. The squared error of the probability (the
Brier score) is used because this split is an identity; the 0/1 error of the
decision has no additive split (a wrong average decision can be *helped* by
variance), and the cross-entropy splits only with a log-average as the "mean"
prediction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from l2book._checks import count, float_array, nonempty_sequence, nonnegative, positive
from l2book.experiments.data import _MOONS_MEAN, _MOONS_VARIANCE
from l2book.experiments.setup import Setup, checked_setup
from l2book.experiments.sweeps import _lams
from l2book.experiments.training import memoised_fit
from l2book.network import forward

BIAS_VARIANCE_LAMS = (0.0, 0.3, 3.0, 30.0)
"""The λ of the bias–variance table: none, the best λ of chapter 1, and two steps of ×10 past it."""

BIAS_VARIANCE_SETS = 20
"""Training sets per λ in the book's table (chapter 1 shows how little the numbers move from 10 to 20)."""

BIAS_VARIANCE_SETUP = Setup(steps=1000)
"""The book's network and data, trained for 1000 steps instead of 5000: the table trains 80 networks."""

# Gauss–Legendre nodes over the arc angle t ∈ [0, π]: the integrand is smooth (a Gaussian of width
# noise along an arc of length π), so 200 nodes give the density to rounding.
_ARC_NODES = 200


@dataclasses.dataclass(frozen=True)
class BiasVarianceRecord:
    """The decomposition of the expected squared error of the predicted probability for one ``λ``.

    Every field is a mean over the test points; "expected" means over the
    training sets (and the label at each point). ``bias_squared + variance +
    noise`` equals ``expected_error`` up to rounding: that is the identity.

    Attributes
    ----------
    lam : float
        The regularization strength ``λ``.
    sets : int
        Number of training sets the networks were trained on.
    bias_squared : float
        ``(p̄ − p*)²``: how far the average prediction is from the truth, estimated
        without the ``s²/sets`` by which the mean of finitely many predictions misses ``p̄``.
    variance : float
        ``E (p̂ − p̄)²``: how much the prediction changes from one training set to
        another, estimated by the sample variance ``s²`` over the sets.
    noise : float
        ``p*(1 − p*)``: the error of the true probability itself, the floor no model goes below.
    expected_error : float
        ``E (p̂ − p*)² + p*(1 − p*)``, the expected ``(p̂ − y)²`` when ``y`` is drawn with probability ``p*``.
    test_error : float
        ``(p̂ − y)²`` with the test set's actual labels, averaged over the sets:
        a measurement of ``expected_error`` with one label per point.

    See Also
    --------
    bias_variance_sweep : makes one per ``λ``.
    format_bias_variance : prints them.

    Examples
    --------
    >>> record = BiasVarianceRecord(0.0, 20, 0.01, 0.03, 0.1, 0.14, 0.142)
    >>> round(record.bias_squared + record.variance + record.noise, 12) == record.expected_error
    True
    """

    lam: float
    sets: int
    bias_squared: float
    variance: float
    noise: float
    expected_error: float
    test_error: float


def bayes_probability(X: np.ndarray, *, noise: float = 0.4) -> np.ndarray:
    """Return ``p*(x) = P(y = 1 | x)`` of the two-moons distribution at standardized inputs ``X``.

    Each class is a uniform angle on its arc plus Gaussian noise, so its density
    at ``x`` is the mean over the arc of a Gaussian centred on the arc; with equal
    class probabilities ``p* = f₁/(f₀ + f₁)``. The densities are integrated by
    Gauss–Legendre quadrature in the raw coordinates (standardizing rescales both
    densities alike), in logarithms so that points far from both arcs keep a
    finite ratio.

    Parameters
    ----------
    X : ndarray of shape (2, m)
        Inputs, standardized like :func:`two_moons`'s.
    noise : float, default 0.4
        Standard deviation of the noise, ``> 0`` (without noise ``p*`` is 0 or 1 off a set of measure zero).

    Returns
    -------
    ndarray of shape (m,)
        The probability of class 1 at each input.

    See Also
    --------
    two_moons : draws the examples whose labels follow this probability.

    Examples
    --------
    >>> centre = np.zeros((2, 1))             # where the two arcs cross: the classes are equally likely
    >>> print(f"{float(bayes_probability(centre)[0]):.6f}")
    0.500000
    >>> X = np.array([[-1.0, 1.0], [1.0, -1.0]])     # near the upper arc's left end, and its mirror image
    >>> [round(float(p), 3) for p in bayes_probability(X)]
    [0.074, 0.926]
    """
    X = float_array("X", X)
    if X.shape[0] != 2:
        raise ValueError(f"X must have 2 rows (one per input coordinate), got shape {X.shape}")
    noise = positive("noise", noise)
    raw = X * np.sqrt(_MOONS_VARIANCE + noise**2) + _MOONS_MEAN
    nodes, weights = np.polynomial.legendre.leggauss(_ARC_NODES)
    t = np.pi / 2 * (nodes + 1)
    upper = np.stack([np.cos(t), np.sin(t)])
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    log_ratio = _log_arc_density(raw, lower, weights, noise) - _log_arc_density(raw, upper, weights, noise)
    return 0.5 * (1.0 + np.tanh(log_ratio / 2))  # the logistic function, without overflow


def _log_arc_density(raw: np.ndarray, arc: np.ndarray, weights: np.ndarray, noise: float) -> np.ndarray:
    """Return log Σ_k w_k exp(−‖x − arc_k‖²/(2σ²)) for each column x: the arc's density up to a shared constant."""
    squared = ((raw[:, :, np.newaxis] - arc[:, np.newaxis, :]) ** 2).sum(axis=0)
    exponent = -squared / (2 * noise**2)
    peak = exponent.max(axis=1, keepdims=True)
    return peak[:, 0] + np.log(np.exp(exponent - peak) @ weights)


def decompose(lam: float, predictions: np.ndarray, bayes: np.ndarray, labels: np.ndarray) -> BiasVarianceRecord:
    """Split the squared error of ``predictions`` into bias², variance and noise.

    Parameters
    ----------
    lam : float
        The ``λ`` the networks were trained with (recorded, not used).
    predictions : ndarray of shape (sets, points)
        Predicted probabilities of class 1: one row per training set (at least 2), one column per test point.
    bayes : ndarray of shape (points,)
        The true probability ``p*`` at each test point, in ``[0, 1]``.
    labels : ndarray of shape (points,)
        The test labels, 0 or 1.

    Returns
    -------
    BiasVarianceRecord
        The terms, each averaged over the test points.

    See Also
    --------
    bias_variance_sweep : trains the networks and calls this.

    Examples
    --------
    Two training sets, two points; the truth is 0.5 at both. At the first
    point the predictions are 0.3 and 0.5: mean 0.4, sample variance
    ``s² = 0.02``, bias² ``0.1² − s²/2 = 0``; at the second both are 0.6:
    variance 0, bias² ``0.01``.

    >>> predictions = np.array([[0.3, 0.6], [0.5, 0.6]])
    >>> record = decompose(0.0, predictions, np.array([0.5, 0.5]), np.array([0.0, 1.0]))
    >>> print(f"{record.bias_squared:.3f} {record.variance:.3f} {record.noise:.3f}")  # means over the 2 points
    0.005 0.010 0.250
    >>> print(f"{record.expected_error:.3f} = {record.bias_squared + record.variance + record.noise:.3f}")
    0.265 = 0.265
    """
    lam = nonnegative("lam", lam)
    predictions = _probabilities("predictions", predictions, ndim=2)
    bayes = _probabilities("bayes", bayes, ndim=1)
    labels = _probabilities("labels", labels, ndim=1)
    if not np.isin(labels, (0.0, 1.0)).all():
        raise ValueError("labels must be 0 or 1")
    points = predictions.shape[1]
    for name, array in (("bayes", bayes), ("labels", labels)):
        if array.shape != (points,):
            raise ValueError(
                f"{name} must have shape ({points},), one value per column of predictions, got {array.shape}"
            )
    sets = predictions.shape[0]
    if sets < 2:
        raise ValueError(f"predictions must have a row for each of at least 2 training sets, got {sets}")
    mean_prediction = predictions.mean(axis=0)
    variance = predictions.var(axis=0, ddof=1)
    noise = bayes * (1.0 - bayes)
    return BiasVarianceRecord(
        lam=lam,
        sets=sets,
        bias_squared=float(np.mean((mean_prediction - bayes) ** 2 - variance / sets)),
        variance=float(np.mean(variance)),
        noise=float(np.mean(noise)),
        expected_error=float(np.mean((predictions - bayes) ** 2 + noise)),
        test_error=float(np.mean((predictions - labels) ** 2)),
    )


def _probabilities(name: str, value: Any, *, ndim: int) -> np.ndarray:
    """Return ``value`` if it is a finite float array of ``ndim`` dimensions with entries in [0, 1]."""
    array = float_array(name, value, ndim=ndim)
    if array.min() < 0 or array.max() > 1:
        raise ValueError(f"{name} must lie in [0, 1], got values from {array.min():g} to {array.max():g}")
    return array


def bias_variance_sweep(
    lams: Sequence[float] = BIAS_VARIANCE_LAMS, setup: Setup | None = None, *, sets: int = BIAS_VARIANCE_SETS
) -> list[BiasVarianceRecord]:
    """Train ``setup``'s network on ``sets`` training sets for each ``λ`` and decompose its error on fixed test points.

    Training set ``k`` is the one of ``setup`` with seed ``setup.seed + k``: the
    same distribution, the same size, its own sample and its own initial weights
    (the variance is over both, as it is for anyone who trains once). ``k = 0``
    is ``setup``'s own network. The test points are ``setup``'s test set, drawn
    from a stream no training set uses. Networks come from the experiments'
    memo, so a smaller ``sets`` afterwards trains nothing new.

    Parameters
    ----------
    lams : sequence of float, default BIAS_VARIANCE_LAMS
        The values of ``λ``, each ``≥ 0`` with ``lr·λ/m_train < 1``.
    setup : Setup, optional
        The experiment; :data:`BIAS_VARIANCE_SETUP` if omitted.
    sets : int, default BIAS_VARIANCE_SETS
        Number of training sets, ``≥ 2``.

    Returns
    -------
    list of BiasVarianceRecord
        In the order of ``lams``.

    See Also
    --------
    decompose : the split itself.
    format_bias_variance : the records as a table.
    Chapter [1, Overfitting and its two cures](01-overfitting.md)

    Examples
    --------
    >>> small = Setup(m_train=20, m_test=200, steps=100)
    >>> [record.variance > 0 for record in bias_variance_sweep((0.0, 1.0), small, sets=3)]
    [True, True]
    """
    setup = BIAS_VARIANCE_SETUP if setup is None else checked_setup(setup)
    lams = _lams(lams, setup)
    sets = count("sets", sets, minimum=2)
    data = setup.data()
    bayes = bayes_probability(data.X_test, noise=setup.noise)
    labels = data.Y_test[0]
    setups = [dataclasses.replace(setup, seed=setup.seed + k) for k in range(sets)]
    records = []
    for lam in lams:
        predictions = np.vstack(
            [forward(list(memoised_fit(each, lam)), data.X_test, activation=each.activation) for each in setups]
        )
        records.append(decompose(lam, predictions, bayes, labels))
    return records


def format_bias_variance(records: Sequence[BiasVarianceRecord]) -> str:
    """Return bias–variance records as an aligned text table, with the sum of the three terms beside the errors.

    ``bias² + variance + noise`` is printed next to ``expected_error``, which
    it equals, and next to ``test_error``, which measures it with one label per
    test point. Four decimals throughout.

    See Also
    --------
    bias_variance_sweep : makes the records.
    Chapter [1, Overfitting and its two cures](01-overfitting.md)

    Examples
    --------
    >>> print(format_bias_variance([BiasVarianceRecord(0.3, 20, 0.0104, 0.0148, 0.1017, 0.1269, 0.1262)]))
        lam  sets   bias²  variance   noise  bias²+var+noise  test error
        0.3    20  0.0104    0.0148  0.1017           0.1269      0.1262
    """
    records = nonempty_sequence("records", records, "BiasVarianceRecord")
    for index, record in enumerate(records):
        if not isinstance(record, BiasVarianceRecord):
            raise TypeError(f"records[{index}] must be a BiasVarianceRecord, got {type(record).__name__}")
    lines = [
        f"{'lam':>7}  {'sets':>4}  {'bias²':>6}  {'variance':>8}  {'noise':>6}  "
        f"{'bias²+var+noise':>15}  {'test error':>10}"
    ]
    for r in records:
        total = r.bias_squared + r.variance + r.noise
        lines.append(
            f"{r.lam:>7g}  {r.sets:>4d}  {r.bias_squared:>6.4f}  {r.variance:>8.4f}  {r.noise:>6.4f}  "
            f"{total:>15.4f}  {r.test_error:>10.4f}"
        )
    return "\n".join(lines)
