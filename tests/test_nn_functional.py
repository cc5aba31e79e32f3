"""softmax, log_softmax, logsumexp and softplus: values, overflow safety, gradients."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, gradcheck
from nn import log_softmax, logsumexp, softmax, softplus
from tests.strategies import reals

TOL = 1e-12  # values of order 1 computed in a handful of float64 operations


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
