"""Code generation: a program becomes Python source, one line per node and per local derivative.

The forward half is one assignment per computed node, in the eager engine's
order; the comparisons f made are checked where f made them (guards). The
backward half is the eager engine's chain rule written out, node by node from the
output down: a node's gradient is the sum, over the nodes that use it, of local
derivative times their gradient, one line per local derivative::

    grad_y = (
        exp2 * grad_add3  # exp: out
        + x * grad_add3  # *: x
    )

The expression in front of ``* grad_add3`` is the op's derivative rule run on
symbols ([`expressions`][autograd.compiler.expressions]), and the terms come in the
order in which the eager engine adds them up, so the compiled code rounds exactly as
the engine does. A node whose only term is its user's gradient times 1 (an input
of ``+``) needs no line: it shares that gradient's name.

Refusing what the engine refuses: the engine checks every result for overflow;
here one line ``if not isfinite(sum((a, b, ...)))`` checks many values at once (a
non-finite term makes the sum non-finite). Only the values that could hide a
non-finite number need it: an infinity that goes into ``+`` or ``*`` shows up in the
result, one that goes into tanh does not (tanh(inf) is 1), and a value known to be
small cannot be infinite. In backward, a non-finite gradient spreads to every leaf
below it (``inf * 0`` is NaN), so checking the leaves' gradients is enough. Array
code needs no checks: NumPy's floating-point error state raises instead.

Very large programs are cut into functions of at most ``CHUNK_LINES`` statements
(``part1``, ``part2``, ...) called in turn, each receiving the values it reads and
returning the ones read later, so that no function grows beyond what CPython
compiles comfortably; no expression nests deeper than a few levels.
"""

from __future__ import annotations

import builtins
import linecache
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd.compiler.expressions import (
    ARRAY,
    FLOAT,
    SUM,
    Expr,
    Item,
    Literal,
    Name,
    Negative,
    Raw,
    Tuple,
    as_expr,
    call,
    compare,
    is_number,
    times,
)
from autograd.compiler.program import Kind, Node, Program
from autograd.compiler.spellings import Spelling, spelling_of
from autograd.compiler.tracing import Comparison
from autograd.ops import Op

CHUNK_LINES = 20_000  # statements per function of a large program
CHECK_EVERY = 250  # values per finiteness check
SAFE = 1e300  # a value known to be at most this large cannot have overflowed
TERMS_PER_STATEMENT = 32  # a gradient with more terms is summed in several statements


@dataclass
class Line:
    """One statement of the generated code.

    kind is ``"assign"`` (``target = expr``), ``"sum"`` (``target = term + term ...``,
    one line per term, continuing from ``target`` if augmented), ``"guard"`` (a
    comparison f made, checked again), ``"check"`` (finiteness of some values;
    float code only) or ``"comment"``.
    """

    kind: str
    target: str = ""
    expr: Expr | None = None
    augmented: bool = False
    comment: str = ""
    outcome: bool = True  # a guard: what the comparison came out as when traced
    index: int = 0  # a guard: its number
    checked: tuple[Expr, ...] = ()
    terms: tuple[tuple[Expr, str], ...] = ()  # a sum: (term, what it is) pairs

    def uses(self) -> list[str]:
        names = list(self.expr.names()) if self.expr is not None else []
        for item in self.checked:
            names.extend(item.names())
        for term, _ in self.terms:
            names.extend(term.names())
        if self.augmented:
            names.append(self.target)
        return names

    def render(self, flavour: str) -> str | None:
        """The statement in one flavour of code, or None if that flavour leaves it out."""
        note = f"  # {self.comment}" if self.comment else ""
        if self.kind == "comment":
            return f"# {self.comment}"
        if self.kind == "check":
            if flavour == ARRAY:
                return None
            values = ", ".join(item.render(flavour) for item in self.checked)
            total = values if len(self.checked) == 1 else f"sum(({values}))"
            return f"if not isfinite({total}):{note}\n    raise NotFiniteError"
        if self.kind == "sum":
            return self._render_sum(flavour)
        assert self.expr is not None
        text = self.expr.render(flavour)
        if self.kind == "guard":
            if flavour == ARRAY:
                return f"guard({text}, {self.outcome}, {self.index}){note}"
            condition = f"not ({text})" if self.outcome else text
            return f"if {condition}:{note}\n    raise GuardError({self.index})"
        return f"{self.target} = {text}{note}"

    def _render_sum(self, flavour: str) -> str:
        """``target = first``, or over several lines ``target = (first  # ...`` ``+ next  # ...)``."""
        parts: list[tuple[Expr, str]] = [(Name(self.target), "")] if self.augmented else []
        parts.extend(self.terms)
        if len(parts) == 1:
            term, comment = parts[0]
            return f"{self.target} = {term.render(flavour)}" + (f"  # {comment}" if comment else "")
        lines = [f"{self.target} = ("]
        for k, (term, comment) in enumerate(parts):
            if k == 0:  # a choice (a if c else b) first in a sum must keep its parentheses
                text = term.inside(SUM, flavour)
            elif isinstance(term, Negative):  # a + (-b) is a - b, to the last bit
                text = f"- {term.operand.inside(SUM + 1, flavour)}"
            else:
                text = f"+ {term.inside(SUM + 1, flavour)}"
            lines.append(f"    {text}  # {comment}" if comment else f"    {text}")
        lines.append(")")
        return "\n".join(lines)


@dataclass
class Generated:
    """The lines of one generated function, before they are rendered."""

    name: str
    parameters: tuple[str, ...]
    lines: list[Line]
    result: Expr
    # ops called by name, with no spelling: global name -> (op, "forward" or "rule", number of inputs)
    runtime_ops: dict[str, tuple[Op, str, int]] = field(default_factory=dict)


class _Writer:
    """Writes the lines of one program: `forward`, then (for gradients) `backward`."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.lines: list[Line] = []
        self.runtime_ops: dict[str, tuple[Op, str, int]] = {}
        self.pending_checks: list[Expr] = []
        self.parameter_index = {node: k for k, node in enumerate(program.parameters)}
        self.bounds: dict[Node, float] = {}  # how large each value can be (inf: unknown)
        self.spellings: dict[Node, Spelling | None] = {}
        self.gradient_of: dict[Node, str] = {}  # the variable holding each node's gradient

    # -- forward ---------------------------------------------------------------

    def forward(self) -> None:
        self.lines.append(Line("comment", comment="forward: one line per node of the graph"))
        program = self.program
        operands = [program.node_of(operand) for g in program.guards for operand in (g.left, g.right)]
        guard_operands = {node for node in operands if isinstance(node, Node)}
        guards = program.guards
        next_guard = 0  # the guards, in the order f made them, each after the values it compares
        for node in program.nodes:
            while next_guard < len(guards) and guards[next_guard].position <= node.value._created:
                self._guard(next_guard, guards[next_guard])
                next_guard += 1
            self.bounds[node] = self._bound(node)
            if node.kind is Kind.PARAMETER:  # read afresh: an optimizer may have changed it
                read = Raw(f"params[{self.parameter_index[node]}].data", ("params",))
                self.lines.append(Line("assign", node.name, read))
            elif node.kind is Kind.COMPUTED:
                self.lines.append(Line("assign", node.name, self._forward_expr(node)))
            else:
                continue
            # a comparison hides a non-finite number too: its outcome is just True or False
            watched = node is program.output or node in guard_operands or self._could_hide(node)
            if watched and self.bounds[node] >= SAFE:
                self._check(Name(node.name))
        for index in range(next_guard, len(guards)):
            self._guard(index, guards[index])
        self._flush_checks()

    def _guard(self, index: int, comparison: Comparison) -> None:
        """Check a comparison again. (A non-finite value it compares need not be checked first:
        if the guard fails, f is traced again, eagerly, and the engine raises; if not, the
        value's own check raises later.)"""
        program = self.program
        condition = compare(comparison.symbol, _operand(program.node_of(comparison.left)),
                            _operand(program.node_of(comparison.right)))
        self.lines.append(Line("guard", expr=condition, outcome=comparison.outcome, index=index,
                               comment=f"f compared, at {comparison.site}"))

    def _spelling(self, node: Node) -> Spelling | None:
        """The spelling of the node's op (looked up once per node: ops hash slowly)."""
        if node not in self.spellings:
            self.spellings[node] = spelling_of(node.value._op)
        return self.spellings[node]

    def _forward_expr(self, node: Node) -> Expr:
        op = node.value._op
        args = [child.expr for child in node.inputs]
        spelling = self._spelling(node)
        rule = spelling.forward if spelling is not None else op.forward
        try:  # the spelling, or else the forward rule itself if it is plain arithmetic
            return as_expr(rule(*args))
        except Exception:  # it needs numbers (or fails): call the rule at run time instead
            function = f"forward_{node.name}"
            self.runtime_ops[function] = (op, "forward", len(args))
            return call(function, *args)

    def _bound(self, node: Node) -> float:
        """How large the node's value can be, if its inputs are finite (inf: no bound known)."""
        if node.kind is Kind.CONSTANT:
            return abs(node.value.data)
        spelling = self._spelling(node)
        if node.kind is not Kind.COMPUTED or spelling is None:
            return math.inf
        bound = spelling.bound(*(self.bounds[child] for child in node.inputs))
        return bound if bound < SAFE else math.inf  # (a NaN bound fails the test too)

    def _could_hide(self, node: Node) -> bool:
        """True if an op using this node could turn its non-finite value into a finite one."""
        for consumer in node.consumers:
            if consumer.kind is not Kind.COMPUTED:
                return True
            spelling = self._spelling(consumer)
            for position, child in enumerate(consumer.inputs):
                if child is node and (spelling is None or not spelling.passes_on_input(position)):
                    return True
        return False

    # -- backward --------------------------------------------------------------

    def backward(self) -> None:
        """One statement per node, from the output down: its gradient, summed over its users.

        ``grad_n = sum over the nodes m that use n of (d m / d n) * grad_m``, the terms in
        the order the eager engine adds them, one line each. Every user of n comes later
        in the forward order, so when the walk reaches n, all its terms are known.
        """
        program = self.program
        heading = "backward: grad_n = d out / d n, one line per local derivative"
        self.lines.append(Line("comment", comment=heading))
        self.gradient_of[program.output] = "seed"
        self.lines.append(Line("comment", comment=f"{program.output.gradient} is seed  (d out / d out = 1)"))
        uses = _contribution_counts(program)
        terms: dict[Node, list[tuple[Expr, str]]] = {}
        for node in reversed(program.nodes):
            if not node.gets_gradient:
                continue
            if node is not program.output and node in terms:
                self._gradient(node, terms.pop(node))
            if not node.inputs:
                continue
            local = self._local_derivatives(node)
            upstream = Name(self.gradient_of[node])
            has_variable_input = any(child.kind is not Kind.CONSTANT for child in node.inputs)
            for position, (child, derivative) in enumerate(zip(node.inputs, local)):
                contribution = times(derivative, upstream)
                if child.kind is Kind.CONSTANT and uses[child] == 1:
                    # a constant's gradient matters only because the engine refuses it if it
                    # overflows; a product with a number of size <= 1 cannot overflow unless the
                    # upstream gradient did, and that shows in the other input's gradient
                    if not self._cannot_overflow(derivative, upstream, has_variable_input):
                        self._check(contribution)
                    continue
                terms.setdefault(child, []).append((contribution, _formula(node, position)))
        leaves = [n for n in program.nodes if n.gets_gradient and not n.inputs and n in self.gradient_of]
        self._flush_checks()
        for start in range(0, len(leaves), CHECK_EVERY):
            checked = tuple(Name(self.gradient_of[n]) for n in leaves[start:start + CHECK_EVERY])
            refusal = "the engine refuses inf and NaN"
            self.lines.append(Line("check", checked=checked, comment=refusal))

    def _gradient(self, node: Node, terms: list[tuple[Expr, str]]) -> None:
        """``grad_n = term + term + ...``: one statement, one line per term (a long sum in pieces)."""
        first, comment = terms[0]
        if len(terms) == 1 and isinstance(first, Name):
            # d node / d user = 1, and nothing else flows into node: the same number, no new name
            self.gradient_of[node] = first.text
            self.lines.append(Line("comment", comment=f"{node.gradient} is {first.text}  ({comment})"))
            return
        self.gradient_of[node] = node.gradient
        for start in range(0, len(terms), TERMS_PER_STATEMENT):  # no expression nests too deep
            piece = tuple(terms[start:start + TERMS_PER_STATEMENT])
            self.lines.append(Line("sum", node.gradient, terms=piece, augmented=start > 0))

    def _cannot_overflow(self, derivative: Any, upstream: Name, has_variable_input: bool) -> bool:
        """Whether ``derivative * upstream`` (a constant's gradient) is sure to be finite.

        It is if the upstream gradient is the seed, 1, and the derivative a number or a
        value of the forward pass (the forward checks made sure those are finite); or if
        the derivative is at most 1 in size: then only a non-finite upstream gradient could
        make it non-finite, and that one shows in the gradient of the node's other input.
        """
        if upstream.text == "seed" and (isinstance(derivative, Name) or is_number(derivative)):
            return True
        return self._at_most_one(derivative) and has_variable_input

    def _at_most_one(self, derivative: Any) -> bool:
        """True if a local derivative is known to be at most 1 in size (a number, or a small value)."""
        if isinstance(derivative, Name):
            node = self.program.by_name.get(derivative.text)
            return node is not None and self.bounds.get(node, math.inf) <= 1
        return is_number(derivative) and abs(derivative) <= 1

    def _local_derivatives(self, node: Node) -> list[Any]:
        """The op's local derivatives as expressions: its spelling, its rule on symbols, or a call."""
        op = node.value._op
        out = Name(node.name)
        args = [child.expr for child in node.inputs]
        spelling = self._spelling(node)
        rules: list[Callable[..., Any]] = [op.derivative]
        if spelling is not None and spelling.derivatives is not None:
            rules.insert(0, spelling.derivatives)
        for rule in rules:
            try:
                local = rule(out, *args)
            except Exception:  # NeedsNumberError, or any failure: try the next way
                continue
            if isinstance(local, (tuple, list)) and len(local) == len(args) and all(
                isinstance(d, Expr) or is_number(d) for d in local
            ):
                return list(local)
        # the rule looks at the numbers and has no spelling: call it, as the engine does
        function, result = f"rule_{node.name}", f"local_{node.name}"
        self.runtime_ops[function] = (op, "rule", len(args))
        self.lines.append(Line("assign", result, call(function, out, *args),
                               comment=f"{op.name}: the rule branches on the numbers, so it runs here"))
        return [Item(result, i) for i in range(len(args))]

    # -- checks ------------------------------------------------------------------

    def _check(self, value: Expr) -> None:
        self.pending_checks.append(value)
        if len(self.pending_checks) >= CHECK_EVERY:
            self._flush_checks()

    def _flush_checks(self) -> None:
        if self.pending_checks:
            self.lines.append(Line("check", checked=tuple(self.pending_checks),
                                   comment="the engine refuses inf and NaN"))
            self.pending_checks = []


def _operand(operand: Node | float) -> Any:
    return operand.expr if isinstance(operand, Node) else operand


def _contribution_counts(program: Program) -> dict[Node, int]:
    """How many local derivatives flow into each node in backward."""
    counts: dict[Node, int] = {}
    for node in program.nodes:
        if node.gets_gradient:
            for child in node.inputs:
                counts[child] = counts.get(child, 0) + 1
    return counts


def _formula(node: Node, position: int) -> str:
    """The local derivative in words, from the op table: ``"tanh: 1 - out**2"``."""
    op = node.value._op
    if not op.formulas:
        return op.name
    return f"{op.name}: {op.formula(position, len(node.inputs))}"


def generate(program: Program, gradient: bool, name: str) -> Generated:
    """The lines of the forward function, or (``gradient``) of the forward-and-backward one.

    The forward function takes f's arguments and ``params`` (the parameter Values) and
    returns the output. The gradient function takes ``seed`` (d out / d out: 1.0, or an
    array of ones) too, and returns ``(out, input gradients, parameter gradients)``.
    """
    writer = _Writer(program)
    writer.forward()
    parameters = (*(node.name for node in program.inputs), "params")
    output = as_expr(program.output.expr)
    if not gradient:
        return Generated(name, parameters, writer.lines, output, writer.runtime_ops)
    writer.backward()
    names = ", ".join(node.name for node in program.inputs)
    result_note = f"the result: out, d out / d ({names}), d out / d (each parameter that out uses)"
    writer.lines.append(Line("comment", comment=result_note))
    gradient_of = writer.gradient_of
    input_gradients = Tuple(tuple(
        Name(gradient_of[node]) if node in gradient_of else Literal(0.0) for node in program.inputs
    ))
    parameter_gradients = Tuple(tuple(Name(gradient_of[p]) for p in program.parameters if p.gets_gradient))
    result = Tuple((output, input_gradients, parameter_gradients))
    return Generated(name, (*parameters, "seed"), writer.lines, result, writer.runtime_ops)


# ----------------------------------------------------------------------------
# Source text, in one function or in parts
# ----------------------------------------------------------------------------


def render_source(generated: Generated, flavour: str = FLOAT) -> str:
    """The Python source of a generated function, for floats or for NumPy arrays."""
    lines = [(line, text) for line in generated.lines if (text := line.render(flavour)) is not None]
    statements = sum(1 for line, _ in lines if line.kind != "comment")
    result = generated.result.render(flavour)
    if statements <= CHUNK_LINES:
        body = [text for _, text in lines]
        return _function(generated.name, generated.parameters, body, f"return {result}")
    return _in_parts(generated, lines, result)


def _function(name: str, parameters: Sequence[str], body: list[str], last: str) -> str:
    head = f"def {name}({', '.join(parameters)}):"
    indented = (f"    {text}".replace("\n", "\n    ") for text in body)
    return "\n".join([head, *indented, f"    {last}", ""])


def _in_parts(generated: Generated, lines: list[tuple[Line, str]], result: str) -> str:
    """Cut a long body into functions of CHUNK_LINES lines, and a function that calls them in turn."""
    chunks = [lines[start:start + CHUNK_LINES] for start in range(0, len(lines), CHUNK_LINES)]
    reads = [_read_first(chunk) for chunk in chunks]
    writes = [{line.target for line, _ in chunk if line.kind in ("assign", "sum")} for chunk in chunks]
    needed_later = set(generated.result.names())
    returns: list[list[str]] = []
    for k in reversed(range(len(chunks))):
        returns.append(sorted(writes[k] & needed_later))
        needed_later |= set(reads[k])
    returns.reverse()
    parts, calls = [], []
    for k, chunk in enumerate(chunks, start=1):
        outputs = returns[k - 1]
        back = f"return ({', '.join(outputs)},)" if outputs else "return None"
        arguments = ", ".join(reads[k - 1])
        parts.append(_function(f"part{k}", reads[k - 1], [text for _, text in chunk], back))
        calls.append(f"{', '.join(outputs)}, = part{k}({arguments})" if outputs else f"part{k}({arguments})")
    driver = _function(generated.name, generated.parameters, calls, f"return {result}")
    return "\n".join([*parts, driver])


def _read_first(chunk: list[tuple[Line, str]]) -> list[str]:
    """Names a piece of code reads before it assigns them: what it must be given."""
    defined: set[str] = set()
    exposed: dict[str, None] = {}
    for line, _ in chunk:
        for name in line.uses():
            if name not in defined:
                exposed.setdefault(name, None)
        if line.kind in ("assign", "sum"):
            defined.add(line.target)
    return list(exposed)


def build_function(source: str, name: str, namespace: dict[str, Any], filename: str) -> Callable[..., Any]:
    """Compile ``source`` and return its function ``name``; tracebacks show the generated lines."""
    code = builtins.compile(source, filename, "exec")
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(code, namespace)
    function: Callable[..., Any] = namespace[name]
    return function
