"""Every op's derivative rule against central finite differences, over its domain.

Tolerances: autograd.gradcheck's defaults (eps=1e-6, rtol=1e-5, atol=1e-8).
Central differences are accurate to ~1e-10 relative here (see gradcheck's
module docstring), so a correct rule passes with five orders of margin and a
wrong one (a lost factor or sign) fails by far more than rtol.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, dot, gradcheck, gradients, sum_values
from autograd.engine import differentiable_local_derivatives, local_derivatives
from autograd.ops import BINARY_OPS, UNARY_OPS, base_power_op, power_op
from tests.strategies import BINARY_CASES, OP_CASES, UNARY_CASES, check_at_points, positive, reals, small


def test_every_op_in_the_table_has_a_test_case():
    assert set(UNARY_CASES) == set(UNARY_OPS)
    assert set(BINARY_CASES) == set(BINARY_OPS)


@pytest.mark.parametrize("name", sorted(OP_CASES))
def test_op_gradient(name: str):
    check_at_points(name, lambda f, point: gradcheck(f, point), max_examples=60)


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
    assert gradcheck(lambda *vs: sum_values(vs) * vs[0], xs)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(small, small), min_size=1, max_size=5))
def test_dot(pairs: list[tuple[float, float]]):
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


# -- one rule, two paths: floats (backward) and Values (create_graph) agree ----

# (x, y) points where x ** y is defined, including the awkward ones
POWER_POINTS = [(0.0, 2.0), (0.0, 1.0), (0.0, 3.5), (2.0, 0.0), (0.0, 0.0), (-2.0, 3.0), (-1.5, -2.0),
                (-3.0, 0.0), (1.7, -0.5), (0.5, 2.5)]


def both_paths(f, *point: float) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Gradients of f at point, from the float walk and from the Value walk."""
    xs = [Value(p) for p in point]
    out = f(*xs)
    floats = gradients(out, xs)
    values = tuple(g.data for g in gradients(out, xs, create_graph=True))
    return floats, values


@pytest.mark.parametrize(("x", "y"), POWER_POINTS)
def test_number_exponent_agrees_on_both_paths(x: float, y: float):
    floats, values = both_paths(lambda v: v**y, x)
    assert floats == values
    assert floats[0] == (0.0 if y == 0 else y * x ** (y - 1))


@pytest.mark.parametrize(("x", "y"), POWER_POINTS)
def test_number_base_agrees_on_both_paths(x: float, y: float):
    if x < 0:
        with pytest.raises(ValueError, match=r"\*\*.*negative base"):
            both_paths(lambda v: x**v, y)
        return
    floats, values = both_paths(lambda v: x**v, y)
    assert floats == values
    assert floats[0] == (0.0 if x == 0 else x**y * math.log(x))


def test_zero_to_a_value_power_backward_works():
    # the finding: 0.0 ** y (y > 0) used to raise, computing a derivative for the base 0
    y = Value(0.5)
    (0.0**y).backward()
    assert y.grad == 0.0
    z = Value(2.0)
    (0 ** z).backward()
    assert z.grad == 0.0


@pytest.mark.parametrize(("x", "y"), [p for p in POWER_POINTS if p[0] >= 0 and not (p[0] == 0 and p[1] < 1)])
def test_value_power_agrees_on_both_paths(x: float, y: float):
    floats, values = both_paths(lambda a, b: a**b, x, y)
    assert floats == values


@pytest.mark.parametrize(("x", "y"), [(0.0, 0.5), (0.0, 0.99)])
def test_infinite_base_slope_is_the_same_error_on_both_paths(x: float, y: float):
    for create_graph in (False, True):
        a, b = Value(x), Value(y)
        with pytest.raises(ZeroDivisionError, match=r"backward through \*\*.*infinite at x = 0"):
            gradients(a**b, [a, b], create_graph=create_graph)


def test_negative_base_exponent_slope_is_the_same_error_on_both_paths():
    for create_graph in (False, True):
        a, b = Value(-2.0), Value(3.0)
        with pytest.raises(ValueError, match=r"negative base"):
            gradients(a**b, [a, b], create_graph=create_graph)


@pytest.mark.parametrize("n", [0.0, 0.5, 1.0, 2.0, -1.0, 3.0])
def test_power_op_rule_on_floats_and_values(n: float):
    x = 1.3
    op = power_op(n)
    node = Value(x) ** n
    assert node._op is op
    on_values = differentiable_local_derivatives(node)[0]
    assert local_derivatives(node)[0] == float(on_values)


def test_base_power_op_is_one_input():
    y = Value(1.5)
    node = 2**y
    assert node.op == "2**" and node.children == (y,)
    assert node._op is base_power_op(2.0)


@pytest.mark.parametrize("name", sorted(OP_CASES))
def test_rules_agree_on_both_paths(name: str):
    def agree(f, point: tuple[float, ...]) -> None:
        floats, values = both_paths(f, *point)
        assert floats == values

    check_at_points(name, agree, max_examples=20)


def test_the_unary_ops_a_user_writes():
    """neg (-x) and the functions; not the library's own copy op (id)."""
    assert set(UNARY_OPS) == {"neg", "abs", "exp", "log", "sqrt", "tanh", "sigmoid", "relu"}


def test_the_formula_of_a_power_in_words():
    assert power_op(3.0).formulas == ("3 * x**2",)
    assert power_op(0.5).formulas == ("0.5 * x**-0.5",)


def test_a_base_of_minus_one_to_a_negative_power_is_fine_and_zero_is_not():
    assert (Value(-1.0) ** -2).data == 1.0
    message = r"0 cannot be raised to a negative power \(0\.0 \*\* -1\.0\)"
    with pytest.raises(ZeroDivisionError, match=message):
        _ = Value(0.0) ** -1


def test_relu_of_minus_zero_is_zero():
    assert math.copysign(1.0, Value(-0.0).relu().data) == 1.0


def test_every_op_has_a_word_for_generated_code_and_a_formula_per_input():
    from autograd.ops import ADD, DOT, TABLE, TANH

    assert TANH.word == "tanh" and ADD.word == "add" and all(op.word.isidentifier() for op in TABLE)
    assert [DOT.formula(i, 4) for i in range(4)] == ["x_i", "x_i", "w_i", "w_i"]  # w1 w2 x1 x2
    assert [ADD.formula(i, 2) for i in range(2)] == ["1", "1"]
