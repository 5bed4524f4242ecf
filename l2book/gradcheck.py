"""Finite-difference gradient checks: per coordinate for small networks, along random directions for large ones."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from l2book._checks import count, float_array, matching_layers, positive
from l2book.layer import Layer
from l2book.network import (
    _activate_in_place,
    _checked_problem,
    _data_cost,
    _forward_pass,
    gradients,
    unchecked_cost,
    unchecked_gradients,
)

#: Default pass/fail bounds on the relative error, by the dtype of the analytic gradient. The finite differences are
#: taken in float64 (error ≈ 1e-10), so the bound measures the analytic gradient's own rounding: float64 gradients
#: agree to ~1e-10, float32 ones to ~1e-7. A planted bug gives 1e-3 or more (chapter 6).
THRESHOLDS = {np.dtype(np.float64): 1e-7, np.dtype(np.float32): 1e-5}


@dataclass(frozen=True)
class GradientCheck:
    """Result of :func:`check_gradients`.

    Attributes
    ----------
    relative_error : float
        ``‖g − g̃‖ / (‖g‖ + ‖g̃‖)`` over all parameters (coordinate mode) or the ``k`` directional derivatives.
    threshold : float
        The bound ``relative_error`` was compared with.
    passed : bool
        ``relative_error < threshold``.
    mode : str
        ``"coordinate"`` or ``"directional"``.
    evaluations : int
        Number of cost evaluations the finite differences took.
    layer_errors : tuple of (float, float)
        Per layer, the relative errors of ``dW`` and ``db`` (coordinate mode only).
    worst_layer : int or None
        Index of the layer with the largest relative error (coordinate mode only).
    worst_parameter : str or None
        ``"W"`` or ``"b"``, whichever is worse in that layer.
    worst_index : tuple of int or None
        Component of that array where ``|g − g̃|`` is largest.

    Notes
    -----
    Layers are counted from 0: layer 0 holds ``W^[1]``, ``b^[1]``. Chapter
    [6, How this book checks itself](06-checks.md) reads these results.
    """

    relative_error: float
    threshold: float
    passed: bool
    mode: str
    evaluations: int
    layer_errors: tuple[tuple[float, float], ...] = ()
    worst_layer: int | None = None
    worst_parameter: str | None = None
    worst_index: tuple[int, ...] | None = None

    def __str__(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        where = ""
        if self.worst_layer is not None:
            where = f"; worst: layer {self.worst_layer} d{self.worst_parameter}{list(self.worst_index or ())}"
        return (
            f"{verdict} ({self.mode}): relative error {self.relative_error:.2e} "
            f"vs threshold {self.threshold:.0e}, {self.evaluations} cost evaluations{where}"
        )


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, *, eps: float | None = None) -> np.ndarray:
    """Return the central-difference gradient of ``f`` at ``x``, one coordinate at a time.

    ``∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / (2h)``. Its error is about ``h²|f‴|/6`` (truncation) plus
    ``ε_mach |f| / h`` (rounding), smallest near ``h = ∛ε_mach``; the default step is ``h_i = ∛ε_mach · max(1, |x_i|)``
    in the dtype of ``x`` (≈ 6e-6 in float64, ≈ 5e-3 in float32). The division uses the step actually represented,
    ``(x_i + h) − (x_i − h)``.

    Parameters
    ----------
    f : callable
        Takes an array shaped like ``x`` and returns a real number; it receives a working copy, never ``x`` itself.
    x : ndarray
        Point at which to differentiate (float32 or float64).
    eps : float, optional
        A fixed step ``h`` for every coordinate instead of the default.

    Returns
    -------
    ndarray
        The gradient, with the shape and dtype of ``x``. Costs ``2·x.size`` evaluations of ``f``.

    Raises
    ------
    ValueError
        If ``x ± eps`` rounds back to ``x`` (e.g. ``eps=1e-7`` at ``|x| > 2`` in float32, where neighbouring numbers
        are more than ``2·eps`` apart): the difference quotient would be meaningless.

    See Also
    --------
    check_gradients : applies this to every parameter of a network.

    Notes
    -----
    Chapter [6, How this book checks itself](06-checks.md) measures the step-size trade-off.

    Examples
    --------
    >>> import numpy as np
    >>> g = numerical_gradient(lambda v: float(np.sum(v ** 3)), np.array([1.0, 2.0]))
    >>> np.allclose(g, [3.0, 12.0], rtol=1e-9)
    True
    """
    x = float_array("x", x, ndim=None)
    step = None if eps is None else positive("eps", eps)
    scale = np.cbrt(np.finfo(x.dtype).eps)
    work = x.copy()
    flat = work.reshape(-1)  # a view: writing flat[i] perturbs work
    grad = np.empty_like(x)
    for i in range(flat.size):
        original = flat[i]
        h = x.dtype.type(step if step is not None else scale * max(1.0, abs(float(original))))
        flat[i] = original + h
        upper, f_upper = flat[i], _value_of(f, work)
        flat[i] = original - h
        lower, f_lower = flat[i], _value_of(f, work)
        flat[i] = original
        if upper == lower:
            raise ValueError(f"eps={eps!r} is too small: x ± eps rounds back to x[{i}]={original!r} in {x.dtype}")
        grad.flat[i] = (f_upper - f_lower) / (float(upper) - float(lower))
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """Return ``‖a − b‖ / (‖a‖ + ‖b‖)`` (Euclidean norms), and 0 when both are 0.

    Scale-free and symmetric: about 1e-10 for a correct float64 gradient, 1 when one side is 0 and the other is not.

    Parameters
    ----------
    a, b : array_like
        Arrays of the same shape.

    Returns
    -------
    float
        A number in ``[0, 1]``.

    Notes
    -----
    Chapter [6, How this book checks itself](06-checks.md) explains the thresholds.

    Examples
    --------
    >>> relative_error([3.0, 4.0], [3.0, 4.0])
    0.0
    >>> relative_error([1.0, 0.0], [0.0, 0.0])
    1.0
    >>> round(relative_error([1.0], [1.1]), 6)          # 0.1 / 2.1
    0.047619
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    for name, array in (("a", a), ("b", b)):
        if array.size == 0:
            raise ValueError(f"{name} must not be empty")
        if not np.isfinite(array).all():
            raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    scale = max(float(np.abs(a).max()), float(np.abs(b).max()))
    if scale == 0:
        return 0.0
    # Divided by the largest entry first, so squaring cannot overflow (or underflow) at any scale.
    a, b = a / scale, b / scale
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


def check_gradients(
    params: Sequence[Layer],
    X: np.ndarray,
    Y: np.ndarray,
    lam: float = 0.0,
    *,
    activation: str = "tanh",
    loss: str = "cross_entropy",
    directions: int | None = None,
    seed: int = 0,
    threshold: float | None = None,
    gradient_fn: Callable[..., list[Layer]] = gradients,
) -> GradientCheck:
    """Compare analytic gradients with central differences of :func:`cost`.

    Per-coordinate mode (the default) differentiates every parameter: two cost evaluations each, fine up to a few
    thousand parameters. Directional mode (``directions=k``) compares ``g·v`` with ``(J(θ + hv) − J(θ − hv)) / 2h``
    along ``k`` random unit directions ``v`` of the whole parameter vector ``θ``: ``2k`` evaluations whatever the
    size, so networks with millions of parameters can be checked, and a wrong component shows up in ``g·v`` for
    almost every ``v``. Each component of ``v`` is ``±1/√n`` with an independent random sign; the step is
    ``h = ∛ε · max(1, ‖θ‖)``. The evaluations share the product ``W^[1]X``; each direction adds one product ``S^[1]X``
    and two passes through the later layers, a little under three quarters of a forward and backward pass on a large
    network ([Performance](performance.md)). The finite differences are always taken in float64, so a float32
    network is checked against an accurate reference.

    Parameters
    ----------
    params, X, Y, lam, activation, loss
        As for :func:`cost`.
    directions : int, optional
        Number ``k ≥ 1`` of random directions; ``None`` checks every coordinate.
    seed : int, default 0
        Seed of the random directions.
    threshold : float, optional
        Pass/fail bound on the relative error; by default ``THRESHOLDS`` of the dtype (1e-7 float64, 1e-5 float32).
    gradient_fn : callable, optional
        The backward pass under test, called as ``gradient_fn(params, X, Y, lam, activation=..., loss=...)``; this
        library's :func:`gradients` by default. Pass your own to check it against this library's cost.

    Returns
    -------
    GradientCheck
        The relative error, ``passed``, and where the worst disagreement is.

    See Also
    --------
    numerical_gradient : the per-coordinate differences.
    relative_error : the measure of disagreement.

    Notes
    -----
    **The tiny-λ trap.** The penalty's gradient ``(λ/m)W`` is small next to the data gradient when ``λ`` is small,
    so a backward pass that forgets it can still pass: the error it causes, about ``‖(λ/m)W‖ / (2‖∂J/∂W‖)``, is below
    1e-7 for small enough ``λ`` (``λ = 1e-8`` on chapter 6's network). Check at ``λ = 0`` and at a large ``λ`` whose
    ``λ/m`` is not 1 (e.g. ``λ = 10m``: at ``λ/m = 1`` a wrong power such as ``(λ/m)²W`` agrees), or check the penalty
    alone with :func:`numerical_gradient` of :func:`l2_penalty`. Chapter [6](06-checks.md) catches each planted bug.

    Examples
    --------
    >>> import numpy as np
    >>> from l2book import init_params
    >>> params = init_params([2, 3, 1], seed=0)
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.standard_normal((2, 5)), rng.integers(0, 2, (1, 5)).astype(float)
    >>> result = check_gradients(params, X, Y, lam=0.5)
    >>> result.passed, result.evaluations
    (True, 26)
    >>> check_gradients(params, X, Y, lam=0.5, directions=3).evaluations
    6
    """
    params, X, Y, lam = _checked_problem(params, X, Y, lam, activation, loss)
    if directions is not None:
        directions = count("directions", directions, minimum=1)
    seed = count("seed", seed, minimum=0)
    bound = THRESHOLDS[params[0].W.dtype] if threshold is None else positive("threshold", threshold)
    if gradient_fn is gradients:  # the inputs were validated just above: no need to again
        analytic = unchecked_gradients(params, X, Y, lam, activation, loss)
    else:
        claimed = gradient_fn(params, X, Y, lam, activation=activation, loss=loss)
        # A malformed result must fail loudly here, not be compared (or broadcast) below.
        analytic = matching_layers("the result of gradient_fn", claimed, params)
    analytic = [Layer(np.asarray(dW, np.float64), np.asarray(db, np.float64)) for dW, db in analytic]
    # Validated once, above; nothing below writes into these arrays, so float64 inputs are used as they are, not copied.
    reference = _Reference(
        [Layer(W.astype(np.float64, copy=False), b.astype(np.float64, copy=False)) for W, b in params],
        X.astype(np.float64, copy=False),
        Y.astype(np.float64, copy=False),
        lam,
        activation,
        loss,
    )
    if directions is None:
        return _coordinate_check(reference.cost, reference.params, analytic, bound)
    return _directional_check(reference, analytic, bound, directions, seed)


class _Reference(NamedTuple):
    """The validated float64 problem whose cost the finite differences evaluate."""

    params: list[Layer]
    X: np.ndarray
    Y: np.ndarray
    lam: float
    activation: str
    loss: str

    def cost(self, params: list[Layer]) -> float:
        """Return the regularized cost ``J`` at ``params`` (no validation)."""
        return unchecked_cost(params, self.X, self.Y, self.lam, self.activation, self.loss)

    def data_cost_from_first_layer(self, Z1: np.ndarray, rest: list[Layer]) -> float:
        """Return the data loss ``J`` (no penalty) from ``Z^[1]`` (overwritten) and the layers after the first."""
        if rest:
            _, Z1 = _forward_pass(rest, _activate_in_place(Z1, self.activation), self.activation)
        return _data_cost(Z1, self.Y, self.loss)


def _coordinate_check(
    cost_at: Callable[[list[Layer]], float], params: list[Layer], analytic: list[Layer], bound: float
) -> GradientCheck:
    """Differentiate every parameter and locate the worst disagreement."""
    numeric = [
        Layer(*(numerical_gradient(_with_array_at(cost_at, params, index, field), getattr(layer, field)) for field in "Wb"))
        for index, layer in enumerate(params)
    ]
    overall = relative_error(_flat(analytic), _flat(numeric))
    layer_errors = tuple(
        (relative_error(g.W, n.W), relative_error(g.b, n.b)) for g, n in zip(analytic, numeric)
    )
    worst_layer = max(range(len(params)), key=lambda i: max(layer_errors[i]))
    field = "W" if layer_errors[worst_layer][0] >= layer_errors[worst_layer][1] else "b"
    difference = np.abs(getattr(analytic[worst_layer], field) - getattr(numeric[worst_layer], field))
    worst_index = tuple(int(i) for i in np.unravel_index(np.argmax(difference), difference.shape))
    return GradientCheck(
        relative_error=overall,
        threshold=bound,
        passed=overall < bound,
        mode="coordinate",
        evaluations=2 * sum(W.size + b.size for W, b in params),
        layer_errors=layer_errors,
        worst_layer=worst_layer,
        worst_parameter=field,
        worst_index=worst_index,
    )


def _directional_check(
    reference: _Reference, analytic: list[Layer], bound: float, k: int, seed: int
) -> GradientCheck:
    """Compare ``g·v`` with a central difference of the cost along ``k`` random unit directions ``v``."""
    rng = np.random.default_rng(seed)
    params = reference.params
    (W1, b1), dW1 = params[0], analytic[0].W
    n = sum(W.size + b.size for W, b in params)
    # h is relative to ‖θ‖ as numerical_gradient's step is to |x_i|; a unit direction spreads it over all n components.
    norm = np.sqrt(sum(float(np.vdot(array, array)) for layer in params for array in layer))  # ‖θ‖
    h = np.cbrt(np.finfo(np.float64).eps) * max(1.0, norm)
    size = h / np.sqrt(n)  # every component of a step S = h·v is ±size
    # (W^[1] ± S^[1]) X = W^[1]X ± S^[1]X, so W^[1]X + b^[1] is computed once for all 2k evaluations.
    first = W1 @ reference.X
    first += b1
    # g·S, and W·S for the penalty, over every parameter after W^[1]: one matrix-vector product.
    probes = np.stack([_flat_after_W1(analytic), _flat_after_W1([Layer(W, np.zeros_like(b)) for W, b in params])])
    penalty_scale = 2 * reference.lam / reference.X.shape[1]
    exact, estimated = [], []
    for _ in range(k):
        # Not a rank-one sign pattern on W^[1], which would make S^[1]X cheaper: it misses structured errors, such
        # as a constant added to every dW^[1] entry, far more often (41 seeds in 300 at k = 3, against 0).
        step_W1 = size * _random_signs(rng, W1.size).reshape(W1.shape)
        after_W1 = size * _random_signs(rng, probes.shape[1])
        g_dot_step, weights_dot_step = probes @ after_W1
        g_dot_step += float(np.vdot(dW1, step_W1))
        weights_dot_step += float(np.vdot(W1, step_W1))
        s1, rest_step = _unflatten_after_W1(after_W1, params)
        shift = step_W1 @ reference.X
        shift += s1
        data_difference = _central_difference(reference, first, shift, rest_step)
        # The penalty's difference is exact, λ/(2m)·(‖W + S‖² − ‖W − S‖²) = (2λ/m)·W·S: added in closed form
        # rather than as the difference of two rounded sums of squares.
        exact.append(g_dot_step / h)
        estimated.append((data_difference + penalty_scale * weights_dot_step) / (2 * h))
    error = relative_error(exact, estimated)
    return GradientCheck(
        relative_error=error, threshold=bound, passed=error < bound, mode="directional", evaluations=2 * k
    )


def _central_difference(reference: _Reference, first: np.ndarray, shift: np.ndarray, rest_step: list[Layer]) -> float:
    """Return the data loss's ``J(θ + S) − J(θ − S)`` from ``W^[1]X + b^[1]`` and ``S^[1]X + s^[1]`` (overwritten)."""
    rest = reference.params[1:]
    upper = reference.data_cost_from_first_layer(np.add(first, shift), _shifted(rest, rest_step, np.add))
    lower = reference.data_cost_from_first_layer(
        np.subtract(first, shift, out=shift), _shifted(rest, rest_step, np.subtract)
    )
    return upper - lower


def _shifted(params: list[Layer], step: list[Layer], op: np.ufunc) -> list[Layer]:
    """Return ``params ± step`` as new Layers, with ``op`` either ``np.add`` or ``np.subtract``."""
    return [Layer(op(W, S), op(b, s)) for (W, b), (S, s) in zip(params, step, strict=True)]


def _random_signs(rng: np.random.Generator, n: int) -> np.ndarray:
    """Return ``n`` random signs ``±1.0`` (float64), one random bit each.

    They weigh every component of ``g·v`` equally, as a Gaussian direction does on average, at a tenth of the cost.
    """
    signs = np.unpackbits(np.frombuffer(rng.bytes((n + 7) // 8), dtype=np.uint8), count=n).view(np.int8)
    signs *= -2
    signs += 1  # each random bit 0 or 1 is now a sign +1 or −1
    return signs.astype(np.float64)


def _flat_after_W1(layers: list[Layer]) -> np.ndarray:
    """Concatenate ``b^[1]`` and every array of the later layers into one vector."""
    return np.concatenate([layers[0].b.ravel(), *(array.ravel() for layer in layers[1:] for array in layer)])


def _unflatten_after_W1(vector: np.ndarray, like: list[Layer]) -> tuple[np.ndarray, list[Layer]]:
    """Split ``vector`` into ``b^[1]`` and Layers shaped like ``like[1:]`` (the inverse of :func:`_flat_after_W1`)."""
    b1 = like[0].b
    return vector[: b1.size].reshape(b1.shape), _unflatten(vector[b1.size :], like[1:])


def _unflatten(vector: np.ndarray, like: list[Layer]) -> list[Layer]:
    """Split ``vector`` into views shaped like the parameters ``like`` (the inverse of :func:`_flat`)."""
    layers, start = [], 0
    for W, b in like:
        W_part = vector[start : start + W.size].reshape(W.shape)
        start += W.size
        b_part = vector[start : start + b.size].reshape(b.shape)
        start += b.size
        layers.append(Layer(W_part, b_part))
    return layers


def _with_array_at(
    cost_at: Callable[[list[Layer]], float], params: list[Layer], index: int, field: str
) -> Callable[[np.ndarray], float]:
    """Return the cost as a function of one array, ``params[index].W`` or ``.b``."""

    def cost_of(array: np.ndarray) -> float:
        point = list(params)
        point[index] = point[index]._replace(**{field: array})
        return cost_at(point)

    return cost_of


def _flat(layers: list[Layer]) -> np.ndarray:
    """Concatenate every ``W`` and ``b`` into one vector."""
    return np.concatenate([array.ravel() for layer in layers for array in layer])


def _value_of(f: Callable[[np.ndarray], float], x: np.ndarray) -> float:
    """Call ``f`` and insist on a finite real number."""
    value = float(f(x))
    if not np.isfinite(value):
        raise ValueError(f"f returned {value} at a perturbed point; it must return finite numbers")
    return value
