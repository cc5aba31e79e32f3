"""Check autograd gradients against finite differences.

The central difference ``(f(x + eps) - f(x - eps)) / (2 eps)`` approximates
``f'(x)`` with two kinds of error: truncation, about ``eps**2 * |f'''| / 6``, and
rounding, about ``ulp(f) / eps`` (float64 has ~16 significant digits). With the
default ``eps = 1e-6`` both are near 1e-10 relative to typical magnitudes, so a
tolerance of ``rtol = 1e-5`` passes every correct rule with a wide margin while
a wrong rule (a missing factor, a flipped sign) fails by orders of magnitude.
Finite differences straddle kinks, so check relu and abs away from 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd.engine import gradients
from autograd.value import Value


class GradientCheckError(AssertionError):
    """Raised by [`gradcheck`][autograd.gradcheck.gradcheck] when an autograd gradient disagrees
    with the numeric one."""


def central_difference(f: Callable[[float], float], x: float, eps: float = 1e-6) -> float:
    """``(f(x + eps) - f(x - eps)) / (2 eps)``: the slope of f at x, from two evaluations.

    The one finite-difference routine of the library: gradient checks, node
    checks and the tests all call it.
    """
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def numerical_gradient(f: Callable[..., Any], point: Sequence[float], index: int, eps: float = 1e-6) -> float:
    """Central-difference estimate of d f / d x_index at ``point`` (f takes and returns Values)."""

    def f_along(x: float) -> float:
        args = [Value(x if i == index else p) for i, p in enumerate(point)]
        # recorded as usual (not under no_grad): f may differentiate inside itself,
        # e.g. gradcheck(grad(g), ...) checks a second derivative
        return _output_data(f(*args))

    return central_difference(f_along, point[index], eps)


def gradcheck(
    f: Callable[..., Any],
    inputs: Sequence[Any],
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-8,
) -> bool:
    """Compare autograd's gradient of scalar ``f`` with central differences.

    Args:
        f: a function of ``len(inputs)`` Values returning one Value.
        inputs: the point to check at: numbers or Values (their ``.data`` and
            ``.label`` are used; the Values themselves are not modified).
        eps: finite-difference step.
        rtol: relative tolerance: passes when ``|autograd - numeric| <= atol + rtol * |numeric|``.
        atol: absolute tolerance, for gradients near 0.

    Returns:
        True when every partial derivative agrees.

    Raises:
        GradientCheckError: naming the first input whose gradient disagrees,
            with both numbers and their relative error.
    """
    if not inputs:
        raise ValueError("gradcheck needs at least one input")
    point = [x.data if isinstance(x, Value) else float(Value(x).data) for x in inputs]
    names = [
        x.label if isinstance(x, Value) and x.label else f"input {i}" for i, x in enumerate(inputs)
    ]
    variables = [Value(x, label=name) for x, name in zip(point, names)]
    out = f(*variables)
    _output_data(out)
    for i, analytic in enumerate(gradients(out, variables)):
        numeric = numerical_gradient(f, point, i, eps)
        if abs(analytic - numeric) > atol + rtol * abs(numeric):
            relative = abs(analytic - numeric) / max(abs(numeric), abs(analytic), 1e-300)
            raise GradientCheckError(
                f"gradient mismatch for {names[i]} (at {point[i]!r}): autograd {analytic!r}, "
                f"finite difference {numeric!r}, relative error {relative:.3g} "
                f"(rtol={rtol}, atol={atol}, eps={eps})"
            )
    return True


def _output_data(out: Any) -> float:
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}: {out!r}")
    return out.data
