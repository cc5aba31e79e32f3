"""Turn a formula typed on a command line, like ``"tanh(a*b + a)"``, into a Value graph, safely.

The text is parsed with Python's own ``ast`` module and then *read*, never
run: ``eval`` would execute anything (``__import__('os').system(...)``). Every
node of the syntax tree is checked against a short whitelist first:

* numbers (int or float literals), and names, which become labelled Values;
* the operators ``+ - * / **`` and unary ``-`` / ``+``;
* calls of the engine's functions ``exp log sqrt tanh sigmoid relu abs`` with
  exactly one argument.

Anything else (attribute access, indexing, lambdas, strings, comparisons,
other calls, ...) is refused with an [`ExpressionError`][autograd.cli.parse.ExpressionError]
naming it. Only then is the tree evaluated, by a walk that can do nothing but build Values.

Long formulas are fine: ``a + a + ... + a`` with a thousand terms is a chain of
``+`` nodes each holding the previous one on its *left*, and the walk follows it
with a loop and a stack of its own, not by calling itself, so Python's recursion
limit never comes into it. What is limited is *nesting*: calls, unary signs and
parenthesised right operands inside one another, ``exp(exp(exp(a)))`` or
``a*(a*(a*a))``, at most [`MAX_NESTING`][autograd.cli.parse.MAX_NESTING] levels deep.

Parts made of numbers alone are computed directly (``a * (2 + 3)`` draws a
constant 5), by the engine's own ops, so ``log(-1)`` fails and ``1e308 * 10``
is refused as an overflow of ``*`` the same way whether or not a variable is
involved.
"""

from __future__ import annotations

import ast
import functools
import keyword
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from autograd.modes import no_grad
from autograd.ops import FUNCTION_OPS, INFIX_OPS, Op
from autograd.value import Value, apply_op

__all__ = [
    "FUNCTIONS",
    "MAX_LENGTH",
    "MAX_NESTING",
    "ExpressionError",
    "build_expression",
    "nesting_depth",
    "parse_assignment",
    "parse_expression",
]

Scalar: TypeAlias = "Value | float"

MAX_LENGTH = 10_000
"""Longest expression accepted, in characters; far beyond anything worth drawing."""

MAX_NESTING = 100
"""Most levels of nesting accepted: calls, unary signs or parenthesised right operands
inside one another (a chain such as ``a + b + c``, however long, is not nesting).
Far beyond any formula worth drawing, and below Python's own parser's limit of
200 nested parentheses, so the message is always this module's."""

# How a refusal for depth is worded, whichever check finds it.
_TOO_DEEP = (
    "the expression is nested too deeply: {depth} levels of calls, unary signs or "
    "parentheses inside one another; at most {limit} are allowed (a long chain such as "
    "a + a + ... + a is fine)"
)

FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    name: functools.partial(apply_op, op) for name, op in FUNCTION_OPS.items()
}
"""The functions an expression may call, by name: the one-input ops of the table written as calls."""

# Python's operator node -> the engine op it means (a key of ops.INFIX_OPS)
# and the Python operator that makes a Value build that op.
_BINARY: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.Pow: ("**", operator.pow),
}

# Node types that may appear anywhere. Call, Constant and Name are checked
# further by _refusal; BinOp and UnaryOp are safe once their operator is.
_ALLOWED: tuple[type[ast.AST], ...] = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.Call, ast.Constant, ast.Name, ast.Load,
    ast.UAdd, ast.USub, *_BINARY,
)  # fmt: skip

# How to name a refused construct in the error message.
_DESCRIPTIONS: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access (.)",
    ast.Subscript: "indexing ([...])",
    ast.Lambda: "a lambda",
    ast.Compare: "a comparison",
    ast.BoolOp: "'and' / 'or'",
    ast.IfExp: "'if ... else'",
    ast.NamedExpr: "an assignment (:=)",
    ast.Starred: "unpacking (*)",
    ast.Tuple: "a tuple (a comma)",
    ast.List: "a list",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.JoinedStr: "an f-string",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield'",
    ast.Slice: "a slice",
    ast.FloorDiv: "the operator //",
    ast.Mod: "the operator %",
    ast.MatMult: "the operator @",
    ast.BitXor: "the operator ^ (write powers as **)",
    ast.BitOr: "the operator |",
    ast.BitAnd: "the operator &",
    ast.LShift: "the operator <<",
    ast.RShift: "the operator >>",
    ast.Not: "'not'",
    ast.Invert: "the operator ~",
}

ALLOWED_SUMMARY = "numbers, names, + - * / **, unary -, and the functions " + " ".join(FUNCTIONS)


class ExpressionError(ValueError):
    """The expression or a NAME=VALUE pair is not acceptable; the message says why in one line."""


# ----------------------------------------------------------------------------
# Reading: text -> checked syntax tree
# ----------------------------------------------------------------------------


def parse_expression(source: str) -> ast.Expression:
    """Parse ``source`` and check every node against the whitelist; nothing is evaluated.

    Raises [`ExpressionError`][autograd.cli.parse.ExpressionError] for syntax errors,
    for any construct outside the whitelist (see the module docstring), and for
    nesting deeper than [`MAX_NESTING`][autograd.cli.parse.MAX_NESTING].
    """
    if not isinstance(source, str):
        raise TypeError(f"the expression must be a str, got {type(source).__name__}")
    if not source.strip():
        raise ExpressionError("the expression is empty")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression has {len(source)} characters; at most {MAX_LENGTH} are allowed"
        )
    tree = _python_parse(source)
    # ast.walk is iterative, so this check works however deep the tree is.
    for node in ast.walk(tree):
        problem = _refusal(node)
        if problem:
            raise ExpressionError(f"{problem} is not allowed; an expression may use {ALLOWED_SUMMARY}")
    depth = nesting_depth(tree)
    if depth > MAX_NESTING:
        raise ExpressionError(_TOO_DEEP.format(depth=depth, limit=MAX_NESTING))
    return tree


def _python_parse(source: str) -> ast.Expression:
    """``ast.parse`` with its failures reworded: a syntax error names the column.

    Python's parser gives up on very deep expressions by itself: more than 200
    nested parentheses (refused for depth, like any expression nested more than
    [`MAX_NESTING`][autograd.cli.parse.MAX_NESTING] levels), or a tree thousands of
    levels deep (thousands of unary signs, or a chain of thousands of terms).
    """
    try:
        return ast.parse(source, mode="eval")
    except SyntaxError as error:
        if "too many nested parentheses" in str(error.msg):
            raise ExpressionError(_TOO_DEEP.format(depth="more than 200", limit=MAX_NESTING)) from None
        where = f" at column {error.offset}" if error.offset else ""
        raise ExpressionError(f"not a valid expression: {error.msg}{where}") from None
    except (RecursionError, MemoryError):
        # Python builds its syntax tree by recursion, so a few thousand levels are its limit
        raise ExpressionError(
            "the expression is too deep for Python's parser to read (a chain of thousands of "
            "terms, or thousands of signs or brackets inside one another): split it into parts"
        ) from None


def nesting_depth(tree: ast.Expression) -> int:
    """How many calls, unary signs and right operands are nested inside one another.

    The left operand of a binary operator is *not* a level deeper: ``a + b + c``
    is ``(a + b) + c``, a chain as flat as the formula looks, so its depth is 0
    however long it is. ``a * (b + c)`` has depth 1, ``exp(exp(a))`` depth 1
    (a call inside a call), ``-(-a)`` depth 1. Leaves never add a level.
    Computed with a stack, not recursion, so any tree can be measured.
    """
    deepest = 0
    pending: list[tuple[ast.expr, int]] = [(tree.body, 0)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        for operand in _operands(node):
            left_of_a_chain = isinstance(node, ast.BinOp) and operand is node.left
            same_level = left_of_a_chain or not _operands(operand)
            pending.append((operand, depth if same_level else depth + 1))
    return deepest


def _refusal(node: ast.AST) -> str | None:
    """What is wrong with this node, or None if it is allowed."""
    if not isinstance(node, _ALLOWED):
        return _DESCRIPTIONS.get(type(node), f"Python syntax {type(node).__name__}")
    if isinstance(node, ast.Constant):
        return _constant_refusal(node.value)
    if isinstance(node, ast.Call):
        return _call_refusal(node)
    return None


def _constant_refusal(value: object) -> str | None:
    # bool is a subclass of int; True + a is Python trivia, not a formula
    if type(value) not in (int, float):
        kind = {str: "the string", bytes: "the bytes", complex: "the complex number"}
        return f"{kind.get(type(value), 'the constant')} {value!r}"
    try:
        number = float(value)  # type: ignore[arg-type]  # an int or a float, checked above
    except OverflowError:
        number = math.inf
    return None if math.isfinite(number) else "a number too large for a float"


def _call_refusal(call: ast.Call) -> str | None:
    if not isinstance(call.func, ast.Name):
        # (lambda: 1)(), a.b(), 1(): name the callee's own problem if it has one
        return _refusal(call.func) or "calling something other than a function name"
    if call.func.id not in FUNCTIONS:
        return f"calling {call.func.id!r} (only {', '.join(FUNCTIONS)} can be called)"
    if call.keywords:
        return f"a keyword argument to {call.func.id}()"
    if len(call.args) != 1:
        return f"{call.func.id}() with {len(call.args)} arguments (it takes exactly one)"
    return None


def _variable_names(tree: ast.Expression) -> set[str]:
    """Names used as variables, i.e. every Name that is not the function of a call."""
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and id(node) not in called}


# ----------------------------------------------------------------------------
# NAME=VALUE pairs
# ----------------------------------------------------------------------------


def parse_assignment(text: str) -> tuple[str, float]:
    """``"a=2"`` -> ``("a", 2.0)``; the value must be a finite number (``b=-3``, ``w=1e-3``)."""
    name, equals, number = text.partition("=")
    name, number = name.strip(), number.strip()
    if not equals:
        raise ExpressionError(f"{text!r} is not NAME=VALUE (for example a=2)")
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ExpressionError(f"{name!r} in {text!r} is not a valid variable name")
    if name in FUNCTIONS:
        raise ExpressionError(f"{name!r} is a function and cannot be a variable; choose another name")
    try:
        value = float(number)
    except ValueError:
        raise ExpressionError(f"{text!r}: {number!r} is not a number") from None
    if not math.isfinite(value):
        raise ExpressionError(f"{text!r}: the value must be a finite number")
    return name, value


# ----------------------------------------------------------------------------
# Evaluating: checked tree -> Value graph
# ----------------------------------------------------------------------------


def build_expression(source: str, variables: Mapping[str, float]) -> Value:
    """The Value graph of ``source`` with each name bound to a Value labelled with that name.

    A name used twice is the *same* Value (``a*b + a`` has one ``a`` with two
    arrows out of it), as when the expression is written in Python.

    Raises:
        ExpressionError: bad syntax, a refused construct, a name without a value,
            a value for a name the expression does not use, or no names at all.
        ArithmeticError, ValueError: from the engine (``log(-1)``, ``1/0``, overflow).
    """
    tree = parse_expression(source)
    _check_names(_variable_names(tree), variables)
    leaves = {name: Value(value, label=name) for name, value in variables.items()}
    result = _evaluate(tree.body, leaves)
    if not isinstance(result, Value):
        raise ExpressionError("the expression has no variables, so there is no graph to draw (try 'a*3' a=2)")
    return result


def _check_names(used: set[str], given: Mapping[str, float]) -> None:
    missing = sorted(used - set(given))
    if missing:
        names = ", ".join(missing)
        raise ExpressionError(f"no value for {names}: give one as NAME=VALUE, e.g. {missing[0]}=1.5")
    unused = sorted(set(given) - used)
    if unused:
        names = ", ".join(unused)
        raise ExpressionError(f"{names} given a value but not used in the expression (a typo?)")


def _operands(node: ast.expr) -> list[ast.expr]:
    """The sub-expressions a checked node is computed from, in the order Python evaluates them."""
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return [node.args[0]]
    return []  # a number or a name


def _evaluate(root: ast.expr, leaves: Mapping[str, Value]) -> Scalar:
    """Value (or float, for parts without variables) of a checked expression.

    A post-order walk with an explicit stack instead of recursion: each node is
    popped once to push its operands (left on top, so the left side is built
    first, as Python would) and once more, when their results are ready, to
    build the node itself. A chain of a thousand ``+`` is a loop of a thousand
    turns, never a thousand nested calls.
    """
    results: dict[int, Scalar] = {}  # id(node) -> its value, until its parent takes it
    pending: list[tuple[ast.expr, bool]] = [(root, False)]
    while pending:
        node, operands_ready = pending.pop()
        operands = _operands(node)
        if operands and not operands_ready:
            pending.append((node, True))
            pending.extend((operand, False) for operand in reversed(operands))
            continue
        results[id(node)] = _evaluate_one(node, [results.pop(id(o)) for o in operands], leaves)
    return results[id(root)]


def _evaluate_one(node: ast.expr, operands: list[Scalar], leaves: Mapping[str, Value]) -> Scalar:
    """One node, given the values of its operands."""
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]  # only int/float constants pass the check
    if isinstance(node, ast.Name):
        return leaves[node.id]
    if isinstance(node, ast.UnaryOp):
        (operand,) = operands
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        symbol, python_operator = _BINARY[type(node.op)]
        left, right = operands
        if isinstance(left, Value) or isinstance(right, Value):
            return python_operator(left, right)  # the engine records one node
        return _numbers_only(INFIX_OPS[symbol], left, right)
    if isinstance(node, ast.Call):
        name = node.func.id  # type: ignore[attr-defined]  # checked by _call_refusal
        (argument,) = operands
        if isinstance(argument, Value):
            return FUNCTIONS[name](argument)
        return _numbers_only(FUNCTION_OPS[name], argument)
    raise AssertionError(f"unchecked node {type(node).__name__}")  # parse_expression refuses it first


def _numbers_only(op: Op, *numbers: float) -> float:
    """``op`` applied to plain numbers by the engine: its domain checks and its overflow policy, no graph."""
    with no_grad():
        return apply_op(op, *numbers).data
