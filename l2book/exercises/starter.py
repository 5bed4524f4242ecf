"""The starter file: the exercises' signatures and docstrings, with bodies for the reader to write."""

from __future__ import annotations

import textwrap
from pathlib import Path

from l2book.exercises.catalogue import EXERCISES, Exercise

HEADER = '''"""Your answers to the implement-exercises of l2book.

Replace each `raise NotImplementedError` with your code, then grade the file:

    python -m l2book check {filename}

Plain NumPy; params is a list of (W, b) pairs; columns of X are examples.
"""

import numpy as np
'''


def function_source(exercise: Exercise) -> str:
    """Return the starter of one exercise: its ``def`` line, its docstring and ``raise NotImplementedError``.

    Examples
    --------
    >>> from l2book.exercises import EXERCISES
    >>> print(function_source(EXERCISES["l2_penalty"]).splitlines()[0])
    def l2_penalty(weights, lam, m):
    """
    notes = f"Notes\n-----\nExplained in {exercise.section}."
    docstring = textwrap.indent(f'"""{exercise.docstring}\n\n{notes}\n"""', "    ")
    return f"def {exercise.name}({', '.join(exercise.parameters)}):\n{docstring}\n    raise NotImplementedError\n"


def starter_source(filename: str = "answers.py") -> str:
    r"""Return the text of a starter file holding every exercise, to be graded as ``filename``.

    Examples
    --------
    >>> source = starter_source()
    >>> print("\n".join(line for line in source.splitlines() if line.startswith("def ")))
    def l2_penalty(weights, lam, m):
    def regularized_cost(params, X, Y, lam):
    def backward(params, X, Y, lam):
    def weight_decay_update(params, grads, lr, lam, m):
    """
    functions = "\n\n".join(function_source(exercise) for exercise in EXERCISES.values())
    return f"{HEADER.format(filename=filename)}\n\n{functions}"


def write_starter(path: str | Path) -> Path:
    """Write the starter file to ``path``, which must not exist yet (it may hold the reader's answers).

    Raises
    ------
    FileExistsError
        If ``path`` exists.
    """
    path = Path(path)
    with path.open("x", encoding="utf-8") as file:  # "x": never overwrite a reader's work
        file.write(starter_source(path.name))
    return path
