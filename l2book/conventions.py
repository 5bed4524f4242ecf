"""Convert this book's ``λ`` into the regularization settings of PyTorch, Keras, scikit-learn and optax.

The book penalizes ``λ/(2m) Σ_l ‖W^[l]‖_F²``: the mean data loss over ``m``
examples plus a term whose gradient is ``(λ/m) W``, with biases never
penalized. Each library scales its own parameter differently; the functions
here return the value that gives exactly the book's penalty (or, for the
decoupled ``weight_decay`` of AdamW-style optimizers, exactly
:func:`~l2book.optim.adamw_step`). scikit-learn and PyTorch are checked against
the running libraries in ``tests/test_crosscheck_*.py``; Keras and optax, which
the project does not install, are checked against their update rules as read
from their source (cited in ``tests/test_conventions.py``).

Examples
--------
>>> torch_weight_decay(lam=0.5, m=100)          # torch.optim.SGD(weight_decay=...)
0.005
>>> keras_l2(lam=0.5, m=100)                    # keras.regularizers.L2(l2=...): no ½, no 1/m
0.0025
>>> sklearn_mlp_alpha(lam=0.5, m=100, batch_size=20)
0.1
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from l2book._checks import example_count, nonnegative


def torch_weight_decay(lam: float, m: int) -> float:
    """Return ``weight_decay = λ/m`` for ``torch.optim.SGD``, ``Adam`` and ``AdamW``.

    ``SGD``/``Adam`` add ``weight_decay · θ`` to the gradient (coupled L2), so
    ``λ/m`` reproduces the book's ``(λ/m) W``; ``AdamW`` multiplies ``θ`` by
    ``1 − lr · weight_decay`` (decoupled), so ``λ/m`` reproduces
    :func:`~l2book.optim.adamw_step`. PyTorch decays *every* parameter of a
    group: put the biases in a group with ``weight_decay=0``
    (:func:`torch_param_groups`).

    Parameters
    ----------
    lam : float
        This book's ``λ ≥ 0``.
    m : int
        Number of training examples, ``m ≥ 1``.

    Returns
    -------
    float
        ``λ/m``; independent of the batch size.

    See Also
    --------
    torch_param_groups : the parameter groups that keep biases undecayed.

    Notes
    -----
    Chapter [3, Weight decay](03-weight-decay.md) compares the libraries.

    Examples
    --------
    >>> torch_weight_decay(lam=2.0, m=400)
    0.005
    """
    return _per_example(lam, m)


def torch_param_groups(weights: Sequence[Any], biases: Sequence[Any], lam: float, m: int) -> list[dict[str, Any]]:
    """Return the ``params`` argument of a PyTorch optimizer that decays weights only.

    Parameters
    ----------
    weights : sequence of torch.nn.Parameter
        The weight matrices ``W^[l]``.
    biases : sequence of torch.nn.Parameter
        The biases ``b^[l]``, which the book never penalizes.
    lam : float
        This book's ``λ ≥ 0``.
    m : int
        Number of training examples, ``m ≥ 1``.

    Returns
    -------
    list of dict
        ``[{"params": weights, "weight_decay": λ/m}, {"params": biases, "weight_decay": 0.0}]``,
        ready for ``torch.optim.SGD(groups, lr=...)`` (or ``Adam``, ``AdamW``).

    See Also
    --------
    torch_weight_decay : the value itself.

    Examples
    --------
    >>> groups = torch_param_groups(["W1", "W2"], ["b1", "b2"], lam=1.0, m=4)
    >>> [(group["params"], group["weight_decay"]) for group in groups]
    [(['W1', 'W2'], 0.25), (['b1', 'b2'], 0.0)]
    """
    return [
        {"params": list(weights), "weight_decay": torch_weight_decay(lam, m)},
        {"params": list(biases), "weight_decay": 0.0},
    ]


def keras_l2(lam: float, m: int) -> float:
    """Return ``l2 = λ/(2m)`` for ``keras.regularizers.L2(l2)`` as each layer's ``kernel_regularizer``.

    Keras adds ``l2 · Σ w²`` to the loss, with no ½ and no division by the
    number of examples, while the data loss is a mean over the batch: the
    penalty's gradient is then ``2 · l2 · W = (λ/m) W`` at any batch size. Leave
    ``bias_regularizer`` unset.

    Parameters
    ----------
    lam : float
        This book's ``λ ≥ 0``.
    m : int
        Number of training examples, ``m ≥ 1``.

    Returns
    -------
    float
        ``λ/(2m)``.

    See Also
    --------
    keras_weight_decay : the optimizer's decoupled ``weight_decay`` instead.

    Examples
    --------
    >>> keras_l2(lam=2.0, m=400)
    0.0025
    """
    return _per_example(lam, m) / 2


def keras_weight_decay(lam: float, m: int) -> float:
    """Return ``weight_decay = λ/m`` for a Keras optimizer (``SGD``, ``Adam``, ``AdamW``, ...).

    In Keras 3 every optimizer's ``weight_decay`` is *decoupled*: before each
    update it sets ``θ ← θ − lr · weight_decay · θ``. With plain ``SGD`` that is
    the book's weight-decay step; with ``Adam`` it is AdamW
    (:func:`~l2book.optim.adamw_step`), not L2 — unlike PyTorch's
    ``Adam(weight_decay=...)``. It decays every variable unless you call
    ``optimizer.exclude_from_weight_decay(var_names=["bias"])``.

    Parameters
    ----------
    lam : float
        This book's ``λ ≥ 0``.
    m : int
        Number of training examples, ``m ≥ 1``.

    Returns
    -------
    float
        ``λ/m``.

    See Also
    --------
    keras_l2 : L2 as a loss term, coupled under every optimizer.

    Examples
    --------
    >>> keras_weight_decay(lam=2.0, m=400)
    0.005
    """
    return _per_example(lam, m)


def sklearn_mlp_alpha(lam: float, m: int, batch_size: int | None = None) -> float:
    """Return ``alpha`` for ``MLPClassifier``/``MLPRegressor``: ``λ`` at full batch, ``λ·B/m`` with batches of ``B``.

    scikit-learn adds ``alpha/(2n) · Σ‖W‖²`` to the loss of each batch, where
    ``n`` is the number of rows *in that batch*. Its gradient ``(alpha/n) W``
    equals the book's ``(λ/m) W`` when ``alpha = λ·n/m``. The ``"sgd"`` and
    ``"adam"`` solvers use batches of ``B`` rows (``batch_size="auto"`` means
    ``min(200, m)``); ``"lbfgs"`` always uses the full batch, ``B = m``. When
    ``B`` does not divide ``m``, the last, smaller batch of each epoch is
    penalized more, so no single ``alpha`` is exact.

    Parameters
    ----------
    lam : float
        This book's ``λ ≥ 0``.
    m : int
        Number of training examples, ``m ≥ 1``.
    batch_size : int, optional
        Rows per batch, ``1 ≤ B ≤ m``; ``None`` (default) for full batch.

    Returns
    -------
    float
        ``λ·B/m``.

    See Also
    --------
    sklearn_ridge_alpha : ``Ridge``'s ``alpha``, which needs no ``m``.

    Notes
    -----
    scikit-learn's coefficient matrices are transposed (``coefs_[l]`` has shape
    ``(n_{l-1}, n_l)``); the norm, and so the penalty, is the same. With more
    than one output, ``MLPRegressor.loss_`` also averages the squared error
    over the outputs, while its gradient (and so its training) sums them, as
    this book's cost does: the conversion holds for the training, not for the
    reported ``loss_``.

    Examples
    --------
    >>> sklearn_mlp_alpha(lam=0.5, m=1000)
    0.5
    >>> sklearn_mlp_alpha(lam=0.5, m=1000, batch_size=200)
    0.1
    """
    m = example_count("m", m)
    rows = m if batch_size is None else example_count("batch_size", batch_size)
    if rows > m:
        raise ValueError(f"batch_size must be <= m={m}, got {batch_size!r}")
    return nonnegative("lam", lam) * rows / m


def sklearn_ridge_alpha(lam: float) -> float:
    """Return ``alpha = λ`` for ``sklearn.linear_model.Ridge``.

    ``Ridge`` minimizes ``‖y − Xw‖² + alpha‖w‖²`` with the intercept free;
    multiplying the book's cost ``(1/2m)‖y − Xw‖² + λ/(2m)‖w‖²`` by ``2m``
    gives the same with ``alpha = λ``, for any ``m``.

    Parameters
    ----------
    lam : float
        This book's ``λ ≥ 0``.

    Returns
    -------
    float
        ``λ``.

    See Also
    --------
    sklearn_mlp_alpha : the networks' ``alpha``, which does depend on the batch.

    Notes
    -----
    Chapter [7, Beyond](07-beyond.md) checks it against ``Ridge`` and the closed form.

    Examples
    --------
    >>> sklearn_ridge_alpha(0.3)
    0.3
    """
    return nonnegative("lam", lam)


def optax_weight_decay(lam: float, m: int) -> float:
    """Return ``weight_decay = λ/m`` for ``optax.add_decayed_weights`` and ``optax.adamw``.

    ``add_decayed_weights(wd)`` adds ``wd · θ`` to the update it receives.
    Chained *before* ``optax.sgd`` it is coupled L2; ``optax.adamw`` chains it
    *after* the Adam scaling and before the learning rate, which is decoupled
    weight decay (:func:`~l2book.optim.adamw_step`). Both decay every leaf
    unless ``mask`` says otherwise: pass a mask that is ``False`` on biases.

    Parameters
    ----------
    lam : float
        This book's ``λ ≥ 0``.
    m : int
        Number of training examples, ``m ≥ 1``.

    Returns
    -------
    float
        ``λ/m``.

    Examples
    --------
    >>> optax_weight_decay(lam=2.0, m=400)
    0.005
    """
    return _per_example(lam, m)


class Convention(NamedTuple):
    """One library setting and how this book's ``λ`` maps onto it (a row of :func:`conventions_table`)."""

    library: str
    setting: str
    what_it_does: str
    biases: str
    formula: str
    value: Callable[[float, int, int], float]


CONVENTIONS = (
    Convention(
        "PyTorch",
        "SGD/Adam(weight_decay=wd)",
        "grad += wd·θ (coupled L2)",
        "group with wd=0",
        "λ/m",
        lambda lam, m, batch: torch_weight_decay(lam, m),
    ),
    Convention(
        "PyTorch",
        "AdamW(weight_decay=wd)",
        "θ -= lr·wd·θ (decoupled)",
        "group with wd=0",
        "λ/m",
        lambda lam, m, batch: torch_weight_decay(lam, m),
    ),
    Convention(
        "Keras",
        "regularizers.L2(l2)",
        "loss += l2·Σw²",
        "no bias_regularizer",
        "λ/(2m)",
        lambda lam, m, batch: keras_l2(lam, m),
    ),
    Convention(
        "Keras",
        "optimizer weight_decay=wd",
        "θ -= lr·wd·θ (decoupled)",
        "exclude_from_weight_decay",
        "λ/m",
        lambda lam, m, batch: keras_weight_decay(lam, m),
    ),
    Convention(
        "scikit-learn",
        "MLP*(alpha)",
        "loss += alpha·Σ‖W‖²/(2B)",
        "never penalized",
        "λ·B/m",
        lambda lam, m, batch: sklearn_mlp_alpha(lam, m, batch),
    ),
    Convention(
        "scikit-learn",
        "Ridge(alpha)",
        "‖y−Xw‖² + alpha·‖w‖²",
        "intercept free",
        "λ",
        lambda lam, m, batch: sklearn_ridge_alpha(lam),
    ),
    Convention(
        "optax",
        "add_decayed_weights(wd)",
        "update += wd·θ",
        "mask",
        "λ/m",
        lambda lam, m, batch: optax_weight_decay(lam, m),
    ),
    Convention(
        "optax",
        "adamw(weight_decay=wd)",
        "θ -= lr·wd·θ (decoupled)",
        "mask",
        "λ/m",
        lambda lam, m, batch: optax_weight_decay(lam, m),
    ),
)
"""Every setting the book documents, in the order of the chapter's table."""


def conventions_table(lam: float, m: int, batch_size: int | None = None) -> str:
    """Return a plain-text table of every setting in ``CONVENTIONS`` with its value for ``λ``, ``m``, ``B``.

    Parameters
    ----------
    lam : float
        This book's ``λ ≥ 0``.
    m : int
        Number of training examples, ``m ≥ 1``.
    batch_size : int, optional
        Rows per batch for scikit-learn's networks; ``None`` for full batch.

    Returns
    -------
    str
        One line per setting, columns aligned.

    Examples
    --------
    >>> print(conventions_table(lam=1.0, m=100).splitlines()[2])
    PyTorch       SGD/Adam(weight_decay=wd)  grad += wd·θ (coupled L2)  group with wd=0            λ/m     0.01
    """
    batch = example_count("m", m) if batch_size is None else batch_size
    header = ("library", "setting", "what it does", "biases", "value", f"λ={lam:g}, m={m}, B={batch}")
    rows = [
        (c.library, c.setting, c.what_it_does, c.biases, c.formula, f"{c.value(lam, m, batch_size):.6g}")
        for c in CONVENTIONS
    ]
    widths = [max(len(row[column]) for row in (header, *rows)) for column in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in (header, *rows)]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _per_example(lam: float, m: int) -> float:
    """Return ``λ/m``, validating both."""
    return nonnegative("lam", lam) / example_count("m", m)
