"""Gradient-descent steps: plain SGD on the regularized gradient, and its weight-decay form."""

from __future__ import annotations

from collections.abc import Sequence

from l2book._checks import Layer, example_count, layer_list, matching_layers, nonnegative, positive


def sgd_step(params: Sequence[Layer], grads: Sequence[Layer], lr: float) -> list[Layer]:
    """Return ``θ − α·dθ`` for every parameter: one plain gradient-descent step.

    Parameters
    ----------
    params : list of Layer
        Current parameters.
    grads : list of Layer
        Their gradients, already regularized (e.g. from :func:`gradients` with ``lam``).
    lr : float
        Learning rate ``α > 0``.

    Returns
    -------
    list of Layer
        New parameters; ``params`` and ``grads`` are left unchanged.

    See Also
    --------
    weight_decay_step : the same step written as a decay of ``W``.

    Examples
    --------
    >>> import numpy as np
    >>> params = [Layer(W=np.array([[1.0]]), b=np.array([[1.0]]))]
    >>> grads = [Layer(W=np.array([[0.5]]), b=np.array([[-1.0]]))]
    >>> sgd_step(params, grads, lr=0.1)
    [Layer(W=array([[0.95]]), b=array([[1.1]]))]
    """
    params = layer_list("params", params)
    grads = matching_layers("grads", grads, params)
    lr = positive("lr", lr)
    return [
        Layer(W - W.dtype.type(lr) * dW, b - b.dtype.type(lr) * db)
        for (W, b), (dW, db) in zip(params, grads)
    ]


def weight_decay_step(
    params: Sequence[Layer], data_grads: Sequence[Layer], lr: float, lam: float, m: int
) -> list[Layer]:
    """Return ``W ← (1 − αλ/m) W − α·∂J/∂W`` and ``b ← b − α·∂J/∂b``.

    Algebraically the same as :func:`sgd_step` with the regularized gradient
    ``∂J/∂W + (λ/m) W``: each step first shrinks the weights by the factor
    ``1 − αλ/m``, hence the name *weight decay*. Biases are not decayed.

    Parameters
    ----------
    params : list of Layer
        Current parameters.
    data_grads : list of Layer
        Gradients of the data loss ``J`` alone (``gradients(..., lam=0)``).
    lr : float
        Learning rate ``α > 0``.
    lam : float
        Regularization strength ``λ ≥ 0``.
    m : int
        Number of training examples, ``m ≥ 1``.

    Returns
    -------
    list of Layer
        New parameters; the arguments are left unchanged.

    See Also
    --------
    sgd_step : the plain step.

    Notes
    -----
    With ``αλ/m > 1`` the factor is negative and the weights oscillate in sign;
    with ``αλ/m > 2`` they grow: keep ``αλ/m`` small. Chapter
    [3, Weight decay](03-weight-decay.md) derives the identity with SymPy.

    Examples
    --------
    >>> import numpy as np
    >>> params = [Layer(W=np.array([[2.0]]), b=np.array([[1.0]]))]
    >>> zero = [Layer(W=np.array([[0.0]]), b=np.array([[0.0]]))]
    >>> weight_decay_step(params, zero, lr=0.5, lam=0.4, m=2)   # W · (1 − 0.5·0.4/2)
    [Layer(W=array([[1.8]]), b=array([[1.]]))]
    """
    params = layer_list("params", params)
    data_grads = matching_layers("data_grads", data_grads, params)
    lr = positive("lr", lr)
    decay = 1.0 - lr * nonnegative("lam", lam) / example_count("m", m)
    return [
        Layer(W * W.dtype.type(decay) - W.dtype.type(lr) * dW, b - b.dtype.type(lr) * db)
        for (W, b), (dW, db) in zip(params, data_grads)
    ]
