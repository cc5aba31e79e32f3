"""The compiler's expressions, rendered as Python source, mean what the tree means.

Random expression trees (sums, products, powers, unary minus, choices, comparisons,
``and``, calls) are rendered as source and run by Python itself; the same tree is
evaluated directly, node by node, by the small evaluator here, which knows nothing of
precedence or parentheses. The two must agree exactly. This is how a missing pair of
parentheses (``g if a > 0 else 0 + rest``) shows, wherever the code generator puts it.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd.compiler.codegen import Line
from autograd.compiler.expressions import (
    ARRAY,
    FLOAT,
    SUM,
    Binary,
    Both,
    Call,
    Compare,
    Expr,
    Literal,
    Name,
    Negative,
    Where,
    as_expr,
)

VARIABLES = {"a": 1.5, "b": -0.75, "c": 2.0}
NUMBERS = st.sampled_from([0.5, 2.0, 3.0, -1.0, 0.0])


def evaluate(e: Expr, env: dict[str, float]) -> Any:
    """The value of a tree, node by node (no source text involved)."""
    if isinstance(e, Name):
        return env[e.text]
    if isinstance(e, Literal):
        return e.value
    if isinstance(e, Negative):
        return -evaluate(e.operand, env)
    if isinstance(e, Binary):
        left, right = evaluate(e.left, env), evaluate(e.right, env)
        return {"+": lambda: left + right, "-": lambda: left - right, "*": lambda: left * right,
                "/": lambda: left / right, "**": lambda: left**right}[e.op]()
    if isinstance(e, Compare):
        left, right = evaluate(e.left, env), evaluate(e.right, env)
        return {">": left > right, "<": left < right, "==": left == right}[e.op]
    if isinstance(e, Both):
        return bool(evaluate(e.first, env)) and bool(evaluate(e.second, env))
    if isinstance(e, Where):
        return evaluate(e.if_true, env) if evaluate(e.condition, env) else evaluate(e.if_false, env)
    if isinstance(e, Call):
        assert e.function == "abs"
        return abs(evaluate(e.arguments[0], env))
    raise AssertionError(f"no evaluator for {e!r}")


def leaves() -> st.SearchStrategy[Expr]:
    return st.one_of(st.sampled_from([Name(n) for n in VARIABLES]), NUMBERS.map(Literal))


def conditions(numbers: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    compare = st.builds(Compare, st.sampled_from([">", "<", "=="]), numbers, numbers)
    return st.one_of(compare, st.builds(Both, compare, compare))


def extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    return st.one_of(
        st.builds(Binary, st.sampled_from(["+", "-", "*"]), children, children),
        st.builds(Negative, children),
        st.builds(Where, conditions(children), children, children),
        st.builds(lambda e: Call("abs", (e,)), children),
    )


TREES = st.recursive(leaves(), extend, max_leaves=12)


def run_source(source: str, env: dict[str, Any], namespace: dict[str, Any] | None = None) -> Any:
    return eval(source, {**(namespace or {}), **env})  # source this test rendered itself


@settings(max_examples=300, deadline=None)
@given(TREES)
def test_rendered_source_computes_what_the_tree_computes(tree: Expr):
    want = evaluate(tree, VARIABLES)
    assert run_source(tree.render(FLOAT), VARIABLES) == want


@settings(max_examples=150, deadline=None)
@given(TREES, st.sampled_from(["+", "-", "*"]), TREES)
def test_a_tree_inside_any_operator_keeps_its_meaning(left: Expr, op: str, right: Expr):
    tree = Binary(op, left, right)
    assert run_source(tree.render(FLOAT), VARIABLES) == evaluate(tree, VARIABLES)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(TREES, st.booleans()), min_size=1, max_size=5), st.booleans())
def test_a_gradient_sum_line_adds_its_terms(terms: list[tuple[Expr, bool]], augmented: bool):
    """``grad = (first + second - third ...)``, in any order of terms of any kind, a term
    written as ``- x`` when it is a negative, continuing from grad when augmented."""
    written = tuple((Negative(t) if negate else t, "") for t, negate in terms)
    line = Line("sum", "grad", terms=written, augmented=augmented)
    # numbers whose sums round, so that adding in another order or grouping shows
    env = {"a": 0.1, "b": 0.7, "c": 1e16, "grad": 0.3}
    namespace = dict(env)
    exec(line.render(FLOAT), {}, namespace)  # source this test rendered itself
    values = [evaluate(t, env) for t, _ in written]
    want = env["grad"] if augmented else values.pop(0)
    for value in values:  # left to right, one term at a time, as the engine adds them
        want = want + value
    assert namespace["grad"] == want or (math.isnan(want) and math.isnan(namespace["grad"]))


# Every kind of expression, built from the expressions given to it (a number stands for
# a value, a condition for a truth value); used below to put every kind in every slot.
A, B = Name("a"), Name("b")
KINDS: dict[str, Any] = {
    "+": lambda x, y: Binary("+", x, y),
    "-": lambda x, y: Binary("-", x, y),
    "*": lambda x, y: Binary("*", x, y),
    "/": lambda x, y: Binary("/", x, Binary("+", Binary("*", y, y), Literal(1.0))),
    "**": lambda x, y: Binary("**", Binary("+", Binary("*", x, x), Literal(1.0)), y),
    "** (any base)": lambda x, y: Binary("**", x, Literal(2.0)),  # (a ** b) ** 2 is not a ** (b ** 2)
    "** (any exponent)": lambda x, y: Binary("**", Literal(1.5), x),
    "neg": lambda x, y: Negative(x),
    "where": lambda x, y: Where(Compare(">", x, y), x, y),
    "where (else)": lambda x, y: Where(Compare("<", x, y), y, x),
    "where (any condition)": lambda x, y: Where(x, y, Literal(0.5)),  # a number as a truth value
    "abs": lambda x, y: Call("abs", (Binary("-", x, y),)),
    "and": lambda x, y: Where(Both(Compare(">", x, Literal(0.0)), Compare("<", y, Literal(1.0))), x, y),
    # a number as a truth value, first or second in an ``and``
    "and (first)": lambda x, y: Where(Both(x, Compare("<", y, Literal(1.0))), x, y),
    "and (second)": lambda x, y: Where(Both(Compare(">", y, Literal(0.0)), x), x, y),
}


@pytest.mark.parametrize("outer", sorted(KINDS))
@pytest.mark.parametrize("inner", sorted(KINDS))
def test_every_kind_in_every_slot_of_every_kind(outer: str, inner: str):
    """Deterministic, so no combination is left to chance: (a op b) op c and c op (a op b)."""
    nested = KINDS[inner](A, B)
    for tree in (KINDS[outer](nested, Literal(0.5)), KINDS[outer](Literal(0.5), nested),
                 KINDS[outer](nested, nested)):
        for a, b in [(1.5, -0.75), (-1.5, 0.75), (0.25, 0.5), (0.0, 0.0)]:
            env = {"a": a, "b": b}
            assert run_source(tree.render(FLOAT), env) == evaluate(tree, env), tree.render(FLOAT)


def test_a_sum_as_a_term_keeps_its_parentheses_to_the_last_bit():
    """g = a + (b - c) rounds differently from (a + b) - c: 1e16 + 1 is 1e16, 1e16 + 3 - 2 is 1e16 + 2."""
    line = Line("sum", "g", terms=((Name("a"), ""), (Binary("-", Name("b"), Name("c")), "")))
    env = {"a": 1e16, "b": 3.0, "c": 2.0}
    exec(line.render(FLOAT), {}, env)
    assert env["g"] == 1e16 + (3.0 - 2.0) != (1e16 + 3.0) - 2.0


def test_a_negative_sum_as_a_term_keeps_its_parentheses():
    line = Line("sum", "g", terms=((Name("a"), ""), (Negative(Binary("-", Name("b"), Name("c"))), "")))
    env = {"a": 1.0, "b": 2.0, "c": 5.0}
    exec(line.render(FLOAT), {}, env)
    assert env["g"] == 1.0 - (2.0 - 5.0)


@settings(max_examples=100, deadline=None)
@given(TREES)
def test_the_array_flavour_computes_the_same_elementwise(tree: Expr):
    np = pytest.importorskip("numpy")
    from autograd.compiler.runtime import array_namespace

    columns = {name: np.array([value, value * 2, -value]) for name, value in VARIABLES.items()}
    got = run_source(tree.render(ARRAY), columns, array_namespace())
    for k in range(3):
        env = {name: float(column[k]) for name, column in columns.items()}
        assert np.broadcast_to(got, (3,))[k] == evaluate(tree, env)


def test_a_minus_before_a_minus_is_parenthesised_for_the_reader():
    assert Negative(Negative(Name("a"))).render() == "-(-a)"
    assert Negative(Literal(-1.0)).render() == "-(-1.0)"
    assert Negative(Binary("*", Name("a"), Name("b"))).render() == "-(a * b)"


def test_a_choice_in_array_code_is_a_call_needing_no_parentheses():
    choice = Where(Compare(">", Name("a"), Literal(0.0)), Name("a"), Literal(0.0))
    assert choice.inside(SUM, ARRAY) == "where(a > 0.0, a, 0.0)"
    assert choice.inside(SUM, FLOAT) == "(a if a > 0.0 else 0.0)"


def test_and_is_written_plainly():
    both = Both(Compare(">", Name("a"), Literal(0.0)), Compare("<", Name("b"), Literal(1.0)))
    assert both.render() == "a > 0.0 and b < 1.0"
    assert both.render(ARRAY) == "logical_and(a > 0.0, b < 1.0)"


def test_numbers_are_written_exactly():
    np = pytest.importorskip("numpy")
    assert as_expr(2**60).render() == "1152921504606846976"  # beyond 2**53: kept an int, exact
    assert as_expr(2**53 + 1).render() == "9007199254740993"  # as a float it would be ...992
    assert as_expr(2**53 - 1).render() == "9007199254740991.0"  # a float holds it exactly
    assert as_expr(3).render() == "3.0" and as_expr(100).render() == "100.0"
    assert Literal(math.inf).render() == "not_finite()"  # a rule folded to inf: refused at run time
    assert as_expr(np.float64(0.5)).render() == "0.5"  # a NumPy number is written as a plain float
