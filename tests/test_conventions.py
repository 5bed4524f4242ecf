"""The λ conversions: their values, their validation, and Keras/optax update rules restated from their source.

Keras and optax are not installed (the project does not depend on TensorFlow or
JAX), so their rules are written out here in NumPy, each exactly as the cited
source file computes it, and the book's steps are checked against them:

* Keras 3, ``keras/src/regularizers/regularizers.py``: ``L2.__call__(x)`` returns
  ``l2 * ops.sum(ops.square(x))``; ``keras/src/trainers/trainer.py``
  ``compute_loss`` adds each layer's regularization loss to the compiled loss
  (a mean over the batch by default).
* Keras 3, ``keras/src/optimizers/base_optimizer.py``: ``_apply_weight_decay``
  runs ``variable.assign(variable - variable * wd * lr)`` for every variable not
  excluded, *before* ``update_step``; ``keras/src/optimizers/sgd.py`` then
  subtracts ``lr * gradient``; ``keras/src/optimizers/adam.py`` subtracts
  ``m * alpha / (sqrt(v) + epsilon)`` with ``alpha = lr * sqrt(1 - β₂ᵗ) / (1 - β₁ᵗ)``.
* optax, ``optax/transforms/_adding.py``: ``add_decayed_weights`` maps
  ``g + weight_decay * p`` over the updates; ``optax/_src/alias.py``: ``adamw`` is
  ``chain(scale_by_adam(...), add_decayed_weights(weight_decay, mask),
  scale_by_learning_rate(learning_rate))``, and ``scale_by_adam`` returns
  ``m̂ / (sqrt(v̂ + eps_root) + eps)``; ``scale_by_learning_rate`` multiplies by ``-lr``.
"""

import re

import numpy as np
import pytest

from l2book import Layer, cost, gradients, l2_penalty_grad, numerical_gradient, sgd_step, weight_decay_step
from l2book.conventions import (
    CONVENTIONS,
    conventions_table,
    keras_l2,
    keras_weight_decay,
    optax_weight_decay,
    sklearn_mlp_alpha,
    sklearn_ridge_alpha,
    torch_param_groups,
    torch_weight_decay,
)
from l2book.optim import adam_init, adam_step, adamw_step
from tests.helpers import random_problem

LAM, M, LR = 0.8, 10, 0.1


def test_values_follow_each_librarys_scaling():
    assert torch_weight_decay(2.0, 400) == 2.0 / 400
    assert keras_l2(2.0, 400) == 2.0 / 800
    assert keras_weight_decay(2.0, 400) == 2.0 / 400
    assert optax_weight_decay(2.0, 400) == 2.0 / 400
    assert sklearn_mlp_alpha(2.0, 400) == 2.0
    assert sklearn_mlp_alpha(2.0, 400, batch_size=100) == 0.5
    assert sklearn_ridge_alpha(2.0) == 2.0


def test_torch_param_groups_decay_weights_only():
    groups = torch_param_groups(["W1"], ["b1"], lam=3.0, m=6)
    assert groups == [{"params": ["W1"], "weight_decay": 0.5}, {"params": ["b1"], "weight_decay": 0.0}]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: torch_weight_decay(-1.0, 10), ValueError, "lam must be >= 0"),
        (lambda: keras_l2(1.0, 0), ValueError, "m must be >= 1"),
        (lambda: keras_weight_decay(1.0, 2.5), TypeError, "m must be an integer"),
        (lambda: optax_weight_decay(float("nan"), 10), ValueError, "lam must be finite"),
        (lambda: sklearn_mlp_alpha(1.0, 10, batch_size=11), ValueError, "batch_size must be <= m=10"),
        (lambda: sklearn_mlp_alpha(1.0, 10, batch_size=0), ValueError, "batch_size must be >= 1"),
        (lambda: sklearn_ridge_alpha(True), TypeError, "lam must be a real number"),
    ],
)
def test_conversions_reject_bad_input_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def keras_total_loss(params, X, Y, l2):
    """Keras: compiled loss (mean over the batch) + Σ over layers of L2(l2)(kernel) = l2·Σw²."""
    return cost(params, X, Y, 0.0) + sum(l2 * np.sum(np.square(W)) for W, _ in params)


def test_keras_l2_regularizer_gives_the_books_cost():
    params, X, Y = random_problem([3, 4, 1], M, seed=21)
    assert keras_total_loss(params, X, Y, keras_l2(LAM, M)) == pytest.approx(cost(params, X, Y, LAM), rel=1e-14)


def test_keras_l2_gradient_is_lambda_over_m_at_any_batch_size():
    # Keras's penalty does not see the batch, so its gradient must be (λ/m)W on every batch.
    W = np.random.default_rng(22).standard_normal((3, 4))
    keras_penalty = lambda w: keras_l2(LAM, M) * np.sum(np.square(w))  # noqa: E731
    np.testing.assert_allclose(numerical_gradient(keras_penalty, W), l2_penalty_grad([W], LAM, M)[0], rtol=1e-9)


def keras_sgd_step(params, data_grads, lr, wd):
    """Keras SGD with weight_decay=wd and biases excluded: decay first, then θ − lr·g."""
    decayed = [Layer(W - W * wd * lr, b) for W, b in params]
    return [Layer(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(decayed, data_grads)]


def test_keras_optimizer_weight_decay_under_sgd_is_the_books_weight_decay_step():
    params, X, Y = random_problem([3, 4, 1], M, seed=23)
    data = gradients(params, X, Y, 0.0)
    keras = keras_sgd_step(params, data, LR, keras_weight_decay(LAM, M))
    for ours in (weight_decay_step(params, data, LR, LAM, M), sgd_step(params, gradients(params, X, Y, LAM), LR)):
        for a, b in zip(keras, ours):
            np.testing.assert_allclose(a.W, b.W, rtol=1e-14)
            np.testing.assert_array_equal(a.b, b.b)


def keras_adam_trajectory(params, X, Y, wd, steps, epsilon):
    """Keras Adam(weight_decay=wd), biases excluded: decay, then the epsilon-hat form of Adam."""
    beta1, beta2 = 0.9, 0.999
    moments = [[np.zeros_like(a) for a in layer] for layer in params]
    velocities = [[np.zeros_like(a) for a in layer] for layer in params]
    for t in range(1, steps + 1):
        grads = gradients(params, X, Y, 0.0)
        alpha = LR * np.sqrt(1 - beta2**t) / (1 - beta1**t)
        new_params = []
        for index, ((W, b), grad) in enumerate(zip(params, grads)):
            W = W - W * wd * LR
            layer = []
            for k, (theta, g) in enumerate(zip((W, b), grad)):
                moments[index][k] = moments[index][k] + (g - moments[index][k]) * (1 - beta1)
                velocities[index][k] = velocities[index][k] + (g * g - velocities[index][k]) * (1 - beta2)
                layer.append(theta - moments[index][k] * alpha / (np.sqrt(velocities[index][k]) + epsilon))
            new_params.append(Layer(*layer))
        params = new_params
    return params


def test_keras_adam_weight_decay_is_adamw_step_not_l2():
    # Keras adds epsilon to sqrt(v) before bias correction ("epsilon hat") and orders the
    # arithmetic differently; with a tiny epsilon what is left is the decoupled step, up to
    # rounding that Adam's normalization amplifies along the trajectory (measured ≈ 2e-11).
    params, X, Y = random_problem([3, 4, 1], M, seed=24)
    keras = keras_adam_trajectory(params, X, Y, keras_weight_decay(LAM, M), steps=15, epsilon=1e-14)
    ours, state = params, adam_init(params)
    for _ in range(15):
        ours, state = adamw_step(ours, gradients(ours, X, Y, 0.0), state, LR, LAM, M, eps=1e-14)
    for a, b in zip(keras, ours):
        np.testing.assert_allclose(a.W, b.W, rtol=0, atol=1e-9)
        np.testing.assert_allclose(a.b, b.b, rtol=0, atol=1e-9)
    coupled, state = params, adam_init(params)
    for _ in range(15):
        coupled, state = adam_step(coupled, gradients(coupled, X, Y, LAM), state, LR, eps=1e-14)
    assert max(float(np.abs(a.W - b.W).max()) for a, b in zip(keras, coupled)) > 1e-3


def optax_chain_add_decayed_weights_then_sgd(params, grads, lr, wd, mask):
    """optax.chain(add_decayed_weights(wd, mask), sgd(lr)): updates = −lr·(g + wd·p) where mask is True."""
    updates = [
        Layer(*(g + wd * p if masked else g for g, p, masked in zip(grad, layer, layer_mask)))
        for grad, layer, layer_mask in zip(grads, params, mask)
    ]
    return [Layer(*(p - lr * u for p, u in zip(layer, update))) for layer, update in zip(params, updates)]


def test_optax_add_decayed_weights_before_sgd_is_the_books_l2_step():
    params, X, Y = random_problem([3, 4, 1], M, seed=25)
    weights_only = [(True, False)] * len(params)
    optax = optax_chain_add_decayed_weights_then_sgd(
        params, gradients(params, X, Y, 0.0), LR, optax_weight_decay(LAM, M), weights_only
    )
    ours = sgd_step(params, gradients(params, X, Y, LAM), LR)
    for a, b in zip(optax, ours):
        np.testing.assert_allclose(a.W, b.W, rtol=1e-14)
        np.testing.assert_array_equal(a.b, b.b)


def optax_adamw_trajectory(params, X, Y, wd, steps, eps=1e-8):
    """optax.adamw: chain(scale_by_adam, add_decayed_weights(wd, mask=weights), scale_by_learning_rate)."""
    beta1, beta2 = 0.9, 0.999
    mu = [[np.zeros_like(a) for a in layer] for layer in params]
    nu = [[np.zeros_like(a) for a in layer] for layer in params]
    for count in range(1, steps + 1):
        grads = gradients(params, X, Y, 0.0)
        new_params = []
        for index, (layer, grad) in enumerate(zip(params, grads)):
            new_layer = []
            for k, (p, g) in enumerate(zip(layer, grad)):
                mu[index][k] = (1 - beta1) * g + beta1 * mu[index][k]
                nu[index][k] = (1 - beta2) * g**2 + beta2 * nu[index][k]
                mu_hat, nu_hat = mu[index][k] / (1 - beta1**count), nu[index][k] / (1 - beta2**count)
                update = mu_hat / (np.sqrt(nu_hat + 0.0) + eps)
                if k == 0:  # the mask: decay W, not b
                    update = update + wd * p
                new_layer.append(p + (-LR) * update)
            new_params.append(Layer(*new_layer))
        params = new_params
    return params


def test_optax_adamw_is_adamw_step():
    params, X, Y = random_problem([3, 4, 1], M, seed=26)
    optax = optax_adamw_trajectory(params, X, Y, optax_weight_decay(LAM, M), steps=15)
    ours, state = params, adam_init(params)
    for _ in range(15):
        ours, state = adamw_step(ours, gradients(ours, X, Y, 0.0), state, LR, LAM, M)
    for a, b in zip(optax, ours):
        np.testing.assert_allclose(a.W, b.W, rtol=1e-13)
        np.testing.assert_allclose(a.b, b.b, rtol=1e-13)


def test_table_has_one_row_per_convention_with_its_value():
    table = conventions_table(lam=0.5, m=200, batch_size=50).splitlines()
    assert len(table) == 2 + len(CONVENTIONS)
    assert table[0].split()[:2] == ["library", "setting"]
    cells = [re.split(r"\s{2,}", line) for line in table[2:]]
    rows = {(row[0], row[1]): row[-1] for row in cells}
    assert rows[("PyTorch", "SGD/Adam(weight_decay=wd)")] == "0.0025"
    assert rows[("Keras", "regularizers.L2(l2)")] == "0.00125"
    assert rows[("scikit-learn", "MLP*(alpha)")] == "0.125"
    assert rows[("scikit-learn", "Ridge(alpha)")] == "0.5"


def test_every_convention_value_is_its_function():
    for convention in CONVENTIONS:
        value = convention.value(0.5, 200, 50)
        assert value in {0.5 / 200, 0.5 / 400, 0.5 * 50 / 200, 0.5}, convention
