"""Small toy datasets, generated here (no downloads, no scikit-learn), reproducible by seed."""

from __future__ import annotations

import math

from nn._checks import finite_number, positive_int
from nn.init import Seed, make_rng


def xor() -> tuple[list[list[float]], list[float]]:
    """The four XOR cases: inputs (a, b) and target a XOR b, as floats.

    Not linearly separable, so a network needs a hidden layer to fit it.
    """
    inputs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    return inputs, [float(int(a) ^ int(b)) for a, b in inputs]


def one_hot_codes(n: int) -> list[list[float]]:
    """The n one-hot vectors of length n (the identity matrix's rows): an autoencoder's data."""
    n = positive_int(n, "n")
    return [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]


def make_moons(n: int = 100, noise: float = 0.1, seed: Seed = 0) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles in the plane, labelled 0 and 1, in shuffled order.

    Class 0 lies on the upper arc ``(cos t, sin t)`` and class 1 on the lower arc
    ``(1 - cos t, 0.5 - sin t)``, with t evenly spaced in [0, pi]; every coordinate then
    gets Gaussian noise with standard deviation ``noise``. Class 0 has ``n - n // 2``
    points and class 1 has ``n // 2``. (Hinge loss wants labels -1/+1: use ``2 * y - 1``.)
    """
    n = positive_int(n, "n")
    noise = finite_number(noise, "noise")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    rng = make_rng(seed)
    points: list[tuple[list[float], int]] = []
    for label, count in ((0, n - n // 2), (1, n // 2)):
        for k in range(count):
            t = math.pi * k / (count - 1) if count > 1 else 0.0
            x, y = (math.cos(t), math.sin(t)) if label == 0 else (1 - math.cos(t), 0.5 - math.sin(t))
            points.append(([x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)], label))
    rng.shuffle(points)
    return [point for point, _ in points], [label for _, label in points]
