"""Which derivations the book displays, registered beside each one, and the check a displayed formula must pass.

A page writes ``<!-- formula: NAME -->`` on its own line and the site build puts
``FORMULAS[NAME]()`` there, so the page cannot show what the code did not
derive. A derivation is registered by decorating it with :func:`formula` where
it is defined; a step SymPy is asked to :func:`confirm` raises
``ArithmeticError`` if it does not hold, so a formula that reaches the page was
checked on the way. The LaTeX is kept in the disk cache of
``l2book.experiments.cache``, keyed by the source of the derivation's module
and SymPy's version: SymPy derives each formula once per change of its code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from l2book.experiments.cache import through_disk_cache

Derive = TypeVar("Derive", bound=Callable[..., Any])

FORMULAS: dict[str, Callable[[], str]] = {}
"""The derivations the book displays, by name: each returns LaTeX for one ``$$ … $$`` block."""


def formula(name: str, *args: Any, part: int | None = None) -> Callable[[Derive], Derive]:
    """Register the decorated derivation in :data:`FORMULAS` as ``name``; it is returned unchanged.

    ``FORMULAS[name]()`` calls the derivation with ``args`` and returns the
    ``.latex`` of its result, or of ``result[part]`` when it returns several
    (from the disk cache when this code derived it before).
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
            # The same derivation of the same code gives the same LaTeX: the site build, the
            # notebooks and the tests read it from the disk cache instead of asking SymPy again.
            return through_disk_cache(
                lambda: _latex(derive(*args), part),
                key=("formula", name, derive.__module__, derive.__qualname__, args, part),
                depends_on=(derive.__module__,),
                libraries=("sympy",),
            )

        FORMULAS[name] = latex
        return derive

    return register


def _latex(derived: Any, part: int | None) -> str:
    """The LaTeX of a derivation's result, or of its ``part``-th result."""
    return (derived if part is None else derived[part]).latex


def confirm(holds: bool, claim: str) -> None:
    """Raise ``ArithmeticError`` unless SymPy confirmed ``claim`` (``holds`` is its verdict)."""
    if not holds:
        raise ArithmeticError(f"SymPy could not confirm that {claim}")


def is_zero(expression: Any) -> bool:
    """Whether SymPy reduced ``expression`` to zero (a scalar 0 or a zero matrix)."""
    return bool(expression == 0 or getattr(expression, "is_ZeroMatrix", False))
