"""What check_gradients reports: where the worst error is, the mode, the bound, the verdict, and its text.

The grader reports "which layer, dW or db" through these fields, so each is pinned
down here by planting a known error and reading it back.
"""

import numpy as np
import pytest

from l2book import Layer, check_gradients, gradients, numerical_gradient, relative_error
from l2book.gradcheck import THRESHOLDS, _random_signs
from tests.helpers import random_problem


def planted(layer, field, index, amount):
    """A gradient_fn that returns the correct gradients with ``amount`` added at one component."""

    def gradient_fn(*args, **kwargs):
        grads = gradients(*args, **kwargs)
        array = getattr(grads[layer], field).copy()
        array[index] += amount
        grads[layer] = grads[layer]._replace(**{field: array})
        return grads

    return gradient_fn


@pytest.mark.parametrize(
    ("layer", "field", "index"),
    [(0, "W", (2, 1)), (0, "b", (3, 0)), (1, "W", (0, 4)), (1, "b", (1, 0)), (2, "W", (1, 2))],
)
def test_the_worst_layer_parameter_and_component_are_where_the_error_was_planted(layer, field, index):
    params, X, Y = random_problem([3, 5, 4, 2], 7, seed=1)
    result = check_gradients(params, X, Y, lam=0.3, gradient_fn=planted(layer, field, index, 0.05))
    assert not result.passed
    assert (result.worst_layer, result.worst_parameter, result.worst_index) == (layer, field, index)
    errors = [error for pair in result.layer_errors for error in pair]
    assert max(errors) == errors[2 * layer + "Wb".index(field)]  # the planted array, and only it, is far off
    assert sorted(errors)[-2] < 1e-8


def test_the_worst_component_is_the_largest_difference_not_the_largest_gradient():
    params, X, Y = random_problem([3, 5, 1], 7, seed=2)
    dW = gradients(params, X, Y)[0].W
    smallest = np.unravel_index(np.argmin(np.abs(dW)), dW.shape)
    largest = np.unravel_index(np.argmax(np.abs(dW)), dW.shape)
    assert smallest != largest
    # The planted error is smaller than the largest gradient component, so |g + g̃| peaks elsewhere.
    result = check_gradients(params, X, Y, gradient_fn=planted(0, "W", smallest, 0.1 * np.abs(dW).max()))
    assert result.worst_index == tuple(int(i) for i in smallest)


@pytest.mark.parametrize(("directions", "mode"), [(None, "coordinate"), (3, "directional")])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_mode_and_default_threshold_are_reported(directions, mode, dtype):
    params, X, Y = random_problem([3, 4, 2], 5, seed=3, dtype=dtype)
    result = check_gradients(params, X, Y, lam=0.2, directions=directions)
    assert result.mode == mode
    assert result.threshold == THRESHOLDS[np.dtype(dtype)]
    assert result.passed


@pytest.mark.parametrize("directions", [None, 3])
def test_passed_means_strictly_below_the_threshold(directions):
    params, X, Y = random_problem([3, 4, 2], 5, seed=3)
    error = check_gradients(params, X, Y, lam=0.2, directions=directions).relative_error
    at_bound = check_gradients(params, X, Y, lam=0.2, directions=directions, threshold=error)
    assert at_bound.threshold == error and at_bound.relative_error == error
    assert not at_bound.passed
    above = check_gradients(params, X, Y, lam=0.2, directions=directions, threshold=2 * error)
    assert above.passed and above.threshold == 2 * error


def test_text_of_a_passing_coordinate_check():
    params, X, Y = random_problem([3, 4, 2], 5, seed=3)
    result = check_gradients(params, X, Y, lam=0.2)
    where = f"layer {result.worst_layer} d{result.worst_parameter}{list(result.worst_index)}"
    assert str(result) == (
        f"PASS (coordinate): relative error {result.relative_error:.2e} vs threshold 1e-07, "
        f"{result.evaluations} cost evaluations; worst: {where}"
    )


def test_text_of_a_directional_check_has_no_location():
    params, X, Y = random_problem([3, 4, 2], 5, seed=3)
    passing = check_gradients(params, X, Y, lam=0.2, directions=4, threshold=1e-6)
    assert passing.worst_layer is passing.worst_parameter is passing.worst_index is None
    assert passing.layer_errors == ()
    assert str(passing) == (
        f"PASS (directional): relative error {passing.relative_error:.2e} vs threshold 1e-06, 8 cost evaluations"
    )
    failing = check_gradients(params, X, Y, lam=0.2, directions=4, gradient_fn=planted(0, "W", (0, 0), 0.5))
    assert str(failing).startswith("FAIL (directional): relative error ")


def test_gradient_fn_receives_the_problem_and_the_activation_and_loss_by_keyword():
    params, X, Y = random_problem([3, 5, 2], 6, seed=4, labels="real")
    calls = []

    def relu_mse_only(params_, X_, Y_, lam, *, activation, loss):  # no defaults: both must be passed
        calls.append((params_, X_, Y_, lam, activation, loss))
        return gradients(params_, X_, Y_, lam, activation=activation, loss=loss)

    for directions in (None, 5):
        result = check_gradients(
            params, X, Y, 0.7, activation="relu", loss="mse", gradient_fn=relu_mse_only, directions=directions
        )
        assert result.passed, result
    assert len(calls) == 2
    for got_params, got_X, got_Y, lam, activation, loss in calls:
        assert (lam, activation, loss) == (0.7, "relu", "mse")
        assert got_X is X and got_Y is Y
        assert all(a.W is b.W and a.b is b.b for a, b in zip(got_params, params))


def test_the_same_seed_gives_the_same_directions_and_another_seed_others():
    params, X, Y = random_problem([3, 5, 2], 6, seed=5)
    wrong = planted(1, "W", (0, 0), 0.01)

    def run(seed):
        return check_gradients(params, X, Y, 0.1, directions=2, seed=seed, gradient_fn=wrong).relative_error

    assert run(7) == run(7)
    assert run(7) != run(8)
    assert check_gradients(params, X, Y, 0.1, directions=2, gradient_fn=wrong).relative_error == run(0)


def test_directions_have_independent_signs():
    # An error of +c in one component and −c in another is invisible along any direction whose two
    # signs agree, e.g. all positive. With independent signs, ten directions all miss it with
    # probability 2⁻¹⁰ (seed 0 happens to, for this pair), so nearly every seed catches it.
    params, X, Y = random_problem([3, 5, 2], 6, seed=6)

    def opposite_errors(*args, **kwargs):
        grads = gradients(*args, **kwargs)
        dW = grads[1].W.copy()
        dW[0, 0] += 0.05
        dW[0, 1] -= 0.05
        return [grads[0], Layer(dW, grads[1].b)]

    caught = [
        not check_gradients(params, X, Y, gradient_fn=opposite_errors, directions=10, seed=seed).passed
        for seed in range(20)
    ]
    assert sum(caught) >= 18, caught


def test_random_signs_are_plus_or_minus_one_in_equal_measure():
    signs = _random_signs(np.random.default_rng(0), 10_001)
    assert signs.shape == (10_001,) and signs.dtype == np.float64
    assert set(np.unique(signs)) == {-1.0, 1.0}
    assert abs(signs.mean()) < 0.05


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_default_step_is_cbrt_eps_times_max_of_one_and_the_coordinate(dtype):
    x = np.array([0.25, -1.0, 3.0, -40.0], dtype=dtype)
    seen = []
    numerical_gradient(lambda v: seen.append(v.copy()) or float(v.sum()), x)
    steps = [(seen[2 * i][i] - seen[2 * i + 1][i]) / 2 for i in range(x.size)]
    expected = np.cbrt(np.finfo(dtype).eps) * np.maximum(1.0, np.abs(x.astype(np.float64)))
    # x ± h is rounded to the dtype, so the step actually taken is h to within an ulp of x.
    ulps = np.abs(np.array(steps, dtype=np.float64) - expected) / np.spacing(np.abs(x)).astype(np.float64)
    assert ulps.max() <= 1.0, ulps
    for i, (upper, lower) in enumerate(zip(seen[0::2], seen[1::2])):
        others = np.arange(x.size) != i
        assert upper[i] > x[i] > lower[i]  # + first, then −, one coordinate at a time
        np.testing.assert_array_equal(upper[others], x[others])
        np.testing.assert_array_equal(lower[others], x[others])


def test_a_fixed_step_is_used_as_given():
    x = np.array([0.5, 100.0])
    seen = []
    numerical_gradient(lambda v: seen.append(v.copy()) or float(v.sum()), x, eps=0.125)
    np.testing.assert_array_equal([seen[0][0], seen[1][0], seen[2][1], seen[3][1]], [0.625, 0.375, 100.125, 99.875])


@pytest.mark.parametrize("w2", [0.5, 20.0])
@pytest.mark.parametrize(("kink_over_step", "passes"), [(1.2, True), (0.8, False)])
def test_directional_step_is_cbrt_eps_times_max_of_one_and_the_norm_over_root_n(w2, kink_over_step, passes):
    # One ReLU unit fed a zero input: only its bias moves its pre-activation, by exactly ± h/√n
    # (every component of a step is ±h/√n). A kink closer than that is crossed and the check
    # fails; a kink farther away is not. n = 4, and ‖θ‖ is below 1 or about w2 = 20.
    norm = np.sqrt(0.3**2 + w2**2 + 0.1**2)  # and the bias below, ≈ 1e-5
    component = np.cbrt(np.finfo(np.float64).eps) * max(1.0, norm) / np.sqrt(4)
    params = [
        Layer(np.array([[0.3]]), np.array([[kink_over_step * component]])),
        Layer(np.array([[w2]]), np.array([[0.1]])),
    ]
    X, Y = np.zeros((1, 1)), np.ones((1, 1))
    for seed in range(3):
        result = check_gradients(params, X, Y, activation="relu", directions=2, seed=seed)
        assert result.passed == passes, result


def test_every_component_of_a_direction_gets_its_own_random_sign():
    # Per position, over many draws: +1 and −1 equally often, for sizes that are and are not
    # multiples of 8 bits (a short draw would leave trailing components at +1).
    rng = np.random.default_rng(1)
    for n in (1, 9, 100):
        draws = np.array([_random_signs(rng, n) for _ in range(2000)])
        assert np.abs(draws.mean(axis=0)).max() < 0.1, n


def test_relative_error_is_computed_in_float64_whatever_the_inputs():
    a32, b32 = np.array([1.0, 2.0, 3.3], np.float32), np.array([1.0, 2.1, 3.0], np.float32)
    assert relative_error(a32, b32) == relative_error(a32.astype(np.float64), b32.astype(np.float64))
    assert relative_error([1, 2], [1, 3]) == relative_error([1.0, 2.0], [1.0, 3.0])


@pytest.mark.parametrize("directions", [None, 3])
def test_a_single_layer_network_is_checked_with_the_default_threshold(directions):
    params, X, Y = random_problem([3, 1], 6, seed=8)  # logistic regression
    result = check_gradients(params, X, Y, lam=0.4, directions=directions)
    assert result.passed and result.threshold == 1e-7


def test_a_tie_between_dW_and_db_reports_dW():
    # A linear model that fits exactly: every gradient is 0, and so is every central difference
    # (the cost is symmetric about its minimum), so dW and db tie at a relative error of 0.
    # With zero parameters θ ± h is exactly ±h, so the two costs are exactly equal.
    params = [Layer(np.zeros((1, 1)), np.zeros((1, 1)))]
    X = np.array([[0.5, 1.0, 2.0]])
    result = check_gradients(params, X, np.zeros((1, 3)), activation="linear", loss="mse")
    assert result.layer_errors == ((0.0, 0.0),)
    assert (result.worst_layer, result.worst_parameter, result.worst_index) == (0, "W", (0, 0))
