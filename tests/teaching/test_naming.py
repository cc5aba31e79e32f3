"""Names of nodes, numbers and formulas, shared by records, explanations, checks and drawings."""

from __future__ import annotations

import math

import pytest

from autograd import Value, dot
from autograd.engine import topological_order
from autograd.teaching.naming import (
    derivative_text,
    format_number,
    local_formula,
    node_expression,
    node_names,
)


@pytest.mark.parametrize(
    ("x", "shown"),
    [(0.24048908305088898, "0.2405"), (3.0, "3"), (-3.0, "-3"), (1234567.0, "1.235e+06"),
     (3.059022269256247e-07, "3.059e-07"), (-0.0, "0"), (0.0, "0"), (math.inf, "inf")],
)  # fmt: skip
def test_format_number_uses_significant_digits(x, shown):
    assert format_number(x) == shown


def test_labels_constants_and_numbered_temporaries():
    a = Value(2.0, label="a")
    out = (a * 3).tanh()
    names = node_names(topological_order(out))
    assert list(names.values()) == ["a", "3", "t0", "t1"]
    assert names == node_names(topological_order(out))  # the same graph, the same names


def test_expressions_use_the_graphs_names():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    product = a * b
    nodes = [product, product.tanh(), a**3, 2**a, a + b]
    names = node_names(topological_order(sum(nodes[1:], nodes[0])))
    assert [node_expression(n, names) for n in nodes] == ["a * b", "tanh(t0)", "a**3", "2**a", "a + b"]
    assert node_expression(a, names) == "a"


def test_local_formulas_name_the_inputs():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    product, power = a * b, 2**a
    names = node_names(topological_order(product + power))
    assert [local_formula(product, i, names) for i in (0, 1)] == ["b", "a"]
    assert local_formula(power, 0, names) == f"{names[power]} * ln(2)"
    w, x = [Value(1.0, label="w1"), Value(2.0, label="w2")], [Value(3.0, label="x1"), Value(4.0, label="x2")]
    weighted = dot(w, x)
    names = node_names(topological_order(weighted))
    assert [local_formula(weighted, i, names) for i in range(4)] == ["x1", "x2", "w1", "w2"]


def test_derivative_text_does_not_repeat_a_number():
    assert derivative_text("b", -3.0) == "b = -3"
    assert derivative_text("1", 1.0) == "1"
