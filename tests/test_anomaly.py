"""detect_anomaly pinpoints the first op that makes a NaN or an infinity."""

from __future__ import annotations

import pytest

from autograd import AnomalyError, Value, detect_anomaly
from autograd import value as value_module


def test_forward_overflow_names_the_op_and_labelled_inputs():
    big = Value(1e200, label="big")
    with pytest.raises(AnomalyError, match=r"forward: \* produced inf from inputs .*big=1e\+200"), \
            detect_anomaly():
        (big * 3) * big


def test_without_anomaly_mode_the_infinity_passes_silently():
    big = Value(1e200)
    assert (big * big).data == float("inf")


def test_backward_infinity_from_log_near_zero():
    # log(1e-320) is a fine -736.8, but its derivative 1/x overflows to inf
    x = Value(1e-320, label="x")
    w = Value(2.0, label="w")
    loss = (x.log() * w).tanh()
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        loss.backward()
    message = str(info.value)
    assert "backward: log" in message and "x=1e-320" in message and "1/x" in message


def test_backward_check_passes_a_healthy_graph():
    a = Value(0.5, label="a")
    with detect_anomaly():
        out = (a * a).tanh()
        out.backward()
    assert a.grad == pytest.approx(2 * 0.5 * (1 - out.data**2), rel=1e-15)


def test_mode_is_off_again_after_the_block_even_after_an_error():
    original = value_module._new_node
    with pytest.raises(AnomalyError), detect_anomaly():
        Value(1e300) * Value(1e300)
    assert value_module._new_node is original
    big = Value(1e300)
    assert (big * big).data == float("inf")  # no longer checked


def test_nested_blocks_restore_the_outer_mode():
    with detect_anomaly():
        with detect_anomaly():
            pass
        with pytest.raises(AnomalyError):
            Value(1e300) * Value(1e300)
