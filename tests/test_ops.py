"""Every op's derivative rule against central finite differences, over its domain.

Tolerances: autograd.gradcheck's defaults (eps=1e-6, rtol=1e-5, atol=1e-8).
Central differences are accurate to ~1e-10 relative here (see gradcheck's
module docstring), so a correct rule passes with five orders of margin and a
wrong one (a lost factor or sign) fails by far more than rtol.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, gradcheck
from autograd.ops import BINARY_OPS, UNARY_OPS
from tests.strategies import away_from_zero, positive, reals, small

# op name -> (function of Values, strategy for its input(s))
UNARY_CASES: dict[str, tuple[Callable[[Value], Value], st.SearchStrategy[float]]] = {
    "neg": (lambda x: -x, small),
    "abs": (abs, away_from_zero(-5, 5)),
    "exp": (lambda x: x.exp(), reals(-20, 20)),
    "log": (lambda x: x.log(), positive(1e-3, 1e3)),
    "sqrt": (lambda x: x.sqrt(), positive(1e-3, 1e3)),
    "tanh": (lambda x: x.tanh(), reals(-20, 20)),
    "sigmoid": (lambda x: x.sigmoid(), reals(-40, 40)),
    "relu": (lambda x: x.relu(), away_from_zero(-5, 5)),
}

BINARY_CASES: dict[str, tuple[Callable[[Value, Value], Value], st.SearchStrategy, st.SearchStrategy]] = {
    "+": (lambda x, y: x + y, small, small),
    "-": (lambda x, y: x - y, small, small),
    "*": (lambda x, y: x * y, small, small),
    "/": (lambda x, y: x / y, small, away_from_zero(-5, 5, gap=0.1)),
    "**": (lambda x, y: x**y, positive(1e-2, 10.0), reals(-3, 3)),
}


def test_every_op_in_the_table_has_a_test_case():
    assert set(UNARY_CASES) == set(UNARY_OPS)
    assert set(BINARY_CASES) == set(BINARY_OPS)


@pytest.mark.parametrize("name", sorted(UNARY_CASES))
def test_unary_op_gradient(name: str):
    f, domain = UNARY_CASES[name]

    @settings(max_examples=60, deadline=None)
    @given(domain)
    def check(x: float) -> None:
        assert gradcheck(f, [x])

    check()


@pytest.mark.parametrize("name", sorted(BINARY_CASES))
def test_binary_op_gradient(name: str):
    f, left, right = BINARY_CASES[name]

    @settings(max_examples=60, deadline=None)
    @given(left, right)
    def check(x: float, y: float) -> None:
        assert gradcheck(f, [x, y])

    check()


@settings(max_examples=60, deadline=None)
@given(reals(-3, 3), st.sampled_from([-3, -2, -1, 0, 1, 2, 3, 4]))
def test_integer_power_of_any_sign_base(x: float, n: int):
    x = x if n >= 0 else x + math.copysign(0.1, x)  # negative powers: keep away from the pole
    assert gradcheck(lambda v: v**n, [x])


@settings(max_examples=60, deadline=None)
@given(positive(1e-2, 10.0), reals(-2.5, 2.5))
def test_fractional_power_and_number_base(x: float, p: float):
    assert gradcheck(lambda v: v**p, [x])
    assert gradcheck(lambda v: x**v, [p])  # number ** Value


@settings(max_examples=40, deadline=None)
@given(st.lists(small, min_size=1, max_size=6))
def test_sum_values(xs: list[float]):
    from autograd import sum_values

    assert gradcheck(lambda *vs: sum_values(vs) * vs[0], xs)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(small, small), min_size=1, max_size=5))
def test_dot(pairs: list[tuple[float, float]]):
    from autograd import dot

    n = len(pairs)
    flat = [w for w, _ in pairs] + [x for _, x in pairs]
    assert gradcheck(lambda *vs: dot(vs[:n], vs[n:]).tanh(), flat)


@pytest.mark.parametrize(
    ("f", "at", "expected"),
    [
        (lambda x: x.relu(), 0.0, 0.0),  # the kink: documented convention
        (lambda x: abs(x), 0.0, 0.0),
        (lambda x: x**0, 0.0, 0.0),
        (lambda x: x**1, 0.0, 1.0),
        (lambda x: x**2, -3.0, -6.0),
        (lambda x: 0 ** x, 2.0, 0.0),  # d/dy 0**y at y > 0 is 0
    ],
)
def test_conventions_at_special_points(f, at: float, expected: float):
    x = Value(at)
    f(x).backward()
    assert x.grad == expected
