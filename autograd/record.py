"""Recorded backward: every step of backpropagation written down, to replay and inspect.

``root.backward(record=True)`` runs the same algorithm as the fast backward
(:func:`autograd.engine.backpropagate`) and returns a :class:`BackwardRecord`:
for every node, in the order backward visited them, the gradient that arrived
from above (*upstream*), the local derivative to each input, and the
contribution ``local * upstream`` added to that input's gradient. A node reached
by several paths receives several contributions; their sum is its gradient.

It is a separate loop, so that the fast backward pays nothing for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, overload

from autograd import engine
from autograd.naming import derivative_text, format_number, local_formula, node_expression, node_names
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
    """The steps of one backward pass, in the order they ran (a read-only sequence)."""

    def __init__(self, root: Value, order: list[Value], steps: list[Step], names: dict[Value, str]) -> None:
        self.root = root
        self.order = order  # topological: inputs before outputs
        self.steps = steps
        self.names = names

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

    def frames(self, **draw_options: Any) -> list[str]:
        """One SVG drawing per step, the active node and its edges highlighted."""
        from autograd.player import step_frames

        return step_frames(self, **draw_options)

    def show(self, **draw_options: Any) -> Any:
        """In Jupyter: the steps as frames with a slider (self-contained HTML, no widgets needed)."""
        from autograd.player import Player

        return Player(self, **draw_options)


def backpropagate_recorded(root: Value) -> BackwardRecord:
    """:func:`autograd.engine.backpropagate`, writing down every step."""
    order = engine.topological_order(root)
    engine.start_backward(order, root)
    names = node_names(order)
    steps = []
    for node in reversed(order):
        if not node._children:
            continue
        upstream = node.grad
        local = node._op.derivative(node.data, *[child.data for child in node._children])
        contributions = []
        for index, (child, derivative) in enumerate(zip(node._children, local)):
            child.grad += derivative * upstream
            formula = local_formula(node, index, names)
            contributions.append(
                Contribution(child, index, formula, derivative, derivative * upstream, child.grad)
            )
        steps.append(Step(node, upstream, tuple(contributions)))
    return BackwardRecord(root, order, steps, names)
