"""l2book.experiments: the data set, the training loop, the measurements and the sweeps behind chapters 1, 4 and 5."""

import dataclasses
import subprocess
import sys
from itertools import pairwise

import numpy as np
import pytest

from l2book import Layer, forward, gradients, init_params, weight_decay_step
from l2book.experiments import (
    LAMS,
    LINEAR_BOUND,
    LINEARITY_TOLERANCE,
    Setup,
    SweepRecord,
    accuracy,
    active_units,
    best_record,
    critical_lambda,
    evaluate,
    fit,
    format_table,
    hidden_preactivations,
    lambda_sweep,
    linear_fit_r2,
    linear_fraction,
    metrics,
    size_sweep,
    train,
    two_moons,
    weight_norm,
)

# Small enough to train in a few hundredths of a second, large enough to behave like the book's setup.
SMALL = Setup(m_train=40, m_test=300, steps=300)
FIELDS = [
    "lam", "train_accuracy", "test_accuracy", "weight_norm",
    "linear_fraction", "linear_fit_r2", "active_units", "hidden_units",
]  # fmt: skip


def one_unit(w, b, activation_weight=1.0):
    """The network x ↦ v·g(w·x + b) with one input and one hidden unit."""
    return [Layer(np.array([[w]]), np.array([[b]])), Layer(np.array([[activation_weight]]), np.array([[0.0]]))]


# --- the data set ---------------------------------------------------------------------------------


def test_two_moons_has_the_documented_shapes_and_labels():
    X, Y = two_moons(50, seed=3)
    assert X.shape == (2, 50) and Y.shape == (1, 50)
    assert X.dtype == Y.dtype == np.float64
    assert set(np.unique(Y)) == {0.0, 1.0}


def test_two_moons_is_deterministic_and_depends_on_the_seed():
    assert np.array_equal(two_moons(20, seed=1)[0], two_moons(20, seed=1)[0])
    assert not np.array_equal(two_moons(20, seed=1)[0], two_moons(20, seed=2)[0])


def test_smaller_sets_are_prefixes_of_larger_ones():
    X_small, Y_small = two_moons(30, seed=(4, 0))
    X_large, Y_large = two_moons(500, seed=(4, 0))
    assert np.array_equal(X_small, X_large[:, :30]) and np.array_equal(Y_small, Y_large[:, :30])


def test_two_moons_without_noise_lies_on_the_two_arcs():
    X, Y = two_moons(400, noise=0.0, seed=0)
    # Undo the standardization with the distribution's moments (mean (1/2, 1/4), variances 3/4, 9/16 − 1/π).
    x1 = X[0] * np.sqrt(0.75) + 0.5
    x2 = X[1] * np.sqrt(9 / 16 - 1 / np.pi) + 0.25
    upper, lower = Y[0] == 0, Y[0] == 1
    assert np.allclose(x1[upper] ** 2 + x2[upper] ** 2, 1.0)
    assert np.allclose((1 - x1[lower]) ** 2 + (0.5 - x2[lower]) ** 2, 1.0)
    assert (x2[upper] >= 0).all() and (x2[lower] <= 0.5).all()


def test_two_moons_is_standardized_by_the_distribution():
    X, _ = two_moons(200_000, noise=0.4, seed=7)
    assert np.allclose(X.mean(axis=1), 0.0, atol=0.01)
    assert np.allclose(X.var(axis=1), 1.0, atol=0.01)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"m": 0}, ValueError, "m"),
        ({"m": 2.5}, TypeError, "m"),
        ({"m": 5, "noise": -0.1}, ValueError, "noise"),
        ({"m": 5, "noise": float("nan")}, ValueError, "noise"),
        ({"m": 5, "seed": -1}, ValueError, "seed"),
        ({"m": 5, "seed": "zero"}, TypeError, "seed"),
    ],
)
def test_two_moons_rejects_bad_arguments_by_name(kwargs, error, name):
    m = kwargs.pop("m")
    with pytest.raises(error, match=name):
        two_moons(m, **kwargs)


def test_setup_data_uses_independent_streams_for_training_and_test():
    data = SMALL.data()
    assert data.X_train.shape == (2, 40) and data.X_test.shape == (2, 300)
    assert not np.array_equal(data.X_train, data.X_test[:, :40])


# --- Setup ----------------------------------------------------------------------------------------


def test_setup_is_hashable_and_accepts_a_list_of_widths():
    setup = Setup(hidden=[8, 4])
    assert setup.hidden == (8, 4) and setup.layer_dims == (2, 8, 4, 1)
    assert hash(setup) == hash(Setup(hidden=(8, 4)))


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("m_train", 0, ValueError),
        ("m_test", 3, ValueError),
        ("noise", -1.0, ValueError),
        ("hidden", (), TypeError),
        ("hidden", (4, 0), ValueError),
        ("hidden", "30", TypeError),
        ("activation", "sigmoid", ValueError),
        ("steps", 0, ValueError),
        ("steps", 10.0, TypeError),
        ("lr", 0.0, ValueError),
        ("seed", -2, ValueError),
    ],
)
def test_setup_rejects_bad_fields_by_name(field, value, error):
    with pytest.raises(error, match=field):
        Setup(**{field: value})


# --- training -------------------------------------------------------------------------------------


def test_fit_is_gradient_descent_with_weight_decay_through_the_public_api():
    X, Y = two_moons(30, seed=5)
    params = init_params([2, 6, 1], seed=2)
    for _ in range(25):
        params = weight_decay_step(params, gradients(params, X, Y, 0.0), 0.5, 3.0, 30)
    fitted = fit(X, Y, 3.0, hidden=(6,), steps=25, lr=0.5, seed=2)
    for mine, theirs in zip(params, fitted, strict=True):
        assert np.array_equal(mine.W, theirs.W) and np.array_equal(mine.b, theirs.b)


def test_fit_leaves_its_inputs_alone():
    X, Y = two_moons(30, seed=5)
    X_before, Y_before = X.copy(), Y.copy()
    fit(X, Y, 1.0, hidden=(4,), steps=10)
    assert np.array_equal(X, X_before) and np.array_equal(Y, Y_before)


def test_fit_refuses_a_decay_factor_outside_zero_one():
    X, Y = two_moons(30, seed=5)
    with pytest.raises(ValueError, match="lam"):
        fit(X, Y, 40.0, lr=0.75, steps=1)  # lr·λ/m = 1


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"hidden": (0,)}, ValueError, "hidden"),
        ({"hidden": 5}, TypeError, "hidden"),
        ({"steps": 0}, ValueError, "steps"),
        ({"lr": -1.0}, ValueError, "lr"),
        ({"activation": "step"}, ValueError, "activation"),
    ],
)
def test_fit_rejects_bad_arguments_by_name(kwargs, error, name):
    X, Y = two_moons(10, seed=0)
    with pytest.raises(error, match=name):
        fit(X, Y, 0.0, **kwargs)


@pytest.mark.parametrize("seed", [0, 1])
def test_unregularized_training_is_not_chaotic_so_rounding_changes_cannot_move_the_books_numbers(seed):
    """With the default step size, a 1e-12 nudge to the initial weights stays tiny after all the steps.

    With lr = 0.9 the run of seed 1 turns chaotic: the nudge grows to 3e-3 in the weight norm and
    moves the test accuracy by a point, so any change in how the library rounds would too.
    """
    setup = Setup(seed=seed)
    data = setup.data()
    finals = []
    for nudge in (0.0, 1e-12):
        params = [Layer(W * (1 + nudge), b) for W, b in init_params(setup.layer_dims, seed=seed)]
        for _ in range(setup.steps):
            data_grads = gradients(params, data.X_train, data.Y_train, 0.0)
            params = weight_decay_step(params, data_grads, setup.lr, 0.0, setup.m_train)
        finals.append(params)
    assert weight_norm(finals[1]) == pytest.approx(weight_norm(finals[0]), rel=1e-9)
    assert accuracy(finals[1], data.X_test, data.Y_test) == accuracy(finals[0], data.X_test, data.Y_test)


def test_train_returns_fresh_copies_of_a_memoised_result():
    first = train(SMALL, 0.5)
    first[0].W[:] = 0.0  # the caller's copy, not the memo
    again = train(SMALL, 0.5)
    assert not np.array_equal(again[0].W, first[0].W)
    assert again[0].W.flags.writeable


def test_train_gives_the_same_network_as_fit_on_the_setups_data():
    data = SMALL.data()
    fitted = fit(data.X_train, data.Y_train, 0.5, steps=SMALL.steps, lr=SMALL.lr, seed=SMALL.seed)
    assert all(np.array_equal(a.W, b.W) for a, b in zip(train(SMALL, 0.5), fitted, strict=True))


def test_train_rejects_what_is_not_a_setup():
    with pytest.raises(TypeError, match="setup"):
        train({"m_train": 10}, 0.0)


# --- measurements ---------------------------------------------------------------------------------


def test_accuracy_counts_positive_logits_as_class_one():
    params = [Layer(np.array([[1.0]]), np.array([[-0.5]]))]
    X = np.array([[0.0, 1.0, 2.0, 0.4]])
    assert accuracy(params, X, np.array([[0.0, 1.0, 1.0, 1.0]])) == 0.75


def test_accuracy_rejects_labels_of_the_wrong_shape():
    params = [Layer(np.array([[1.0]]), np.array([[0.0]]))]
    with pytest.raises(ValueError, match="Y"):
        accuracy(params, np.ones((1, 3)), np.ones((1, 4)))


def test_weight_norm_is_the_root_of_the_summed_squared_frobenius_norms_without_biases():
    params = init_params([2, 5, 3, 1], seed=1)
    params = [Layer(W, b + 7.0) for W, b in params]
    expected = np.sqrt(sum(np.linalg.norm(W, "fro") ** 2 for W, _ in params))
    assert weight_norm(params) == pytest.approx(expected, rel=1e-14)


def test_hidden_preactivations_follow_the_forward_pass():
    params = init_params([2, 4, 3, 1], seed=3)
    params = [Layer(W, np.full_like(b, 0.2)) for W, b in params]
    X, _ = two_moons(7, seed=1)
    Z1 = params[0].W @ X + params[0].b
    Z2 = params[1].W @ np.maximum(Z1, 0) + params[1].b
    got = hidden_preactivations(params, X, activation="relu")
    assert len(got) == 2 and np.allclose(got[0], Z1) and np.allclose(got[1], Z2)


def test_the_linear_bound_keeps_tanh_within_the_tolerance_of_z():
    assert LINEAR_BOUND == pytest.approx(np.sqrt(3 * LINEARITY_TOLERANCE))
    inside = np.linspace(1e-6, LINEAR_BOUND, 1000)
    assert np.all(1 - np.tanh(inside) / inside <= LINEARITY_TOLERANCE)


def test_linear_fraction_counts_pre_activations_inside_the_bound():
    params = one_unit(1.0, 0.0)
    X = np.array([[0.1, -0.3, LINEAR_BOUND, 0.5, -2.0]])
    assert linear_fraction(params, X) == 0.6
    assert linear_fraction(params, X, bound=1.0) == 0.8
    with pytest.raises(ValueError, match="bound"):
        linear_fraction(params, X, bound=0.0)


def test_linear_fit_r2_is_one_for_any_network_of_linear_units():
    params = init_params([2, 5, 4, 1], seed=8)
    params = [Layer(W, np.full_like(b, 0.3)) for W, b in params]
    X, _ = two_moons(50, seed=2)
    assert linear_fit_r2(params, X, activation="linear") == pytest.approx(1.0, abs=1e-12)


def test_linear_fit_r2_agrees_with_an_independent_computation():
    params = init_params([2, 6, 1], seed=4)
    params = [Layer(3 * W, b + 0.1) for W, b in params]  # large weights: clearly curved
    X, _ = two_moons(200, seed=6)
    logits = forward(params, X, output="identity")[0]
    # Normal equations with centred data: the affine least-squares fit, by a different route.
    Xc, yc = X - X.mean(axis=1, keepdims=True), logits - logits.mean()
    slope = np.linalg.solve(Xc @ Xc.T, Xc @ yc)
    expected = 1 - np.sum((yc - slope @ Xc) ** 2) / np.sum(yc**2)
    assert linear_fit_r2(params, X) == pytest.approx(expected, rel=1e-10)
    assert expected < 0.99


def test_linear_fit_r2_ignores_a_constant_added_to_the_output():
    params = init_params([2, 6, 1], seed=4)
    shifted = [params[0], Layer(params[1].W, params[1].b + 5.0)]
    X, _ = two_moons(100, seed=6)
    assert linear_fit_r2(shifted, X) == pytest.approx(linear_fit_r2(params, X), rel=1e-10)


def test_linear_fit_r2_of_a_constant_output_is_one():
    params = [Layer(np.zeros((3, 2)), np.full((3, 1), 0.7)), Layer(np.ones((1, 3)), np.array([[0.2]]))]
    X, _ = two_moons(20, seed=0)
    assert linear_fit_r2(params, X) == 1.0


def test_linear_fit_r2_needs_more_examples_than_coefficients():
    with pytest.raises(ValueError, match="X"):
        linear_fit_r2(one_unit(1.0, 0.0), np.array([[0.0, 1.0]]))


def test_active_units_counts_units_whose_output_varies():
    params = [
        Layer(np.array([[1.0], [0.0], [1e-6], [-1.0]]), np.array([[0.0], [0.8], [0.3], [-10.0]])),
        Layer(np.ones((1, 4)), np.zeros((1, 1))),
    ]
    X = np.linspace(-1.0, 1.0, 11)[np.newaxis, :]
    # Unit 0 varies; unit 1 outputs the constant tanh(0.8); unit 2 varies by ~1e-6; unit 3 sits in
    # tanh's flat tail (variation ~1e-9) and, as a ReLU, is never on.
    assert active_units(params, X) == 1
    assert active_units(params, X, threshold=1e-7) == 2
    assert active_units(params, X, activation="relu") == 1
    with pytest.raises(ValueError, match="threshold"):
        active_units(params, X, threshold=-1.0)


def test_measurements_leave_the_network_and_data_alone():
    params = train(SMALL, 0.3)
    data = SMALL.data()
    before = [(W.copy(), b.copy()) for W, b in params]
    X_before = data.X_test.copy()
    evaluate(params, data, 0.3)
    assert all(np.array_equal(W, W0) and np.array_equal(b, b0) for (W, b), (W0, b0) in zip(params, before, strict=True))
    assert np.array_equal(data.X_test, X_before)


def test_evaluate_runs_each_set_forward_once(monkeypatch):
    forward_pass, inputs = metrics._forward_pass, []

    def counted(params, X, activation, **options):
        inputs.append(X)
        return forward_pass(params, X, activation, **options)

    monkeypatch.setattr(metrics, "_forward_pass", counted)
    data = SMALL.data()
    evaluate(train(SMALL, 0.3), data, 0.3)
    assert [sum(X is each for X in inputs) for each in (data.X_train, data.X_test)] == [1, 1]
    assert len(inputs) == 2


# --- the critical λ ---------------------------------------------------------------------------------


def test_critical_lambda_by_hand():
    X = np.array([[-1.0, 1.0, -1.0, 1.0], [0.0, 0.0, 1.0, -1.0]])
    Y = np.array([[0.0, 1.0, 0.0, 1.0]])
    assert critical_lambda(X, Y) == pytest.approx(np.sqrt(5.0))


def test_critical_lambda_is_where_zero_weights_stop_being_a_saddle():
    """The Hessian of J_reg at W = 0 (hidden biases 0, output bias optimal) has smallest eigenvalue (λ − λ*)/m."""
    X, Y = two_moons(30, seed=9)
    m, hidden = 30, 3
    lam_star = critical_lambda(X, Y)
    y_bar = float(Y.mean())
    b_out = np.log(y_bar / (1 - y_bar))
    shapes = [(hidden, 2), (1, hidden)]
    sizes = [hidden * 2, hidden]

    def grad_of_weights(theta, lam):
        W1 = theta[: sizes[0]].reshape(shapes[0])
        W2 = theta[sizes[0] :].reshape(shapes[1])
        params = [Layer(W1, np.zeros((hidden, 1))), Layer(W2, np.array([[b_out]]))]
        g1, g2 = gradients(params, X, Y, lam)
        return np.concatenate([g1.W.ravel(), g2.W.ravel()])

    for lam in (0.5 * lam_star, 2.0 * lam_star):
        h = 1e-6
        identity = np.eye(sum(sizes))
        hessian = np.stack([(grad_of_weights(h * e, lam) - grad_of_weights(-h * e, lam)) / (2 * h) for e in identity])
        smallest = np.linalg.eigvalsh((hessian + hessian.T) / 2)[0]
        assert smallest == pytest.approx((lam - lam_star) / m, rel=1e-5)


def test_training_above_the_critical_lambda_kills_every_tanh_unit_and_below_keeps_them():
    setup = Setup(m_train=40, m_test=300, steps=2000)
    data = setup.data()
    lam_star = critical_lambda(data.X_train, data.Y_train)
    below, above = lambda_sweep((0.7 * lam_star, 1.3 * lam_star), setup)
    assert below.active_units == setup.hidden[0] and above.active_units == 0


def test_critical_lambda_rejects_bad_labels():
    with pytest.raises(ValueError, match="Y"):
        critical_lambda(np.ones((2, 3)), np.array([[0.0, 2.0, 1.0]]))
    with pytest.raises(ValueError, match="Y"):
        critical_lambda(np.ones((2, 3)), np.ones((1, 4)))


# --- sweeps -----------------------------------------------------------------------------------------


def test_sweep_records_have_exactly_the_documented_fields():
    assert [field.name for field in dataclasses.fields(SweepRecord)] == FIELDS
    record = lambda_sweep((0.0,), SMALL)[0]
    assert list(record.as_dict()) == FIELDS
    assert isinstance(record.active_units, int) and isinstance(record.weight_norm, float)


def test_lambda_sweep_follows_the_order_of_lams_and_matches_evaluate():
    records = lambda_sweep((1.0, 0.0), SMALL)
    assert [r.lam for r in records] == [1.0, 0.0]
    assert records[0] == evaluate(train(SMALL, 1.0), SMALL.data(), 1.0)


def test_progress_is_reported_only_for_networks_that_are_trained(fresh_process):
    setup = dataclasses.replace(SMALL, seed=11)
    messages = []
    lambda_sweep((0.0, 2.0), setup, progress=messages.append)
    assert len(messages) == 2 and "2/2" in messages[1]
    lambda_sweep((0.0, 2.0), setup, progress=messages.append)
    assert len(messages) == 2


@pytest.mark.parametrize(
    ("lams", "error", "name"),
    [
        ((), TypeError, "lams"),
        (0.5, TypeError, "lams"),
        ((0.0, -1.0), ValueError, r"lams\[1\]"),
        ((0.0, 100.0), ValueError, r"lams\[1\]"),  # lr·λ/m_train = 0.9·100/40 > 1
        ((0.0, "1"), TypeError, r"lams\[1\]"),
    ],
)
def test_lambda_sweep_rejects_bad_lams_by_name(lams, error, name):
    with pytest.raises(error, match=name):
        lambda_sweep(lams, SMALL)


def test_size_sweep_trains_at_lambda_zero_on_nested_sets():
    records = size_sweep((10, 40), SMALL)
    assert [r.m for r in records] == [10, 40]
    small = dataclasses.replace(SMALL, m_train=10)
    data = small.data()
    assert records[0].train_accuracy == accuracy(train(small, 0.0), data.X_train, data.Y_train)
    with pytest.raises(ValueError, match=r"sizes\[1\]"):
        size_sweep((10, 0), SMALL)


def test_best_record_prefers_test_accuracy_then_the_smaller_lambda():
    records = [SweepRecord(lam, 1.0, acc, 1.0, 0.5, 0.9, 3, 3) for lam, acc in ((0.0, 0.7), (1.0, 0.8), (3.0, 0.8))]
    assert best_record(records).lam == 1.0


@pytest.mark.parametrize("function", [best_record, format_table])
def test_record_functions_reject_what_is_not_a_list_of_records(function):
    with pytest.raises(TypeError, match="records"):
        function([])
    with pytest.raises(TypeError, match=r"records\[1\]"):
        function([SweepRecord(0.0, 1.0, 1.0, 1.0, 0.5, 0.9, 3, 3), {"lam": 1.0}])


def test_evaluate_rejects_data_that_is_not_a_dataset():
    with pytest.raises(TypeError, match="data"):
        evaluate(train(SMALL, 0.0), (1, 2, 3, 4), 0.0)


def test_format_table_has_a_header_of_field_names_and_a_row_per_record():
    records = [SweepRecord(lam, 0.9, 0.8, 1.5, 0.5, 0.95, 20, 30) for lam in (0.0, 0.3, 100.0)]
    lines = format_table(records).splitlines()
    assert lines[0].split() == FIELDS[:-2] + ["active_units"]
    assert len(lines) == 4 and lines[3].split()[0] == "100" and lines[3].endswith("20/30")


def test_the_default_sweep_shows_what_the_book_claims():
    records = lambda_sweep()
    assert [r.lam for r in records] == list(LAMS)
    plain, best = records[0], best_record(records)
    assert plain.train_accuracy - plain.test_accuracy > 0.08  # overfitting without regularization
    assert best.test_accuracy > plain.test_accuracy + 0.02
    norms = [r.weight_norm for r in records]
    assert all(a > b for a, b in pairwise(norms))
    for field in ("linear_fraction", "linear_fit_r2"):
        values = [getattr(r, field) for r in records]
        assert all(a <= b for a, b in pairwise(values)), field
    assert records[-2].linear_fit_r2 > 0.999 and records[-1].linear_fit_r2 == 1.0
    assert records[0].active_units == records[0].hidden_units == 30 and records[-1].active_units == 0


def test_the_default_size_sweep_closes_the_gap():
    records = size_sweep()
    gaps = [r.train_accuracy - r.test_accuracy for r in records]
    assert records[-1].test_accuracy > records[0].test_accuracy + 0.1
    assert gaps[0] > 0.2 and gaps[-1] < 0.05


def test_importing_the_experiments_does_not_import_matplotlib():
    code = "import sys, l2book.experiments; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
