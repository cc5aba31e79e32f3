"""Hypothesis strategies shared by the tests.

Inputs are kept inside each op's domain by construction (shifted away from
singularities and kinks) rather than filtered, so no example is thrown away.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st


def reals(low: float, high: float) -> st.SearchStrategy[float]:
    """Finite floats in [low, high]."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def away_from_zero(low: float, high: float, gap: float = 1e-2) -> st.SearchStrategy[float]:
    """Floats in [low, high] pushed at least ``gap`` away from 0 (kinks of relu, abs; poles of 1/x)."""
    return reals(low, high).map(lambda x: x + math.copysign(gap, x))


def positive(low: float, high: float) -> st.SearchStrategy[float]:
    return reals(low, high)


small = reals(-5.0, 5.0)
