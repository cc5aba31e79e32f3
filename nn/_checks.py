"""Argument checks shared by the nn modules, so that every error names what was wrong.

Bad input must fail here, at the library's front door, with a message a learner
can act on, instead of as a NaN three layers later or a traceback from the engine.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

from autograd import Value


def is_number(x: object) -> bool:
    """True for real numbers (int, float, NumPy scalars); bools are rejected on purpose."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def finite_number(x: object, what: str) -> float:
    """Return ``x`` as a float, or raise naming ``what`` if it is not a finite real number."""
    if not is_number(x):
        raise TypeError(f"{what} must be a real number, got {type(x).__name__}: {x!r}")
    try:
        result = float(x)  # type: ignore[arg-type]
    except OverflowError:
        # an int (or Fraction) beyond the largest float: float() raises instead of giving inf
        raise ValueError(f"{what} is out of range (beyond the largest float, about 1.8e308)") from None
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


def count(x: object, what: str) -> int:
    """Return ``x`` if it is an int >= 0 (a number of steps, say), else raise naming ``what``."""
    if isinstance(x, bool) or not isinstance(x, int):
        raise TypeError(f"{what} must be an int, got {type(x).__name__}: {x!r}")
    if x < 0:
        raise ValueError(f"{what} must be at least 0, got {x}")
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


def some(names: Sequence[str], shown: int = 5) -> str:
    """``'a', 'b' and 3 more``: a few names for an error message, not a wall of them."""
    listed = ", ".join(repr(name) for name in names[:shown])
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return f"{listed}{more}"


def require_keys(mapping: object, keys: Sequence[str], where: str) -> Mapping[str, Any]:
    """Return ``mapping`` if it is a mapping with exactly ``keys``; else raise naming what is wrong.

    A missing key and an unknown one are both reported, so a renamed entry shows as
    "missing 'b'; unknown 'bias'" in one message.
    """
    if not isinstance(mapping, Mapping):
        raise TypeError(f"{where} must be a JSON object (a mapping), got {type(mapping).__name__}")
    missing = [key for key in keys if key not in mapping]
    unknown = [key for key in mapping if key not in keys]
    problems = []
    if missing:
        problems.append(f"is missing {some(missing)}")
    if unknown:
        problems.append(f"has unknown {some(unknown)}")
    if problems:
        raise ValueError(f"{where} " + "; ".join(problems))
    return mapping
