"""The step-size experiment of chapter 6: the error of a central difference against its step, in float64 and float32.

Truncation makes the error grow like ``h²`` for large steps, rounding like
``ε/h`` for small ones: on log–log axes a V whose bottom lies near
``∛ε`` (times the scale of the coordinate). The problem is chapter 6's: a
2-3-1 tanh network on four examples with ``λ = 0.7``, differentiated with
respect to its six first-layer weights, and the median error over 100
networks, because in the rounding regime one network's error depends on the
machine.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence

import numpy as np

from l2book._checks import count, nonempty_sequence, positive
from l2book.experiments.cache import through_disk_cache
from l2book.gradcheck import numerical_gradient, relative_error
from l2book.layer import Layer
from l2book.network import cost, gradients, init_params

STEP_SIZES = tuple(10.0 ** (-k / 2) for k in range(2, 25))
"""Steps from 1e-1 to 1e-12, two per decade: fine enough to show the V, coarse enough that its bottom is no near-tie."""

STEP_NETWORKS = 100
"""Networks the median is taken over (chapter 6's table uses the same 100)."""


@dataclasses.dataclass(frozen=True)
class StepSizeCurve:
    """The median relative error of the central difference at each step, for one dtype.

    Attributes
    ----------
    dtype : str
        ``"float64"`` or ``"float32"``: the precision the network and the differences are computed in.
    networks : int
        How many networks each median is taken over.
    steps : tuple of float
        The steps ``h``.
    errors : tuple of float
        Median relative error over the networks at each step; NaN where ``w ± h``
        rounds back to ``w`` for at least one network (the difference is then refused).
    predicted_step : float
        ``∛ε`` of the dtype: the step that balances truncation and rounding for a
        cost, a third derivative and a weight of order one.

    Examples
    --------
    >>> curve = StepSizeCurve("float64", 1, (1e-3, 1e-5), (1e-7, 1e-11), 6e-6)
    >>> curve.best_step, curve.best_error
    (1e-05, 1e-11)
    """

    dtype: str
    networks: int
    steps: tuple[float, ...]
    errors: tuple[float, ...]
    predicted_step: float

    @property
    def best_step(self) -> float:
        """The measured step with the smallest median error."""
        return self.steps[int(np.nanargmin(self.errors))]

    @property
    def best_error(self) -> float:
        """The smallest median error."""
        return float(np.nanmin(self.errors))


def step_size_problem() -> tuple[np.ndarray, np.ndarray, float, list[list[Layer]]]:
    """Return chapter 6's problem: inputs ``X`` (2×4), labels ``Y``, ``λ = 0.7`` and the 100 networks 2-3-1.

    Examples
    --------
    >>> X, Y, lam, networks = step_size_problem()
    >>> X.shape, Y.tolist(), lam, len(networks)
    ((2, 4), [[0.0, 1.0, 1.0, 0.0]], 0.7, 100)
    """
    X = np.random.default_rng(0).standard_normal((2, 4))
    Y = np.array([[0.0, 1.0, 1.0, 0.0]])
    return X, Y, 0.7, [init_params([2, 3, 1], seed=seed) for seed in range(STEP_NETWORKS)]


def first_layer_error(
    params: Sequence[Layer], X: np.ndarray, Y: np.ndarray, lam: float, dtype: type, h: float
) -> float | None:
    """Return the relative error of the central difference with step ``h`` for ``∂J_reg/∂W^[1]``, in ``dtype``.

    The network and the data are converted to ``dtype``, the cost is differenced
    there, and the result is compared with the backpropagated gradient in
    float64 at the very same (rounded) point. Returns None where ``w ± h``
    rounds back to ``w`` (:func:`~l2book.numerical_gradient` refuses the step).

    Parameters
    ----------
    params : list of Layer
        The network.
    X, Y : ndarray
        Inputs and labels.
    lam : float
        Regularization strength.
    dtype : {numpy.float64, numpy.float32}
        The precision of the differences.
    h : float
        The step, ``> 0``.

    Returns
    -------
    float or None
        The relative error, or None if the step vanished.

    See Also
    --------
    step_size_curve : the median over many networks and steps.
    Chapter [6, How this book checks itself](06-checks.md)

    Examples
    --------
    >>> X, Y, lam, networks = step_size_problem()
    >>> print(f"{first_layer_error(networks[0], X, Y, lam, np.float64, 1e-2):.2e}")   # truncation: h²-sized
    1.51e-05
    >>> first_layer_error(networks[0], X, Y, lam, np.float32, 1e-9) is None
    True
    """
    h = positive("h", h)
    net = [Layer(W.astype(dtype), b.astype(dtype)) for W, b in params]
    Xd, Yd = X.astype(dtype), Y.astype(dtype)
    exact = gradients([Layer(W.astype(np.float64), b.astype(np.float64)) for W, b in net], X, Y, lam)[0].W

    def cost_of_W1(W1: np.ndarray) -> float:
        return cost([Layer(W1, net[0].b), *net[1:]], Xd, Yd, lam)

    try:
        numeric = numerical_gradient(cost_of_W1, net[0].W, eps=h)
    except ValueError:
        return None  # w ± h rounds back to w
    return relative_error(exact, numeric)


def step_size_curve(
    dtype: type, steps: Sequence[float] = STEP_SIZES, *, networks: int = STEP_NETWORKS
) -> StepSizeCurve:
    """Measure the median error of :func:`first_layer_error` over chapter 6's networks at each step.

    Parameters
    ----------
    dtype : {numpy.float64, numpy.float32}
        The precision.
    steps : sequence of float, default STEP_SIZES
        The steps, each ``> 0``.
    networks : int, default STEP_NETWORKS
        How many of the problem's networks to take the median over (the first ones).

    Returns
    -------
    StepSizeCurve
        The medians, and the predicted best step ``∛ε``.

    See Also
    --------
    step_size_problem : the networks and data.
    Chapter [6, How this book checks itself](06-checks.md)

    Examples
    --------
    >>> curve = step_size_curve(np.float64, (1e-2, 1e-5, 1e-8), networks=5)
    >>> curve.best_step
    1e-05
    """
    if np.dtype(dtype) not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise TypeError(f"dtype must be numpy.float64 or numpy.float32, got {dtype!r}")
    steps = [positive(f"steps[{i}]", h) for i, h in enumerate(nonempty_sequence("steps", steps, "positive numbers"))]
    networks = count("networks", networks, minimum=1)
    if networks > STEP_NETWORKS:
        raise ValueError(f"networks must be <= {STEP_NETWORKS}, got {networks!r}")
    return _measured_curve(np.dtype(dtype).type, tuple(steps), networks)


# Pure and a few seconds long: the page, its notebook and the figure ask for the same curves,
# in this process and in others (the disk cache of l2book.experiments.cache).
@functools.cache
def _measured_curve(dtype: type, steps: tuple[float, ...], networks: int) -> StepSizeCurve:
    """Measure :func:`step_size_curve` for validated arguments, or read the measurement from the disk cache."""
    return through_disk_cache(
        lambda: _measure(dtype, steps, networks),
        key=("step size curve", np.dtype(dtype).name, steps, networks),
        depends_on=(__name__,),
    )


def _measure(dtype: type, steps: tuple[float, ...], networks: int) -> StepSizeCurve:
    """Measure the curve: the median of :func:`first_layer_error` over the networks, at each step."""
    X, Y, lam, nets = step_size_problem()
    medians = []
    for h in steps:
        errors = [first_layer_error(net, X, Y, lam, dtype, h) for net in nets[:networks]]
        medians.append(float("nan") if None in errors else float(np.median(errors)))
    predicted = float(np.finfo(dtype).eps) ** (1 / 3)
    return StepSizeCurve(np.dtype(dtype).name, networks, steps, tuple(medians), predicted)
