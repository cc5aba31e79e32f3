"""Helpers shared by the nn tests."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from typing import Any

from autograd import GradientCheckError, Value, central_difference, no_grad

# The same step and tolerances as autograd.gradcheck, for the same reasons (see its
# module doc): with eps = 1e-6 the central difference is accurate to ~1e-10 relative,
# so rtol = 1e-5 passes every correct gradient and catches any real mistake.
EPS, RTOL, ATOL = 1e-6, 1e-5, 1e-8


def check_parameter_gradients(
    module: Any, loss_of: Callable[[Any], Value], eps: float = EPS, rtol: float = RTOL, atol: float = ATOL
) -> None:
    """Compare ``d loss / d p`` from backward with a central difference, for every parameter p.

    ``loss_of(module)`` must build the loss from scratch on each call. Raises
    GradientCheckError naming the first parameter that disagrees.
    """
    module.zero_grad()
    loss_of(module).backward()
    for name, parameter in module.named_parameters():
        analytic, original = parameter.grad, parameter.data

        def loss_at(x: float, parameter: Value = parameter) -> float:
            parameter.data = x
            with no_grad():
                return loss_of(module).data

        numeric = central_difference(loss_at, original, eps)
        parameter.data = original
        if abs(analytic - numeric) > atol + rtol * abs(numeric):
            raise GradientCheckError(f"{name}: autograd {analytic!r}, finite difference {numeric!r}")


def graph_nodes(output: Value) -> Iterator[Value]:
    """Every node that ``output`` was computed from, itself included (each once)."""
    seen: set[int] = set()
    stack = [output]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            yield node
            stack.extend(node.children)


def backward_and_check_finite(output: Value) -> None:
    """Run backward from ``output``; fail unless every node's number and gradient is finite.

    A finite output is not enough: the engine refuses any op that turns finite inputs
    into inf, so no intermediate node may hold one either, nor any gradient.
    """
    output.backward()
    for node in graph_nodes(output):
        assert math.isfinite(node.data), f"node {node!r} (op {node.op!r}) holds {node.data!r}"
        assert math.isfinite(node.grad), f"node {node!r} (op {node.op!r}) has gradient {node.grad!r}"


def run_with_time_limit(seconds: float, action: Callable[[], Any]) -> Any:
    """``action()``'s result or exception; fail if it takes longer (e.g. blocks on a pipe).

    The action runs in a daemon thread so that a test which would block forever fails
    instead of hanging the test run.
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = action()
        except BaseException as error:  # handed to the caller below
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s (blocked?)"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
