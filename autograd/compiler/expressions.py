"""Expressions that print as Python source: the compiler's symbolic numbers.

The derivative rules of the op table are written with ``+ - * / **`` and ``log``,
so they run on anything that has those: floats, Values, and the `Expr`
objects of this module. Run on Exprs, a rule computes no number; it builds the
expression it *would* compute, and that expression prints as Python:

>>> from autograd.ops import TANH, DIV
>>> out, x, y = Name("out"), Name("x"), Name("y")
>>> TANH.derivative(out, x)[0].render()
'1.0 - out * out'
>>> tuple(d.render() for d in DIV.derivative(out, x, y))
('1.0 / y', '-out / y')

A rule that looks at a number, like relu's ``1.0 if float(x) > 0 else 0.0``, cannot
run on an Expr: ``float(x)`` raises `NeedsNumberError` (and so do comparisons and
``bool``), and the compiler uses the op's branch-free spelling instead
([`autograd.compiler.spellings`][autograd.compiler.spellings]), or calls the rule itself at run time.

An expression prints in one of two *flavours*: ``"float"`` for code that runs on
Python floats, ``"array"`` for code that runs on NumPy arrays. They differ only in
how a choice is written: ``a if c else b`` for floats, ``where(c, a, b)`` for arrays.

Parentheses are placed from Python's operator precedence, and a right operand of
the same precedence is always parenthesized (``a - (b - c)``, ``a + (b + c)``), so
the printed expression evaluates in exactly the order the rule did: the compiled
code rounds the same way as the eager engine.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator
from typing import Any

FLOAT = "float"
ARRAY = "array"

# Python's precedence levels, lowest first (only the ones the compiler writes)
CONDITIONAL, AND, COMPARISON, SUM, PRODUCT, UNARY, POWER, ATOM = 1, 3, 5, 10, 11, 12, 13, 14

_BINARY_PRECEDENCE = {"+": SUM, "-": SUM, "*": PRODUCT, "/": PRODUCT, "**": POWER}


class NeedsNumberError(Exception):
    """A rule looked at the number behind an expression (``float(x)``, ``x > 0``, ``bool(x)``)."""


class Expr:
    """A Python expression, as a tree. Arithmetic on Exprs builds bigger Exprs."""

    __slots__ = ()

    @property
    def precedence(self) -> int:
        """How tightly the expression binds (Python's operator precedence)."""
        return ATOM

    def render(self, flavour: str = FLOAT) -> str:
        """The expression as Python source, for floats or for NumPy arrays."""
        raise NotImplementedError

    def names(self) -> Iterator[str]:
        """Every variable the expression reads (with repeats)."""
        for part in self.parts():
            yield from part.names()

    def parts(self) -> tuple[Expr, ...]:
        return ()

    def inside(self, precedence: int, flavour: str) -> str:
        """Render, in parentheses if this expression binds less tightly than ``precedence``."""
        text = self.render(flavour)
        return f"({text})" if self.precedence < precedence else text

    def __repr__(self) -> str:
        return f"Expr({self.render()!r})"

    # -- arithmetic builds expressions ---------------------------------------

    def __add__(self, other: Any) -> Any:
        return binary("+", self, other)

    def __radd__(self, other: Any) -> Any:
        return binary("+", other, self)

    def __sub__(self, other: Any) -> Any:
        return binary("-", self, other)

    def __rsub__(self, other: Any) -> Any:
        return binary("-", other, self)

    def __mul__(self, other: Any) -> Any:
        return binary("*", self, other)

    def __rmul__(self, other: Any) -> Any:
        return binary("*", other, self)

    def __truediv__(self, other: Any) -> Any:
        return binary("/", self, other)

    def __rtruediv__(self, other: Any) -> Any:
        return binary("/", other, self)

    def __pow__(self, other: Any) -> Any:
        return binary("**", self, other)

    def __rpow__(self, other: Any) -> Any:
        return binary("**", other, self)

    def __neg__(self) -> Expr:
        return Negative(self)

    def __abs__(self) -> Expr:
        return call("abs", self)

    def log(self) -> Expr:
        """``ops.log(x)`` calls ``x.log()`` on anything that is not a float."""
        return call("log", self)

    # -- looking at the number is what an expression cannot do -----------------

    def __float__(self) -> float:
        raise NeedsNumberError(f"float({self.render()})")

    def __bool__(self) -> bool:
        raise NeedsNumberError(f"bool({self.render()})")

    def _compare(self, other: Any) -> bool:
        raise NeedsNumberError(f"a comparison of {self.render()}")

    __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = _compare
    __hash__ = object.__hash__


class Name(Expr):
    """A variable of the generated code: ``x``, ``mul3``, ``grad_out``."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def render(self, flavour: str = FLOAT) -> str:
        return self.text

    def names(self) -> Iterator[str]:
        yield self.text


class Item(Expr):
    """``d[i]``: one of the local derivatives that a rule called at run time returned."""

    __slots__ = ("base", "index")

    def __init__(self, base: str, index: int) -> None:
        self.base, self.index = base, index

    def render(self, flavour: str = FLOAT) -> str:
        return f"{self.base}[{self.index}]"

    def names(self) -> Iterator[str]:
        yield self.base


class Raw(Expr):
    """Code given as text, with the variables it reads: ``params[3].data``."""

    __slots__ = ("text", "reads")

    def __init__(self, text: str, reads: tuple[str, ...]) -> None:
        self.text, self.reads = text, reads

    def render(self, flavour: str = FLOAT) -> str:
        return self.text

    def names(self) -> Iterator[str]:
        yield from self.reads


class Literal(Expr):
    """A number written into the code: ``0.9``, ``-1.0``, ``float('inf')``."""

    __slots__ = ("value",)

    def __init__(self, value: int | float) -> None:
        self.value = value

    @property
    def precedence(self) -> int:
        return UNARY if math.copysign(1.0, self.value) < 0 else ATOM

    def render(self, flavour: str = FLOAT) -> str:
        if isinstance(self.value, float) and not math.isfinite(self.value):
            return "not_finite()"  # a rule folded to inf or NaN: the engine refuses it, so does the code
        if isinstance(self.value, int) and abs(self.value) < 2**53:
            # the 1 in a rule's 1 - out * out meets a float and becomes 1.0 anyway; written
            # as 1.0 it does so without the slower mixed int-float arithmetic
            return repr(float(self.value))
        return repr(self.value)


class Negative(Expr):
    """``-x``."""

    __slots__ = ("operand",)

    @property
    def precedence(self) -> int:
        return UNARY

    def __init__(self, operand: Expr) -> None:
        self.operand = operand

    def parts(self) -> tuple[Expr, ...]:
        return (self.operand,)

    def render(self, flavour: str = FLOAT) -> str:
        return "-" + self.operand.inside(UNARY + (self.operand.precedence == UNARY), flavour)


class Binary(Expr):
    """``left op right`` for op in + - * / **."""

    __slots__ = ("op", "left", "right")

    def __init__(self, op: str, left: Expr, right: Expr) -> None:
        self.op, self.left, self.right = op, left, right

    @property
    def precedence(self) -> int:
        return _BINARY_PRECEDENCE[self.op]

    def parts(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def render(self, flavour: str = FLOAT) -> str:
        level = self.precedence
        if self.op == "**":  # right-associative; its right side may be a unary minus (2 ** -x)
            left = self.left.inside(level + 1, flavour)
            right = self.right.inside(UNARY, flavour)
        else:  # left-associative: a right operand of the same level keeps its parentheses
            left = self.left.inside(level, flavour)
            right = self.right.inside(level + 1, flavour)
        return f"{left} {self.op} {right}"


class Call(Expr):
    """``function(arguments)``, where function is a name in the generated code's namespace."""

    __slots__ = ("function", "arguments")

    def __init__(self, function: str, arguments: tuple[Expr, ...]) -> None:
        self.function, self.arguments = function, arguments

    def parts(self) -> tuple[Expr, ...]:
        return self.arguments

    def render(self, flavour: str = FLOAT) -> str:
        return f"{self.function}({', '.join(a.render(flavour) for a in self.arguments)})"


class Tuple(Expr):
    """``(a, b, c)``: the argument of ``sum`` for ops with many inputs (flat, however many)."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[Expr, ...]) -> None:
        self.items = items

    def parts(self) -> tuple[Expr, ...]:
        return self.items

    def render(self, flavour: str = FLOAT) -> str:
        inside = ", ".join(item.render(flavour) for item in self.items)
        return f"({inside},)" if len(self.items) == 1 else f"({inside})"


class Compare(Expr):
    """``left > right`` and friends: the condition of a `Where`."""

    __slots__ = ("op", "left", "right")

    @property
    def precedence(self) -> int:
        return COMPARISON

    def __init__(self, op: str, left: Expr, right: Expr) -> None:
        self.op, self.left, self.right = op, left, right

    def parts(self) -> tuple[Expr, ...]:
        return (self.left, self.right)

    def render(self, flavour: str = FLOAT) -> str:
        # parentheses around a comparison operand keep Python from chaining (a < b < c)
        return f"{self.left.inside(SUM, flavour)} {self.op} {self.right.inside(SUM, flavour)}"


class Both(Expr):
    """``a and b`` on floats, ``logical_and(a, b)`` on arrays."""

    __slots__ = ("first", "second")

    def __init__(self, first: Expr, second: Expr) -> None:
        self.first, self.second = first, second

    def parts(self) -> tuple[Expr, ...]:
        return (self.first, self.second)

    @property
    def precedence(self) -> int:
        return AND  # as a float expression; the array form is a call, which binds tighter anyway

    def render(self, flavour: str = FLOAT) -> str:
        if flavour == ARRAY:
            return f"logical_and({self.first.render(flavour)}, {self.second.render(flavour)})"
        return f"{self.first.inside(AND + 1, flavour)} and {self.second.inside(AND + 1, flavour)}"


class Where(Expr):
    """``if_true if condition else if_false``: a choice made afresh for every number.

    On arrays ``where(condition, if_true, if_false)`` computes both sides for every
    element, so a side that is not finite where it is not chosen makes NumPy's
    floating-point checks fire; the compiled function then falls back to computing
    that batch sample by sample (see [`autograd.compiler.compiled`][autograd.compiler.compiled]).
    """

    __slots__ = ("condition", "if_true", "if_false")

    def __init__(self, condition: Expr, if_true: Expr, if_false: Expr) -> None:
        self.condition, self.if_true, self.if_false = condition, if_true, if_false

    def parts(self) -> tuple[Expr, ...]:
        return (self.condition, self.if_true, self.if_false)

    @property
    def precedence(self) -> int:
        return CONDITIONAL

    def render(self, flavour: str = FLOAT) -> str:
        if flavour == ARRAY:
            parts = (self.condition, self.if_true, self.if_false)
            return f"where({', '.join(p.render(flavour) for p in parts)})"
        return (
            f"{self.if_true.inside(CONDITIONAL + 1, flavour)} if "
            f"{self.condition.inside(CONDITIONAL + 1, flavour)} else {self.if_false.render(flavour)}"
        )

    def inside(self, precedence: int, flavour: str) -> str:
        text = self.render(flavour)
        return text if flavour == ARRAY or precedence <= CONDITIONAL else f"({text})"


# ----------------------------------------------------------------------------
# Building expressions from Exprs and plain numbers alike
# ----------------------------------------------------------------------------


def is_number(x: object) -> bool:
    """A real number (not a bool), the kind a rule may return or a constant may hold."""
    kind = type(x)
    if kind is float or kind is int:  # the usual case, without the slower ABC check
        return True
    return isinstance(x, numbers.Real) and kind is not bool


def as_expr(x: Any) -> Expr:
    """An Expr as it is; a number becomes a `Literal`."""
    if isinstance(x, Expr):
        return x
    if is_number(x):
        return Literal(x if type(x) is int else float(x))
    raise TypeError(f"cannot write {type(x).__name__} {x!r} into compiled code")


def binary(op: str, left: Any, right: Any) -> Any:
    if not (isinstance(left, Expr) or is_number(left)) or not (isinstance(right, Expr) or is_number(right)):
        return NotImplemented
    return Binary(op, as_expr(left), as_expr(right))


def call(function: str, *arguments: Any) -> Expr:
    """``function(arguments...)``; numbers among the arguments become literals."""
    return Call(function, tuple(as_expr(a) for a in arguments))


def where(condition: Expr, if_true: Any, if_false: Any) -> Expr:
    return Where(condition, as_expr(if_true), as_expr(if_false))


def compare(op: str, left: Any, right: Any) -> Expr:
    return Compare(op, as_expr(left), as_expr(right))


def both(first: Expr, second: Expr) -> Expr:
    return Both(first, second)


def times(local: Any, upstream: Expr) -> Expr:
    """``local * upstream``, the chain rule's product, written as simply as it is exact.

    Multiplying by exactly 1 changes nothing and by exactly -1 only the sign, in
    floating point too, so those products are left out; a choice times upstream is
    the choice between the products (relu: ``g if x > 0.0 else 0.0 * g``). A product
    with 0 is kept: ``0 * inf`` is NaN, and that NaN shows a non-finite upstream gradient.
    """
    if isinstance(local, Literal):
        local = local.value
    if isinstance(local, Where):
        return Where(local.condition, times(local.if_true, upstream), times(local.if_false, upstream))
    if is_number(local):
        if local == 1:
            return upstream
        if local == -1:
            return Negative(upstream)
    return binary("*", local, upstream)
