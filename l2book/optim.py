"""Optimizer steps: SGD and Adam, each with L2 in the gradient (coupled) or as weight decay (decoupled).

Under SGD the two ways of regularizing are the same step (:func:`sgd_step` with
the regularized gradient equals :func:`weight_decay_step`). Under Adam they are
not: :func:`adam_step` with the regularized gradient divides the ``(λ/m) W``
term by ``sqrt(v̂)``, while :func:`adamw_step` shrinks every weight by the same
factor ``1 − αλ/m`` (Loshchilov & Hutter, *Decoupled Weight Decay
Regularization*, ICLR 2019).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from l2book._checks import example_count, layer_list, matching_layers, nonnegative, positive, real
from l2book.layer import Layer


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

    Notes
    -----
    Chapter [3, Weight decay](03-weight-decay.md) shows it equals :func:`weight_decay_step`
    on the regularized gradient.

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


class AdamState(NamedTuple):
    """What Adam remembers between steps; :func:`adam_step` returns a new one, never edits it.

    Attributes
    ----------
    first_moment : list of Layer
        ``m_t``: exponential average of the gradients (before bias correction).
    second_moment : list of Layer
        ``v_t``: exponential average of the squared gradients (before bias correction).
    step : int
        ``t``: the number of steps taken so far (0 for a fresh state).

    Examples
    --------
    >>> import numpy as np
    >>> params = [Layer(W=np.array([[1.0]]), b=np.array([[0.0]]))]
    >>> grads = [Layer(W=np.array([[2.0]]), b=np.array([[0.0]]))]
    >>> _, state = adam_step(params, grads, adam_init(params), lr=0.1)
    >>> state.step, state.first_moment[0].W, state.second_moment[0].W     # (1 − β₁)·g, (1 − β₂)·g²
    (1, array([[0.2]]), array([[0.004]]))
    """

    first_moment: list[Layer]
    second_moment: list[Layer]
    step: int


def adam_init(params: Sequence[Layer]) -> AdamState:
    """Return a fresh :class:`AdamState` for ``params``: zero moments, step 0.

    Parameters
    ----------
    params : list of Layer
        The parameters Adam will update; the moments take their shapes and dtype.

    Returns
    -------
    AdamState
        Zero moments and ``step=0``.

    Examples
    --------
    >>> import numpy as np
    >>> state = adam_init([Layer(W=np.ones((2, 3)), b=np.ones((2, 1)))])
    >>> state.step, state.first_moment[0].W.shape
    (0, (2, 3))
    """
    params = layer_list("params", params)
    return AdamState(_zeros_like(params), _zeros_like(params), 0)


def adam_step(
    params: Sequence[Layer],
    grads: Sequence[Layer],
    state: AdamState,
    lr: float,
    *,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> tuple[list[Layer], AdamState]:
    """Return one Adam step ``θ ← θ − α·m̂/(√v̂ + ε)`` for every parameter, and the new state.

    With ``grads`` from :func:`gradients` with ``lam > 0`` this is Adam with L2
    *coupled* into the gradient: what ``torch.optim.Adam(weight_decay=λ/m)``
    does. The ``(λ/m) W`` term then goes through the moments, so it is divided
    by ``√v̂`` like the rest of the gradient: weights whose past gradients were
    large are regularized less. :func:`adamw_step` decouples it.

    Parameters
    ----------
    params : list of Layer
        Current parameters.
    grads : list of Layer
        Their gradients (regularized or not: Adam does not know).
    state : AdamState
        From :func:`adam_init` or the previous step.
    lr : float
        Learning rate ``α > 0``.
    betas : (float, float), default (0.9, 0.999)
        Decay rates ``β₁, β₂`` of the two moment averages, each in ``[0, 1)``.
    eps : float, default 1e-8
        ``ε > 0``, added to ``√v̂`` (after bias correction, as PyTorch and optax do).

    Returns
    -------
    params : list of Layer
        New parameters.
    state : AdamState
        New state with ``step + 1``; the arguments are left unchanged.

    See Also
    --------
    adamw_step : Adam with decoupled weight decay.
    sgd_step : the plain gradient step.

    Notes
    -----
    ``m_t = β₁ m_{t−1} + (1 − β₁) g``, ``v_t = β₂ v_{t−1} + (1 − β₂) g²``,
    ``m̂ = m_t/(1 − β₁ᵗ)``, ``v̂ = v_t/(1 − β₂ᵗ)`` (Kingma & Ba, 2015). Chapter
    [3, Weight decay](03-weight-decay.md) shows where coupled and decoupled
    Adam end on the same problem.

    Examples
    --------
    >>> import numpy as np
    >>> params = [Layer(W=np.array([[1.0, 1.0]]), b=np.array([[0.0]]))]
    >>> grads = [Layer(W=np.array([[0.5, -0.001]]), b=np.array([[0.0]]))]
    >>> new, state = adam_step(params, grads, adam_init(params), lr=0.1)
    >>> new[0].W.round(5)  # the first step moves each weight by ≈ lr, whatever its gradient's size
    array([[0.9, 1.1]])
    >>> state.step
    1
    """
    params = layer_list("params", params)
    grads = matching_layers("grads", grads, params)
    lr = positive("lr", lr)
    directions, new_state = _adam_directions(grads, _checked_state(state, params), betas, eps)
    return [
        Layer(W - W.dtype.type(lr) * dW, b - b.dtype.type(lr) * db) for (W, b), (dW, db) in zip(params, directions)
    ], new_state


def adamw_step(
    params: Sequence[Layer],
    data_grads: Sequence[Layer],
    state: AdamState,
    lr: float,
    lam: float,
    m: int,
    *,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> tuple[list[Layer], AdamState]:
    """Return one AdamW step: ``W ← (1 − αλ/m) W − α·m̂/(√v̂ + ε)``, ``b ← b − α·m̂/(√v̂ + ε)``.

    Decoupled weight decay (Loshchilov & Hutter, ICLR 2019): the moments see
    only the data gradient, and every weight shrinks by the same factor
    ``1 − αλ/m`` that :func:`weight_decay_step` uses, whatever its gradient
    history. This is ``torch.optim.AdamW(weight_decay=λ/m)`` with the biases in
    a group with ``weight_decay=0``. Unlike under SGD, it is *not* the same
    step as :func:`adam_step` on the regularized gradient.

    Parameters
    ----------
    params : list of Layer
        Current parameters.
    data_grads : list of Layer
        Gradients of the data loss ``J`` alone (``gradients(..., lam=0)``).
    state : AdamState
        From :func:`adam_init` or the previous step.
    lr : float
        Learning rate ``α > 0``.
    lam : float
        Regularization strength ``λ ≥ 0``.
    m : int
        Number of training examples, ``m ≥ 1``.
    betas : (float, float), default (0.9, 0.999)
        Decay rates ``β₁, β₂``, each in ``[0, 1)``.
    eps : float, default 1e-8
        ``ε > 0``, added to ``√v̂``.

    Returns
    -------
    params : list of Layer
        New parameters; biases are not decayed.
    state : AdamState
        New state with ``step + 1``; the arguments are left unchanged.

    See Also
    --------
    adam_step : Adam with L2 coupled into the gradient.
    weight_decay_step : the same decay under plain gradient descent.

    Notes
    -----
    Chapter [3, Weight decay](03-weight-decay.md) compares it with :func:`adam_step`.

    Examples
    --------
    >>> import numpy as np
    >>> params = [Layer(W=np.array([[2.0]]), b=np.array([[1.0]]))]
    >>> zero = [Layer(W=np.array([[0.0]]), b=np.array([[0.0]]))]
    >>> new, _ = adamw_step(params, zero, adam_init(params), lr=0.5, lam=0.4, m=2)
    >>> new[0].W          # W · (1 − 0.5·0.4/2), exactly as weight_decay_step
    array([[1.8]])
    """
    params = layer_list("params", params)
    data_grads = matching_layers("data_grads", data_grads, params)
    lr = positive("lr", lr)
    decay = 1.0 - lr * nonnegative("lam", lam) / example_count("m", m)
    directions, new_state = _adam_directions(data_grads, _checked_state(state, params), betas, eps)
    return [
        Layer(W * W.dtype.type(decay) - W.dtype.type(lr) * dW, b - b.dtype.type(lr) * db)
        for (W, b), (dW, db) in zip(params, directions)
    ], new_state


def _adam_directions(grads: list[Layer], state: AdamState, betas: Any, eps: float) -> tuple[list[Layer], AdamState]:
    """Return ``m̂/(√v̂ + ε)`` for every array, and the state after this step."""
    beta1, beta2 = _checked_betas(betas)
    eps = positive("eps", eps)
    step = state.step + 1
    # Bias corrections in float64: 1 − β₂ᵗ is tiny for small t and would lose digits in float32.
    correction1, correction2 = 1.0 - beta1**step, 1.0 - beta2**step
    first, second, directions = [], [], []
    for grad, m_prev, v_prev in zip(grads, state.first_moment, state.second_moment):
        layer_first, layer_second, layer_direction = [], [], []
        for g, m_old, v_old in zip(grad, m_prev, v_prev):
            kind = g.dtype.type
            m_new = kind(beta1) * m_old + kind(1.0 - beta1) * g
            v_new = kind(beta2) * v_old + kind(1.0 - beta2) * (g * g)
            denominator = np.sqrt(v_new / kind(correction2)) + kind(eps)
            layer_first.append(m_new)
            layer_second.append(v_new)
            layer_direction.append((m_new / kind(correction1)) / denominator)
        first.append(Layer(*layer_first))
        second.append(Layer(*layer_second))
        directions.append(Layer(*layer_direction))
    return directions, AdamState(first, second, step)


def _checked_state(state: Any, params: list[Layer]) -> AdamState:
    """Validate an :class:`AdamState` against the parameters it will update."""
    if not isinstance(state, AdamState):
        raise TypeError(f"state must be an AdamState (from adam_init), got {type(state).__name__}")
    first = matching_layers("state.first_moment", state.first_moment, params)
    second = matching_layers("state.second_moment", state.second_moment, params)
    if any((array < 0).any() for layer in second for array in layer):
        raise ValueError("state.second_moment must be >= 0: it averages squared gradients")
    step = state.step
    if isinstance(step, (bool, np.bool_)) or not isinstance(step, (int, np.integer)) or step < 0:
        raise ValueError(f"state.step must be an integer >= 0, got {step!r}")
    return AdamState(first, second, int(step))


def _checked_betas(betas: Any) -> tuple[float, float]:
    """Return ``(β₁, β₂)`` if ``betas`` is a pair of numbers in ``[0, 1)``."""
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    pair = (real("betas[0]", betas[0]), real("betas[1]", betas[1]))
    for index, beta in enumerate(pair):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"betas[{index}] must be in [0, 1), got {betas[index]!r}")
    return pair


def _zeros_like(params: list[Layer]) -> list[Layer]:
    """Return zero arrays shaped and typed like ``params``."""
    return [Layer(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
