"""The safe expression reader behind the command: text -> checked syntax tree -> Value graph."""

from __future__ import annotations

import pytest

from autograd import topological_order
from autograd.cli.parse import (
    ExpressionError,
    build_expression,
    parse_assignment,
    parse_expression,
)


def test_a_name_used_twice_is_one_value():
    root = build_expression("a*b + a", {"a": 2.0, "b": -3.0})
    product, a = root.children
    assert product.children[0] is a and a.label == "a"
    assert [v.label for v in root.variables()] == ["a", "b"]


def test_functions_build_their_ops():
    root = build_expression("tanh(a) + sigmoid(a) + relu(a) + abs(a) + sqrt(a) + log(a) + exp(a)", {"a": 1.0})
    ops = {node.op for node in topological_order(root)}
    assert {"tanh", "sigmoid", "relu", "abs", "sqrt", "log", "exp"} <= ops


def test_parse_assignment():
    assert parse_assignment("b=-3") == ("b", -3.0)
    assert parse_assignment(" w1 = 1e-3 ") == ("w1", 0.001)
    with pytest.raises(ExpressionError, match="finite"):
        parse_assignment("a=inf")


def test_expression_error_is_a_value_error():
    with pytest.raises(ValueError, match="attribute access"):
        build_expression("a.data", {"a": 1.0})


def test_parts_made_of_numbers_alone_become_one_constant():
    root = build_expression("a * (2 + 3) - -4", {"a": 1.0})
    ops = [node.op for node in topological_order(root)]
    assert ops == ["", "const", "*", "const", "-"]
    assert [n.data for n in topological_order(root) if n.op == "const"] == [5.0, -4.0]


def test_number_parts_follow_the_engines_rules():
    with pytest.raises(OverflowError, match=r"^\*: .*too large for a float"):
        build_expression("1e308 * 10 * a", {"a": 1.0})  # refused as an overflow of *, as with a Value
    with pytest.raises(ValueError, match="log: input must be positive"):
        build_expression("log(-1) * a", {"a": 1.0})
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        build_expression("a / (1 - 1)", {"a": 1.0})


def test_the_tree_is_checked_before_anything_is_evaluated():
    tree = parse_expression("tanh(a*b + a)")
    assert tree.body is not None
    with pytest.raises(ExpressionError, match="calling 'open'"):
        parse_expression("a + open('x')")
    with pytest.raises(TypeError, match="must be a str"):
        parse_expression(3)
