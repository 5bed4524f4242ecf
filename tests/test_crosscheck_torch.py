"""Cross-checks against the running PyTorch: autograd gradients, and SGD/Adam/AdamW trajectories.

Every tensor is float64 and built from our NumPy parameters, so the two sides
start from the same point and differ only by rounding. The optimizers get the
book's ``λ`` through :func:`l2book.conventions.torch_param_groups`: weights in a
group with ``weight_decay = λ/m``, biases in a group with 0.

PyTorch is the optional ``torch`` extra, not part of ``make test``'s install
(on Linux the package index's torch is the CUDA build, several GB). Without it
these tests skip, saying how to add the CPU build; with ``CI`` set (``.ci/run``
installs it) a missing torch fails the run instead.
"""

import os

import numpy as np
import pytest

from l2book import Layer, cost, gradients, init_params, sgd_step, weight_decay_step
from l2book.conventions import torch_param_groups
from l2book.optim import adam_init, adam_step, adamw_step
from tests.helpers import random_problem

try:
    import torch
except ImportError:
    if os.environ.get("CI"):
        pytest.fail("PyTorch is not installed; CI must run the PyTorch cross-checks (`make torch`)", pytrace=False)
    pytest.skip(
        "PyTorch is not installed: these cross-checks need the `torch` extra; `make torch` adds PyTorch's CPU build"
        " (README, 'Add the PyTorch cross-checks')",
        allow_module_level=True,
    )

# Tiny tensors: one thread avoids contending for the machine's two cores with NumPy's BLAS.
torch.set_num_threads(1)

LAM, LR, STEPS = 0.9, 0.05, 25


def to_torch(params):
    return [(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True)) for W, b in params]


def to_numpy(tensors):
    return [Layer(W.detach().numpy().copy(), b.detach().numpy().copy()) for W, b in tensors]


def torch_data_loss(tensors, X, Y, activation="tanh", loss="cross_entropy"):
    """The data loss J written with PyTorch's own functions (columns are examples, as in the book)."""
    g = {"tanh": torch.tanh, "relu": torch.relu}[activation]
    A = torch.tensor(X)
    for index, (W, b) in enumerate(tensors):
        Z = W @ A + b
        A = Z if index == len(tensors) - 1 else g(Z)
    target = torch.tensor(Y)
    if loss == "cross_entropy":
        # mean over all entries = (1/m) Σ over examples when there is one output unit
        return torch.nn.functional.binary_cross_entropy_with_logits(A, target, reduction="sum") / X.shape[1]
    return 0.5 * torch.sum((A - target) ** 2) / X.shape[1]


def largest_difference(a_layers, b_layers):
    pairs = [(a, b) for a_layer, b_layer in zip(a_layers, b_layers) for a, b in zip(a_layer, b_layer)]
    return max(float(np.abs(np.asarray(a) - np.asarray(b)).max()) for a, b in pairs)


@pytest.mark.parametrize(
    ("activation", "loss"), [("tanh", "cross_entropy"), ("relu", "cross_entropy"), ("tanh", "mse")]
)
def test_autograd_agrees_with_the_data_cost_and_its_gradients(activation, loss):
    params, X, Y = random_problem([3, 5, 4, 2], 7, seed=11, labels="binary" if loss == "cross_entropy" else "real")
    tensors = to_torch(params)
    value = torch_data_loss(tensors, X, Y, activation, loss)
    value.backward()
    autograd = [Layer(W.grad.numpy(), b.grad.numpy()) for W, b in tensors]
    assert value.item() == pytest.approx(cost(params, X, Y, 0.0, activation=activation, loss=loss), rel=1e-13)
    assert largest_difference(autograd, gradients(params, X, Y, 0.0, activation=activation, loss=loss)) < 1e-14


def torch_trajectory(optimizer_class, params, X, Y, m, steps=STEPS, **options):
    """Run a PyTorch optimizer on the *data* loss; it adds the decay itself, with the biases undecayed."""
    tensors = to_torch(params)
    weights, biases = [W for W, _ in tensors], [b for _, b in tensors]
    optimizer = optimizer_class(torch_param_groups(weights, biases, LAM, m), lr=LR, **options)
    for _ in range(steps):
        optimizer.zero_grad()
        torch_data_loss(tensors, X, Y).backward()
        optimizer.step()
    return to_numpy(tensors)


def test_sgd_weight_decay_is_the_books_l2_gradient_and_weight_decay_step():
    params, X, Y = random_problem([3, 5, 1], 10, seed=12)
    torch_params = torch_trajectory(torch.optim.SGD, params, X, Y, m=10)
    coupled, decoupled = params, params
    for _ in range(STEPS):
        coupled = sgd_step(coupled, gradients(coupled, X, Y, LAM), LR)
        decoupled = weight_decay_step(decoupled, gradients(decoupled, X, Y, 0.0), LR, LAM, 10)
    assert largest_difference(torch_params, coupled) < 1e-14
    assert largest_difference(torch_params, decoupled) < 1e-14


def test_one_sgd_step_of_chapter_3():
    # Chapter 3 restates torch.optim.SGD's rule in NumPy; this is the running PyTorch on the same set-up.
    rng = np.random.default_rng(3)
    X = rng.standard_normal((3, 40))
    Y = (X[0:1] * X[1:2] > 0).astype(float)
    net = init_params([3, 4, 1], seed=1)
    tensors = to_torch(net)
    optimizer = torch.optim.SGD(
        torch_param_groups([W for W, _ in tensors], [b for _, b in tensors], lam=2.0, m=40), lr=0.5
    )
    torch_data_loss(tensors, X, Y).backward()
    optimizer.step()
    ours = weight_decay_step(net, gradients(net, X, Y, 0.0), lr=0.5, lam=2.0, m=40)
    assert largest_difference(to_numpy(tensors), ours) < 1e-15


def test_adam_weight_decay_is_adam_step_on_the_regularized_gradient():
    params, X, Y = random_problem([3, 5, 1], 10, seed=13)
    torch_params = torch_trajectory(torch.optim.Adam, params, X, Y, m=10)
    ours, state = params, adam_init(params)
    for _ in range(STEPS):
        ours, state = adam_step(ours, gradients(ours, X, Y, LAM), state, LR)
    assert largest_difference(torch_params, ours) < 1e-13


def test_adamw_is_adamw_step():
    params, X, Y = random_problem([3, 5, 1], 10, seed=14)
    torch_params = torch_trajectory(torch.optim.AdamW, params, X, Y, m=10)
    ours, state = params, adam_init(params)
    for _ in range(STEPS):
        ours, state = adamw_step(ours, gradients(ours, X, Y, 0.0), state, LR, LAM, 10)
    assert largest_difference(torch_params, ours) < 1e-13


def test_under_adam_coupled_and_decoupled_decay_end_at_different_weights():
    params, X, Y = random_problem([3, 5, 1], 10, seed=15)
    adam = torch_trajectory(torch.optim.Adam, params, X, Y, m=10, steps=100)
    adamw = torch_trajectory(torch.optim.AdamW, params, X, Y, m=10, steps=100)
    assert largest_difference(adam, adamw) > 1e-3


def test_decaying_the_biases_too_is_a_different_trajectory():
    # PyTorch's default: one group, every parameter decayed. The book never penalizes biases.
    params, X, Y = random_problem([3, 5, 1], 10, seed=16)
    params = [Layer(W, b + 2.0) for W, b in params]  # large biases make the difference visible
    tensors = to_torch(params)
    optimizer = torch.optim.SGD([p for layer in tensors for p in layer], lr=LR, weight_decay=LAM / 10)
    for _ in range(STEPS):
        optimizer.zero_grad()
        torch_data_loss(tensors, X, Y).backward()
        optimizer.step()
    ours = params
    for _ in range(STEPS):
        ours = weight_decay_step(ours, gradients(ours, X, Y, 0.0), LR, LAM, 10)
    assert largest_difference(to_numpy(tensors), ours) > 1e-3
