"""What the sweeps measure, one frozen record per network: :class:`SweepRecord` per ``λ``, :class:`SizeRecord` per ``m``."""

from __future__ import annotations

import dataclasses
from typing import Any

from l2book._checks import nonempty_sequence


@dataclasses.dataclass(frozen=True)
class SweepRecord:
    """What :func:`lambda_sweep` measures for one ``λ``.

    The field names are those of ``python -m l2book sweep --json``.

    Attributes
    ----------
    lam : float
        The regularization strength ``λ``.
    train_accuracy, test_accuracy : float
        Fraction of training / test examples classified correctly.
    weight_norm : float
        ``sqrt(Σ_l ‖W^[l]‖_F²)`` of the trained network.
    linear_fraction : float
        Fraction of hidden pre-activations (over the test inputs) inside tanh's
        linear region ``|z| ≤`` :data:`LINEAR_BOUND`.
    linear_fit_r2 : float
        R² of the best affine function of the inputs fitted to the output
        logits over the test inputs; 1 means the network computes an affine map.
    active_units : int
        Hidden units whose output still varies with the input (:data:`ACTIVE_STD`).
    hidden_units : int
        Number of hidden units in the network.

    See Also
    --------
    lambda_sweep : makes one per ``λ``.
    format_table : prints them.

    Examples
    --------
    >>> record = SweepRecord(0.3, 0.85, 0.856, 5.06, 0.61, 0.918, 30, 30)
    >>> record.as_dict()["test_accuracy"]
    0.856
    """

    lam: float
    train_accuracy: float
    test_accuracy: float
    weight_norm: float
    linear_fraction: float
    linear_fit_r2: float
    active_units: int
    hidden_units: int

    def as_dict(self) -> dict[str, Any]:
        """Return the record as a dict with the field names as keys (what ``sweep --json`` prints)."""
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class SizeRecord:
    """What :func:`size_sweep` measures for one training-set size ``m``.

    Attributes
    ----------
    m : int
        Number of training examples.
    train_accuracy, test_accuracy : float
        Fraction of training / test examples classified correctly, at ``λ = 0``.

    Examples
    --------
    >>> SizeRecord(m=25, train_accuracy=1.0, test_accuracy=0.71).m
    25
    """

    m: int
    train_accuracy: float
    test_accuracy: float


def checked_records(records: Any) -> list[SweepRecord]:
    """Return ``records`` as a list if it is a non-empty sequence of :class:`SweepRecord`."""
    records = nonempty_sequence("records", records, "SweepRecord")
    for index, record in enumerate(records):
        if not isinstance(record, SweepRecord):
            raise TypeError(f"records[{index}] must be a SweepRecord, got {type(record).__name__}")
    return records
