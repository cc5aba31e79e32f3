"""The tests' op registry: every op with a reference written in the math, and every path.

In the spirit of PyTorch's OpInfo and JAX's ``check_grads``. Two lists:

* ``ENTRIES``, one per op of [`autograd.ops`][] (and per number of the ``x ** n`` and
  ``c ** x`` families): how a user writes it on Values, the same function written with
  **sympy** (the reference: its derivatives come from ``sympy.diff``, never from the
  engine's rules, and its values from mpmath at 40 digits, never from the engine's
  forward rules), the points of its domain, the special points where the derivative
  branches or does not exist (with the value the library promises there, and why),
  the highest derivative order checked, and how a random graph feeds it a point of
  its domain.
* ``PATHS``, one per way the library computes a gradient: ``backward()``,
  ``gradients()``, ``create_graph`` twice, the function transformations (alone,
  nested, given Values, called inside an eager computation), ``compile`` on floats and
  on NumPy batches, and ``to_torch``. A path takes a function of Values and a point
  and returns the value, the gradient and (for paths of order 2) the Hessian.

``tests/test_registry.py`` pushes every entry, and random graphs built from all of
them, through every path, and compares each answer with the reference. A new op
joins by one entry here; a new path by one function in ``PATHS``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import mpmath
import sympy
from hypothesis import strategies as st

import autograd
from autograd import Value, apply_op, dot, grad, gradients, hessian, jacobian, sum_values, value_and_grad
from autograd.ops import IDENTITY

DIGITS = 40  # mpmath's working precision for the reference, in decimal digits
REL_TOL = 1e-9  # every path must agree with the reference this closely...
ABS_TOL = 1e-12  # ...or, for a value near 0, this closely


def close(got: float, want: float) -> bool:
    """``got`` (a path's float) equals ``want`` (the reference) to REL_TOL, or ABS_TOL near 0."""
    return abs(got - want) <= REL_TOL * abs(want) + ABS_TOL


# ----------------------------------------------------------------------------
# The reference: sympy expressions, differentiated by sympy, evaluated by mpmath
# ----------------------------------------------------------------------------

SYMBOLS = sympy.symbols("x0:8", real=True)


def sympy_relu(x: Any) -> Any:
    return sympy.Piecewise((x, x > 0), (0, True))


class KinkAbs(sympy.Function):
    """|x| whose slope is sign(x), 0 at the kink, as the library (and PyTorch) define it.

    sympy's own Abs simplifies |x|**2 to x**2 for real x, which is smooth at 0: its second
    derivative there is 2, while the chain rule through abs, with slope 0 at the kink,
    gives 0. The reference follows the chain rule, so it keeps |x| as it is.
    """

    def fdiff(self, argindex: int = 1) -> Any:
        return sympy.sign(self.args[0])

    def _eval_is_extended_real(self) -> bool:  # so that sign(|x|) differentiates as a real function
        return True

    def _eval_is_extended_nonnegative(self) -> bool:
        return True

    @classmethod
    def eval(cls, x: Any) -> Any:
        return sympy.Abs(x) if x.is_number else None


def sympy_sigmoid(x: Any) -> Any:
    return 1 / (1 + sympy.exp(-x))


def without_dirac(expression: Any) -> Any:
    """d/dx sign(x) is 2 DiracDelta(x): 0 away from the kink, and 0 at it by the library's
    convention (a derivative rule that is constant on each side differentiates to 0)."""
    return expression.replace(sympy.DiracDelta, lambda *arguments: sympy.S.Zero)


@dataclass(frozen=True)
class Reference:
    """A function's value, gradient and Hessian, as mpmath-evaluated sympy derivatives."""

    value: Callable[..., Any]
    gradient: tuple[Callable[..., Any], ...]
    hessian: tuple[tuple[Callable[..., Any], ...], ...]

    @staticmethod
    def of(expression: Any, arity: int, order: int) -> Reference:
        symbols = SYMBOLS[:arity]

        def numeric(e: Any) -> Callable[..., Any]:
            return sympy.lambdify(symbols, without_dirac(e), modules=[{"KinkAbs": mpmath.fabs}, "mpmath"])

        first = [sympy.diff(expression, s) for s in symbols]
        second = [[sympy.diff(d, s) for s in symbols] for d in first] if order >= 2 else []
        return Reference(numeric(expression), tuple(map(numeric, first)),
                         tuple(tuple(map(numeric, row)) for row in second))

    def at(self, point: Sequence[float]) -> tuple[float, tuple[float, ...], tuple[tuple[float, ...], ...]]:
        """Value, gradient and Hessian at ``point``, rounded to floats once, at the end."""
        with mpmath.workdps(DIGITS):
            numbers = [mpmath.mpf(p) for p in point]
            value = _real(self.value(*numbers))
            gradient = tuple(_real(d(*numbers)) for d in self.gradient)
            hessian_rows = tuple(tuple(_real(d(*numbers)) for d in row) for row in self.hessian)
        return value, gradient, hessian_rows


def _real(number: Any) -> float:
    result = float(mpmath.re(number)) if isinstance(number, mpmath.mpc) else float(number)
    if not math.isfinite(result):
        raise ArithmeticError(f"the reference is not finite here: {number}")
    return result


# ----------------------------------------------------------------------------
# The registry of ops
# ----------------------------------------------------------------------------


def reals(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def away_from_zero(bound: float, gap: float) -> st.SearchStrategy[float]:
    """[-bound, -gap] or [gap, bound]: every example usable, none filtered."""
    return st.one_of(reals(gap, bound), reals(gap, bound).map(lambda m: -m))


def anywhere(value: Any) -> Any:
    return value


def positive_part(value: Any) -> Any:
    """Any real number mapped into the positive reals, written with the ops + and *."""
    return value * value + 0.5


@dataclass(frozen=True)
class Special:
    """A point where an op branches or stops being differentiable, and what the library gives.

    ``value`` and ``gradient`` are the numbers promised there, or an exception type that
    every path must raise (the forward pass, or the backward pass, fails).
    """

    point: tuple[float, ...]
    value: float | type[Exception]
    gradient: tuple[float, ...] | type[Exception]
    why: str


@dataclass(frozen=True)
class Entry:
    """One op: how to write it, its reference in sympy, and where to test it."""

    name: str
    arity: int
    apply: Callable[..., Any]  # on Values: how a user writes the op
    math: Callable[..., Any]  # on sympy symbols: the same function, from the math
    inputs: tuple[st.SearchStrategy[float], ...]  # per input: its domain, edges included
    special: tuple[Special, ...] = ()
    order: int = 2  # highest derivative order checked against the reference
    into_domain: tuple[Callable[[Any], Any], ...] = ()  # per input, for random graphs (default: any)
    smooth: bool = True  # no kink or branch in the derivative rule
    # per input, for tests against finite differences: points a step of 1e-6 away from any
    # edge or kink of the domain (default: the inputs above)
    for_differences: tuple[st.SearchStrategy[float], ...] = ()

    @property
    def points(self) -> st.SearchStrategy[tuple[float, ...]]:
        return st.tuples(*self.inputs)

    @property
    def difference_inputs(self) -> tuple[st.SearchStrategy[float], ...]:
        return self.for_differences or self.inputs

    def feeders(self) -> tuple[Callable[[Any], Any], ...]:
        return self.into_domain or (anywhere,) * self.arity

    @property
    def reference(self) -> Reference:
        return _reference(self.name)


SMALL = reals(-4.0, 4.0)
POSITIVE = st.one_of(reals(1e-3, 50.0), st.sampled_from([1e-8, 1.0, 1e4]))


def _unary(name: str, apply: Callable[[Any], Any], math_: Callable[[Any], Any],
           points: st.SearchStrategy[float], **more: Any) -> Entry:
    return Entry(name, 1, apply, math_, (points,), **more)


def _power_entry(n: float) -> Entry:
    """``x ** n`` for a number n (one op per number: autograd.ops.power_op)."""
    needs_positive = not float(n).is_integer()
    needs_nonzero = n < 0
    if needs_positive:
        points, feed = (reals(1e-2, 20.0),), (positive_part,)
    elif needs_nonzero:
        points, feed = (away_from_zero(4.0, 0.05),), (positive_part,)
    else:
        points, feed = (SMALL,), (anywhere,)
    special: tuple[Special, ...] = ()
    if n == 0:
        special = (Special((0.0,), 1.0, (0.0,), "x**0 is the constant 1, even at 0: slope 0"),)
    elif 0 < n < 1:
        special = (Special((0.0,), 0.0, ZeroDivisionError, "the slope of x**n at 0 is infinite for n < 1"),)
    elif n < 0:
        special = (Special((0.0,), ZeroDivisionError, ZeroDivisionError, "0 ** negative is 1/0"),)
    elif n >= 1:
        why = "the slope of x**n at 0 is 0 for n > 1, 1 for n = 1"
        special = (Special((0.0,), 0.0, (float(n == 1),), why),)
    return Entry(f"x**{n:g}", 1, lambda x: x**n, lambda x: x ** sympy.nsimplify(n), points, special,
                 into_domain=feed, smooth=n != 0)


def _base_power_entry(c: float) -> Entry:
    """``c ** y`` for a number c (autograd.ops.base_power_op)."""
    special: tuple[Special, ...] = ()
    if c == 0:
        special = (
            Special((2.0,), 0.0, (0.0,), "0 ** y is 0 for every y > 0: slope 0, as in PyTorch"),
            Special((-1.0,), ZeroDivisionError, ZeroDivisionError, "0 ** negative is 1/0"),
        )
    points = (reals(0.1, 4.0) if c == 0 else SMALL,)
    # 0 ** y is the number 0 wherever it is defined (y > 0); sympy leaves 0**y unevaluated
    formula = (lambda y: sympy.S.Zero * y) if c == 0 else (lambda y: sympy.nsimplify(c) ** y)
    return Entry(f"{c:g}**y", 1, lambda y: c**y, formula, points, special,
                 into_domain=(positive_part,) if c == 0 else ())


def _dot_entry(n: int) -> Entry:
    return Entry(f"dot{n}", 2 * n, lambda *wx: dot(wx[:n], wx[n:]),
                 lambda *wx: sum(w * x for w, x in zip(wx[:n], wx[n:])), (SMALL,) * (2 * n))


def _sum_entry(n: int) -> Entry:
    return Entry(f"sum{n}", n, lambda *xs: sum_values(xs), lambda *xs: sum(xs), (SMALL,) * n)


ENTRIES: dict[str, Entry] = {entry.name: entry for entry in (
    Entry("+", 2, lambda x, y: x + y, lambda x, y: x + y, (SMALL, SMALL)),
    Entry("-", 2, lambda x, y: x - y, lambda x, y: x - y, (SMALL, SMALL)),
    Entry("*", 2, lambda x, y: x * y, lambda x, y: x * y, (SMALL, SMALL)),
    Entry("/", 2, lambda x, y: x / y, lambda x, y: x / y, (SMALL, away_from_zero(4.0, 0.05)),
          (Special((1.0, 0.0), ZeroDivisionError, ZeroDivisionError, "division by zero"),),
          into_domain=(anywhere, positive_part)),
    Entry("**", 2, lambda x, y: x**y, lambda x, y: x**y, (reals(1e-2, 10.0), reals(-3.0, 3.0)),
          (Special((0.0, 2.0), 0.0, (0.0, 0.0), "0 ** y = 0 for y > 0; the slope in y is 0 there (PyTorch)"),
           Special((0.0, 1.0), 0.0, (1.0, 0.0), "0 ** 1 = 0 and d/dx x**1 = 1"),
           Special((0.0, 0.0), 1.0, (0.0, 0.0), "0 ** 0 = 1, a constant in x at x = 0 (PyTorch)"),
           Special((0.0, 0.5), 0.0, ZeroDivisionError, "d/dx x**y is infinite at x = 0 for y < 1"),
           Special((-2.0, 3.0), -8.0, ValueError, "d/dy x**y = x**y ln(x) needs x > 0"),
           Special((-2.0, 0.5), ValueError, ValueError, "a negative base with a fractional exponent"),
           Special((-0.5, 0.5), ValueError, ValueError, "the same for a base between -1 and 0"),
           Special((0.0, -1.0), ZeroDivisionError, ZeroDivisionError, "0 ** negative is 1/0")),
          into_domain=(positive_part, anywhere), smooth=False),
    _unary("neg", lambda x: -x, lambda x: -x, SMALL),
    _unary("id", lambda x: apply_op(IDENTITY, x), lambda x: x, SMALL),
    _unary("abs", abs, KinkAbs, SMALL,
           special=(Special((0.0,), 0.0, (0.0,), "the kink: slope 0 at 0 (sign(0) = 0, as PyTorch)"),),
           smooth=False, for_differences=(away_from_zero(4.0, 1e-2),)),
    _unary("exp", lambda x: x.exp(), sympy.exp, reals(-30.0, 30.0),
           special=(Special((710.0,), OverflowError, OverflowError, "exp(710) is too large for a float"),)),
    _unary("log", lambda x: x.log(), sympy.log, POSITIVE,
           special=(Special((1e-300,), math.log(1e-300), (1e300,), "near 0: large but finite"),
                    Special((0.0,), ValueError, ValueError, "log needs x > 0")),
           into_domain=(positive_part,), for_differences=(reals(1e-3, 1e3),)),
    _unary("sqrt", lambda x: x.sqrt(), sympy.sqrt, POSITIVE,
           special=(Special((1e-300,), 1e-150, (5e149,), "near 0: large but finite"),
                    Special((0.0,), 0.0, ZeroDivisionError, "the slope 1/(2 sqrt x) is infinite at 0"),
                    Special((-1.0,), ValueError, ValueError, "sqrt needs x >= 0")),
           into_domain=(positive_part,), for_differences=(reals(1e-3, 1e3),)),
    _unary("tanh", lambda x: x.tanh(), sympy.tanh, reals(-20.0, 20.0)),
    _unary("sigmoid", lambda x: x.sigmoid(), sympy_sigmoid, reals(-40.0, 40.0)),
    _unary("relu", lambda x: x.relu(), sympy_relu, SMALL,
           special=(Special((0.0,), 0.0, (0.0,), "the kink: slope 0 at 0 (as PyTorch)"),), smooth=False,
           for_differences=(away_from_zero(4.0, 1e-2),)),
    _sum_entry(1), _sum_entry(3),
    _dot_entry(1), _dot_entry(2),
    *(_power_entry(n) for n in (0.0, 1.0, 2.0, 3.0, -1.0, -2.0, 0.5, 1.5, -0.5)),
    *(_base_power_entry(c) for c in (2.0, 0.5, math.e, 1.0, 0.0)),
)}


@cache
def _reference(name: str) -> Reference:
    entry = ENTRIES[name]
    expression = entry.math(*SYMBOLS[: entry.arity])
    return Reference.of(expression, entry.arity, entry.order)


# ----------------------------------------------------------------------------
# The paths: every way the library computes a value and its derivatives
# ----------------------------------------------------------------------------

Function = Callable[..., Value]


@dataclass
class Result:
    value: float
    gradient: tuple[float, ...]
    hessian: tuple[tuple[float, ...], ...] | None = None
    fallbacks: int = 0  # compiled paths: calls the engine answered because the generated code raised


@dataclass(frozen=True)
class Path:
    name: str
    run: Callable[[Function, tuple[float, ...], tuple[float, ...]], Result]  # f, point, another point
    order: int = 1  # 2: also gives the Hessian
    on_kinks: bool = True  # False: a path whose answer at a kink is its own business (PyTorch's)
    needs: str = ""  # a module the path needs ("numpy", "torch")
    counts_fallbacks: bool = False


def leaves(point: Sequence[float]) -> list[Value]:
    return [Value(p, label=f"x{i}") for i, p in enumerate(point)]


def floats(values: Sequence[Any]) -> tuple[float, ...]:
    return tuple(float(v.data) if isinstance(v, Value) else float(v) for v in values)


def by_backward(f: Function, point: tuple[float, ...], _: tuple[float, ...]) -> Result:
    xs = leaves(point)
    out = f(*xs)
    out.backward()
    return Result(out.data, tuple(x.grad for x in xs))


def by_gradients(f: Function, point: tuple[float, ...], _: tuple[float, ...]) -> Result:
    xs = leaves(point)
    out = f(*xs)
    return Result(out.data, gradients(out, xs))


def by_create_graph_twice(f: Function, point: tuple[float, ...], _: tuple[float, ...]) -> Result:
    xs = leaves(point)
    out = f(*xs)
    first = gradients(out, xs, create_graph=True)
    return Result(out.data, floats(first), tuple(gradients(g, xs) for g in first))


def by_grad(f: Function, point: tuple[float, ...], _: tuple[float, ...]) -> Result:
    return Result(f(*leaves(point)).data, grad(f)(*point))


def by_value_and_grad(f: Function, point: tuple[float, ...], _: tuple[float, ...]) -> Result:
    value, gradient = value_and_grad(f)(*point)
    return Result(value, gradient)


def by_jacobian(f: Function, point: tuple[float, ...], _: tuple[float, ...]) -> Result:
    (row,) = jacobian(lambda *xs: [f(*xs)])(*point)
    return Result(f(*leaves(point)).data, tuple(row))


def by_hessian(f: Function, point: tuple[float, ...], _: tuple[float, ...]) -> Result:
    rows = hessian(f)(*point)
    return Result(f(*leaves(point)).data, grad(f)(*point), tuple(tuple(row) for row in rows))


def by_grad_of_grad(f: Function, point: tuple[float, ...], _: tuple[float, ...]) -> Result:
    """Row i of the Hessian is the gradient of the i-th partial derivative: grad(grad(f))."""
    rows = tuple(grad(lambda *xs, i=i: grad(f)(*xs)[i])(*point) for i in range(len(point)))
    return Result(f(*leaves(point)).data, grad(f)(*point), rows)


def by_grad_given_values(f: Function, point: tuple[float, ...], _: tuple[float, ...]) -> Result:
    """Values in, Values out: the gradient is differentiable again with respect to the leaves."""
    xs = leaves(point)
    first = grad(f)(*xs)
    return Result(f(*xs).data, floats(first), tuple(gradients(g, xs) for g in first))


def by_grad_inside_eager(f: Function, point: tuple[float, ...], _: tuple[float, ...]) -> Result:
    """A transformation called with a number inside an eager computation, closing over Values.

    d/dt f(..., x_i + t, ...) at t = 0 is d f / d x_i, a Value still connected to the
    leaves, so its own gradient is row i of the Hessian.
    """
    xs = leaves(point)

    def shifted(i: int) -> Callable[[Any], Value]:
        return lambda t: f(*[x + t if j == i else x for j, x in enumerate(xs)])

    first = [grad(shifted(i))(0.0)[0] for i in range(len(xs))]
    return Result(f(*xs).data, floats(first), tuple(gradients(g, xs) for g in first))


def _fallbacks(compiled: Any) -> int:
    return int(getattr(compiled, "fallbacks", 0))


def by_compile(f: Function, point: tuple[float, ...], other: tuple[float, ...]) -> Result:
    """Traced at another point first, so the code runs at a point it was not traced at."""
    compiled = autograd.compile(f)
    compiled.value_and_grad(*other)
    before = _fallbacks(compiled)
    value, gradient = compiled.value_and_grad(*point)
    return Result(value, gradient, fallbacks=_fallbacks(compiled) - before)


def by_compile_batch(f: Function, point: tuple[float, ...], other: tuple[float, ...]) -> Result:
    """A NumPy batch of three samples, traced at another point; the middle one is the point.

    A batch whose samples go different ways at a comparison f makes in Python is refused
    (by design: one trace per batch); then the batch holds the point twice.
    """
    import numpy as np

    compiled = autograd.compile(f)
    compiled.value_and_grad(*other)
    before = _fallbacks(compiled)
    try:
        values, gradient = compiled.value_and_grad(*[np.array([o, p, o]) for o, p in zip(other, point)])
    except ValueError as error:
        if "the batch splits" not in str(error):
            raise
        values, gradient = compiled.value_and_grad(*[np.array([p, p, p]) for p in point])
    fallbacks = _fallbacks(compiled) - before
    return Result(float(values[1]), tuple(float(g[1]) for g in gradient), fallbacks=fallbacks)


def by_torch(f: Function, point: tuple[float, ...], _: tuple[float, ...]) -> Result:
    """autograd.to_torch replays the graph with torch ops; torch.autograd differentiates (float64)."""
    import torch

    xs = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in point]
    out = autograd.to_torch(f)(*xs)
    first = torch.autograd.grad(out, xs, allow_unused=True)
    return Result(float(out.detach()), tuple(float(g) if g is not None else 0.0 for g in first))


PATHS: dict[str, Path] = {path.name: path for path in (
    Path("backward", by_backward),
    Path("gradients", by_gradients),
    Path("create_graph twice", by_create_graph_twice, order=2),
    Path("grad", by_grad),
    Path("value_and_grad", by_value_and_grad),
    Path("jacobian", by_jacobian),
    Path("hessian", by_hessian, order=2),
    Path("grad of grad", by_grad_of_grad, order=2),
    Path("grad given Values", by_grad_given_values, order=2),
    Path("grad inside an eager graph", by_grad_inside_eager, order=2),
    Path("compile", by_compile, counts_fallbacks=True),
    Path("compile, NumPy batch", by_compile_batch, needs="numpy", counts_fallbacks=True),
    # order 1: PyTorch itself gives d2/dx dy (x**y) = 0 at y = 0 (its rule masks y == 0); the truth is 1
    Path("to_torch", by_torch, on_kinks=False, needs="torch"),
)}


def available(path: Path) -> bool:
    if not path.needs:
        return True
    try:
        __import__(path.needs)
    except ImportError:
        return False
    return True


# ----------------------------------------------------------------------------
# Checking a path against the reference
# ----------------------------------------------------------------------------


@dataclass
class Mismatch:
    path: str
    what: str
    got: Any
    want: Any

    def __str__(self) -> str:
        return f"{self.path}: {self.what} is {self.got!r}, the reference says {self.want!r}"


@dataclass
class Comparison:
    mismatches: list[Mismatch] = field(default_factory=list)

    def expect(self, path: str, what: str, got: float, want: float) -> None:
        if not close(got, want):
            self.mismatches.append(Mismatch(path, what, got, want))

    def compare(self, path: Path, result: Result, want: tuple[float, tuple[float, ...], Any]) -> None:
        value, gradient, hessian_rows = want
        self.expect(path.name, "the value", result.value, value)
        for i, (got, expected) in enumerate(zip(result.gradient, gradient)):
            self.expect(path.name, f"d/dx{i}", got, expected)
        if len(result.gradient) != len(gradient):
            self.mismatches.append(Mismatch(path.name, "the gradient's length", result.gradient, gradient))
        if path.order >= 2 and result.hessian is not None and hessian_rows:
            for i, row in enumerate(result.hessian):
                for j, got in enumerate(row):
                    self.expect(path.name, f"d2/dx{i}dx{j}", float(got), hessian_rows[i][j])

    def check(self, where: str) -> None:
        if self.mismatches:
            shown = "\n  ".join(map(str, self.mismatches[:12]))
            count = len(self.mismatches)
            raise AssertionError(f"{where}: {count} mismatch(es) with the reference:\n  {shown}")
