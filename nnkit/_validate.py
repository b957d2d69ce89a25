"""Input checking shared by the nnkit modules.

Every public function converts its array arguments through here, so that the
rules of DESIGN.md hold in one place: lists and ints are accepted, ints become
float64, floating dtypes are kept, and anything else is refused with a message
that names the argument and says what was expected.
"""
from __future__ import annotations

import numbers

import numpy as np


def as_float_array(value, name: str) -> np.ndarray:
    """Return ``value`` as a floating-point array, keeping float dtypes.

    Parameters
    ----------
    value : array_like
        Numbers: a scalar, a (nested) list, or an ndarray of bool, int or float.
    name : str
        The argument's name, used in the error message.

    Returns
    -------
    ndarray
        ``value`` itself when it is already a floating ndarray (no copy),
        otherwise a new float64 array.

    Raises
    ------
    TypeError
        If ``value`` holds something other than real numbers.
    """
    arr = np.asarray(value)
    if arr.dtype.kind == "f":
        return arr
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    raise TypeError(
        f"{name} must hold real numbers (float or int), got an array of dtype "
        f"{arr.dtype}"
    )


def check_ndim(arr: np.ndarray, ndim: int, name: str, shape_doc: str) -> None:
    """Raise ValueError unless ``arr.ndim == ndim``; ``shape_doc`` reads like ``(N, D)``."""
    if arr.ndim != ndim:
        raise ValueError(
            f"{name} must be a {ndim}-D array of shape {shape_doc}, "
            f"got shape {arr.shape}"
        )


def check_same_length(a: np.ndarray, b: np.ndarray, a_name: str, b_name: str) -> None:
    """Raise ValueError unless ``a`` and ``b`` have the same first dimension."""
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{a_name} and {b_name} must have the same number of rows (examples): "
            f"{a_name} has {a.shape[0]}, {b_name} has {b.shape[0]}"
        )


def as_real_scalar(value, name: str) -> float:
    """Return ``value`` as a Python float, refusing arrays, bools and non-finite values."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value

