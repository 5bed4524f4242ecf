"""The implement-exercises: each one's signature, statement, chapter, and the verified function that answers it.

An exercise is registered by decorating its reference solution with
:func:`exercise`. The solution's name, parameters and docstring are what the
reader gets in the starter file; its body only calls the verified library, so
the grader has no second implementation of anything.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from l2book.exercises.problems import Problem, fresh_layers
from l2book.network import cost, gradients
from l2book.optim import weight_decay_step
from l2book.penalty import l2_penalty as verified_l2_penalty


@dataclass(frozen=True)
class Section:
    """A section of the book: the place a message sends the reader to."""

    chapter: int
    title: str
    anchor: str  # page#anchor, relative to the site's root

    def __str__(self) -> str:
        return f"chapter {self.chapter}, '{self.title}' ({self.anchor})"


SYMBOLS = Section(2, "The symbols", "02-regularized-loss.md#the-symbols")
COST_TERMS = Section(2, "A network to take apart", "02-regularized-loss.md#a-network-to-take-apart")
DATA_LOSS = Section(2, "The data loss J", "02-regularized-loss.md#the-data-loss-j")
PENALTY = Section(2, "The penalty: λ, the ½ and the 1/m", "02-regularized-loss.md#the-penalty-the-12-and-the-1m")
BIASES = Section(2, "Why the biases are not penalized", "02-regularized-loss.md#why-the-biases-are-not-penalized")
PENALTY_GRADIENT = Section(3, "The gradient of the penalty", "03-weight-decay.md#the-gradient-of-the-penalty")
UPDATE_RULE = Section(3, "The update rule, read two ways", "03-weight-decay.md#the-update-rule-read-two-ways")
BACKPROP = Section(6, "Planted bugs, and how each is caught", "06-checks.md#planted-bugs-and-how-each-is-caught")
ROUNDING = Section(6, "The step size: truncation against rounding",
                   "06-checks.md#the-step-size-truncation-against-rounding")


@dataclass(frozen=True)
class Exercise:
    """An implement-exercise: what the reader writes and how the grader calls it.

    Attributes
    ----------
    name : str
        The function's name, which the reader's function must share.
    signature : str
        ``name(parameters) -> returns``.
    statement : str
        One sentence: what the function returns.
    chapter : int
        The chapter whose exercises hold it.
    section : Section
        Where the book explains what the function computes.
    data_section, penalty_section : Section
        Where the book explains its data part and its penalty part.
    output : str or tuple of str
        The name of the returned number, or the names of the two arrays of each returned pair.
    arguments : callable
        ``Problem -> tuple``: fresh arguments for one call on a problem.
    reference : callable
        The verified answer, called with the same arguments.
    verified : str
        The library function the reference calls, for the reader.
    """

    name: str
    signature: str
    statement: str
    chapter: int
    section: Section
    data_section: Section
    penalty_section: Section
    output: str | tuple[str, str]
    arguments: Callable[[Problem], tuple]
    reference: Callable[..., Any]
    verified: str

    @property
    def docstring(self) -> str:
        """The reference's docstring, which the starter file gives the reader."""
        return inspect.getdoc(self.reference) or ""

    @property
    def parameters(self) -> list[str]:
        """The names of the function's parameters, in order."""
        return list(inspect.signature(self.reference).parameters)


#: The implement-exercises by name, in the order the book poses them.
EXERCISES: dict[str, Exercise] = {}


def exercise(
    *,
    verified: str,
    statement: str,
    section: Section,
    arguments: Callable[[Problem], tuple],
    output: str | tuple[str, str],
    data_section: Section | None = None,
    penalty_section: Section | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated reference solution as an exercise of chapter ``section.chapter``."""

    def register(reference: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(reference)
        returns = signature.return_annotation
        EXERCISES[reference.__name__] = Exercise(
            name=reference.__name__,
            signature=f"{reference.__name__}({', '.join(signature.parameters)}) -> {returns}",
            statement=statement,
            chapter=section.chapter,
            section=section,
            data_section=data_section or section,
            penalty_section=penalty_section or section,
            output=output,
            arguments=arguments,
            reference=reference,
            verified=verified,
        )
        return reference

    return register


@exercise(
    verified="l2book.l2_penalty",
    statement="Return the L2 penalty λ/(2m) Σ_l ‖W^[l]‖_F² of the weight matrices.",
    section=PENALTY,
    arguments=lambda p: ([W.copy() for W in p.weights], p.lam, p.m),
    output="the penalty",
)
def l2_penalty(weights, lam, m) -> float:
    """Return the L2 penalty ``λ/(2m) · Σ_l ‖W^[l]‖_F²``.

    Parameters
    ----------
    weights : list of ndarray
        The weight matrices ``W^[l]`` (not the biases).
    lam : float
        The regularization strength ``λ ≥ 0``.
    m : int
        The number of training examples.

    Returns
    -------
    float
        The penalty.
    """
    return verified_l2_penalty(weights, lam, m)


@exercise(
    verified="l2book.cost",
    statement="Return the regularized cost J + λ/(2m) Σ_l ‖W^[l]‖_F² of a tanh network with a sigmoid output.",
    section=COST_TERMS,
    data_section=DATA_LOSS,
    penalty_section=PENALTY,
    arguments=lambda p: (fresh_layers(p.params), p.X.copy(), p.Y.copy(), p.lam),
    output="the cost",
)
def regularized_cost(params, X, Y, lam) -> float:
    """Return ``J + λ/(2m) · Σ_l ‖W^[l]‖_F²`` for tanh hidden layers and a sigmoid output.

    ``J`` is the mean over the ``m`` examples of the binary cross-entropy
    ``−y log ŷ − (1 − y) log(1 − ŷ)``. The biases are not penalized.

    Parameters
    ----------
    params : list of (W, b) pairs
        ``W^[l]`` of shape ``(n_l, n_{l-1})`` and ``b^[l]`` of shape ``(n_l, 1)``.
    X : ndarray of shape (n_x, m)
        Inputs, one column per example.
    Y : ndarray of shape (1, m)
        Labels, 0 or 1.
    lam : float
        The regularization strength ``λ ≥ 0``.

    Returns
    -------
    float
        The regularized cost.
    """
    return cost(params, X, Y, lam)


@exercise(
    verified="l2book.gradients",
    statement="Return the gradient of regularized_cost: a (dW, db) pair per layer, dW = ∂J/∂W + (λ/m)·W.",
    section=PENALTY_GRADIENT,
    data_section=BACKPROP,
    arguments=lambda p: (fresh_layers(p.params), p.X.copy(), p.Y.copy(), p.lam),
    output=("dW", "db"),
)
def backward(params, X, Y, lam) -> list:
    """Return the gradient of ``regularized_cost``: one ``(dW, db)`` pair per layer.

    Backpropagation through tanh hidden layers and a sigmoid output with
    cross-entropy: ``dW^[l] = ∂J/∂W^[l] + (λ/m)·W^[l]`` and
    ``db^[l] = ∂J/∂b^[l]`` (the biases are not penalized).

    Parameters
    ----------
    params : list of (W, b) pairs
        ``W^[l]`` of shape ``(n_l, n_{l-1})`` and ``b^[l]`` of shape ``(n_l, 1)``.
    X : ndarray of shape (n_x, m)
        Inputs, one column per example.
    Y : ndarray of shape (1, m)
        Labels, 0 or 1.
    lam : float
        The regularization strength ``λ ≥ 0``.

    Returns
    -------
    list of (dW, db) pairs
        ``dW`` shaped like ``W``, ``db`` like ``b``; ``params`` is left unchanged.
    """
    return gradients(params, X, Y, lam)


@exercise(
    verified="l2book.weight_decay_step",
    statement="Return one gradient step in weight-decay form: W ← (1 − αλ/m)·W − α·dW, b ← b − α·db.",
    section=UPDATE_RULE,
    arguments=lambda p: (fresh_layers(p.params), fresh_layers(p.data_grads), p.lr, p.lam, p.m),
    output=("W", "b"),
)
def weight_decay_update(params, grads, lr, lam, m) -> list:
    """Return the parameters after one step ``W ← (1 − αλ/m)·W − α·dW``, ``b ← b − α·db``.

    Parameters
    ----------
    params : list of (W, b) pairs
        The current parameters.
    grads : list of (dW, db) pairs
        The gradients of the data loss ``J`` alone (no penalty term).
    lr : float
        The learning rate ``α > 0``.
    lam : float
        The regularization strength ``λ ≥ 0``.
    m : int
        The number of training examples.

    Returns
    -------
    list of (W, b) pairs
        The new parameters; ``params`` and ``grads`` are left unchanged.
    """
    return weight_decay_step(params, grads, lr, lam, m)

