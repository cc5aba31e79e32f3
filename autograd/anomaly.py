"""Anomaly detection: find the first op whose value or gradient is not finite.

A NaN or an infinity spreads silently through every later computation, so the
place where it appears is the interesting one. Inside ``detect_anomaly()``:

* every op checks its output as it is computed (forward), and
* after ``backward()``, every local contribution ``local derivative * upstream
  gradient`` is checked, in the order backward ran (backward),

and the first non-finite number raises :class:`AnomalyError` naming the op,
its inputs and their labels.

Off by default and free when off: entering the block swaps in a checking
version of the function that builds graph nodes, and backward checks one flag
per call, not per node.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

from autograd import engine
from autograd import value as value_module
from autograd.ops import Op
from autograd.value import CONSTANT, Value


class AnomalyError(FloatingPointError):
    """An op produced a NaN or an infinity inside :func:`detect_anomaly`."""


_unchecked_new_node = value_module._new_node


def _checked_new_node(data: float, op: Op, inputs: tuple[Value, ...]) -> Value:
    """Build a node as usual, then refuse a non-finite result."""
    if not math.isfinite(data) and op is not CONSTANT:
        raise AnomalyError(f"forward: {op.name} produced {data!r} from inputs {_describe(inputs)}")
    return _unchecked_new_node(data, op, inputs)


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Raise :class:`AnomalyError` at the first op whose value or gradient is NaN or infinite.

    >>> from autograd import Value
    >>> x = Value(1e200, label="x")
    >>> with detect_anomaly():
    ...     y = x * x
    Traceback (most recent call last):
    ...
    autograd.anomaly.AnomalyError: forward: * produced inf from inputs x=1e+200, x=1e+200
    """
    previous_builder, previous_mode = value_module._new_node, engine.AnomalyMode.enabled
    value_module._new_node = _checked_new_node
    engine.AnomalyMode.enabled = True
    try:
        yield
    finally:
        value_module._new_node = previous_builder
        engine.AnomalyMode.enabled = previous_mode


def check_backward(order: list[Value]) -> None:
    """Re-walk a finished backward pass and report its first non-finite contribution."""
    for node in reversed(order):
        if not node._children:
            continue
        if not math.isfinite(node.grad):
            raise AnomalyError(f"backward: the gradient reaching {node._op.name} is {node.grad!r}")
        local = node._op.derivative(node.data, *[child.data for child in node._children])
        for i, (child, derivative) in enumerate(zip(node._children, local)):
            contribution = derivative * node.grad
            if not math.isfinite(contribution):
                raise AnomalyError(
                    f"backward: {node._op.name} with inputs {_describe(node._children)} gave "
                    f"gradient {contribution!r} for input {i} ({_name(child)}): local derivative "
                    f"{node._op.formula(i, len(node._children))} = {derivative!r}, "
                    f"upstream gradient {node.grad!r}"
                )


def _name(v: Value) -> str:
    if v.label:
        return repr(v.label)
    return f"output of {v._op.name}" if v._children else "unlabelled leaf"


def _describe(inputs: tuple[Value, ...]) -> str:
    return ", ".join(f"{v.label}={v.data!r}" if v.label else f"{v.data!r} ({_name(v)})" for v in inputs)
