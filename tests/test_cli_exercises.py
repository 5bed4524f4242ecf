"""``python -m l2book exercises`` and ``python -m l2book check``: the starter file, the lines, the exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from l2book.__main__ import main
from l2book.exercises import EXERCISES

ROOT = Path(__file__).resolve().parents[1]

# The reader's answers: a correct backward in one style, and the λ/(2m) slip.
BACKWARD = '''
import numpy as np

def backward(params, X, Y, lam):
    m = X.shape[1]
    A = [X]
    for W, b in params[:-1]:
        A.append(np.tanh(W @ A[-1] + b))
    W, b = params[-1]
    dZ = (1 / (1 + np.exp(-(W @ A[-1] + b))) - Y) / m
    grads = []
    for l in reversed(range(len(params))):
        W = params[l][0]
        grads.insert(0, (dZ @ A[l].T + {penalty} * W, dZ.sum(axis=1, keepdims=True)))
        dZ = (W.T @ dZ) * (1 - A[l] ** 2)
    return grads
'''
RIGHT = BACKWARD.format(penalty="lam / m")
HALF_PENALTY = BACKWARD.format(penalty="lam / (2 * m)")
L2_PENALTY = '''
def l2_penalty(weights, lam, m):
    return lam / (2 * m) * sum(float((W ** 2).sum()) for W in weights)
'''


def answers(tmp_path: Path, source: str, name: str = "answers.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def test_exercises_lists_each_signature_and_chapter(capsys):
    assert main(["exercises"]) == 0
    out = capsys.readouterr().out
    for exercise in EXERCISES.values():
        assert f"{exercise.signature}  (chapter {exercise.chapter})\n    {exercise.statement}" in out


def test_starter_file_has_four_signatures_docstrings_and_raising_bodies(tmp_path, capsys):
    path = tmp_path / "mine.py"
    assert main(["exercises", "--starter", str(path)]) == 0
    assert f"python -m l2book check {path}" in capsys.readouterr().out
    source = path.read_text(encoding="utf-8")
    assert "python -m l2book check mine.py" in source
    compile(source, str(path), "exec")
    for exercise in EXERCISES.values():
        assert f"def {exercise.name}({', '.join(exercise.parameters)}):\n    \"\"\"" in source
        assert exercise.docstring.splitlines()[0] in source
    assert source.count("    raise NotImplementedError\n") == 4


def test_starter_never_overwrites_a_file(tmp_path, capsys):
    path = answers(tmp_path, RIGHT)
    assert main(["exercises", "--starter", str(path)]) == 1
    assert "cannot write" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == textwrap.dedent(RIGHT)


def test_the_starter_graded_fails_every_exercise_with_not_implemented(tmp_path, capsys):
    path = tmp_path / "starter.py"
    main(["exercises", "--starter", str(path)])
    capsys.readouterr()
    assert main(["check", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:3] for line in lines] == [[name, "FAIL", "-"] for name in EXERCISES]
    assert all("raised NotImplementedError (line " in line and "of starter.py" in line for line in lines)


def test_check_exits_zero_when_every_function_found_passes(tmp_path, capsys):
    path = answers(tmp_path, RIGHT + L2_PENALTY)
    assert main(["check", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:3] for line in lines] == [["l2_penalty", "PASS", "-"], ["backward", "PASS", "-"]]


def test_check_exits_one_and_names_the_lambda_over_2m_slip(tmp_path, capsys):
    path = answers(tmp_path, HALF_PENALTY + L2_PENALTY)
    assert main(["check", str(path)]) == 1
    passed, failed = capsys.readouterr().out.splitlines()
    assert passed.split()[:2] == ["l2_penalty", "PASS"]
    assert failed.split()[:3] == ["backward", "FAIL", "penalty_scale"]
    assert "the penalty term of dW has the wrong constant: it is λ/(2m)·W" in failed
    assert "see chapter 3, 'The gradient of the penalty' (03-weight-decay.md#the-gradient-of-the-penalty)" in failed


def test_check_exits_two_when_the_file_defines_no_exercise(tmp_path, capsys):
    path = answers(tmp_path, "def backprop(params):\n    return params\nbackward = 3\n")
    assert main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "defines none of the exercises: l2_penalty, regularized_cost, backward, weight_decay_update" in captured.err


def test_check_exits_two_when_the_file_cannot_be_imported(tmp_path, capsys):
    cases = {
        "syntax.py": ("def backward(params, X, Y, lam)\n    return []\n", "SyntaxError: expected ':'"),
        "raises.py": ("import numpy\nnumpy.zeros(-1)\n", "ValueError: negative dimensions are not allowed"),
        "exits.py": ("raise SystemExit(3)\n", "SystemExit: 3"),
    }
    for name, (source, error) in cases.items():
        assert main(["check", str(answers(tmp_path, source, name))]) == 2
        assert f"cannot import {tmp_path / name}: {error}" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "missing.py")]) == 2
    assert "No such file or directory" in capsys.readouterr().err


def test_check_runs_as_a_command(tmp_path):
    path = answers(tmp_path, HALF_PENALTY)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "l2book", "check", str(path)], capture_output=True, text=True,
                            env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("backward             FAIL  penalty_scale    the penalty term of dW has")
    assert result.stderr == ""
