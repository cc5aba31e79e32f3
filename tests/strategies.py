"""Hypothesis strategies and example programs shared by the tests (the one place for them).

Inputs are kept inside each op's domain by construction (shifted away from
singularities and kinks) rather than filtered, so no example is thrown away.
Every strategy returns only what its name says: ``positive`` never gives 0 or
less, ``away_from_zero`` never comes closer to 0 than its gap, and all stay
within [low, high].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from autograd.ops import INFIX_OPS, UNARY_OPS
from tests.registry import ENTRIES


def reals(low: float, high: float) -> st.SearchStrategy[float]:
    """Finite floats in [low, high]."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def positive(low: float, high: float) -> st.SearchStrategy[float]:
    """Floats in [low, high], which must lie above 0 (the domain of log, sqrt, a ** base)."""
    if not 0 < low <= high:
        raise ValueError(f"positive({low}, {high}): need 0 < low <= high")
    return reals(low, high)


def away_from_zero(low: float, high: float, gap: float = 1e-2) -> st.SearchStrategy[float]:
    """Floats in [low, high] at least ``gap`` away from 0 (kinks of relu, abs; poles of 1/x).

    A magnitude in [gap, bound] and a sign, so every example is usable: none is filtered.
    """
    if not (low <= -gap and gap <= high):
        raise ValueError(f"away_from_zero({low}, {high}, gap={gap}): the range must reach past ±gap")
    negative = reals(gap, -low).map(lambda m: -m)
    return st.one_of(negative, reals(gap, high))


small = reals(-5.0, 5.0)


# -- every op of the table, with inputs in its domain --------------------------
# Taken from the op registry (tests/registry.py), the tests' one list of ops: each case
# is the op as a user writes it, and per input the points where a finite difference
# stays inside the domain and away from kinks.

UnaryCase = tuple[Callable[[Any], Any], st.SearchStrategy[float]]
BinaryCase = tuple[Callable[[Any, Any], Any], st.SearchStrategy[float], st.SearchStrategy[float]]

UNARY_CASES: dict[str, UnaryCase] = {
    name: (ENTRIES[name].apply, *ENTRIES[name].difference_inputs) for name in UNARY_OPS
}
BINARY_CASES: dict[str, BinaryCase] = {
    name: (ENTRIES[name].apply, *ENTRIES[name].difference_inputs) for name in INFIX_OPS
}

OP_CASES: dict[str, tuple[Callable[..., Any], st.SearchStrategy[tuple[float, ...]]]] = {
    **{name: (f, st.tuples(domain)) for name, (f, domain) in UNARY_CASES.items()},
    **{name: (f, st.tuples(left, right)) for name, (f, left, right) in BINARY_CASES.items()},
}
"""Every op of the table: the function, and a strategy for points (argument tuples) in its domain."""


def check_at_points(name: str, check: Callable[[Callable[..., Any], tuple[float, ...]], None],
                    max_examples: int) -> None:
    """Run ``check(f, point)`` on ``max_examples`` points of op ``name``'s domain."""
    f, points = OP_CASES[name]

    @settings(max_examples=max_examples, deadline=None)
    @given(points)
    def at_point(point: tuple[float, ...]) -> None:
        check(f, point)

    at_point()


# -- random expression graphs with shared subexpressions ---------------------

BINARY = [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / (1 + b * b)]
UNARY = [lambda a: a.tanh(), lambda a: a.sigmoid(), lambda a: (a * 0.5).exp(), lambda a: (1 + a * a).log()]

Program = tuple[list[float], list[tuple[Any, ...]]]


@st.composite
def programs(draw: Any) -> Program:
    """A straight-line program over n leaves: each step combines earlier nodes.

    Operands are drawn from *all* earlier nodes, so subexpressions get reused
    (diamonds, nodes used twice by one op). Every op is smooth and bounded on
    the reals, so every program is differentiable everywhere. Returns (leaf values, steps).
    """
    n_leaves = draw(st.integers(1, 4))
    leaves = draw(st.lists(reals(-1.5, 1.5), min_size=n_leaves, max_size=n_leaves))
    steps: list[tuple[Any, ...]] = []
    for i in range(draw(st.integers(1, 10))):
        available = n_leaves + i
        if draw(st.booleans()):
            steps.append(("u", draw(st.integers(0, len(UNARY) - 1)), draw(st.integers(0, available - 1))))
        else:
            op = draw(st.integers(0, len(BINARY) - 1))
            steps.append(("b", op, draw(st.integers(0, available - 1)), draw(st.integers(0, available - 1))))
    return leaves, steps


def run(steps: list[tuple[Any, ...]], *leaves: Any) -> Any:
    """Evaluate a program's steps on leaves (Values, or torch tensors: the ops are spelled alike)."""
    nodes = list(leaves)
    for step in steps:
        if step[0] == "u":
            nodes.append(UNARY[step[1]](nodes[step[2]]))
        else:
            nodes.append(BINARY[step[1]](nodes[step[2]], nodes[step[3]]))
    return nodes[-1] + nodes[-2] * 0.5 if len(nodes) > 1 else nodes[-1]


def leaves_of(values: list[float]) -> list[Value]:
    return [Value(x, label=f"x{i}") for i, x in enumerate(values)]
