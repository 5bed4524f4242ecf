"""What the benchmarks measure: the networks, l2book's functions, their GEMM floor, PyTorch's versions, memory.

Each ``*_case`` function builds its inputs once and returns a function of no
arguments that does the timed work, so building is never timed. The PyTorch
cases import torch only when called: a NumPy worker never loads it.
"""

from __future__ import annotations

import linecache
import sys
import tracemalloc
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import CodeType, FrameType

import numpy as np

from l2book import Layer, check_gradients, gradients, init_params, relative_error
from l2book.network import _checked_problem, _forward_pass

#: The three networks of the issue: layer widths and number of examples.
NETWORKS = {
    "small": ((2, 20, 3, 1), 200),
    "medium": ((784, 256, 256, 10), 256),
    "large": ((784, 1024, 1024, 10), 1024),
}
#: Regularization strength of every timed call: nonzero, so the penalty is part of the work.
LAM = 0.5


@dataclass(frozen=True)
class Problem:
    """Parameters, inputs and binary labels of one network in one dtype."""

    params: list[Layer]
    X: np.ndarray
    Y: np.ndarray


def make_problem(network: str, dtype: str) -> Problem:
    """Return the benchmark problem for ``network`` in ``dtype``, the same on every call."""
    dims, m = NETWORKS[network]
    rng = np.random.default_rng(1)
    X = rng.standard_normal((dims[0], m)).astype(dtype)
    Y = rng.integers(0, 2, (dims[-1], m)).astype(dtype)
    return Problem(init_params(dims, seed=0, dtype=np.dtype(dtype).type), X, Y)


def network_label(network: str) -> str:
    """Return e.g. ``"784-256-256-10, m=256"``."""
    dims, m = NETWORKS[network]
    return "-".join(map(str, dims)) + f", m={m}"


# --- NumPy side --------------------------------------------------------------------------


def gradients_case(network: str, dtype: str) -> Callable[[], object]:
    """One call of :func:`l2book.gradients`: forward, backward and the L2 term."""
    p = make_problem(network, dtype)
    return lambda: gradients(p.params, p.X, p.Y, LAM)


def gemm_floor_case(network: str, dtype: str) -> Callable[[], object]:
    """Time the matrix products of one forward and backward pass alone: same shapes, transposes and dtype.

    Forward ``W^[l] A^[l-1]`` for every layer; backward ``dZ^[l] A^[l-1]ᵀ`` for
    every layer and ``W^[l]ᵀ dZ^[l]`` for every layer but the first (nothing
    needs ``dX``). Each product is one whole ``@`` with a fresh result, as
    plain NumPy code writes it. The inputs are real activations and random
    deltas, made before timing.
    """
    weights, activations, deltas = _floor_operands(network, dtype)
    return lambda: _products(weights, activations, deltas)


def _floor_operands(network: str, dtype: str) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Return the weights, the inputs ``A^[l-1]`` of every layer and random deltas ``dZ^[l]``."""
    p = make_problem(network, dtype)
    activations, _ = _forward_pass(p.params, p.X, "tanh")
    weights = [layer.W for layer in p.params]
    rng = np.random.default_rng(2)
    deltas = [rng.standard_normal((W.shape[0], p.X.shape[1])).astype(dtype) for W in weights]
    return weights, activations, deltas


def _products(weights: list, activations: list, deltas: list) -> None:
    """Compute (and drop) every matrix product of a forward and backward pass; works for NumPy and torch."""
    for W, A in zip(weights, activations, strict=True):
        W @ A
    for dZ, A in zip(deltas, activations, strict=True):
        dZ @ A.T
    for W, dZ in zip(weights[1:], deltas[1:], strict=True):
        W.T @ dZ


def validation_case(network: str, dtype: str) -> Callable[[], object]:
    """Time the input validation that :func:`l2book.gradients` does before any arithmetic, alone."""
    p = make_problem(network, dtype)
    return lambda: _checked_problem(p.params, p.X, p.Y, LAM, "tanh", "cross_entropy")


def tanh_case(network: str, dtype: str) -> Callable[[], object]:
    """Time the tanh of every hidden layer's pre-activation, alone, into buffers made before timing."""
    p = make_problem(network, dtype)
    pre_activations, A = [], p.X
    for W, b in p.params[:-1]:
        pre_activations.append(W @ A + b)
        A = np.tanh(pre_activations[-1])
    buffers = [np.empty_like(Z) for Z in pre_activations]

    def tanh() -> None:
        for Z, out in zip(pre_activations, buffers, strict=True):
            np.tanh(Z, out=out)

    return tanh


def check_case(network: str, dtype: str, directions: int | None) -> Callable[[], object]:
    """One :func:`l2book.check_gradients` call, per coordinate (``None``) or along ``directions`` directions."""
    p = make_problem(network, dtype)
    first = check_gradients(p.params, p.X, p.Y, LAM, directions=directions)
    if not first.passed:  # timing a check that fails would time the wrong thing
        raise RuntimeError(f"check_gradients failed on the {network} network: {first}")
    return lambda: check_gradients(p.params, p.X, p.Y, LAM, directions=directions)


# --- Memory ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Memory:
    """Extra memory of one :func:`l2book.gradients` call, and its yardstick, in bytes (tracemalloc).

    The extra memory is the largest value, over the whole call, of what the
    call has allocated and still holds less the gradients it has made by then:
    those are its result, which the caller keeps. ``by_line`` measures it line
    by line; ``forward`` and ``whole``, measured without tracing, are lower
    bounds that check it. ``extra`` is the largest of the three: on every
    network ``by_line``, the only one that sees inside the backward pass.
    """

    by_line: int  #: the largest, over the lines the call runs, of the line's peak less the gradients made by its end
    peak_line: str  #: where ``by_line`` is reached: ``"function: source line"``
    forward: int  #: peak of validation and the forward pass alone, which end holding every activation and no gradient
    whole: int  #: peak of the whole call less all the gradients it returns (earlier records' "working memory")
    result: int  #: bytes of the returned gradients
    activations: int  #: bytes of A^[1], ..., A^[L-1] and Z^[L]: what a backward pass must keep

    @property
    def extra(self) -> int:
        """The call's extra memory: the largest of the three measurements."""
        return max(self.by_line, self.forward, self.whole)

    @property
    def ratio(self) -> float:
        """Extra memory per byte of kept activations: 1.0 is the floor for any backprop that keeps them."""
        return self.extra / self.activations


def gradients_memory(network: str, dtype: str) -> Memory:
    """Measure the extra memory of one :func:`l2book.gradients` call with tracemalloc (deterministic)."""
    p = make_problem(network, dtype)

    def call() -> list[Layer]:
        return gradients(p.params, p.X, p.Y, LAM)

    def forward() -> tuple[list[np.ndarray], np.ndarray]:  # what gradients runs first
        params, X, _, _ = _checked_problem(p.params, p.X, p.Y, LAM, "tanh", "cross_entropy")
        return _forward_pass(params, X, "tanh")

    call(), forward()  # anything allocated once per process happens here, untraced
    grads, whole_peak = _peak_of(call)
    _, forward_peak = _peak_of(forward)
    _peak_by_line(call)  # tracing allocates once per function it first traces: here, not below
    by_line, peak_line = _peak_by_line(call)
    dims, m = NETWORKS[network]
    result = _bytes_of(_owners_in(grads))
    return Memory(
        by_line=by_line,
        peak_line=peak_line,
        forward=forward_peak,
        whole=whole_peak - result,
        result=result,
        activations=sum(dims[1:]) * m * np.dtype(dtype).itemsize,
    )


def _peak_of(function: Callable[[], object]) -> tuple[object, int]:
    """Return ``function()`` and the peak of the memory it allocated, above what was allocated before it."""
    with _tracing_allocations():
        before = tracemalloc.get_traced_memory()[0]
        result = function()
        return result, tracemalloc.get_traced_memory()[1] - before


@contextmanager
def _tracing_allocations() -> Iterator[None]:
    """Trace allocations with tracemalloc, from a fresh peak; stop afterwards unless it was already on."""
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        yield
    finally:
        if started:
            tracemalloc.stop()


#: Most lines one measured call may run; gradients runs about a thousand on the large network.
MAX_TRACED_LINES = 200_000


def _peak_by_line(function: Callable[[], object]) -> tuple[int, str]:
    """Return the largest extra memory of ``function()`` over the lines it runs, and the line.

    Python calls a trace function before every line of the call (``sys.settrace``);
    there tracemalloc gives the peak since the previous line, and is reset. A
    line's extra memory is its peak less the outputs made by its end. Outputs
    are found by weak reference: an array that a line's frame holds (in a local
    variable, or in a list or tuple of them) and that the call returns was made
    by then. A line that makes an output is charged its peak less that output,
    which is exact when the output is the last thing the line allocates, as in
    ``dW = dZ @ A_prev.T``. The trace function writes into arrays made before
    tracing starts, so what it keeps is only its record of the arrays seen
    (subtracted); Python's frame objects and their dicts of locals, which
    tracing makes, are counted with the call.
    """
    peaks = np.zeros(MAX_TRACED_LINES + 1, dtype=np.int64)  # peaks[i]: highest traced memory, event i-1 to i
    codes: list[CodeType | None] = [None] * MAX_TRACED_LINES  # codes[i], numbers[i]: the line starting at event i
    numbers = np.zeros(MAX_TRACED_LINES, dtype=np.int64)
    first_held: dict[int, tuple[weakref.ref, int]] = {}  # id(array) -> (array, first event it was held at)
    kept = 0  # bytes of first_held
    events = 0

    def trace(frame: FrameType, event: str, arg: object) -> Callable:
        nonlocal kept, events
        if events == MAX_TRACED_LINES:
            raise RuntimeError(f"the measured call ran more than MAX_TRACED_LINES = {MAX_TRACED_LINES} lines")
        peaks[events] = tracemalloc.get_traced_memory()[1] - kept
        codes[events], numbers[events] = frame.f_code, frame.f_lineno
        events += 1
        for owner in _owners_in(frame.f_locals.values()):
            known = first_held.get(id(owner))
            if known is None or known[0]() is not owner:
                before = tracemalloc.get_traced_memory()[0]
                first_held[id(owner)] = (weakref.ref(owner), events - 1)
                kept += tracemalloc.get_traced_memory()[0] - before
        tracemalloc.reset_peak()
        return trace

    with _tracing_allocations():
        start = tracemalloc.get_traced_memory()[0]
        outer = sys.gettrace()  # e.g. a coverage tool's, given back afterwards
        sys.settrace(trace)
        try:
            result = function()
        finally:
            sys.settrace(outer)
        peaks[events] = tracemalloc.get_traced_memory()[1] - kept  # the last line, to the return
    # Each output exists from the first event its array was held at to the end of the call.
    made = np.zeros(events + 1, dtype=np.int64)
    for owner in _owners_in([result]):
        known = first_held.get(id(owner))
        made[known[1] if known is not None and known[0]() is owner else events] += owner.nbytes
    outputs = np.cumsum(made)
    # Line j runs from event j to event j + 1: its peak is peaks[j + 1], its outputs outputs[j + 1].
    extra = peaks[1 : events + 1] - start - outputs[1:]
    line = int(np.argmax(extra))
    code = codes[line]
    return int(extra[line]), f"{code.co_name}: {linecache.getline(code.co_filename, int(numbers[line])).strip()}"


def _owners_in(values: Iterable[object]) -> list[np.ndarray]:
    """Return the arrays that own the memory of the arrays in ``values`` (or in lists and tuples in them), once each."""
    owners: dict[int, np.ndarray] = {}
    for value in values:
        if isinstance(value, (list, tuple)):
            owners.update((id(owner), owner) for owner in _owners_in(value))
        elif isinstance(value, np.ndarray):
            while isinstance(value.base, np.ndarray):
                value = value.base
            owners[id(value)] = value
    return list(owners.values())


def _bytes_of(arrays: list[np.ndarray]) -> int:
    return sum(array.nbytes for array in arrays)


# --- PyTorch side ------------------------------------------------------------------------


def torch_cost(problem: Problem) -> tuple[Callable[..., object], list[object]]:
    """Return PyTorch's regularized cost as a function of the parameter tensors, and those tensors.

    The same network and cost as :func:`l2book.cost`: tanh hidden layers,
    cross-entropy from the logits averaged over the ``m`` examples (summed
    over outputs), plus ``λ/(2m) Σ‖W‖²``.
    """
    import torch
    import torch.nn.functional as F

    X, Y = torch.from_numpy(problem.X), torch.from_numpy(problem.Y)
    m = problem.X.shape[1]
    tensors = [torch.tensor(array, requires_grad=True) for layer in problem.params for array in layer]

    def cost(*flat: torch.Tensor) -> torch.Tensor:
        weights, biases = flat[0::2], flat[1::2]
        A = X
        for W, b in zip(weights[:-1], biases[:-1], strict=True):
            A = torch.tanh(torch.addmm(b, W, A))
        Z = torch.addmm(biases[-1], weights[-1], A)
        data = F.binary_cross_entropy_with_logits(Z, Y, reduction="sum") / m
        return data + LAM / (2 * m) * sum(torch.sum(W * W) for W in weights)

    return cost, tensors


def torch_gradients_case(network: str, dtype: str) -> Callable[[], object]:
    """PyTorch eager autograd: build the graph of the cost, then ``torch.autograd.grad``.

    Before timing, the gradients are compared with :func:`l2book.gradients`, so
    both sides provably compute the same numbers.
    """
    import torch

    p = make_problem(network, dtype)
    cost, tensors = torch_cost(p)

    def grads() -> tuple[torch.Tensor, ...]:
        return torch.autograd.grad(cost(*tensors), tensors)

    ours = np.concatenate([a.ravel() for layer in gradients(p.params, p.X, p.Y, LAM) for a in layer])
    theirs = np.concatenate([g.detach().numpy().ravel() for g in grads()]).astype(ours.dtype)
    error = relative_error(ours, theirs)
    if error > (1e-10 if dtype == "float64" else 1e-4):
        raise RuntimeError(f"PyTorch and l2book disagree on the {network} network ({dtype}): {error:.1e}")
    return grads


def torch_gradcheck_case(network: str, dtype: str) -> Callable[[], object]:
    """``torch.autograd.gradcheck(fast_mode=True)`` of the same cost, default tolerances (float64)."""
    import torch

    cost, tensors = torch_cost(make_problem(network, dtype))
    inputs = tuple(tensors)
    if not torch.autograd.gradcheck(cost, inputs, fast_mode=True):
        raise RuntimeError("torch.autograd.gradcheck failed")
    return lambda: torch.autograd.gradcheck(cost, inputs, fast_mode=True)


def torch_gemm_floor_case(network: str, dtype: str) -> Callable[[], object]:
    """Time the products of :func:`gemm_floor_case` with PyTorch (its own BLAS) on the same arrays."""
    import torch

    weights, activations, deltas = (
        [torch.from_numpy(array) for array in arrays] for arrays in _floor_operands(network, dtype)
    )
    return lambda: _products(weights, activations, deltas)


#: Every timed case by name, as the workers look them up.
CASES: dict[str, Callable[[str, str], Callable[[], object]]] = {
    "gradients": gradients_case,
    "gemm_floor": gemm_floor_case,
    "validation": validation_case,
    "tanh": tanh_case,
    "coordinate_check": lambda network, dtype: check_case(network, dtype, None),
    "directional_check_1": lambda network, dtype: check_case(network, dtype, 1),
    "directional_check_10": lambda network, dtype: check_case(network, dtype, 10),
    "torch_gradients": torch_gradients_case,
    "torch_gradcheck": torch_gradcheck_case,
    "torch_gemm_floor": torch_gemm_floor_case,
}
