"""Loss functions: values against their formulas, stability, gradients, and clear errors."""

from __future__ import annotations

import math

import pytest

from autograd import Value, gradcheck
from nn import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    mse_loss,
    softmax,
)

TOL = 1e-12  # a few float64 operations on numbers of order 1


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
