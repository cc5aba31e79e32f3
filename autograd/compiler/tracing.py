"""Tracing: call f once on Values, and keep the graph it built and every comparison it made.

Tracing is the eager engine at work: ``f(Value(0.5, label="x"), ...)`` builds its
graph node by node, and every error it raises is the eager engine's own. What a
graph cannot show is Python's control flow: in ``x if x > 0 else -x`` only the
branch taken is in the graph. So while f runs, the comparisons of Values
(``< <= > >=``, which ``max``, ``min`` and ``sorted`` use too) are written down
with their operands and outcome; the compiled code checks each one again (a
*guard*) and, when one comes out differently, traces f again.

The engine reports those reads to an observer while one is installed with
[`observe_values`][autograd.modes.observe_values], a mode like ``no_grad``: it
belongs to the calling thread, so any other thread comparing Values meanwhile is
not watched.

``float(v)`` turns a Value into a number the graph no longer follows; the compiled
code would keep that number forever. Where v depends on f's arguments or
parameters, tracing stops with a TypeError that says so. (Reading ``v.data`` cannot
be seen at all; see the package documentation.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd.modes import caller_outside_package, observe_values
from autograd.value import CONSTANT, Value, next_creation_number

_COMPARISONS = {"__lt__": "<", "__le__": "<=", "__gt__": ">", "__ge__": ">="}
_REPLACED = (*_COMPARISONS, "__float__")


@dataclass(frozen=True)
class Comparison:
    """One comparison of Values that f made while it was traced.

    Attributes:
        symbol: ``"<"``, ``"<="``, ``">"`` or ``">="``.
        left: the Value on the left (Python hands ``0 < x`` to ``x > 0``).
        right: a Value or a number.
        outcome: what it came out as.
        position: the creation number of the next node made after it, so the
            compiled code checks it right after the values it compares exist, as f did.
        site: where f made it (``file:line: source``), for messages.
    """

    symbol: str
    left: Value
    right: Value | float
    outcome: bool
    position: int
    site: str


@dataclass(frozen=True)
class Trace:
    """What one call of f on Values left behind."""

    inputs: tuple[Value, ...]
    output: Value
    comparisons: tuple[Comparison, ...]
    start: int  # Values created before this number existed before the call (parameters)


def is_parameter(node: Value, start: int) -> bool:
    """True for a Value f did not make, or made as a fresh leaf: read afresh at every call.

    Values made before the call are a model's parameters (or anything else f
    closes over). A leaf f makes itself with ``Value(...)`` is one too: it may be
    a parameter created on first use. Only numbers that entered expressions (the
    0.5 in ``x * 0.5``) are constants that the code can hold as numbers.
    """
    return node._created < start or (not node._children and node._op is not CONSTANT)


class _Recorder:
    """Collects the comparisons of one trace and answers "does this Value vary?"."""

    def __init__(self, inputs: Sequence[Value], start: int) -> None:
        self.start = start
        self.comparisons: list[Comparison] = []
        self._varies: dict[Value, bool] = {node: True for node in inputs}

    def compared(self, symbol: str, left: Value, right: Any, outcome: bool) -> None:
        number = right if isinstance(right, Value) else float(right)
        self.comparisons.append(
            Comparison(symbol, left, number, bool(outcome), next_creation_number(), caller_outside_package())
        )

    def converted(self, value: Value) -> None:
        """``float(value)``: refused when value depends on f's arguments or parameters."""
        if self.varies(value):
            raise TypeError(
                "compile: float() was called on a Value that depends on f's arguments or parameters "
                f"({caller_outside_package()}); the compiled code could not follow that number when "
                "they change. Compute with Values, and compare them (< >) to branch. (A derivative rule "
                "that branches, like relu's, does this inside gradients(..., create_graph=True).)"
            )

    def varies(self, node: Value) -> bool:
        """Whether ``node`` depends on an argument or on a Value made before the call."""
        stack = [node]
        while stack:
            current = stack[-1]
            if current in self._varies:
                stack.pop()
                continue
            if current._created < self.start:
                self._varies[current] = True
                stack.pop()
                continue
            pending = [child for child in current._children if child not in self._varies]
            if pending:
                stack.extend(pending)
                continue
            self._varies[current] = any(self._varies[child] for child in current._children)
            stack.pop()
        return self._varies[node]


def trace(function: Callable[..., Any], numbers: Sequence[float], names: Sequence[str]) -> Trace:
    """Call ``function`` on Values holding ``numbers`` (labelled ``names``) and record what it does."""
    start = next_creation_number()
    inputs = tuple(Value(number, label=name) for number, name in zip(numbers, names))
    recorder = _Recorder(inputs, start)
    with observe_values(recorder):
        output = function(*inputs)
    if not isinstance(output, Value):
        raise TypeError(
            f"compile: the function must return a Value, got {type(output).__name__}: {output!r}"
        )
    return Trace(inputs, output, tuple(recorder.comparisons), start)
