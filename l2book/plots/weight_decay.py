"""The figure of chapter 3: where the data loss meets the penalty (Goodfellow et al.'s Fig. 7.1, computed)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from l2book._checks import float_array, nonnegative
from l2book.plots.language import translated
from l2book.plots.style import TEST_COLOUR, TRAIN_COLOUR, figure

PATH_CURVATURES = (0.2, 2.0)
"""Curvatures of the two-parameter quadratic ``J``: flat along ``w₁``, ten times stiffer along ``w₂``."""

PATH_MINIMUM = (2.0, 1.0)
"""The unregularized minimum ``w*`` of that ``J``."""

PATH_DECAY = 0.2
"""The ``λ/m`` whose regularized minimum the figure draws with its touching contour and circle (``= h₁``)."""


def regularized_minimum(hessian: np.ndarray, w_star: np.ndarray, decay: float) -> np.ndarray:
    """Return the minimum of ``½ (w − w*)ᵀ H (w − w*) + (λ/m)/2 ‖w‖²``: ``(H + (λ/m) I)⁻¹ H w*``.

    Setting the gradient ``H (w − w*) + (λ/m) w`` to zero gives it. As
    ``λ/m`` grows from 0 to ∞ the minimum moves from ``w*`` to the origin; in
    the eigenbasis of ``H`` each coordinate is scaled by ``h/(h + λ/m)``.

    Parameters
    ----------
    hessian : ndarray of shape (n, n)
        ``H``, symmetric positive semi-definite.
    w_star : ndarray of shape (n,)
        The unregularized minimum.
    decay : float
        ``λ/m ≥ 0`` (with ``λ/m > 0`` or ``H`` invertible).

    Returns
    -------
    ndarray of shape (n,)
        The regularized minimum.

    See Also
    --------
    l2book.symbolic.shrinkage_factor : ``h/(h + λ/m)``, derived by SymPy.
    Chapter [3, Weight decay](03-weight-decay.md)

    Examples
    --------
    >>> regularized_minimum(np.diag([0.2, 2.0]), np.array([2.0, 1.0]), 0.2)   # w₁ halved, w₂ × 10/11
    array([1.        , 0.90909091])
    """
    hessian = float_array("hessian", hessian)
    n = hessian.shape[0]
    if hessian.shape != (n, n) or not np.array_equal(hessian, hessian.T):
        raise ValueError(f"hessian must be a symmetric square matrix, got shape {hessian.shape}")
    w_star = float_array("w_star", w_star, ndim=1)
    if w_star.shape != (n,):
        raise ValueError(f"w_star must have shape ({n},) to match hessian, got {w_star.shape}")
    decay = nonnegative("decay", decay)
    return np.linalg.solve(hessian + decay * np.eye(n), hessian @ w_star)


@figure("l2-contours")
def l2_contours_figure(
    curvatures: Sequence[float] = PATH_CURVATURES, w_star: Sequence[float] = PATH_MINIMUM, decay: float = PATH_DECAY
) -> Figure:
    """Draw contours of a two-parameter ``J``, circles of the penalty, and the regularized minimum as ``λ`` grows.

    ``J(w) = ½ Σ hᵢ (wᵢ − w*ᵢ)²``. The path of :func:`regularized_minimum` runs
    from ``w*`` (``λ = 0``) to the origin (``λ → ∞``); at the marked ``λ/m`` a
    contour of ``J`` and a circle ``‖w‖ = r`` touch at the minimum: there the
    two gradients are opposite, which is the condition for a minimum of the sum.

    Parameters
    ----------
    curvatures : pair of float, default PATH_CURVATURES
        ``h₁, h₂ > 0``: the Hessian of ``J`` is ``diag(h₁, h₂)``.
    w_star : pair of float, default PATH_MINIMUM
        The unregularized minimum.
    decay : float, default PATH_DECAY
        The ``λ/m`` drawn with its contour and circle.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; :func:`svg_text` turns it into the SVG the book publishes.

    See Also
    --------
    regularized_minimum : the points of the path.
    Chapter [3, Weight decay](03-weight-decay.md)

    Examples
    --------
    >>> figure = l2_contours_figure()
    >>> path = figure.axes[0].lines[0]
    >>> [round(float(v), 3) for v in (path.get_xdata()[0], path.get_ydata()[0])]    # it starts at w*
    [2.0, 1.0]
    """
    hessian = np.diag(np.asarray(curvatures, dtype=np.float64))
    w_star = np.asarray(w_star, dtype=np.float64)
    decays = np.concatenate([[0.0], np.geomspace(1e-3, 1e3, 400)])  # 0, then λ/m from 0.001 to 1000 (≈ ∞)
    path = np.array([regularized_minimum(hessian, w_star, d) for d in decays])
    chosen = regularized_minimum(hessian, w_star, decay)

    figure = Figure(figsize=(5.6, 4.0), layout="constrained")
    ax = figure.subplots()
    ax.plot(path[:, 0], path[:, 1], "-", color="black", linewidth=1.8, label=translated("regularized minimum, λ from 0 to ∞"))
    extent = float(np.abs(w_star).max())
    w1, w2 = np.meshgrid(np.linspace(-0.4 * extent, 1.5 * extent, 301), np.linspace(-0.4 * extent, extent, 301))
    data_loss = 0.5 * (hessian[0, 0] * (w1 - w_star[0]) ** 2 + hessian[1, 1] * (w2 - w_star[1]) ** 2)
    ax.contour(w1, w2, data_loss, levels=np.geomspace(0.02, 2.0, 6), colors=TEST_COLOUR, linewidths=0.7, alpha=0.6)
    ax.contour(w1, w2, np.hypot(w1, w2), levels=np.linspace(0.5, 2.5, 5), colors=TRAIN_COLOUR, linewidths=0.7,
               linestyles="dashed", alpha=0.6)  # fmt: skip
    # The contour of J and the circle through the chosen minimum: they touch there.
    ax.contour(w1, w2, data_loss, levels=[_quadratic(hessian, w_star, chosen)], colors=TEST_COLOUR, linewidths=1.6)
    ax.contour(w1, w2, np.hypot(w1, w2), levels=[float(np.linalg.norm(chosen))], colors=TRAIN_COLOUR,
               linewidths=1.6, linestyles="dashed")  # fmt: skip
    ax.plot(*w_star, "o", color="black", markersize=5)
    ax.annotate(translated("w*  (λ = 0)"), w_star, xytext=(0, 9), textcoords="offset points", ha="center", fontsize=8)
    ax.plot(*chosen, "o", color="white", markeredgecolor="black", markersize=6)
    ax.annotate(f"λ/m = {decay:g}", chosen, xytext=(-4, 9), textcoords="offset points", ha="right", fontsize=8)
    ax.plot(0.0, 0.0, "+", color="black", markersize=8)
    ax.annotate("λ → ∞", (0.0, 0.0), xytext=(-6, -12), textcoords="offset points", ha="right", fontsize=8)
    ax.plot([], [], color=TEST_COLOUR, linewidth=1.0, label=translated("contours of the data loss J"))
    ax.plot([], [], color=TRAIN_COLOUR, linewidth=1.0, linestyle="dashed", label=translated("circles of the penalty ‖w‖²"))
    ax.set_aspect("equal")
    ax.set_xlabel(translated("$w_1$ (flat direction)"))
    ax.set_ylabel(translated("$w_2$ (stiff direction)"))
    ax.set_title(translated("L2 pulls the minimum in along the flat direction first"))
    figure.legend(loc="outside lower center", ncols=2)
    return figure


def _quadratic(hessian: np.ndarray, w_star: np.ndarray, w: np.ndarray) -> float:
    """Return ``½ (w − w*)ᵀ H (w − w*)``."""
    return float(0.5 * (w - w_star) @ hessian @ (w - w_star))
