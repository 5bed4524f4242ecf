"""fit validates its arguments once and then trusts them: the same numbers, bit for bit, as the checked public path."""

import numpy as np
import pytest

from l2book import gradients, init_params, weight_decay_step
from l2book.experiments import fit, two_moons


def checked_training(X, Y, lam, hidden, activation, steps, lr, seed):
    """Training as fit's docstring describes it, through the public, validating functions at every step."""
    params = init_params([X.shape[0], *hidden, 1], seed=seed)
    for _ in range(steps):
        params = weight_decay_step(params, gradients(params, X, Y, 0.0, activation=activation), lr, lam, X.shape[1])
    return params


@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
# At λ = 2.5 (and m = 25), (lr·λ)/m and lr·(λ/m) round apart: a reordered decay shows.
@pytest.mark.parametrize(("lam", "lr"), [(0.0, 0.7), (2.5, 0.7)])
def test_fit_equals_the_checked_path_bit_for_bit(activation, lam, lr):
    X, Y = two_moons(25, seed=3)
    expected = checked_training(X, Y, lam, (5, 4), activation, steps=40, lr=lr, seed=1)
    fitted = fit(X, Y, lam, hidden=(5, 4), activation=activation, steps=40, lr=lr, seed=1)
    assert len(fitted) == len(expected) == 3
    for mine, theirs in zip(fitted, expected):
        assert mine.W.dtype == theirs.W.dtype and np.array_equal(mine.W, theirs.W)
        assert mine.b.dtype == theirs.b.dtype and np.array_equal(mine.b, theirs.b)


@pytest.mark.parametrize(
    ("bad_Y", "message"),
    [
        (lambda Y: Y[:, :-1], r"Y must have shape \(1, 12\)"),
        (lambda Y: Y + 1.0, r"Y must hold labels in \[0, 1\]"),
        (lambda Y: Y.astype(np.float32), "Y"),
    ],
    ids=["shape", "labels", "dtype"],
)
def test_fit_still_refuses_bad_labels_by_name(bad_Y, message):
    X, Y = two_moons(12, seed=0)
    with pytest.raises((TypeError, ValueError), match=message):
        fit(X, bad_Y(Y), 0.0, hidden=(3,), steps=1)
