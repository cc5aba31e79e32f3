"""Graphs that cannot give true gradients are refused, as PyTorch refuses them.

* A graph whose Values had ``.data`` changed after they were used holds the old numbers:
  its gradients would be those of the old point. The classic case is a loss computed once,
  outside the training loop: after the first ``optimizer.step()`` every later
  ``backward()`` silently repeated the first step's gradients.
* A result computed under ``no_grad()`` remembers no graph: backward from it gave 0.
"""

from __future__ import annotations

import pytest

from autograd import StaleGraphError, Value, explain, gradients, no_grad, record_backward
from nn import MLP, SGD, mse_loss


def test_the_loss_computed_outside_the_training_loop_is_refused_after_a_step():
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    optimizer = SGD(model.parameters(), lr=0.1)
    X, Y = [[0.5, -1.0], [1.0, 2.0]], [1.0, -1.0]
    loss = mse_loss([model(x) for x in X], Y)  # the bug: once, before the loop
    loss.backward()
    optimizer.step()
    with pytest.raises(StaleGraphError, match=r"Compute the forward pass again"):
        loss.backward()


def test_the_message_names_the_changed_value_and_its_user():
    w, x = Value(2.0, label="w"), Value(3.0, label="x")
    loss = (w * x - 1) ** 2
    w.data = 1.5
    with pytest.raises(StaleGraphError, match=r"'w' \(now 1\.5\) was changed after the \* node"):
        loss.backward()


def test_the_message_names_the_user_whatever_the_numbers():
    """(The changed input is named as an input, also when its new number is the larger.)"""
    w, x = Value(2.0, label="w"), Value(0.5, label="x")
    product = w * x  # 1.0
    w.data = 3.0
    with pytest.raises(StaleGraphError, match=r"'w' \(now 3\.0\) was changed after the \* node"):
        (product + 1).backward()


def test_every_way_of_walking_a_stale_graph_is_refused():
    w, x = Value(2.0, label="w"), Value(3.0, label="x")
    y = (w * x).tanh()
    x.data = 0.0
    for walk in (y.backward, lambda: gradients(y, [w]), lambda: gradients(y, [w], create_graph=True),
                 lambda: record_backward(y), lambda: explain(y, w)):
        with pytest.raises(StaleGraphError):
            walk()


def test_a_computed_value_changed_by_hand_is_refused_too():
    x = Value(0.5)
    hidden = x.tanh()
    out = hidden * 2
    hidden.data = 0.9  # tanh's derivative reads its output: 1 - 0.81 would be wrong
    with pytest.raises(StaleGraphError, match="was changed after it was computed"):
        out.backward()


def test_changing_data_before_computing_and_recomputing_after_are_fine():
    w = Value(2.0)
    w.data = 3.0  # before any use
    for _ in range(3):
        loss = (w - 1) ** 2  # computed inside the loop: always fresh
        w.grad = 0.0
        loss.backward()
        assert w.grad == 2 * (w.data - 1)
        w.data -= 0.25 * w.grad
    assert w.data == pytest.approx(1.0 + 2.0 * 0.5**3)


def test_a_graph_unrelated_to_the_change_still_works():
    a, b = Value(1.0), Value(2.0)
    y = a * 3
    b.data = 5.0  # b is not in y's graph
    y.backward()
    assert a.grad == 3.0


def test_differentiating_a_result_computed_under_no_grad_is_refused():
    x = Value(2.0)
    with no_grad():
        y = x * x
    with pytest.raises(RuntimeError, match=r"computed under no_grad\(\)"):
        y.backward()
    with pytest.raises(RuntimeError, match=r"computed under no_grad\(\)"):
        gradients(y, [x])


def test_a_leaf_made_under_no_grad_and_a_result_used_later_are_fine():
    with no_grad():
        w = Value(3.0)  # a leaf you make is a variable, wherever you make it
        scale = w * 2  # a number computed without a graph, used as a constant later
    out = w * scale
    out.backward()
    assert (w.grad, scale.grad) == (6.0, 3.0)
