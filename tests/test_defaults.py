"""The documented defaults are the ones used."""

import numpy as np

from l2book import (
    Layer,
    adam_init,
    adam_step,
    adamw_step,
    check_gradients,
    cost,
    forward,
    gradients,
    init_params,
)
from tests.helpers import random_problem

P, X, Y = random_problem([3, 4, 2], 5, seed=11)


def assert_same_layers(got, want):
    assert len(got) == len(want)
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a.W, b.W)
        np.testing.assert_array_equal(a.b, b.b)


def test_gradients_and_cost_default_to_no_penalty_tanh_and_cross_entropy():
    explicit = {"lam": 0.0, "activation": "tanh", "loss": "cross_entropy"}
    assert_same_layers(gradients(P, X, Y), gradients(P, X, Y, **explicit))
    assert cost(P, X, Y) == cost(P, X, Y, **explicit)
    # ... and each default matters: λ = 1 changes dW, ReLU and MSE change everything.
    assert not np.array_equal(gradients(P, X, Y, 1.0)[0].W, gradients(P, X, Y)[0].W)
    assert cost(P, X, Y, activation="relu") != cost(P, X, Y)
    assert cost(P, X, Y, loss="mse") != cost(P, X, Y)


def test_forward_defaults_to_tanh_hidden_layers_and_a_sigmoid_output():
    np.testing.assert_array_equal(forward(P, X), forward(P, X, activation="tanh", output="sigmoid"))
    assert not np.array_equal(forward(P, X), forward(P, X, output="identity"))


def test_check_gradients_defaults():
    def recorded(params, X_, Y_, lam, **kwargs):
        seen.append((lam, kwargs))
        return gradients(params, X_, Y_, lam, **kwargs)

    seen = []
    default = check_gradients(P, X, Y, gradient_fn=recorded)
    assert seen == [(0.0, {"activation": "tanh", "loss": "cross_entropy"})]
    assert default.mode == "coordinate" and default.threshold == 1e-7
    explicit = check_gradients(P, X, Y, 0.0, activation="tanh", loss="cross_entropy", directions=None, threshold=1e-7)
    assert default == explicit
    assert check_gradients(P, X, Y, directions=3) == check_gradients(P, X, Y, directions=3, seed=0)


def test_adam_defaults_are_kingma_and_ba():
    state = adam_init(P)
    grads = gradients(P, X, Y)
    default, default_state = adam_step(P, grads, state, 0.1)
    explicit, explicit_state = adam_step(P, grads, state, 0.1, betas=(0.9, 0.999), eps=1e-8)
    assert_same_layers(default, explicit)
    assert_same_layers(default_state.second_moment, explicit_state.second_moment)
    w_default, _ = adamw_step(P, grads, state, 0.1, 0.5, 5)
    w_explicit, _ = adamw_step(P, grads, state, 0.1, 0.5, 5, betas=(0.9, 0.999), eps=1e-8)
    assert_same_layers(w_default, w_explicit)
    # eps matters where the second moment is tiny: at a zero gradient the step is 0/(0 + ε) = 0,
    # and for a gradient of 1e-9 it is ≈ lr·1e-9/(1e-9 + 1e-8).
    tiny = [Layer(np.full_like(W, 1e-9), np.zeros_like(b)) for W, b in P]
    moved, _ = adam_step(P, tiny, state, 0.1)
    np.testing.assert_allclose(P[0].W - moved[0].W, 0.1 * 1e-9 / (1e-9 + 1e-8), rtol=1e-6)


def test_init_params_defaults_to_seed_zero_in_float64():
    assert_same_layers(init_params([3, 4, 2]), init_params([3, 4, 2], seed=0, dtype=np.float64))
    assert init_params([3, 4, 2])[0].W.dtype == np.float64
