"""The experiments behind chapters 1, 4 and 5: a noisy two-moons data set, full-batch training, λ and m sweeps.

A :class:`Setup` names one experiment (data set, network, training); :func:`train`
trains its network at one ``λ`` through the public API (:func:`~l2book.gradients`
with ``lam=0`` and :func:`~l2book.weight_decay_step`), full batch, deterministic
for the seed. :func:`lambda_sweep` measures one :class:`SweepRecord` per ``λ``
and :func:`size_sweep` one :class:`SizeRecord` per training-set size.

One module per job: ``data`` (the two moons), ``setup`` (an experiment's
settings), ``training`` (the training loop and its memo), ``cache`` (the memo's disk
cache, keyed by the training code), ``metrics`` (what a
trained network does), ``records`` and ``sweeps`` (one network per ``λ`` or per
``m``), ``theory`` (the critical ``λ`` of chapter 5), ``report`` (the text
table), ``bias_variance`` (chapter 1's many training sets) and ``step_size``
(chapter 6's finite-difference steps). Every public name is exported here.

Only NumPy (and joblib, for the disk cache) is needed here; the figures are drawn by :mod:`l2book.plots`.

Examples
--------
>>> setup = Setup(m_train=20, m_test=200, steps=200)
>>> [record.active_units for record in lambda_sweep((0.0, 10.0), setup)]
[30, 0]
"""

from l2book.experiments.bias_variance import (
    BIAS_VARIANCE_LAMS,
    BIAS_VARIANCE_SETS,
    BIAS_VARIANCE_SETUP,
    BiasVarianceRecord,
    bayes_probability,
    bias_variance_sweep,
    decompose,
    format_bias_variance,
)
from l2book.experiments.data import Dataset, two_moons
from l2book.experiments.metrics import (
    ACTIVE_STD,
    CONSTANT_SPREAD,
    LINEAR_BOUND,
    LINEARITY_TOLERANCE,
    accuracy,
    active_units,
    evaluate,
    hidden_preactivations,
    linear_fit_r2,
    linear_fraction,
    weight_norm,
)
from l2book.experiments.records import SizeRecord, SweepRecord
from l2book.experiments.report import format_table
from l2book.experiments.setup import Setup
from l2book.experiments.step_size import (
    STEP_NETWORKS,
    STEP_SIZES,
    StepSizeCurve,
    first_layer_error,
    step_size_curve,
    step_size_problem,
)
from l2book.experiments.sweeps import LAMS, SIZES, best_record, lambda_sweep, size_sweep
from l2book.experiments.theory import critical_lambda
from l2book.experiments.training import fit, train

__all__ = [
    "ACTIVE_STD",
    "BIAS_VARIANCE_LAMS",
    "BIAS_VARIANCE_SETS",
    "BIAS_VARIANCE_SETUP",
    "CONSTANT_SPREAD",
    "LAMS",
    "LINEARITY_TOLERANCE",
    "LINEAR_BOUND",
    "SIZES",
    "STEP_NETWORKS",
    "STEP_SIZES",
    "BiasVarianceRecord",
    "Dataset",
    "Setup",
    "SizeRecord",
    "StepSizeCurve",
    "SweepRecord",
    "accuracy",
    "active_units",
    "bayes_probability",
    "best_record",
    "bias_variance_sweep",
    "critical_lambda",
    "decompose",
    "evaluate",
    "first_layer_error",
    "fit",
    "format_bias_variance",
    "format_table",
    "hidden_preactivations",
    "lambda_sweep",
    "linear_fit_r2",
    "linear_fraction",
    "size_sweep",
    "step_size_curve",
    "step_size_problem",
    "train",
    "two_moons",
    "weight_norm",
]
