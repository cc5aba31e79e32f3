"""Modes: no_grad, enable_grad and detect_anomaly; per thread, as context managers and decorators."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from autograd import Value, detect_anomaly, enable_grad, gradients, is_grad_enabled, no_grad


def test_no_grad_records_nothing():
    x = Value(2.0)
    with no_grad():
        y = x * 3 + 1
        assert y.is_leaf and y.op == ""
        assert not is_grad_enabled()
    z = x * 3
    assert z.children[0] is x  # recording is back on after the block


def test_no_grad_restores_mode_after_an_error():
    x = Value(2.0)
    with pytest.raises(ZeroDivisionError), no_grad():
        x / 0
    assert not (x * 2).is_leaf


def test_enable_grad_inside_no_grad_and_nesting():
    x = Value(2.0)
    with no_grad():
        with enable_grad():
            assert not (x * 2).is_leaf
            with no_grad():
                assert (x * 2).is_leaf
            assert not (x * 2).is_leaf
        assert (x * 2).is_leaf
    assert is_grad_enabled()


def test_modes_work_as_decorators_and_keep_the_function_name():
    @no_grad()
    def evaluate(v: Value) -> Value:
        """Doc."""
        return v * 2

    x = Value(1.0)
    assert evaluate(x).is_leaf
    assert evaluate.__name__ == "evaluate" and evaluate.__doc__ == "Doc."
    assert not (x * 2).is_leaf

    @no_grad()
    def fails() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fails()
    assert is_grad_enabled()


def run_in_threads(*jobs: Callable[[], None]) -> None:
    """Run jobs in parallel threads and re-raise the first failure in the caller."""
    errors: list[BaseException] = []

    def guarded(job: Callable[[], None]) -> None:
        try:
            job()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    if errors:
        raise errors[0]


def test_no_grad_in_one_thread_does_not_stop_recording_in_another():
    # the finding: one process-wide flag made another thread's backward silently give 0
    inside, check_done = threading.Event(), threading.Event()

    def evaluator() -> None:
        with no_grad():
            inside.set()
            assert check_done.wait(10)

    def trainer() -> None:
        assert inside.wait(10)
        try:
            w = Value(3.0)
            loss = w * w
            loss.backward()
            assert w.grad == 6.0
        finally:
            check_done.set()

    run_in_threads(evaluator, trainer)


def test_overlapping_no_grad_blocks_in_two_threads_leave_recording_on():
    # the finding: A enters, B enters, A leaves, B leaves restored "off" for good
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def a() -> None:
        with no_grad():
            a_in.set()
            assert b_in.wait(10)
        a_out.set()

    def b() -> None:
        assert a_in.wait(10)
        with no_grad():
            b_in.set()
            assert a_out.wait(10)

    run_in_threads(a, b)
    assert is_grad_enabled()
    assert not (Value(1.0) * 2).is_leaf


def test_one_decorated_function_runs_in_many_threads():
    @no_grad()
    def step(v: Value, results: list[bool]) -> None:
        for _ in range(200):
            results.append((v * 2).is_leaf)

    outcomes: list[list[bool]] = [[] for _ in range(4)]
    run_in_threads(*[lambda r=r: step(Value(1.0), r) for r in outcomes])
    assert all(all(r) and len(r) == 200 for r in outcomes)
    assert is_grad_enabled()


def test_detect_anomaly_names_the_line_that_created_the_failing_op():
    with detect_anomaly():
        x = Value(0.0, label="x")
        y = x.sqrt()  # the op that will fail in backward
        where = r"sqrt\(x=0\.0\).*created at .*test_modes\.py:\d+: y = x\.sqrt\(\)"
        with pytest.raises(ZeroDivisionError, match=where):
            y.backward()


def test_detect_anomaly_is_per_thread_and_off_after_the_block():
    seen: list[str | None] = []

    def other_thread() -> None:
        from autograd.modes import creation_site

        v = Value(1.0) * 2
        seen.append(creation_site(v))

    with detect_anomaly():
        run_in_threads(other_thread)
    assert seen == [None]
    x = Value(0.0)
    y = x.sqrt()
    with pytest.raises(ZeroDivisionError) as error:
        y.backward()
    assert "created at" not in str(error.value)


def test_detect_anomaly_restores_after_an_error_and_nests():
    from autograd.modes import current_mode

    before = current_mode()
    with pytest.raises(ValueError), detect_anomaly(), detect_anomaly():
        Value(-1.0).log()
    assert current_mode() is before


def test_transformations_record_inside_no_grad():
    from autograd import grad

    with no_grad():
        assert grad(lambda x: x * x)(3.0) == (6.0,)
        x = Value(2.0)
        square = x * x  # not recorded under no_grad: differentiating it is refused, never a silent 0
    with pytest.raises(RuntimeError, match=r"computed under no_grad\(\)"):
        gradients(square, [x])
    with pytest.raises(RuntimeError, match=r"computed under no_grad\(\)"):
        square.backward()
