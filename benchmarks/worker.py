"""A benchmark worker: one process, one library, timing what ``run.py`` asks for.

``python benchmarks/worker.py numpy`` or ``... torch``. It reads one JSON
request per line on stdin and answers with one JSON line on stdout:

- ``{"op": "info"}`` → versions, BLAS libraries and thread counts of this process;
- ``{"op": "time", "case": ..., "network": ..., "dtype": ..., "threads": ..., "calls": n}``
  → ``{"seconds": s}``, the mean time of ``n`` calls (the case is built and
  warmed up on first use, outside any timing);
- ``{"op": "memory", "network": ..., "dtype": ...}`` → the extra memory of one ``gradients``
  call and its parts, in bytes (tracemalloc; see ``cases.gradients_memory``).

Each library runs in its own worker because two BLAS thread pools in one
process (NumPy's OpenBLAS, PyTorch's MKL and OpenMP) compete for the same
cores and slow each other down.
"""

from __future__ import annotations

import gc
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import asdict

import cases
from threadpoolctl import threadpool_info, threadpool_limits


def main(side: str) -> None:
    """Answer requests until stdin closes."""
    if side == "torch":
        import torch

        torch.set_num_threads(1)  # PyTorch rows are measured at one thread
    built: dict[tuple[str, str, str], Callable[[], object]] = {}
    for line in sys.stdin:
        request = json.loads(line)
        print(json.dumps(answer(request, built, side)), flush=True)


def answer(request: dict, built: dict, side: str) -> dict:
    """Return the reply to one request."""
    if request["op"] == "info":
        return info(side)
    if request["op"] == "memory":
        memory = cases.gradients_memory(request["network"], request["dtype"])
        return {**asdict(memory), "extra": memory.extra, "ratio": memory.ratio}
    key = (request["case"], request["network"], request["dtype"])
    with threadpool_limits(limits=request["threads"]):  # None: the BLAS library's default
        if key not in built:
            built[key] = cases.CASES[key[0]](key[1], key[2])
            built[key]()  # warm-up: caches, allocator, thread pools
        return {"seconds": mean_time(built[key], request["calls"])}


def mean_time(function: Callable[[], object], calls: int) -> float:
    """Return the mean wall time of ``calls`` calls, with the garbage collector paused as timeit does."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(calls):
            function()
        return (time.perf_counter() - start) / calls
    finally:
        if collecting:
            gc.enable()


def info(side: str) -> dict:
    """Return what this process runs on: library versions and the BLAS it loaded."""
    import numpy as np

    details = {"numpy": np.__version__, "blas": threadpool_info()}
    if side == "torch":
        import torch

        details.update(
            torch=torch.__version__,
            torch_threads=torch.get_num_threads(),
            torch_mkl=torch.backends.mkl.is_available(),
            torch_blas=_torch_blas(torch),
        )
    return details


def _torch_blas(torch) -> str:
    """Return the BLAS line of PyTorch's build configuration, e.g. ``BLAS_INFO=mkl``."""
    found = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    return f"BLAS: {found[1]}" if found else "BLAS: unknown"


if __name__ == "__main__":
    main(sys.argv[1])
