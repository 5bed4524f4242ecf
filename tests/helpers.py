"""Helpers shared by the test modules: small random problems, a quiet HTTP handler for the built site."""

from __future__ import annotations

import http.server

import numpy as np

from l2book import Layer, init_params


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


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site without logging every request to stderr."""

    def log_message(self, format: str, *args) -> None:
        pass
