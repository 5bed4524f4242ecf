"""Command line: ``python -m l2book verify | sweep | figures | exercises | check``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO


def main(argv: list[str] | None = None) -> int:
    """Run the command named in ``argv`` and return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m l2book",
        description="l2book: L2-regularized gradients, checked three ways.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "verify",
        help="derive the gradients with SymPy, compute them with NumPy, compare both with finite "
        "differences on small networks (every loss, activation and dtype); exit 1 if any row fails",
        description="Derive the regularized gradient of small tanh/ReLU/linear networks with SymPy, "
        "compute it with NumPy, and check both against central finite differences. Prints one row per "
        "network, activation, loss and dtype; exits with status 1 if any row fails.",
    )
    sweep = commands.add_parser(
        "sweep",
        help="train one network per lambda on the book's noisy two-moons data and print what each one does "
        "(accuracy, weight norm, linearity, active units)",
        description="Train the book's 2-30-1 network once per lambda (0, then 0.01 to 100) on 100 noisy "
        "two-moons points and measure it on 4000 test points: training and test accuracy, the weight norm "
        "sqrt(sum ||W||_F^2), the fraction of hidden pre-activations in tanh's linear region, R^2 of the best "
        "affine fit to the output logits, and the hidden units that still vary with the input. Deterministic "
        "for a seed; takes a few seconds (progress on stderr when it is a terminal).",
    )
    sweep.add_argument("--json", action="store_true", help="print the records as a JSON list instead of a table")
    sweep.add_argument(
        "--activation",
        choices=("tanh", "relu", "linear"),
        default="tanh",
        help="hidden-layer activation (default tanh)",
    )
    sweep.add_argument("--seed", type=int, default=0, help="seed of the data set and the initial weights (default 0)")
    figures = commands.add_parser(
        "figures",
        help="write every figure of the book as OUTDIR/NAME.svg (needs matplotlib: the docs extra)",
        description="Run the book's experiments and write each of its figures as a deterministic SVG file "
        "OUTDIR/NAME.svg, the files the site publishes as figures/NAME.svg. Needs matplotlib "
        "(pip install 'l2book[docs]').",
    )
    figures.add_argument("outdir", metavar="OUTDIR", type=Path, help="directory to write into (created if missing)")
    figures.add_argument(
        "--language",
        choices=("en", "zh"),
        default="en",
        help="the words of the figures: en (default) or zh, as in the Chinese edition (needs a Chinese font)",
    )
    exercises = commands.add_parser(
        "exercises",
        help="list the implement-exercises, or write a starter file for them with --starter FILE",
        description="List the book's implement-exercises (signature, chapter, what to return). With --starter "
        "FILE, write a Python file with their signatures, docstrings and `raise NotImplementedError` bodies; "
        "an existing FILE is never overwritten.",
    )
    exercises.add_argument("--starter", metavar="FILE", type=Path, help="write the starter file FILE")
    check = commands.add_parser(
        "check",
        help="grade the functions of FILE that are named after an exercise; exit 0 if all pass, 1 if one fails, "
        "2 if FILE defines none or cannot be imported",
        description="Import FILE and grade every function in it named after an implement-exercise against the "
        "book's verified functions on random problems. Prints one line per exercise: its name, PASS or FAIL, the "
        "mistake found (or -) and a message that says what is wrong, where, and which section explains it.",
    )
    check.add_argument("file", metavar="FILE", type=Path, help="a Python file, e.g. one written by exercises --starter")
    check.add_argument("--seed", type=int, default=0, help="seed of the random problems (default 0)")
    args = parser.parse_args(argv)
    if args.command == "verify":
        return _verify()
    if args.command == "sweep":
        return _sweep(args.activation, args.seed, as_json=args.json)
    if args.command == "figures":
        return _figures(args.outdir, args.language)
    if args.command == "exercises":
        return _exercises(args.starter)
    if args.command == "check":
        return _check(args.file, args.seed)
    return 2  # unreachable: argparse rejects unknown commands


def _verify() -> int:
    from l2book.verify import format_table, verify_rows

    rows = verify_rows()
    print(format_table(rows))
    failed = sum(not row.passed for row in rows)
    print(f"\n{len(rows) - failed} passed, {failed} failed")
    return 1 if failed else 0


def _sweep(activation: str, seed: int, *, as_json: bool) -> int:
    from l2book.experiments import Setup, format_table, lambda_sweep

    try:
        setup = Setup(activation=activation, seed=seed)
    except ValueError as error:
        print(f"python -m l2book sweep: {error}", file=sys.stderr)
        return 2
    with _Progress(sys.stderr) as progress:
        records = lambda_sweep(setup=setup, progress=progress)
    if as_json:
        print(json.dumps([record.as_dict() for record in records], indent=2))
    else:
        hidden = "-".join(map(str, setup.layer_dims))
        print(
            f"# two moons (noise {setup.noise}), m_train={setup.m_train}, m_test={setup.m_test}; "
            f"{hidden} {setup.activation} network, {setup.steps} full-batch steps, lr={setup.lr}, seed={setup.seed}"
        )
        print(format_table(records))
    return 0


def _figures(outdir: Path, language: str = "en") -> int:
    try:
        from l2book.plots import FIGURES
    except ModuleNotFoundError as error:
        print(f"python -m l2book figures needs {error.name}: pip install 'l2book[docs]'", file=sys.stderr)
        return 1
    outdir.mkdir(parents=True, exist_ok=True)
    with _Progress(sys.stderr) as progress:
        for name, make_svg in FIGURES.items():
            progress(f"drawing {name}")
            path = outdir / f"{name}.svg"
            path.write_text(make_svg(language), encoding="utf-8")
            print(path)
    return 0


def _exercises(starter: Path | None) -> int:
    from l2book.exercises import EXERCISES, write_starter

    if starter is None:
        for exercise in EXERCISES.values():
            print(f"{exercise.signature}  (chapter {exercise.chapter})\n    {exercise.statement}")
        return 0
    try:
        write_starter(starter)
    except OSError as error:  # FileExistsError included: a reader's answers are never overwritten
        print(f"python -m l2book exercises: cannot write {starter}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"wrote {starter}; fill in the functions, then run: python -m l2book check {starter}")
    return 0


def _check(file: Path, seed: int) -> int:
    from l2book.exercises.answers import AnswersError, grade_answers, load_answers, report_line

    try:
        answers = load_answers(file)
    except AnswersError as error:
        print(f"python -m l2book check: {error}", file=sys.stderr)
        return 2
    reports = grade_answers(answers, seed=seed)
    for report in reports:
        print(report_line(report))
    return 0 if all(report.passed for report in reports) else 1


class _Progress:
    """Show one-line progress messages on ``stream`` if it is a terminal; otherwise stay silent.

    Piped or redirected output (CI logs, ``--json > file``) gets no progress noise.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.width = 0

    def __call__(self, message: str) -> None:
        if self.enabled:
            # \r rewrites the same line; pad to erase a longer previous message.
            self.stream.write("\r" + message.ljust(self.width))
            self.stream.flush()
            self.width = len(message)

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.enabled and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


if __name__ == "__main__":
    sys.exit(main())
