import numpy as np
import pytest

from l2book import (
    GradientCheck,
    Layer,
    check_gradients,
    gradients,
    l2_penalty,
    l2_penalty_grad,
    numerical_gradient,
    relative_error,
)
from l2book.gradcheck import THRESHOLDS
from tests.helpers import random_problem
from tests.reference_backprop import BUGS, reference_gradients


def test_numerical_gradient_of_a_known_function():
    x = np.array([[0.5, -1.0], [2.0, 3.0]])
    numeric = numerical_gradient(lambda v: float(np.sum(np.sin(v) * v**2)), x)
    np.testing.assert_allclose(numeric, np.cos(x) * x**2 + 2 * x * np.sin(x), rtol=1e-9)
    assert numeric.shape == x.shape and numeric.dtype == x.dtype


def test_numerical_gradient_leaves_x_unchanged():
    x = np.array([1.0, 2.0, 3.0])
    seen = []
    numerical_gradient(lambda v: seen.append(v is x) or float(v @ v), x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])
    assert not any(seen)  # f only ever sees a working copy


def test_default_step_is_near_optimal_in_float32_where_the_classic_step_fails():
    x = np.array([1.5, -2.5, 3.0], dtype=np.float32)
    f = lambda v: float(np.sum(np.tanh(v) * v))  # noqa: E731
    exact = np.tanh(x.astype(np.float64)) + x * (1 - np.tanh(x.astype(np.float64)) ** 2)
    assert relative_error(numerical_gradient(f, x), exact) < 1e-4
    with pytest.raises(ValueError, match="eps=1e-07 is too small"):
        numerical_gradient(f, x, eps=1e-7)  # x ± 1e-7 rounds back to x for |x| ≥ 1 in float32


def test_default_step_beats_the_classic_step_in_float64():
    x = np.linspace(-2, 2, 7)
    f = lambda v: float(np.sum(np.tanh(v) ** 2))  # noqa: E731
    exact = 2 * np.tanh(x) * (1 - np.tanh(x) ** 2)
    assert relative_error(numerical_gradient(f, x), exact) < relative_error(numerical_gradient(f, x, eps=1e-7), exact)


@pytest.mark.parametrize(("eps", "error"), [(0.0, ValueError), (-1e-3, ValueError), ("1e-3", TypeError)])
def test_numerical_gradient_rejects_bad_steps(eps, error):
    with pytest.raises(error, match="eps"):
        numerical_gradient(lambda v: float(v.sum()), np.ones(2), eps=eps)


def test_numerical_gradient_rejects_non_finite_values():
    with pytest.raises(ValueError, match="f returned nan"):
        numerical_gradient(lambda v: float("nan"), np.ones(2))


def test_relative_error_is_scale_free_at_any_magnitude():
    a, b = np.array([1.0, 2.0]), np.array([1.0, 2.5])
    expected = relative_error(a, b)
    for scale in (1e-300, 1e-160, 1e160, 1e300):
        assert relative_error(scale * a, scale * b) == pytest.approx(expected, rel=1e-14)
    with pytest.raises(ValueError, match="a must not be empty"):
        relative_error([], [])


def test_relative_error_properties():
    a, b = np.array([1.0, 2.0]), np.array([1.0, 2.5])
    assert relative_error(a, b) == pytest.approx(0.5 / (np.sqrt(5) + np.sqrt(7.25)))
    assert relative_error(a, b) == relative_error(b, a)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, -a) == 1.0
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="a must contain only finite"):
        relative_error([np.nan], [1.0])


@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("directions", [None, 10])
def test_correct_gradients_pass(activation, loss, directions):
    params, X, Y = random_problem([3, 5, 4, 2], 7, seed=1)
    result = check_gradients(params, X, Y, lam=0.7, activation=activation, loss=loss, directions=directions)
    assert result.passed and result.relative_error < 1e-8, result


def test_directions_and_seed_accept_numpy_integers():
    params, X, Y = random_problem([3, 4, 2], 5, seed=4)
    result = check_gradients(params, X, Y, directions=np.int64(3), seed=np.uint8(2))
    assert result.passed and result.evaluations == 6


@pytest.mark.parametrize("directions", [None, 3])
@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda grads: grads[:1], r"the result of gradient_fn must have 2 layers"),
        (lambda grads: [grads[0], Layer(grads[1].W, grads[1].b.ravel())], r"the result of gradient_fn\[1\]\.b must be 2-D"),
        (lambda grads: [Layer(grads[0].W * np.nan, grads[0].b), grads[1]], r"gradient_fn\[0\]\.W must contain only finite"),
        (lambda grads: [Layer(grads[0].W.T, grads[0].b), grads[1]], r"gradient_fn\[0\]\.b must have shape \(3, 1\)"),
    ],
)
def test_a_malformed_gradient_fn_result_is_an_error_naming_it(mangle, message, directions):
    params, X, Y = random_problem([3, 2, 1], 5, seed=4)  # W^[1] is 2×3: a transposed one does not fit

    def malformed(*args, **kwargs):
        return mangle(gradients(*args, **kwargs))

    with pytest.raises((ValueError, TypeError), match=message):
        check_gradients(params, X, Y, gradient_fn=malformed, directions=directions)


def test_directional_check_catches_a_structured_first_layer_error_for_every_seed():
    # A backward pass that used inputs shifted by a constant: dW^[1] += c·db^[1]·1ᵀ. With only two
    # inputs, a rank-one sign pattern on W^[1] cancels this error half the time; independent signs don't.
    params, X, Y = random_problem([2, 8, 1], 40, seed=3)

    def shifted_inputs(*args, **kwargs):
        grads = gradients(*args, **kwargs)
        dW1 = grads[0].W + 0.3 * grads[0].b @ np.ones((1, 2))
        return [Layer(dW1, grads[0].b), *grads[1:]]

    assert not check_gradients(params, X, Y, 0.1, gradient_fn=shifted_inputs).passed
    missed = [seed for seed in range(100)
              if check_gradients(params, X, Y, 0.1, gradient_fn=shifted_inputs, directions=3, seed=seed).passed]
    assert missed == []


def test_result_locates_the_worst_component():
    params, X, Y = random_problem([3, 4, 2], 6, seed=2)

    def wrong_in_one_place(*args, **kwargs):
        grads = gradients(*args, **kwargs)
        db = grads[1].b.copy()
        db[1, 0] += 0.1
        return [grads[0], Layer(grads[1].W, db)]

    result = check_gradients(params, X, Y, lam=0.3, gradient_fn=wrong_in_one_place)
    assert not result.passed
    assert (result.worst_layer, result.worst_parameter, result.worst_index) == (1, "b", (1, 0))
    assert result.layer_errors[0][0] < 1e-8 and result.layer_errors[1][1] > 1e-3
    assert "FAIL" in str(result) and "layer 1 db[1, 0]" in str(result)


def test_float32_networks_are_checked_against_a_float64_reference():
    params, X, Y = random_problem([3, 5, 1], 6, seed=3, dtype=np.float32)
    result = check_gradients(params, X, Y, lam=0.5)
    assert result.passed and result.threshold == THRESHOLDS[np.dtype(np.float32)]
    assert 1e-10 < result.relative_error < 1e-5  # float32 rounding, far above float64's


def test_evaluation_counts():
    params, X, Y = random_problem([3, 4, 2], 5, seed=4)
    n_parameters = sum(W.size + b.size for W, b in params)
    assert check_gradients(params, X, Y).evaluations == 2 * n_parameters
    assert check_gradients(params, X, Y, directions=4).evaluations == 8


@pytest.mark.parametrize("bug", BUGS)
@pytest.mark.parametrize("directions", [None, 5])
def test_every_planted_bug_is_caught(bug, directions):
    params, X, Y = random_problem([3, 4, 4, 2], 6, seed=5)
    assert check_gradients(params, X, Y, lam=0.7, gradient_fn=reference_gradients).passed  # the copy is right

    def buggy(*args, **kwargs):
        return reference_gradients(*args, bug=bug, **kwargs)

    result = check_gradients(params, X, Y, lam=0.7, gradient_fn=buggy, directions=directions)
    assert not result.passed, f"{bug} slipped through: {result}"
    assert result.relative_error > 1e-4


def test_tiny_lambda_hides_a_missing_regularization_gradient_and_the_recipe_catches_it():
    params, X, Y = random_problem([3, 4, 4, 2], 6, seed=5)

    def forgets_penalty(*args, **kwargs):
        return reference_gradients(*args, bug="missing_regularization", **kwargs)

    trapped = check_gradients(params, X, Y, lam=1e-7, gradient_fn=forgets_penalty)
    assert trapped.passed  # the trap: the bug is invisible at this λ
    # Recipe 1: check with a large λ whose λ/m is not 1 (here λ/m = 10).
    assert not check_gradients(params, X, Y, lam=60.0, gradient_fn=forgets_penalty).passed
    # Recipe 2: check the penalty's gradient on its own; the buggy pass contributes nothing for it.
    weights = [W for W, _ in params]
    data_only = gradients(params, X, Y, lam=0.0)
    claimed_penalty_grad = [bw.W - d.W for bw, d in zip(forgets_penalty(params, X, Y, 1e-7), data_only)]
    numeric_penalty_grad = [numerical_gradient(lambda w, i=i: _penalty_at(weights, i, w, 1e-7, 6), W)
                            for i, W in enumerate(weights)]
    assert relative_error(np.concatenate([g.ravel() for g in claimed_penalty_grad]),
                          np.concatenate([g.ravel() for g in numeric_penalty_grad])) > 0.99
    correct = l2_penalty_grad(weights, 1e-7, 6)
    assert relative_error(np.concatenate([g.ravel() for g in correct]),
                          np.concatenate([g.ravel() for g in numeric_penalty_grad])) < 1e-6


def test_checking_at_lambda_equal_to_m_alone_misses_a_squared_coefficient():
    # (λ/m)²·W instead of (λ/m)·W agrees at λ = 0 and at λ = m, where λ/m = 1: hence λ = 10m.
    params, X, Y = random_problem([3, 4, 2], 6, seed=5)

    def squared_coefficient(params, X, Y, lam=0.0, **kwargs):
        grads = gradients(params, X, Y, 0.0, **kwargs)
        m = X.shape[1]
        return [Layer(g.W + (lam / m) ** 2 * p.W, g.b) for g, p in zip(grads, params)]

    assert check_gradients(params, X, Y, 0.0, gradient_fn=squared_coefficient).passed
    assert check_gradients(params, X, Y, 6.0, gradient_fn=squared_coefficient).passed
    assert not check_gradients(params, X, Y, 60.0, gradient_fn=squared_coefficient).passed


def _penalty_at(weights, index, replacement, lam, m):
    return l2_penalty([replacement if i == index else W for i, W in enumerate(weights)], lam, m)


def test_directional_mode_scales_to_a_large_network():
    params, X, Y = random_problem([200, 300, 300, 10], 64, seed=6)  # 153k parameters
    result = check_gradients(params, X, Y, lam=0.1, directions=3)
    assert result.passed and result.evaluations == 6 and isinstance(result, GradientCheck)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"directions": 0}, ValueError, "directions must be >= 1, got 0"),
        ({"directions": 2.5}, TypeError, "directions must be an integer, got float"),
        ({"seed": -1}, ValueError, "seed must be >= 0"),
        ({"seed": "0"}, TypeError, "seed must be an integer"),
        ({"threshold": -1.0}, ValueError, "threshold must be > 0"),
        ({"lam": -1.0}, ValueError, "lam must be >= 0"),
        ({"activation": "sigmoid"}, ValueError, "activation must be one of"),
    ],
)
def test_check_gradients_rejects_bad_options(kwargs, error, message):
    params, X, Y = random_problem([2, 2, 1], 3)
    with pytest.raises(error, match=message):
        check_gradients(params, X, Y, **kwargs)
