"""How each op of the table is written in the generated code: the compiler's column of the op table.

For every op the compiler needs three things, and takes each from the op table
itself wherever it can:

* **The forward line.** Here is the one thing the table cannot give: a forward
  rule calls ``math.tanh`` or checks a domain (``if y == 0: raise``), which runs
  on numbers only, and calling the rule from the generated code would cost a
  Python call per node. So each op has a *spelling*: ``tanh(x)``, ``x / y``. The
  names in a spelling (``tanh``, ``pow``, ``sigmoid``) are bound to ``math``
  functions in float code and to NumPy functions in array code; ``sigmoid`` is
  bound to the table's own forward rule for floats.
* **The local derivatives.** These come from the table: the op's derivative rule
  is run on [symbolic expressions][autograd.compiler.expressions], and what
  it builds is the code. Only the rules that look at a number (relu, abs and the
  powers branch on ``float(x)``) need a spelling here, written with ``where``.
* **Which inputs pass a non-finite number on.** ``tanh(inf)`` is 1.0, so an
  infinity that flows into tanh would vanish; one that flows into ``+`` shows
  up in the sum. The compiled code checks every value that feeds an op that
  can hide an infinity, and leaves the other checks to the ops downstream.
* **How large the output can be**, given how large the inputs can be (tanh's is
  at most 1, a product's at most the product of the bounds). A value that is
  known to be small cannot have overflowed, so it needs no check at all: in a
  chain of ``tanh(0.9 * y + 0.1)`` only the first step is checked.

A spelling must raise, or give a non-finite number, wherever the eager engine
raises: ``math.log`` raises for ``x <= 0`` like the table's rule does, and NumPy's
floating-point checks fire where the rule would raise. The error itself is not
taken from the spelling: on a domain error the compiled function asks the eager
engine, which raises its own; any other error is a bug in the compiler, and says so
(see [`autograd.compiler.compiled`][autograd.compiler.compiled]).

The names a spelling calls (``tanh``, ``pow``, ...) must be in both namespaces of
[`autograd.compiler.runtime`][autograd.compiler.runtime]; ``tests/test_registry.py``
checks that every op of the table has a spelling and that everything it calls is there.

An op without a spelling (your own ``Op`` used with ``apply_op``, or a new table
entry) still compiles: its forward rule is run on expressions if it is plain
arithmetic (``lambda x: x ** 3``), and otherwise called from the generated code;
its derivative rule likewise. So adding an op still means one table entry; a
spelling here only makes it faster.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograd.compiler.expressions import Expr, Tuple, as_expr, both, call, compare, where
from autograd.ops import (
    ABS,
    ADD,
    DIV,
    DOT,
    EXP,
    IDENTITY,
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
    base_power_op,
    power_op,
)

ALL_INPUTS = frozenset({-1})  # -1 stands for every input


@dataclass(frozen=True)
class Spelling:
    """How one op is written as code.

    Attributes:
        forward: builds the output's expression from the inputs' (Exprs, or numbers
            for constants).
        derivatives: only for ops whose derivative rule branches on a number:
            ``derivatives(out, *inputs)`` gives one branch-free expression per input.
        passes_on: positions of the inputs through which a non-finite input always
            makes the output non-finite (or raises); ALL_INPUTS for all of them.
        bound: ``bound(*input_bounds)`` is a number the output's size cannot exceed
            when each input's size is within its bound (inf: no bound known).
    """

    forward: Callable[..., Any]
    derivatives: Callable[..., tuple[Any, ...]] | None = None
    passes_on: frozenset[int] = frozenset()
    bound: Callable[..., float] = lambda *bounds: math.inf

    def passes_on_input(self, position: int) -> bool:
        return -1 in self.passes_on or position in self.passes_on


def _dot(*wx: Any) -> Expr:
    half = len(wx) // 2
    return call("sum", Tuple(tuple(as_expr(w * x) for w, x in zip(wx[:half], wx[half:]))))


def _sign(x: Any) -> Expr:
    return where(compare(">", x, 0.0), 1.0, where(compare("<", x, 0.0), -1.0, 0.0))


def _pow_derivatives(out: Any, x: Any, y: Any) -> tuple[Any, ...]:
    # d/dx = y * x**(y-1), but 0 where x == 0 and y == 0 (x**0 is constant there);
    # d/dy = out * ln(x), and 0 where x == 0. (At x == 0 with y < 1, and at x < 0,
    # pow and log raise, as the rule does.)
    at_zero = compare("==", x, 0.0)
    return (
        where(both(at_zero, compare("==", y, 0.0)), 0.0, y * call("pow", x, y - 1)),
        where(at_zero, 0.0, out * call("log", x)),
    )


def _product(*bounds: float) -> float:
    """A bound of a product: 0 if a factor is always 0 (whatever the others), else the product."""
    return 0.0 if 0.0 in bounds else math.prod(bounds)


def _sum_of_products(*bounds: float) -> float:
    half = len(bounds) // 2
    return sum(_product(w, x) for w, x in zip(bounds[:half], bounds[half:]))


def _exp_bound(x: float) -> float:
    return math.exp(x) if x < 700 else math.inf


def _same(x: float) -> float:
    return x


def _at_most_one(x: float) -> float:
    return 1.0


TABLE: dict[Op, Spelling] = {
    ADD: Spelling(lambda x, y: x + y, passes_on=ALL_INPUTS, bound=lambda x, y: x + y),
    SUB: Spelling(lambda x, y: x - y, passes_on=ALL_INPUTS, bound=lambda x, y: x + y),
    MUL: Spelling(lambda x, y: x * y, passes_on=ALL_INPUTS, bound=_product),
    DIV: Spelling(lambda x, y: x / y, passes_on=frozenset({0})),  # x / inf is 0
    # math.pow, not **: ** gives a complex number for (-8) ** (1/3); math.pow raises
    POW: Spelling(lambda x, y: call("pow", x, y), _pow_derivatives),
    NEG: Spelling(lambda x: -x, passes_on=ALL_INPUTS, bound=_same),
    IDENTITY: Spelling(lambda x: x, passes_on=ALL_INPUTS, bound=_same),
    ABS: Spelling(lambda x: call("abs", x), lambda out, x: (_sign(x),), ALL_INPUTS, _same),
    EXP: Spelling(lambda x: call("exp", x), bound=_exp_bound),  # exp(-inf) is 0
    # |log x| <= 745 for every positive float x (log of the smallest is -744.4)
    LOG: Spelling(lambda x: call("log", x), passes_on=ALL_INPUTS, bound=lambda x: 745.0),
    SQRT: Spelling(lambda x: call("sqrt", x), passes_on=ALL_INPUTS, bound=math.sqrt),
    TANH: Spelling(lambda x: call("tanh", x), bound=_at_most_one),
    SIGMOID: Spelling(lambda x: call("sigmoid", x), bound=_at_most_one),
    RELU: Spelling(
        lambda x: where(compare(">", x, 0.0), x, 0.0),
        lambda out, x: (where(compare(">", x, 0.0), 1.0, 0.0),),
        bound=_same,
    ),
    # sum() as the table's rules use it: the same additions in the same order, and a
    # flat tuple however many terms there are (a chain of + would nest too deep to compile)
    SUM: Spelling(lambda *xs: call("sum", Tuple(tuple(as_expr(x) for x in xs))), passes_on=ALL_INPUTS,
                  bound=lambda *xs: sum(xs)),
    DOT: Spelling(_dot, passes_on=ALL_INPUTS, bound=_sum_of_products),
}


def power_spelling(n: float) -> Spelling:
    """``x ** n`` for a number n ([`power_op`][autograd.ops.power_op])."""

    def forward(x: Any) -> Any:
        # an integer exponent never makes a complex number, so ** is safe (and quick)
        return x**n if n.is_integer() else call("pow", x, n)

    def derivatives(out: Any, x: Any) -> tuple[Any, ...]:
        if n == 0:  # x ** 0 is the constant 1: slope 0 everywhere (the formula would divide by 0 at 0)
            return (0.0,)
        return (n * x ** (n - 1) if (n - 1).is_integer() else n * call("pow", x, n - 1),)

    def bound(x: float) -> float:
        try:
            return x**n if n >= 0 else math.inf
        except OverflowError:
            return math.inf

    return Spelling(forward, derivatives, frozenset({0}) if n > 0 else frozenset(), bound)


def base_power_spelling(c: float) -> Spelling:
    """``c ** y`` for a number c ([`base_power_op`][autograd.ops.base_power_op]); its rule is plain."""
    return Spelling(lambda y: call("pow", c, y))


def spelling_of(op: Op) -> Spelling | None:
    """The spelling of ``op``, or None for an op the compiler does not know."""
    known = TABLE.get(op)
    if known is not None:
        return known
    # x ** n and c ** x make one op per number, which they hold (op.number); the check
    # that the cache hands back this very op keeps out a look-alike made by hand
    if op.number is not None and op.name.startswith("**") and power_op(op.number) is op:
        return power_spelling(op.number)
    if op.number is not None and op.name.endswith("**") and base_power_op(op.number) is op:
        return base_power_spelling(op.number)
    return None
