"""Input validation shared by the numeric modules: every error names its argument."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from l2book.layer import Layer

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
#: The messages of :func:`nonempty_sequence`: for a sequence of values, and for a list of arrays or layers.
SEQUENCE_MESSAGE = "{name} must be a non-empty sequence of {expected}, got {value!r}"
LIST_MESSAGE = "{name} must be a non-empty list of {expected}, got {kind}"


def float_array(name: str, value: Any, *, ndim: int | None = 2) -> np.ndarray:
    """Return ``value`` if it is a finite, non-empty float32/float64 array, else raise."""
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a numpy array, got {type(value).__name__}")
    if value.dtype not in FLOAT_DTYPES:
        raise TypeError(f"{name} must have dtype float32 or float64, got {value.dtype}")
    if ndim is not None and value.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {value.shape}")
    if value.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {value.shape}")
    if not np.isfinite(value).all():
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return value


def same_dtype(name: str, array: np.ndarray, dtype: np.dtype) -> None:
    """Refuse silent float32/float64 promotion between arguments."""
    if array.dtype != dtype:
        raise TypeError(
            f"{name} has dtype {array.dtype} but the parameters are {dtype}; "
            "convert one so both match"
        )


def nonnegative(name: str, value: Any) -> float:
    """Return ``value`` as a float if it is a finite real number ≥ 0."""
    number = real(name, value)
    if number < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return number


def positive(name: str, value: Any) -> float:
    """Return ``value`` as a float if it is a finite real number > 0."""
    number = real(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return number


def real(name: str, value: Any) -> float:
    """Return ``value`` as a float if it is a finite real scalar (bool is refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return number


def count(name: str, value: Any, *, minimum: int) -> int:
    """Return ``value`` as an int if it is an integer (Python or NumPy) ``>= minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def example_count(name: str, value: Any) -> int:
    """Return ``value`` if it is an integer ≥ 1 (a number of examples)."""
    return count(name, value, minimum=1)


def nonempty_sequence(
    name: str, value: Any, expected: str, *, refused: tuple[type, ...] = (), message: str = SEQUENCE_MESSAGE
) -> list[Any]:
    """Return ``value`` as a list if it is a non-empty sequence (not a string, an array or a ``refused`` type).

    Else raise ``message`` filled with ``name``, ``expected`` (what the sequence holds), ``value`` and its ``kind``.
    """
    if isinstance(value, (str, bytes, np.ndarray, *refused)) or not isinstance(value, Sequence) or not value:
        raise TypeError(message.format(name=name, expected=expected, value=value, kind=type(value).__name__))
    return list(value)


def widths(name: str, value: Any) -> tuple[int, ...]:
    """Return layer widths as a tuple if ``value`` is a non-empty sequence of integers ≥ 1."""
    return tuple(
        count(f"{name}[{index}]", width, minimum=1)
        for index, width in enumerate(nonempty_sequence(name, value, "layer widths"))
    )


def weight_list(name: str, weights: Any) -> list[np.ndarray]:
    """Validate a non-empty sequence of weight arrays of one dtype."""
    weights = nonempty_sequence(name, weights, "arrays", refused=(Layer,), message=LIST_MESSAGE)
    arrays = []
    for index, array in enumerate(weights):
        if isinstance(array, Layer):
            raise TypeError(
                f"{name}[{index}] is a Layer; pass the weight matrices, e.g. [layer.W for layer in params]"
            )
        arrays.append(float_array(f"{name}[{index}]", array, ndim=None))
        same_dtype(f"{name}[{index}]", array, arrays[0].dtype)
    return arrays


def layer_list(name: str, params: Any) -> list[Layer]:
    """Validate a list of Layers whose shapes chain and whose dtypes agree."""
    params = nonempty_sequence(name, params, "Layer(W, b)", refused=(Layer,), message=LIST_MESSAGE)
    dtype = None
    for index, layer in enumerate(params):
        if not isinstance(layer, tuple) or len(layer) != 2:
            raise TypeError(f"{name}[{index}] must be a Layer(W, b), got {type(layer).__name__}")
        W = float_array(f"{name}[{index}].W", layer[0])
        b = float_array(f"{name}[{index}].b", layer[1])
        dtype = dtype or W.dtype
        same_dtype(f"{name}[{index}].W", W, dtype)
        same_dtype(f"{name}[{index}].b", b, dtype)
        if b.shape != (W.shape[0], 1):
            raise ValueError(f"{name}[{index}].b must have shape {(W.shape[0], 1)} to match W, got {b.shape}")
        if index and W.shape[1] != params[index - 1][0].shape[0]:
            raise ValueError(
                f"{name}[{index}].W must have {params[index - 1][0].shape[0]} columns "
                f"(the units of layer {index}), got shape {W.shape}"
            )
    return [Layer(layer[0], layer[1]) for layer in params]


def params_and_inputs(params: Any, X: Any, *, name: str = "X") -> tuple[list[Layer], np.ndarray]:
    """Validate a network and its inputs ``X`` (called ``name``): see :func:`network_inputs`."""
    params = layer_list("params", params)
    return params, network_inputs(name, X, params)


def network_inputs(name: str, X: Any, params: list[Layer]) -> np.ndarray:
    """Validate inputs for an already validated network: ``n_x`` rows, in the parameters' dtype."""
    X = float_array(name, X)
    same_dtype(name, X, params[0].W.dtype)
    n_x = params[0].W.shape[1]
    if X.shape[0] != n_x:
        raise ValueError(f"{name} must have shape ({n_x}, m) to match params[0].W, got {X.shape}")
    return X


def matching_layers(name: str, grads: Any, params: list[Layer]) -> list[Layer]:
    """Validate ``grads`` as a list of Layers with exactly the shapes and dtype of ``params``."""
    grads = layer_list(name, grads)
    if len(grads) != len(params):
        raise ValueError(f"{name} must have {len(params)} layers like params, got {len(grads)}")
    for index, (grad, layer) in enumerate(zip(grads, params)):
        for field in ("W", "b"):
            got, want = getattr(grad, field), getattr(layer, field)
            if got.shape != want.shape:
                raise ValueError(f"{name}[{index}].{field} must have shape {want.shape}, got {got.shape}")
            same_dtype(f"{name}[{index}].{field}", got, want.dtype)
    return grads


def choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value
