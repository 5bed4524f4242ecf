import numpy as np
import pytest

from l2book import Layer, check_gradients, cost, forward, gradients, init_params, l2_penalty
from l2book.network import _forward_pass
from tests.helpers import random_problem


def test_init_params_shapes_scale_and_determinism():
    params = init_params([784, 256, 10], seed=3)
    assert [(W.shape, b.shape) for W, b in params] == [((256, 784), (256, 1)), ((10, 256), (10, 1))]
    assert np.std(params[0].W) == pytest.approx(1 / np.sqrt(784), rel=0.02)  # Xavier: var 1/n_prev
    assert all(not b.any() for _, b in params)
    again = init_params([784, 256, 10], seed=3)
    assert all(np.array_equal(a.W, b.W) for a, b in zip(params, again))
    assert not np.array_equal(init_params([784, 256, 10], seed=4)[0].W, params[0].W)


def test_init_params_dtype():
    assert all(a.dtype == np.float32 for layer in init_params([2, 3, 1], dtype=np.float32) for a in layer)


def test_forward_matches_hand_written_two_layer_net():
    params, X, _ = random_problem([3, 4, 2], 5, seed=2)
    (W1, b1), (W2, b2) = params
    expected = 1 / (1 + np.exp(-(W2 @ np.tanh(W1 @ X + b1) + b2)))
    np.testing.assert_allclose(forward(params, X), expected, rtol=1e-14)
    relu = W2 @ np.maximum(W1 @ X + b1, 0) + b2
    np.testing.assert_allclose(forward(params, X, activation="relu", output="identity"), relu, rtol=1e-14)



def test_the_forward_pass_keeps_copies_of_the_hidden_preactivations_when_asked():
    params, X, _ = random_problem([3, 4, 2, 1], 5, seed=2)
    (W1, b1), (W2, b2), _ = params
    kept = []
    activations, logits = _forward_pass(params, X, "relu", preactivations=kept)
    Z1 = W1 @ X + b1
    Z2 = W2 @ np.maximum(Z1, 0) + b2
    assert len(kept) == 2 and np.array_equal(kept[0], Z1) and np.array_equal(kept[1], Z2)
    # The activations are computed in place: the kept arrays must be copies made before that.
    assert all(np.array_equal(A, np.maximum(Z, 0)) for A, Z in zip(activations[1:], kept, strict=True))
    assert np.array_equal(logits, _forward_pass(params, X, "relu")[1])

def test_cross_entropy_matches_the_textbook_formula():
    params, X, Y = random_problem([3, 4, 1], 6, seed=3)
    A = forward(params, X)
    textbook = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    assert cost(params, X, Y) == pytest.approx(textbook, rel=1e-13)


def test_mse_is_half_mean_squared_error_summed_over_outputs():
    params, X, Y = random_problem([3, 4, 2], 6, seed=4, labels="real")
    A = forward(params, X, output="identity")
    assert cost(params, X, Y, loss="mse") == pytest.approx(np.sum((A - Y) ** 2) / (2 * 6), rel=1e-13)


def test_regularized_cost_adds_the_penalty_on_weights_only():
    params, X, Y = random_problem([3, 4, 1], 6, seed=5)
    weights = [layer.W for layer in params]
    assert cost(params, X, Y, lam=0.9) == pytest.approx(cost(params, X, Y) + l2_penalty(weights, 0.9, 6), rel=1e-14)
    bigger_bias = [Layer(W, b + 10.0) for W, b in params]
    data_change = cost(bigger_bias, X, Y) - cost(params, X, Y)
    assert cost(bigger_bias, X, Y, lam=0.9) - cost(params, X, Y, lam=0.9) == pytest.approx(data_change, rel=1e-12)


@pytest.mark.parametrize("logit", [1e3, -1e3, 1e5, -1e5])
def test_cross_entropy_is_finite_and_exact_for_confident_logits(logit):
    params = [Layer(np.array([[logit]]), np.array([[0.0]]))]
    X = np.ones((1, 2))
    wrong = np.array([[0.0, 0.0]]) if logit > 0 else np.array([[1.0, 1.0]])
    right = 1 - wrong
    assert cost(params, X, wrong) == pytest.approx(abs(logit), rel=1e-12)  # -log σ(-|z|) ≈ |z|
    assert cost(params, X, right) == pytest.approx(0.0, abs=1e-300)
    grads = gradients(params, X, wrong)
    assert np.all(np.isfinite(grads[0].W)) and grads[0].b[0, 0] == pytest.approx(np.sign(logit), rel=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("logit", [5.0, 17.0, 25.0, 40.0])
def test_confident_correct_predictions_keep_full_relative_accuracy(logit, dtype):
    # y = 1 at z ≫ 0: the loss log(1 + e^{−z}) and its gradient −σ(−z) are tiny but not zero;
    # computing them as a difference of nearly equal numbers would lose every digit.
    params = [Layer(np.array([[logit]], dtype), np.array([[0.0]], dtype))]
    X, Y = np.ones((1, 1), dtype), np.ones((1, 1), dtype)
    assert cost(params, X, Y) == pytest.approx(np.log1p(np.exp(-logit)), rel=1e-6 if dtype == np.float32 else 1e-14)
    exact = -1 / (1 + np.exp(logit))
    assert gradients(params, X, Y)[0].b[0, 0] == pytest.approx(exact, rel=1e-6 if dtype == np.float32 else 1e-14)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gradient_check_passes_on_a_confident_network(dtype):
    # A network whose labels are its own confident predictions (|z| of 5 to 40).
    params, X, _ = random_problem([3, 6, 1], 20, seed=11)
    params = [Layer((6 * W).astype(dtype), (6 * b).astype(dtype)) for W, b in params]
    X = X.astype(dtype)
    Y = (forward(params, X) > 0.5).astype(dtype)
    logits = np.abs(forward(params, X, output="identity"))
    assert logits.max() > 5
    assert check_gradients(params, X, Y, lam=0.1).passed


def test_gradients_of_a_single_sigmoid_unit_by_hand():
    W, b = np.array([[0.5, -0.25]]), np.array([[0.1]])
    X = np.array([[1.0, 2.0, -1.0], [0.0, 1.0, 3.0]])
    Y = np.array([[1.0, 0.0, 1.0]])
    A = 1 / (1 + np.exp(-(W @ X + b)))
    grads = gradients([Layer(W, b)], X, Y, lam=0.6)
    np.testing.assert_allclose(grads[0].W, (A - Y) @ X.T / 3 + 0.6 / 3 * W, rtol=1e-14)
    np.testing.assert_allclose(grads[0].b, np.sum(A - Y, axis=1, keepdims=True) / 3, rtol=1e-14)


@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_gradients_match_an_independent_textbook_backprop(activation, loss):
    from tests.reference_backprop import reference_gradients

    params, X, Y = random_problem([3, 5, 4, 2], 7, seed=6)
    ours = gradients(params, X, Y, lam=0.4, activation=activation, loss=loss)
    theirs = reference_gradients(params, X, Y, 0.4, activation=activation, loss=loss)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.W, b.W, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(a.b, b.b, rtol=1e-12, atol=1e-15)


def test_float32_in_float32_out_everywhere():
    params, X, Y = random_problem([3, 4, 1], 5, seed=7, dtype=np.float32)
    assert forward(params, X).dtype == np.float32
    assert all(a.dtype == np.float32 for layer in gradients(params, X, Y, lam=0.5) for a in layer)
    assert isinstance(cost(params, X, Y, lam=0.5), float)


def test_no_function_modifies_its_inputs(problem):
    params, X, Y = problem
    copies = [Layer(W.copy(), b.copy()) for W, b in params], X.copy(), Y.copy()
    for activation in ("tanh", "relu", "linear"):
        for loss in ("cross_entropy", "mse"):
            forward(params, X, activation=activation)
            cost(params, X, Y, 0.3, activation=activation, loss=loss)
            gradients(params, X, Y, 0.3, activation=activation, loss=loss)
    for (W, b), (W0, b0) in zip(params, copies[0]):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)
    np.testing.assert_array_equal(X, copies[1])
    np.testing.assert_array_equal(Y, copies[2])


def test_lambda_zero_ignores_the_size_of_the_weights():
    # 0·‖W‖² would be 0·inf = NaN once ‖W‖² overflows float32; at λ = 0 the penalty is skipped.
    params = [Layer(np.full((1, 2), 1e20, np.float32), np.zeros((1, 1), np.float32))]
    X, Y = np.full((2, 3), 1e-20, np.float32), np.ones((1, 3), np.float32)
    assert np.isfinite(cost(params, X, Y, lam=0.0, loss="mse"))


def test_single_example_works():
    params, X, Y = random_problem([2, 3, 1], 1, seed=8)
    assert gradients(params, X, Y, lam=1.0)[0].W.shape == (3, 2)
