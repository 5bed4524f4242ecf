"""Which derivations the book displays, registered beside each one, and the check a displayed formula must pass.

A page writes ``<!-- formula: NAME -->`` on its own line and the site build puts
``FORMULAS[NAME]()`` there, so the page cannot show what the code did not
derive. A derivation is registered by decorating it with :func:`formula` where
it is defined; a step SymPy is asked to :func:`confirm` raises
``ArithmeticError`` if it does not hold, so a formula that reaches the page was
checked on the way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

Derive = TypeVar("Derive", bound=Callable[..., Any])

FORMULAS: dict[str, Callable[[], str]] = {}
"""The derivations the book displays, by name: each returns LaTeX for one ``$$ … $$`` block."""


def formula(name: str, *args: Any, part: int | None = None) -> Callable[[Derive], Derive]:
    """Register the decorated derivation in :data:`FORMULAS` as ``name``; it is returned unchanged.

    ``FORMULAS[name]()`` calls the derivation with ``args`` and returns the
    ``.latex`` of its result, or of ``result[part]`` when it returns several.
    Stack the decorator to show one derivation in several ways.

    Examples
    --------
    >>> from l2book.symbolic import Derivation, lam
    >>> @formula("example_lambda")
    ... def example() -> Derivation:
    ...     return Derivation(lam, 2 * lam)
    >>> print(FORMULAS.pop("example_lambda")())
    \\lambda = 2 \\lambda
    """

    def register(derive: Derive) -> Derive:
        if name in FORMULAS:
            raise ValueError(f"formula {name!r} is already registered")

        def latex() -> str:
            derived = derive(*args)
            return (derived if part is None else derived[part]).latex

        FORMULAS[name] = latex
        return derive

    return register


def confirm(holds: bool, claim: str) -> None:
    """Raise ``ArithmeticError`` unless SymPy confirmed ``claim`` (``holds`` is its verdict)."""
    if not holds:
        raise ArithmeticError(f"SymPy could not confirm that {claim}")


def is_zero(expression: Any) -> bool:
    """Whether SymPy reduced ``expression`` to zero (a scalar 0 or a zero matrix)."""
    return bool(expression == 0 or getattr(expression, "is_ZeroMatrix", False))
