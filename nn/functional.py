"""Softmax and its relatives, written with Value ops so that autograd differentiates them.

The overflow trick used throughout: e^{z_i} overflows a float for z_i > ~709, but
for any number m,

    e^{z_i} / sum_j e^{z_j}  =  e^{z_i - m} / sum_j e^{z_j - m}.

Choosing m = max_j z_j makes every exponent <= 0, so nothing overflows and the largest
term is exactly 1 (the sum cannot underflow to 0). m enters as a plain number (a
constant): the result does not depend on m, so the gradients are the same as without it.
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value, sum_values
from nn._checks import as_value, finite_number, sequence


def softmax(values: Sequence[Value | float], beta: Value | float = 1.0) -> list[Value]:
    """``o_i = e^{beta z_i} / sum_j e^{beta z_j}``: scores -> probabilities that sum to 1.

    ``beta`` is the inverse temperature: a larger beta sharpens the distribution toward
    the largest score (beta -> infinity gives argmax), beta = 0 makes it uniform.
    Overflow-safe for any scores (see the module doc).

    ``d o_i / d z_j = beta o_i ([i == j] - o_j)``.
    """
    scaled = _scaled(values, beta, "softmax")
    shift = max(s.data for s in scaled)
    exps = [(s - shift).exp() for s in scaled]
    total = sum_values(exps)
    return [e / total for e in exps]


def logsumexp(values: Sequence[Value | float]) -> Value:
    """``log(sum_j e^{z_j})``, computed as ``m + log(sum_j e^{z_j - m})`` with m = max z.

    A smooth maximum: ``max z <= logsumexp(z) <= max z + log(n)``.
    ``d/dz_i logsumexp(z) = softmax(z)_i``.
    """
    zs = _scaled(values, 1.0, "logsumexp")
    shift = max(z.data for z in zs)
    return sum_values([(z - shift).exp() for z in zs]).log() + shift


def log_softmax(values: Sequence[Value | float], beta: Value | float = 1.0) -> list[Value]:
    """``log o_i = beta z_i - logsumexp(beta z)``, accurate even where ``o_i`` underflows to 0.

    ``d log o_i / d z_j = beta ([i == j] - o_j)``.
    """
    scaled = _scaled(values, beta, "log_softmax")
    normalizer = logsumexp(scaled)
    return [s - normalizer for s in scaled]


def softplus(x: Value) -> Value:
    """``log(1 + e^x)``, a smooth relu, without overflow.  ``d/dx softplus(x) = sigmoid(x)``.

    For x >= 0 it is evaluated as ``x + log(1 + e^-x)`` (the same number, since
    ``1 + e^x = e^x (1 + e^-x)``), so the exponent is never positive. Both forms are
    exact formulas for the same smooth function, so the gradient is right at x = 0 too.
    """
    if x.data >= 0:
        return x + (1 + (-x).exp()).log()
    return (1 + x.exp()).log()


def _scaled(values: Sequence[Value | float], beta: Value | float, where: str) -> list[Value]:
    """The inputs as Values, each multiplied by ``beta`` (skipped when beta is the number 1)."""
    items = sequence(values, f"{where} values")
    if not items:
        raise ValueError(f"{where} needs at least one value")
    zs = [as_value(z, f"{where} values[{i}]") for i, z in enumerate(items)]
    if isinstance(beta, Value):
        return [z * beta for z in zs]
    beta = finite_number(beta, f"{where} beta")
    return zs if beta == 1.0 else [z * beta for z in zs]
