"""softmax, log_softmax, logsumexp and softplus: values, overflow safety, gradients."""

from __future__ import annotations

import math
import sys

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import Value, gradcheck, sum_values
from nn import log_softmax, logsumexp, softmax, softplus
from tests.nn_helpers import backward_and_check_finite
from tests.strategies import reals

TOL = 1e-12  # values of order 1 computed in a handful of float64 operations
FLOAT_MAX = sys.float_info.max

# Every finite float: +-1.8e308, subnormals, +-0 (Hypothesis favours such edge values).
any_float = st.floats(allow_nan=False, allow_infinity=False)
logit_lists = st.lists(any_float, min_size=1, max_size=5)
betas = st.floats(0.0, 1.7e308)


def direct_softmax(zs: list[float], beta: float = 1.0) -> list[float]:
    exps = [math.exp(beta * z) for z in zs]
    return [e / sum(exps) for e in exps]


@given(st.lists(reals(-20, 20), min_size=1, max_size=6), reals(0.1, 3.0))
@settings(max_examples=30, deadline=None)
def test_softmax_matches_the_direct_formula(zs, beta):
    out = [o.data for o in softmax(zs, beta=beta)]
    assert out == pytest.approx(direct_softmax(zs, beta), abs=TOL)
    assert sum(out) == pytest.approx(1.0, abs=TOL)


def test_softmax_does_not_overflow():
    # e^1000 is out of float range; shifted by the max, the largest exponent is 0
    o = [v.data for v in softmax([1000.0, 999.0, -1000.0])]
    e = math.exp(-1)
    assert o == pytest.approx([1 / (1 + e), e / (1 + e), 0.0], abs=TOL)


def test_inverse_temperature_sharpens_and_flattens():
    assert [o.data for o in softmax([1.0, 2.0, 3.0], beta=0.0)] == pytest.approx([1 / 3] * 3, abs=TOL)
    sharp = softmax([1.0, 2.0, 3.0], beta=50.0)  # close to argmax: (0, 0, 1)
    assert sharp[2].data == pytest.approx(1.0, abs=TOL)
    assert sharp[1].data == pytest.approx(math.exp(-50), rel=1e-12)  # tiny, but computed, not 0
    scaled = [o.data for o in softmax([1.0, 2.0], beta=3.0)]
    assert scaled == pytest.approx(direct_softmax([3.0, 6.0]), abs=TOL)


def test_log_softmax_is_the_log_of_softmax_and_stays_finite():
    zs = [0.5, -1.0, 2.0]
    logs = [v.data for v in log_softmax(zs)]
    assert logs == pytest.approx([math.log(o) for o in direct_softmax(zs)], abs=TOL)
    # where softmax underflows to 0, its log is still exact: -1000 - log(1 + e^-1000) = -1000
    assert log_softmax([0.0, -1000.0])[1].data == -1000.0
    assert [v.data for v in log_softmax(zs, beta=2.0)] == pytest.approx(
        [math.log(o) for o in direct_softmax(zs, 2.0)], abs=TOL
    )


def test_logsumexp():
    assert logsumexp([1000.0, 1000.0]).data == pytest.approx(1000 + math.log(2), abs=TOL)
    assert logsumexp([0.0, math.log(3)]).data == pytest.approx(math.log(4), abs=TOL)
    assert logsumexp([-5.0]).data == -5.0


@pytest.mark.parametrize(
    ("x", "expected"),
    [(0.0, math.log(2)), (1000.0, 1000.0), (-1000.0, 0.0), (1.5, math.log1p(math.exp(1.5)))],
)
def test_softplus_values(x, expected):
    assert softplus(Value(x)).data == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize("x", [-30.0, -1.0, 0.0, 1e-9, 2.0, 40.0])
def test_softplus_gradient_is_the_sigmoid_on_both_branches(x):
    v = Value(x)
    softplus(v).backward()
    assert v.grad == pytest.approx(1 / (1 + math.exp(-x)), abs=TOL)


@given(st.lists(reals(-4, 4), min_size=2, max_size=5), reals(0.2, 2.5))
@settings(max_examples=20, deadline=None)
def test_gradients_match_finite_differences(zs, beta):
    n = len(zs)
    # weight each output differently so that every partial derivative matters
    weights = [(k + 1) / n for k in range(n)]
    assert gradcheck(lambda *v: sum(w * o for w, o in zip(weights, softmax(list(v), beta=beta))), zs)
    assert gradcheck(lambda *v: sum(w * o for w, o in zip(weights, log_softmax(list(v), beta=beta))), zs)
    assert gradcheck(lambda *v: logsumexp(list(v)), zs)
    assert gradcheck(lambda z: softplus(z), zs[:1])


def test_beta_can_be_a_value_and_gets_a_gradient():
    assert gradcheck(lambda b, z: softmax([z, Value(0.3)], beta=b)[0] * 2, [1.7, -0.4])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: softmax([]), ValueError, "softmax needs at least one value"),
        (lambda: softmax([1.0, "2"]), TypeError, r"softmax values\[1\] must be a real number"),
        (lambda: softmax([1.0, float("nan")]), ValueError, r"softmax values\[1\] must be finite"),
        (lambda: softmax(3.0), TypeError, "softmax values must be a list"),
        (lambda: softmax([1.0], beta=float("inf")), ValueError, "softmax beta must be finite"),
        (lambda: softmax([1.0], beta="hot"), TypeError, "softmax beta must be a real number"),
        (lambda: log_softmax([]), ValueError, "log_softmax needs at least one value"),
        (lambda: logsumexp([None]), TypeError, r"logsumexp values\[0\] must be a real number"),
    ],
)
def test_bad_arguments_are_refused_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()


# -- finite for every finite input --------------------------------------------------------


def test_a_huge_beta_gives_argmax_not_nan():
    # beta (z - max z) = 1e308 * -1 used to be computed as 1e308 * 1 - 1e308 * 2 = -inf + ..., NaN
    assert [o.data for o in softmax([1.0, 2.0], beta=1e308)] == [0.0, 1.0]
    assert [o.data for o in softmax([1.0, 2.0], beta=1.7e308)] == [0.0, 1.0]
    assert [v.data for v in log_softmax([1.0, 2.0], beta=1.5e308)] == [-1.5e308, 0.0]


def test_logits_whose_difference_overflows():
    # 1e308 - (-1e308) is beyond the float range; the small term is 0 all the same
    assert [o.data for o in softmax([1e308, -1e308])] == [1.0, 0.0]
    assert logsumexp([1e308, -1e308]).data == 1e308
    assert log_softmax([1e308, -1e308])[1].data == -FLOAT_MAX  # true value -2e308: the nearest float
    # with a tiny beta the difference matters again: beta z = (1, -1) exactly
    tiny = [o.data for o in softmax([1e308, -1e308], beta=1e-308)]
    assert tiny == pytest.approx([1 / (1 + math.exp(-2)), math.exp(-2) / (1 + math.exp(-2))], abs=TOL)


@given(logit_lists, betas)
@settings(max_examples=300, deadline=None)
def test_softmax_is_finite_and_sums_to_one_for_any_finite_logits_and_beta(zs, beta):
    out = softmax([Value(z) for z in zs], beta=beta)
    # n <= 5 quotients of numbers in [0, 1] and their sum: a few ulps of 1, far below 1e-12
    assert abs(sum(o.data for o in out) - 1.0) <= 1e-12
    # weights (k + 1) / n make every output matter; each gradient is at most beta in size
    backward_and_check_finite(sum_values([o * ((k + 1) / len(out)) for k, o in enumerate(out)]))


@given(logit_lists, betas, st.integers(0, 4))
@settings(max_examples=300, deadline=None)
def test_log_softmax_is_finite_for_any_finite_logits_and_beta(zs, beta, pick):
    out = log_softmax([Value(z) for z in zs], beta=beta)
    # one output: d log o_k / d z_j = beta ([k == j] - o_j) is at most beta in size, so finite
    backward_and_check_finite(out[pick % len(out)])


@given(logit_lists)
@settings(max_examples=300, deadline=None)
def test_logsumexp_is_finite_for_any_finite_logits(zs):
    backward_and_check_finite(logsumexp([Value(z) for z in zs]))


@given(any_float)
@settings(max_examples=300, deadline=None)
def test_softplus_is_finite_for_any_finite_input(x):
    backward_and_check_finite(softplus(Value(x)))


# -- against the textbook formulas in plain floats --------------------------------------


def shifted_exponents(zs: list[float], beta: float) -> list[float] | None:
    """beta (z_i - max z) in plain floats; None where that overflows (the formula breaks down there)."""
    top = max(zs)
    exponents = [beta * (z - top) for z in zs]
    return exponents if all(math.isfinite(e) for e in exponents) else None


@given(logit_lists, betas)
@settings(max_examples=300, deadline=None)
def test_softmax_equals_the_shifted_formula_wherever_that_is_finite(zs, beta):
    exponents = shifted_exponents(zs, beta)
    assume(exponents is not None)
    exps = [math.exp(e) for e in exponents]
    expected = [e / sum(exps) for e in exps]
    # the same float operations in the same order (an exponent too negative for any float
    # is clamped, but e^x is 0.0 either way): equal to the last bit
    assert [o.data for o in softmax(zs, beta=beta)] == expected


@given(logit_lists, betas)
@settings(max_examples=300, deadline=None)
def test_log_softmax_equals_the_shifted_formula_wherever_that_is_finite(zs, beta):
    exponents = shifted_exponents(zs, beta)
    assume(exponents is not None)
    normalizer = math.log(sum(math.exp(e) for e in exponents))
    expected = [e - normalizer for e in exponents]
    # Same operations, except that an exponent within 2^-40 (~9e-13) of the float limit
    # counts as beyond it and is clamped to -1.8e308: 1e-12 relative covers that.
    assert [v.data for v in log_softmax(zs, beta=beta)] == pytest.approx(expected, rel=1e-12, abs=0)


@given(logit_lists)
@settings(max_examples=300, deadline=None)
def test_logsumexp_equals_the_shifted_formula(zs):
    top = max(zs)
    # in plain floats z - top may be -inf, and e^-inf is 0: the formula is always finite
    expected = top + math.log(sum(math.exp(z - top) for z in zs))
    assert logsumexp(zs).data == expected  # the same operations in the same order


@given(any_float)
@settings(max_examples=300, deadline=None)
def test_softplus_equals_the_log1p_formula(x):
    expected = max(x, 0.0) + math.log1p(math.exp(-abs(x)))
    # softplus takes log(1 + u) where log1p(u) is exact: for u below one ulp of 1 it loses
    # u (< 2.3e-16); with one rounding more on each side, 2 ulps (4.5e-16) absolute and
    # relative covers every x
    assert softplus(Value(x)).data == pytest.approx(expected, rel=4.5e-16, abs=4.5e-16)


# -- gradients on ordinary ranges --------------------------------------------------------


@given(st.lists(reals(-30, 30), min_size=2, max_size=5), reals(-4.0, 4.0))
@settings(max_examples=30, deadline=None)
def test_gradients_match_finite_differences_for_negative_and_sharp_betas(zs, beta):
    # beta < 0 shifts by the smallest logit instead; |beta z| up to 120 makes tiny terms
    n = len(zs)
    weights = [(k + 1) / n for k in range(n)]
    assert gradcheck(lambda *v: sum(w * o for w, o in zip(weights, softmax(list(v), beta=beta))), zs)
    assert gradcheck(lambda *v: log_softmax(list(v), beta=beta)[0], zs)


def test_an_exponent_is_clamped_only_beyond_the_float_range_where_its_slope_is_0():
    # -1.7e308 is a float: computed exactly, with its true slope d/dz beta (z - 2) = beta
    z = Value(1.0)
    log_softmax([z, Value(2.0)], beta=1.7e308)[0].backward()
    assert z.grad == 1.7e308
    # 1.7e308 * (0 - 2) is beyond every float: clamped to -1.8e308, and a clamp is flat
    z = Value(0.0)
    out = log_softmax([z, Value(2.0)], beta=1.7e308)[0]
    out.backward()
    assert out.data == -FLOAT_MAX and z.grad == 0.0
