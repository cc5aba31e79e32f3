"""Loss functions: values against their formulas, stability, gradients, and clear errors."""

from __future__ import annotations

import math
import sys

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import Value, gradcheck
from nn import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    mse_loss,
    softmax,
)
from tests.nn_helpers import backward_and_check_finite
from tests.strategies import reals

TOL = 1e-12  # a few float64 operations on numbers of order 1
FLOAT_MAX = sys.float_info.max
EPSILON = sys.float_info.epsilon  # 2.2e-16, one ulp of 1

# Every finite float: +-1.8e308, subnormals, +-0 (Hypothesis favours such edge values).
any_float = st.floats(allow_nan=False, allow_infinity=False)
probabilities = st.floats(0.0, 1.0)


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


# -- values -------------------------------------------------------------------------


def test_mse_forms():
    assert mse_loss([1.0, 2.0], [0.0, 4.0]).data == (1 + 4) / 2
    assert mse_loss(Value(3.0), 1.0).data == 4.0  # one prediction and one target
    # vectors are compared entry by entry; the mean is over all entries
    assert mse_loss([[1.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 2.0]]).data == (1 + 4) / 4


def test_mse_targets_may_be_values():
    target = Value(1.0)
    mse_loss([Value(3.0)], [target]).backward()
    assert target.grad == -4.0  # d/dt (p - t)^2 = -2 (p - t)


def test_binary_cross_entropy_matches_its_formula():
    ps, ts = [0.9, 0.2, 0.6], [1.0, 0.0, 0.25]
    expected = -sum(t * math.log(p) + (1 - t) * math.log(1 - p) for p, t in zip(ps, ts)) / 3
    assert binary_cross_entropy(ps, ts).data == pytest.approx(expected, abs=TOL)


def test_binary_cross_entropy_at_the_ends_of_the_range():
    assert binary_cross_entropy([1.0, 0.0], [1.0, 0.0]).data == 0.0  # no log(0) is taken
    # a certain but wrong prediction: log(0) is clamped at -100 (PyTorch's rule) with zero gradient
    p = Value(0.0)
    loss = binary_cross_entropy([p], [1.0])
    loss.backward()
    assert loss.data == 100.0 and p.grad == 0.0


def test_binary_cross_entropy_with_logits_equals_bce_of_the_sigmoid():
    xs, ts = [2.0, -0.5, 0.0, 3.5], [1.0, 0.0, 1.0, 0.3]
    from_logits = binary_cross_entropy_with_logits(xs, ts).data
    from_probabilities = binary_cross_entropy([sigmoid(x) for x in xs], ts).data
    assert from_logits == pytest.approx(from_probabilities, abs=TOL)


@pytest.mark.parametrize(("x", "t", "expected"), [(1000.0, 0.0, 1000.0), (1000.0, 1.0, 0.0),
                                                  (-1000.0, 0.0, 0.0), (-1000.0, 1.0, 1000.0)])
def test_binary_cross_entropy_with_logits_is_stable_at_huge_logits(x, t, expected):
    # the naive -log(sigmoid(x)) overflows or takes log(0) at these logits
    assert binary_cross_entropy_with_logits([x], [t]).data == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize("x", [-800.0, -2.0, 0.0, 0.7, 800.0])
@pytest.mark.parametrize("t", [0.0, 0.4, 1.0])
def test_binary_cross_entropy_with_logits_gradient_is_sigmoid_minus_target(x, t):
    logit = Value(x)
    binary_cross_entropy_with_logits([logit], [t]).backward()
    assert logit.grad == pytest.approx(sigmoid(x) - t, abs=TOL)  # including x = 0 exactly


def test_cross_entropy_is_minus_log_softmax_of_the_target():
    z = [1.0, -0.5, 2.5]
    expected = -math.log(softmax(z)[2].data)
    assert cross_entropy(z, 2).data == pytest.approx(expected, abs=TOL)
    batch = cross_entropy([z, [0.0, 0.0, 0.0]], [2, 1]).data
    assert batch == pytest.approx((expected + math.log(3)) / 2, abs=TOL)


def test_cross_entropy_is_stable_and_its_gradient_is_softmax_minus_one_hot():
    assert cross_entropy([1000.0, 0.0], 1).data == pytest.approx(1000.0, abs=TOL)
    zs = [Value(0.3), Value(-1.2), Value(2.0)]
    cross_entropy(zs, 0).backward()
    probabilities = [p.data for p in softmax([0.3, -1.2, 2.0])]
    assert [z.grad for z in zs] == pytest.approx([probabilities[0] - 1, *probabilities[1:]], abs=TOL)


def test_hinge_loss():
    # margins 1 - y s: 1 - 2 = -1 -> 0;  1 + 0.5 = 1.5;  1 - 0.25 = 0.75
    assert hinge_loss([2.0, 0.5, -0.25], [1, -1, -1]).data == pytest.approx((0 + 1.5 + 0.75) / 3, abs=TOL)
    scores = [Value(2.0), Value(0.5)]
    hinge_loss(scores, [1, -1]).backward()
    assert [s.grad for s in scores] == [0.0, 0.5]  # only the violated margin pushes, by -y / n


# -- gradients ----------------------------------------------------------------------


def test_every_loss_passes_gradcheck():
    assert gradcheck(lambda a, b, c: mse_loss([a, b, c], [0.5, -1.0, 2.0]), [0.1, 0.7, -0.3])
    assert gradcheck(lambda a, b: binary_cross_entropy([a, b], [1.0, 0.3]), [0.8, 0.35])
    assert gradcheck(lambda a, b: binary_cross_entropy_with_logits([a, b], [1.0, 0.3]), [-1.3, 2.2])
    assert gradcheck(lambda a, b, c: cross_entropy([[a, b, c], [c, a, b]], [2, 0]), [0.4, -0.9, 1.6])
    assert gradcheck(lambda a, b: hinge_loss([a, b], [1, -1]), [0.3, -0.6])  # away from the kinks


@given(
    st.lists(reals(-5, 5), min_size=3, max_size=3),
    st.integers(0, 2),
    st.lists(reals(0, 1), min_size=2, max_size=2),
)
@settings(max_examples=25, deadline=None)
def test_classification_losses_pass_gradcheck_on_ordinary_inputs(z, label, targets):
    assert gradcheck(lambda a, b, c: cross_entropy([[a, b, c], [c, b, a]], [label, 2 - label]), z)
    assert gradcheck(lambda a, b: binary_cross_entropy_with_logits([a, b], targets), z[:2])
    # hinge has a kink where y s = 1: checked half a unit away from it on each side
    assert gradcheck(lambda a: hinge_loss([a], [1]), [0.5 if z[0] < 1 else 1.5])


# -- finite for every finite input --------------------------------------------------------


def test_huge_logits_give_a_finite_loss():
    # logsumexp(z) - z_y would be 1e308 - (-1e308) = 2e308, beyond the float range:
    # -log_softmax is clamped to the largest float instead, with finite gradients
    logits = [Value(1e308), Value(-1e308)]
    loss = cross_entropy([logits, logits, logits], [1, 1, 1])
    assert loss.data == FLOAT_MAX
    backward_and_check_finite(loss)


def test_a_mean_of_terms_near_the_float_limit_does_not_overflow():
    # three hinge terms of 1 + 1.8e308 = 1.8e308: their sum is beyond any float, their mean is not
    assert hinge_loss([-FLOAT_MAX] * 3, [1, 1, 1]).data == FLOAT_MAX
    scores = [Value(-FLOAT_MAX), Value(FLOAT_MAX), Value(0.0)]
    loss = binary_cross_entropy_with_logits(scores, [1.0, 0.0, 0.5])
    # terms 1.8e308, 1.8e308 and log 2: the mean is 2/3 of the largest float (log 2 / 3 is
    # far below its ulp); taken around the largest term, it is off by a few ulps at most
    assert loss.data == pytest.approx(FLOAT_MAX / 3 * 2, rel=4 * EPSILON)
    backward_and_check_finite(loss)
    assert [s.grad for s in scores] == pytest.approx([-1 / 3, 1 / 3, 0.0], abs=TOL)


@given(st.lists(st.lists(any_float, min_size=3, max_size=3), min_size=1, max_size=4), st.data())
@settings(max_examples=300, deadline=None)
def test_cross_entropy_is_finite_for_any_finite_logits(batch, data):
    labels = [data.draw(st.integers(0, 2)) for _ in batch]
    loss = cross_entropy([[Value(z) for z in logits] for logits in batch], labels)
    backward_and_check_finite(loss)
    # against the textbook shifted formula in plain floats, wherever that is finite
    def term(z_n: list[float], y: int) -> float:
        top = max(z_n)
        return math.log(sum(math.exp(z - top) for z in z_n)) - (z_n[y] - top)

    terms = [term(z_n, y) for z_n, y in zip(batch, labels)]
    expected = sum(terms) / len(terms)
    assume(math.isfinite(expected))
    # Equal but for (a) the clamp of a gap within 2^-40 of the float limit and (b) the mean of
    # terms near the limit, taken around the largest term: ~n ulps. 1e-12 relative covers both.
    assert loss.data == pytest.approx(expected, rel=1e-12, abs=0)


@given(st.lists(st.tuples(any_float, probabilities), min_size=1, max_size=4))
@settings(max_examples=300, deadline=None)
def test_binary_cross_entropy_with_logits_is_finite_for_any_finite_logits(pairs):
    logits, targets = [Value(x) for x, _ in pairs], [t for _, t in pairs]
    loss = binary_cross_entropy_with_logits(logits, targets)
    backward_and_check_finite(loss)
    terms = [max(x, 0.0) - t * x + math.log1p(math.exp(-abs(x))) for x, t in pairs]
    expected = sum(terms) / len(terms)
    assume(math.isfinite(expected))
    # softplus(x) - t x subtracts numbers of size |x|, so it is exact to a few ulps of the
    # largest |x| (plus log(1 + u) vs log1p(u): under one ulp of 1)
    largest = max(abs(x) for x, _ in pairs)
    assert loss.data == pytest.approx(expected, rel=1e-12, abs=8 * EPSILON * (1 + largest))


@given(st.lists(st.tuples(reals(0.0, 1.0), probabilities), min_size=1, max_size=4))
@settings(max_examples=100, deadline=None)
def test_binary_cross_entropy_is_finite_for_any_probabilities(pairs):
    backward_and_check_finite(binary_cross_entropy([Value(p) for p, _ in pairs], [t for _, t in pairs]))


@given(st.lists(st.tuples(any_float, st.sampled_from([-1, 1])), min_size=1, max_size=4))
@settings(max_examples=300, deadline=None)
def test_hinge_loss_is_finite_for_any_finite_scores(pairs):
    loss = hinge_loss([Value(s) for s, _ in pairs], [y for _, y in pairs])
    backward_and_check_finite(loss)
    terms = [max(0.0, 1 - y * s) for s, y in pairs]
    expected = sum(terms) / len(terms)
    assume(math.isfinite(expected))
    # the same terms; only a mean of terms near the float limit is taken differently (~n ulps)
    assert loss.data == pytest.approx(expected, rel=1e-12, abs=0)


# -- errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: mse_loss([1.0, 2.0], [1.0]), ValueError, "mse_loss: 2 predictions but 1 targets"),
        (lambda: mse_loss([], []), ValueError, "mse_loss needs at least one prediction"),
        (lambda: mse_loss([1.0], ["a"]), TypeError, r"mse_loss targets\[0\] must be a real number"),
        (lambda: mse_loss([1.0], [float("nan")]), ValueError, r"mse_loss targets\[0\] must be finite"),
        (lambda: mse_loss(["a"], [1.0]), TypeError, r"mse_loss predictions\[0\] must be a list"),
        (lambda: mse_loss([[1.0, 2.0]], [[1.0]]), ValueError, r"\[0\] has 2 entries but its target has 1"),
        (lambda: mse_loss([[1.0]], [1.0]), TypeError, r"mse_loss targets\[0\] must be a list"),
        (lambda: mse_loss(1.0, [1.0]), TypeError, r"mse_loss targets\[0\] must be a real number"),
        (lambda: binary_cross_entropy([1.2], [1.0]), ValueError, "prediction 0 is 1.2, not a probability"),
        (lambda: binary_cross_entropy([0.5], [2.0]), ValueError, r"targets\[0\] must be a probability"),
        (lambda: binary_cross_entropy_with_logits([0.5], [-1.0]), ValueError, "must be a probability"),
        (lambda: cross_entropy([1.0, 2.0], 2), ValueError, r"targets\[0\] is 2, outside the 2 classes"),
        (lambda: cross_entropy([1.0, 2.0], True), TypeError, "must be an int class index, got bool"),
        (lambda: cross_entropy([[1.0, 2.0]], [0.0]), TypeError, "must be an int class index, got float"),
        (lambda: cross_entropy([[1.0, 2.0]], [0, 1]), ValueError, "1 logit vectors but 2 targets"),
        (lambda: cross_entropy([], []), ValueError, "at least one prediction"),
        (lambda: hinge_loss([0.5], [0]), ValueError, "must be -1 or \\+1 for hinge_loss, got 0.0"),
    ],
)
def test_bad_arguments_are_refused_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()
