import numpy as np
import pytest

from l2book import Layer, l2_penalty, l2_penalty_grad, numerical_gradient


def test_penalty_is_lambda_over_2m_times_sum_of_squared_frobenius_norms():
    weights = [np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[5.0]])]  # 30 + 25
    assert l2_penalty(weights, lam=0.3, m=6) == pytest.approx(0.3 / 12 * 55, rel=1e-15)


def test_frobenius_norm_three_ways_agree():
    W = np.random.default_rng(0).standard_normal((4, 3))
    by_definition = np.sqrt(sum(w * w for w in W.ravel()))
    assert np.linalg.norm(W, "fro") == pytest.approx(by_definition, rel=1e-14)
    assert np.sqrt(np.trace(W.T @ W)) == pytest.approx(by_definition, rel=1e-14)
    assert l2_penalty([W], lam=2.0, m=1) == pytest.approx(by_definition**2, rel=1e-14)


def test_penalty_gradient_is_lambda_over_m_times_w():
    W = np.random.default_rng(1).standard_normal((3, 2))
    (grad,) = l2_penalty_grad([W], lam=0.7, m=5)
    np.testing.assert_allclose(grad, 0.7 / 5 * W, rtol=1e-15)


def test_penalty_gradient_matches_finite_differences():
    W = np.random.default_rng(2).standard_normal((3, 4))
    (grad,) = l2_penalty_grad([W], lam=1.3, m=4)
    numeric = numerical_gradient(lambda w: l2_penalty([w], 1.3, 4), W)
    np.testing.assert_allclose(grad, numeric, rtol=1e-8)


def test_float32_in_float32_out():
    W = np.ones((2, 2), dtype=np.float32)
    (grad,) = l2_penalty_grad([W], lam=0.5, m=2)
    assert grad.dtype == np.float32
    assert isinstance(l2_penalty([W], 0.5, 2), float)


def test_inputs_are_not_modified():
    W = np.arange(6.0).reshape(2, 3)
    before = W.copy()
    l2_penalty_grad([W], lam=1.0, m=1)[0][...] = 99.0
    np.testing.assert_array_equal(W, before)


@pytest.mark.parametrize(
    ("weights", "lam", "m", "error", "message"),
    [
        ([np.ones((2, 2))], -0.1, 1, ValueError, "lam must be >= 0"),
        ([np.ones((2, 2))], float("nan"), 1, ValueError, "lam must be finite"),
        ([np.ones((2, 2))], 0.1, 0, ValueError, "m must be >= 1"),
        ([np.ones((2, 2))], 0.1, 2.5, TypeError, "m must be an integer"),
        ([], 0.1, 1, TypeError, "weights must be a non-empty list"),
        (np.ones((2, 2)), 0.1, 1, TypeError, "weights must be a non-empty list"),
        # A Layer is a pair of arrays, but its b is no weight matrix: penalizing it would be silently wrong.
        (Layer(np.ones((2, 2)), np.ones((2, 1))), 0.1, 1, TypeError, "weights must be a non-empty list of arrays, got Layer$"),
        ([np.array([[np.inf]])], 0.1, 1, ValueError, r"weights\[0\] must contain only finite"),
        ([np.ones((2, 2), dtype=int)], 0.1, 1, TypeError, r"weights\[0\] must have dtype float32 or float64"),
        ([np.ones((0, 2))], 0.1, 1, ValueError, r"weights\[0\] must not be empty"),
        ([np.ones((2, 2)), np.ones(2, np.float32)], 0.1, 1, TypeError, r"weights\[1\] has dtype float32"),
    ],
)
def test_bad_input_names_the_argument(weights, lam, m, error, message):
    with pytest.raises(error, match=message):
        l2_penalty(weights, lam, m)
    with pytest.raises(error, match=message):
        l2_penalty_grad(weights, lam, m)


def test_passing_layers_instead_of_weights_is_explained():
    from l2book import init_params

    with pytest.raises(TypeError, match=r"layer\.W for layer in params"):
        l2_penalty(init_params([2, 2]), 0.1, 1)
