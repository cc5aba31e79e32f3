"""grad, value_and_grad, hessian and jacobian: function transformations that compose.

Finite-difference tolerances: differences of exact first derivatives have
truncation error ~EPS**2 times the fourth derivative and rounding error
~1e-16 / EPS = 1e-10 relative; RTOL = 1e-5 leaves a wide margin while a wrong
rule misses by far more. PyTorch (float64) is the oracle for nested use: the
same formulas summed in another order agree to ~1e-15; 1e-12 allows for that
and nothing else.
"""

from __future__ import annotations

import itertools
import math
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, central_difference, grad, gradients, hessian, jacobian, value_and_grad
from tests.strategies import OP_CASES, check_at_points, programs, reals, run

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
    assert grad(f, argnums=-2)(1.0, 2.0) == grad(f)(1.0, 2.0)[0]  # -count is the first argument
    with pytest.raises(ValueError, match="argnums -3 is out of range"):
        grad(f, argnums=-3)(1.0, 2.0)
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


# -- higher order ------------------------------------------------------------

EPS = 1e-6
# Finite differences of an exact first derivative: truncation ~EPS**2 * f'''' and
# rounding ~1e-16 / EPS = 1e-10 relative; 1e-5 leaves a wide margin.
RTOL, ATOL = 1e-5, 1e-7


def second_derivative(f, x: float) -> float:
    v = Value(x)
    (dy,) = gradients(f(v), [v], create_graph=True)
    return gradients(dy, [v])[0]


@pytest.mark.parametrize("name", sorted(OP_CASES))
def test_second_derivatives_of_every_op(name: str):
    check_at_points(name, lambda f, point: assert_hessian_matches_finite_differences(f, list(point)),
                    max_examples=30)


def assert_hessian_matches_finite_differences(f, point: list[float]) -> None:
    exact = hessian(f)(*point)
    gradient = grad(f)
    for j in range(len(point)):
        for i in range(len(point)):
            # d/dx_j of the i-th first derivative, moving x_j alone
            def along_j(x: float, i: int = i, j: int = j) -> float:
                return gradient(*point[:j], x, *point[j + 1 :])[i]

            numeric = central_difference(along_j, point[j], EPS)
            assert exact[i][j] == pytest.approx(numeric, rel=RTOL, abs=ATOL), (i, j)


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
    (d1,) = gradients(p(x), [x], create_graph=True)
    (d2,) = gradients(d1, [x], create_graph=True)
    expected = sum(k * (k - 1) * (k - 2) * c * at ** (k - 3) for k, c in enumerate(coefficients) if k >= 3)
    assert gradients(d2, [x]) == (expected,)
    assert grad(grad(grad(p)))(float(at)) == (expected,)


@settings(max_examples=40, deadline=None)
@given(reals(-2, 2))
def test_grad_of_grad_is_the_second_derivative(x: float):
    f = lambda v: (v * 1.5).tanh() * v.exp()
    (twice,) = grad(grad(f))(x)
    assert twice == pytest.approx(second_derivative(f, x), rel=1e-12, abs=1e-12)


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


# -- nesting and closures (the findings) --------------------------------------


def test_inner_grad_of_a_closure_keeps_the_outer_variable():
    # f(x) = x * d/dy (x y) = x * x, so f'(1) = 2 (the old engine said 3)
    f = lambda x: x * grad(lambda y: x * y)(2.0)[0]
    assert grad(f)(1.0) == (2.0,)
    assert grad(grad(f))(1.0) == (2.0,)


def test_grad_through_hessian_and_jacobian_is_the_third_derivative():
    # d/dx of d2/dx2 x**4 = 24 x (the old engine said 0)
    assert grad(lambda x: hessian(lambda t: t**4)(x)[0][0])(1.0) == (24.0,)
    assert grad(lambda x: jacobian(lambda t: [t**3, t * t])(x)[0][0])(2.0) == (12.0,)


def test_values_in_values_out_for_every_transformation():
    x = Value(1.5)
    (h,) = hessian(lambda t: t**4)(x)[0]
    (j,) = jacobian(lambda t: [t**3])(x)[0]
    value, (g,) = value_and_grad(lambda t: t**2)(x)
    assert all(isinstance(v, Value) for v in (h, j, value, g))
    assert (h.data, j.data, value.data, g.data) == (27.0, 6.75, 2.25, 3.0)


def test_transformations_never_touch_grad():
    a, b = Value(2.0), Value(3.0)
    a.grad, b.grad = 5.0, 7.0
    w = Value(0.5)
    w.grad = 11.0
    jacobian(lambda x, y: [x * y * w, x + y])(a, b)
    grad(lambda x: x * w)(1.0)  # f closes over w: its .grad is not the transformation's business
    hessian(lambda x, y: x * y * w)(a, b)
    value_and_grad(lambda x: x * w)(a)
    assert (a.grad, b.grad, w.grad) == (5.0, 7.0, 11.0)


def test_transformations_run_in_threads_independently():
    results: dict[int, tuple[float, ...]] = {}

    def job(k: int) -> None:
        f = lambda x: x * grad(lambda y: x * y * k)(2.0)[0]  # k x**2
        for _ in range(50):
            results[k] = grad(f)(1.0)

    threads = [threading.Thread(target=job, args=(k,)) for k in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {k: (2.0 * k,) for k in range(1, 5)}


# -- PyTorch as the oracle, to third order -----------------------------------


def t64(x: float):
    import torch

    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def tgrad(f):
    """``torch.func.grad``: the function transformation with JAX's semantics, PyTorch's oracle here."""
    import torch.func

    return torch.func.grad(f)


def thessian(f):
    import torch.func

    return torch.func.hessian(f)


def tjacobian(f):
    import torch.func

    return torch.func.jacrev(f)


# each case: ours, and the same function with torch.func's transformations. A closure
# over x inside a transformation applied *at* x treats that x as a constant (JAX semantics):
# hessian(lambda t: (t*x).exp()*t)(x) differentiates in t only.
NESTED_CASES = {
    "closure": (
        lambda x: x * grad(lambda y: (x * y).tanh())(0.3)[0],
        lambda x: x * tgrad(lambda y: (x * y).tanh())(t64(0.3).detach()),
    ),
    "grad of hessian": (
        lambda x: hessian(lambda t: (t * x).exp() * t)(x)[0][0],
        lambda x: thessian(lambda t: (t * x).exp() * t)(x),
    ),
    "grad of jacobian": (
        lambda x: jacobian(lambda t: [(t * t * x).sigmoid(), t.log()])(x)[0][0],
        lambda x: tjacobian(lambda t: (t * t * x).sigmoid())(x),
    ),
    "inner transformation at the outer variable": (
        lambda x: grad(lambda y: x * y * y)(x)[0],  # d/dy (x y**2) = 2 x y, at y = x: 2 x**2
        lambda x: tgrad(lambda y: x * y * y)(x),
    ),
}


@pytest.mark.parametrize("name", sorted(NESTED_CASES))
@pytest.mark.parametrize("at", [0.4, 1.3])
def test_nested_transformations_agree_with_torch_to_third_order(name: str, at: float):
    pytest.importorskip("torch")
    ours, theirs = NESTED_CASES[name]
    x = t64(at).detach()
    first, second, third = tgrad(theirs)(x), tgrad(tgrad(theirs))(x), tgrad(tgrad(tgrad(theirs)))(x)
    assert ours(Value(at)).data == pytest.approx(theirs(x).item(), rel=1e-12)
    assert grad(ours)(at)[0] == pytest.approx(first.item(), rel=1e-12)
    assert grad(grad(ours))(at)[0] == pytest.approx(second.item(), rel=1e-12)
    assert grad(grad(grad(ours)))(at)[0] == pytest.approx(third.item(), rel=1e-12)


def test_an_inner_transformation_applied_at_the_outer_variable_treats_its_closure_as_constant():
    # d/dx [ d/dy (x y) at y = x ] = d/dx x = 1 (JAX, HIPS autograd, torch.func); identifying
    # the inner variable with the outer one would give d/dx (x * x) = 2
    assert grad(lambda x: grad(lambda y: x * y)(x)[0])(3.0) == (1.0,)
    v = Value(3.0)
    (inner,) = grad(lambda y: v * y)(v)
    assert inner.data == 3.0 and gradients(inner, [v]) == (1.0,)


@settings(max_examples=25, deadline=None)
@given(programs())
def test_hessian_and_third_derivatives_of_random_dags_agree_with_torch(program):
    torch = pytest.importorskip("torch")
    leaves, steps = program
    ours = hessian(lambda *vs: run(steps, *vs))(*leaves)
    xs = [t64(x) for x in leaves]

    def d(y, create_graph=True):
        if not y.requires_grad:  # a constant: every derivative is 0
            return [torch.zeros((), dtype=torch.float64) for _ in xs]
        return torch.autograd.grad(
            y, xs, create_graph=create_graph, allow_unused=True, materialize_grads=True
        )

    first = d(run(steps, *xs))
    for i, g in enumerate(first):
        for j, h in enumerate(d(g)):
            assert ours[i][j] == pytest.approx(h.item(), rel=1e-12, abs=1e-12)
    # third order: the gradient of H[0][0]
    third = grad(lambda *vs: hessian(lambda *ws: run(steps, *ws))(*vs)[0][0])(*leaves)
    expected = d(d(first[0])[0], create_graph=False)
    assert list(third) == pytest.approx([e.item() for e in expected], rel=1e-12, abs=1e-12)


def test_what_a_transformed_function_returns_is_checked():
    with pytest.raises(TypeError, match="must return a list of Values"):
        jacobian(lambda x: 3.0)(1.0)
    with pytest.raises(TypeError, match="must be a Value"):
        grad(lambda x: ())(1.0)


def test_values_in_values_out_also_for_a_function_that_ignores_its_argument():
    """Given a Value, a transformation returns Values even when f does not use its argument
    (nothing older than the call is reached then, so only the Value argument says so)."""
    (slope,) = grad(lambda t: 3.0)(Value(2.0))
    assert isinstance(slope, Value) and slope.data == 0.0
    assert grad(lambda t: 3.0)(2.0) == (0.0,)
