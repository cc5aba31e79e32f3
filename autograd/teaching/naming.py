"""Short, stable names for the nodes of a graph, for tables, explanations and drawings."""

from __future__ import annotations

import re

from autograd.value import Value


def node_names(order: list[Value]) -> dict[Value, str]:
    """A name for every node: its label if it has one, else ``t<k>``.

    ``k`` counts unlabelled nodes in topological order, so names are the same
    every time the same graph is named. Constants are named by their number.
    """
    names: dict[Value, str] = {}
    unnamed = 0
    for node in order:
        if node.label:
            names[node] = node.label
        elif node.op == "const":
            names[node] = f"{node.data:g}"
        else:
            names[node] = f"t{unnamed}"
            unnamed += 1
    return names


def format_number(x: float, digits: int = 4) -> str:
    """``x`` to ``digits`` significant digits: 0.2404890830 -> '0.2405', 1234567.0 -> '1.235e+06'.

    Four digits are enough to follow a calculation and short enough to read.
    Negative zero prints as 0: a learner should not wonder what "-0" means.
    """
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"


def local_formula(node: Value, index: int, names: dict[Value, str]) -> str:
    """The local derivative d node / d input[index], in words, with the graph's own names.

    ``t2 = a * b`` gives ``"b"`` for index 0; ``t3 = tanh(t2)`` gives ``"1 - t3**2"``.
    """
    op, inputs = node._op, node._children
    text = op.formula(index, len(inputs))
    if len(inputs) <= 2:
        symbols = {"x": inputs[0], "y": inputs[-1], "out": node}
        return re.sub(r"\b(x|y|out)\b", lambda m: names[symbols[m.group(1)]], text)
    # many inputs: x_i / w_i refer to the same position i in the other half (dot)
    half = len(inputs) // 2
    i = index % half if half else 0
    return re.sub(
        r"\b([wx])_i\b", lambda m: names[inputs[i] if m.group(1) == "w" else inputs[half + i]], text
    )


INFIX = {"+", "-", "*", "/", "**"}


def node_expression(node: Value, names: dict[Value, str]) -> str:
    """How a node was computed, with the graph's names: ``"a * b"``, ``"tanh(t1)"``, ``"t0**2"``."""
    args = [names[c] for c in node._children]
    if not args:
        return names[node]
    if node.op in INFIX:
        return f" {node.op} ".join(args)
    if node.op.startswith("**"):  # x**3: a number exponent
        return f"{args[0]}{node.op}"
    if node.op.endswith("**"):  # 2**x: a number base
        return f"{node.op}{args[0]}"
    return f"{node.op}({', '.join(args)})"


def derivative_text(formula: str, value: float, digits: int = 4) -> str:
    """``"b = -3"``, or just ``"1"`` when the formula is already the number (no ``"1 = 1"``)."""
    number = format_number(value, digits)
    return formula if formula == number else f"{formula} = {number}"
