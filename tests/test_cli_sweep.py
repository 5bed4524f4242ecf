"""`python -m l2book sweep` and `python -m l2book figures`: the experiments from the command line."""

import io
import json
import subprocess
import sys
from itertools import pairwise

import pytest

from l2book.__main__ import main
from l2book.experiments import LAMS, SweepRecord, best_record, lambda_sweep

FIELDS = [
    "lam", "train_accuracy", "test_accuracy", "weight_norm",
    "linear_fraction", "linear_fit_r2", "active_units", "hidden_units",
]  # fmt: skip


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self):
        return True


def fake_sweep(lams=LAMS, setup=None, *, progress=None):
    """Stand-in for lambda_sweep: reports progress for two networks, returns two records."""
    for index in (1, 2):
        if progress is not None:
            progress(f"training {index}/2")
    return [SweepRecord(0.0, 0.9, 0.8, 3.0, 0.2, 0.7, 30, 30), SweepRecord(1.0, 0.85, 0.84, 1.0, 0.9, 0.99, 30, 30)]


def test_sweep_json_has_one_record_per_lambda_with_exactly_the_documented_fields(capsys):
    assert main(["sweep", "--json"]) == 0
    out, err = capsys.readouterr()
    records = json.loads(out)
    assert [record["lam"] for record in records] == list(LAMS)
    assert all(list(record) == FIELDS for record in records)
    assert records == [record.as_dict() for record in lambda_sweep()]
    assert err == ""  # captured stderr is not a terminal: no progress


def test_sweep_json_shows_what_the_issue_asks_for(capsys):
    main(["sweep", "--json"])
    records = json.loads(capsys.readouterr().out)
    plain = records[0]
    best = max(records, key=lambda r: r["test_accuracy"])
    assert best["test_accuracy"] > plain["test_accuracy"]
    norms = [r["weight_norm"] for r in records]
    assert all(a > b for a, b in pairwise(norms))
    for field in ("linear_fraction", "linear_fit_r2"):
        values = [r[field] for r in records]
        assert all(a <= b for a, b in pairwise(values)) and values[-1] > values[0]
    assert records[-1]["linear_fit_r2"] > 0.999
    assert records[-1]["active_units"] == 0 < records[0]["active_units"]


def test_sweep_prints_a_table_with_a_row_per_lambda(capsys):
    assert main(["sweep"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("# two moons")
    assert lines[1].split()[:3] == ["lam", "train_accuracy", "test_accuracy"]
    rows = lines[2:]
    assert [float(row.split()[0]) for row in rows] == list(LAMS)
    best = best_record(lambda_sweep())
    assert f"{best.test_accuracy:.3f}" in rows[LAMS.index(best.lam)]


def test_progress_goes_to_stderr_only_when_it_is_a_terminal(monkeypatch, capsys):
    monkeypatch.setattr("l2book.experiments.lambda_sweep", fake_sweep)
    main(["sweep", "--json"])
    assert capsys.readouterr().err == ""
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    main(["sweep", "--json"])
    shown = terminal.getvalue()
    assert "training 1/2" in shown and "training 2/2" in shown
    assert shown.endswith("\r")  # the progress line is erased at the end
    json.loads(capsys.readouterr().out)  # stdout stays pure JSON


def test_sweep_options_reach_the_setup(monkeypatch, capsys):
    seen = {}

    def recording_sweep(lams=LAMS, setup=None, *, progress=None):
        seen["setup"] = setup
        return fake_sweep()

    monkeypatch.setattr("l2book.experiments.lambda_sweep", recording_sweep)
    main(["sweep", "--activation", "relu", "--seed", "3"])
    assert (seen["setup"].activation, seen["setup"].seed) == ("relu", 3)
    assert "relu" in capsys.readouterr().out.splitlines()[0]


def test_a_bad_seed_is_an_error_that_names_it(capsys):
    assert main(["sweep", "--seed", "-1"]) == 2
    assert "seed" in capsys.readouterr().err


def test_figures_writes_each_figure_as_an_svg_file(monkeypatch, tmp_path, capsys):
    import l2book.plots

    figures = {"one": lambda language="en": f"<svg>1 {language}</svg>", "two": lambda language="en": "<svg>2</svg>"}
    monkeypatch.setattr(l2book.plots, "FIGURES", figures)
    outdir = tmp_path / "new" / "figures"
    assert main(["figures", str(outdir)]) == 0
    assert (outdir / "one.svg").read_text() == "<svg>1 en</svg>" and (outdir / "two.svg").read_text() == "<svg>2</svg>"
    assert capsys.readouterr().out.split() == [str(outdir / "one.svg"), str(outdir / "two.svg")]
    assert main(["figures", str(outdir), "--language", "zh"]) == 0
    assert (outdir / "one.svg").read_text() == "<svg>1 zh</svg>"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--help"], ["verify", "sweep", "figures"]),
        (["sweep", "--help"], ["--json", "--activation", "--seed", "lambda"]),
        (["figures", "--help"], ["OUTDIR", "matplotlib", "--language"]),
    ],
)
def test_help_explains_every_command(argv, expected, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert all(word in out for word in expected)


def test_the_real_command_prints_pure_json_and_nothing_on_a_redirected_stderr():
    result = subprocess.run(
        [sys.executable, "-m", "l2book", "sweep", "--json"], capture_output=True, text=True, check=True
    )
    assert result.stderr == ""
    assert [record["lam"] for record in json.loads(result.stdout)] == list(LAMS)
