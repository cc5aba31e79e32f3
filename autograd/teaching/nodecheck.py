"""A gradient check for every node of a graph, that names the op whose rule is wrong.

[gradcheck][autograd.gradcheck.gradcheck] says *whether* the gradients of a
function are right. [check_nodes][autograd.teaching.nodecheck.check_nodes]
says *where* they go wrong: it compares the gradient of the output with respect
to every node (``node.grad`` after backward) with a finite difference made by
nudging that node's value and recomputing everything above it. Backward visits
nodes from the output down, so the first node (in that order) whose gradient
is off received it from an op whose local derivative is wrong; that op is
found by checking each consumer's local derivative on its own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from autograd import engine
from autograd.engine import gradients
from autograd.gradcheck import central_difference
from autograd.teaching.naming import (
    format_number,
    markdown_code,
    markdown_text,
    node_expression,
    node_names,
)
from autograd.value import Value


@dataclass(frozen=True)
class NodeResult:
    node: Value
    name: str
    expression: str
    autograd: float
    numeric: float
    ok: bool


@dataclass(frozen=True)
class Culprit:
    """An op whose local derivative disagrees with finite differences."""

    node: Value  # the output of the faulty op
    op: str
    index: int  # which input's derivative is wrong
    rule: float  # what the op's derivative rule says
    numeric: float  # what finite differences say


class NodeCheckReport:
    """The per-node table, and the first faulty op (``culprit``) if there is one."""

    def __init__(self, rows: list[NodeResult], culprit: Culprit | None, names: dict[Value, str]) -> None:
        self.rows, self.culprit, self.names = rows, culprit, names

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    def __repr__(self) -> str:
        return f"<NodeCheckReport: {self.summary()}>"

    def summary(self) -> str:
        if self.ok:
            return f"all {len(self.rows)} node gradients match finite differences"
        first = next(row for row in self.rows if not row.ok)
        text = f"first wrong gradient: {first.name} = {first.expression}"
        if self.culprit is not None:
            c = self.culprit
            text += (
                f"; culprit: op '{c.op}' at {self.names[c.node]} = {node_expression(c.node, self.names)},"
                f" whose derivative for input {c.index} says {format_number(c.rule)} but finite "
                f"differences say {format_number(c.numeric)}"
            )
        return text

    def __str__(self) -> str:
        lines = [f"{'node':<8}{'computed as':<24}{'autograd':>12}{'numeric':>12}  ok"]
        for r in self.rows:
            lines.append(
                f"{r.name:<8}{r.expression:<24}{format_number(r.autograd):>12}"
                f"{format_number(r.numeric):>12}  {'yes' if r.ok else 'NO'}"
            )
        return "\n".join([*lines, self.summary()])

    def _repr_markdown_(self) -> str:
        """The table for Jupyter; names and expressions are escaped (labels are user text)."""
        rows = ["| node | computed as | autograd | numeric | ok |", "|---|---|---|---|---|"]
        for r in self.rows:
            rows.append(
                f"| {markdown_text(r.name)} | {markdown_code(r.expression)} | {format_number(r.autograd)} | "
                f"{format_number(r.numeric)} | {'✓' if r.ok else '✗'} |"
            )
        return "\n".join(rows) + f"\n\n**{markdown_text(self.summary())}**"


def check_nodes(
    root: Value, eps: float = 1e-6, rtol: float = 1e-5, atol: float = 1e-8, max_nodes: int = 2000
) -> NodeCheckReport:
    """Check d root / d node for every node (rows in backward order); see module doc.

    The gradients come from [autograd.gradients][autograd.engine.gradients], so ``.grad`` is left
    alone. Tolerances as in [autograd.gradcheck][autograd.gradcheck.gradcheck]; nodes sitting
    exactly on a kink (relu or abs at 0) disagree with any finite difference.
    """
    order = engine.checked_order(root)
    if len(order) > max_nodes:
        raise ValueError(
            f"check_nodes: the graph has {len(order)} nodes; each needs a forward pass, so the "
            f"check is limited to max_nodes={max_nodes} (raise it if you can wait)"
        )
    computed = dict(zip(order, gradients(root, order)))
    names = node_names(order)

    def close(a: float, b: float) -> bool:
        return abs(a - b) <= atol + rtol * abs(b)

    rows = []
    for node in reversed(order):
        if node.op == "const":
            continue
        numeric = central_difference(functools.partial(_output_with, order, node), node.data, eps)
        ok = close(computed[node], numeric)
        rows.append(NodeResult(node, names[node], _expression(node, names), computed[node], numeric, ok))
    first_wrong = next((row.node for row in rows if not row.ok), None)
    culprit = None if first_wrong is None else _faulty_consumer(order, first_wrong, eps, close)
    return NodeCheckReport(rows, culprit, names)


def _output_with(order: list[Value], nudged: Value, value: float) -> float:
    """Recompute the graph's output with ``nudged`` holding ``value`` instead of its data."""
    data: dict[Value, float] = {}
    for node in order:
        if node is nudged:
            data[node] = value
        elif node._children:
            data[node] = node._op.forward(*[data[c] for c in node._children])
        else:
            data[node] = node.data
    return data[order[-1]]


def _faulty_consumer(
    order: list[Value], wrong: Value, eps: float, close: Callable[[float, float], bool]
) -> Culprit | None:
    """Among the ops that use ``wrong``, the one whose local derivative disagrees with its forward."""
    for node in order:
        for index, child in enumerate(node._children):
            if child is not wrong:
                continue
            rule = engine.local_derivatives(node)[index]
            numeric = central_difference(functools.partial(_op_with, node, index), child.data, eps)
            if not close(rule, numeric):
                return Culprit(node, node.op, index, float(rule), numeric)
    return None


def _op_with(node: Value, index: int, value: float) -> float:
    """The op of ``node`` recomputed with its input number ``index`` replaced by ``value``."""
    inputs = [child.data for child in node._children]
    inputs[index] = value
    return float(node._op.forward(*inputs))


def _expression(node: Value, names: dict[Value, str]) -> str:
    return node_expression(node, names) if node._children else "(input)"
