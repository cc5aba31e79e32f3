"""Recorded backward: every step of backpropagation written down, to replay and inspect.

``record_backward(root)`` runs backward ([`autograd.engine.backward`][], the
very same walk, with an observer that writes down each step) and returns a
[`BackwardRecord`][autograd.teaching.record.BackwardRecord]:
for every node, in the order backward visited them, the gradient that arrived
from above (*upstream*), the local derivative to each input, and the
contribution ``local * upstream`` added to that input's gradient. A node reached
by several paths receives several contributions; their sum is its gradient.

Without an observer the walk pays one ``is None`` test per node for this.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from autograd import engine
from autograd.engine import topological_order
from autograd.teaching.naming import (
    derivative_text,
    format_number,
    local_formula,
    node_expression,
    node_names,
)
from autograd.value import Value


@dataclass(frozen=True)
class Contribution:
    """What one step added to one input's gradient."""

    input: Value
    index: int  # which argument of the op (0 for x, 1 for y, ...)
    formula: str  # the local derivative in words, e.g. "y" for d(x*y)/dx
    local_derivative: float
    amount: float  # local_derivative * upstream
    grad_after: float  # the input's .grad once this was added


@dataclass(frozen=True)
class Step:
    """Backward at one node: chain rule from the node to each of its inputs."""

    node: Value
    upstream: float  # d root / d node, complete by the time the node is visited
    contributions: tuple[Contribution, ...]


class BackwardRecord:
    """The steps of one backward pass, in the order they ran (a read-only sequence).

    Attributes:
        root: the Value backward started from.
        order: every node of its graph, inputs before outputs (topological order).
        steps: one [`Step`][autograd.teaching.record.Step] per computed node, in the order
            backward visited them.
        names: a short name for every node (its label, or ``t0``, ``t1``, ...).
        leaf_grads_before: what each leaf's ``.grad`` held before this pass
            (leaf gradients accumulate, so a pass adds to them).
    """

    def __init__(
        self,
        root: Value,
        order: list[Value],
        steps: list[Step],
        names: dict[Value, str],
        leaf_grads_before: dict[Value, float] | None = None,
    ) -> None:
        self.root = root
        self.order = order
        self.steps = steps
        self.names = names
        self.leaf_grads_before = leaf_grads_before if leaf_grads_before is not None else {}

    def __len__(self) -> int:
        return len(self.steps)

    @overload
    def __getitem__(self, i: int) -> Step: ...
    @overload
    def __getitem__(self, i: slice) -> list[Step]: ...
    def __getitem__(self, i: int | slice) -> Step | list[Step]:
        return self.steps[i]

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def received(self, node: Value) -> list[Contribution]:
        """Every contribution that flowed into ``node``, in order; they sum to its gradient."""
        return [c for step in self.steps for c in step.contributions if c.input is node]

    def __str__(self) -> str:
        name = self.names
        lines = [f"backward from {name[self.root]} = {format_number(self.root.data)}: {len(self)} steps"]
        for k, step in enumerate(self.steps, 1):
            lines.append(
                f"{k}. {name[step.node]} = {node_expression(step.node, name)}: "
                f"upstream d{name[self.root]}/d{name[step.node]} = {format_number(step.upstream)}"
            )
            for c in step.contributions:
                lines.append(
                    f"   -> {name[c.input]}: local d{name[step.node]}/d{name[c.input]} = "
                    f"{derivative_text(c.formula, c.local_derivative)}, "
                    f"adds {format_number(c.amount)} (grad now {format_number(c.grad_after)})"
                )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<BackwardRecord: {len(self)} steps from {self.names[self.root]}>"


def record_backward(root: Value) -> BackwardRecord:
    """Run backward from ``root`` (as ``root.backward()``) and return every step of it, to print or replay.

    It is the engine's own backward with an observer attached, so everything
    else is exactly as after ``root.backward()``: the same ``.grad`` on every
    node, bit for bit, the same teaching warnings, and the same errors (an
    op whose derivative fails is named; a gradient that overflows is refused
    with OverflowError, and ``.grad`` is then left as it was).

    >>> from autograd import Value
    >>> x = Value(3.0, label="x")
    >>> record = record_backward(x * x)
    >>> [c.amount for c in record.received(x)], x.grad
    ([3.0, 3.0], 6.0)
    """
    if not isinstance(root, Value):
        raise TypeError(f"record_backward needs a Value, got {type(root).__name__}: {root!r}")
    recorder = _Recorder(topological_order(root))
    engine.backward(root, observer=recorder)
    return BackwardRecord(root, recorder.order, recorder.steps, recorder.names, recorder.held_before)


class _Recorder:
    """The observer that writes down each step of the walk.

    It adds up what flows into each node exactly as the engine does (from 0,
    in the same order), so each ``grad_after`` is what ``.grad`` holds once
    that contribution is in: for a leaf, what it held before this backward
    (leaf gradients accumulate) plus this pass's sum so far. The last
    contribution to a node therefore shows its final ``.grad``, to the bit.
    """

    def __init__(self, order: list[Value]) -> None:
        self.order = order
        self.names = node_names(order)
        self.steps: list[Step] = []
        self.flowed = dict.fromkeys(order, 0.0)
        self.held_before = {node: node.grad for node in order if not node._children}

    def __call__(self, node: Value, upstream: float, local: Sequence[float]) -> None:
        contributions = []
        for index, (child, derivative) in enumerate(zip(node._children, local)):
            amount = derivative * upstream
            self.flowed[child] += amount
            formula = local_formula(node, index, self.names)
            contributions.append(
                Contribution(child, index, formula, derivative, amount, self.grad_now(child))
            )
        self.steps.append(Step(node, upstream, tuple(contributions)))

    def grad_now(self, node: Value) -> float:
        """What ``node.grad`` holds once the contributions so far are in (as the engine will set it)."""
        if node in self.held_before:  # a leaf: backward adds this pass's sum to what it held
            return self.held_before[node] + self.flowed[node]
        return self.flowed[node]
