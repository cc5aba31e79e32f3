"""Value construction, the Python protocols it supports, and its error messages."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value


@pytest.mark.parametrize("data", [3, -2.5, 0, np.float64(1.5), np.int64(7), np.float32(0.25), 1e308])
def test_accepts_real_numbers(data):
    v = Value(data)
    assert isinstance(v.data, float)
    assert v.data == float(data)
    assert v.grad == 0.0


@pytest.mark.parametrize(
    ("data", "named"),
    [("3", "str"), (None, "NoneType"), (1 + 2j, "complex"), (True, "bool"), ([1.0], "list"),
     (np.bool_(True), "bool")],
)
def test_rejects_non_real_data_naming_the_type(data, named):
    with pytest.raises(TypeError, match=named):
        Value(data)


@pytest.mark.parametrize("data", [math.nan, math.inf, -math.inf])
def test_rejects_nan_and_infinity_alike(data):
    # the finding: Value(inf) used to be accepted while Value(nan) was refused
    with pytest.raises(ValueError, match="finite number"):
        Value(data)
    with pytest.raises(ValueError, match="non-finite number cannot enter an expression"):
        Value(1.0) * data


def test_integer_too_large_for_a_float_is_an_overflow_error():
    with pytest.raises(OverflowError, match="too large for a float"):
        Value(10**400)


def test_label_must_be_a_string():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


def test_graph_structure_is_readable():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    assert c.op == "*" and c.children == (a, b) and not c.is_leaf
    assert a.op == "" and a.children == () and a.is_leaf
    d = 2 * a
    assert d.children[0].op == "const" and d.children[0].data == 2.0
    assert (a**3).op == "**3"
    with pytest.raises(AttributeError):
        c.op = "+"  # read-only
    with pytest.raises(AttributeError):
        c.children = ()


def test_numbers_on_either_side():
    x = Value(2.0)
    assert [v.data for v in (x + 1, 1 + x, x - 1, 1 - x, 3 * x, x * 3, x / 4, 4 / x, x**3, 2**x, -x)] == [
        3.0, 3.0, 1.0, -1.0, 6.0, 6.0, 0.5, 2.0, 8.0, 4.0, -2.0,
    ]
    assert (x ** Value(3.0)).data == 8.0
    assert abs(Value(-1.5)).data == 1.5


def test_numpy_scalar_on_the_left_gives_a_value():
    x = Value(2.0)
    y = np.float64(3.0) * x
    assert isinstance(y, Value) and y.data == 6.0


@pytest.mark.parametrize("bad", ["2", None, [1], 1j, True])
def test_unsupported_operand_types_raise_type_error(bad):
    x = Value(1.0)
    with pytest.raises(TypeError):
        x + bad
    with pytest.raises(TypeError):
        x ** bad


def test_comparisons_use_data_and_return_bool():
    a, b = Value(1.0), Value(2.0)
    assert (a < b) is True and (a <= 1) is True and (b > 1.5) is True and (b >= b) is True
    assert 0.5 < a and 3 > b  # noqa: SIM300 (the reflected forms are under test)
    assert (a <= b) is True and (b <= a) is False and (a >= b) is False and (b < a) is False
    assert float(b) == 2.0
    with pytest.raises(TypeError, match="str"):
        _ = a < "x"


def test_variables_are_the_leaves_you_made_not_the_numbers_that_entered():
    x, w = Value(2.0, label="x"), Value(3.0, label="w")
    y = (x * w + 1) * x  # the 1 is a constant leaf; x is used twice
    assert y.variables() == [x, w]
    assert Value(5.0).variables()[0].data == 5.0


def test_equality_and_hash_are_identity():
    a, b = Value(1.0), Value(1.0)
    assert a == a and a != b
    assert len({a, b, a}) == 2
    assert {a: "first"}[a] == "first"


def test_repr_is_short():
    v = Value(0.1 + 0.2, label="s")
    assert repr(v) == "Value(data=0.3, grad=0, label='s')"
    assert repr(Value(2.0)) == "Value(data=2, grad=0)"


# -- domain errors name the op and the offending value ------------------------

@pytest.mark.parametrize(
    ("thunk", "error", "pattern"),
    [
        (lambda: Value(0.0).log(), ValueError, r"log.*positive.*0\.0"),
        (lambda: Value(-2.0).log(), ValueError, r"log.*-2\.0"),
        (lambda: Value(-1.0).sqrt(), ValueError, r"sqrt.*non-negative.*-1\.0"),
        (lambda: Value(-8.0) ** (1 / 3), ValueError, r"negative base.*integer exponent"),
        (lambda: Value(-8.0) ** Value(0.5), ValueError, r"negative base"),
        (lambda: (-2) ** Value(0.5), ValueError, r"negative base"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, r"division by zero"),
        (lambda: 1 / Value(0.0), ZeroDivisionError, r"division by zero"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, r"0 cannot be raised to a negative power"),
        (lambda: Value(0.0) ** Value(-2.0), ZeroDivisionError, r"negative power"),
        (lambda: Value(710.0).exp(), OverflowError, r"exp.*710\.0"),
        (lambda: Value(10.0) ** 400, OverflowError, r"10\.0 \*\* 400"),
    ],
)
def test_domain_errors(thunk, error, pattern):
    with pytest.raises(error, match=pattern):
        thunk()


@pytest.mark.parametrize("x", [-1000.0, -745.0, 0.0, 745.0, 1000.0, 1e308, -1e308])
def test_sigmoid_and_tanh_do_not_overflow(x):
    s, t = Value(x).sigmoid(), Value(x).tanh()
    assert 0.0 <= s.data <= 1.0 and -1.0 <= t.data <= 1.0
    # and their gradients stay finite (they saturate to 0)
    s.backward()
    t.backward()
    assert math.isfinite(s.children[0].grad) and math.isfinite(t.children[0].grad)


def test_sigmoid_is_accurate_in_both_tails():
    assert Value(-40.0).sigmoid().data == pytest.approx(math.exp(-40.0), rel=1e-15)
    assert Value(40.0).sigmoid().data == 1.0


def test_strict_comparisons_of_equal_numbers_are_false():
    a = Value(1.0)
    assert (a < a) is False and (a > a) is False and (a <= a) is True and (a >= 1.0) is True
    assert (Value(2.0) >= 1.0) is True and (Value(2.0) >= Value(-1.0)) is True


def test_an_op_of_yours_that_overflows_or_gives_nan_is_named():
    from autograd import apply_op
    from autograd.ops import Op

    cube = Op("cube", lambda x: x * x * x, lambda out, x: (3 * x * x,), ("3 x**2",))  # inf, no error
    with pytest.raises(OverflowError, match=r"cube: cube\(1e\+200\) = inf"):
        apply_op(cube, Value(1e200))
    broken = Op("broken", lambda x: math.inf - math.inf, lambda out, x: (0.0,), ("0",))
    with pytest.raises(ValueError, match=r"broken: broken\(1\.0\) gave NaN"):
        apply_op(broken, Value(1.0))


def test_dot_needs_as_many_weights_as_inputs():
    from autograd import dot

    for weights, inputs in (([1.0], [1.0, 2.0]), ([1.0, 2.0], [1.0])):
        with pytest.raises(ValueError, match="weights but"):
            dot(weights, inputs)


def test_jupyter_shows_text_when_the_drawing_layer_cannot_load(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "autograd.drawing.display", None)  # importing it raises ImportError
    x = Value(2.0)
    assert x._repr_mimebundle_() == {"text/plain": repr(x)}
