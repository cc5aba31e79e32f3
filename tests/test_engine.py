"""The engine: backward() and gradients(), the chain-rule walk, and the overflow policy in backward."""

from __future__ import annotations

import math
import sys

import pytest
from hypothesis import given, settings

from autograd import TeachingWarning, Value, gradcheck, gradients, sum_values, topological_order
from autograd.engine import chain_rule, local_derivatives
from tests.strategies import leaves_of, programs, run


def test_readme_example():
    x, w, b = Value(3.0, label="x"), Value(-0.5, label="w"), Value(1.0, label="b")
    y = (w * x + b).sigmoid()
    loss = (y - 1) ** 2 / 2
    loss.backward()
    # d loss/d z = (y - 1) * y * (1 - y) with z = w*x + b = -0.5
    s = y.data
    dz = (s - 1) * s * (1 - s)
    assert (w.grad, x.grad, b.grad) == pytest.approx((dz * 3.0, dz * -0.5, dz), rel=1e-15)


def test_node_used_twice_gets_both_contributions():
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0


def test_diamond_graph():
    # a feeds b and c, both feed d: dd/da sums the two paths
    a = Value(2.0)
    b, c = a * 3, a.exp()
    d = b * c
    d.backward()
    # d = 3a e^a  ->  3 e^a + 3a e^a
    assert a.grad == pytest.approx(3 * math.exp(2) + 6 * math.exp(2), rel=1e-15)


def test_shared_subexpression_and_topological_order():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    s = a + b
    out = s * s + s
    order = topological_order(out)
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for child in node.children:
            assert position[id(child)] < position[id(node)]
    assert len(order) == len({id(n) for n in order}) == 5
    assert order == topological_order(out)  # deterministic
    out.backward()
    assert a.grad == b.grad == 2 * 3.0 + 1


def test_leaf_grads_accumulate_and_intermediate_grads_do_not():
    x = Value(2.0)
    h = x * x
    y = h * 3
    y.backward()
    with pytest.warns(TeachingWarning, match="zero_grad"):
        y.backward()
    assert x.grad == 2 * 12.0  # leaves accumulate, as in PyTorch
    assert h.grad == 3.0  # this call's gradient only, not 6
    y.zero_grad()
    assert x.grad == h.grad == y.grad == 0.0
    y.backward()
    assert x.grad == 12.0


def test_backward_on_a_leaf():
    x = Value(5.0)
    x.backward()
    assert x.grad == 1.0


def test_million_node_chain_at_default_recursion_limit():
    assert sys.getrecursionlimit() <= 1000 or pytest.skip("recursion limit was raised by something else")
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + x
    y.backward()
    assert x.grad == 1_000_001.0
    assert y.data == 1_000_001.0


def test_backward_error_names_the_op():
    x = Value(0.0)
    y = x.sqrt()  # forward is fine, d/dx sqrt(x) is infinite at 0
    with pytest.raises(ZeroDivisionError, match=r"backward through sqrt\(0\.0\)"):
        y.backward()


@settings(max_examples=150, deadline=None)
@given(programs())
def test_random_dags_match_finite_differences(program):
    leaves, steps = program
    assert gradcheck(lambda *vs: run(steps, *vs), leaves, rtol=1e-5, atol=1e-7)


def test_backward_returns_none_and_takes_no_flags():
    x = Value(2.0)
    assert (x * x).backward() is None
    with pytest.raises(TypeError):
        (x * x).backward(create_graph=True)  # type: ignore[call-arg]


# -- gradients(): returned, never stored -------------------------------------


def test_gradients_returns_floats_and_leaves_grad_alone():
    a, b = Value(2.0), Value(-3.0)
    a.grad, b.grad = 7.0, 11.0  # owned by the caller
    out = a * b + a
    assert gradients(out, [a, b]) == (-2.0, 2.0)
    assert gradients(out, a) == (-2.0,)
    assert (a.grad, b.grad, out.grad) == (7.0, 11.0, 0.0)


def test_gradients_with_create_graph_returns_differentiable_values():
    x = Value(3.0)
    y = x**3
    (slope,) = gradients(y, [x], create_graph=True)
    assert isinstance(slope, Value) and slope.data == 27.0
    (curvature,) = gradients(slope, [x], create_graph=True)
    assert curvature.data == 18.0
    assert gradients(curvature, [x]) == (6.0,)
    assert x.grad == 0.0


def test_gradient_of_an_unrelated_input_is_zero():
    x, unrelated = Value(1.0), Value(5.0)
    assert gradients(x * 2, [unrelated]) == (0.0,)
    (g,) = gradients(x * 2, [unrelated], create_graph=True)
    assert isinstance(g, Value) and g.data == 0.0


def test_gradients_refuses_what_is_not_a_value():
    x = Value(1.0)
    with pytest.raises(TypeError, match="output must be a Value"):
        gradients(2.0, [x])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="input 1 must be a Value"):
        gradients(x * 2, [x, 3.0])  # type: ignore[list-item]


def test_gradient_graphs_record_no_zero_nodes():
    # d(x*y)/dx = y: with create_graph the gradient *is* y times the seed, not 0 + y * 1
    x, y = Value(2.0), Value(5.0)
    (gx, gy) = gradients(x * y, [x, y], create_graph=True)
    assert gx is y and gy is x


@settings(max_examples=100, deadline=None)
@given(programs())
def test_backward_and_both_gradient_paths_agree(program):
    leaves, steps = program
    xs = leaves_of(leaves)
    out = run(steps, *xs)
    floats = gradients(out, xs)
    values = [g.data for g in gradients(out, xs, create_graph=True)]
    out.backward()
    assert [x.grad for x in xs] == list(floats)
    assert values == pytest.approx(floats, rel=1e-12, abs=1e-15)  # same rules, sums in another order


def test_observer_sees_every_computed_node_once_with_its_local_derivatives():
    a, b = Value(2.0), Value(-3.0)
    out = (a * b).tanh() + a
    seen = []
    _, grads = chain_rule(out, observer=lambda node, upstream, local: seen.append((node, upstream, local)))
    computed = [n for n in reversed(topological_order(out)) if n.children]
    assert [node for node, _, _ in seen] == computed
    for node, upstream, local in seen:
        assert upstream == grads[node]
        assert local == local_derivatives(node)


# -- the overflow policy, backward --------------------------------------------


def test_gradient_that_overflows_names_the_op_and_the_edge():
    # the finding: d(1/x)/dx = -1/x**2 at x = 1e-200 is -1e400, which used to come back as -inf
    x = Value(1e-200, label="x")
    y = 1 / x
    with pytest.raises(OverflowError, match=r"backward through /\(1\.0, x=1e-200\).*input 1 \('x'\)"):
        y.backward()
    with pytest.raises(OverflowError, match=r"backward through /"):
        gradients(y, [x])
    assert x.grad == 0.0  # nothing was written


def test_sum_of_finite_contributions_that_overflows_is_refused():
    w = Value(1e-300, label="w")
    out = w * 1e308 + w * 1e308  # forward 2e8; each path carries 1e308 back to w, the sum is inf
    with pytest.raises(OverflowError, match="gradient of 'w' is inf"):
        out.backward()


def test_forward_overflow_is_refused_for_every_op():
    # the finding: * and + used to give inf silently while exp and ** raised
    big = Value(1e200)
    with pytest.raises(OverflowError, match=r"\*: 1e\+200 \* 1e\+200 = inf"):
        big * big
    with pytest.raises(OverflowError, match=r"\+"):
        Value(1.7e308) + Value(1.7e308)
    with pytest.raises(OverflowError, match="exp"):
        Value(710.0).exp()
    with pytest.raises(OverflowError, match="sum"):
        sum_values([1.7e308, 1.7e308])
