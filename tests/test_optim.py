import numpy as np
import pytest

from l2book import Layer, gradients, sgd_step, weight_decay_step
from tests.helpers import random_problem


def test_weight_decay_step_equals_sgd_on_regularized_cost(problem):
    params, X, Y = problem
    decayed = weight_decay_step(params, gradients(params, X, Y, lam=0.0), lr=0.3, lam=0.8, m=7)
    plain = sgd_step(params, gradients(params, X, Y, lam=0.8), lr=0.3)
    for a, b in zip(decayed, plain):
        np.testing.assert_allclose(a.W, b.W, rtol=1e-13)
        np.testing.assert_array_equal(a.b, b.b)  # biases are never decayed


def test_weights_shrink_geometrically_when_the_data_gradient_is_zero():
    params = [Layer(np.full((2, 2), 3.0), np.ones((2, 1)))]
    zero = [Layer(np.zeros((2, 2)), np.zeros((2, 1)))]
    for _ in range(10):
        params = weight_decay_step(params, zero, lr=0.5, lam=0.2, m=4)
    np.testing.assert_allclose(params[0].W, 3.0 * (1 - 0.5 * 0.2 / 4) ** 10, rtol=1e-14)
    np.testing.assert_array_equal(params[0].b, np.ones((2, 1)))


def test_steps_keep_dtype_and_leave_inputs_alone():
    params, X, Y = random_problem([3, 4, 1], 5, dtype=np.float32)
    grads = gradients(params, X, Y, lam=0.1)
    before = [(W.copy(), b.copy()) for W, b in params], [(W.copy(), b.copy()) for W, b in grads]
    for new in (sgd_step(params, grads, 0.1), weight_decay_step(params, grads, 0.1, 0.5, 5)):
        assert all(a.dtype == np.float32 for layer in new for a in layer)
    for (W, b), (W0, b0) in zip(params + grads, before[0] + before[1]):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"lr": 0.0}, ValueError, "lr must be > 0"),
        ({"lr": -0.1}, ValueError, "lr must be > 0"),
        ({"lr": float("inf")}, ValueError, "lr must be finite"),
        ({"lam": -1.0}, ValueError, "lam must be >= 0"),
        ({"m": 0}, ValueError, "m must be >= 1"),
    ],
)
def test_weight_decay_step_rejects_bad_hyperparameters(kwargs, error, message):
    params, X, Y = random_problem([2, 2, 1], 3)
    arguments = {"lr": 0.1, "lam": 0.1, "m": 3} | kwargs
    with pytest.raises(error, match=message):
        weight_decay_step(params, gradients(params, X, Y), **arguments)


def test_gradients_must_match_the_parameters():
    params, X, Y = random_problem([2, 3, 1], 3)
    grads = gradients(params, X, Y)
    with pytest.raises(ValueError, match=r"grads must have 2 layers"):
        sgd_step(params, grads[:1], 0.1)
    wrong_shape = [Layer(np.ones((4, 2)), np.ones((4, 1))), Layer(np.ones((1, 4)), grads[1].b)]
    with pytest.raises(ValueError, match=r"grads\[0\]\.W must have shape \(3, 2\), got \(4, 2\)"):
        sgd_step(params, wrong_shape, 0.1)
    wrong_dtype = [Layer(W.astype(np.float32), b.astype(np.float32)) for W, b in grads]
    with pytest.raises(TypeError, match=r"data_grads\[0\]\.W has dtype float32"):
        weight_decay_step(params, wrong_dtype, 0.1, 0.1, 3)
