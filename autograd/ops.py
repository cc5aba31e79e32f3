"""The op table: every operation's forward rule beside its local derivatives.

Each [`Op`][autograd.ops.Op] says how to compute an output from its inputs (``forward``) and,
right next to it, the partial derivative of that output with respect to each input
(``derivative``): the *local derivative* that the chain rule multiplies by the
upstream gradient during backward.

One rule, two paths. A derivative rule receives the op's output and inputs and is
written with nothing but ``+ - * / **`` (plus [`log`][autograd.ops.log] for ``**``). So the very
same rule runs

* on plain floats, in the fast ``backward()`` pass, and
* on [`Value`][autograd.value.Value] objects, in ``gradients(..., create_graph=True)``,
  where evaluating it records a graph of the gradient that can be differentiated again.

Where a rule must branch (``relu`` at its kink, ``**`` at a zero base), it
branches on ``float(x)``, which is the number for a float and for a Value alike:
``x == 0`` would ask "is this the same node?" of a Value (Values compare by
identity). So both paths take the same branch and give the same answer, or the
same error, at every point.

Every forward rule may raise for inputs outside its domain, naming the op; a
result that is not finite (an overflow) is refused for every op in one place,
where nodes are built ([`autograd.value.new_node`][]).

This table is the one list of ops. The other layers build their own tables from
[`TABLE`][autograd.ops.TABLE] (the command line's functions, the compiler's names, the
PyTorch replay), and one test checks that every op has every column: adding an op
means adding one entry here and one entry to the tests' registry (``tests/registry.py``),
which then runs it through every path (backward, gradients of gradients, the function
transformations, the compiler, PyTorch) against a reference written with sympy.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True, slots=True)
class Op:
    """One differentiable operation.

    Attributes:
        name: how the op is shown in graphs and messages, e.g. ``"*"`` or ``"tanh"``.
        forward: maps input floats to the output float; raises on domain errors.
        derivative: ``derivative(out, *inputs)`` returns one local derivative
            ``d out / d input_i`` per input. Works on floats and on Values.
        formulas: the local derivatives in words, one per input (``x``, ``y`` name
            the inputs, ``out`` the output); ``x_i``-style for ops with many inputs.
        number: the number built into an op made for it: n in ``x ** n``
            ([`power_op`][autograd.ops.power_op]), c in ``c ** x``
            ([`base_power_op`][autograd.ops.base_power_op]); else None.
        notation: how an expression writes it: ``"infix"`` (``x + y``), ``"prefix"``
            (``-x``), ``"call"`` (``tanh(x)``, also a Value method of that name) or
            ``"internal"`` (made by the library, never written by hand).
        arity: the number of inputs, or None for any number (sum, dot).
        word: the op's name as an identifier (``"add"`` for ``+``), for generated code;
            ``""`` if it has none (the compiler then makes one).
    """

    name: str
    forward: Callable[..., float]
    derivative: Callable[..., tuple[Any, ...]]
    formulas: tuple[str, ...]
    number: float | None = None
    notation: str = "call"
    arity: int | None = 1
    word: str = ""

    def __post_init__(self) -> None:
        if not self.word and self.name.isidentifier():  # a frozen dataclass is set this way
            object.__setattr__(self, "word", self.name)

    def __repr__(self) -> str:
        return f"Op({self.name!r})"

    def formula(self, index: int, arity: int) -> str:
        """The local derivative for input ``index`` in words.

        The formulas split the inputs into equal groups: one formula each for
        ``x`` and ``y``, one for all terms of a sum, one per half of a dot product.
        """
        return self.formulas[index * len(self.formulas) // arity]


def log(x: Any) -> Any:
    """Natural log of a float or a Value (derivative rules call this, not math.log)."""
    return math.log(x) if isinstance(x, (int, float)) else x.log()


# ----------------------------------------------------------------------------
# Forward rules that need a domain check. Each names the op and the bad input.
# ----------------------------------------------------------------------------


def _divide(x: float, y: float) -> float:
    if y == 0:
        raise ZeroDivisionError(f"division by zero in {x!r} / {y!r}")
    return x / y


def _power(x: float, y: float) -> float:
    if x == 0 and y < 0:
        raise ZeroDivisionError(f"0 cannot be raised to a negative power ({x!r} ** {y!r})")
    if x < 0 and not float(y).is_integer():
        raise ValueError(
            f"**: a negative base needs an integer exponent, got {x!r} ** {y!r} "
            "(the result would be complex)"
        )
    try:
        return float(x**y)
    except OverflowError:
        raise OverflowError(f"**: {x!r} ** {y!r} is too large for a float") from None


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"exp: exp({x!r}) is too large for a float (input > ~709.78)") from None


def _log(x: float) -> float:
    if x <= 0:
        raise ValueError(f"log: input must be positive, got {x!r}")
    return math.log(x)


def _sqrt(x: float) -> float:
    if x < 0:
        raise ValueError(f"sqrt: input must be non-negative, got {x!r}")
    return math.sqrt(x)


def _sigmoid(x: float) -> float:
    # 1 / (1 + e^-x) overflows e^-x for x < -709; the two branches only ever
    # exponentiate a non-positive number, so neither can overflow.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _sign(x: float) -> float:
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0


def _pow_base_derivative(x: Any, y: Any) -> Any:
    """d(x**y)/dx = y * x**(y-1).

    At x == 0 the formula needs care: for y == 0, x**y is the constant 1 and
    the slope is 0 (the formula would compute 0 * 0**-1); for 0 < y < 1 the
    slope is infinite. Elsewhere the formula itself is used, so that it can be
    differentiated again (also with respect to y).
    """
    if float(x) == 0:
        if float(y) == 0:
            return 0.0
        if float(y) < 1:
            raise ZeroDivisionError(
                f"**: d(x**y)/dx = y * x**(y-1) is infinite at x = 0 for y = {float(y)!r} < 1"
            )
    if isinstance(x, (int, float)) and isinstance(y, (int, float)):
        return y * _power(x, y - 1)  # on numbers: an overflow is refused with the op's own message
    return y * x ** (y - 1)


def _pow_exponent_derivative(out: Any, x: Any) -> Any:
    """d(x**y)/dy = x**y * ln(x) for x > 0.

    At x == 0 (forward needs y >= 0 there) it is 0, as in PyTorch: 0**y is 0 for
    every y > 0. For x < 0 the power exists only at integer y, so it has no
    derivative in y: use a number exponent (``x ** 3``), which has no such input.
    """
    if float(x) > 0:
        return out * log(x)
    if float(x) == 0:
        return 0.0
    raise ValueError(
        f"**: d(x**y)/dy = x**y * ln(x) is undefined for the negative base x = {float(x)!r}; "
        "write the exponent as a number (x ** 3) if it is a constant"
    )


# ----------------------------------------------------------------------------
# The table. name, forward rule, local derivative(s) per input, same in words.
# ----------------------------------------------------------------------------

# operator.add and friends are C functions: cheaper to call than a lambda.
def _infix(symbol: str, word: str, forward: Callable[..., float], derivative: Callable[..., tuple[Any, ...]],
           formulas: tuple[str, str]) -> Op:
    """A two-input op written between its inputs (``x + y``)."""
    return Op(symbol, forward, derivative, formulas, notation="infix", arity=2, word=word)


ADD = _infix("+", "add", operator.add, lambda out, x, y: (1.0, 1.0), ("1", "1"))
SUB = _infix("-", "sub", operator.sub, lambda out, x, y: (1.0, -1.0), ("1", "-1"))
MUL = _infix("*", "mul", operator.mul, lambda out, x, y: (y, x), ("y", "x"))
DIV = _infix("/", "div", _divide, lambda out, x, y: (1 / y, -out / y), ("1/y", "-out/y"))
POW = _infix(
    "**",
    "pow",
    _power,
    lambda out, x, y: (_pow_base_derivative(x, y), _pow_exponent_derivative(out, x)),
    ("y * x**(y-1)", "out * ln(x)"),
)
NEG = Op("neg", lambda x: -x, lambda out, x: (-1.0,), ("-1",), notation="prefix")
# A new node with its input's value. A function transformation given a Value
# differentiates with respect to such a copy, not the Value itself, so that
# the function's closures over that Value count as constants (as in JAX).
IDENTITY = Op("id", lambda x: x, lambda out, x: (1.0,), ("1",), notation="internal")
ABS = Op("abs", abs, lambda out, x: (_sign(float(x)),), ("sign(x)",))
EXP = Op("exp", _exp, lambda out, x: (out,), ("out",))
LOG = Op("log", _log, lambda out, x: (1 / x,), ("1/x",))
SQRT = Op("sqrt", _sqrt, lambda out, x: (0.5 / out,), ("1/(2*out)",))
TANH = Op("tanh", math.tanh, lambda out, x: (1 - out * out,), ("1 - out**2",))
SIGMOID = Op("sigmoid", _sigmoid, lambda out, x: (out * (1 - out),), ("out * (1 - out)",))
RELU = Op(
    "relu",
    lambda x: x if x > 0 else 0.0,
    lambda out, x: (1.0 if float(x) > 0 else 0.0,),
    ("1 if x > 0 else 0",),
)

# Ops with any number of inputs. Fusing a neuron's weighted sum into one node
# (instead of 2n nodes of * and +) is what keeps training fast in pure Python.
SUM = Op("sum", lambda *xs: sum(xs), lambda out, *xs: (1.0,) * len(xs), ("1",), arity=None)
DOT = Op(
    "dot",
    # inputs are w_1..w_n followed by x_1..x_n; out = sum_i w_i * x_i
    lambda *wx: sum(map(operator.mul, wx[: len(wx) // 2], wx[len(wx) // 2 :])),
    lambda out, *wx: wx[len(wx) // 2 :] + wx[: len(wx) // 2],
    ("x_i", "w_i"),  # d/dw_i = x_i, d/dx_i = w_i
    arity=None,
)


@lru_cache(maxsize=256)
def power_op(n: float) -> Op:
    """``x ** n`` for a constant exponent n: one input, d/dx x**n = n * x**(n-1).

    Ops are shared, not made per node: each distinct exponent gets one cached Op.
    """
    shown = f"{n:g}"

    def derivative(out: Any, x: Any) -> tuple[Any]:
        if n == 0:  # x ** 0 is the constant 1: its slope, and every higher derivative, is 0
            return (0.0,)
        return (_pow_base_derivative(x, n),)

    return Op(f"**{shown}", lambda x: _power(x, n), derivative, (f"{shown} * x**{n - 1:g}",), number=n,
              notation="internal", word="pow")


@lru_cache(maxsize=256)
def base_power_op(c: float) -> Op:
    """``c ** y`` for a constant base c: one input, d/dy c**y = c**y * ln(c).

    The mirror of [`power_op`][autograd.ops.power_op]: a number base is part of the op, so no
    derivative with respect to it is ever computed (``0 ** y`` and ``2 ** y``
    work at every y where they are defined).
    """
    shown = f"{c:g}"
    return Op(
        f"{shown}**",
        lambda y: _power(c, y),
        lambda out, y: (_pow_exponent_derivative(out, c),),
        (f"out * ln({shown})",),
        number=c,
        notation="internal",
        word="pow",
    )


# Leaves have no op that made them, but every node has an ``_op``, so that code reading
# the graph never meets None. VARIABLE marks the Values you create; CONSTANT marks a
# number that an expression turned into a Value (the 2 in ``2 * x``); DETACHED marks a
# result computed under no_grad: a leaf that remembers nothing, so backward from it is
# refused (there is no graph to walk).
VARIABLE = Op("", lambda: 0.0, lambda out: (), (), notation="internal", arity=0)
CONSTANT = Op("const", lambda: 0.0, lambda out: (), (), notation="internal", arity=0)
DETACHED = Op("", lambda: 0.0, lambda out: (), (), notation="internal", arity=0)


TABLE: tuple[Op, ...] = (ADD, SUB, MUL, DIV, POW, NEG, IDENTITY, ABS, EXP, LOG, SQRT, TANH, SIGMOID, RELU,
                         SUM, DOT)
"""Every op with a fixed meaning. ``x ** n`` and ``c ** x`` are families of ops, one per
number, made by [`power_op`][autograd.ops.power_op] and [`base_power_op`][autograd.ops.base_power_op]."""

BY_NAME: dict[str, Op] = {op.name: op for op in TABLE}
INFIX_OPS: dict[str, Op] = {op.name: op for op in TABLE if op.notation == "infix"}
"""The ops written between their inputs, by symbol: ``+ - * / **``."""
FUNCTION_OPS: dict[str, Op] = {op.name: op for op in TABLE if op.notation == "call" and op.arity == 1}
"""The one-input ops written as a call, by name: ``tanh(x)``, ``abs(x)``, ..."""
UNARY_OPS: dict[str, Op] = {op.name: op for op in TABLE if op.arity == 1 and op.notation != "internal"}
BINARY_OPS = INFIX_OPS
