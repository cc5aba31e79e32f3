"""The gradient checker must pass correct gradients and catch wrong ones."""

from __future__ import annotations

import pytest

from autograd import (
    GradientCheckError,
    Value,
    central_difference,
    grad,
    gradcheck,
    gradients,
    numerical_gradient,
)
from autograd import ops as ops_module
from autograd.ops import Op


def test_passes_a_correct_function():
    assert gradcheck(lambda a, b: (a * b).tanh() + a**2, [0.3, -1.2]) is True


def test_accepts_values_and_uses_their_labels(monkeypatch):
    a = Value(0.5, label="alpha")
    broken = Op("tanh", ops_module.TANH.forward, lambda out, x: (1 + out * out,), ("wrong",))
    monkeypatch.setattr("autograd.value.TANH", broken)
    with pytest.raises(GradientCheckError, match="alpha") as info:
        gradcheck(lambda v: v.tanh(), [a])
    message = str(info.value)
    assert "autograd" in message and "finite difference" in message and "relative error" in message
    assert a.grad == 0.0  # the caller's Value is not touched


def test_catches_a_sign_error(monkeypatch):
    wrong_sub = Op("-", lambda x, y: x - y, lambda out, x, y: (1.0, 1.0), ("1", "1"))
    monkeypatch.setattr("autograd.value.SUB", wrong_sub)
    with pytest.raises(GradientCheckError, match="input 1"):
        gradcheck(lambda a, b: (a - b) * a, [1.0, 2.0])


def test_catches_a_small_but_real_error(monkeypatch):
    # off by 0.1%: far above the 1e-5 tolerance, far below what a glance would notice
    sloppy = Op("exp", ops_module.EXP.forward, lambda out, x: (out * 1.001,), ("out",))
    monkeypatch.setattr("autograd.value.EXP", sloppy)
    with pytest.raises(GradientCheckError):
        gradcheck(lambda v: v.exp(), [1.0])


def test_numerical_gradient_of_a_known_function():
    assert numerical_gradient(lambda x, y: x * y * y, [2.0, 3.0], 1, 1e-6) == pytest.approx(12.0, rel=1e-9)


def test_bad_arguments():
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda x: 3.0, [1.0])
    with pytest.raises(ValueError, match="at least one input"):
        gradcheck(lambda: Value(1.0), [])
    with pytest.raises(TypeError, match="str"):
        gradcheck(lambda x: x, ["a"])


def test_checks_functions_that_differentiate_inside():
    # d/dx (3x^2) = 6x: gradcheck of a first derivative is a check of the second
    def dcube(x):
        (d,) = gradients(x**3, [x], create_graph=True)
        return d

    assert gradcheck(dcube, [1.5])
    assert gradcheck(grad(lambda x: x**3, argnums=0), [-0.7])


def test_central_difference_is_exact_on_quadratics_and_fails_a_wrong_slope():
    # (f(x+e) - f(x-e)) / 2e is exact for a parabola up to rounding (~1e-16 / e)
    assert central_difference(lambda x: 3 * x * x - x, 2.0, 1e-3) == pytest.approx(11.0, rel=1e-12)
    assert central_difference(lambda x: x**3, 1.0, 1e-3) != pytest.approx(4.0, rel=1e-3)


def test_gradcheck_leaves_the_callers_values_alone():
    x = Value(1.5, label="x")
    x.grad = 9.0
    assert gradcheck(lambda v: v * v, [x])
    assert x.grad == 9.0 and x.data == 1.5
