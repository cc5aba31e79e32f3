"""The chain rule spelled out: d(output)/d(x) as a sum over paths.

Backpropagation computes, for an input x, the sum over every path from the
output down to x of the product of the local derivatives along that path:

    dL/dx = sum over paths p of  prod over edges (u -> v) in p of  du/dv

``explain(L, x)`` lists those paths with their numbers, so that the total can be
checked against ``x.grad`` by hand. The number of paths can grow exponentially
with depth, so only graphs with at most ``max_paths`` paths are spelled out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from autograd import engine
from autograd.teaching.naming import (
    derivative_text,
    format_number,
    latex_name,
    local_formula,
    markdown_code,
    node_names,
)
from autograd.value import Value


@dataclass(frozen=True)
class Edge:
    """One link of a path: from ``node`` down to its input number ``index``."""

    node: Value
    index: int
    formula: str
    local_derivative: float


@dataclass(frozen=True)
class Path:
    """One path from the output down to x, as its edges, output end first."""

    edges: tuple[Edge, ...]

    @property
    def product(self) -> float:
        return math.prod(edge.local_derivative for edge in self.edges)


class Explanation:
    """The paths from an output to one input, their products and their sum."""

    def __init__(self, root: Value, x: Value, paths: list[Path], names: dict[Value, str]) -> None:
        self.root, self.x, self.paths, self.names = root, x, paths, names

    @property
    def total(self) -> float:
        """Sum over paths of their products: d root / d x, which ``root.backward()`` adds to ``x.grad``."""
        return math.fsum(path.product for path in self.paths)

    def _header(self) -> str:
        return f"d{self.names[self.root]}/d{self.names[self.x]}"

    def __str__(self) -> str:
        name = self.names
        lines = [f"{self._header()} = sum over {len(self.paths)} path(s) of the product of local derivatives"]
        for k, path in enumerate(self.paths, 1):
            route = " -> ".join([name[self.root]] + [name[e.node._children[e.index]] for e in path.edges])
            lines.append(f"path {k}: {route}")
            for e in path.edges:
                child = name[e.node._children[e.index]]
                local = derivative_text(e.formula, e.local_derivative)
                lines.append(f"    d{name[e.node]}/d{child} = {local}")
            lines.append(f"    product = {format_number(path.product)}")
        lines.append(f"{self._header()} = {format_number(self.total)}")
        return "\n".join(lines)

    def latex(self) -> str:
        """The sum as one LaTeX equation: one bracket of factors per path (names escaped for LaTeX)."""
        name = self.names

        def factor(e: Edge) -> str:
            top, bottom = latex_name(name[e.node]), latex_name(name[e.node._children[e.index]])
            number = format_number(e.local_derivative)
            return rf"\underbrace{{{number}}}_{{\partial {top} / \partial {bottom}}}"

        terms = [r" \cdot ".join(factor(e) for e in path.edges) or "1" for path in self.paths]
        left = rf"\frac{{\partial {latex_name(name[self.root])}}}{{\partial {latex_name(name[self.x])}}}"
        right = " + ".join(rf"\left({t}\right)" for t in terms)
        return f"{left} = {right} = {format_number(self.total)}"

    def _repr_markdown_(self) -> str:
        """The equation and a table of paths, for Jupyter; labels are escaped (they are user text)."""
        rows = ["| path | local derivatives | product |", "|---|---|---|"]
        for k, path in enumerate(self.paths, 1):
            steps = [markdown_code(derivative_text(e.formula, e.local_derivative)) for e in path.edges]
            factors = " × ".join(steps) or "1"
            rows.append(f"| {k} | {factors} | {format_number(path.product)} |")
        return f"$${self.latex()}$$\n\n" + "\n".join(rows)

    def __repr__(self) -> str:
        total = format_number(self.total)
        return f"<Explanation of {self._header()}: {len(self.paths)} path(s), total {total}>"


def explain(root: Value, x: Value, max_paths: int = 64) -> Explanation:
    """Every path from ``root`` down to ``x`` with its local derivatives (see module doc).

    Nothing is computed beyond the local derivatives (``.grad`` is not read or
    written); the paths' total equals ``autograd.gradients(root, [x])``.

    Raises:
        ValueError: ``x`` is not in the graph, or there are more than
            ``max_paths`` paths (their number can grow exponentially with depth).
    """
    if not isinstance(x, Value):
        raise TypeError(f"explain: expected the Value to differentiate by, got {type(x).__name__}")
    order = engine.checked_order(root)
    # paths_to_x[n]: how many paths lead from n down to x (0 if x is not below n)
    paths_to_x: dict[Value, int] = {}
    for node in order:
        paths_to_x[node] = 1 if node is x else sum(paths_to_x[c] for c in node._children)
    if x not in paths_to_x:
        raise ValueError(f"explain: {x!r} is not part of this graph, so d(output)/d(it) is 0")
    if paths_to_x[root] > max_paths:
        raise ValueError(
            f"explain: there are {paths_to_x[root]} paths from the output to this input, more than "
            f"max_paths={max_paths}; pass a larger max_paths, or explain a smaller graph"
        )
    names = node_names(order)
    paths: list[Path] = []
    # depth-first walk with an explicit stack of (node, edges so far)
    stack: list[tuple[Value, tuple[Edge, ...]]] = [(root, ())]
    while stack:
        node, edges = stack.pop()
        if node is x:
            paths.append(Path(edges))
            continue
        local = _local_derivatives(node)
        for index in reversed(range(len(node._children))):
            if paths_to_x[node._children[index]]:
                edge = Edge(node, index, local_formula(node, index, names), float(local[index]))
                stack.append((node._children[index], (*edges, edge)))
    return Explanation(root, x, paths, names)


def _local_derivatives(node: Value) -> tuple[float, ...]:
    """The engine's local derivatives of ``node``; a failing rule is named as backward names it."""
    try:
        return engine.local_derivatives(node)
    except (ArithmeticError, ValueError) as error:
        raise type(error)(engine.describe_failure(node, error)) from error
