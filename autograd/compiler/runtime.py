"""What the generated code calls: its names bound for floats (``math``) or for arrays (NumPy).

The same spelling, ``tanh(add3)``, runs on a float or on an array depending on
which namespace the code is run in. NumPy is imported only when a batch is
first compiled: chaingrad itself does not depend on it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from autograd.ops import SIGMOID, Op


class GuardError(Exception):
    """A comparison came out differently than when f was traced: trace again."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


class NotFiniteError(Exception):
    """A value or gradient is not finite: the eager engine would have refused it."""


class BatchSplitError(Exception):
    """A comparison came out one way for some samples of a batch and the other way for others."""

    def __init__(self, index: int, outcome: Any) -> None:
        super().__init__(index)
        self.index, self.outcome = index, outcome


def not_finite() -> float:
    """A rule folded to inf or NaN while the code was written; the engine refuses that."""
    raise NotFiniteError


def float_namespace() -> dict[str, Any]:
    """Globals for code on Python floats: the math module, and the table's own sigmoid."""
    return {
        "exp": math.exp,
        "log": math.log,
        "sqrt": math.sqrt,
        "tanh": math.tanh,
        "pow": math.pow,
        "sigmoid": SIGMOID.forward,  # the rule itself: it branches to never overflow
        "isfinite": math.isfinite,
        "GuardError": GuardError,
        "NotFiniteError": NotFiniteError,
        "not_finite": not_finite,
    }


def array_namespace() -> dict[str, Any]:
    """Globals for code on NumPy arrays, elementwise."""
    import numpy as np

    def sigmoid(x: Any) -> Any:
        # the table's rule for every element at once: exp of -|x| never overflows
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def guard(outcome: Any, traced: bool, index: int) -> None:
        outcome = np.asarray(outcome)
        same = outcome.all() if traced else not outcome.any()
        if same:
            return
        if (not outcome.any()) if traced else outcome.all():
            raise GuardError(index)  # the whole batch goes the other way: trace again
        raise BatchSplitError(index, outcome)

    return {
        "exp": np.exp,
        "log": np.log,
        "sqrt": np.sqrt,
        "tanh": np.tanh,
        "pow": np.power,
        "abs": np.abs,
        "sigmoid": sigmoid,
        "where": np.where,
        "logical_and": np.logical_and,
        "guard": guard,
        "not_finite": not_finite,
    }


def bind_ops(namespace: dict[str, Any], runtime_ops: dict[str, tuple[Op, str, int]], arrays: bool) -> None:
    """Bind the ops the code calls by name (ops without a spelling) to their rules.

    On floats a rule is called as it is. On arrays it is called once per element
    (correct, but at Python speed: give the op a spelling to make it fast).
    """
    for name, (op, part, arity) in runtime_ops.items():
        function: Callable[..., Any] = op.forward if part == "forward" else op.derivative
        if arrays:
            function = _elementwise_forward(function, arity) if part == "forward" else (
                _elementwise_rule(function, arity)
            )
        namespace[name] = function


def _elementwise_forward(rule: Callable[..., Any], arity: int) -> Callable[..., Any]:
    import numpy as np

    each = np.frompyfunc(rule, arity, 1)

    def forward(*arrays: Any) -> Any:
        return np.asarray(each(*arrays), dtype=float)

    return forward


def _elementwise_rule(rule: Callable[..., Any], arity: int) -> Callable[..., Any]:
    import numpy as np

    if arity == 1:
        each = np.frompyfunc(lambda *numbers: rule(*numbers)[0], 2, 1)
    else:
        each = np.frompyfunc(lambda *numbers: tuple(rule(*numbers)), arity + 1, arity)

    def derivatives(*arrays: Any) -> tuple[Any, ...]:
        result = each(*arrays)
        parts = (result,) if arity == 1 else result
        return tuple(np.asarray(part, dtype=float) for part in parts)

    return derivatives
