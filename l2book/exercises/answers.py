"""A reader's file of answers: import it, grade every function named after an exercise, format the lines."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from l2book.exercises.catalogue import EXERCISES
from l2book.exercises.grader import Report, check

#: The name the reader's file is imported under.
MODULE_NAME = "l2book_answers"


class AnswersError(Exception):
    """The file of answers cannot be imported, or defines no exercise."""


def load_answers(path: str | Path) -> dict[str, Callable[..., Any]]:
    """Import the Python file ``path`` and return its functions named after an exercise, in the book's order.

    Raises
    ------
    AnswersError
        If the file cannot be read or imported (the message holds the error's
        last line), or defines none of the exercises.
    """
    path = Path(path)
    # A loader chosen explicitly, so that a file need not end in .py to be graded.
    loader = importlib.machinery.SourceFileLoader(MODULE_NAME, str(path))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(MODULE_NAME, loader))
    sys.modules[MODULE_NAME] = module  # while it runs, as for any import (dataclasses look themselves up there)
    try:
        loader.exec_module(module)
    except (Exception, SystemExit) as error:  # anything the reader's file raises is reported, not raised
        last_line = traceback.format_exception_only(type(error), error)[-1].strip()
        raise AnswersError(f"cannot import {path}: {last_line}") from error
    finally:
        del sys.modules[MODULE_NAME]
    answers = {name: getattr(module, name) for name in EXERCISES if callable(getattr(module, name, None))}
    if not answers:
        raise AnswersError(f"{path} defines none of the exercises: {', '.join(EXERCISES)}")
    return answers


def grade_answers(answers: dict[str, Callable[..., Any]], *, seed: int = 0) -> list[Report]:
    """Return the report of each answer, in the order of ``answers``."""
    return [check(name, fn, seed=seed) for name, fn in answers.items()]


def report_line(report: Report) -> str:
    """Return one line for the terminal: the exercise, PASS or FAIL, the mistake (or -) and the message.

    Examples
    --------
    >>> print(report_line(Report("backward", False, "sign", "the data part has the wrong sign")))
    backward             FAIL  sign             the data part has the wrong sign
    """
    verdict = "PASS" if report.passed else "FAIL"
    return f"{report.exercise:<20} {verdict:<5} {report.mistake or '-':<16} {report.message}"
