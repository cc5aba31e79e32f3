"""Softmax and its relatives, written with Value ops so that autograd differentiates them.

They stay finite, values and gradients, for *every* finite input: logits up to the
largest float (~1.8e308) and inverse temperatures beta just as large. Two float limits
are in the way, and each has its trick.

**e^x overflows for x > ~709.8.** For any number m,

    e^{beta z_i} / sum_j e^{beta z_j}  =  e^{beta (z_i - m)} / sum_j e^{beta (z_j - m)}.

Choosing m = max_j z_j (min_j z_j when beta < 0) makes every exponent <= 0 and the
largest exactly 0, so nothing overflows and the sum is at least 1 (it cannot underflow
to 0 either). m enters as a plain number, a constant: the result does not depend on m,
so the gradients are the same as without it.

**The exponent beta (z_i - m) itself can be beyond the float range**: with beta = 1e308
and logits 1 and 2, or with logits -1e308 and 1e308, whose difference is -2e308. Such
a term is e^{-1.8e308} or less, and e^x is exactly 0 in floating point below about -745,
so it does not change the sum. Its exponent is clamped to the most negative float,
-1.8e308 (and ``log_softmax`` reports that number, the nearest float to the true one).
A clamp is flat, so its derivative is 0; the term's true derivative, beta times a number
below e^{-1.8e308}, is 0 in floating point as well. The test that decides whether to
clamp never multiplies two large numbers (see ``_product_exceeds``), and when z_i - m
alone overflows but beta is small enough for the product to fit, it is computed as
beta z_i - beta m. So no intermediate Value is ever infinite.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from autograd import Value, sum_values
from nn._checks import as_value, finite_number, sequence

_FLOAT_MAX = sys.float_info.max  # ~1.8e308

# Exponents further below 0 than this are clamped. A hair (2^-40, ~1e-12 relative) less
# than the largest float, so that the rounding of the test in _shifted_exponent can never
# let through a product that overflows when it is then computed.
_EXPONENT_LIMIT = _FLOAT_MAX * (1 - 2.0**-40)


def softmax(values: Sequence[Value | float], beta: Value | float = 1.0) -> list[Value]:
    """``o_i = e^{beta z_i} / sum_j e^{beta z_j}``: scores -> probabilities that sum to 1.

    ``beta`` is the inverse temperature: a larger beta sharpens the distribution toward
    the largest score (beta -> infinity gives argmax), beta = 0 makes it uniform.
    Finite for any finite scores and beta (see the module doc).

    ``d o_i / d z_j = beta o_i ([i == j] - o_j)``.
    """
    exps = [s.exp() for s in _shifted_exponents(_values(values, "softmax"), _beta(beta, "softmax"))]
    total = sum_values(exps)
    return [e / total for e in exps]


def logsumexp(values: Sequence[Value | float]) -> Value:
    """``log(sum_j e^{z_j})``, computed as ``m + log(sum_j e^{z_j - m})`` with m = max z.

    A smooth maximum: ``max z <= logsumexp(z) <= max z + log(n)``.
    ``d/dz_i logsumexp(z) = softmax(z)_i``.
    """
    zs = _values(values, "logsumexp")
    shift = max(z.data for z in zs)
    return _log_sum_exp_of_shifted(_shifted_exponents(zs, 1.0)) + shift


def log_softmax(values: Sequence[Value | float], beta: Value | float = 1.0) -> list[Value]:
    """``log o_i = beta (z_i - m) - log(sum_j e^{beta (z_j - m)})``, accurate where ``o_i`` underflows to 0.

    Where the true number is below the most negative float it is clamped to -1.8e308.
    ``d log o_i / d z_j = beta ([i == j] - o_j)``.
    """
    exponents = _shifted_exponents(_values(values, "log_softmax"), _beta(beta, "log_softmax"))
    normalizer = _log_sum_exp_of_shifted(exponents)
    return [s - normalizer for s in exponents]


def softplus(x: Value) -> Value:
    """``log(1 + e^x)``, a smooth relu, without overflow.  ``d/dx softplus(x) = sigmoid(x)``.

    For x >= 0 it is evaluated as ``x + log(1 + e^-x)`` (the same number, since
    ``1 + e^x = e^x (1 + e^-x)``), so the exponent is never positive. Both forms are
    exact formulas for the same smooth function, so the gradient is right at x = 0 too.
    """
    if x >= 0:  # a comparison of Values, which the compiler re-checks at every call
        return x + (1 + (-x).exp()).log()
    return (1 + x.exp()).log()


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------


def _values(values: Sequence[Value | float], where: str) -> list[Value]:
    """The inputs as Values (numbers are wrapped), refusing an empty list or a non-finite number."""
    items = sequence(values, f"{where} values")
    if not items:
        raise ValueError(f"{where} needs at least one value")
    return [as_value(z, f"{where} values[{i}]") for i, z in enumerate(items)]


def _beta(beta: Value | float, where: str) -> Value | float:
    return beta if isinstance(beta, Value) else finite_number(beta, f"{where} beta")


def _shifted_exponents(zs: list[Value], beta: Value | float) -> list[Value]:
    """``beta (z_i - m)`` for each i, with m the z that makes ``beta z`` largest.

    Every result is <= 0 and the largest is exactly 0; results beyond the float range
    are clamped to the most negative float (see the module doc).
    """
    b = beta.data if isinstance(beta, Value) else beta
    shift = max(z.data for z in zs) if b >= 0 else min(z.data for z in zs)
    return [_shifted_exponent(z, shift, beta) for z in zs]


def _shifted_exponent(z: Value, shift: float, beta: Value | float) -> Value:
    size_of_beta = abs(beta.data if isinstance(beta, Value) else beta)
    half_gap = abs(z.data * 0.5 - shift * 0.5)  # |z - shift| / 2: the halves cannot overflow
    if _product_exceeds(size_of_beta, half_gap, _EXPONENT_LIMIT / 2):
        # e^this is 0, and a clamped number has slope 0, so z needs no link to it
        return Value(-_FLOAT_MAX, label="clamped exponent")
    if half_gap <= _FLOAT_MAX / 2:  # so z - shift fits in a float
        gap = z - shift
        return gap if _is_one(beta) else gap * beta
    # z - shift overflows (z and shift are huge and of opposite signs). The clamp test
    # passed, so |beta| < 1: beta z and beta shift both fit, and so does their difference.
    return z * beta - shift * beta


def _product_exceeds(a: float, b: float, limit: float) -> bool:
    """``a * b > limit`` for a, b >= 0, without computing a product that could overflow."""
    return a * b > limit if a <= 1 else b > limit / a


def _is_one(beta: Value | float) -> bool:
    # beta = 1 (the default) is left out of the graph: softmax(z) then draws as e^{z_i - m} / sum
    return not isinstance(beta, Value) and beta == 1.0


def _log_sum_exp_of_shifted(exponents: list[Value]) -> Value:
    """``log(sum_i e^{s_i})`` for exponents whose largest is 0: the sum is in [1, n]."""
    return sum_values([s.exp() for s in exponents]).log()
