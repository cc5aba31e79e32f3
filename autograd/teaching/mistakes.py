"""Warnings for the mistakes learners make most, as ``TeachingWarning``.

They are ordinary Python warnings, so they can be silenced::

    import warnings
    from autograd import TeachingWarning
    warnings.simplefilter("ignore", TeachingWarning)
"""

from __future__ import annotations

import warnings

from autograd import engine
from autograd.value import CONSTANT, Value


class TeachingWarning(UserWarning):
    """A likely mistake that is not an error (the code does what it says)."""


def warn_if_backward_again(root: Value) -> None:
    """Warn when backward runs again through a root whose variables still hold gradients.

    A root's grad is non-zero only after backward ran through it. If its
    variables were not zeroed in between, the new gradients are added to the
    old ones, which is what accumulation means but rarely what a learner wants.
    (Registered as a hook of [`autograd.engine.backward`][].)
    """
    if not root._children or root.grad == 0.0:
        return
    order = engine.topological_order(root)
    stale = [n for n in order if not n._children and n._op is not CONSTANT and n.grad != 0.0]
    if stale:
        warnings.warn(
            f"backward() called again on the same output while {len(stale)} input(s) still hold "
            "gradients from the last call: the new gradients are added to them. Call zero_grad() "
            "(on the output or the model) first if you wanted fresh gradients.",
            TeachingWarning,
            stacklevel=4,  # this hook, engine.backward, Value.backward, the caller
        )


engine.backward_hooks.append(warn_if_backward_again)


def warn_if_no_gradients(order: list[Value]) -> None:
    """Warn when a graph is drawn with gradients that are all zero (backward not run yet)."""
    if len(order) > 1 and all(node.grad == 0.0 for node in order):
        warnings.warn(
            "every gradient in this graph is 0: call backward() on the output before drawing "
            "to see the gradients (or pass show_grad=False)",
            TeachingWarning,
            stacklevel=3,
        )


# Graphs above this size are hard to read when drawn, whatever the layout.
LEGIBLE_NODES = 150


def warn_if_too_big_to_read(count: int) -> None:
    if count > LEGIBLE_NODES:
        warnings.warn(
            f"this graph has {count} nodes; drawings of more than {LEGIBLE_NODES} are hard to read. "
            "Draw a smaller expression, or use clusters / max_nodes to keep it legible.",
            TeachingWarning,
            stacklevel=3,
        )
