"""What the benchmarks time: the networks, l2book's functions, their GEMM floor and PyTorch's versions.

Each ``*_case`` function builds its inputs once and returns a function of no
arguments that does the timed work, so building is never timed. The PyTorch
cases import torch only when called: a NumPy worker never loads it.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Memory:
    """Memory of one :func:`l2book.gradients` call, in bytes (tracemalloc)."""

    peak: int  #: largest traced total during the call, above what was traced before it
    result: int  #: bytes of the returned gradients
    activations: int  #: bytes of A^[1], ..., A^[L]: what a backward pass must keep

    @property
    def working(self) -> int:
        """Peak memory beyond the result: what the call needs on top of its inputs and output."""
        return self.peak - self.result

    @property
    def ratio(self) -> float:
        """Working memory per byte of kept activations; 1.0 is the floor of a plain backward pass."""
        return self.working / self.activations


def gradients_memory(network: str, dtype: str) -> Memory:
    """Measure the working memory of one :func:`l2book.gradients` call with tracemalloc."""
    p = make_problem(network, dtype)
    gradients(p.params, p.X, p.Y, LAM)  # anything allocated once per process happens here, untraced
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        grads = gradients(p.params, p.X, p.Y, LAM)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    dims, m = NETWORKS[network]
    return Memory(
        peak=peak,
        result=sum(array.nbytes for layer in grads for array in layer),
        activations=sum(dims[1:]) * m * np.dtype(dtype).itemsize,
    )


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
