"""The theorem of chapter 5: the ``λ`` above which every unit of a one-hidden-layer tanh network dies."""

from __future__ import annotations

import numpy as np

from l2book._checks import float_array


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
