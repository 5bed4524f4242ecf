"""The sweeps of chapters 1, 4 and 5: one network per ``λ``, or one per training-set size."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from typing import Any

from l2book._checks import example_count, nonempty_sequence, nonnegative
from l2book.experiments.metrics import evaluate, unchecked_accuracies
from l2book.experiments.records import SizeRecord, SweepRecord, checked_records
from l2book.experiments.setup import Setup, checked_setup
from l2book.experiments.training import memoised_fit

LAMS = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
"""The λ grid of the book: λ = 0, then half-decades from 0.01 to 100."""

SIZES = (25, 50, 100, 200, 400, 800)
"""Training-set sizes of the "more data" sweep (each set contains the previous one)."""


def lambda_sweep(
    lams: Sequence[float] = LAMS, setup: Setup | None = None, *, progress: Callable[[str], None] | None = None
) -> list[SweepRecord]:
    """Train one network per ``λ`` and return what each one does: one :class:`SweepRecord` per ``λ``.

    Every network starts from the same initial weights and sees the same data;
    only ``λ`` differs.

    Parameters
    ----------
    lams : sequence of float, default LAMS
        The values of ``λ``, each ``≥ 0`` with ``lr·λ/m_train < 1``; :data:`LAMS` is the book's grid.
    setup : Setup, optional
        The experiment; the book's default ``Setup()`` if omitted.
    progress : callable, optional
        Called with a short message before each network that must be trained.

    Returns
    -------
    list of SweepRecord
        In the order of ``lams``.

    See Also
    --------
    size_sweep : the other cure, more data.
    format_table : the records as a table.
    Chapter [1, Overfitting and its two cures](01-overfitting.md)

    Examples
    --------
    >>> setup = Setup(m_train=20, m_test=200, steps=200)
    >>> records = lambda_sweep((0.0, 1.0, 10.0), setup)
    >>> [(round(record.weight_norm, 2), record.active_units) for record in records]
    [(7.87, 30), (2.13, 30), (0.0, 0)]
    """
    setup = checked_setup(setup)
    lams = _lams(lams, setup)
    data = setup.data()
    records = []
    for index, lam in enumerate(lams):
        announce = _announcer(progress, f"training {index + 1}/{len(lams)}: {setup.activation}, lambda = {lam:g}")
        params = list(memoised_fit(setup, lam, on_training=announce))
        records.append(evaluate(params, data, lam, activation=setup.activation))
    return records


def size_sweep(
    sizes: Sequence[int] = SIZES, setup: Setup | None = None, *, progress: Callable[[str], None] | None = None
) -> list[SizeRecord]:
    """Train at ``λ = 0`` on training sets of each size ``m`` and return their accuracies.

    The training sets nest (see :func:`two_moons`) and the test set is always
    the one of ``setup``: only the amount of training data changes.

    Parameters
    ----------
    sizes : sequence of int, default SIZES
        Training-set sizes, each ``≥ 1``; :data:`SIZES` are the book's.
    setup : Setup, optional
        The experiment whose ``m_train`` is replaced by each size.
    progress : callable, optional
        Called with a short message before each network that must be trained.

    Returns
    -------
    list of SizeRecord
        In the order of ``sizes``.

    See Also
    --------
    lambda_sweep : the other cure, L2 regularization.
    Chapter [1, Overfitting and its two cures](01-overfitting.md)

    Examples
    --------
    >>> records = size_sweep((10, 40), Setup(m_test=200, steps=200))
    >>> [record.m for record in records]
    [10, 40]
    """
    setup = checked_setup(setup)
    sizes = [
        example_count(f"sizes[{index}]", m)
        for index, m in enumerate(nonempty_sequence("sizes", sizes, "training-set sizes"))
    ]
    records = []
    for index, m in enumerate(sizes):
        sized = dataclasses.replace(setup, m_train=m)
        announce = _announcer(progress, f"training {index + 1}/{len(sizes)}: m = {m}")
        params = memoised_fit(sized, 0.0, on_training=announce)
        train_accuracy, test_accuracy = unchecked_accuracies(params, sized.data(), setup.activation)
        records.append(SizeRecord(m=m, train_accuracy=train_accuracy, test_accuracy=test_accuracy))
    return records


def best_record(records: Sequence[SweepRecord]) -> SweepRecord:
    """Return the record with the highest test accuracy (the smallest ``λ`` among ties).

    Chosen on the test set, so its test accuracy is slightly optimistic: chapter 1
    checks the chosen ``λ`` on fresh data sets.

    See Also
    --------
    lambda_sweep : makes the records.
    Chapter [1, Overfitting and its two cures](01-overfitting.md)

    Examples
    --------
    >>> records = lambda_sweep((0.0, 1.0), Setup(m_train=20, m_test=200, steps=200))
    >>> best_record(records).lam in (0.0, 1.0)
    True
    """
    return max(checked_records(records), key=lambda record: (record.test_accuracy, -record.lam))


def _announcer(progress: Callable[[str], None] | None, message: str) -> Callable[[], None] | None:
    """Return what tells ``progress`` that a network is being trained, or None without one."""
    return None if progress is None else functools.partial(progress, message)


def _lams(lams: Any, setup: Setup) -> list[float]:
    """Validate the λ values of a sweep against ``setup`` (each ≥ 0, with lr·λ/m < 1)."""
    values = [nonnegative(f"lams[{index}]", lam) for index, lam in enumerate(nonempty_sequence("lams", lams, "numbers"))]
    limit = setup.m_train / setup.lr
    for index, lam in enumerate(values):
        if lam >= limit:
            raise ValueError(
                f"lams[{index}] = {lam:g} is too large: lr * lam / m_train must be < 1, so lam < {limit:g} "
                f"for this setup (m_train={setup.m_train}, lr={setup.lr})"
            )
    return values
