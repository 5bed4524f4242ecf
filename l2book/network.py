"""A fully connected network: initialization, forward pass, regularized cost and backprop.

Hidden layers use ``activation`` (tanh by default); the output layer is a
sigmoid paired with binary cross-entropy, or the identity paired with mean
squared error. Columns are examples: ``X`` has shape ``(n_x, m)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from l2book._checks import FLOAT_DTYPES, choice, count, float_array, nonnegative, params_and_inputs, same_dtype, widths
from l2book.layer import Layer
from l2book.penalty import squared_frobenius_norm

ACTIVATIONS = ("tanh", "relu", "linear")
LOSSES = ("cross_entropy", "mse")
OUTPUTS = ("sigmoid", "identity")
OUTPUT_OF_LOSS = {"cross_entropy": "sigmoid", "mse": "identity"}

# Backprop works on row blocks so no temporary is as large as a layer (benchmarks/ measures both):
#: rows of ``Wᵀ dZ`` made at once; OpenBLAS runs a 256-row product as fast as the whole one.
PRODUCT_BLOCK_ROWS = 256
#: bytes of ``(λ/m)·W`` made at once: a block that stays in the cache.
ELEMENTWISE_BLOCK_BYTES = 2**17


def init_params(layer_dims: Sequence[int], *, seed: int = 0, dtype: type = np.float64) -> list[Layer]:
    """Return Xavier-initialized parameters for layers of the given widths.

    ``W^[l]`` is drawn from ``N(0, 1/n_{l-1})``, which keeps tanh units out of
    saturation at the start; biases start at zero.

    Parameters
    ----------
    layer_dims : sequence of int
        ``[n_x, n_1, ..., n_L]``: the input size, then each layer's width.
    seed : int, default 0
        Seed of the random generator; the same seed gives the same parameters.
    dtype : {numpy.float64, numpy.float32}
        Floating-point type of every array.

    Returns
    -------
    list of Layer
        One ``Layer(W, b)`` per layer.

    Notes
    -----
    Chapter [2, The regularized loss](02-regularized-loss.md) sets out the notation.

    Examples
    --------
    >>> params = init_params([2, 4, 1], seed=0)
    >>> [(layer.W.shape, layer.b.shape) for layer in params]
    [((4, 2), (4, 1)), ((1, 4), (1, 1))]
    """
    dims = widths("layer_dims", layer_dims)
    if len(dims) < 2:
        raise ValueError(f"layer_dims must list at least two sizes [n_x, ..., n_L], got {layer_dims!r}")
    if np.dtype(dtype) not in FLOAT_DTYPES:
        raise TypeError(f"dtype must be float32 or float64, got {np.dtype(dtype)}")
    rng = np.random.default_rng(count("seed", seed, minimum=0))
    return [
        Layer(
            W=(rng.standard_normal((n, n_prev)) / np.sqrt(n_prev)).astype(dtype),
            b=np.zeros((n, 1), dtype=dtype),
        )
        for n_prev, n in zip(dims[:-1], dims[1:])
    ]


def forward(
    params: Sequence[Layer], X: np.ndarray, *, activation: str = "tanh", output: str = "sigmoid"
) -> np.ndarray:
    """Return the network's output ``A^[L]`` for the inputs ``X``.

    Parameters
    ----------
    params : list of Layer
        Parameters, e.g. from :func:`init_params`.
    X : ndarray of shape (n_x, m)
        Inputs, one column per example.
    activation : {"tanh", "relu", "linear"}
        Hidden-layer activation ``g``.
    output : {"sigmoid", "identity"}
        Output-layer activation.

    Returns
    -------
    ndarray of shape (n_L, m)
        Predictions in the parameters' dtype.

    Notes
    -----
    Chapter [2, The regularized loss](02-regularized-loss.md) sets out the notation.

    Examples
    --------
    >>> import numpy as np
    >>> params = [Layer(W=np.array([[1.0, -1.0]]), b=np.array([[0.0]]))]
    >>> forward(params, np.array([[2.0], [2.0]]))      # sigmoid(0)
    array([[0.5]])
    """
    params, X = params_and_inputs(params, X)
    choice("activation", activation, ACTIVATIONS)
    choice("output", output, OUTPUTS)
    _, Z = _forward_pass(params, X, activation)
    return _sigmoid_in_place(Z) if output == "sigmoid" else Z


def cost(
    params: Sequence[Layer],
    X: np.ndarray,
    Y: np.ndarray,
    lam: float = 0.0,
    *,
    activation: str = "tanh",
    loss: str = "cross_entropy",
) -> float:
    """Return the regularized cost ``J + λ/(2m) Σ_l ‖W^[l]‖_F²``.

    ``J`` is the mean over the ``m`` examples of the binary cross-entropy of a
    sigmoid output (``loss="cross_entropy"``), or ``(1/2m) Σ ‖ŷ − y‖²`` for an
    identity output (``loss="mse"``). Cross-entropy is computed from the
    logits ``z`` as ``softplus(z) − y·z``, which stays finite for any ``z``.

    Parameters
    ----------
    params : list of Layer
        Parameters ``W^[l]``, ``b^[l]``.
    X : ndarray of shape (n_x, m)
        Inputs, one column per example.
    Y : ndarray of shape (n_L, m)
        Targets; in ``[0, 1]`` for cross-entropy.
    lam : float, default 0.0
        Regularization strength ``λ ≥ 0``; biases are not penalized.
    activation : {"tanh", "relu", "linear"}
        Hidden-layer activation.
    loss : {"cross_entropy", "mse"}
        Data loss; fixes the output activation (sigmoid or identity).

    Returns
    -------
    float
        The regularized cost.

    See Also
    --------
    gradients : its gradient with respect to every parameter.
    l2_penalty : the regularization term alone.

    Notes
    -----
    Chapter [2, The regularized loss](02-regularized-loss.md) takes it apart term by term.

    Examples
    --------
    >>> import numpy as np
    >>> params = [Layer(W=np.array([[3.0, 4.0]]), b=np.array([[0.0]]))]
    >>> X, Y = np.zeros((2, 4)), np.ones((1, 4))
    >>> round(cost(params, X, Y), 6)                   # -log(sigmoid(0)) = log 2
    0.693147
    >>> round(cost(params, X, Y, lam=0.2), 6)          # + 0.2/(2·4) · 25
    1.318147
    """
    params, X, Y, lam = _checked_problem(params, X, Y, lam, activation, loss)
    return unchecked_cost(params, X, Y, lam, activation, loss)


def gradients(
    params: Sequence[Layer],
    X: np.ndarray,
    Y: np.ndarray,
    lam: float = 0.0,
    *,
    activation: str = "tanh",
    loss: str = "cross_entropy",
) -> list[Layer]:
    """Return the gradient of :func:`cost`: ``dW^[l] = ∂J/∂W^[l] + (λ/m) W^[l]`` and ``db^[l]``.

    Backpropagation, vectorized over the examples. The sigmoid/cross-entropy
    and identity/MSE pairs both give ``∂J/∂Z^[L] = (A^[L] − Y)/m`` at the
    output; each hidden layer multiplies by ``g'(Z)``, computed from the
    stored activation (``1 − A²`` for tanh).

    Parameters
    ----------
    params : list of Layer
        Parameters ``W^[l]``, ``b^[l]``.
    X : ndarray of shape (n_x, m)
        Inputs, one column per example.
    Y : ndarray of shape (n_L, m)
        Targets; in ``[0, 1]`` for cross-entropy.
    lam : float, default 0.0
        Regularization strength ``λ ≥ 0``.
    activation : {"tanh", "relu", "linear"}
        Hidden-layer activation.
    loss : {"cross_entropy", "mse"}
        Data loss.

    Returns
    -------
    list of Layer
        ``Layer(dW, db)`` per layer, same shapes and dtype as ``params``.

    See Also
    --------
    check_gradients : compares this with finite differences of :func:`cost`.
    weight_decay_step : applies the ``(λ/m) W`` term as a decay instead.

    Notes
    -----
    Chapter [3, Weight decay](03-weight-decay.md) derives the ``(λ/m) W`` term;
    chapter [6, How this book checks itself](06-checks.md) verifies the rest.
    Backprop must keep every activation of the forward pass; beyond them, each
    activation is overwritten by its layer's delta once backprop has used it
    and no temporary as large as a weight matrix is made.
    [Performance](performance.md) measures the memory, and the time against
    the matrix products the call cannot avoid.

    Examples
    --------
    >>> import numpy as np
    >>> params = [Layer(W=np.array([[3.0, 4.0]]), b=np.array([[0.0]]))]
    >>> X, Y = np.zeros((2, 4)), np.ones((1, 4))
    >>> grads = gradients(params, X, Y, lam=0.2)
    >>> grads[0].W                                     # data part 0, plus (0.2/4)·W
    array([[0.15, 0.2 ]])
    >>> grads[0].b                                     # mean of sigmoid(0) − 1
    array([[-0.5]])
    """
    params, X, Y, lam = _checked_problem(params, X, Y, lam, activation, loss)
    return unchecked_gradients(params, X, Y, lam, activation, loss)


def unchecked_gradients(
    params: list[Layer], X: np.ndarray, Y: np.ndarray, lam: float, activation: str, loss: str
) -> list[Layer]:
    """Return :func:`gradients` without validating: for callers that validated once."""
    activations, Z = _forward_pass(params, X, activation)
    dZ = _output_delta(Z, Y, loss)
    decay = lam / X.shape[1]
    grads = []
    for index in reversed(range(len(params))):
        W = params[index].W
        # Popped, so each activation's buffer is freed as soon as backprop is done with it.
        A_prev = activations.pop()
        grads.append(Layer(_weight_gradient(dZ, A_prev, W, decay), dZ.sum(axis=1, keepdims=True)))
        if index:  # A_prev is a hidden activation, ours to overwrite (never X)
            dZ = _hidden_delta(W, dZ, A_prev, activation)
    return grads[::-1]


def _weight_gradient(dZ: np.ndarray, A_prev: np.ndarray, W: np.ndarray, decay: float) -> np.ndarray:
    """Return ``dW = dZ A_prevᵀ + (λ/m) W``: the data gradient, then the l2_penalty_grad term added in place."""
    dW = dZ @ A_prev.T
    if decay:
        scale = W.dtype.type(decay)
        if W.nbytes <= ELEMENTWISE_BLOCK_BYTES:  # small: one step, without the loop's overhead
            dW += W * scale
            return dW
        # A few rows at a time, so that (λ/m)·W never exists at full size: no temporary as big as W.
        for rows in _row_blocks(len(W), ELEMENTWISE_BLOCK_BYTES // W[0].nbytes):
            block = dW[rows]
            block += W[rows] * scale
    return dW


def _hidden_delta(W: np.ndarray, dZ: np.ndarray, A: np.ndarray, activation: str) -> np.ndarray:
    """Return ``dZ^[l-1] = (W^[l]ᵀ dZ^[l]) ⊙ g'(Z^[l-1])``, written over ``A = A^[l-1]``.

    Once ``dW^[l]`` is computed backprop needs ``A`` only for the slope
    ``g'(Z)``, so ``A`` becomes the slope and then the result; the product
    ``Wᵀ dZ`` is made a block of rows at a time, never at full size.
    """
    slope = _slope_in_place(A, activation)
    if len(slope) <= PRODUCT_BLOCK_ROWS:  # one block: the whole product at once
        slope *= W.T @ dZ
        return slope
    for rows in _row_blocks(len(slope), PRODUCT_BLOCK_ROWS):
        block = slope[rows]
        block *= W[:, rows].T @ dZ
    return slope


def _row_blocks(rows: int, step: int) -> list[slice]:
    """Return slices of ``step`` consecutive rows (at least one; the last may be shorter) covering ``rows`` rows."""
    step = max(1, step)
    return [slice(start, start + step) for start in range(0, rows, step)]


def unchecked_cost(
    params: list[Layer], X: np.ndarray, Y: np.ndarray, lam: float, activation: str, loss: str
) -> float:
    """Return :func:`cost` without validating: for callers that validated once and evaluate often."""
    _, Z = _forward_pass(params, X, activation)
    # Skipped at λ = 0: 0 · ‖W‖² would be NaN if ‖W‖² overflowed (float32 weights above ~1e19).
    penalty = lam / (2 * X.shape[1]) * squared_frobenius_norm([layer.W for layer in params]) if lam else 0.0
    return _data_cost(Z, Y, loss) + penalty


def _forward_pass(
    params: list[Layer], X: np.ndarray, activation: str, *, preactivations: list[np.ndarray] | None = None
) -> tuple[list[np.ndarray], np.ndarray]:
    """Return the inputs of every layer ``[A^[0], ..., A^[L-1]]`` and the output logits ``Z^[L]``.

    Each hidden ``Z^[l]`` becomes ``A^[l]`` in place; a caller that also needs the
    ``Z^[l]`` (the metrics of chapters 4 and 5) passes a list as ``preactivations``,
    and a copy of each is appended to it.
    """
    activations = [X]
    for W, b in params[:-1]:
        Z = W @ activations[-1]
        Z += b
        if preactivations is not None:
            preactivations.append(Z.copy())
        activations.append(_activate_in_place(Z, activation))
    W, b = params[-1]
    Z = W @ activations[-1]
    Z += b
    return activations, Z


def _activate_in_place(Z: np.ndarray, activation: str) -> np.ndarray:
    """Overwrite the fresh pre-activation ``Z`` with ``g(Z)`` (it is never needed again)."""
    if activation == "tanh":
        np.tanh(Z, out=Z)
    elif activation == "relu":
        np.maximum(Z, 0, out=Z)
    return Z


def _slope_in_place(A: np.ndarray, activation: str) -> np.ndarray:
    """Overwrite ``A = g(Z)`` with the slope ``g'(Z)``, computed from ``A`` alone."""
    if activation == "tanh":
        np.multiply(A, A, out=A)
        np.subtract(1, A, out=A)  # tanh' = 1 − tanh²
    elif activation == "relu":
        np.greater(A, 0, out=A)  # relu' = 1 where the unit is active, else 0
    else:
        A.fill(1)  # linear' = 1
    return A


def _sigmoid_in_place(Z: np.ndarray) -> np.ndarray:
    """Overwrite ``Z`` with ``σ(Z) = 1 / (1 + e^{−Z})``, accurate to a few ulps for every ``Z``."""
    # For Z < −709 (float64) e^{−Z} overflows to inf and 1/inf = 0: the correctly rounded σ(Z).
    with np.errstate(over="ignore", under="ignore"):
        np.negative(Z, out=Z)
        np.exp(Z, out=Z)
    np.add(Z, 1, out=Z)
    return np.reciprocal(Z, out=Z)


def _sigmoid(Z: np.ndarray) -> np.ndarray:
    """Return ``σ(Z)`` as a new array (see :func:`_sigmoid_in_place`)."""
    return _sigmoid_in_place(Z.copy())


def _data_cost(Z: np.ndarray, Y: np.ndarray, loss: str) -> float:
    """Return ``J``, the mean loss over the examples, from the output logits ``Z``."""
    m = Z.shape[1]
    if loss == "cross_entropy":
        # −y·log σ(z) − (1−y)·log(1−σ(z)) = max(z, 0) − y·z + log(1 + e^{−|z|}). No two large
        # terms cancel: for a confident, correct z (y = 1, z ≫ 0) the first two are exactly 0
        # and the loss e^{−z} survives in log1p to the last bit; and nothing overflows.
        with np.errstate(under="ignore"):
            softplus_tail = np.log1p(np.exp(-np.abs(Z)))
        return float(np.sum(np.maximum(Z, 0) - Y * Z + softplus_tail)) / m
    return 0.5 * float(np.vdot(Z - Y, Z - Y)) / m


def _output_delta(Z: np.ndarray, Y: np.ndarray, loss: str) -> np.ndarray:
    """Return ``∂J/∂Z^[L] = (A^[L] − Y)/m``: both loss/output pairs were chosen to give this."""
    if loss == "cross_entropy":
        # σ(z) − y written as (1 − y)·σ(z) − y·σ(−z): for y = 1 and z ≫ 0 this is the exact
        # −σ(−z) instead of 1 − 1 = 0 (float32 rounds σ(z) to 1 from z ≈ 17 on).
        dZ = (1 - Y) * _sigmoid(Z)
        dZ -= Y * _sigmoid(-Z)
    else:
        # Z belongs to this backward pass alone, so it becomes dZ in place.
        dZ = Z
        dZ -= Y
    dZ /= Z.shape[1]
    return dZ


def _checked_problem(
    params: Sequence[Layer], X: np.ndarray, Y: np.ndarray, lam: float, activation: str, loss: str
) -> tuple[list[Layer], np.ndarray, np.ndarray, float]:
    """Validate everything :func:`cost` and :func:`gradients` take."""
    params, X = params_and_inputs(params, X)
    choice("activation", activation, ACTIVATIONS)
    choice("loss", loss, LOSSES)
    Y = float_array("Y", Y)
    same_dtype("Y", Y, X.dtype)
    expected = (params[-1].W.shape[0], X.shape[1])
    if Y.shape != expected:
        raise ValueError(f"Y must have shape {expected} (n_L, m), got {Y.shape}")
    if loss == "cross_entropy" and ((Y < 0).any() or (Y > 1).any()):
        raise ValueError("Y must hold labels in [0, 1] for loss='cross_entropy'")
    return params, X, Y, nonnegative("lam", lam)
