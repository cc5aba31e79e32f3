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


class OpRuleError(Exception):
    """An op's rule, called from the generated code, raised an error of its own (not a domain error).

    Such a rule is most often yours (an ``Op`` used with ``apply_op``). The compiled
    function hands the call to the eager engine, which calls the same rule and so raises
    the same error, as it would without the compiler.
    """


class CompiledCodeError(RuntimeError):
    """The generated code raised an error it is never meant to raise: a bug in chaingrad's compiler."""


# The errors that generated code raises on purpose, where the eager engine would raise:
# math's domain errors (log, sqrt, pow: ValueError), division by zero, an overflow (exp),
# NumPy's FloatingPointError (all three ArithmeticErrors), and a value that is not finite.
# An op's own rule may raise a ValueError or an ArithmeticError for its domain too.
DOMAIN_ERRORS: tuple[type[Exception], ...] = (ValueError, ArithmeticError, NotFiniteError)


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


# NumPy's functions that array code calls, by the name the code calls them
_NUMPY_FUNCTIONS = {
    "exp": "exp", "log": "log", "sqrt": "sqrt", "tanh": "tanh", "pow": "power", "abs": "abs",
    "where": "where", "logical_and": "logical_and",
}
# Python's own functions that float code calls (abs, and sum for sums and dot products)
PYTHON_BUILTINS = frozenset({"abs", "sum"})


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

    numpy_functions = {name: getattr(np, attribute) for name, attribute in _NUMPY_FUNCTIONS.items()}
    return {**numpy_functions, "sigmoid": sigmoid, "guard": guard, "not_finite": not_finite}


_ARRAY_HELPERS = frozenset({"sigmoid", "guard", "not_finite"})  # array_namespace's own functions


def reserved_names() -> frozenset[str]:
    """Every global name generated code reads, in either flavour: no node may be named so.

    (Read without importing NumPy; a test checks it against ``array_namespace()``.)
    """
    return frozenset({*float_namespace(), *_NUMPY_FUNCTIONS, *_ARRAY_HELPERS, *PYTHON_BUILTINS})


def bind_ops(namespace: dict[str, Any], runtime_ops: dict[str, tuple[Op, str, int]], arrays: bool) -> None:
    """Bind the ops the code calls by name (ops without a spelling) to their rules.

    On floats a rule is called as it is (wrapped to tell its own errors apart from the
    code's). On arrays it is called once per element (correct, but at Python speed:
    give the op a spelling to make it fast).
    """
    for name, (op, part, arity) in runtime_ops.items():
        rule = op.forward if part == "forward" else op.derivative
        takes = arity if part == "forward" else arity + 1  # a derivative rule also gets the output
        function = _errors_marked_as_the_rules(rule, takes, f"{op.name} {part}")
        if arrays:
            function = _elementwise_forward(function, arity) if part == "forward" else (
                _elementwise_rule(function, arity)
            )
        namespace[name] = function


def _errors_marked_as_the_rules(rule: Callable[..., Any], takes: int, name: str) -> Callable[..., Any]:
    """``rule``, with any error of its own that is not a domain error turned into an OpRuleError.

    The compiled function then hands the call to the eager engine (which raises the
    rule's error as it always would), instead of calling it a bug in the compiler. A
    call with the wrong number of arguments is the generated code's mistake, so it is
    not the rule's.
    """

    def called(*numbers: Any) -> Any:
        if len(numbers) != takes:
            raise TypeError(f"{name}: called with {len(numbers)} numbers, not {takes}")
        try:
            return rule(*numbers)
        except DOMAIN_ERRORS:
            raise
        except Exception as error:
            raise OpRuleError(f"{name}: {type(error).__name__}: {error}") from error

    return called


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
