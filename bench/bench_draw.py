"""How long Graphviz's dot takes to lay out the graphs that used to hang it.

Each shape is drawn with :func:`autograd.draw_graph` and rendered to SVG by
``dot`` under a hard time limit (the same runner the library uses). Shapes:

* ``y = a*b; y = y + a*b`` repeated: two leaves shared by every term (with and
  without ``edge_grads``), up to about 500 values;
* ``a + a + ... + a``: one leaf used by every step;
* an ``MLP(2, [16, 16, 1])`` loss on one sample, boxed by neuron (``clusters=``);
* a 400-step chain ``y = (y*0.9 + 0.1).tanh()`` (2,001 values: over the default
  ``max_nodes``, drawn with ``max_nodes=None``);
* ``y[k] = (y[k-1] + y[k // 2]) * 0.5``: long arrows between computed values,
  which cannot be copied away (the layout limits of autograd.drawing.layout).

Prints the wall-clock seconds each took (and dot's CPU seconds, which the load
of the machine does not change) and the slowest; exits with status 1 if any
took longer than the target (or hit the time limit).

Run: .venv/bin/python bench/bench_draw.py
"""

from __future__ import annotations

import resource
import sys
import time
import warnings
from collections.abc import Callable

from autograd import TeachingWarning, Value, draw_graph
from autograd.drawing.draw import GraphvizTimeoutError
from nn import MLP

TARGET_SECONDS = 3.0
HARD_LIMIT_SECONDS = 30.0  # dot is stopped here: a hang shows up as a failure, not a frozen benchmark


def shared_products(terms: int) -> Value:
    """``a*b + a*b + ...``: ``terms`` products of the same two leaves, summed one at a time."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    y = a * b
    for _ in range(terms - 1):
        y = y + a * b
    return y


def repeated_sum(terms: int) -> Value:
    """``a + a + ... + a`` with ``terms`` terms."""
    a = Value(2.0, label="a")
    y = a
    for _ in range(terms - 1):
        y = y + a
    return y


def mlp_loss() -> tuple[Value, MLP]:
    """The squared error of an MLP(2, [16, 16, 1]) on one sample."""
    model = MLP(2, [16, 16, 1], activation="tanh", seed=0)
    out = model([Value(0.5, label="x1"), Value(-1.0, label="x2")])
    loss = (out - 1.0) ** 2
    loss.label = "loss"
    return loss, model


def halves(steps: int) -> Value:
    """``y[k] = (y[k-1] + y[k // 2]) * 0.5``: each step also uses a value from halfway back."""
    ys = [Value(0.5, label="x")]
    for k in range(1, steps):
        ys.append((ys[k - 1] + ys[k // 2]) * 0.5)
    return ys[-1]


def chain(steps: int) -> Value:
    """``y = (y*0.9 + 0.1).tanh()``, ``steps`` times."""
    y = Value(0.5, label="x")
    for _ in range(steps):
        y = (y * 0.9 + 0.1).tanh()
    return y


Timing = tuple[float, float]  # wall-clock and CPU seconds of one rendering


def cases() -> list[tuple[str, Callable[[], Timing]]]:
    """(name, function that draws the shape and returns dot's seconds)."""

    def timed(root: Value, **options: object) -> Callable[[], Timing]:
        def run() -> Timing:
            root.backward()
            graph = draw_graph(root, max_nodes=None, timeout=HARD_LIMIT_SECONDS, **options)  # type: ignore[arg-type]
            cpu_before = _children_cpu()
            start = time.perf_counter()
            graph.pipe(format="svg")
            return time.perf_counter() - start, _children_cpu() - cpu_before

        return run

    found: list[tuple[str, Callable[[], Timing]]] = []
    for terms in (50, 75, 100, 150, 250):  # 2 values per term: 250 terms is 501 values
        for edge_grads in (False, True):
            root = shared_products(terms)
            name = f"a*b summed, {terms} terms ({_count(root)} values)"
            found.append((name + (", edge_grads" if edge_grads else ""), timed(root, edge_grads=edge_grads)))
    for terms in (100, 250, 500):
        found.append((f"a+a+...+a, {terms} terms ({terms} values)", timed(repeated_sum(terms))))
        found.append((f"a+a+...+a, {terms} terms, edge_grads", timed(repeated_sum(terms), edge_grads=True)))
    loss, model = mlp_loss()
    name = f"MLP(2,[16,16,1]) loss with clusters ({_count(loss)} values)"
    found.append((name, timed(loss, clusters=model)))
    loss, model = mlp_loss()
    found.append((f"{name}, edge_grads", timed(loss, clusters=model, edge_grads=True)))
    root = chain(400)
    found.append((f"400-step chain ({_count(root)} values)", timed(root)))
    root = halves(160)
    found.append((f"long arrows between computed values ({_count(root)} values)", timed(root)))
    found.append(("long arrows between computed values, edge_grads", timed(halves(160), edge_grads=True)))
    return found


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _count(root: Value) -> int:
    from autograd import topological_order

    return len(topological_order(root))


def main() -> int:
    warnings.simplefilter("ignore", TeachingWarning)  # "hard to read": these graphs are big on purpose
    results = []
    print(f"{'wall':>9} {'dot CPU':>8}  shape")
    for name, run in cases():
        try:
            wall, cpu = run()
            shown = f"{wall:7.2f} s {cpu:6.2f} s"
        except GraphvizTimeoutError:
            wall, shown = HARD_LIMIT_SECONDS, f"> {HARD_LIMIT_SECONDS:g} s (stopped)"
        results.append((wall, name))
        print(f"{shown:>18}  {name}", flush=True)
    slowest, name = max(results)
    print(f"slowest: {slowest:.2f} s ({name}); target: under {TARGET_SECONDS:g} s each")
    return 0 if slowest < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
