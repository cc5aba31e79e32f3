"""Reproducible random initialization.

Every constructor that draws random weights takes ``seed=``: an int (the same int
always gives the same network), a ``random.Random`` (to draw several modules
from one stream, as [`MLP`][nn.layers.MLP] does for its layers) or None (a fresh,
unpredictable start).
"""

from __future__ import annotations

import math
import random

from autograd import Value

Seed = int | random.Random | None


def make_rng(seed: Seed) -> random.Random:
    """The random stream for ``seed``: an int seeds a new one, a Random is used as it is."""
    if isinstance(seed, random.Random):
        return seed
    if seed is None:
        return random.Random()
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, a random.Random or None, got {type(seed).__name__}: {seed!r}")
    return random.Random(seed)


def fan_in_bound(fan_in: int) -> float:
    """1 / sqrt(fan_in): the half-width of PyTorch's default uniform initialization.

    With n inputs of unit size, a weighted sum of weights drawn from U(-1/sqrt(n), 1/sqrt(n))
    has a spread that does not grow with n, so tanh and sigmoid units start out of saturation.
    """
    return 1.0 / math.sqrt(fan_in)


def uniform_values(rng: random.Random, count: int, bound: float) -> list[Value]:
    """``count`` new Values drawn uniformly from [-bound, bound]."""
    return [Value(rng.uniform(-bound, bound)) for _ in range(count)]
