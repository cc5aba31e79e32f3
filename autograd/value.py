"""``Value``: a scalar that remembers how it was computed.

Every arithmetic operation on Values returns a new Value that records the op
(an entry of [`autograd.ops`][]) and its inputs. Those records form an
expression graph, and [`Value.backward`][autograd.value.Value.backward] walks it in reverse to fill
``.grad`` on every node with d(output)/d(node).
"""

from __future__ import annotations

import importlib
import itertools
import numbers
from collections.abc import Iterable, Sequence
from math import isfinite
from operator import attrgetter
from typing import Any, TypeAlias

from autograd import engine
from autograd.modes import DEFAULT_MODE, Mode, caller_outside_package, current_mode
from autograd.ops import (
    ABS,
    ADD,
    CONSTANT,
    DETACHED,
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
    VARIABLE,
    Op,
    base_power_op,
    power_op,
)

Number: TypeAlias = int | float
Operand: TypeAlias = "Value | int | float"



# Every node gets the next number of this counter when it is made. A node's
# inputs exist before it does, so creation order is a topological order: the
# engine sorts by it instead of searching the graph depth-first.
_creation_counter = itertools.count()


def next_creation_number() -> int:
    """A number no Value made so far has, and every Value made from now on exceeds."""
    return next(_creation_counter)


def _as_float(data: Any) -> float:
    """Check that data is a finite real number and return it as a float."""
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        kind = type(data).__name__
        raise TypeError(f"Value needs a real number (int, float or NumPy scalar), got {kind}: {data!r}")
    try:
        result = float(data)
    except OverflowError:
        raise OverflowError(f"Value: {data!r} is too large for a float") from None
    if not isfinite(result):
        # an infinity or NaN would spread silently through every later result
        raise ValueError(f"Value needs a finite number, got {result!r}")
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

    __slots__ = ("_data", "grad", "label", "_children", "_op", "_created", "_changed")
    # Make NumPy scalars hand ``np.float64(2) * v`` over to Value.__rmul__.
    __array_ufunc__ = None

    def __init__(self, data: Number, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self._data: float = _as_float(data)
        self.grad: float = 0.0
        self.label = label
        self._children: tuple[Value, ...] = ()
        self._op: Op = VARIABLE
        self._created = next(_creation_counter)

    # -- the number, and when it was last changed ----------------------------------

    def _set_data(self, number: float) -> None:
        # Stamp the change with the creation counter: any node made *before* this moment
        # from this Value holds the old number, and backward through it is refused. (The
        # slot _changed stays empty until the first change: nodes are made without it.)
        self._data = number
        self._changed = engine.latest_change = next(_creation_counter)

    # Reading is a C-level attribute fetch (attrgetter), as quick as a plain attribute;
    # only writing runs Python code, to stamp the change.
    data = property(attrgetter("_data"), _set_data, doc="The number this node holds.")

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
        observer = current_mode().value_observer
        if observer is not None:  # the compiler is tracing: the number leaves the graph here
            observer.converted(self)
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
        # a number base is part of the op, for the same reason (0 ** y is fine for y > 0)
        if _is_number(other):
            return _apply(base_power_op(_as_float(other)), self)
        return NotImplemented

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
        return _compared("<", self, other, self.data < _data_of(other))

    def __le__(self, other: Operand) -> bool:
        return _compared("<=", self, other, self.data <= _data_of(other))

    def __gt__(self, other: Operand) -> bool:
        return _compared(">", self, other, self.data > _data_of(other))

    def __ge__(self, other: Operand) -> bool:
        return _compared(">=", self, other, self.data >= _data_of(other))

    __hash__ = object.__hash__

    # -- gradients ------------------------------------------------------------

    def backward(self) -> None:
        """Reverse-mode differentiation from this node: fill ``.grad`` of every node below it.

        After ``y.backward()``, ``node.grad`` holds d y / d node (a float) for
        every node y was computed from. Leaf gradients *accumulate* over calls,
        as in PyTorch, so call [`zero_grad`][autograd.value.Value.zero_grad] (or ``Module.zero_grad()``)
        between steps; gradients of intermediate nodes belong to the latest call.

        For gradients as return values (and gradients of gradients) use
        [`autograd.gradients`][autograd.engine.gradients], which leaves ``.grad`` alone.
        """
        engine.backward(self)

    def variables(self) -> list[Value]:
        """Every leaf of this graph that is a variable (not a constant), inputs first."""
        return [n for n in engine.topological_order(self) if not n._children and n._op is not CONSTANT]

    def zero_grad(self) -> None:
        """Set ``grad`` to 0.0 on this node and every node it was computed from."""
        for node in engine.topological_order(self):
            node.grad = 0.0

    # -- Jupyter display --------------------------------------------------------

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """In Jupyter, a Value at the end of a cell shows its graph as SVG.

        Drawing lives in the layer above the engine ([`autograd.drawing`][autograd.drawing.draw]);
        this hook only calls up to it, and shows the text form when that layer
        cannot be loaded (no graphviz package), so displaying never fails.
        """
        try:
            display = importlib.import_module("autograd.drawing.display")
        except ImportError:
            return {"text/plain": repr(self)}
        bundle: dict[str, str] = display.mimebundle(self, include, exclude)
        return bundle


# ----------------------------------------------------------------------------
# Building nodes
# ----------------------------------------------------------------------------


def _is_number(x: object) -> bool:
    return type(x) is float or type(x) is int or (isinstance(x, numbers.Real) and not isinstance(x, bool))


def _constant(x: Number) -> Value:
    """A number that entered an expression (the 2 in ``2 * x``), as a grey leaf."""
    if type(x) is float and isfinite(x):
        node = new_node(x, CONSTANT, ())
    else:
        try:
            node = new_node(_as_float(x), CONSTANT, ())
        except ValueError:
            raise ValueError(f"a non-finite number cannot enter an expression: {x!r}") from None
    node._op = CONSTANT  # also under no_grad, where new_node marks leaves DETACHED
    return node


def _compared(symbol: str, left: Value, right: Operand, outcome: bool) -> bool:
    """Return a comparison's outcome, telling an observer of Values about it first (see modes)."""
    observer = current_mode().value_observer
    if observer is not None:
        observer.compared(symbol, left, right, outcome)
    return outcome


def _data_of(x: Operand) -> float:
    if isinstance(x, Value):
        return x.data
    if _is_number(x):
        return float(x)
    raise TypeError(f"cannot compare a Value with {type(x).__name__}: {x!r}")


def new_node(data: float, op: Op, inputs: tuple[Value, ...]) -> Value:
    """Build the Value that ``op`` computed from ``inputs``: the one place every node is made.

    Here the overflow policy is applied to every op at once: a result that is
    not finite (the inputs always are) is refused with an error naming the op.
    The mode ([`autograd.modes`][]) decides whether the inputs are recorded.
    """
    if not isfinite(data):
        raise _not_finite(op, inputs, data)
    node = object.__new__(Value)
    node._data = data
    node.grad = 0.0
    node.label = ""
    node._created = next(_creation_counter)
    mode = current_mode()
    if mode is DEFAULT_MODE:  # the common case, decided with one identity test
        node._children, node._op = inputs, op
    else:
        _record_in_mode(node, op, inputs, mode)
    return node


def _record_in_mode(node: Value, op: Op, inputs: tuple[Value, ...], mode: Mode) -> None:
    if mode.grad_enabled:
        node._children, node._op = inputs, op
    else:  # no_grad: the result is a fresh leaf that remembers nothing
        node._children, node._op = (), DETACHED
    if mode.creation_sites is not None:
        mode.creation_sites[node] = caller_outside_package()


def _not_finite(op: Op, inputs: tuple[Value, ...], data: float) -> ArithmeticError | ValueError:
    numbers = [f"{v.data!r}" for v in inputs]
    shown = f" {op.name} ".join(numbers) if op.notation == "infix" else (
        f"{op.name}({', '.join(numbers)})"
    )
    if data != data:  # NaN: only an op written outside the table can produce one from finite inputs
        return ValueError(f"{op.name}: {shown} gave NaN")
    return OverflowError(f"{op.name}: {shown} = {data!r} is too large for a float")


def _apply(op: Op, *inputs: Value) -> Value:
    """Run ``op`` forward on the inputs' data and record it in the graph."""
    return new_node(op.forward(*[v._data for v in inputs]), op, inputs)


def _binary(op: Op, a: Any, b: Any) -> Value:
    """Apply a two-input op, turning a number on either side into a constant."""
    if type(a) is Value and type(b) is Value:  # the common case first
        return new_node(op.forward(a._data, b._data), op, (a, b))
    if not isinstance(a, Value):
        if not _is_number(a):
            return NotImplemented
        a = _constant(a)
    if not isinstance(b, Value):
        if not _is_number(b):
            return NotImplemented
        b = _constant(b)
    return new_node(op.forward(a._data, b._data), op, (a, b))


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
    """Apply an [`Op`][autograd.ops.Op] (your own, say) to Values or numbers.

    This is how to add an op without touching the library: write its forward
    rule and local derivatives as an ``Op`` and apply it. Check the rule with
    [`autograd.gradcheck`][autograd.gradcheck.gradcheck] or
    [`autograd.check_nodes`][autograd.teaching.nodecheck.check_nodes].

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
