import subprocess
import sys

import pytest

from l2book.__main__ import main
from l2book.verify import VerifyRow, format_table


def test_verify_prints_all_pass_and_exits_zero(capsys):
    assert main(["verify"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| ") and "network" not in line and "---" not in line]
    assert len(rows) == 24 and all(line.endswith("| PASS |") for line in rows)
    assert "24 passed, 0 failed" in out


def test_verify_exits_one_when_a_row_fails(monkeypatch, capsys):
    failing = VerifyRow("2-3-1, m=4", "tanh", "mse", "float64", 1e-16, 3e-2, 1e-7)
    monkeypatch.setattr("l2book.verify.verify_rows", lambda: [failing])
    assert main(["verify"]) == 1
    assert "| FAIL |" in capsys.readouterr().out


def test_format_table_marks_each_row():
    good = VerifyRow("n", "tanh", "mse", "float32", 1e-8, 2e-8, 1e-5)
    bad = VerifyRow("n", "tanh", "mse", "float32", 1e-8, 2e-5, 1e-5)
    lines = format_table([good, bad]).splitlines()
    assert lines[2].endswith("| PASS |") and lines[3].endswith("| FAIL |")


def test_help_explains_the_commands():
    result = subprocess.run([sys.executable, "-m", "l2book", "--help"], capture_output=True, text=True, check=True)
    assert "verify" in result.stdout


def test_unknown_command_is_an_error():
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
