"""Argument checks shared by the nn modules, so that every error names what was wrong.

Bad input must fail here, at the library's front door, with a message a learner
can act on, instead of as a NaN three layers later or a traceback from the engine.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

from autograd import Value


def is_number(x: object) -> bool:
    """True for real numbers (int, float, NumPy scalars); bools are rejected on purpose."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def finite_number(x: object, what: str) -> float:
    """Return ``x`` as a float, or raise naming ``what`` if it is not a finite real number."""
    if not is_number(x):
        raise TypeError(f"{what} must be a real number, got {type(x).__name__}: {x!r}")
    result = float(x)  # type: ignore[arg-type]
    if not math.isfinite(result):
        raise ValueError(f"{what} must be finite, got {result!r}")
    return result


def positive_int(x: object, what: str) -> int:
    """Return ``x`` if it is an int >= 1 (a size or a count), else raise naming ``what``."""
    if isinstance(x, bool) or not isinstance(x, int):
        raise TypeError(f"{what} must be an int, got {type(x).__name__}: {x!r}")
    if x < 1:
        raise ValueError(f"{what} must be at least 1, got {x}")
    return x


def sequence(x: object, what: str) -> Sequence[Any]:
    """Return ``x`` if it is a list-like sequence (not a string), else raise naming ``what``."""
    if isinstance(x, (str, bytes)) or not isinstance(x, Sequence):
        raise TypeError(f"{what} must be a list or tuple, got {type(x).__name__}: {x!r}")
    return x


def as_value(x: object, what: str) -> Value:
    """A Value as it is; a finite number becomes a new Value; anything else is an error."""
    if isinstance(x, Value):
        return x
    return Value(finite_number(x, what))


def as_input_vector(x: object, size: int, what: str) -> list[Value]:
    """Turn a model input into a list of ``size`` Values (numbers are wrapped once, here).

    A lone number or Value is accepted when ``size`` is 1, so that ``model(0.5)``
    works for a one-input model.
    """
    if size == 1 and (isinstance(x, Value) or is_number(x)):
        return [as_value(x, what)]
    items = sequence(x, what)
    if len(items) != size:
        raise ValueError(f"{what} must have {size} entries, got {len(items)}")
    return [as_value(item, f"{what}[{i}]") for i, item in enumerate(items)]
