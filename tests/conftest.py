"""Shared test set-up: strict floating point, a reproducible Hypothesis profile, small problems."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from l2book import Layer, init_params

# An overflow or invalid operation inside the library must fail a test, not pass as inf/NaN.
# Underflow to 0 is how a stable sigmoid of a very negative logit is meant to end.
np.seterr(all="raise", under="ignore")

# "ci" is derandomized: the same examples every run, so CI is reproducible.
settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def random_problem(dims, m, *, seed=0, dtype=np.float64, labels="binary"):
    """Parameters with random biases (no ReLU kink at exactly 0), inputs and targets."""
    rng = np.random.default_rng(seed)
    params = [
        Layer(W, rng.standard_normal(b.shape).astype(dtype)) for W, b in init_params(dims, seed=seed, dtype=dtype)
    ]
    X = rng.standard_normal((dims[0], m)).astype(dtype)
    if labels == "binary":
        Y = rng.integers(0, 2, (dims[-1], m)).astype(dtype)
    else:
        Y = rng.standard_normal((dims[-1], m)).astype(dtype)
    return params, X, Y


@pytest.fixture
def problem():
    """A 3-layer tanh network, 7 examples, binary labels."""
    return random_problem([3, 5, 4, 2], 7, seed=1)
