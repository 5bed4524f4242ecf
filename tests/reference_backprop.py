"""An independent, plainly written backward pass, with switches that plant classic bugs.

Written the textbook way (no in-place tricks, no shared code with l2book.network),
so agreeing with it is evidence, and each planted bug is a realistic mistake.
"""

from __future__ import annotations

import numpy as np

from l2book import Layer

BUGS = (
    "missing_regularization",  # dW without (λ/m)·W
    "half_regularization",  # λ/(2m)·W instead of λ/m·W
    "bias_missing_1_over_m",  # db summed, not averaged
    "one_minus_tanh",  # 1 − tanh instead of 1 − tanh²
    "transposed_dw",  # dW = A_prev @ dZ.T (that is dWᵀ), reshaped to W's shape
    "sign_error_first_layer",  # dW^[1] with the wrong sign
)


def reference_gradients(params, X, Y, lam=0.0, *, activation="tanh", loss="cross_entropy", bug=None):
    """Backprop for the book's network; ``bug`` names one of ``BUGS`` to plant."""
    assert bug is None or bug in BUGS
    m = X.shape[1]
    g = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "linear": lambda z: z}[activation]
    As, Zs = [X], []
    for index, (W, b) in enumerate(params):
        Z = W @ As[-1] + b
        Zs.append(Z)
        last = index == len(params) - 1
        As.append((1 / (1 + np.exp(-Z)) if loss == "cross_entropy" else Z) if last else g(Z))
    dZ = As[-1] - Y
    grads = [None] * len(params)
    for index in reversed(range(len(params))):
        W = params[index].W
        if bug == "transposed_dw":
            # (A dZᵀ) is dWᵀ; "fixing" its shape with reshape is the classic slip.
            dW = ((As[index] @ dZ.T) / m).reshape(W.shape)
        else:
            dW = (dZ @ As[index].T) / m
        if bug != "missing_regularization":
            dW = dW + (lam / (2 * m) if bug == "half_regularization" else lam / m) * W
        if bug == "sign_error_first_layer" and index == 0:
            dW = -dW
        db = np.sum(dZ, axis=1, keepdims=True) / (1 if bug == "bias_missing_1_over_m" else m)
        grads[index] = Layer(dW, db)
        if index:
            dA = W.T @ dZ
            dZ = dA * _slope(Zs[index - 1], activation, bug)
    return grads


def _slope(Z, activation, bug):
    if activation == "tanh":
        return 1 - np.tanh(Z) if bug == "one_minus_tanh" else 1 - np.tanh(Z) ** 2
    if activation == "relu":
        return (Z > 0).astype(Z.dtype)
    return np.ones_like(Z)
