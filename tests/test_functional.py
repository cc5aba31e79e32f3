"""grad, value_and_grad, hessian and jacobian as function transformations."""

from __future__ import annotations

import math

import pytest

from autograd import Value, grad, hessian, jacobian, value_and_grad

f = lambda a, b: (a * b).tanh() + a**2


def test_issue_example_figures():
    t = math.tanh(2.0)
    sech2 = 1 - t * t
    assert grad(f)(1.0, 2.0) == pytest.approx((2.0 * sech2 + 2.0, 1.0 * sech2), rel=1e-15)
    value, grads = value_and_grad(f)(1.0, 2.0)
    assert value == pytest.approx(t + 1.0, rel=1e-15)
    assert grads == grad(f)(1.0, 2.0)
    # d2/da2 = b^2 (-2 t sech2) + 2 ; d2/dadb = sech2 + a b (-2 t sech2) ; d2/db2 = a^2 (-2 t sech2)
    h = hessian(f)(1.0, 2.0)
    assert h[0][0] == pytest.approx(4 * -2 * t * sech2 + 2, rel=1e-14)
    assert h[0][1] == h[1][0] == pytest.approx(sech2 + 2 * -2 * t * sech2, rel=1e-14)
    assert h[1][1] == pytest.approx(-2 * t * sech2, rel=1e-14)


def test_floats_in_floats_out():
    grads = grad(f)(1.0, 2)
    assert all(type(g) is float for g in grads)
    assert isinstance(hessian(f)(1.0, 2.0)[0][0], float)


def test_argnums():
    assert grad(f, argnums=1)(1.0, 2.0) == grad(f)(1.0, 2.0)[1]
    assert grad(f, argnums=(1, 0))(1.0, 2.0) == tuple(reversed(grad(f)(1.0, 2.0)))
    assert grad(f, argnums=-1)(1.0, 2.0) == grad(f)(1.0, 2.0)[1]
    assert hessian(f, argnums=1)(1.0, 2.0) == [[hessian(f)(1.0, 2.0)[1][1]]]
    with pytest.raises(ValueError, match="out of range"):
        grad(f, argnums=2)(1.0, 2.0)
    with pytest.raises(TypeError, match="argnums"):
        grad(f, argnums="a")(1.0, 2.0)


def test_values_in_values_out_composes():
    cube = lambda x: x**3
    (third,) = grad(grad(grad(cube)))(2.0)
    assert third == 6.0
    x = Value(2.0)
    (g,) = grad(cube)(x)
    assert isinstance(g, Value) and g.data == 12.0


def test_constant_function_has_zero_gradient():
    assert grad(lambda x: 3.0)(1.0) == (0.0,)


def test_jacobian():
    j = jacobian(lambda x, y: [x * y, x + y, (x / y).log()])(2.0, 5.0)
    assert j == [[5.0, 2.0], [1.0, 1.0], [pytest.approx(0.5), pytest.approx(-0.2)]]
    with pytest.raises(TypeError, match="list of Values"):
        jacobian(lambda x: x * 2)(1.0)


def test_errors_name_the_problem():
    with pytest.raises(TypeError, match=r"argument 'b' must be a real number.*str"):
        grad(f)(1.0, "2")
    with pytest.raises(TypeError, match="must be a Value"):
        grad(lambda x: [x])(1.0)
    with pytest.raises(TypeError, match="at least one argument"):
        grad(f)()


def test_transformed_function_is_named():
    def loss(w):
        return w * w

    assert grad(loss).__name__ == "grad(loss)"
