"""The mistakes the grader can name, and a model of each: what a function with that mistake returns.

Every model is a transformation of the verified library's answer: the same
functions called with a changed argument (``lam/2`` for a penalty with a
stray ½, ``lam=0`` for a missing one), or their result changed by the slip
(``db`` times ``m`` for a missing mean, ``dWᵀ`` for a transposed gradient).
Only the wrong tanh derivative needs a backward pass with a different slope:
:func:`backprop_with_slope`, which takes the library's forward activations
and output delta and repeats the short backward loop with the slope given.

A model is registered with :func:`model` right above the function that
computes it, under the exercise and the code it belongs to; a code may have
several models (``penalty_scale`` has one per wrong constant).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from l2book.exercises.catalogue import BACKPROP, BIASES, DATA_LOSS, EXERCISES, SYMBOLS, Section
from l2book.exercises.problems import Problem
from l2book.layer import Layer
from l2book.network import _forward_pass, _output_delta, cost, gradients
from l2book.optim import weight_decay_step
from l2book.penalty import l2_penalty, l2_penalty_grad

#: The mistakes the grader names, by code: ``Report.mistake`` is one of these keys or None.
MISTAKES: dict[str, str] = {
    "penalty_missing": "no λ term: the penalty, its gradient or the decay is left out",
    "penalty_scale": "a λ term with the wrong constant, e.g. λ/m in the cost, λ/(2m)·W in the gradient, "
    "or λ instead of λ/m in the update",
    "bias_penalized": "the biases are penalized or decayed too",
    "mean_missing": "summed over the examples instead of averaged, e.g. db without 1/m",
    "tanh_derivative": "tanh' written 1 − A instead of 1 − A²",
    "transposed": "a weight gradient transposed",
    "sign": "a term with the wrong sign",
    "mutates_input": "the caller's arrays are changed",
    "shape": "a result of the wrong shape or structure (other than a transposition)",
}

#: Where the book explains the mistakes that are not about one exercise's formula.
SECTION_OF = {"bias_penalized": BIASES, "mean_missing": DATA_LOSS, "tanh_derivative": BACKPROP,
              "transposed": BACKPROP, "shape": SYMBOLS}


@dataclass(frozen=True)
class MistakeModel:
    """What a function with one particular mistake returns.

    Attributes
    ----------
    exercise : str
        The exercise the model belongs to.
    code : str
        The key of :data:`MISTAKES` it stands for.
    explanation : str
        What is wrong, for the reader: the message starts with it.
    part : str
        ``"data"`` or ``"penalty"``: the part of the result the mistake is in.
    output : callable
        ``Problem -> result``, shaped like the verified answer.
    """

    exercise: str
    code: str
    explanation: str
    part: str
    output: Callable[[Problem], Any]

    @property
    def section(self) -> Section:
        """Where the book explains what the mistake gets wrong."""
        exercise = EXERCISES[self.exercise]
        default = exercise.penalty_section if self.part == "penalty" else exercise.data_section
        return SECTION_OF.get(self.code, default)


#: The models of each exercise, in the order the grader tries them.
MODELS: dict[str, list[MistakeModel]] = {name: [] for name in EXERCISES}


def model(exercise: str, code: str, explanation: str, *, part: str = "penalty") -> Callable:
    """Register the decorated ``Problem -> result`` function as a model of mistake ``code`` in ``exercise``."""
    if code not in MISTAKES:
        raise ValueError(f"code must be one of {', '.join(MISTAKES)}; got {code!r}")

    def register(output: Callable[[Problem], Any]) -> Callable[[Problem], Any]:
        MODELS[exercise].append(MistakeModel(exercise, code, explanation, part, output))
        return output

    return register


# --- l2_penalty(weights, lam, m) ---------------------------------------------------------------


@model("l2_penalty", "penalty_scale", "the penalty has the wrong constant: λ/m·Σ‖W‖² instead of λ/(2m)·Σ‖W‖² "
       "(the ½ is missing)")
def _penalty_without_half(p: Problem) -> float:
    return l2_penalty(p.weights, 2 * p.lam, p.m)


@model("l2_penalty", "penalty_scale", "the penalty has the wrong constant: λ/2·Σ‖W‖² instead of λ/(2m)·Σ‖W‖² "
       "(the 1/m is missing)")
def _penalty_without_mean(p: Problem) -> float:
    return l2_penalty(p.weights, p.lam, 1)


@model("l2_penalty", "penalty_scale", "the penalty has the wrong constant: λ·Σ‖W‖² instead of λ/(2m)·Σ‖W‖² "
       "(the ½ and the 1/m are missing)")
def _penalty_bare(p: Problem) -> float:
    return l2_penalty(p.weights, 2 * p.lam, 1)


@model("l2_penalty", "sign", "the penalty has the wrong sign: it must be positive, λ/(2m)·Σ‖W‖²")
def _penalty_negated(p: Problem) -> float:
    return -l2_penalty(p.weights, p.lam, p.m)


# --- regularized_cost(params, X, Y, lam) -------------------------------------------------------


def _data_cost(p: Problem) -> float:
    return cost(list(p.params), p.X, p.Y, 0.0)


@model("regularized_cost", "penalty_missing", "the cost has no penalty term: λ/(2m)·Σ‖W‖² is missing")
def _cost_without_penalty(p: Problem) -> float:
    return _data_cost(p)


@model("regularized_cost", "penalty_scale", "the penalty term has the wrong constant: λ/m·Σ‖W‖² instead of "
       "λ/(2m)·Σ‖W‖² (the ½ is missing)")
def _cost_penalty_without_half(p: Problem) -> float:
    return _data_cost(p) + l2_penalty(p.weights, 2 * p.lam, p.m)


@model("regularized_cost", "penalty_scale", "the penalty term has the wrong constant: λ/2·Σ‖W‖² instead of "
       "λ/(2m)·Σ‖W‖² (the 1/m is missing)")
def _cost_penalty_without_mean(p: Problem) -> float:
    return _data_cost(p) + l2_penalty(p.weights, p.lam, 1)


@model("regularized_cost", "penalty_scale", "the penalty term has the wrong constant: λ·Σ‖W‖² instead of "
       "λ/(2m)·Σ‖W‖² (the ½ and the 1/m are missing)")
def _cost_penalty_bare(p: Problem) -> float:
    return _data_cost(p) + l2_penalty(p.weights, 2 * p.lam, 1)


@model("regularized_cost", "bias_penalized", "the penalty includes the biases: λ/(2m)·(Σ‖W‖² + Σ‖b‖²) "
       "instead of λ/(2m)·Σ‖W‖²")
def _cost_with_bias_penalty(p: Problem) -> float:
    return _data_cost(p) + l2_penalty(p.weights + [b for _, b in p.params], p.lam, p.m)


@model("regularized_cost", "mean_missing", "the data loss is summed over the examples, not averaged: "
       "it is m·J instead of J", part="data")
def _cost_summed(p: Problem) -> float:
    return p.m * _data_cost(p) + l2_penalty(p.weights, p.lam, p.m)


@model("regularized_cost", "mean_missing", "there is no 1/m anywhere: the data loss is summed over the "
       "examples and the penalty is λ/2·Σ‖W‖² (the whole cost is m times too large)", part="data")
def _cost_without_any_mean(p: Problem) -> float:
    return p.m * (_data_cost(p) + l2_penalty(p.weights, p.lam, p.m))


@model("regularized_cost", "sign", "the cross-entropy has the wrong sign: it is −J; "
       "J = −(1/m)·Σ[y log ŷ + (1 − y) log(1 − ŷ)] is positive", part="data")
def _cost_data_negated(p: Problem) -> float:
    return -_data_cost(p) + l2_penalty(p.weights, p.lam, p.m)


@model("regularized_cost", "sign", "the penalty term is subtracted: J − λ/(2m)·Σ‖W‖² instead of J + λ/(2m)·Σ‖W‖²")
def _cost_penalty_subtracted(p: Problem) -> float:
    return _data_cost(p) - l2_penalty(p.weights, p.lam, p.m)


# --- backward(params, X, Y, lam) ---------------------------------------------------------------


def backprop_with_slope(
    params: list[Layer], X: np.ndarray, Y: np.ndarray, slope: Callable[[np.ndarray], np.ndarray]
) -> list[Layer]:
    """Return the data gradient a backward pass computes when it uses ``slope(A)`` as tanh'.

    The mistake model of ``tanh_derivative`` (``slope = 1 − A``). The forward
    activations and the output delta ``(A^[L] − Y)/m`` are the library's own;
    only the loop ``dW = dZ A_prevᵀ``, ``db = Σ dZ``, ``dZ ← (Wᵀ dZ) ⊙ slope(A_prev)``
    is repeated here, because no verified function takes a slope. With
    ``slope = 1 − A²`` it returns :func:`l2book.gradients` at ``lam=0``
    (tested).
    """
    activations, Z = _forward_pass(params, X, "tanh")
    dZ = _output_delta(Z, Y, "cross_entropy")
    grads = []
    for index in reversed(range(len(params))):
        A_prev = activations[index]
        grads.append(Layer(dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)))
        if index:
            dZ = (params[index].W.T @ dZ) * slope(A_prev)
    return grads[::-1]


def _data_gradient(p: Problem) -> list[Layer]:
    return gradients(list(p.params), p.X, p.Y, 0.0)


def _with_penalty(p: Problem, data: list[Layer], lam: float, m: int, sign: float = 1.0) -> list[Layer]:
    """Return ``data`` with ``sign·(lam/m)·W`` added to each ``dW``."""
    return [Layer(dW + sign * P, db) for (dW, db), P in zip(data, l2_penalty_grad(p.weights, lam, m), strict=True)]


def _times(layers: list[Layer], factor_W: float, factor_b: float) -> list[Layer]:
    return [Layer(factor_W * dW, factor_b * db) for dW, db in layers]


@model("backward", "penalty_missing", "dW has no penalty term: (λ/m)·W is missing")
def _gradient_without_penalty(p: Problem) -> list[Layer]:
    return _data_gradient(p)


@model("backward", "penalty_scale", "the penalty term of dW has the wrong constant: it is λ/(2m)·W, but the "
       "gradient of λ/(2m)·‖W‖² is (λ/m)·W (the ½ cancels the 2 of the power rule)")
def _gradient_half_penalty(p: Problem) -> list[Layer]:
    return _with_penalty(p, _data_gradient(p), p.lam / 2, p.m)


@model("backward", "penalty_scale", "the penalty term of dW has the wrong constant: it is 2λ/m·W instead of (λ/m)·W")
def _gradient_double_penalty(p: Problem) -> list[Layer]:
    return _with_penalty(p, _data_gradient(p), 2 * p.lam, p.m)


@model("backward", "penalty_scale", "the penalty term of dW has the wrong constant: it is λ·W instead of "
       "(λ/m)·W (the 1/m is missing)")
def _gradient_penalty_without_mean(p: Problem) -> list[Layer]:
    return _with_penalty(p, _data_gradient(p), p.lam, 1)


@model("backward", "penalty_scale", "the penalty term of dW has the wrong constant: it is λ/m²·W instead of "
       "(λ/m)·W (divided by m twice)")
def _gradient_penalty_over_m_squared(p: Problem) -> list[Layer]:
    return _with_penalty(p, _data_gradient(p), p.lam / p.m, p.m)


@model("backward", "bias_penalized", "db has a penalty term (λ/m)·b: the biases are not penalized, "
       "so db has none")
def _gradient_with_bias_penalty(p: Problem) -> list[Layer]:
    biases = [b for _, b in p.params]
    reference = gradients(list(p.params), p.X, p.Y, p.lam)
    return [Layer(dW, db + P) for (dW, db), P in zip(reference, l2_penalty_grad(biases, p.lam, p.m), strict=True)]


@model("backward", "mean_missing", "db is summed over the examples, not averaged: it is m times too large "
       "(divide by m, or start from dZ = (A − Y)/m)", part="data")
def _gradient_bias_summed(p: Problem) -> list[Layer]:
    return _times(gradients(list(p.params), p.X, p.Y, p.lam), 1.0, p.m)


@model("backward", "mean_missing", "the data part of dW and db is summed over the examples, not averaged: "
       "m times too large (dZ at the output is (A − Y)/m)", part="data")
def _gradient_data_summed(p: Problem) -> list[Layer]:
    return _with_penalty(p, _times(_data_gradient(p), p.m, p.m), p.lam, p.m)


@model("backward", "mean_missing", "there is no 1/m anywhere: the data part is summed over the examples and "
       "the penalty term is λ·W (the whole gradient is m times too large)", part="data")
def _gradient_without_any_mean(p: Problem) -> list[Layer]:
    return _times(gradients(list(p.params), p.X, p.Y, p.lam), p.m, p.m)


@model("backward", "tanh_derivative", "the slope of tanh is written 1 − A; tanh'(Z) = 1 − tanh²(Z) = 1 − A²",
       part="data")
def _gradient_one_minus_tanh(p: Problem) -> list[Layer]:
    return _with_penalty(p, backprop_with_slope(list(p.params), p.X, p.Y, lambda A: 1 - A), p.lam, p.m)


@model("backward", "transposed", "dW is transposed: dW^[l] = dZ^[l] A^[l-1]ᵀ has the shape of W^[l], "
       "(n_l, n_{l-1})", part="data")
def _gradient_transposed(p: Problem) -> list[Layer]:
    return [Layer(dW.T, db) for dW, db in gradients(list(p.params), p.X, p.Y, p.lam)]


@model("backward", "transposed", "dW is transposed and then reshaped to W's shape: compute dZ^[l] A^[l-1]ᵀ, "
       "which has the shape of W^[l], instead of reshaping", part="data")
def _gradient_transposed_reshaped(p: Problem) -> list[Layer]:
    return [Layer(dW.T.reshape(dW.shape), db) for dW, db in gradients(list(p.params), p.X, p.Y, p.lam)]


@model("backward", "transposed", "dW is transposed where W is square, the one place its shape cannot give it away: "
       "dW^[l] = dZ^[l] A^[l-1]ᵀ has the shape of W^[l], so check the formula, not the shape", part="data")
def _gradient_transposed_where_square(p: Problem) -> list[Layer]:
    return [Layer(dW.T if dW.shape == dW.T.shape else dW, db) for dW, db in gradients(list(p.params), p.X, p.Y, p.lam)]


@model("backward", "sign", "the data part has the wrong sign: at the output dZ = A − Y, not Y − A", part="data")
def _gradient_data_negated(p: Problem) -> list[Layer]:
    return _with_penalty(p, _times(_data_gradient(p), -1.0, -1.0), p.lam, p.m)


@model("backward", "sign", "the penalty term of dW is subtracted: ∂J/∂W − (λ/m)·W instead of "
       "∂J/∂W + (λ/m)·W")
def _gradient_penalty_subtracted(p: Problem) -> list[Layer]:
    return _with_penalty(p, _data_gradient(p), p.lam, p.m, sign=-1.0)


@model("backward", "sign", "the gradient has the wrong sign: it points uphill, as −(dW, db)", part="data")
def _gradient_negated(p: Problem) -> list[Layer]:
    return _times(gradients(list(p.params), p.X, p.Y, p.lam), -1.0, -1.0)


# --- weight_decay_update(params, grads, lr, lam, m) --------------------------------------------


def _step(p: Problem, lam: float, m: int, grad_sign: float = 1.0) -> list[Layer]:
    grads = [Layer(grad_sign * dW, grad_sign * db) for dW, db in p.data_grads]
    return weight_decay_step(list(p.params), grads, p.lr, lam, m)


@model("weight_decay_update", "penalty_missing", "the weights are not decayed: the step is W − α·dW, "
       "without the factor (1 − αλ/m)")
def _update_without_decay(p: Problem) -> list[Layer]:
    return _step(p, 0.0, p.m)


@model("weight_decay_update", "penalty_scale", "the decay has the wrong constant: (1 − αλ)·W instead of "
       "(1 − αλ/m)·W (λ instead of λ/m)")
def _update_decay_without_mean(p: Problem) -> list[Layer]:
    return _step(p, p.lam, 1)


@model("weight_decay_update", "penalty_scale", "the decay has the wrong constant: (1 − αλ/(2m))·W instead of "
       "(1 − αλ/m)·W (the ½ of the penalty cancels in its gradient)")
def _update_half_decay(p: Problem) -> list[Layer]:
    return _step(p, p.lam / 2, p.m)


@model("weight_decay_update", "penalty_scale", "the decay has the wrong constant: (1 − 2αλ/m)·W instead of "
       "(1 − αλ/m)·W")
def _update_double_decay(p: Problem) -> list[Layer]:
    return _step(p, 2 * p.lam, p.m)


@model("weight_decay_update", "penalty_scale", "the decay has the wrong constant: (1 − λ/m)·W instead of "
       "(1 − αλ/m)·W (the learning rate α is missing from the decay)")
def _update_decay_without_lr(p: Problem) -> list[Layer]:
    return _step(p, p.lam / p.lr, p.m)


@model("weight_decay_update", "bias_penalized", "the biases are decayed too: b ← (1 − αλ/m)·b − α·db; "
       "only the weights decay, b ← b − α·db")
def _update_decaying_biases(p: Problem) -> list[Layer]:
    decay = p.lr * p.lam / p.m
    return [Layer(W, b - decay * old_b) for (W, b), (_, old_b) in zip(_step(p, p.lam, p.m), p.params, strict=True)]


@model("weight_decay_update", "sign", "the data step has the wrong sign: (1 − αλ/m)·W + α·dW goes uphill; "
       "it is − α·dW", part="data")
def _update_uphill(p: Problem) -> list[Layer]:
    return _step(p, p.lam, p.m, grad_sign=-1.0)


@model("weight_decay_update", "sign", "the decay has the wrong sign: (1 + αλ/m)·W makes the weights grow; "
       "the factor is (1 − αλ/m)")
def _update_growing_weights(p: Problem) -> list[Layer]:
    growth = 2 * p.lr * p.lam / p.m
    return [Layer(W + growth * old_W, b) for (W, b), (old_W, _) in zip(_step(p, p.lam, p.m), p.params, strict=True)]
