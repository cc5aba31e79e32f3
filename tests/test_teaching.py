"""TeachingWarning fires exactly in its cases, and can be silenced."""

from __future__ import annotations

import warnings

import pytest

from autograd import TeachingWarning, Value


def test_backward_twice_without_zeroing_warns():
    x = Value(2.0)
    y = x * x
    y.backward()
    with pytest.warns(TeachingWarning, match="still hold gradients"):
        y.backward()


def test_no_warning_after_zero_grad_or_on_a_fresh_graph():
    x = Value(2.0)
    y = x * x
    y.backward()
    y.zero_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("error", TeachingWarning)
        y.backward()  # zeroed in between: fine
        x.grad = 0.0
        (x * 3).backward()  # a new output each step (the training-loop pattern): fine
        (x * 3).backward()  # accumulating two *different* losses is legitimate


def test_warnings_can_be_silenced():
    x = Value(2.0)
    y = x * x
    y.backward()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore", TeachingWarning)
        y.backward()
    assert caught == []
