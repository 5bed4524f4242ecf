"""Edge cases of the network's numerics: the caller's NumPy error state, in-place buffers, very wide layers."""

import numpy as np
import pytest

from l2book import Layer, cost, forward, gradients
from l2book.network import ELEMENTWISE_BLOCK_BYTES, _sigmoid_in_place


@pytest.mark.parametrize("logit", [800.0, -800.0])
def test_cost_gradients_and_forward_work_when_the_caller_makes_underflow_an_error(logit):
    # e^{−|z|} underflows to 0 for a confident logit, which is the right answer: the library
    # must not raise even when the caller turned underflow into an error.
    params = [Layer(np.array([[logit]]), np.zeros((1, 1)))]
    X1, Y1 = np.ones((1, 2)), np.array([[1.0, 0.0]])
    with np.errstate(all="raise"):
        assert cost(params, X1, Y1) == pytest.approx(abs(logit) / 2)
        np.testing.assert_array_equal(forward(params, X1), [[1.0 if logit > 0 else 0.0] * 2])
        assert np.isfinite(gradients(params, X1, Y1)[0].W).all()


def test_the_output_sigmoid_is_computed_in_place():
    Z = np.array([[-2.0, 0.0, 3.0]])
    out = _sigmoid_in_place(Z)
    assert out is Z  # no temporary as large as the output layer
    np.testing.assert_allclose(Z, 1 / (1 + np.exp(-np.array([[-2.0, 0.0, 3.0]]))), rtol=1e-15)


def test_a_single_row_wider_than_the_elementwise_block_gets_its_penalty_gradient():
    # One output unit fed by more inputs than fit in ELEMENTWISE_BLOCK_BYTES: W is one row, so
    # (λ/m)·W is added a row at a time, and there is no second row to size the blocks by.
    n = ELEMENTWISE_BLOCK_BYTES // 8 + 100
    rng = np.random.default_rng(0)
    W, X, Y = rng.standard_normal((1, n)) / np.sqrt(n), rng.standard_normal((n, 3)), np.array([[1.0, 0.0, 1.0]])
    params = [Layer(W, np.zeros((1, 1)))]
    expected = gradients(params, X, Y)[0].W + 0.6 / 3 * W
    np.testing.assert_allclose(gradients(params, X, Y, lam=0.6)[0].W, expected, rtol=1e-12)
