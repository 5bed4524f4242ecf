"""Format a benchmark record (the JSON that ``run.py --json-out`` writes) as text.

Standard library only, so the book's Performance page can load it to print the
committed record without running any benchmark.
"""

from __future__ import annotations

import json
from pathlib import Path


def load(path: str | Path) -> dict:
    """Return the record stored at ``path``."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def format_header(record: dict) -> str:
    """Return the lines that say when, where and how the record was measured."""
    machine, blas = record["machine"], record["machine"]["blas"]
    lines = [
        f"Measured {record['date']} on {machine['cpu']} ({machine['cores']} cores), {machine['os']}",
        f"Python {machine['python']}, NumPy {machine['numpy']} with {blas['library']} {blas['version']} "
        f"({blas['kernel']} kernels, {blas['default_threads']} threads by default), "
        f"OPENBLAS_CORETYPE {machine['openblas_coretype']}",
    ]
    if machine.get("torch"):
        lines.append(f"PyTorch {machine['torch']} ({machine['torch_blas']}), 1 thread, in its own process")
    networks = ", ".join(f"{name} {label}" for name, label in record.get("networks", {}).items())
    if networks:
        lines.append(f"Networks (tanh, cross-entropy, λ = {record['lam']:g}): {networks}")
    lines.append(f"Each ratio: median of {record['repeats']} interleaved repetitions; spread: lowest and highest")
    return "\n".join(lines)


#: Cores used by other programs during a timed row above which the row is named as disturbed.
DISTURBED = 0.25


def format_load(record: dict) -> str:
    """Return how busy the machine was: the load average, and the cores other programs used during the rows."""
    load = record.get("load") or {}
    if load.get("start") is None:
        return "Load average: not reported by this system"
    cores = record["machine"]["cores"]
    busy = max(load["start"], load["end"]) > cores
    verdict = "other programs competed for the cores" if busy else "no more demand than cores"
    lines = [f"Load average {load['start']:.2f} at the start, {load['end']:.2f} at the end ({cores} cores): {verdict}"]
    if load.get("others") is not None:
        lines.append(f"Other programs used {load['others']:.2f} cores on average during the run")
        disturbed = [row for row in record["rows"] if (row.get("others") or 0) > DISTURBED]
        for row in disturbed:
            lines.append(
                f"  {row['others']:.2f} cores during {row['measure']}, {row['network']} {row['dtype']}, "
                f"{row['threads']} thread{'' if row['threads'] == '1' else 's'}"
            )
        if not disturbed:
            lines.append(f"  and no more than {DISTURBED:g} of a core during any timed row")
        again = sum(1 for row in record["rows"] if row.get("attempts", 1) > 1)
        if again:
            lines.append(f"  ({again} rows measured again because other programs were using the cores)")
    return "\n".join(lines)


def format_table(record: dict) -> str:
    """Return the rows as an aligned table: what was compared, the two medians, the ratio and its target."""
    header = ("measure", "network", "dtype", "threads", "medians", "ratio", "spread", "target")
    cells = [header] + [
        (
            row["measure"],
            row["network"],
            row["dtype"],
            row["threads"],
            _amounts(row),
            _ratio(row),
            _spread(row),
            _target(row),
        )
        for row in record["rows"]
    ]
    widths = [max(len(line[column]) for line in cells) for column in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in cells
    )


def missed(record: dict) -> list[dict]:
    """Return the rows whose median is above their target."""
    return [row for row in record["rows"] if row.get("target") is not None and row["median"] > row["target"]]


def _amounts(row: dict) -> str:
    """Return the two medians behind the ratio, e.g. ``5.31 ms / 4.87 ms`` or ``607 kB / 1.07 MB``."""
    if row.get("subject") is None:
        return "not run"
    amount = _size if row["unit"] == "bytes" else _duration
    return f"{amount(row['subject'])} / {amount(row['baseline'])}"


def _duration(seconds: float) -> str:
    """Return e.g. ``1.14 s``, ``137 ms`` or ``67.2 µs`` (three significant digits)."""
    for scale, unit in ((1, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if seconds >= scale:
            return f"{_digits(seconds / scale)} {unit}"
    return f"{_digits(seconds / 1e-9)} ns"


def _size(size: float) -> str:
    """Return e.g. ``1.07 MB`` or ``72.1 kB`` (decimal units, three significant digits)."""
    return f"{_digits(size / 1e6)} MB" if size >= 1e6 else f"{_digits(size / 1e3)} kB"


def _digits(value: float) -> str:
    """Return ``value`` (below 1000) with three significant digits, trailing zeros kept: 6.00, 14.4, 158."""
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _ratio(row: dict) -> str:
    return "—" if row.get("median") is None else _number(row["median"])


def _spread(row: dict) -> str:
    if row.get("median") is None:
        return "—"
    if row["low"] == row["high"]:
        return "exact"
    return f"{_number(row['low'])}–{_number(row['high'])}"


def _number(ratio: float) -> str:
    """Return a ratio with two decimals, or three significant digits below 0.1."""
    return f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.3f}"


def _target(row: dict) -> str:
    if row.get("target") is None:
        return "—"
    if row.get("median") is None:
        return f"≤ {row['target']:g} (not run)"
    return f"≤ {row['target']:g} {'met' if row['median'] <= row['target'] else 'MISSED'}"
