"""From a trace to a program: the nodes to compute, in order, each with a kind and a name.

Every node of the traced graph is one of four kinds:

* an **input**: one of f's arguments, a parameter of the generated function;
* a **parameter**: a Value f did not make (a model's weight), or a leaf it made
  with ``Value(...)``; read from its ``.data`` at every call, so an optimizer can
  change it between calls, and given its gradient by ``backward``;
* a **constant**: a number that entered an expression (the 0.5 in ``x * 0.5``),
  written into the code as that number;
* a **computed** node: one line of forward code.

Names come from the graph's labels (``w1``, ``layers_0_w_1``), from f's argument
names, or from the op and the node's position (``mul3``, ``tanh4``); the output
is ``out`` unless it has a label.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from enum import Enum

from autograd.compiler.expressions import Expr, Name
from autograd.compiler.runtime import reserved_names
from autograd.compiler.tracing import Comparison, Trace, is_parameter
from autograd.engine import topological_order
from autograd.ops import Op
from autograd.value import Value


class Kind(Enum):
    INPUT = "input"
    PARAMETER = "parameter"
    CONSTANT = "constant"
    COMPUTED = "computed"


@dataclass(eq=False, slots=True)
class Node:
    """One node of the program (nodes compare by identity, like Values)."""

    value: Value
    kind: Kind
    inputs: tuple[Node, ...] = ()
    name: str = ""
    varies: bool = True  # depends on an input or a parameter (else its guards can be left out)
    gets_gradient: bool = False  # on a path to the output: backward reaches it
    consumers: list[Node] = field(default_factory=list)

    @property
    def expr(self) -> Expr | float:
        """How code refers to this node: its variable, or its number if it is a constant."""
        return self.value.data if self.kind is Kind.CONSTANT else Name(self.name)

    @property
    def gradient(self) -> str:
        return f"grad_{self.name}"


@dataclass(frozen=True)
class Program:
    """Everything code generation needs, in the order the eager engine would compute it."""

    nodes: tuple[Node, ...]  # inputs before users (creation order)
    inputs: tuple[Node, ...]  # f's arguments, in order (the generated function's first parameters)
    parameters: tuple[Node, ...]  # the parameter nodes, in order (index k reads params[k])
    output: Node
    guards: tuple[Comparison, ...]  # the comparisons that depend on inputs or parameters
    by_value: dict[Value, Node]
    by_name: dict[str, Node]

    def node_of(self, operand: Value | float) -> Node | float:
        """The node for a comparison operand (a number stays a number)."""
        return self.by_value[operand] if isinstance(operand, Value) else operand


# Names of the generated code's own globals and parameters: no node may take them.
RESERVED = reserved_names() | {"params", "seed"}


# Each node's name n also names grad_n (its gradient), local_n (local derivatives that a rule
# computed at run time) and the globals forward_n and rule_n (an op the compiler calls).
_DERIVED = ("grad_", "local_", "forward_", "rule_")


_PART = re.compile(r"part\d+")  # the generated code's pieces are called part1, part2, ...
_NOT_IN_NAMES = re.compile(r"\W+")


class _Namer:
    """Hands out valid Python names, unique together with the names derived from them."""

    def __init__(self) -> None:
        self.taken: set[str] = set(RESERVED)

    def name(self, wanted: str) -> str:
        base = _identifier(wanted)
        if _PART.fullmatch(base):
            base += "_"
        candidate, suffix = base, 2
        while self._clashes(candidate):
            candidate, suffix = f"{base}_{suffix}", suffix + 1
        self.taken.add(candidate)
        return candidate

    def _clashes(self, candidate: str) -> bool:
        """Is the name, or a name derived from it, taken; or is it derived from a taken one?"""
        taken = self.taken
        if candidate in taken:
            return True
        for prefix in _DERIVED:
            if prefix + candidate in taken:
                return True
            if candidate.startswith(prefix) and candidate[len(prefix):] in taken:
                return True
        return False


def _identifier(text: str) -> str:
    """``"layers.0.w.1"`` -> ``"layers_0_w_1"``; ``"f(z1)"`` -> ``"f_z1"``; never a keyword."""
    if text.isidentifier() and not keyword.iskeyword(text):
        return text
    name = _NOT_IN_NAMES.sub("_", text).strip("_") or "v"
    if not name.isidentifier():  # starts with a digit
        name = f"v{name}"
    return f"{name}_" if keyword.iskeyword(name) else name


def _stem(op: Op) -> str:
    """What a node is named after: its op's word (``add``), or a name made from its op's name."""
    return op.word or _identifier(op.name)


def build_program(trace: Trace) -> Program:
    """Sort the traced graph into a program, classify and name its nodes."""
    roots = [trace.output]
    for comparison in trace.comparisons:
        roots.append(comparison.left)
        if isinstance(comparison.right, Value):
            roots.append(comparison.right)
    nodes = _classify(topological_order(*roots), trace)
    by_value = {node.value: node for node in nodes}
    output = by_value[trace.output]
    for node in _reachable_nodes(output):
        node.gets_gradient = True
    # an argument that f never used is in no graph, but it is still a parameter of the code
    inputs = tuple(by_value.get(v) or Node(v, Kind.INPUT) for v in trace.inputs)
    _name_nodes(inputs, nodes, output)
    guards = tuple(
        c for c in trace.comparisons
        if by_value[c.left].varies or (isinstance(c.right, Value) and by_value[c.right].varies)
    )
    parameters = tuple(node for node in nodes if node.kind is Kind.PARAMETER)
    by_name = {node.name: node for node in (*inputs, *nodes)}
    return Program(tuple(nodes), inputs, parameters, output, guards, by_value, by_name)


def _reachable_nodes(root: Node) -> list[Node]:
    seen = {root}
    stack = [root]
    while stack:
        for child in stack.pop().inputs:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return list(seen)


def _classify(values: list[Value], trace: Trace) -> list[Node]:
    inputs = set(trace.inputs)
    nodes: list[Node] = []
    by_value: dict[Value, Node] = {}
    for value in values:
        children = tuple(by_value[child] for child in value._children)
        if value in inputs:
            node = Node(value, Kind.INPUT)
        elif is_parameter(value, trace.start):
            # a parameter is read, not recomputed; one made before the call may still have
            # inputs of its own, which backward goes on into (as the eager engine does)
            node = Node(value, Kind.PARAMETER, children)
        elif not value._children:
            node = Node(value, Kind.CONSTANT, varies=False)
        else:
            node = Node(value, Kind.COMPUTED, children, varies=any(c.varies for c in children))
        for child in children:
            child.consumers.append(node)
        by_value[value] = node
        nodes.append(node)
    return nodes


def _name_nodes(inputs: tuple[Node, ...], nodes: list[Node], output: Node) -> None:
    namer = _Namer()
    for node in inputs:  # first, so that f's argument names are kept as they are
        node.name = namer.name(node.value.label)
    count = constants = 0
    for node in nodes:
        if node.kind is Kind.INPUT:
            continue
        if node.kind is Kind.CONSTANT:  # only a constant used twice needs a name (for its gradient)
            constants += 1
            node.name = namer.name(f"const{constants}")
            continue
        count += 1
        if node.value.label:
            node.name = namer.name(node.value.label)
        elif node is output:
            node.name = namer.name("out")
        elif node.kind is Kind.PARAMETER:
            node.name = namer.name(f"param{count}")
        else:
            node.name = namer.name(f"{_stem(node.value._op)}{count}")
