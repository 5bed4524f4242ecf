"""l2book.experiments.bias_variance: the true probability, the exact split of the error, the experiment, the table."""

import dataclasses

import numpy as np
import pytest

from l2book.experiments import (
    BiasVarianceRecord,
    Setup,
    bayes_probability,
    bias_variance_sweep,
    decompose,
    format_bias_variance,
    two_moons,
)
from l2book.experiments import training
from l2book.network import forward

SMALL = Setup(m_train=20, m_test=200, steps=100)


def random_case(sets=7, points=50, seed=0):
    rng = np.random.default_rng(seed)
    predictions = rng.random((sets, points))
    bayes = rng.random(points)
    labels = (rng.random(points) < bayes).astype(np.float64)
    return predictions, bayes, labels


# --- the true probability p* -----------------------------------------------------------------------


def test_bayes_probability_turns_into_its_complement_under_the_point_reflection_that_swaps_the_moons():
    # The lower arc is the upper one reflected through the distribution's mean, which standardizing sends to 0.
    X, _ = two_moons(300, seed=4)
    assert bayes_probability(-X) == pytest.approx(1.0 - bayes_probability(X), abs=1e-12)


def test_bayes_probability_is_calibrated_on_a_large_sample():
    X, Y = two_moons(40_000, seed=5)
    p = bayes_probability(X)
    for low in np.arange(0.0, 1.0, 0.2):
        inside = (p >= low) & (p < low + 0.2)
        assert Y[0, inside].mean() == pytest.approx(p[inside].mean(), abs=0.015), low


def test_bayes_probability_beats_every_trained_network_on_its_own_squared_error():
    X, Y = two_moons(4000, seed=6)
    p = bayes_probability(X)
    network = forward(training.train(SMALL, 0.0), X)[0]
    assert np.mean((p - Y[0]) ** 2) < np.mean((network - Y[0]) ** 2)


def test_bayes_probability_without_much_noise_is_certain_on_the_arcs():
    t = np.linspace(0.3, np.pi - 0.3, 5)
    raw = np.stack([np.cos(t), np.sin(t)])  # on the upper arc: class 0
    X = (raw - np.array([[0.5], [0.25]])) / np.sqrt(np.array([[0.75], [9 / 16 - 1 / np.pi]]) + 0.05**2)
    assert bayes_probability(X, noise=0.05).max() < 1e-6


@pytest.mark.parametrize(
    ("X", "noise", "error", "name"),
    [
        (np.zeros((3, 2)), 0.4, ValueError, "X"),
        (np.zeros(2), 0.4, ValueError, "X"),
        ([[0.0], [0.0]], 0.4, TypeError, "X"),
        (np.zeros((2, 1)), 0.0, ValueError, "noise"),
        (np.zeros((2, 1)), "0.4", TypeError, "noise"),
    ],
)
def test_bayes_probability_rejects_bad_arguments_by_name(X, noise, error, name):
    with pytest.raises(error, match=name):
        bayes_probability(X, noise=noise)


# --- the split ------------------------------------------------------------------------------------------


def test_bias_squared_plus_variance_plus_noise_is_the_expected_error():
    for seed in range(5):
        predictions, bayes, labels = random_case(seed=seed)
        record = decompose(0.1, predictions, bayes, labels)
        expected = np.mean((predictions - bayes) ** 2 + bayes * (1 - bayes))
        assert record.expected_error == pytest.approx(expected, rel=1e-14)
        assert record.bias_squared + record.variance + record.noise == pytest.approx(record.expected_error, rel=1e-14)


def test_the_measured_error_uses_the_labels_and_the_expected_one_does_not():
    predictions, bayes, labels = random_case()
    record = decompose(0.0, predictions, bayes, labels)
    assert record.test_error == pytest.approx(np.mean((predictions - labels) ** 2), rel=1e-14)
    flipped = decompose(0.0, predictions, bayes, 1.0 - labels)
    assert flipped.expected_error == record.expected_error
    assert flipped.test_error != record.test_error


def test_identical_training_sets_have_no_variance_and_all_of_the_error_is_bias_and_noise():
    # The same training set every time: the same network, the same predictions.
    data = SMALL.data()
    network = forward(training.train(SMALL, 0.0), data.X_test)
    predictions = np.vstack([network] * 5)
    bayes = bayes_probability(data.X_test)
    record = decompose(0.0, predictions, bayes, data.Y_test[0])
    assert record.variance < 1e-30  # zero up to the rounding of the mean of five equal numbers
    assert record.bias_squared == pytest.approx(np.mean((network[0] - bayes) ** 2), rel=1e-14)


def test_the_bias_estimate_does_not_count_the_spread_of_the_mean_as_bias():
    # Unbiased predictions with a known spread: the naive (p̄ − p*)² would be variance/sets on average.
    rng = np.random.default_rng(1)
    sets, points = 4, 20_000
    bayes = np.full(points, 0.5)
    predictions = 0.5 + rng.choice([-0.1, 0.1], size=(sets, points))
    record = decompose(0.0, predictions, bayes, np.zeros(points))
    naive = float(np.mean((predictions.mean(axis=0) - bayes) ** 2))
    assert naive == pytest.approx(0.01 / sets, rel=0.05)
    assert abs(record.bias_squared) < 3e-4
    assert record.variance == pytest.approx(0.01, rel=0.02)


def test_decompose_does_not_modify_its_inputs():
    predictions, bayes, labels = random_case()
    copies = [a.copy() for a in (predictions, bayes, labels)]
    decompose(0.0, predictions, bayes, labels)
    assert all(np.array_equal(a, b) for a, b in zip((predictions, bayes, labels), copies, strict=True))


@pytest.mark.parametrize(
    ("change", "error", "name"),
    [
        ({"lam": -1.0}, ValueError, "lam"),
        ({"predictions": np.full((3, 50), 1.5)}, ValueError, "predictions"),
        ({"predictions": np.full((1, 50), 0.5)}, ValueError, "at least 2"),
        ({"predictions": np.full(50, 0.5)}, ValueError, "predictions"),
        ({"predictions": [[0.5] * 50] * 3}, TypeError, "predictions"),
        ({"bayes": np.full(49, 0.5)}, ValueError, "bayes"),
        ({"bayes": np.full(50, -0.1)}, ValueError, "bayes"),
        ({"labels": np.full(50, 0.5)}, ValueError, "labels"),
        ({"labels": np.zeros(51)}, ValueError, "labels"),
    ],
)
def test_decompose_rejects_bad_arguments_by_name(change, error, name):
    predictions, bayes, labels = random_case()
    arguments = {"lam": 0.0, "predictions": predictions, "bayes": bayes, "labels": labels, **change}
    with pytest.raises(error, match=name):
        decompose(**arguments)


# --- the experiment -----------------------------------------------------------------------------------


def test_bias_variance_is_deterministic_when_every_network_is_trained_again(monkeypatch):
    first = bias_variance_sweep((0.0, 1.0), SMALL, sets=3)
    monkeypatch.setattr(training, "_MEMO", {})
    assert bias_variance_sweep((0.0, 1.0), SMALL, sets=3) == first


def test_bias_variance_trains_setup_k_on_the_seed_plus_k_and_tests_on_setups_test_set():
    records = bias_variance_sweep((1.0,), SMALL, sets=3)
    data = SMALL.data()
    predictions = np.vstack(
        [forward(training.train(dataclasses.replace(SMALL, seed=k), 1.0), data.X_test) for k in range(3)]
    )
    assert records == [decompose(1.0, predictions, bayes_probability(data.X_test), data.Y_test[0])]


def test_more_lambda_means_less_variance_and_more_bias_on_a_small_problem():
    plain, strong = bias_variance_sweep((0.0, 10.0), SMALL, sets=4)
    assert strong.variance < plain.variance
    assert strong.bias_squared > plain.bias_squared


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"lams": ()}, TypeError, "lams"),
        ({"lams": (-1.0,)}, ValueError, "lams"),
        ({"lams": (1000.0,)}, ValueError, "lams"),
        ({"sets": 1}, ValueError, "sets"),
        ({"sets": 2.0}, TypeError, "sets"),
        ({"setup": "default"}, TypeError, "setup"),
    ],
)
def test_bias_variance_rejects_bad_arguments_by_name(kwargs, error, name):
    arguments = {"lams": (0.0,), "setup": SMALL, "sets": 2, **kwargs}
    with pytest.raises(error, match=name):
        bias_variance_sweep(arguments.pop("lams"), arguments.pop("setup"), **arguments)


# --- the table ------------------------------------------------------------------------------------------


def test_the_table_prints_the_sum_of_the_three_terms_and_the_measured_error():
    record = BiasVarianceRecord(3.0, 20, 0.02, 0.003, 0.099, 0.122, 0.1234)
    header, row = format_bias_variance([record]).splitlines()
    assert header.split() == ["lam", "sets", "bias²", "variance", "noise", "bias²+var+noise", "test", "error"]
    assert row.split() == ["3", "20", "0.0200", "0.0030", "0.0990", "0.1220", "0.1234"]


@pytest.mark.parametrize(("records", "error"), [([], TypeError), ([("0.0", 1)], TypeError), ("table", TypeError)])
def test_the_table_rejects_anything_but_records(records, error):
    with pytest.raises(error, match="records"):
        format_bias_variance(records)
