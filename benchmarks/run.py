"""Run l2book's benchmarks and print a table of ratios, each measured side by side in this run.

    python benchmarks/run.py                          # two or three minutes on 2 quiet cores
    python benchmarks/run.py --json-out benchmarks/results.json

Every row divides a median time (or memory) by a baseline measured in the same
run: the subject and its baseline alternate, repetition by repetition, so a
machine that slows down for a while slows both. NumPy and PyTorch each run in
a worker process of their own (see ``worker.py``). The targets are those of
the performance issue; the Performance page of the book explains each row.

A shared machine is watched, not trusted: the run records the cores other
programs used during each timed row (Linux), waits for a quiet second before
each row, and measures a disturbed row again (``--retries``), keeping the
least disturbed attempt.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import report
from cases import LAM, NETWORKS, network_label

HERE = Path(__file__).resolve().parent
#: Set on some processors for older OpenBLAS builds; a current NumPy runs slower kernels with them.
OPENBLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
DEFAULT_THREADS = None  # the BLAS library's own default: one thread per core
MEMORY_MEASURE = "extra memory / activations kept"
IMPORT_MEASURE = "import l2book / import numpy"


@dataclass(frozen=True)
class Side:
    """One side of a comparison: which worker times which case, on what, with how many BLAS threads."""

    worker: str
    case: str
    network: str
    dtype: str
    threads: int | None = 1


@dataclass(frozen=True)
class Row:
    """A ratio ``subject / baseline`` and its target (``None``: reported only)."""

    measure: str
    subject: Side
    baseline: Side
    target: float | None = None


BOTH = ("float64", "float32")
NUMPY_GRADIENTS, GEMM_FLOOR = ("numpy", "gradients"), ("numpy", "gemm_floor")

#: Every timed comparison, in the order of the table: measure, subject and baseline (worker, case),
#: network, dtypes, BLAS threads, and the target of the performance issue (None: reported only).
TIMED_ROWS: list[tuple[str, tuple[str, str], tuple[str, str], str, tuple[str, ...], int | None, float | None]] = [
    ("gradients / GEMM floor", NUMPY_GRADIENTS, GEMM_FLOOR, "small", BOTH, 1, None),
    ("gradients / GEMM floor", NUMPY_GRADIENTS, GEMM_FLOOR, "medium", BOTH, 1, 1.15),
    ("gradients / GEMM floor", NUMPY_GRADIENTS, GEMM_FLOOR, "large", BOTH, 1, 1.15),
    ("gradients / GEMM floor", NUMPY_GRADIENTS, GEMM_FLOOR, "small", BOTH, DEFAULT_THREADS, None),
    ("gradients / GEMM floor", NUMPY_GRADIENTS, GEMM_FLOOR, "medium", BOTH, DEFAULT_THREADS, 1.4),
    ("gradients / GEMM floor", NUMPY_GRADIENTS, GEMM_FLOOR, "large", BOTH, DEFAULT_THREADS, 1.4),
    ("gradients / PyTorch eager", NUMPY_GRADIENTS, ("torch", "torch_gradients"), "small", BOTH, 1, 0.35),
    ("gradients / PyTorch eager", NUMPY_GRADIENTS, ("torch", "torch_gradients"), "medium", BOTH, 1, 1.0),
    ("gradients / PyTorch eager", NUMPY_GRADIENTS, ("torch", "torch_gradients"), "large", BOTH, 1, 1.0),
    # How much of the comparison with PyTorch is the two BLAS libraries alone.
    ("GEMM floor: NumPy / PyTorch", GEMM_FLOOR, ("torch", "torch_gemm_floor"), "medium", BOTH, 1, None),
    ("GEMM floor: NumPy / PyTorch", GEMM_FLOOR, ("torch", "torch_gemm_floor"), "large", BOTH, 1, None),
    # The parts of gradients that no fusion removes, where the targets are tight.
    ("validation / GEMM floor", ("numpy", "validation"), GEMM_FLOOR, "medium", ("float64",), 1, None),
    ("tanh / GEMM floor", ("numpy", "tanh"), GEMM_FLOOR, "medium", ("float64",), 1, None),
    ("validation / gradients", ("numpy", "validation"), NUMPY_GRADIENTS, "small", ("float64",), 1, None),
    ("validation / GEMM floor", ("numpy", "validation"), GEMM_FLOOR, "medium", ("float32",), 1, None),
    ("tanh / GEMM floor", ("numpy", "tanh"), GEMM_FLOOR, "medium", ("float32",), 1, None),
    ("validation / gradients", ("numpy", "validation"), NUMPY_GRADIENTS, "small", ("float32",), 1, None),
    ("coordinate check / gradients", ("numpy", "coordinate_check"), NUMPY_GRADIENTS, "small", ("float64",), 1, None),
    ("directional check k=10 / gradients", ("numpy", "directional_check_10"), NUMPY_GRADIENTS, "large", ("float64",), 1, 8.0),
    ("directional check k=10 / gradients", ("numpy", "directional_check_10"), NUMPY_GRADIENTS, "large", ("float32",), 1, None),
    (
        "directional check k=1 / torch gradcheck fast",
        ("numpy", "directional_check_1"),
        ("torch", "torch_gradcheck"),
        "medium",
        ("float64",),
        1,
        0.2,
    ),
]  # fmt: skip

#: The targets of the rows measured outside :data:`TIMED_ROWS`, by measure and network (absent: reported only).
OTHER_TARGETS: dict[tuple[str, str], float] = {
    (IMPORT_MEASURE, "—"): 1.3,
    (MEMORY_MEASURE, "medium"): 1.0,
    (MEMORY_MEASURE, "large"): 1.0,
}


def timing_rows() -> list[Row]:
    """Return every timed comparison of :data:`TIMED_ROWS`, one row per dtype, in the order of the table."""
    return [
        Row(measure, Side(*subject, network, dtype, threads), Side(*baseline, network, dtype, threads), target)
        for measure, subject, baseline, network, dtypes, threads, target in TIMED_ROWS
        for dtype in dtypes
    ]


class WorkerFailed(RuntimeError):
    """A worker process stopped before answering (its error output is above)."""


class Workers:
    """The worker processes, started on first use and closed at the end."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.processes: dict[str, subprocess.Popen] = {}

    def ask(self, worker: str, request: dict) -> dict:
        """Send ``request`` to ``worker`` and return its answer."""
        process = self.processes.get(worker) or self._start(worker)
        process.stdin.write(json.dumps(request) + "\n")
        process.stdin.flush()
        line = process.stdout.readline()
        if not line:
            raise WorkerFailed(f"the {worker} worker stopped; its error output is above")
        return json.loads(line)

    def time(self, side: Side, calls: int) -> float:
        """Return the mean seconds of one call of ``side``'s case, over ``calls`` calls."""
        request = {"op": "time", "case": side.case, "network": side.network, "dtype": side.dtype}
        return self.ask(side.worker, {**request, "threads": side.threads, "calls": calls})["seconds"]

    def _start(self, worker: str) -> subprocess.Popen:
        command = [sys.executable, "-u", str(HERE / "worker.py"), worker]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=self.env)
        self.processes[worker] = process
        return process

    def close(self) -> None:
        """Close every worker's input and wait for it to exit."""
        for process in self.processes.values():
            process.stdin.close()
            process.wait(timeout=60)


def measure(row: Row, workers: Workers, repeats: int, sample_seconds: float) -> dict:
    """Time ``row``'s two sides alternately ``repeats`` times; return the medians and the spread of the ratio."""
    # One call each builds and warms the case and sizes a sample to about sample_seconds.
    calls = {side: max(1, round(sample_seconds / workers.time(side, 1))) for side in (row.subject, row.baseline)}
    times: dict[Side, list[float]] = {row.subject: [], row.baseline: []}
    ratios = []
    for repetition in range(repeats):
        # Alternate which side goes first, so a trend in the machine's speed favours neither.
        order = (row.subject, row.baseline) if repetition % 2 == 0 else (row.baseline, row.subject)
        for side in order:
            times[side].append(workers.time(side, calls[side]))
        ratios.append(times[row.subject][-1] / times[row.baseline][-1])
    return _row_record(row.measure, row.subject, row.target, ratios, times[row.subject], times[row.baseline])


def measure_import(env: dict[str, str], repeats: int) -> dict:
    """Time ``import l2book`` against ``import numpy``, each in fresh interpreters, alternately.

    l2book's bytecode is compiled first (into ``l2book/__pycache__``), as pip
    does for NumPy when it installs it: otherwise an editable install run with
    ``PYTHONDONTWRITEBYTECODE`` would compile l2book on every import, and NumPy never.
    """
    package = Path(importlib.util.find_spec("l2book").origin).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], env=env, check=True)
    l2book_times, numpy_times, ratios = [], [], []
    for _ in range(repeats):
        l2book_seconds, loaded = _import_time("l2book", env)
        if "sympy" in loaded or "matplotlib" in loaded:
            raise RuntimeError(f"import l2book loaded {loaded}: the numeric API must stay light")
        numpy_seconds, _ = _import_time("numpy", env)
        l2book_times.append(l2book_seconds)
        numpy_times.append(numpy_seconds)
        ratios.append(l2book_seconds / numpy_seconds)
    side = Side("fresh process", "import", "—", "—", DEFAULT_THREADS)
    target = OTHER_TARGETS.get((IMPORT_MEASURE, side.network))
    return _row_record(IMPORT_MEASURE, side, target, ratios, l2book_times, numpy_times)


IMPORT_SNIPPET = """
import sys, time
start = time.perf_counter()
import {module}
seconds = time.perf_counter() - start
print(seconds, *[name for name in ("sympy", "matplotlib") if name in sys.modules])
"""


def _import_time(module: str, env: dict[str, str]) -> tuple[float, list[str]]:
    """Return the seconds ``import module`` takes in a new interpreter, and the heavy modules it loaded."""
    code = IMPORT_SNIPPET.format(module=module)
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    seconds, *loaded = output.stdout.split()
    return float(seconds), loaded


def measure_memory(workers: Workers, network: str, dtype: str) -> dict:
    """Return the memory row of ``network``: extra memory of gradients / activations kept (deterministic)."""
    memory = workers.ask("numpy", {"op": "memory", "network": network, "dtype": dtype})
    record = _row_record(
        MEMORY_MEASURE,
        Side("numpy", "memory", network, dtype, DEFAULT_THREADS),
        OTHER_TARGETS.get((MEMORY_MEASURE, network)),
        [memory["ratio"]],
        [memory["extra"]],
        [memory["activations"]],
    )
    parts = {name: memory[name] for name in ("by_line", "peak_line", "forward", "whole", "result")}
    return {**record, "unit": "bytes", "threads": "—", "parts": parts}


def _row_record(
    measure: str, side: Side, target: float | None, ratios: list[float], subject: list[float], baseline: list[float]
) -> dict:
    """Return one row of the record: what was compared, medians, spread and every repetition."""
    return {
        "measure": measure,
        "network": side.network,
        "dtype": side.dtype,
        "threads": _threads_label(side.threads),
        "unit": "seconds",
        "subject": statistics.median(subject),
        "baseline": statistics.median(baseline),
        "median": statistics.median(ratios),
        "low": min(ratios),
        "high": max(ratios),
        "ratios": ratios,
        "target": target,
    }


def _threads_label(threads: int | None) -> str:
    """Return how a row records its BLAS threads: the number, or ``"default"`` for the library's own."""
    return "default" if threads is None else str(threads)


def skipped_record(row: Row, reason: str) -> dict:
    """Return the row of a comparison that could not run (e.g. PyTorch is not installed)."""
    return {
        "measure": row.measure,
        "network": row.subject.network,
        "dtype": row.subject.dtype,
        "threads": _threads_label(row.subject.threads),
        "unit": "seconds",
        "subject": None,
        "median": None,
        "target": row.target,
        "reason": reason,
    }


def machine(workers: Workers, env_had: dict[str, str], keep_openblas: bool, torch: bool) -> dict:
    """Return the description of this machine and of the libraries the workers loaded."""
    numpy_info = workers.ask("numpy", {"op": "info"})
    blas = next((lib for lib in numpy_info["blas"] if lib["user_api"] == "blas"), {})
    if not env_had:
        coretype = "not set"
    elif keep_openblas:
        coretype = "kept: " + ", ".join(f"{k}={v}" for k, v in env_had.items())
    else:
        coretype = "unset for the workers (was " + ", ".join(f"{k}={v}" for k, v in env_had.items()) + ")"
    details = {
        "cpu": _cpu_name(),
        "cores": os.cpu_count(),
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "numpy": numpy_info["numpy"],
        "blas": {
            "library": blas.get("internal_api", "unknown"),
            "version": blas.get("version", "?"),
            "kernel": blas.get("architecture", "?"),
            "threading": blas.get("threading_layer", "?"),
            "default_threads": blas.get("num_threads", "?"),
        },
        "openblas_coretype": coretype,
    }
    if torch:
        torch_info = workers.ask("torch", {"op": "info"})
        details.update(torch=torch_info["torch"], torch_blas=torch_info["torch_blas"])
    return details


def _cpu_name() -> str:
    """Return the processor's model name (Linux), else what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def worker_environment(keep_openblas: bool) -> tuple[dict[str, str], dict[str, str]]:
    """Return the workers' environment, and the OpenBLAS overrides this shell had set."""
    env = dict(os.environ)
    had = {name: env[name] for name in OPENBLAS_OVERRIDES if name in env}
    if not keep_openblas:
        for name in had:  # both together, for the workers alone: tests and CI keep them
            del env[name]
    return env, had


def _load_average() -> float | None:
    """Return the one-minute load average (how many programs wanted a core), where the OS reports it."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


class OtherPrograms:
    """How many cores programs other than this benchmark used, between two readings (Linux: /proc).

    The machine's busy time (``/proc/stat``, including time the hypervisor gave
    to other machines) less the CPU time of this process, its finished
    subprocesses and its workers, per second of wall time.
    """

    def __init__(self, workers: Workers):
        self.workers = workers
        self.last = self._reading()

    def since_last(self) -> float | None:
        """Return the cores used by other programs since the previous call (None where /proc is missing)."""
        now = self._reading()
        last, self.last = self.last, now
        if now is None or last is None or now[0] <= last[0]:
            return None
        wall, busy, ours = now[0] - last[0], now[1] - last[1], now[2]
        ours_before = sum(last[2].get(name, 0.0) for name in ours)  # a worker started since: all its time is new
        return round(max(0.0, busy - (sum(ours.values()) - ours_before)) / wall, 2)

    def _reading(self) -> tuple[float, float, dict[str, float]] | None:
        """Return wall seconds, the machine's busy CPU seconds, and this benchmark's CPU seconds by process."""
        try:
            tick = os.sysconf("SC_CLK_TCK")
            fields = [int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
            ours = {"self": _process_seconds("self", tick)}
            for name, process in self.workers.processes.items():
                ours[f"{name} {process.pid}"] = _process_seconds(str(process.pid), tick)
        except (OSError, ValueError):
            return None
        times = os.times()
        ours["finished subprocesses"] = times.children_user + times.children_system
        user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
        return time.monotonic(), (user + nice + system + irq + softirq + steal) / tick, ours


def measured_quietly(
    timed: Callable[[], dict], others: OtherPrograms, retries: int, quiet_wait: float, label: str
) -> dict:
    """Return ``timed()``'s row, measured again (up to ``retries`` times) if other programs used the cores.

    Before each attempt, wait up to ``quiet_wait`` seconds for a quiet second.
    The attempt during which other programs used the fewest cores is kept; the
    row records how many they used and how many attempts were made. Which
    attempt is kept depends on the machine's load alone, never on the ratio.
    """
    kept = None
    for attempt in range(1, retries + 2):
        _wait_for_quiet(others, quiet_wait)
        others.since_last()
        row = {**timed(), "others": others.since_last(), "attempts": attempt}
        if kept is None or (row["others"] or 0.0) < (kept["others"] or 0.0):
            kept = {**row}
        kept["attempts"] = attempt
        if (row["others"] or 0.0) <= report.DISTURBED:
            break
        print(f"  {label}: other programs used {row['others']:.2f} cores", file=sys.stderr, flush=True)
    return kept


def _wait_for_quiet(others: OtherPrograms, seconds: float) -> None:
    """Wait until other programs use at most ``report.DISTURBED`` cores for a second, or ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    others.since_last()
    while time.monotonic() < deadline:
        time.sleep(1.0)
        used = others.since_last()
        if used is None or used <= report.DISTURBED:
            return


def _process_seconds(pid: str, tick: int) -> float:
    """Return the CPU seconds (user + system) process ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / tick


def _selected(only: str | None, measure: str, network: str) -> bool:
    """Return whether ``--only`` selects the row (every row when it is not given)."""
    return only is None or only.lower() in f"{measure} {network}".lower()


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """Return the command line's options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=9, help="repetitions per row (default 9)")
    parser.add_argument("--sample", type=float, default=0.1, help="seconds per timed sample (default 0.1)")
    parser.add_argument("--json-out", type=Path, help="also write the record as JSON to this file")
    parser.add_argument(
        "--retries",
        type=int,
        default=2,
        help="measure a row again, up to this many times, when other programs used more than a quarter "
        "of a core during it; the least disturbed attempt is kept (default 2)",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=20.0,
        help="seconds to wait, before each row, for other programs to leave the cores (default 20)",
    )
    parser.add_argument(
        "--only", metavar="TEXT", help="run only the rows whose measure or network (small, medium, large) contains TEXT"
    )
    parser.add_argument(
        "--keep-openblas-env",
        action="store_true",
        help="keep OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for the workers (they are removed by default)",
    )
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> dict:
    """Measure every selected row, printing the header first and progress to stderr; return the record."""
    env, had = worker_environment(args.keep_openblas_env)
    torch = importlib.util.find_spec("torch") is not None
    workers = Workers(env)
    load_at_start = _load_average()
    others = OtherPrograms(workers)
    run_others = OtherPrograms(workers)
    try:
        record = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "networks": {name: network_label(name) for name in NETWORKS},
            "lam": LAM,
            "repeats": args.repeats,
            "machine": machine(workers, had, args.keep_openblas_env, torch),
            "rows": [],
        }
        print(report.format_header(record), flush=True)
        record["rows"] += timed_records(args, workers, others, torch)
        if _selected(args.only, IMPORT_MEASURE, "—"):
            record["rows"].append(
                measured_quietly(
                    lambda: measure_import(env, max(11, args.repeats)),
                    others,
                    args.retries,
                    args.quiet_wait,
                    IMPORT_MEASURE,
                )
            )
        for network in ("small", "medium", "large"):
            for dtype in ("float64", "float32"):
                if _selected(args.only, MEMORY_MEASURE, network):
                    record["rows"].append(measure_memory(workers, network, dtype))
        record["load"] = {"start": load_at_start, "end": _load_average(), "others": run_others.since_last()}
    finally:
        workers.close()
    return record


def timed_records(args: argparse.Namespace, workers: Workers, others: OtherPrograms, torch: bool) -> list[dict]:
    """Measure the selected rows of :func:`timing_rows`; a row that needs PyTorch without it is recorded as skipped."""
    records = []
    for row in timing_rows():
        if not _selected(args.only, row.measure, row.subject.network):
            continue
        if "torch" in (row.subject.worker, row.baseline.worker) and not torch:
            records.append(skipped_record(row, "PyTorch is not installed"))
            continue
        label = f"{row.measure}: {row.subject.network} {row.subject.dtype}"
        records.append(
            measured_quietly(
                lambda row=row: measure(row, workers, args.repeats, args.sample),
                others,
                args.retries,
                args.quiet_wait,
                label,
            )
        )
        print(f"  {label} done", file=sys.stderr, flush=True)
    return records


def print_summary(record: dict) -> None:
    """Print the machine's load, the table of ratios and every missed target."""
    print(report.format_load(record))
    print()
    print(report.format_table(record))
    for row in report.missed(record):
        print(f"MISSED: {row['measure']}, {row['network']}, {row['dtype']}: {row['median']:.2f} > {row['target']}")


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark, print the table, and return 0 (1 if a worker failed)."""
    args = parse_arguments(argv)
    try:
        record = run(args)
    except WorkerFailed as error:
        print(f"benchmarks/run.py: {error}", file=sys.stderr)
        return 1
    print_summary(record)
    if args.json_out:
        args.json_out.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
