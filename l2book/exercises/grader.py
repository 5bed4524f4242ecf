"""The grader: run a reader's function beside the verified one, and name the mistake when one model explains it.

On each problem of :func:`~l2book.exercises.problems.make_problems` the reader's function gets
fresh copies of the arguments; on problems with ``λ > 0`` it is called again with ``λ = 0``, which
separates the data part of its answer from the penalty part. A mistake is named only when its model
(:mod:`l2book.exercises.mistakes`) agrees with the reader's answer, array by array, on every
problem where the model differs from the verified answer, and the reader agrees with the verified
answer on every other problem and array. Otherwise the report says where, and by how much.
"""

from __future__ import annotations

import numbers
import sysconfig
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from l2book._checks import count
from l2book.exercises.catalogue import EXERCISES, ROUNDING, Exercise
from l2book.exercises.mistakes import MODELS, SECTION_OF, MistakeModel
from l2book.exercises.problems import Problem, make_problems
from l2book.gradcheck import check_gradients, relative_error
from l2book.layer import Layer

#: Two arrays agree when their relative error is at most this: float64 rounding in any order of operations.
SAME = 1e-9
#: A model predicts something different from the verified answer only where they differ by more than this.
DISTINCT = 1e-6

Slot = tuple[str, np.ndarray]  # ("dW^[2]", array): one named number or array of a result


@dataclass(frozen=True)
class Report:
    """What :func:`check` found.

    Attributes
    ----------
    exercise : str
        The exercise's name.
    passed : bool
        Whether the function agrees with the verified one on every problem.
    mistake : str or None
        A key of :data:`~l2book.exercises.MISTAKES` when one explains the
        difference; None when the function passed or nothing in the catalogue
        explains it.
    message : str
        For the reader: what is wrong, where, and which section of the book explains it.
    """

    exercise: str
    passed: bool
    mistake: str | None
    message: str

    def __str__(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        code = f" [{self.mistake}]" if self.mistake else ""
        return f"{self.exercise}: {verdict}{code} {self.message}"


class _Failed(Exception):
    """Raised inside the grader to end grading with a finished report."""

    def __init__(self, report: Report) -> None:
        super().__init__(report.message)
        self.report = report


@dataclass(frozen=True, eq=False)
class _Run:
    """The reader's and the verified answers on one problem, as named slots (and at λ = 0 when λ > 0)."""

    index: int
    problem: Problem
    got: list[Slot]
    want: list[Slot]
    got_data: list[Slot] | None
    want_data: list[Slot] | None
    dtype: np.dtype  # the least precise float type in the reader's answers: float64 unless it chose a coarser one


def check(name: str, fn: Callable[..., Any], *, seed: int = 0) -> Report:
    """Grade ``fn`` as the answer to the implement-exercise ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`~l2book.exercises.EXERCISES`, e.g. ``"backward"``.
    fn : callable
        The reader's function, called with the exercise's arguments.
    seed : int, default 0
        Seed of the random problems.

    Returns
    -------
    Report
        ``passed``, the ``mistake`` named (or None) and a ``message``. An
        exception raised by ``fn`` makes a failed report, not an error.

    See Also
    --------
    l2book.check_gradients : the finite-difference check that locates a wrong entry of ``dW`` or ``db``.

    Examples
    --------
    >>> import numpy as np
    >>> def l2_penalty(weights, lam, m):          # forgot the ½
    ...     return lam / m * sum(np.sum(W ** 2) for W in weights)
    >>> report = check("l2_penalty", l2_penalty)
    >>> report.passed, report.mistake
    (False, 'penalty_scale')
    >>> print(report.message)
    the penalty has the wrong constant: λ/m·Σ‖W‖² instead of λ/(2m)·Σ‖W‖² (the ½ is missing).
    Seen on every problem with λ > 0; see chapter 2, 'The penalty: λ, the ½ and the 1/m'
    (02-regularized-loss.md#the-penalty-the-12-and-the-1m).
    """
    if name not in EXERCISES:
        raise ValueError(f"name must be one of {', '.join(map(repr, EXERCISES))}; got {name!r}")
    if not callable(fn):
        raise TypeError(f"fn must be a function, got {type(fn).__name__}")
    exercise = EXERCISES[name]
    try:
        problems = make_problems(count("seed", seed, minimum=0))
        return _verdict(exercise, [_run(exercise, fn, index, problem) for index, problem in enumerate(problems, 1)])
    except _Failed as failure:
        return failure.report


# --- Running the reader's function --------------------------------------------------------------


def _run(exercise: Exercise, fn: Callable[..., Any], index: int, problem: Problem) -> _Run:
    got, dtype = _call(exercise, fn, index, problem)
    want = _slots(exercise, exercise.reference(*exercise.arguments(problem)))
    if problem.lam == 0 or exercise.name == "l2_penalty":
        return _Run(index, problem, got, want, None, None, dtype)
    at_zero = problem.at_lam(0.0)
    want_data = _slots(exercise, exercise.reference(*exercise.arguments(at_zero)))
    got_data, data_dtype = _call(exercise, fn, index, at_zero)
    return _Run(index, problem, got, want, got_data, want_data, _coarsest([dtype, data_dtype]))


def _call(exercise: Exercise, fn: Callable[..., Any], index: int, problem: Problem) -> tuple[list[Slot], np.dtype]:
    """Call ``fn`` on fresh arguments; return its answer as slots and its float type, or end grading with a report."""
    arguments, pristine = exercise.arguments(problem), exercise.arguments(problem)
    where = f"problem {index} ({problem})"
    try:
        result = fn(*arguments)
    except (Exception, SystemExit) as error:  # the reader's bug (or sys.exit()), reported rather than raised
        message = f"{exercise.name} raised {_last_line(error)} on {where}."
        raise _Failed(Report(exercise.name, False, None, message)) from None
    for name, argument, original in zip(exercise.parameters, arguments, pristine, strict=True):
        changed = _changed(name, argument, original)
        if changed:
            raise _Failed(_mutation_report(exercise, changed, where, result, problem))
    return _slots_or_fail(exercise, result, where), _float_type(result)


def _float_type(value: Any) -> np.dtype:
    """Return the least precise float type of the arrays and NumPy scalars in ``value``, float64 if none is coarser."""
    if isinstance(value, (list, tuple)):
        return _coarsest([_float_type(item) for item in value])
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind == "f":
        return _coarsest([value.dtype])
    return np.dtype(np.float64)


def _coarsest(dtypes: list[np.dtype]) -> np.dtype:
    """Return the float type with the largest machine epsilon, float64 or a coarser one."""
    return max([np.dtype(np.float64), *dtypes], key=lambda dtype: np.finfo(dtype).eps)


def _last_line(error: BaseException) -> str:
    """Return the last line of the error's traceback (``ValueError: …``) and where the reader's code raised it."""
    lines = traceback.format_exception_only(type(error), error)
    line = lines[len(lines) - 1 - len(getattr(error, "__notes__", None) or ())].strip()
    # The reader's own line, not the grader's call nor a line inside NumPy (or an installed l2book).
    libraries = tuple(sysconfig.get_paths()[key] for key in ("stdlib", "purelib", "platlib"))
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if frame.filename != __file__ and not frame.filename.startswith(libraries)]
    if not frames:  # raised by the call itself, e.g. a function with the wrong parameters
        return line
    return f"{line} (line {frames[-1].lineno} of {Path(frames[-1].filename).name}, in {frames[-1].name})"


def _changed(name: str, value: Any, original: Any) -> str | None:
    """Return the name of the first array or list in ``value`` that differs from ``original``, else None."""
    if isinstance(original, np.ndarray):
        unchanged = isinstance(value, np.ndarray) and value.shape == original.shape and np.array_equal(value, original)
        return None if unchanged else name
    if isinstance(original, (list, tuple)):
        if not isinstance(value, (list, tuple)) or len(value) != len(original):
            return name
        parts = [f"{name}.{field}" for field in Layer._fields] if isinstance(original, Layer) else None
        for position, (item, original_item) in enumerate(zip(value, original, strict=True)):
            changed = _changed(parts[position] if parts else f"{name}[{position}]", item, original_item)
            if changed:
                return changed
    return None


def _mutation_report(exercise: Exercise, changed: str, where: str, result: Any, problem: Problem) -> Report:
    try:
        right = _all_same(_slots(exercise, result), _slots(exercise, exercise.reference(*exercise.arguments(problem))))
    except (TypeError, ValueError):
        right = False
    values = "the values it returns are right, " if right else ""
    return Report(
        exercise.name, False, "mutates_input",
        f"{exercise.name} changed its argument {changed} on {where}: {values}but the caller's arrays must stay "
        f"as they were: compute new arrays (W - lr * dW, W * c) instead of writing into them (W -= ..., W *= ...); "
        f"see {exercise.section}.",
    )


def _slots_or_fail(exercise: Exercise, result: Any, where: str) -> list[Slot]:
    try:
        return _slots(exercise, result)
    except (TypeError, ValueError) as problem:
        message = f"{exercise.name} returned {problem}, on {where}; see {SECTION_OF['shape']}."
        raise _Failed(Report(exercise.name, False, "shape", message)) from None


def _slots(exercise: Exercise, result: Any) -> list[Slot]:
    """Return ``result`` as named float64 arrays; raise TypeError/ValueError describing a wrong structure."""
    if isinstance(exercise.output, str):
        if isinstance(result, (bool, np.bool_)) or not isinstance(result, (numbers.Real, np.ndarray)):
            raise TypeError(f"{_describe(result)}, not a float")
        if np.ndim(result) != 0:
            raise ValueError(f"{_describe(result)}, not a float (convert it with float(...))")
        return [(exercise.output, np.asarray(result, dtype=np.float64))]
    first, second = exercise.output
    if not isinstance(result, (list, tuple)):
        raise TypeError(f"{_describe(result)}, not a list of ({first}, {second}) pairs")
    slots = []
    for layer, pair in enumerate(result, 1):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise TypeError(f"{_describe(pair)} as item {layer - 1} of its list, not a ({first}, {second}) pair")
        for field, value in zip((first, second), pair, strict=True):
            try:
                array = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError):
                raise TypeError(f"{_describe(value)} as {field}^[{layer}], not an array") from None
            slots.append((f"{field}^[{layer}]", array))
    return slots


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {_counted(len(value), 'item')}"
    return "None" if value is None else f"a {type(value).__name__}"


def _counted(number: int, noun: str) -> str:
    """Return ``"1 pair"`` or ``"2 pairs"``: the number and its noun, plural unless the number is 1."""
    return f"{number} {noun}{'s' * (number != 1)}"


# --- Comparing ------------------------------------------------------------------------------------


def _error(a: np.ndarray, b: np.ndarray) -> float:
    """Return the relative error of ``a`` and ``b``: inf for different shapes or non-finite values."""
    if a.shape != b.shape or not (np.isfinite(a).all() and np.isfinite(b).all()):
        return float("inf")
    return relative_error(a, b) if a.size else 0.0


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return _error(a, b) <= SAME


def _all_same(got: list[Slot], want: list[Slot]) -> bool:
    return len(got) == len(want) and all(_same(g, w) for (_, g), (_, w) in zip(got, want, strict=True))


def _verdict(exercise: Exercise, runs: list[_Run]) -> Report:
    if all(_all_same(run.got, run.want) for run in runs):
        return Report(exercise.name, True, None, f"agrees with {exercise.verified} on {_summary(runs)}.")
    _fail_on_structure(exercise, runs)
    _fail_on_precision(exercise, runs)
    explaining = [candidate for candidate in MODELS[exercise.name] if _explains(candidate, runs)]
    codes = list(dict.fromkeys(candidate.code for candidate in explaining))
    if len(codes) == 1:
        return _named_report(exercise, explaining[0], runs)
    _fail_on_shapes(exercise, runs)
    return _unexplained_report(exercise, runs, ambiguous=codes)


def _summary(runs: list[_Run]) -> str:
    """Describe the problems in a few words: how many, their depths, their m and their λ."""
    depths = sorted({len(run.problem.params) - 1 for run in runs})
    ms, lams = [run.problem.m for run in runs], [run.problem.lam for run in runs]
    return (f"{len(runs)} random problems (hidden layers: {', '.join(map(str, depths))}; m from {min(ms)} to "
            f"{max(ms)}; λ from {min(lams):g} to {max(lams):g})")


def _explains(candidate: MistakeModel, runs: list[_Run]) -> bool:
    """Whether the model accounts for every array the reader got wrong, on every problem where it can show."""
    for run in runs:
        predicted = _slots(EXERCISES[candidate.exercise], candidate.output(run.problem))
        visible = [_error(p, w) > DISTINCT for (_, p), (_, w) in zip(predicted, run.want, strict=True)]
        right = [_same(g, w) for (_, g), (_, w) in zip(run.got, run.want, strict=True)]
        if not any(visible):
            if not all(right):
                return False
            continue
        as_predicted = [_same(g, p) for (_, g), (_, p) in zip(run.got, predicted, strict=True)]
        if all(right) or not all(r or (v and a) for r, v, a in zip(right, visible, as_predicted, strict=True)):
            return False
    return True


def _named_report(exercise: Exercise, candidate: MistakeModel, runs: list[_Run]) -> Report:
    wrong_runs = [run for run in runs if not _all_same(run.got, run.want)]
    names = dict.fromkeys(
        name for run in wrong_runs for (name, g), (_, w) in zip(run.got, run.want, strict=True) if not _same(g, w)
    )
    where = f" in {', '.join(names)}," if not isinstance(exercise.output, str) else ""
    wrong, positive = [run.index for run in wrong_runs], [run.index for run in runs if run.problem.lam > 0]
    if len(wrong) == len(runs):
        which = "on every problem"
    elif wrong == positive:
        which = "on every problem with λ > 0"
    else:  # the model differs from the verified answer on these problems alone
        which = f"on problem{'s' * (len(wrong) > 1)} {', '.join(map(str, wrong))}, where it shows"
    message = f"{candidate.explanation}. Seen{where} {which}; see {candidate.section}."
    return Report(exercise.name, False, candidate.code, message)


def _fail_on_structure(exercise: Exercise, runs: list[_Run]) -> None:
    """End grading with a ``shape`` report if a result has the wrong number of layers."""
    for run in runs:
        for got in (run.got, run.got_data or run.got):
            if len(got) != len(run.want):
                message = (f"{exercise.name} returned {_counted(len(got) // 2, 'pair')} on problem {run.index} "
                           f"({run.problem}), not {len(run.want) // 2}: one pair per layer; see {SECTION_OF['shape']}.")
                raise _Failed(Report(exercise.name, False, "shape", message))


def _fail_on_precision(exercise: Exercise, runs: list[_Run]) -> None:
    """End grading with a report saying so if the reader answered in a float type coarser than the problems' float64."""
    dtype = _coarsest([run.dtype for run in runs])
    pairs = [(run, run.got, run.want) for run in runs]
    pairs += [(run, run.got_data, run.want_data) for run in runs if run.got_data is not None]
    error, run, name = max(((_error(g, w), run, slot) for run, got, want in pairs
                            for (slot, g), (_, w) in zip(got, want, strict=True)), key=lambda item: item[0])
    if dtype == np.float64 or error == float("inf"):  # a wrong shape or a NaN is reported as such, in any type
        return
    eps = np.finfo(dtype).eps
    # Rounding in a long computation can cost up to about half of the digits, not more.
    size = "the size of" if error <= np.sqrt(eps) else "more than"
    where = "" if isinstance(exercise.output, str) else f" (largest in {name})"
    message = (f"{exercise.name} returned {dtype} numbers, but the problems are float64: it differs from "
               f"{exercise.verified} by a relative error of {error:.1e} on problem {run.index}{where}, {size} "
               f"{dtype}'s rounding (its epsilon is {eps:.1e}, float64's {np.finfo(np.float64).eps:.1e}); compute "
               f"in float64 (without astype(np.{dtype}) or dtype=np.{dtype}) and check again; see {ROUNDING}.")
    raise _Failed(Report(exercise.name, False, None, message))


def _fail_on_shapes(exercise: Exercise, runs: list[_Run]) -> None:
    """End grading with a ``shape`` report if an array has a wrong shape that is not its transpose's."""
    for run in runs:
        for (name, got), (_, want) in zip(run.got, run.want, strict=True):
            if got.shape == want.shape or got.shape == want.T.shape:
                continue
            values = "; its values are right" if got.size == want.size and _same(got.reshape(want.shape), want) else ""
            hint = " (sum with keepdims=True)" if name.startswith("db") and got.ndim == 1 else ""
            message = (f"{name} has shape {got.shape}, not {want.shape}{hint}, on problem {run.index} ({run.problem})"
                       f"{values}; see {SECTION_OF['shape']}.")
            raise _Failed(Report(exercise.name, False, "shape", message))


def _unexplained_report(exercise: Exercise, runs: list[_Run], ambiguous: list[str]) -> Report:
    """Say where the answer differs and by how much, without naming a mistake."""
    error, run, name, got = max(
        ((_error(g, w), run, slot, g) for run in runs for (slot, g), (_, w) in zip(run.got, run.want, strict=True)),
        key=lambda item: item[0],
    )
    if error < float("inf"):
        size = f"relative error {error:.1e}"
    elif np.isfinite(got).all():
        size = f"it has shape {got.shape}, the shape of its transpose"
    else:
        size = "it holds NaN or inf"
    where = "" if isinstance(exercise.output, str) else f" largest in {name},"
    message = [f"differs from {exercise.verified}:{where} {size} on problem {run.index} ({run.problem})"]
    if exercise.name == "backward" and error != float("inf"):
        message.append(_finite_difference_location(run))
    part, section = _part(exercise, runs)
    message.append(part)
    if ambiguous:
        message.append(f"it matches more than one known mistake ({', '.join(ambiguous)}), so none is named")
    else:
        message.append("no mistake in the catalogue explains it")
    return Report(exercise.name, False, None, "; ".join(message) + f"; see {section}.")


def _part(exercise: Exercise, runs: list[_Run]) -> tuple[str, Any]:
    """Say whether the data part or the penalty part is wrong, from the answers at λ = 0."""
    if exercise.name == "l2_penalty":
        return "the penalty itself is wrong", exercise.section
    at_zero = [(run.got, run.want) for run in runs if run.problem.lam == 0]
    at_zero += [(run.got_data, run.want_data) for run in runs if run.got_data is not None]
    data_right = all(_all_same(got, want) for got, want in at_zero)
    penalty_right = all(
        _all_same(_minus(run.got, run.got_data), _minus(run.want, run.want_data))
        for run in runs
        if run.got_data is not None
    )
    if data_right:
        return ("the data part is right (it agrees at λ = 0): the difference is in the penalty part",
                exercise.penalty_section)
    if penalty_right:
        return ("the penalty part is right: the difference is in the data part (it is there at λ = 0 too)",
                exercise.data_section)
    return "both the data part and the penalty part differ", exercise.section


def _minus(slots: list[Slot], others: list[Slot]) -> list[Slot]:
    """Return the penalty part: each array minus the same array at λ = 0 (inf where the shapes differ)."""
    return [
        (name, a - b if a.shape == b.shape else np.full(a.shape, np.inf))
        for (name, a), (_, b) in zip(slots, others, strict=True)
    ]


def _finite_difference_location(run: _Run) -> str:
    """Locate the reader's worst gradient entry with :func:`l2book.check_gradients` (finite differences)."""
    grads = [Layer(run.got[2 * i][1], run.got[2 * i + 1][1]) for i in range(len(run.got) // 2)]
    result = check_gradients(list(run.problem.params), run.problem.X, run.problem.Y, run.problem.lam,
                             gradient_fn=lambda *args, **kwargs: grads)
    wrong = [f"d{field}^[{layer + 1}]" for layer, errors in enumerate(result.layer_errors)
             for field, error in zip("Wb", errors, strict=True) if error > result.threshold]
    if not wrong:  # a difference smaller than finite differences can see: nothing to name
        return (f"finite differences of the book's cost agree with every dW and db within their threshold "
                f"{result.threshold:.0e} (relative error {result.relative_error:.1e}), too coarse to locate it")
    entry = f"d{result.worst_parameter}^[{result.worst_layer + 1}]{list(result.worst_index)}"
    return (f"finite differences of the book's cost disagree with {', '.join(wrong)} (relative error "
            f"{result.relative_error:.1e}), most at {entry}")
