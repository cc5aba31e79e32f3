"""Helpers shared by the nn tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd import GradientCheckError, Value, no_grad

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
        with no_grad():
            parameter.data = original + eps
            above = loss_of(module).data
            parameter.data = original - eps
            below = loss_of(module).data
        parameter.data = original
        numeric = (above - below) / (2 * eps)
        if abs(analytic - numeric) > atol + rtol * abs(numeric):
            raise GradientCheckError(f"{name}: autograd {analytic!r}, finite difference {numeric!r}")
