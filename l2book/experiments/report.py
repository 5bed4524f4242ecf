"""Sweep records as text: the table ``python -m l2book sweep`` prints."""

from __future__ import annotations

from collections.abc import Sequence

from l2book.experiments.records import SweepRecord, checked_records


def format_table(records: Sequence[SweepRecord]) -> str:
    """Return sweep records as an aligned text table whose headers are the field names.

    Accuracies and fractions get 3 decimals, R² gets 4; ``active_units`` is shown
    as ``active/hidden``. This is what ``python -m l2book sweep`` prints.

    See Also
    --------
    lambda_sweep : makes the records.
    Chapter [1, Overfitting and its two cures](01-overfitting.md)

    Examples
    --------
    >>> record = SweepRecord(0.3, 0.91, 0.844, 5.26, 0.474, 0.81972, 30, 30)
    >>> print(format_table([record]))
        lam  train_accuracy  test_accuracy  weight_norm  linear_fraction  linear_fit_r2  active_units
       0.3           0.910          0.844        5.260            0.474         0.8197         30/30
    """
    records = checked_records(records)
    lines = [
        f"{'lam':>7}  {'train_accuracy':>14}  {'test_accuracy':>13}  {'weight_norm':>11}  "
        f"{'linear_fraction':>15}  {'linear_fit_r2':>13}  {'active_units':>12}"
    ]
    for r in records:
        lines.append(
            f"{r.lam:>7g}  {r.train_accuracy:>14.3f}  {r.test_accuracy:>13.3f}  {r.weight_norm:>11.3f}  "
            f"{r.linear_fraction:>15.3f}  {r.linear_fit_r2:>13.4f}  {f'{r.active_units}/{r.hidden_units}':>12}"
        )
    return "\n".join(lines)
