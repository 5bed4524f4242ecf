"""benchmarks/run.py: every target is read from a table, none is written where its row is measured."""

import importlib
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def run(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))  # run.py imports its neighbours report and cases
    monkeypatch.delitem(sys.modules, "run", raising=False)
    return importlib.import_module("run")


def test_the_import_row_takes_its_target_from_the_table(run, monkeypatch):
    monkeypatch.setitem(run.OTHER_TARGETS, (run.IMPORT_MEASURE, "—"), 7.5)
    monkeypatch.setattr(run.subprocess, "run", lambda *args, **kwargs: None)  # no bytecode compiled here
    monkeypatch.setattr(run, "_import_time", lambda module, env: (0.3 if module == "l2book" else 0.2, []))
    row = run.measure_import({}, repeats=3)
    assert (row["measure"], row["target"], row["median"]) == (run.IMPORT_MEASURE, 7.5, pytest.approx(1.5))


class FakeWorkers:
    """Answers the memory request as the NumPy worker would, with fixed numbers."""

    def ask(self, worker, request):
        parts = dict.fromkeys(("by_line", "peak_line", "forward", "whole", "result"), 0)
        return {"ratio": 0.5, "extra": 100, "activations": 200, **parts}


def test_the_memory_rows_take_their_targets_from_the_table(run, monkeypatch):
    monkeypatch.setitem(run.OTHER_TARGETS, (run.MEMORY_MEASURE, "large"), 2.5)
    targets = {network: run.measure_memory(FakeWorkers(), network, "float64")["target"] for network in run.NETWORKS}
    assert targets == {"small": None, "medium": 1.0, "large": 2.5}
