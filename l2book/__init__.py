"""l2book: L2-regularized gradients for a small neural network, each one checked three ways.

The numeric API needs only NumPy. The SymPy derivations live in
:mod:`l2book.symbolic`, imported on first use, so ``import l2book`` stays light.

Examples
--------
>>> import numpy as np
>>> import l2book
>>> params = l2book.init_params([2, 3, 1], seed=0)
>>> X, Y = np.ones((2, 4)), np.ones((1, 4))
>>> grads = l2book.gradients(params, X, Y, lam=0.1)
>>> [g.W.shape for g in grads]
[(3, 2), (1, 3)]
"""

from __future__ import annotations

import importlib
from typing import Any

from l2book.gradcheck import GradientCheck, check_gradients, numerical_gradient, relative_error
from l2book.layer import Layer
from l2book.network import cost, forward, gradients, init_params
from l2book.optim import AdamState, adam_init, adam_step, adamw_step, sgd_step, weight_decay_step
from l2book.penalty import l2_penalty, l2_penalty_grad

__all__ = [
    "AdamState",
    "GradientCheck",
    "Layer",
    "adam_init",
    "adam_step",
    "adamw_step",
    "check_gradients",
    "cost",
    "forward",
    "gradients",
    "init_params",
    "l2_penalty",
    "l2_penalty_grad",
    "numerical_gradient",
    "relative_error",
    "sgd_step",
    "weight_decay_step",
]

__version__ = "0.1.0"

# Submodules that pull in heavy dependencies load on first attribute access.
_LAZY_SUBMODULES = ("symbolic", "experiments", "conventions", "plots")


def __getattr__(name: str) -> Any:
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"l2book.{name}")
    raise AttributeError(f"module 'l2book' has no attribute {name!r}")
