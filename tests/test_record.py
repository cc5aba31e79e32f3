"""backward(record=True), explain() and check_nodes(): watching backprop work."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings

from autograd import BackwardRecord, Value, apply_op, check_nodes
from autograd.ops import MUL, TANH, Op
from tests.test_backward import programs, run


def issue_example():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    L = (c + a).tanh()
    L.label = "L"
    return a, b, c, L


def test_record_lists_every_step_in_backward_order():
    a, b, _, L = issue_example()
    steps = L.backward(record=True)
    assert isinstance(steps, BackwardRecord)
    assert [s.node.op for s in steps] == ["tanh", "+", "*"]
    first = steps[0]
    assert first.upstream == 1.0
    (to_sum,) = first.contributions
    assert to_sum.local_derivative == pytest.approx(1 - L.data**2, rel=1e-15)
    assert to_sum.formula == "1 - L**2"
    mul = steps[2]
    seen = [(x.input, x.formula, x.local_derivative) for x in mul.contributions]
    assert seen == [(a, "b", -3.0), (b, "a", 2.0)]


def test_node_reached_twice_shows_both_contributions():
    a, _, _, L = issue_example()
    steps = L.backward(record=True)
    received = steps.received(a)
    assert len(received) == 2
    assert math.fsum(x.amount for x in received) == a.grad
    assert received[-1].grad_after == a.grad


def test_square_records_two_contributions():
    x = Value(3.0, label="x")
    steps = (x * x).backward(record=True)
    assert [c.amount for c in steps.received(x)] == [3.0, 3.0]
    assert x.grad == 6.0


@settings(max_examples=80, deadline=None)
@given(programs())
def test_recorded_contributions_sum_to_the_gradients(program):
    leaves, steps = program
    fast_inputs = [Value(v) for v in leaves]
    run(steps, *fast_inputs).backward()
    recorded_inputs = [Value(v) for v in leaves]
    record = run(steps, *recorded_inputs).backward(record=True)
    for fast, recorded in zip(fast_inputs, recorded_inputs):
        assert recorded.grad == fast.grad  # same algorithm, same order: bit-identical
        amounts = [c.amount for c in record.received(recorded)]
        assert math.fsum(amounts) == pytest.approx(recorded.grad, rel=1e-12, abs=1e-15)


def test_record_prints_a_readable_walkthrough():
    _, _, _, L = issue_example()
    text = str(L.backward(record=True))
    assert "t0 = a * b" in text and "local dt0/da = b = -3" in text


# -- explain -------------------------------------------------------------------


def test_explain_spells_out_both_paths():
    a, _, _, L = issue_example()
    L.backward()
    explanation = L.explain(a)
    assert len(explanation.paths) == 2
    assert explanation.total == pytest.approx(a.grad, rel=1e-15)
    text = str(explanation)
    assert "path 1: L -> t1 -> t0 -> a" in text and "dt0/da = b = -3" in text
    assert r"\frac{\partial L}{\partial a}" in explanation._repr_markdown_()


@settings(max_examples=80, deadline=None)
@given(programs())
def test_explain_path_sums_equal_the_gradient(program):
    leaves, steps = program
    inputs = [Value(v) for v in leaves]
    out = run(steps, *inputs)
    out.backward()
    for x in inputs:
        try:
            explanation = out.explain(x, max_paths=5000)
        except ValueError as err:  # x not used by this program
            assert "not part of this graph" in str(err)
            continue
        assert explanation.total == pytest.approx(x.grad, rel=1e-9, abs=1e-12)


def test_explain_refuses_path_explosions_with_a_count():
    x = Value(0.5)
    y = x
    for _ in range(12):
        y = y * y  # each level doubles the number of paths
    with pytest.raises(ValueError, match="4096 paths"):
        y.explain(x)


# -- check_nodes ---------------------------------------------------------------


def test_check_nodes_passes_a_correct_graph():
    x, w = Value(1.5, label="x"), Value(0.5, label="w")
    report = check_nodes((x * w + x).tanh())
    assert report.ok and report.culprit is None
    assert "all 5 node gradients match" in str(report)


def test_check_nodes_names_a_deliberately_wrong_rule():
    wrong_mul = Op("*", MUL.forward, lambda out, x, y: (y, x + 1), ("y", "x + 1"))
    x, w = Value(1.5, label="x"), Value(0.5, label="w")
    out = (apply_op(wrong_mul, x, w) + x).tanh()
    report = check_nodes(out)
    assert not report.ok
    assert report.culprit is not None and report.culprit.op == "*" and report.culprit.index == 1
    assert report.culprit.rule == pytest.approx(2.5) and report.culprit.numeric == pytest.approx(1.5)
    assert "culprit: op '*'" in str(report)


def test_check_nodes_finds_a_wrong_rule_deep_in_the_graph():
    wrong_tanh = Op("tanh", TANH.forward, lambda out, x: (1 - out,), ("1 - out",))
    a = Value(0.3, label="a")
    out = (apply_op(wrong_tanh, a * 2) * a).exp() + a
    report = check_nodes(out)
    assert report.culprit is not None and report.culprit.op == "tanh"


def test_apply_op_validates():
    with pytest.raises(TypeError, match="Op"):
        apply_op("tanh", Value(1.0))
    with pytest.raises(TypeError, match="str"):
        apply_op(TANH, "x")
