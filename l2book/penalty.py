"""The L2 penalty ``λ/(2m) Σ‖W‖_F²`` and its gradient, for any list of weight arrays."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from l2book._checks import example_count, nonnegative, weight_list


def l2_penalty(weights: Sequence[np.ndarray], lam: float, m: int) -> float:
    """Return the L2 penalty ``λ/(2m) · Σ_l ‖W^[l]‖_F²``.

    Parameters
    ----------
    weights : sequence of ndarray
        The weight matrices ``W^[l]`` (never the biases: they are not penalized).
    lam : float
        Regularization strength ``λ ≥ 0``.
    m : int
        Number of training examples, ``m ≥ 1``.

    Returns
    -------
    float
        The penalty, a Python float.

    See Also
    --------
    l2_penalty_grad : its gradient ``(λ/m) W``.

    Notes
    -----
    Chapter [2, The regularized loss](02-regularized-loss.md) explains each term.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[3.0, 4.0]])           # ‖W‖_F² = 25
    >>> l2_penalty([W], lam=0.2, m=10)       # 0.2 / 20 · 25
    0.25
    """
    arrays = weight_list("weights", weights)
    lam = nonnegative("lam", lam)
    m = example_count("m", m)
    return lam / (2 * m) * squared_frobenius_norm(arrays)


def squared_frobenius_norm(weights: Sequence[np.ndarray]) -> float:
    """Return ``Σ_l ‖W^[l]‖_F²`` without validating (callers validate once)."""
    # vdot of an array with itself is ‖W‖_F², summed in place without a W*W temporary.
    return sum(float(np.vdot(W, W)) for W in weights)


def l2_penalty_grad(weights: Sequence[np.ndarray], lam: float, m: int) -> list[np.ndarray]:
    """Return the gradient of :func:`l2_penalty`: ``(λ/m) W^[l]`` for each ``W^[l]``.

    Parameters
    ----------
    weights : sequence of ndarray
        The weight matrices ``W^[l]``.
    lam : float
        Regularization strength ``λ ≥ 0``.
    m : int
        Number of training examples, ``m ≥ 1``.

    Returns
    -------
    list of ndarray
        New arrays, one per weight matrix, in its dtype.

    See Also
    --------
    l2_penalty : the penalty itself.

    Notes
    -----
    Chapter [3, Weight decay](03-weight-decay.md) derives it with SymPy.

    Examples
    --------
    >>> import numpy as np
    >>> l2_penalty_grad([np.array([[3.0, 4.0]])], lam=0.2, m=10)
    [array([[0.06, 0.08]])]
    """
    arrays = weight_list("weights", weights)
    coefficient = nonnegative("lam", lam) / example_count("m", m)
    return [W * W.dtype.type(coefficient) for W in arrays]
