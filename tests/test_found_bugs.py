"""Bugs found from outside, each kept as the test that would have caught it.

Every test here failed on the code before its fix. The numbers expected are worked
out by hand in the comments, not computed by the library.
"""

from __future__ import annotations

import math

import autograd
from autograd import Value, grad, hessian, jacobian, value_and_grad


def test_a_branching_rule_first_in_a_sum_of_gradient_terms():
    """The compiled code wrote ``g if a > 0.0 else 0.0 * g + rest``: the conditional took
    every later term of the sum into its else branch, so they vanished for a > 0.

    ``a`` has three users; relu, made last, contributes the first term of d f / d a.
    d f / d a = b + 1 / (1 + b**2) + 1 (a > 0) = 0.5 + 0.8 + 1 = 2.3 at (1.5, 0.5);
    d f / d b = a - 2 a b / (1 + b**2)**2 = 1.5 - 1.5 * 0.64 = 0.54.
    """

    def f(a: Value, b: Value) -> Value:
        product, quotient, kink = a * b, a / (1 + b * b), a.relu()
        return product + quotient + kink

    value, (da, db) = autograd.compile(f).value_and_grad(1.5, 0.5)
    assert math.isclose(value, 0.75 + 1.2 + 1.5, rel_tol=1e-12)
    assert math.isclose(da, 2.3, rel_tol=1e-12)
    assert math.isclose(db, 0.54, rel_tol=1e-12)


def test_a_transformation_inside_an_eager_computation_keeps_the_graph():
    """``grad`` returned a float when called with numbers at the top level, even when its
    function closed over a Value: the result was cut off from that Value.

    d/dt (x t) = x, so y = x * x and dy/dx = 2x = 2 at x = 1.
    """
    x = Value(1.0)
    y = x * grad(lambda t: x * t)(2.0)[0]
    y.backward()
    assert y.data == 1.0
    assert x.grad == 2.0


def test_every_transformation_inside_an_eager_computation_keeps_the_graph():
    """value_and_grad, hessian and jacobian too. With w = 3 closed over:
    d/dt (w t**2) = 2 w t = 4w at t = 2 (so d/dw = 4); d2/dt2 = 2w (d/dw = 2);
    value w t**2 = 4w (d/dw = 4); jacobian of [w t, t] = [w, 1] (d/dw of the first = 1).
    """
    w = Value(3.0)
    value, slope = value_and_grad(lambda t: w * t**2, argnums=0)(2.0)
    (curvature,) = hessian(lambda t: w * t**2)(2.0)[0]
    row = jacobian(lambda t: [w * t, t])(5.0)
    assert (value.data, slope.data, curvature.data) == (12.0, 12.0, 6.0)
    assert autograd.gradients(value, [w]) == (4.0,)
    assert autograd.gradients(slope, [w]) == (4.0,)
    assert autograd.gradients(curvature, [w]) == (2.0,)
    assert autograd.gradients(row[0][0], [w]) == (1.0,)
    assert row[1][0].data == 1.0


def test_a_transformation_of_numbers_alone_still_gives_floats():
    """The fix must not turn every result into a Value: with nothing closed over, floats."""
    assert grad(lambda t: t * t)(3.0) == (6.0,)
    assert type(grad(lambda t: t * t)(3.0)[0]) is float


def test_the_gradient_of_an_input_with_respect_to_itself_is_one_in_a_graph_too():
    """``gradients(x, [x], create_graph=True)`` gave 0: the marker for "d out / d out, 1" was
    read back as 0. So ``jacobian(lambda t: [t])`` of a Value was [[0]] instead of [[1]]."""
    x = Value(2.0)
    (slope,) = autograd.gradients(x, [x], create_graph=True)
    assert slope.data == 1.0
    assert jacobian(lambda t: [t])(Value(3.0))[0][0].data == 1.0
    assert autograd.gradients(x, [x]) == (1.0,)


def test_a_power_whose_slope_overflows_says_so_in_words():
    """Found by the op registry: the slope of x**-1 at x = 1e-200 is -1e400, and backward
    raised Python's bare ``OverflowError: (34, 'Numerical result out of range')``."""
    x = Value(1e-200)
    try:
        (x**-1).backward()
    except OverflowError as error:
        assert "too large for a float" in str(error) and "34" not in str(error)
    else:
        raise AssertionError("the slope -1e400 is not a float: backward must refuse it")


def test_every_derivative_of_x_to_the_zero_is_zero():
    """Found by the op registry: x**0 is the constant 1, so every derivative is 0; its second
    derivative at x = 1e-200 overflowed (0 * -1 * x**-2) instead."""
    x = Value(1e-200)
    (slope,) = autograd.gradients(x**0, [x], create_graph=True)
    assert slope.data == 0.0
    assert autograd.gradients(slope, [x]) == (0.0,)
