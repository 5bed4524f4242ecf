"""Every public function refuses a malformed argument with a message naming it and what it got.

Messages are matched on whole words (``\\blr\\b``), so a message whose argument name
or type name changed fails here.
"""

import numpy as np
import pytest

from l2book import (
    AdamState,
    Layer,
    adam_init,
    adam_step,
    adamw_step,
    check_gradients,
    cost,
    gradients,
    init_params,
    l2_penalty,
    l2_penalty_grad,
    numerical_gradient,
    relative_error,
    sgd_step,
    weight_decay_step,
)
from tests.helpers import random_problem

P, X, Y = random_problem([3, 4, 2], 5)
G = gradients(P, X, Y)


# --- What counts as a layer, a list of layers, a list of weights -----------------------------


@pytest.mark.parametrize(
    ("params", "error", "message"),
    [
        ([[P[0].W, P[0].b], P[1]], TypeError, r"^params\[0\] must be a Layer\(W, b\), got list$"),
        ([(P[0].W, P[0].b, P[0].b), P[1]], TypeError, r"^params\[0\] must be a Layer\(W, b\), got tuple$"),
        ([P[0], P[1].W], TypeError, r"^params\[1\] must be a Layer\(W, b\), got ndarray$"),
        (P[0], TypeError, r"^params must be a non-empty list of Layer\(W, b\), got Layer$"),
        (np.ones((2, 2)), TypeError, r"^params must be a non-empty list of Layer\(W, b\), got ndarray$"),
        ((layer for layer in P), TypeError, r"^params must be a non-empty list of Layer\(W, b\), got generator$"),
        ("W, b", TypeError, r"^params must be a non-empty list of Layer\(W, b\), got str$"),
        ([Layer([[1.0] * 3] * 4, P[0].b), P[1]], TypeError, r"^params\[0\]\.W must be a numpy array, got list$"),
        (
            [P[0], Layer(P[1].W.astype(np.float32), P[1].b.astype(np.float32))],
            TypeError,
            r"^params\[1\]\.W has dtype float32 but the parameters are float64; convert one so both match$",
        ),
    ],
)
def test_malformed_layers_are_refused(params, error, message):
    with pytest.raises(error, match=message):
        cost(params, X, Y)


def test_a_plain_pair_is_accepted_as_a_layer():
    as_pairs = [(W, b) for W, b in P]
    assert cost(as_pairs, X, Y, 0.3) == cost(P, X, Y, 0.3)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ((W for W, _ in P), r"^weights must be a non-empty list of arrays, got generator$"),
        (iter([P[0].W]), r"^weights must be a non-empty list of arrays, got list_iterator$"),
        (P[0].W, r"^weights must be a non-empty list of arrays, got ndarray$"),
        ([], r"^weights must be a non-empty list of arrays, got list$"),
        ("W", r"^weights must be a non-empty list of arrays, got str$"),
        ([P[0].W, [[1.0]]], r"^weights\[1\] must be a numpy array, got list$"),
    ],
)
@pytest.mark.parametrize("function", [l2_penalty, l2_penalty_grad])
def test_weights_must_be_a_list_of_arrays(function, weights, message):
    with pytest.raises(TypeError, match=message):
        function(weights, 0.1, 5)


def test_weights_may_be_a_tuple():
    weights = [W for W, _ in P]
    assert l2_penalty(tuple(weights), 0.1, 5) == l2_penalty(weights, 0.1, 5)


@pytest.mark.parametrize(
    ("lam", "error", "message"),
    [
        ("0.1", TypeError, r"^lam must be a real number, got str$"),
        (None, TypeError, r"^lam must be a real number, got NoneType$"),
    ],
)
def test_real_numbers_name_the_type_they_got(lam, error, message):
    with pytest.raises(error, match=message):
        l2_penalty([P[0].W], lam, 5)


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"X": X.tolist()}, TypeError, r"^X must be a numpy array, got list$"),
        ({"X": X.astype(np.float32)}, TypeError, r"^X has dtype float32 but the parameters are float64"),
        ({"X": X[:, :0]}, ValueError, r"^X must not be empty, got shape \(3, 0\)$"),
        ({"X": X[:2]}, ValueError, r"^X must have shape \(3, m\) to match params\[0\]\.W, got \(2, 5\)$"),
        ({"Y": Y.tolist()}, TypeError, r"^Y must be a numpy array, got list$"),
        ({"Y": Y.astype(np.float32)}, TypeError, r"^Y has dtype float32 but the parameters are float64"),
        ({"Y": Y[:, :4]}, ValueError, r"^Y must have shape \(2, 5\) \(n_L, m\), got \(2, 4\)$"),
        ({"Y": Y - 1.0}, ValueError, r"^Y must hold labels in \[0, 1\] for loss='cross_entropy'$"),
    ],
)
def test_inputs_and_targets_are_named_in_errors(change, error, message):
    arguments = {"params": P, "X": X, "Y": Y} | change
    with pytest.raises(error, match=message):
        gradients(**arguments)


# --- init_params ---------------------------------------------------------------------------


@pytest.mark.parametrize("layer_dims", [iter([3, 4, 1]), (n for n in (3, 4, 1)), {3, 4}, 3])
def test_layer_dims_must_be_a_sequence(layer_dims):
    with pytest.raises((TypeError, ValueError), match=r"\blayer_dims\b"):
        init_params(layer_dims)


def test_layer_dims_may_be_a_tuple_or_numpy_integers():
    expected = init_params([3, 4, 1], seed=2)
    for layer_dims in [(3, 4, 1), [np.int64(3), np.int32(4), np.uint8(1)]]:
        for got, want in zip(init_params(layer_dims, seed=2), expected):
            np.testing.assert_array_equal(got.W, want.W)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"seed": -1}, ValueError, r"^seed must be >= 0, got -1$"),
        ({"seed": 1.0}, TypeError, r"^seed must be an integer, got float$"),
        ({"seed": True}, TypeError, r"^seed must be an integer, got bool$"),
        ({"dtype": np.int32}, TypeError, r"^dtype must be float32 or float64, got int32$"),
        ({"dtype": np.float16}, TypeError, r"^dtype must be float32 or float64, got float16$"),
    ],
)
def test_init_params_seed_and_dtype_are_checked(kwargs, error, message):
    with pytest.raises(error, match=message):
        init_params([2, 1], **kwargs)


# --- Optimizer steps --------------------------------------------------------------------------

STATE = adam_init(P)


def call(function, **change):
    """Call an optimizer step with good arguments except those in ``change``."""
    arguments = {
        sgd_step: {"params": P, "grads": G, "lr": 0.1},
        weight_decay_step: {"params": P, "data_grads": G, "lr": 0.1, "lam": 0.5, "m": 5},
        adam_step: {"params": P, "grads": G, "state": STATE, "lr": 0.1},
        adamw_step: {"params": P, "data_grads": G, "state": STATE, "lr": 0.1, "lam": 0.5, "m": 5},
    }[function]
    return function(**(arguments | change))


STEPS = [sgd_step, weight_decay_step, adam_step, adamw_step]
GRADS_NAME = {sgd_step: "grads", weight_decay_step: "data_grads", adam_step: "grads", adamw_step: "data_grads"}


@pytest.mark.parametrize("function", STEPS)
@pytest.mark.parametrize(
    ("params", "message"),
    [
        (P[0], r"^params must be a non-empty list of Layer\(W, b\), got Layer$"),
        ([], r"^params must be a non-empty list of Layer\(W, b\), got list$"),
        ([P[0], [P[1].W, P[1].b]], r"^params\[1\] must be a Layer\(W, b\), got list$"),
    ],
)
def test_steps_refuse_malformed_params(function, params, message):
    with pytest.raises(TypeError, match=message):
        call(function, params=params)


def test_adam_init_refuses_malformed_params():
    with pytest.raises(TypeError, match=r"^params must be a non-empty list of Layer\(W, b\), got ndarray$"):
        adam_init(P[0].W)
    columns = r"^params\[1\]\.W must have 4 columns \(the units of layer 1\), got shape \(2, 3\)$"
    with pytest.raises(ValueError, match=columns):
        adam_init([P[0], Layer(np.ones((2, 3)), np.ones((2, 1)))])


@pytest.mark.parametrize("function", STEPS)
def test_steps_refuse_gradients_that_do_not_match(function):
    name = GRADS_NAME[function]
    with pytest.raises(ValueError, match=rf"^{name} must have 2 layers like params, got 1$"):
        call(function, **{name: G[:1]})
    other_inputs = init_params([5, 4, 2])  # a valid list of layers, but for 5 inputs, not 3
    with pytest.raises(ValueError, match=rf"^{name}\[0\]\.W must have shape \(4, 3\), got \(4, 5\)$"):
        call(function, **{name: other_inputs})
    wrong_b = [Layer(G[0].W, np.ones((4, 1), np.float32)), G[1]]
    with pytest.raises(TypeError, match=rf"^{name}\[0\]\.b has dtype float32 but the parameters are float64"):
        call(function, **{name: wrong_b})
    with pytest.raises(TypeError, match=rf"^{name} must be a non-empty list of Layer\(W, b\), got Layer$"):
        call(function, **{name: G[0]})


@pytest.mark.parametrize("function", STEPS)
@pytest.mark.parametrize(
    ("lr", "error", "message"),
    [
        (0.0, ValueError, r"^lr must be > 0, got 0\.0$"),
        (-0.1, ValueError, r"^lr must be > 0, got -0\.1$"),
        (np.nan, ValueError, r"^lr must be finite, got nan$"),
        ("0.1", TypeError, r"^lr must be a real number, got str$"),
        (False, TypeError, r"^lr must be a real number, got bool$"),
    ],
)
def test_steps_refuse_a_bad_learning_rate(function, lr, error, message):
    with pytest.raises(error, match=message):
        call(function, lr=lr)


@pytest.mark.parametrize("function", [weight_decay_step, adamw_step])
@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"lam": -0.5}, ValueError, r"^lam must be >= 0, got -0\.5$"),
        ({"lam": "1"}, TypeError, r"^lam must be a real number, got str$"),
        ({"m": 0}, ValueError, r"^m must be >= 1, got 0$"),
        ({"m": 5.0}, TypeError, r"^m must be an integer, got float$"),
    ],
)
def test_decoupled_steps_refuse_bad_lam_and_m(function, change, error, message):
    with pytest.raises(error, match=message):
        call(function, **change)


@pytest.mark.parametrize("function", [adam_step, adamw_step])
@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"betas": (0.9,)}, TypeError, r"^betas must be a pair \(beta1, beta2\), got \(0\.9,\)$"),
        ({"betas": (0.9, 0.99, 0.5)}, TypeError, r"^betas must be a pair \(beta1, beta2\), got \(0\.9, 0\.99, 0\.5\)$"),
        ({"betas": np.array([0.9, 0.99])}, TypeError, r"^betas must be a pair \(beta1, beta2\)"),
        ({"betas": ("0.9", 0.99)}, TypeError, r"^betas\[0\] must be a real number, got str$"),
        ({"betas": (0.9, None)}, TypeError, r"^betas\[1\] must be a real number, got NoneType$"),
        ({"betas": (-0.1, 0.99)}, ValueError, r"^betas\[0\] must be in \[0, 1\), got -0\.1$"),
        ({"betas": (0.9, 1.0)}, ValueError, r"^betas\[1\] must be in \[0, 1\), got 1\.0$"),
        ({"betas": (1.0, 0.99)}, ValueError, r"^betas\[0\] must be in \[0, 1\), got 1\.0$"),
        ({"eps": 0.0}, ValueError, r"^eps must be > 0, got 0\.0$"),
        ({"eps": "1e-8"}, TypeError, r"^eps must be a real number, got str$"),
        (
            {"state": (STATE.first_moment, STATE.second_moment, 0)},
            TypeError,
            r"^state must be an AdamState \(from adam_init\), got tuple$",
        ),
        ({"state": STATE._replace(step=1.5)}, ValueError, r"^state\.step must be an integer >= 0, got 1\.5$"),
        ({"state": STATE._replace(step=True)}, ValueError, r"^state\.step must be an integer >= 0, got True$"),
        ({"state": STATE._replace(step=np.bool_(True))}, ValueError, r"^state\.step must be an integer >= 0, got "),
        ({"state": STATE._replace(step=-1)}, ValueError, r"^state\.step must be an integer >= 0, got -1$"),
        (
            {"state": STATE._replace(first_moment=STATE.first_moment[:1])},
            ValueError,
            r"^state\.first_moment must have 2 layers like params, got 1$",
        ),
        (
            {"state": STATE._replace(second_moment=[STATE.second_moment[0], Layer(np.ones((2, 4)), np.ones((1, 1)))])},
            ValueError,
            r"^state\.second_moment\[1\]\.b must have shape \(2, 1\) to match W, got \(1, 1\)$",
        ),
        (
            {"state": STATE._replace(second_moment=[STATE.second_moment[0], Layer(np.ones((2, 4)), -np.ones((2, 1)))])},
            ValueError,
            r"^state\.second_moment must be >= 0: it averages squared gradients$",
        ),
    ],
)
def test_adam_steps_refuse_bad_betas_eps_and_state(function, change, error, message):
    with pytest.raises(error, match=message):
        call(function, **change)


@pytest.mark.parametrize("function", [adam_step, adamw_step])
def test_a_state_step_may_be_a_numpy_integer(function):
    new, state = call(function, state=STATE._replace(step=np.int64(4)))
    assert state.step == 5 and type(state.step) is int
    same, _ = call(function, state=STATE._replace(step=4))
    for a, b in zip(new, same):
        np.testing.assert_array_equal(a.W, b.W)


@pytest.mark.parametrize(("function", "no_decay"), [(adam_step, {}), (adamw_step, {"lam": 0.0})])
def test_betas_may_be_zero_or_a_list(function, no_decay):
    # β₁ = β₂ = 0 keeps no history: m̂ = g and v̂ = g², so the direction is g/(|g| + ε).
    new, state = call(function, betas=[0.0, 0.0], eps=1e-8, **no_decay)
    for (W, b), (dW, db), (W_new, b_new) in zip(P, G, new):
        np.testing.assert_allclose(W_new, W - 0.1 * dW / (np.abs(dW) + 1e-8), rtol=1e-12)
        np.testing.assert_allclose(b_new, b - 0.1 * db / (np.abs(db) + 1e-8), rtol=1e-12)
    for (dW, db), (m_W, m_b), (v_W, v_b) in zip(G, state.first_moment, state.second_moment):
        np.testing.assert_array_equal(m_W, dW)
        np.testing.assert_array_equal(v_b, db * db)
    assert isinstance(state, AdamState) and state.step == 1


# --- The gradient checker ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "eps", "error", "message"),
    [
        ([1.0, 2.0], None, TypeError, r"^x must be a numpy array, got list$"),
        (np.array([1, 2]), None, TypeError, r"^x must have dtype float32 or float64, got int64$"),
        (np.ones(2), 0.0, ValueError, r"^eps must be > 0, got 0\.0$"),
        (np.ones(2), "1e-3", TypeError, r"^eps must be a real number, got str$"),
        (np.ones(2), np.inf, ValueError, r"^eps must be finite, got inf$"),
        (np.array([3.0]), 1e-17, ValueError, r"^eps=1e-17 is too small: x ± eps rounds back to x\[0\]="),
    ],
)
def test_numerical_gradient_names_its_arguments(x, eps, error, message):
    with pytest.raises(error, match=message):
        numerical_gradient(lambda v: float(v.sum()), x, eps=eps)


def test_numerical_gradient_names_a_non_finite_value_of_f():
    with pytest.raises(ValueError, match=r"^f returned inf at a perturbed point; it must return finite numbers$"):
        numerical_gradient(lambda v: float("inf"), np.ones(2))


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        ([1.0, 2.0], [1.0], r"^a and b must have the same shape, got \(2,\) and \(1,\)$"),
        ([], [], r"^a must not be empty$"),
        ([np.inf], [1.0], r"^a must contain only finite values \(no NaN or inf\)$"),
        ([1.0], [np.nan], r"^b must contain only finite values \(no NaN or inf\)$"),
    ],
)
def test_relative_error_names_its_arguments(a, b, message):
    with pytest.raises(ValueError, match=message):
        relative_error(a, b)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"directions": 0}, ValueError, r"^directions must be >= 1, got 0$"),
        ({"directions": 2.0}, TypeError, r"^directions must be an integer, got float$"),
        ({"seed": -1}, ValueError, r"^seed must be >= 0, got -1$"),
        ({"seed": "0"}, TypeError, r"^seed must be an integer, got str$"),
        ({"threshold": 0.0}, ValueError, r"^threshold must be > 0, got 0\.0$"),
        ({"threshold": "1e-7"}, TypeError, r"^threshold must be a real number, got str$"),
        (
            {"gradient_fn": lambda *args, **kwargs: G[:1]},
            ValueError,
            r"^the result of gradient_fn must have 2 layers like params, got 1$",
        ),
        (
            {"gradient_fn": lambda *args, **kwargs: G[0]},
            TypeError,
            r"^the result of gradient_fn must be a non-empty list of Layer\(W, b\), got Layer$",
        ),
    ],
)
def test_check_gradients_names_its_options(kwargs, error, message):
    with pytest.raises(error, match=message):
        check_gradients(P, X, Y, **kwargs)
