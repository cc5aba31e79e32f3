"""record_backward: every step of backward written down, and otherwise exactly backward."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import BackwardRecord, TeachingWarning, Value, detect_anomaly, gradients, record_backward
from autograd.engine import local_derivatives, topological_order
from tests.helpers import every_kind_of_node, issue_example
from tests.strategies import leaves_of, programs, run


def test_record_lists_every_step_in_backward_order():
    a, b, _, L = issue_example(output_label="L")
    steps = record_backward(L)
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


def test_a_record_is_a_read_only_sequence_of_steps():
    *_, L = issue_example(output_label="L")
    record = record_backward(L)
    assert len(record) == 3 and list(record) == record.steps
    assert record[1:] == record.steps[1:] and record[-1] is record.steps[2]
    assert record.order == topological_order(L)
    assert repr(record) == "<BackwardRecord: 3 steps from L>"


def test_node_reached_twice_shows_both_contributions():
    a, *_, L = issue_example()
    steps = record_backward(L)
    received = steps.received(a)
    assert len(received) == 2
    assert math.fsum(x.amount for x in received) == a.grad
    assert received[-1].grad_after == a.grad


def test_square_records_two_contributions():
    x = Value(3.0, label="x")
    steps = record_backward(x * x)
    assert [c.amount for c in steps.received(x)] == [3.0, 3.0]
    assert [c.grad_after for c in steps.received(x)] == [3.0, 6.0]
    assert x.grad == 6.0


def test_record_of_a_leaf_has_no_steps():
    x = Value(2.0, label="x")
    record = record_backward(x)
    assert len(record) == 0 and x.grad == 1.0  # as x.backward() does


@settings(max_examples=80, deadline=None)
@given(programs())
def test_recorded_contributions_sum_to_the_gradients(program):
    leaves, steps = program
    fast_inputs = leaves_of(leaves)
    run(steps, *fast_inputs).backward()
    recorded_inputs = leaves_of(leaves)
    record = record_backward(run(steps, *recorded_inputs))
    for fast, recorded in zip(fast_inputs, recorded_inputs):
        assert recorded.grad == fast.grad  # the same walk: bit-identical
        amounts = [c.amount for c in record.received(recorded)]
        assert math.fsum(amounts) == pytest.approx(recorded.grad, rel=1e-12, abs=1e-15)


def test_record_prints_a_readable_walkthrough():
    *_, L = issue_example(output_label="L")
    text = str(record_backward(L))
    assert text.startswith("backward from L = -0.9993: 3 steps")
    assert "3. t0 = a * b: upstream dL/dt0 = 0.001341" in text
    assert "local dt0/da = b = -3" in text and "(grad now -0.002682)" in text


def test_record_backward_needs_a_value():
    with pytest.raises(TypeError, match="record_backward needs a Value, got float"):
        record_backward(1.0)


# -- errors and warnings: exactly those of backward ------------------------------


def test_a_failing_derivative_is_named_as_backward_names_it():
    messages = []
    for run_backward in (lambda y: y.backward(), record_backward):
        x = Value(0.0, label="x")
        y = x.sqrt()  # forward is fine, d/dx sqrt(x) is infinite at 0
        with pytest.raises(ZeroDivisionError, match=r"backward through sqrt\(x=0\.0\)") as caught:
            run_backward(y)
        messages.append(str(caught.value))
        assert x.grad == 0.0 and y.grad == 0.0  # nothing is written when backward fails
    assert messages[0] == messages[1]


def test_an_overflowing_gradient_is_refused_as_backward_refuses_it():
    messages = []
    for run_backward in (lambda y: y.backward(), record_backward):
        x = Value(1e-320, label="x")  # log(x) is fine, but d/dx log(x) = 1/x overflows
        loss = x.log() * 2
        with pytest.raises(OverflowError, match=r"log\(x=1e-320\).*overflows") as caught:
            run_backward(loss)
        messages.append(str(caught.value))
        assert all(node.grad == 0.0 for node in topological_order(loss))
    assert messages[0] == messages[1]


def test_detect_anomaly_says_where_the_failing_op_was_created():
    with detect_anomaly():
        x = Value(0.0, label="x")
        y = x.sqrt()
        where = r"created at .*test_record\.py:\d+: y = x\.sqrt\(\)"
        with pytest.raises(ZeroDivisionError, match=rf"backward through sqrt\(x=0\.0\).*{where}"):
            record_backward(y)


def test_recording_again_without_zeroing_warns_at_the_callers_line():
    x = Value(2.0, label="x")
    y = x * x
    y.backward()
    with pytest.warns(TeachingWarning, match="still hold gradients") as caught:
        record_backward(y)
    assert caught[0].filename == __file__


# -- .grad: exactly as after backward() --------------------------------------------


def test_a_leaf_that_already_held_a_gradient_ends_as_after_backward():
    # x holds 0.1 and receives 0.3 and 0.2: backward adds their sum, 0.1 + (0.3 + 0.2) = 0.6,
    # while adding them one by one gives (0.1 + 0.3) + 0.2 = 0.6000000000000001
    results = []
    for run_backward in (lambda out: out.backward(), record_backward):
        x, a, b = Value(1.0, label="x"), Value(0.2, label="a"), Value(0.3, label="b")
        x.grad = 0.1
        run_backward(x * a + x * b)
        results.append(x.grad)
    assert results == [0.6, 0.6]


@settings(max_examples=80, deadline=None)
@given(programs(), st.lists(st.floats(-2, 2), min_size=4, max_size=4))
def test_record_backward_leaves_every_grad_as_backward_does(program, held):
    leaves, steps = program
    grads_after = []
    for run_backward in (lambda out: out.backward(), record_backward):
        inputs = leaves_of(leaves)
        for leaf, already in zip(inputs, held):
            leaf.grad = already  # leaves that already hold a gradient (accumulation)
        out = run(steps, *inputs)
        run_backward(out)
        grads_after.append([node.grad for node in topological_order(out)])
    assert grads_after[0] == grads_after[1]  # bit for bit, node by node


@settings(max_examples=50, deadline=None)
@given(programs(), st.lists(st.floats(-2, 2), min_size=4, max_size=4))
def test_the_last_contribution_shows_the_final_grad(program, held):
    leaves, steps = program
    inputs = leaves_of(leaves)
    for leaf, already in zip(inputs, held):
        leaf.grad = already
    record = record_backward(run(steps, *inputs))
    for node in record.order:
        received = record.received(node)
        if received:
            assert received[-1].grad_after == node.grad


# -- the recorded numbers are the engine's ------------------------------------------


def assert_steps_agree_with_the_engine(root: Value) -> None:
    """Each step's upstream is autograd.gradients' number; each local derivative is the engine's."""
    order = topological_order(root)
    expected = dict(zip(order, gradients(root, order)))
    record = record_backward(root)
    assert [step.node for step in record] == [n for n in reversed(order) if n.children]
    for step in record:
        assert step.upstream == expected[step.node]
        local = local_derivatives(step.node)
        assert [c.local_derivative for c in step.contributions] == list(local)
        assert [c.input for c in step.contributions] == list(step.node.children)
        assert [c.amount for c in step.contributions] == [d * step.upstream for d in local]


@settings(max_examples=60, deadline=None)
@given(programs())
def test_recorded_steps_agree_with_the_engine_on_random_graphs(program):
    leaves, steps = program
    assert_steps_agree_with_the_engine(run(steps, *leaves_of(leaves)))


def test_recorded_steps_agree_with_the_engine_on_every_kind_of_node():
    assert_steps_agree_with_the_engine(every_kind_of_node())
