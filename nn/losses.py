"""Loss functions: one Value that measures how wrong a batch of predictions is.

Every loss is the *mean* over the batch, so its size does not grow with the batch,
and takes predictions (Values, or numbers) with their targets:

* a list of single outputs and a list of numbers: ``mse_loss([model(x) for x in X], Y)``;
* a list of output vectors and a list of target vectors, compared entry by entry
  (an autoencoder reproducing its input);
* or one prediction and one target: ``mse_loss(model(x), y)``.

``cross_entropy`` is the exception: its targets are class indices.

The classification losses (cross-entropy, both binary cross-entropies, hinge) stay
finite, with finite gradients, for any finite predictions, even of size 1e308: the
stable formulas of [`nn.functional`][] keep each term finite, and the mean is taken so
that adding up terms near the largest float cannot overflow (see ``_mean``).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any

from autograd import Value, sum_values
from nn._checks import as_value, finite_number, is_number, sequence
from nn.functional import log_softmax, softplus

Target = Value | float


def mse_loss(predictions: Any, targets: Any) -> Value:
    """Mean squared error ``(1/n) sum_i (p_i - t_i)^2``.   ``d/dp_i = 2 (p_i - t_i) / n``.

    Targets may be Values too (then the loss is differentiable in them as well).
    """
    pairs = _pairs(predictions, targets, "mse_loss", _any_target)
    return _mean([(p - t) ** 2 for p, t in pairs])


def binary_cross_entropy(probabilities: Any, targets: Any) -> Value:
    """``-(1/n) sum_i [t_i log p_i + (1 - t_i) log(1 - p_i)]`` for probabilities p in [0, 1].

    ``d/dp_i = (p_i - t_i) / (p_i (1 - p_i)) / n``. Targets are numbers in [0, 1].
    A term whose weight is 0 (t = 0 or t = 1) is left out, so ``p = 1`` with ``t = 1``
    is fine. A log of a probability below e^-100 is clamped to -100 (PyTorch's rule),
    because a sigmoid can round to exactly 0 or 1 in floating point.
    Prefer [`binary_cross_entropy_with_logits`][nn.losses.binary_cross_entropy_with_logits]:
    it never needs the clamp.
    """
    pairs = _pairs(probabilities, targets, "binary_cross_entropy", _probability_target)
    terms = []
    for n, (p, t) in enumerate(pairs):
        if not 0.0 <= p.data <= 1.0:
            raise ValueError(
                f"binary_cross_entropy: prediction {n} is {p.data!r}, not a probability in [0, 1] "
                "(use binary_cross_entropy_with_logits for raw scores)"
            )
        if t > 0:
            terms.append(-t * _clamped_log(p))
        if t < 1:
            terms.append(-(1 - t) * _clamped_log(1 - p))
    return sum_values(terms) / len(pairs)


def binary_cross_entropy_with_logits(logits: Any, targets: Any) -> Value:
    """Binary cross-entropy of ``sigmoid(x)``, computed from the logit x directly and stably.

    ``-[t log s(x) + (1 - t) log(1 - s(x))] = softplus(x) - t x``, because
    ``log s(x) = x - softplus(x)`` and ``log(1 - s(x)) = -softplus(x)``. No exponent is
    ever positive and no log of 0 is taken, for any logit.   ``d/dx_i = (s(x_i) - t_i) / n``.
    """
    pairs = _pairs(logits, targets, "binary_cross_entropy_with_logits", _probability_target)
    return _mean([softplus(x) - t * x for x, t in pairs])


def cross_entropy(logits: Any, targets: Any) -> Value:
    """``(1/n) sum_n -log softmax(z_n)[y_n] = (1/n) sum_n (logsumexp(z_n) - z_n[y_n])``.

    Computed as ``-log_softmax``, whose terms are differences from the largest logit:
    ``logsumexp(z) - z_y`` directly would overflow for logits 1e308 and -1e308.

    ``logits`` is one vector of class scores and ``targets`` one class index, or a list of
    vectors with a list of indices.   ``d/dz_k = (softmax(z)_k - [k == y]) / n``.
    """
    if isinstance(targets, int):  # one sample (a bool is caught below as not a class index)
        logits, targets = [logits], [targets]
    batch = sequence(logits, "cross_entropy logits")
    labels = sequence(targets, "cross_entropy targets")
    if len(batch) != len(labels):
        raise ValueError(f"cross_entropy: {len(batch)} logit vectors but {len(labels)} targets")
    if not batch:
        raise ValueError("cross_entropy needs at least one prediction")
    terms = []
    for n, (scores, label) in enumerate(zip(batch, labels)):
        scores = sequence(scores, f"cross_entropy logits[{n}]")
        label = _class_index(label, len(scores), f"cross_entropy targets[{n}]")
        zs = [as_value(z, f"cross_entropy logits[{n}][{k}]") for k, z in enumerate(scores)]
        terms.append(-log_softmax(zs)[label])
    return _mean(terms)


def hinge_loss(scores: Any, labels: Any) -> Value:
    """Max-margin loss ``(1/n) sum_i max(0, 1 - y_i s_i)`` with labels y in {-1, +1}.

    Zero once every score is on the right side with margin 1 (micrograd's moons demo).
    ``d/ds_i = -y_i / n`` where the margin is violated (``y_i s_i < 1``), else 0.
    """
    pairs = _pairs(scores, labels, "hinge_loss", _sign_label)
    return _mean([(1 - y * s).relu() for s, y in pairs])


# ----------------------------------------------------------------------------
# Pairing predictions with targets, and checking targets
# ----------------------------------------------------------------------------


def _is_scalar(x: object) -> bool:
    return isinstance(x, Value) or is_number(x)


def _pairs(
    predictions: Any, targets: Any, loss: str, check_target: Callable[[object, str], Any]
) -> list[tuple[Value, Any]]:
    """Each prediction entry (as a Value) with its checked target, in order."""
    if _is_scalar(predictions):
        predictions, targets = [predictions], [targets]
    predictions = sequence(predictions, f"{loss} predictions")
    targets = sequence(targets, f"{loss} targets")
    if len(predictions) != len(targets):
        raise ValueError(f"{loss}: {len(predictions)} predictions but {len(targets)} targets")
    if not predictions:
        raise ValueError(f"{loss} needs at least one prediction")
    pairs = []
    for n, (prediction, target) in enumerate(zip(predictions, targets)):
        where = f"{loss} predictions[{n}]"
        if _is_scalar(prediction):
            pairs.append((as_value(prediction, where), check_target(target, f"{loss} targets[{n}]")))
            continue
        entries = sequence(prediction, where)
        wanted = sequence(target, f"{loss} targets[{n}]")
        if len(entries) != len(wanted):
            raise ValueError(f"{where} has {len(entries)} entries but its target has {len(wanted)}")
        for i, (p, t) in enumerate(zip(entries, wanted)):
            pairs.append((as_value(p, f"{where}[{i}]"), check_target(t, f"{loss} targets[{n}][{i}]")))
    return pairs


def _any_target(target: object, where: str) -> Target:
    return target if isinstance(target, Value) else finite_number(target, where)


def _probability_target(target: object, where: str) -> float:
    t = finite_number(target, where)
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"{where} must be a probability in [0, 1], got {t!r}")
    return t


def _sign_label(target: object, where: str) -> float:
    y = finite_number(target, where)
    if y not in (-1.0, 1.0):
        raise ValueError(f"{where} must be -1 or +1 for hinge_loss, got {y!r} (map 0/1 labels with 2*y - 1)")
    return y


def _class_index(label: object, classes: int, where: str) -> int:
    if isinstance(label, bool) or not isinstance(label, int):
        raise TypeError(f"{where} must be an int class index, got {type(label).__name__}: {label!r}")
    if not 0 <= label < classes:
        raise ValueError(f"{where} is {label}, outside the {classes} classes 0..{classes - 1}")
    return label


# PyTorch's convention: log is clamped at -100 rather than reaching -inf at 0.
_LOG_FLOOR = -100.0
_LOG_FLOOR_INPUT = math.exp(_LOG_FLOOR)


def _clamped_log(x: Value) -> Value:
    # a comparison of Values, not of .data: the compiler sees it and re-checks it at every call
    if x > _LOG_FLOOR_INPUT:
        return x.log()
    # max(log x, -100) is the constant -100 here, so its derivative is 0; x * 0.0 keeps
    # x in the graph, with that (zero) gradient, instead of cutting it out.
    return x * 0.0 + _LOG_FLOOR


_FLOAT_MAX = sys.float_info.max


def _mean(terms: list[Value]) -> Value:
    """``(1/n) sum_i t_i`` for non-negative terms (every loss term here is), without overflow.

    Usually: add up, then divide. But n terms near the largest float (~1.8e308) add up to
    more than any float although their mean is not, so then the mean is computed around
    the largest term c as ``c + (1/n) sum_i (t_i - c)``: every t_i - c is in [-c, 0], so no
    partial result exceeds c.
    """
    n = len(terms)
    largest = max(terms, key=lambda term: term.data)  # any term would do as c; the largest is safest
    # a comparison of Values, not of .data: the compiler sees it and re-checks it at every call
    if largest <= _FLOAT_MAX / (2 * n):  # then the sum is at most half the largest float
        return sum_values(terms) / n
    return largest + sum_values([(term - largest) / n for term in terms])
