"""The safe expression reader behind the command: text -> checked syntax tree -> Value graph."""

from __future__ import annotations

import importlib
import inspect
import sys
from contextlib import contextmanager

import pytest

from autograd import Value, topological_order
from autograd.cli.parse import (
    MAX_NESTING,
    ExpressionError,
    build_expression,
    nesting_depth,
    parse_assignment,
    parse_expression,
)

parse = importlib.import_module("autograd.cli.parse")


def test_a_name_used_twice_is_one_value():
    root = build_expression("a*b + a", {"a": 2.0, "b": -3.0})
    product, a = root.children
    assert product.children[0] is a and a.label == "a"
    assert [v.label for v in root.variables()] == ["a", "b"]


def test_functions_build_their_ops():
    root = build_expression("tanh(a) + sigmoid(a) + relu(a) + abs(a) + sqrt(a) + log(a) + exp(a)", {"a": 1.0})
    ops = {node.op for node in topological_order(root)}
    assert {"tanh", "sigmoid", "relu", "abs", "sqrt", "log", "exp"} <= ops


@pytest.mark.parametrize("name", ["neg", "id", "sum", "dot"])
def test_only_the_functions_of_the_table_can_be_called(name: str):
    """neg is written -a; id is the library's own; sum and dot take many inputs."""
    with pytest.raises(ExpressionError, match=f"calling '{name}'"):
        parse_expression(f"{name}(a)")


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


# ----------------------------------------------------------------------------
# Long chains are evaluated with a loop; nesting has a limit of its own
# ----------------------------------------------------------------------------


@contextmanager
def recursion_limit_near_here(headroom: int):
    """Allow only ``headroom`` more nested Python calls than the caller is at now."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + headroom)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


@pytest.mark.parametrize("operator", ["+", "-", "*", "/"])
def test_a_chain_of_a_thousand_terms_is_evaluated_without_recursion(operator):
    tree = parse_expression(operator.join(["a"] * 1000))
    leaves = {"a": Value(1.0, label="a")}
    # a recursive walk needs a call per term; this one needs a few calls, whatever the length
    with recursion_limit_near_here(60):
        root = parse._evaluate(tree.body, leaves)
    order = topological_order(root)
    assert len(order) == 1000 and [n.op for n in order[1:]] == [operator] * 999


def test_a_chain_builds_the_graph_python_builds_in_the_same_order():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    python = a * b + a - b * 2 + a**2
    built = build_expression("a*b + a - b*2 + a**2", {"a": 2.0, "b": 3.0})
    assert [(n.op, n.data) for n in topological_order(built)] == [
        (n.op, n.data) for n in topological_order(python)
    ]


@pytest.mark.parametrize(
    ("source", "depth"),
    [
        ("a", 0),
        ("a + b + c + d", 0),  # (((a + b) + c) + d): a chain, not nesting
        ("a * b + c * d", 1),  # the right operand c * d is a level down
        ("a * (b + c)", 1),
        ("exp(a)", 0),
        ("exp(exp(a))", 1),
        ("-a", 0),
        ("-(-a)", 1),
        ("tanh(a * b + a)", 1),
        ("a ** b ** c", 1),  # ** groups to the right: a ** (b ** c)
    ],
)
def test_nesting_depth(source, depth):
    assert nesting_depth(parse_expression(source)) == depth


def test_nesting_is_limited_to_max_nesting_levels():
    def nested(levels: int) -> str:  # levels + 1 calls, each inside the one before
        return "exp(" * (levels + 1) + "a" + ")" * (levels + 1)

    assert nesting_depth(parse_expression(nested(MAX_NESTING))) == MAX_NESTING
    with pytest.raises(ExpressionError, match=f"nested too deeply: {MAX_NESTING + 1} levels"):
        parse_expression(nested(MAX_NESTING + 1))


def test_nesting_that_python_cannot_parse_gets_the_same_message():
    with pytest.raises(ExpressionError, match="nested too deeply: more than 200 levels"):
        parse_expression("(" * 250 + "a" + ")" * 250)  # Python's parser stops at 200 parentheses
    with pytest.raises(ExpressionError, match="too deep"):  # for Python's parser, or for ours
        parse_expression("-" * 5000 + "a")  # 5,000 unary minus signs, one inside the other
