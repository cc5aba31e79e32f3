"""``Value``: a scalar that remembers how it was computed.

Every arithmetic operation on Values returns a new Value that records the op
(an entry of :mod:`autograd.ops`) and its inputs. Those records form an
expression graph, and :meth:`Value.backward` walks it in reverse to fill
``.grad`` on every node with d(output)/d(node).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeAlias

from autograd import engine
from autograd.ops import (
    ABS,
    ADD,
    DIV,
    DOT,
    EXP,
    LOG,
    MUL,
    NEG,
    POW,
    RELU,
    SIGMOID,
    SQRT,
    SUB,
    SUM,
    TANH,
    Op,
    power_op,
)

Number: TypeAlias = int | float
Operand: TypeAlias = "Value | int | float"

# Leaves have no op that made them, but every node has an ``_op``, so that
# code reading the graph never meets None. VARIABLE marks the Values you create
# (and results computed under no_grad); CONSTANT marks a number that an
# expression turned into a Value (the 2 in ``2 * x``).
VARIABLE = Op("", lambda: 0.0, lambda out: (), ())
CONSTANT = Op("const", lambda: 0.0, lambda out: (), ())


class _GradMode:
    """Whether new ops record their inputs (switched off by :func:`no_grad`)."""

    enabled = True


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block, ops compute values but record no graph (as in PyTorch).

    Use it for evaluation and for optimizer updates, where nobody will call
    backward, to save the memory and time of recording.
    """
    previous = _GradMode.enabled
    _GradMode.enabled = False
    try:
        yield
    finally:
        _GradMode.enabled = previous


def _as_float(data: Any) -> float:
    """Check that data is a real number and return it as a float."""
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        kind = type(data).__name__
        raise TypeError(f"Value needs a real number (int, float or NumPy scalar), got {kind}: {data!r}")
    result = float(data)
    if result != result:
        raise ValueError("Value data is NaN; a real number is required")
    return result


class Value:
    """A scalar node in an expression graph, with its gradient.

    Attributes:
        data: the number this node holds.
        grad: d(output)/d(this node) after ``output.backward()``; 0.0 before.
        label: an optional name, shown in drawings and error messages.

    Equality and hashing are by identity (``a == b`` means "the same node"), so
    Values can be kept in sets and used as dict keys; compare numbers with
    ``a.data == b.data``. The orderings ``< <= > >=`` compare ``.data``.
    """

    __slots__ = ("data", "grad", "label", "_children", "_op")
    # Make NumPy scalars hand ``np.float64(2) * v`` over to Value.__rmul__.
    __array_ufunc__ = None

    def __init__(self, data: Number, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self.data: float = _as_float(data)
        self.grad: float = 0.0
        self.label = label
        self._children: tuple[Value, ...] = ()
        self._op: Op = VARIABLE

    # -- read-only view of the graph, for drawing and teaching ----------------

    @property
    def op(self) -> str:
        """Name of the op that produced this node: ``"*"``, ``"tanh"``, ``"**2"``...

        ``""`` for a leaf you created, ``"const"`` for a number that entered an
        expression (the 2 in ``2 * x``).
        """
        return self._op.name

    @property
    def children(self) -> tuple[Value, ...]:
        """The input nodes this one was computed from, in argument order."""
        return self._children

    @property
    def is_leaf(self) -> bool:
        """True for nodes not computed from others (variables and constants)."""
        return not self._children

    def __repr__(self) -> str:
        name = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{name})"

    def __float__(self) -> float:
        return self.data

    # -- arithmetic: each builds one node with an op from the table -----------

    def __add__(self, other: Operand) -> Value:
        return _binary(ADD, self, other)

    def __radd__(self, other: Operand) -> Value:
        return _binary(ADD, other, self)

    def __sub__(self, other: Operand) -> Value:
        return _binary(SUB, self, other)

    def __rsub__(self, other: Operand) -> Value:
        return _binary(SUB, other, self)

    def __mul__(self, other: Operand) -> Value:
        return _binary(MUL, self, other)

    def __rmul__(self, other: Operand) -> Value:
        return _binary(MUL, other, self)

    def __truediv__(self, other: Operand) -> Value:
        return _binary(DIV, self, other)

    def __rtruediv__(self, other: Operand) -> Value:
        return _binary(DIV, other, self)

    def __pow__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _binary(POW, self, other)
        # A number exponent is part of the op (x ** 3 has one input, x), so
        # that no derivative with respect to it is ever taken: ln(x) would
        # fail for x <= 0 although x ** 3 is fine there.
        if _is_number(other):
            return _apply(power_op(_as_float(other)), self)
        return NotImplemented

    def __rpow__(self, other: Operand) -> Value:
        return _binary(POW, other, self)

    def __neg__(self) -> Value:
        return _apply(NEG, self)

    def __abs__(self) -> Value:
        return _apply(ABS, self)

    def exp(self) -> Value:
        """e ** x.  d/dx = e ** x.  Raises OverflowError for x > ~709.78."""
        return _apply(EXP, self)

    def log(self) -> Value:
        """Natural logarithm, x > 0.  d/dx ln(x) = 1 / x."""
        return _apply(LOG, self)

    def sqrt(self) -> Value:
        """Square root, x >= 0.  d/dx sqrt(x) = 1 / (2 sqrt(x))."""
        return _apply(SQRT, self)

    def tanh(self) -> Value:
        """Hyperbolic tangent.  d/dx tanh(x) = 1 - tanh(x)^2."""
        return _apply(TANH, self)

    def sigmoid(self) -> Value:
        """Logistic function 1 / (1 + e^-x), overflow-safe.  d/dx = s(x) (1 - s(x))."""
        return _apply(SIGMOID, self)

    def relu(self) -> Value:
        """max(0, x).  d/dx = 1 for x > 0, else 0 (0 is used at the kink x = 0)."""
        return _apply(RELU, self)

    # -- comparisons look at the numbers; == stays identity (see class doc) ---

    def __lt__(self, other: Operand) -> bool:
        return self.data < _data_of(other)

    def __le__(self, other: Operand) -> bool:
        return self.data <= _data_of(other)

    def __gt__(self, other: Operand) -> bool:
        return self.data > _data_of(other)

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _data_of(other)

    __hash__ = object.__hash__

    # -- gradients ------------------------------------------------------------

    def backward(
        self, *, create_graph: bool = False, inputs: Sequence[Value] | None = None, record: bool = False
    ) -> Any:
        """Reverse-mode differentiation from this node.

        ``backward()`` sets d(self)/d(node) into ``node.grad`` (a float) for every
        node of the graph. Leaf gradients *accumulate* over calls (as in PyTorch):
        call :meth:`zero_grad` (or ``Module.zero_grad()``) between steps.
        Gradients of intermediate nodes belong to the latest call only.

        ``backward(create_graph=True)`` instead *returns* the gradients as
        Values, each with its own graph, so they can be differentiated again:
        one per Value in ``inputs`` (default: every variable, i.e. every leaf
        that is not a constant, in graph order). ``.grad`` is left untouched.

        ``backward(record=True)`` does what ``backward()`` does and returns an
        :class:`~autograd.record.BackwardRecord` of every step, to print or replay.
        """
        if create_graph:
            if record:
                raise ValueError("record=True cannot be combined with create_graph=True")
            chosen = self.variables() if inputs is None else list(inputs)
            return engine.gradient_graph(self, chosen)
        if inputs is not None:
            raise ValueError("inputs= is only used with create_graph=True")
        if self.grad != 0.0 and self._children:  # backward ran through here before
            from autograd.teaching import warn_if_backward_again

            warn_if_backward_again(self, engine.topological_order(self))
        if record:
            from autograd.record import backpropagate_recorded

            return backpropagate_recorded(self)
        engine.backpropagate(self)
        return None

    def explain(self, x: Value, max_paths: int = 64) -> Any:
        """d(self)/d(x) spelled out: every path from self down to x, its local derivatives and their product.

        Prints as text; shows as Markdown and LaTeX in Jupyter. See :mod:`autograd.explain`.
        """
        from autograd.explain import explain

        return explain(self, x, max_paths=max_paths)

    def variables(self) -> list[Value]:
        """Every leaf of this graph that is a variable (not a constant), inputs first."""
        return [n for n in engine.topological_order(self) if not n._children and n._op is not CONSTANT]

    def zero_grad(self) -> None:
        """Set ``grad`` to 0.0 on this node and every node it was computed from."""
        for node in engine.topological_order(self):
            node.grad = 0.0

    # -- Jupyter display --------------------------------------------------------

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """In Jupyter, a Value at the end of a cell shows its graph as SVG (text if dot is missing)."""
        from autograd.draw import mimebundle  # imported here: draw imports this module

        return mimebundle(self, include, exclude)


# ----------------------------------------------------------------------------
# Building nodes
# ----------------------------------------------------------------------------


def _is_number(x: object) -> bool:
    return type(x) is float or type(x) is int or (isinstance(x, numbers.Real) and not isinstance(x, bool))


def _constant(x: Number) -> Value:
    node = _new_node(float(x), CONSTANT, ()) if type(x) in (float, int) else Value(x)
    if node.data != node.data:
        raise ValueError("a NaN cannot enter an expression")
    node._op = CONSTANT
    return node


def _data_of(x: Operand) -> float:
    if isinstance(x, Value):
        return x.data
    if _is_number(x):
        return float(x)
    raise TypeError(f"cannot compare a Value with {type(x).__name__}: {x!r}")


def _new_node(data: float, op: Op, inputs: tuple[Value, ...]) -> Value:
    node = object.__new__(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    if _GradMode.enabled:
        node._children, node._op = inputs, op
    else:
        node._children, node._op = (), VARIABLE
    return node


def _apply(op: Op, *inputs: Value) -> Value:
    """Run ``op`` forward on the inputs' data and record it in the graph."""
    return _new_node(op.forward(*[v.data for v in inputs]), op, inputs)


def _binary(op: Op, a: Any, b: Any) -> Value:
    """Apply a two-input op, turning a number on either side into a constant."""
    if not isinstance(a, Value):
        if not _is_number(a):
            return NotImplemented
        a = _constant(a)
    if not isinstance(b, Value):
        if not _is_number(b):
            return NotImplemented
        b = _constant(b)
    return _new_node(op.forward(a.data, b.data), op, (a, b))


def _as_values(items: Iterable[Operand], what: str) -> tuple[Value, ...]:
    values = []
    for item in items:
        if isinstance(item, Value):
            values.append(item)
        elif _is_number(item):
            values.append(_constant(item))
        else:
            raise TypeError(f"{what}: expected Values or numbers, got {type(item).__name__}: {item!r}")
    return tuple(values)


def sum_values(terms: Iterable[Operand]) -> Value:
    """x_1 + ... + x_n as a single node (d/dx_i = 1), cheaper than a chain of +."""
    values = _as_values(terms, "sum_values")
    if not values:
        raise ValueError("sum_values needs at least one term")
    return _apply(SUM, *values)


def dot(weights: Sequence[Operand], inputs: Sequence[Operand]) -> Value:
    """w_1 x_1 + ... + w_n x_n as one node: d/dw_i = x_i and d/dx_i = w_i.

    A neuron's weighted sum in one node instead of 2n nodes of ``*`` and ``+``.
    """
    if len(weights) != len(inputs):
        raise ValueError(f"dot: {len(weights)} weights but {len(inputs)} inputs")
    if not weights:
        raise ValueError("dot needs at least one weight and input")
    return _apply(DOT, *_as_values(weights, "dot"), *_as_values(inputs, "dot"))


def apply_op(op: Op, *inputs: Operand) -> Value:
    """Apply an :class:`~autograd.ops.Op` (your own, say) to Values or numbers.

    This is how to add an op without touching the library: write its forward
    rule and local derivatives as an ``Op`` and apply it. Check the rule with
    :func:`autograd.gradcheck` or :func:`autograd.check_nodes`.

    >>> from autograd.ops import Op
    >>> cube = Op("cube", lambda x: x ** 3, lambda out, x: (3 * x ** 2,), ("3 x**2",))
    >>> x = Value(2.0)
    >>> y = apply_op(cube, x)
    >>> y.backward()
    >>> y.data, x.grad
    (8.0, 12.0)
    """
    if not isinstance(op, Op):
        raise TypeError(f"apply_op: expected an autograd Op, got {type(op).__name__}")
    return _apply(op, *_as_values(inputs, f"apply_op({op.name})"))
