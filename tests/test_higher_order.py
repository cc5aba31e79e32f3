"""backward(create_graph=True): gradients that can be differentiated again."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, grad, hessian
from tests.strategies import reals
from tests.test_backward import programs, run
from tests.test_ops import BINARY_CASES, UNARY_CASES

EPS = 1e-6
# Finite differences of an exact first derivative: truncation ~EPS**2 * f'''' and
# rounding ~1e-16 / EPS = 1e-10 relative; 1e-5 leaves a wide margin.
RTOL, ATOL = 1e-5, 1e-7


def first_derivative(f, x: float) -> float:
    v = Value(x)
    f(v).backward()
    return v.grad


def second_derivative(f, x: float) -> float:
    v = Value(x)
    (dy,) = f(v).backward(create_graph=True)
    dy.backward()
    return v.grad


@pytest.mark.parametrize("name", sorted(UNARY_CASES))
def test_second_derivative_of_every_unary_op(name: str):
    f, domain = UNARY_CASES[name]

    @settings(max_examples=40, deadline=None)
    @given(domain)
    def check(x: float) -> None:
        numeric = (first_derivative(f, x + EPS) - first_derivative(f, x - EPS)) / (2 * EPS)
        assert second_derivative(f, x) == pytest.approx(numeric, rel=RTOL, abs=ATOL)

    check()


@pytest.mark.parametrize("name", sorted(BINARY_CASES))
def test_hessian_of_every_binary_op(name: str):
    f, left, right = BINARY_CASES[name]

    @settings(max_examples=30, deadline=None)
    @given(left, right)
    def check(x: float, y: float) -> None:
        assert_hessian_matches_finite_differences(f, [x, y])

    check()


def assert_hessian_matches_finite_differences(f, point: list[float]) -> None:
    exact = hessian(f)(*point)
    gradient = grad(f)
    for j in range(len(point)):
        up = list(point)
        down = list(point)
        up[j] += EPS
        down[j] -= EPS
        column = [(a - b) / (2 * EPS) for a, b in zip(gradient(*up), gradient(*down))]
        for i in range(len(point)):
            assert exact[i][j] == pytest.approx(column[i], rel=RTOL, abs=ATOL), (i, j)


@settings(max_examples=60, deadline=None)
@given(programs())
def test_random_dags_second_derivatives(program):
    leaves, steps = program
    assert_hessian_matches_finite_differences(lambda *vs: run(steps, *vs), leaves)


@settings(max_examples=60, deadline=None)
@given(programs())
def test_hessian_is_symmetric(program):
    leaves, steps = program
    h = hessian(lambda *vs: run(steps, *vs))(*leaves)
    for i in range(len(leaves)):
        for j in range(i):
            # the two orders of differentiation add the same terms in another order
            assert h[i][j] == pytest.approx(h[j][i], rel=1e-12, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=6), st.integers(-4, 4))
def test_third_derivative_of_a_polynomial_is_exact(coefficients: list[int], at: int):
    # p(x) = sum c_k x^k; p'''(x) = sum k (k-1) (k-2) c_k x^(k-3): integers, so exact
    def p(x: Value) -> Value:
        return sum((c * x**k for k, c in enumerate(coefficients)), Value(0.0))

    x = Value(float(at))
    (d1,) = p(x).backward(create_graph=True, inputs=[x])
    (d2,) = d1.backward(create_graph=True, inputs=[x])
    d2.backward()
    expected = sum(k * (k - 1) * (k - 2) * c * at ** (k - 3) for k, c in enumerate(coefficients) if k >= 3)
    assert x.grad == expected


@settings(max_examples=40, deadline=None)
@given(reals(-2, 2))
def test_grad_of_grad_is_the_second_derivative(x: float):
    f = lambda v: (v * 1.5).tanh() * v.exp()
    (twice,) = grad(grad(f))(x)
    assert twice == pytest.approx(second_derivative(f, x), rel=1e-12, abs=1e-12)


def test_readme_example_second_derivative():
    x = Value(2.0)
    y = x**3
    (dy,) = y.backward(create_graph=True)
    assert isinstance(dy, Value) and dy.data == 12.0
    assert x.grad == 0.0  # create_graph returns gradients and leaves .grad alone
    dy.backward()
    assert x.grad == 12.0  # d2y/dx2 = 6x


def test_default_inputs_are_the_variables_not_constants():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    out = 3 * a + b * b
    grads = out.backward(create_graph=True)
    assert [g.data for g in grads] == [3.0, 4.0]
    assert out.variables() == [a, b]


def test_gradient_of_an_unrelated_input_is_zero():
    a, b = Value(1.0), Value(2.0)
    (g,) = (a * a).backward(create_graph=True, inputs=[b])
    assert g.data == 0.0


def test_newton_method_with_hessian_converges_quadratically():
    # minimise f(x) = e^x - 2x, whose minimum is at x = ln 2
    f = lambda x: x.exp() - 2 * x
    x, errors = 0.0, []
    while abs(x - math.log(2)) > 1e-14 and len(errors) < 10:
        (slope,) = grad(f)(x)
        ((curvature,),) = hessian(f)(x)
        x -= slope / curvature
        errors.append(abs(x - math.log(2)))
    # from x0 = 0 the iterates are 1, 0.736, 0.6940, ...: errors roughly square each step
    assert len(errors) <= 6
    # (the last step is left out: it lands on float64's rounding floor, ~1e-16)
    assert all(later <= earlier**2 for earlier, later in itertools.pairwise(errors[:-1]))
    assert x == pytest.approx(math.log(2), abs=1e-14)
