"""Bad input to the network functions raises an error that names the argument."""

import numpy as np
import pytest

from l2book import Layer, check_gradients, cost, forward, gradients, init_params
from tests.helpers import random_problem

P, X, Y = random_problem([3, 4, 2], 5)


def _with(layer_index, **fields):
    params = list(P)
    params[layer_index] = params[layer_index]._replace(**fields)
    return params


CASES = [
    ({"params": []}, TypeError, "params must be a non-empty list of Layer"),
    ({"params": P[0]}, TypeError, "params must be a non-empty list of Layer"),
    ({"params": [P[0].W]}, TypeError, r"params\[0\] must be a Layer"),
    ({"params": _with(1, W=np.ones((2, 5)))}, ValueError, r"params\[1\]\.W must have 4 columns"),
    ({"params": _with(0, b=np.ones(4))}, ValueError, r"params\[0\]\.b must be 2-D"),
    ({"params": _with(0, b=np.ones((4, 2)))}, ValueError, r"params\[0\]\.b must have shape \(4, 1\)"),
    ({"params": _with(0, W=np.full((4, 3), np.nan))}, ValueError, r"params\[0\]\.W must contain only finite"),
    ({"params": _with(0, W=np.ones((4, 3), dtype=np.float32))}, TypeError, r"params\[0\]\.b has dtype float64"),
    ({"params": _with(0, W=[[1.0] * 3] * 4)}, TypeError, r"params\[0\]\.W must be a numpy array"),
    ({"X": np.ones((2, 5))}, ValueError, r"X must have shape \(3, m\)"),
    ({"X": np.ones((3, 0))}, ValueError, "X must not be empty"),
    ({"X": np.ones(3)}, ValueError, "X must be 2-D"),
    ({"X": np.ones((3, 5), dtype=np.float32)}, TypeError, "X has dtype float32 but the parameters are float64"),
    ({"X": np.ones((3, 5), dtype=np.int64)}, TypeError, "X must have dtype float32 or float64"),
    ({"X": np.full((3, 5), np.inf)}, ValueError, "X must contain only finite"),
    ({"Y": np.ones((2, 4))}, ValueError, r"Y must have shape \(2, 5\)"),
    ({"Y": np.ones((1, 5))}, ValueError, r"Y must have shape \(2, 5\)"),  # no broadcasting
    ({"Y": np.ones(5)}, ValueError, "Y must be 2-D"),
    ({"Y": np.full((2, 5), 2.0)}, ValueError, r"Y must hold labels in \[0, 1\]"),
    ({"Y": np.full((2, 5), np.nan)}, ValueError, "Y must contain only finite"),
    ({"lam": -0.5}, ValueError, "lam must be >= 0"),
    ({"lam": np.inf}, ValueError, "lam must be finite"),
    ({"lam": "0.1"}, TypeError, "lam must be a real number"),
    ({"lam": True}, TypeError, "lam must be a real number"),
    ({"activation": "softplus"}, ValueError, "activation must be one of 'tanh', 'relu', 'linear'"),
    ({"loss": "hinge"}, ValueError, "loss must be one of 'cross_entropy', 'mse'"),
]


@pytest.mark.parametrize(("change", "error", "message"), CASES)
@pytest.mark.parametrize("function", [cost, gradients, check_gradients])
def test_cost_gradients_and_checker_reject_bad_input(function, change, error, message):
    arguments = {"params": P, "X": X, "Y": Y, "lam": 0.1, "activation": "tanh", "loss": "cross_entropy"} | change
    with pytest.raises(error, match=message):
        function(**arguments)


def test_mse_accepts_real_valued_targets():
    assert np.isfinite(cost(P, X, np.full((2, 5), 7.0), loss="mse"))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"X": np.ones((4, 5))}, ValueError, r"X must have shape \(3, m\)"),
        ({"output": "softmax"}, ValueError, "output must be one of 'sigmoid', 'identity'"),
        ({"activation": "elu"}, ValueError, "activation must be one of"),
    ],
)
def test_forward_rejects_bad_input(kwargs, error, message):
    arguments = {"params": P, "X": X} | kwargs
    with pytest.raises(error, match=message):
        forward(**arguments)


@pytest.mark.parametrize(
    ("dims", "kwargs", "error", "message"),
    [
        ([3], {}, ValueError, "layer_dims must list at least two sizes"),
        ([3, 0, 1], {}, ValueError, r"layer_dims\[1\] must be >= 1"),
        # The same check, and the same error, as Setup(hidden=...): a width that is not an integer is a TypeError.
        ([3, 2.5, 1], {}, TypeError, r"layer_dims\[1\] must be an integer"),
        ("31", {}, TypeError, "layer_dims must be a non-empty sequence of layer widths, got '31'$"),
        ([], {}, TypeError, "layer_dims must be a non-empty sequence of layer widths"),
        ([3, 1], {"dtype": np.int32}, TypeError, "dtype must be float32 or float64"),
    ],
)
def test_init_params_rejects_bad_input(dims, kwargs, error, message):
    with pytest.raises(error, match=message):
        init_params(dims, **kwargs)


def test_layer_is_a_named_pair():
    layer = Layer(W=np.ones((1, 1)), b=np.zeros((1, 1)))
    W, b = layer
    assert W is layer.W and b is layer.b
