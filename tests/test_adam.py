"""Adam with L2 in the gradient (adam_step) and with decoupled weight decay (adamw_step)."""

import numpy as np
import pytest

from l2book import Layer, gradients
from l2book.optim import AdamState, adam_init, adam_step, adamw_step
from tests.helpers import random_problem


def reference_adam(theta, grad_sequence, lr, beta1=0.9, beta2=0.999, eps=1e-8, decay=0.0):
    """Kingma & Ba's Algorithm 1 for one scalar, written out; ``decay`` is AdamW's per-step ``lr·λ/m``."""
    m = v = 0.0
    for t, g in enumerate(grad_sequence, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        theta = theta * (1 - decay) - lr * m_hat / (np.sqrt(v_hat) + eps)
    return theta


def constant_grads(params, value):
    return [Layer(np.full_like(W, value), np.full_like(b, value)) for W, b in params]


def test_adam_step_follows_kingma_and_ba_for_a_sequence_of_gradients():
    params = [Layer(np.array([[0.5]]), np.array([[-0.2]]))]
    sequence = [0.3, -1.2, 0.05, 2.0, -0.7]
    state = adam_init(params)
    for g in sequence:
        params, state = adam_step(params, constant_grads(params, g), state, lr=0.01, betas=(0.8, 0.99), eps=1e-6)
    assert params[0].W[0, 0] == pytest.approx(reference_adam(0.5, sequence, 0.01, 0.8, 0.99, 1e-6), rel=1e-14)
    assert params[0].b[0, 0] == pytest.approx(reference_adam(-0.2, sequence, 0.01, 0.8, 0.99, 1e-6), rel=1e-14)
    assert state.step == len(sequence)


def test_adamw_step_decays_weights_but_not_biases():
    params = [Layer(np.array([[0.5]]), np.array([[-0.2]]))]
    sequence = [0.3, -1.2, 0.05]
    state = adam_init(params)
    for g in sequence:
        params, state = adamw_step(params, constant_grads(params, g), state, lr=0.01, lam=2.0, m=4)
    assert params[0].W[0, 0] == pytest.approx(reference_adam(0.5, sequence, 0.01, decay=0.01 * 2.0 / 4), rel=1e-14)
    assert params[0].b[0, 0] == pytest.approx(reference_adam(-0.2, sequence, 0.01), rel=1e-14)


def test_adamw_without_decay_is_adam():
    params, X, Y = random_problem([3, 4, 1], 6, seed=31)
    grads = gradients(params, X, Y)
    plain, plain_state = adam_step(params, grads, adam_init(params), 0.1)
    decoupled, decoupled_state = adamw_step(params, grads, adam_init(params), 0.1, lam=0.0, m=6)
    for a, b in zip(plain + plain_state.second_moment, decoupled + decoupled_state.second_moment):
        np.testing.assert_array_equal(a.W, b.W)
        np.testing.assert_array_equal(a.b, b.b)


def test_coupled_l2_regularizes_weights_with_large_gradients_less():
    # Two equal weights under noisy (alternating) data gradients, 100 times larger for the
    # first. Coupled: the L2 term λW/m is divided by sqrt(v̂), which the noise of the first
    # weight keeps large, so λ moves it far less. Decoupled: λ moves both alike.
    params = [Layer(np.array([[1.0, 1.0]]), np.zeros((1, 1)))]
    amplitude = np.array([[1.0, 0.01]])
    lam, m, lr = 0.05, 1, 0.01

    def coupled(current, data, state, lam):
        return adam_step(current, [Layer(data.W + lam / m * current[0].W, data.b)], state, lr)

    def decoupled(current, data, state, lam):
        return adamw_step(current, [data], state, lr, lam, m)

    def final_weights(step, lam):
        current, state = params, adam_init(params)
        for t in range(50):
            current, state = step(current, Layer(amplitude * (-1) ** t, np.zeros((1, 1))), state, lam)
        return current[0].W[0]

    coupled_shift = final_weights(coupled, 0.0) - final_weights(coupled, lam)
    decoupled_shift = final_weights(decoupled, 0.0) - final_weights(decoupled, lam)
    assert coupled_shift[1] > 10 * coupled_shift[0] > 0
    assert decoupled_shift[0] == pytest.approx(decoupled_shift[1], rel=1e-6)


def unequal_curvature_regression():
    """Two centred features, curvatures ≈ 8.3 and ≈ 0.094 (the draft's example)."""
    rng = np.random.default_rng(0)
    m = 200
    X = rng.standard_normal((2, m)) * np.array([[3.0], [0.3]])
    X -= X.mean(axis=1, keepdims=True)
    Y = np.array([[1.0, 1.0]]) @ X + 0.1 * rng.standard_normal((1, m))
    return X, Y - Y.mean(), m


def test_coupled_adam_ends_at_the_l2_minimum_and_adamw_at_the_box_minimum():
    # Full batch: Adam with L2 converges where ∇J_reg = 0 (ridge); AdamW converges to the
    # minimum of J over the box |w_i| <= m/λ (Xie & Li, ICML 2024).
    X, Y, m = unequal_curvature_regression()
    lam = 400.0
    ridge = np.linalg.solve(X @ X.T + lam * np.eye(2), X @ Y.T).ravel()
    start = [Layer(np.zeros((1, 2)), np.zeros((1, 1)))]
    coupled, coupled_state = start, adam_init(start)
    decoupled, decoupled_state = start, adam_init(start)
    # β₂ = 0.99: v̂ forgets in ~100 steps instead of ~1000, so both settle within 2000 steps.
    # At a constant rate Adam then hovers around its limit (by up to 5e-4 here, and where
    # depends on the last bits of the gradients), so the last 1000 steps anneal the rate.
    for t in range(3000):
        lr = 0.01 if t < 2000 else 0.01 * 0.001 ** ((t - 2000) / 1000)
        regularized = gradients(coupled, X, Y, lam, loss="mse")
        coupled, coupled_state = adam_step(coupled, regularized, coupled_state, lr, betas=(0.9, 0.99))
        data = gradients(decoupled, X, Y, 0.0, loss="mse")
        decoupled, decoupled_state = adamw_step(decoupled, data, decoupled_state, lr, lam, m, betas=(0.9, 0.99))
    np.testing.assert_allclose(coupled[0].W.ravel(), ridge, atol=1e-10)
    # Both unregularized optima are ≈ 1 > m/λ = 0.5, so the box pins both weights at 0.5.
    np.testing.assert_allclose(decoupled[0].W.ravel(), [0.5, 0.5], atol=1e-5)


def test_steps_keep_dtype_and_leave_inputs_and_state_alone():
    params, X, Y = random_problem([3, 4, 1], 5, dtype=np.float32)
    grads = gradients(params, X, Y, lam=0.1)
    state = adam_init(params)
    state = adam_step(params, grads, state, 0.1)[1]
    snapshot = [a.copy() for layer in params + grads + state.first_moment + state.second_moment for a in layer]
    for new, new_state in (adam_step(params, grads, state, 0.1), adamw_step(params, grads, state, 0.1, 0.5, 5)):
        arrays = [a for layer in new + new_state.first_moment + new_state.second_moment for a in layer]
        assert all(a.dtype == np.float32 for a in arrays)
        assert new_state.step == 2
    after = [a for layer in params + grads + state.first_moment + state.second_moment for a in layer]
    for before, now in zip(snapshot, after):
        np.testing.assert_array_equal(before, now)
    assert state.step == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"lr": 0.0}, ValueError, "lr must be > 0"),
        ({"betas": (1.0, 0.999)}, ValueError, r"betas\[0\] must be in \[0, 1\)"),
        ({"betas": (0.9, -0.1)}, ValueError, r"betas\[1\] must be in \[0, 1\)"),
        ({"betas": 0.9}, TypeError, "betas must be a pair"),
        ({"betas": (0.9, "x")}, TypeError, r"betas\[1\] must be a real number"),
        ({"eps": 0.0}, ValueError, "eps must be > 0"),
    ],
)
def test_adam_step_rejects_bad_hyperparameters(kwargs, error, message):
    params, X, Y = random_problem([2, 2, 1], 3)
    arguments = {"lr": 0.1} | kwargs
    lr = arguments.pop("lr")
    with pytest.raises(error, match=message):
        adam_step(params, gradients(params, X, Y), adam_init(params), lr, **arguments)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"lam": -1.0}, "lam must be >= 0"), ({"m": 0}, "m must be >= 1"), ({"lr": -1.0}, "lr must be > 0")],
)
def test_adamw_step_rejects_bad_hyperparameters(kwargs, message):
    params, X, Y = random_problem([2, 2, 1], 3)
    arguments = {"lr": 0.1, "lam": 0.1, "m": 3} | kwargs
    with pytest.raises(ValueError, match=message):
        adamw_step(params, gradients(params, X, Y), adam_init(params), **arguments)


def test_state_must_belong_to_the_parameters():
    params, X, Y = random_problem([2, 3, 1], 3)
    grads = gradients(params, X, Y)
    other = adam_init(random_problem([2, 4, 1], 3)[0])
    with pytest.raises(ValueError, match=r"state\.first_moment\[0\]\.W must have shape \(3, 2\), got \(4, 2\)"):
        adam_step(params, grads, other, 0.1)
    with pytest.raises(TypeError, match="state must be an AdamState"):
        adam_step(params, grads, (other.first_moment, other.second_moment, 0), 0.1)
    fresh = adam_init(params)
    negative = fresh._replace(second_moment=[Layer(-np.ones_like(W), b) for W, b in fresh.second_moment])
    with pytest.raises(ValueError, match=r"state\.second_moment must be >= 0"):
        adam_step(params, grads, negative, 0.1)
    with pytest.raises(ValueError, match=r"state\.step must be an integer >= 0, got -1"):
        adam_step(params, grads, fresh._replace(step=-1), 0.1)
    with pytest.raises(ValueError, match=r"grads must have 2 layers"):
        adam_step(params, grads[:1], fresh, 0.1)


def test_adam_state_is_a_named_tuple_with_step_count():
    state = adam_init([Layer(np.ones((2, 2)), np.ones((2, 1)))])
    assert isinstance(state, AdamState)
    assert state.step == 0
    assert all(not a.any() for layer in state.first_moment + state.second_moment for a in layer)
