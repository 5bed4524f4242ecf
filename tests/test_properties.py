"""Hypothesis: random architectures, sizes, λ, losses and activations."""

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from l2book import (
    Layer,
    check_gradients,
    cost,
    forward,
    gradients,
    l2_penalty,
    l2_penalty_grad,
    relative_error,
    sgd_step,
    weight_decay_step,
)
from tests.helpers import random_problem

architectures = st.lists(st.integers(1, 8), min_size=2, max_size=5)  # 1–4 layers, widths 1–8
# 0 itself, or far enough from 0 that λ/(2m)·‖W‖² cannot underflow to 0 (λ = 5e-324 would).
lams = st.one_of(st.just(0.0), st.floats(1e-6, 10.0))
losses = st.sampled_from(["cross_entropy", "mse"])
activations = st.sampled_from(["tanh", "relu", "linear"])
seeds = st.integers(0, 2**16)


def _problem(dims, m, seed, loss, dtype=np.float64):
    return random_problem(dims, m, seed=seed, dtype=dtype, labels="binary" if loss == "cross_entropy" else "real")


def _near_relu_kink(params, X):
    """True if some ReLU pre-activation sits within the finite-difference step of 0."""
    A, closest = X, np.inf
    for W, b in params[:-1]:
        Z = W @ A + b
        closest = min(closest, float(np.abs(Z).min()))
        A = np.maximum(Z, 0)
    return closest < 1e-3


@given(architectures, st.integers(1, 10), lams, losses, activations, seeds)
def test_gradients_agree_with_finite_differences(dims, m, lam, loss, activation, seed):
    params, X, Y = _problem(dims, m, seed, loss)
    if activation == "relu":
        assume(not _near_relu_kink(params, X))  # not differentiable there: no method can agree
    result = check_gradients(params, X, Y, lam, activation=activation, loss=loss)
    assert result.relative_error < 1e-7, result


@given(st.lists(st.integers(1, 3), min_size=2, max_size=3), st.integers(1, 3), lams, losses,
       st.sampled_from(["tanh", "linear"]), seeds)
def test_gradients_agree_with_sympy_on_small_networks(dims, m, lam, loss, activation, seed):
    from l2book.symbolic import symbolic_network

    params, X, Y = _problem(dims, m, seed, loss)
    symbolic = symbolic_network(tuple(dims), m, activation, loss).evaluate(params, X, Y, lam)
    numeric = gradients(params, X, Y, lam, activation=activation, loss=loss)
    flat = lambda layers: np.concatenate([a.ravel() for layer in layers for a in layer])  # noqa: E731
    assert relative_error(flat(numeric), flat(symbolic)) < 1e-12


@given(architectures, st.integers(1, 10), lams, seeds, st.floats(0.1, 10.0))
def test_penalty_properties(dims, m, lam, seed, scale):
    params, _, _ = _problem(dims, m, seed, "mse")
    weights = [W for W, _ in params]
    penalty = l2_penalty(weights, lam, m)
    assert penalty >= 0
    assert (penalty == 0) == (lam == 0)  # random weights are never all zero
    assert l2_penalty([np.zeros_like(W) for W in weights], lam, m) == 0
    assert np.isclose(l2_penalty(weights, 2 * lam, m), 2 * penalty, rtol=1e-13)  # linear in λ
    assert np.isclose(l2_penalty([scale * W for W in weights], lam, m), scale**2 * penalty, rtol=1e-12)  # degree 2
    assert np.isclose(l2_penalty(weights, lam, 3 * m), penalty / 3, rtol=1e-13)  # ∝ 1/m
    for grad, W in zip(l2_penalty_grad(weights, lam, m), weights):
        np.testing.assert_allclose(grad, lam / m * W, rtol=1e-14)


@given(architectures, st.integers(1, 10), lams, losses, activations, seeds, st.floats(1e-3, 1.0))
def test_weight_decay_step_equals_sgd_step_with_the_regularized_gradient(dims, m, lam, loss, activation, seed, lr):
    params, X, Y = _problem(dims, m, seed, loss)
    data = gradients(params, X, Y, 0.0, activation=activation, loss=loss)
    regularized = gradients(params, X, Y, lam, activation=activation, loss=loss)
    for a, b in zip(weight_decay_step(params, data, lr, lam, m), sgd_step(params, regularized, lr)):
        np.testing.assert_allclose(a.W, b.W, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(a.b, b.b, rtol=1e-12, atol=1e-14)


@given(architectures, st.integers(1, 10), lams, losses, activations, seeds, st.sampled_from([np.float32, np.float64]))
def test_functions_are_pure_and_keep_the_dtype(dims, m, lam, loss, activation, seed, dtype):
    params, X, Y = _problem(dims, m, seed, loss, dtype)
    snapshot = [a.copy() for layer in params for a in layer] + [X.copy(), Y.copy()]
    output = "sigmoid" if loss == "cross_entropy" else "identity"
    assert forward(params, X, activation=activation, output=output).dtype == dtype
    assert isinstance(cost(params, X, Y, lam, activation=activation, loss=loss), float)
    grads = gradients(params, X, Y, lam, activation=activation, loss=loss)
    stepped = [sgd_step(params, grads, 0.1), weight_decay_step(params, grads, 0.1, lam, m)]
    penalty_grads = l2_penalty_grad([W for W, _ in params], lam, m)
    produced = [a for layer in grads for a in layer] + [a for new in stepped for layer in new for a in layer]
    assert all(a.dtype == dtype for a in produced + penalty_grads)
    for before, after in zip(snapshot, [a for layer in params for a in layer] + [X, Y]):
        np.testing.assert_array_equal(before, after)
