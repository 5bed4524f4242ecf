"""SymPy derivations of the results the book displays, each as an expression and as LaTeX.

Imported lazily (``l2book.symbolic`` on first use): the numeric API never pays
for SymPy. Nothing here imports the numeric modules except to hand results
back as :class:`~l2book.Layer` lists for comparison.

One module per job: ``notation`` (the symbols, each defined once, and the
display types), ``registry`` (:data:`FORMULAS` and the :func:`formula`
decorator that registers a derivation where it is defined), ``derivations``
(chapters 2 to 5), ``network`` (the scalar network of chapter 6) and
``beyond`` (chapter 7). Every public name is exported here.
"""

from l2book.symbolic.beyond import (
    curvature_shrinkage,
    early_stopping_factor,
    early_stopping_fraction,
    early_stopping_lambda,
    gaussian_prior_map,
    prior_lambda,
    ridge_closed_form,
    ridge_gradient,
    ridge_solution,
    shrinkage_factor,
    value_at,
)
from l2book.symbolic.derivations import (
    adam_updates,
    affine_composition,
    penalty_gradient,
    regularized_cost,
    regularized_stationarity,
    rescaling_minimum,
    scaled_regularized_cost,
    tanh_small_weight_limit,
    tanh_taylor,
    weight_decay_identity,
    weight_decay_update,
)
from l2book.symbolic.network import SymbolicNetwork, symbolic_network
from l2book.symbolic.notation import Derivation, FrobeniusNorm, Minimum, alpha, lam, m, z
from l2book.symbolic.registry import FORMULAS, formula

__all__ = [
    "FORMULAS",
    "Derivation",
    "FrobeniusNorm",
    "Minimum",
    "SymbolicNetwork",
    "adam_updates",
    "affine_composition",
    "alpha",
    "curvature_shrinkage",
    "early_stopping_factor",
    "early_stopping_fraction",
    "early_stopping_lambda",
    "formula",
    "gaussian_prior_map",
    "lam",
    "m",
    "penalty_gradient",
    "prior_lambda",
    "regularized_cost",
    "regularized_stationarity",
    "rescaling_minimum",
    "ridge_closed_form",
    "ridge_gradient",
    "ridge_solution",
    "scaled_regularized_cost",
    "shrinkage_factor",
    "symbolic_network",
    "tanh_small_weight_limit",
    "tanh_taylor",
    "value_at",
    "weight_decay_identity",
    "weight_decay_update",
    "z",
]
