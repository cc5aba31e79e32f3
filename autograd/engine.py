"""Reverse-mode differentiation over a graph of Values: the chain rule, in one place.

Three pieces, each written once:

* [`topological_order`][autograd.engine.topological_order]: every node after all of the
  nodes it was computed from.
* [`local_derivatives`][autograd.engine.local_derivatives]: d node / d input for each input
  of one node (the op table's rule, on floats;
  [`differentiable_local_derivatives`][autograd.engine.differentiable_local_derivatives]
  runs the same rule on Values).
* [`chain_rule`][autograd.engine.chain_rule]: walk the order backwards; at each node multiply its
  gradient (*upstream*) by each local derivative and add the product to that
  input's gradient. A node reached by several paths receives one contribution
  per path, and their sum is its gradient::

      grad[input] += local_derivative * grad[node]

Everything else is built on those three: [`backward`][autograd.engine.backward] (fill ``.grad``),
[`gradients`][autograd.engine.gradients] (return gradients, as floats or as differentiable Values),
and, above the engine, the recorded replay, explanations, edge labels and node
checks, which pass an *observer* to [`chain_rule`][autograd.engine.chain_rule] to watch each step.

Both algorithms are iterative, so graphs of any depth work at Python's default
recursion limit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import isfinite
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from autograd.modes import creation_site, enable_grad
from autograd.ops import DETACHED

if TYPE_CHECKING:
    from autograd.value import Value

Observer = Callable[["Value", Any, Sequence[Any]], None]
"""Called by [`chain_rule`][autograd.engine.chain_rule] at each computed node, before its contributions are
added: ``observer(node, upstream, local_derivatives)``."""

BackwardHook = Callable[["Value"], None]
backward_hooks: list[BackwardHook] = []
"""Functions called with the root by every [`backward`][autograd.engine.backward] before it
writes ``.grad`` (the teaching layer registers its warnings here; the engine knows nothing
of them)."""


def topological_order(root: Value, *more_roots: Value) -> list[Value]:
    """All nodes that ``root`` depends on (and root itself), inputs before outputs.

    Two steps, both iterative (any depth works at the default recursion limit):
    collect every node reachable from root, then sort them by creation time.
    A node is always created after its inputs (they are the arguments of the
    op that makes it), so creation order puts every input before its users.
    With ``more_roots``, the nodes that any of the roots depend on.
    """
    reached = {root, *more_roots}
    stack = list(reached)
    while stack:
        for child in stack.pop()._children:
            if child not in reached:
                reached.add(child)
                stack.append(child)
    return sorted(reached, key=_creation_time)


_creation_time = attrgetter("_created")


# ----------------------------------------------------------------------------
# Graphs that cannot be differentiated: computed under no_grad, or out of date
# ----------------------------------------------------------------------------


class StaleGraphError(RuntimeError):
    """A Value's ``.data`` was changed after the graph was computed from it."""


def checked_order(root: Value) -> list[Value]:
    """[`topological_order`][autograd.engine.topological_order] of a graph that can be differentiated:
    one computed with gradients on (not under ``no_grad``), and up to date."""
    refuse_detached(root)
    order = topological_order(root)
    refuse_stale(order)
    return order


def refuse_detached(root: Value) -> None:
    """Refuse to differentiate a result computed under ``no_grad()``: it remembers no graph."""
    if root._op is DETACHED:
        raise RuntimeError(
            "this Value was computed under no_grad(), so it remembers no graph and has no gradient "
            "to compute; compute it outside no_grad() (or inside enable_grad()) to differentiate it"
        )


latest_change = -1
"""When the latest change of any Value's ``.data`` happened, on the creation counter's clock
(``Value.data``'s setter writes it)."""

NEVER_CHANGED = -1


def refuse_stale(order: Sequence[Value]) -> None:
    """Refuse a graph in which some Value's ``.data`` changed after a node was computed from it.

    Such a graph holds the old numbers, and its gradients would be those of the old
    point: the classic bug of computing the loss once, outside the training loop. Like
    PyTorch's version counters, every change of ``.data`` is stamped with the creation
    counter. If the latest change anywhere came before the graph's first computed node
    was made (a training loop that computes its loss after each step), nothing in it can
    be out of date, and that is all this costs; otherwise every node is looked at: one
    made before an input's change, or changed itself after it was made, is out of date.
    """
    first_computed = next((node._created for node in order if node._children), None)
    if first_computed is None or latest_change < first_computed:
        return
    for node in order:
        if not node._children:
            continue
        for used in (*node._children, node):
            if getattr(used, "_changed", NEVER_CHANGED) > node._created:
                raise StaleGraphError(_stale_message(used, node))


def _stale_message(changed: Value, node: Value) -> str:
    what = f"{_name(changed)} (now {changed._data!r})"
    used = "was changed after it was computed" if changed is node else (
        f"was changed after the {node._op.name} node that uses it was computed"
    )
    return (
        f"{what} {used}: its .data was set since, so this graph holds the old number and its "
        "gradients would be those of the old point. Compute the forward pass again after changing "
        ".data (in a training loop: compute the loss inside the loop, after optimizer.step())"
    )


def local_derivatives(node: Value) -> tuple[float, ...]:
    """d node / d input_i for every input of ``node``, as floats.

    The op's derivative rule, given the numbers: ``d(x * y)/dx = y``. (One and
    two inputs are spelled out because they are most nodes and this is the
    engine's innermost call.)
    """
    inputs = node._children
    if len(inputs) == 2:
        return node._op.derivative(node._data, inputs[0]._data, inputs[1]._data)
    if len(inputs) == 1:
        return node._op.derivative(node._data, inputs[0]._data)
    return node._op.derivative(node._data, *[child._data for child in inputs])


def differentiable_local_derivatives(node: Value) -> tuple[Any, ...]:
    """The same rule as [`local_derivatives`][autograd.engine.local_derivatives], given the Values.

    The result records a graph, so it can be differentiated again.
    """
    return node._op.derivative(node, *node._children)


class _NoGradient:
    """The gradient of a node nothing has flowed into yet: adding to it gives the addend.

    With Values, starting every sum at the number 0 would record a useless
    ``0 + g`` node for every gradient; this zero records nothing.
    """

    def __add__(self, other: Any) -> Any:
        return other

    __radd__ = __add__

    def __repr__(self) -> str:
        return "NO_GRADIENT"


NO_GRADIENT: Any = _NoGradient()


def chain_rule(
    root: Value,
    seed: Any = 1.0,
    *,
    differentiable: bool = False,
    observer: Observer | None = None,
    derivatives: Callable[[Value], Sequence[Any]] | None = None,
    order: list[Value] | None = None,
) -> tuple[list[Value], dict[Value, Any]]:
    """The reverse walk: d root / d node for every node, as a dict (``.grad`` is not touched).

    Args:
        root: the output to differentiate.
        seed: d root / d root (1).
        differentiable: apply the derivative rules to Values instead of floats,
            so every gradient is a Value with its own graph (higher derivatives).
        observer: see [`Observer`][autograd.engine.Observer]; the teaching tools use it to watch.
        derivatives: the local derivatives of a node, in place of the op table's rule
            (the diagnosis of a learner's gradients replays backward with wrong ones).
        order: ``checked_order(root)``, when the caller already has it (a replay run
            thousands of times on one graph sorts it once).

    Returns:
        The topological order and the gradient of every node in it.
    """
    if order is None:
        order = checked_order(root)
    if derivatives is None:
        derivatives = differentiable_local_derivatives if differentiable else local_derivatives
    grads: dict[Value, Any] = dict.fromkeys(order, NO_GRADIENT if differentiable else 0.0)
    grads[root] = seed
    node = root
    try:
        for node in reversed(order):
            inputs = node._children
            if not inputs:
                continue
            upstream = grads[node]  # complete: every node that uses this one came earlier
            local = derivatives(node)
            if observer is not None:
                observer(node, upstream, local)
            if len(inputs) == 2:  # most nodes; spelled out because it is the hot loop
                a, b = inputs
                da, db = local
                grads[a] += da * upstream
                grads[b] += db * upstream
            else:
                for child, derivative in zip(inputs, local):
                    grads[child] += derivative * upstream
    except (ArithmeticError, ValueError) as error:
        raise type(error)(describe_failure(node, error)) from error
    return order, grads


def backward(root: Value, observer: Observer | None = None) -> None:
    """Fill ``.grad`` of every node below ``root`` with d root / d node (floats).

    Leaf gradients accumulate across calls (as in PyTorch), so that several
    losses can be added up by calling backward on each; gradients of
    intermediate nodes belong to this call alone, which keeps a second call
    from counting the first call's flow twice. ``observer`` watches each step
    (see [`chain_rule`][autograd.engine.chain_rule]); the recorded replay passes one.
    """
    _, grads = chain_rule(root, observer=observer)
    refuse_overflow(root, grads)
    for hook in backward_hooks:  # after the walk: a graph it refuses gets its error, not a warning
        hook(root)
    for node, gradient in grads.items():
        if node._children:
            node.grad = gradient
        else:
            node.grad += gradient


def gradients(
    output: Value, inputs: Value | Sequence[Value], create_graph: bool = False
) -> tuple[Any, ...]:
    """d output / d input for each input, returned (in the style of ``torch.autograd.grad``).

    Every ``.grad`` is left alone, so this is safe to call anywhere, on graphs
    that other code is differentiating too.

    Args:
        output: the Value to differentiate.
        inputs: a Value or a sequence of Values; an input that ``output`` does
            not depend on gets 0.
        create_graph: False (default) gives floats. True gives Values that carry
            the graph of their own computation, so they can be differentiated
            again (second and higher derivatives).

    >>> from autograd import Value
    >>> x = Value(3.0)
    >>> gradients(x * x * x, [x])
    (27.0,)
    >>> (slope,) = gradients(x * x * x, [x], create_graph=True)
    >>> gradients(slope, [x])
    (18.0,)
    """
    wanted = _check_gradient_arguments(output, inputs)
    if not create_graph:
        _, grads = chain_rule(output)
        refuse_overflow(output, grads)
        return tuple(grads.get(x, 0.0) for x in wanted)
    value_type = type(output)
    with enable_grad():  # a graph was asked for, even inside no_grad
        _, grads = chain_rule(output, _ONE, differentiable=True)
        found = [grads.get(x, NO_GRADIENT) for x in wanted]
    # an input with no path to output, or a derivative that is a plain number, becomes a constant leaf
    return tuple(g if isinstance(g, value_type) else value_type(_number(g)) for g in found)


class _One:
    """d root / d root for the differentiable walk: multiplying by it records nothing."""

    def __rmul__(self, other: Any) -> Any:
        return other


_ONE: Any = _One()


def _number(g: Any) -> float:
    if g is _ONE:  # the output is itself one of the inputs: d x / d x = 1
        return 1.0
    return 0.0 if g is NO_GRADIENT else float(g)


def _check_gradient_arguments(output: Any, inputs: Any) -> list[Value]:
    from_type = type(output)
    if not hasattr(output, "_children"):
        raise TypeError(f"gradients: output must be a Value, got {type(output).__name__}: {output!r}")
    wanted = [inputs] if isinstance(inputs, from_type) else list(inputs)
    for i, x in enumerate(wanted):
        if not isinstance(x, from_type):
            raise TypeError(f"gradients: input {i} must be a Value, got {type(x).__name__}: {x!r}")
    return wanted


# ----------------------------------------------------------------------------
# The overflow policy in backward: a gradient that is not finite is an error
# ----------------------------------------------------------------------------


def refuse_overflow(root: Value, grads: dict[Value, Any]) -> None:
    """Raise OverflowError naming the op and the edge where a gradient stopped being finite.

    Checking every product inside the hot loop would slow every backward down;
    a non-finite number never turns finite again along the walk (inf * 0 is
    NaN), so one look at the results afterwards is enough. Only when it finds
    one is the walk repeated, with an observer that stops at the first bad edge.
    """
    if all(map(isfinite, grads.values())):
        return
    chain_rule(root, observer=_stop_at_overflow)
    leaf = next(node for node, g in grads.items() if not isfinite(g))  # a sum of two finite halves
    raise OverflowError(
        f"backward: the gradient of {_name(leaf)} is {grads[leaf]!r}; the sum of its finite "
        "contributions is too large for a float"
    )


def _stop_at_overflow(node: Value, upstream: float, local: Sequence[float]) -> None:
    if not isfinite(upstream):
        raise OverflowError(
            f"the gradient reaching it is {upstream!r}: the sum of its finite contributions overflowed"
        )
    for index, derivative in enumerate(local):
        if not isfinite(derivative * upstream):
            formula = node._op.formula(index, len(local))
            raise OverflowError(
                f"the gradient along input {index} ({_name(node._children[index])}) overflows: local "
                f"derivative {formula} = {derivative!r}, times upstream gradient {upstream!r}"
            )


def describe_failure(node: Value, error: Exception) -> str:
    """The message of an error raised by backward at ``node``: which op, with which inputs, and where."""
    inputs = ", ".join(f"{child.label}={child.data!r}" if child.label else repr(child.data)
                       for child in node._children)
    text = f"backward through {node._op.name}({inputs}) failed: {error}"
    site = creation_site(node)
    return text if site is None else f"{text} (the op was created at {site})"


def _name(node: Value) -> str:
    if node.label:
        return repr(node.label)
    return f"the output of {node._op.name}" if node._children else "an unlabelled leaf"
