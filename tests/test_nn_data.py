"""The toy datasets: reproducible, the right shapes, the right geometry."""

from __future__ import annotations

import math

import pytest

from nn import make_moons, one_hot_codes, xor


def test_moons_are_reproducible_and_seeded():
    assert make_moons(50, seed=3) == make_moons(50, seed=3)
    assert make_moons(50, seed=3) != make_moons(50, seed=4)


def test_moons_sizes_and_labels():
    X, y = make_moons(101, noise=0.2, seed=0)
    assert len(X) == len(y) == 101 and all(len(point) == 2 for point in X)
    assert y.count(0) == 51 and y.count(1) == 50
    assert y[:10] != sorted(y[:10]) or y[-10:] != sorted(y[-10:])  # shuffled, not all 0s then all 1s


def test_noiseless_moons_lie_on_their_arcs():
    X, y = make_moons(40, noise=0.0, seed=0)
    for (a, b), label in zip(X, y):
        # class 0: (cos t, sin t);  class 1: (1 - cos t, 0.5 - sin t);  t in [0, pi]
        cx, cy, sign = (0.0, 0.0, 1) if label == 0 else (1.0, 0.5, -1)
        assert math.hypot(a - cx, b - cy) == pytest.approx(1.0, abs=1e-12)
        assert sign * (b - cy) >= -1e-12  # upper half for class 0, lower half for class 1


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"n": 0}, ValueError, "n must be at least 1"),
        ({"n": 10.0}, TypeError, "n must be an int"),
        ({"noise": -0.1}, ValueError, "noise must be >= 0"),
        ({"noise": "low"}, TypeError, "noise must be a real number"),
        ({"seed": 1.5}, TypeError, "seed must be an int"),
    ],
)
def test_bad_moons_arguments(arguments, error, message):
    with pytest.raises(error, match=message):
        make_moons(**arguments)


def test_xor_and_one_hot_codes():
    X, Y = xor()
    assert X == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] and Y == [0.0, 1.0, 1.0, 0.0]
    codes = one_hot_codes(3)
    assert codes == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
