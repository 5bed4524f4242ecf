"""l2book.experiments.step_size: chapter 6's error of a central difference against its step."""

import numpy as np
import pytest

from l2book.experiments import STEP_SIZES, StepSizeCurve, first_layer_error, step_size_curve, step_size_problem
from l2book.gradcheck import relative_error
from l2book.layer import Layer
from l2book.network import cost, gradients


def test_the_problem_is_the_one_chapter_6_builds():
    X, Y, lam, networks = step_size_problem()
    assert np.array_equal(X, np.random.default_rng(0).standard_normal((2, 4)))
    assert Y.tolist() == [[0.0, 1.0, 1.0, 0.0]] and lam == 0.7 and len(networks) == 100
    assert [layer.W.shape for layer in networks[0]] == [(3, 2), (1, 3)]


def test_the_error_compares_central_differences_with_backpropagation():
    X, Y, lam, networks = step_size_problem()
    h = 1e-4
    W1, b1 = networks[0][0]
    numeric = np.zeros_like(W1)
    for index in np.ndindex(W1.shape):  # the central difference written out, one weight at a time
        up, down = W1.copy(), W1.copy()
        up[index] += h
        down[index] -= h
        numeric[index] = (cost([Layer(up, b1), networks[0][1]], X, Y, lam)
                          - cost([Layer(down, b1), networks[0][1]], X, Y, lam)) / (2 * h)  # fmt: skip
    exact = gradients(networks[0], X, Y, lam)[0].W
    measured = first_layer_error(networks[0], X, Y, lam, np.float64, h)
    assert measured == pytest.approx(relative_error(exact, numeric), rel=1e-3)


def test_a_vanished_float32_step_gives_none_and_a_nan_median():
    X, Y, lam, networks = step_size_problem()
    assert first_layer_error(networks[0], X, Y, lam, np.float32, 1e-10) is None
    curve = step_size_curve(np.float32, (1e-2, 1e-10), networks=3)
    assert curve.errors[0] > 0 and np.isnan(curve.errors[1])
    assert curve.best_step == 1e-2


def test_the_curve_is_a_v_with_its_bottom_near_the_cube_root_of_epsilon():
    steps = (1e-1, 1e-3, 1e-5, 1e-7, 1e-9)
    curve = step_size_curve(np.float64, steps, networks=10)
    bottom = curve.errors.index(curve.best_error)
    assert all(np.diff(curve.errors[: bottom + 1]) < 0) and all(np.diff(curve.errors[bottom:]) > 0)
    assert curve.predicted_step == pytest.approx(np.finfo(np.float64).eps ** (1 / 3))
    assert curve.best_step == 1e-5 and curve.networks == 10


def test_the_curve_is_the_median_over_the_networks():
    X, Y, lam, networks = step_size_problem()
    errors = [first_layer_error(net, X, Y, lam, np.float32, 1e-3) for net in networks[:5]]
    assert step_size_curve(np.float32, (1e-3,), networks=5).errors == (float(np.median(errors)),)


def test_the_default_steps_run_from_a_tenth_to_a_trillionth_two_per_decade():
    assert STEP_SIZES[0] == 0.1 and STEP_SIZES[-1] == pytest.approx(1e-12) and len(STEP_SIZES) == 23


def test_best_step_ignores_the_steps_that_vanished():
    curve = StepSizeCurve("float32", 1, (1e-2, 1e-3, 1e-9), (1e-5, 1e-4, float("nan")), 5e-3)
    assert (curve.best_step, curve.best_error) == (1e-2, 1e-5)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "name"),
    [
        ((np.int64,), {}, TypeError, "dtype"),
        ((np.float64, ()), {}, TypeError, "steps"),
        ((np.float64, (0.0,)), {}, ValueError, "steps"),
        ((np.float64, (1e-3,)), {"networks": 0}, ValueError, "networks"),
        ((np.float64, (1e-3,)), {"networks": 101}, ValueError, "networks"),
    ],
)
def test_step_size_curve_rejects_bad_arguments_by_name(args, kwargs, error, name):
    with pytest.raises(error, match=name):
        step_size_curve(*args, **kwargs)


def test_first_layer_error_rejects_a_step_that_is_not_positive():
    X, Y, lam, networks = step_size_problem()
    with pytest.raises(ValueError, match="h"):
        first_layer_error(networks[0], X, Y, lam, np.float64, -1e-3)
