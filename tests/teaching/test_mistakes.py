"""TeachingWarning fires exactly in its cases, points at the learner's line, and can be silenced."""

from __future__ import annotations

import warnings

import pytest

from autograd import TeachingWarning, Value, draw_graph, gradients
from autograd.engine import backward_hooks
from autograd.teaching.mistakes import LEGIBLE_NODES, warn_if_backward_again
from tests.helpers import chain, issue_example


def test_backward_twice_without_zeroing_warns_at_the_callers_line():
    x = Value(2.0)
    y = x * x
    y.backward()
    with pytest.warns(TeachingWarning, match="still hold gradients") as caught:
        y.backward()
    assert caught[0].filename == __file__
    assert x.grad == 8.0  # a warning, not an error: the gradients are added up


def test_the_warning_is_an_engine_hook():
    assert warn_if_backward_again in backward_hooks


def test_no_warning_after_zero_grad_or_on_a_fresh_graph():
    x = Value(2.0)
    y = x * x
    y.backward()
    y.zero_grad()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y.backward()  # zeroed in between: fine
        assert x.grad == 4.0
        x.grad = 0.0
        (x * 3).backward()  # a new output each step (the training-loop pattern): fine
        (x * 3).backward()  # accumulating two *different* losses is legitimate
        assert x.grad == 6.0
        gradients(y, [x])  # leaves .grad alone, so there is nothing to warn about
    assert [str(w.message) for w in caught] == []


def test_warnings_can_be_silenced():
    x = Value(2.0)
    y = x * x
    y.backward()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore", TeachingWarning)
        y.backward()
    assert caught == []


# -- warnings about drawings -----------------------------------------------------------


def test_drawing_before_backward_warns_and_after_does_not():
    *_, L = issue_example()
    with pytest.warns(TeachingWarning, match="call backward") as caught:
        draw_graph(L)
    assert caught[0].filename == __file__
    L.backward()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw_graph(L)
        draw_graph(Value(1.0) * 2, show_grad=False)  # no grads shown: nothing to warn about
        draw_graph(Value(1.0))  # a lone leaf: there is no backward to forget
    assert [str(w.message) for w in caught] == []


def test_big_graph_warns_that_it_is_hard_to_read():
    y = chain(LEGIBLE_NODES)  # about 1.5 values per link
    y.backward()
    with pytest.warns(TeachingWarning, match=r"nodes; drawings of more than 150 are hard to read"):
        draw_graph(y)
