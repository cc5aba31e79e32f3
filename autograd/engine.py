"""Reverse-mode differentiation over a graph of Values.

Two algorithms live here, both iterative so that graphs of any depth work at
Python's default recursion limit:

* :func:`topological_order`: every node after all of the nodes it was computed from.
* :func:`backpropagate`: walk that order backwards, and at each node multiply its
  gradient by the local derivative to each input (the chain rule) and add the
  product to that input's gradient. A node reached by several paths receives one
  contribution per path, and their sum is its gradient.

:func:`gradient_graph` runs the same walk with Values instead of floats, so the
gradients it returns are themselves differentiable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd.value import Value


class AnomalyMode:
    """Set by :func:`autograd.detect_anomaly`; backward then checks its result."""

    enabled = False


def topological_order(root: Value) -> list[Value]:
    """All nodes that ``root`` depends on (and root itself), inputs before outputs.

    Depth-first search with an explicit stack instead of recursion. When a node
    is first expanded it is pushed back under a ``None`` marker with its inputs
    on top; by the time the marker is popped, every input has been emitted, so
    the node can be. (Inputs are pushed right to left to be emitted left to
    right, which keeps drawings stable.)
    """
    order: list[Value] = []
    seen: set[Value] = set()
    stack: list[Value | None] = [root]
    while stack:
        node = stack.pop()
        if node is None:  # all inputs of the node below the marker are done
            order.append(stack.pop())  # type: ignore[arg-type]
        elif node not in seen:
            seen.add(node)
            stack.append(node)
            stack.append(None)
            stack.extend(reversed(node._children))
    return order


def start_backward(order: list[Value], root: Value) -> None:
    """Reset the computed nodes' gradients and seed d root / d root = 1.

    Gradients of computed (non-leaf) nodes belong to one backward call, so they
    start from 0; leaves keep theirs and accumulate. If root is itself a leaf,
    its 1 is added to what it had, like any leaf's gradient.
    """
    for node in order:
        if node._children:
            node.grad = 0.0
    root.grad += 1.0


def backpropagate(root: Value) -> list[Value]:
    """Fill ``.grad`` of every node below ``root`` with d root / d node (floats).

    Leaf gradients accumulate across calls (as in PyTorch), so that several
    losses can be added up by calling backward on each; gradients of
    intermediate nodes belong to this call alone and are reset first, which
    keeps a second call from counting the first call's flow twice.
    Returns the topological order, for callers that want to look at the graph.
    """
    order = topological_order(root)
    start_backward(order, root)
    node = root
    try:
        for node in reversed(order):
            children = node._children
            if not children:
                continue
            upstream = node.grad
            # chain rule: input.grad += (d node / d input) * (d root / d node).
            # One- and two-input ops are unrolled (2x faster in CPython); the
            # general loop at the end does exactly the same for any arity.
            if len(children) == 2:
                a, b = children
                da, db = node._op.derivative(node.data, a.data, b.data)
                a.grad += da * upstream
                b.grad += db * upstream
            elif len(children) == 1:
                (a,) = children
                (da,) = node._op.derivative(node.data, a.data)
                a.grad += da * upstream
            else:
                local = node._op.derivative(node.data, *[child.data for child in children])
                for child, derivative in zip(children, local):
                    child.grad += derivative * upstream
    except (ArithmeticError, ValueError) as error:
        raise type(error)(_describe_failure(node, error)) from error
    if AnomalyMode.enabled:
        from autograd.anomaly import check_backward  # imported late: anomaly imports this module

        check_backward(order)
    return order


def gradient_graph(root: Value, inputs: Sequence[Value]) -> tuple[Value, ...]:
    """d root / d input for each input, as Values that carry their own graph.

    The same derivative rules as :func:`backpropagate`, evaluated on Values
    instead of floats: every product and sum below is recorded, so the result
    can be differentiated again (second, third ... derivatives).
    ``.grad`` attributes are left untouched.
    """
    value_type = type(root)
    grads: dict[Value, Value] = {root: value_type(1.0)}
    node = root
    try:
        for node in reversed(topological_order(root)):
            upstream = grads.get(node)
            if upstream is None or not node._children:
                continue
            local = node._op.derivative(node, *node._children)
            for child, derivative in zip(node._children, local):
                contribution = derivative * upstream
                if child in grads:
                    grads[child] = grads[child] + contribution
                else:
                    grads[child] = contribution
    except (ArithmeticError, ValueError) as error:
        raise type(error)(_describe_failure(node, error)) from error
    return tuple(grads.get(x, value_type(0.0)) for x in inputs)


def _describe_failure(node: Value, error: Exception) -> str:
    inputs = ", ".join(f"{child.data!r}" for child in node._children)
    return f"backward through {node._op.name}({inputs}) failed: {error}"
