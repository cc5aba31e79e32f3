"""Engine speed against micrograd 0.1.0, measured in the same run.

Both engines build the *same* expression graph, node for node (only ops that
micrograd has: + * ** relu and numbers on either side), then run backward.
We time the forward pass (building the graph), the backward pass, and both,
taking the best of several repetitions (the two libraries alternating, the
garbage collector off while timing), and print our time as a ratio of
micrograd's. micrograd's backward recurses, so the graph is kept shallower
than Python's recursion limit for it (its limit is raised just for this run).

A second part measures the engine the way it is used: the 500-step chain
``y = tanh(0.9 * y + 0.1)``, forward and backward, called again and again with
Python's garbage collector on (the mean time per call, so the collections that
each library's garbage causes are counted), and the memory a graph holds per
node (tracemalloc), both as ratios against micrograd. micrograd 0.1.0 has no
tanh; it gets one written in its own style (a ``_backward`` closure).

Run: .venv/bin/python bench/bench_engine.py   (exit status 1 if a target is missed)
"""

from __future__ import annotations

import gc
import math
import random
import sys
import time
import tracemalloc
from typing import Any

from micrograd.engine import Value as MicrogradValue
from peers import micrograd_tanh

from autograd import Value

# Our time / micrograd's time must not exceed these.
TARGETS = {"forward": 0.75, "backward": 0.75, "forward + backward": 0.75}
REPEATS = 15
# The chain in normal use, and memory per node: ours / micrograd's.
IN_USE_TARGETS = {"500-step chain, time per node (collector on)": 0.4, "memory per node": 0.35}
CHAIN_STEPS = 500
CHAIN_CALLS = 60


def build(value_type: type, seed: int = 0, width: int = 24, depth: int = 40) -> tuple[Any, list[Any]]:
    """A layered graph where every node feeds several later ones (lots of sharing)."""
    rng = random.Random(seed)
    leaves = [value_type(rng.uniform(-1, 1)) for _ in range(width)]
    layer = leaves
    for _ in range(depth):
        nxt = []
        for i in range(width):
            a, b = layer[i], layer[(i * 7 + 3) % width]
            # |a|, |b| <= 1 keeps every node in [-1, 1]: no overflow at any depth
            nxt.append((a * b * 0.3 + a * 0.3).relu() - b**2 * 0.2 + 0.1)
        layer = nxt
    total = layer[0]
    for node in layer[1:]:
        total = total + node
    return total, leaves


def timed_run(value_type: type) -> tuple[float, float]:
    """(forward, backward) seconds for one graph, with the garbage collector off.

    The collector is switched off while timing (after a full collection) so that
    neither library pays for garbage the other one left: this measures the
    computation itself. (micrograd's closures make reference cycles, so with the
    collector on it is slower still; see bench_train.py for that measurement.)
    """
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        root, _ = build(value_type)
        built = time.perf_counter()
        root.backward()
        done = time.perf_counter()
    finally:
        gc.enable()
    return built - start, done - built


def measure() -> dict[str, dict[str, float]]:
    """Best (least disturbed) time of each phase over REPEATS runs, the two libraries alternating."""
    best = {name: {"forward": math.inf, "backward": math.inf, "forward + backward": math.inf}
            for name in ("chaingrad", "micrograd")}
    for _ in range(REPEATS):
        for name, value_type in (("chaingrad", Value), ("micrograd", MicrogradValue)):
            forward, backward = timed_run(value_type)
            phases = best[name]
            phases["forward"] = min(phases["forward"], forward)
            phases["backward"] = min(phases["backward"], backward)
            phases["forward + backward"] = min(phases["forward + backward"], forward + backward)
    return best


def check_same_gradients() -> None:
    ours, our_leaves = build(Value)
    theirs, their_leaves = build(MicrogradValue)
    ours.backward()
    theirs.backward()
    assert abs(ours.data - theirs.data) <= 1e-9 * max(1.0, abs(theirs.data))
    for a, b in zip(our_leaves, their_leaves):
        assert abs(a.grad - b.grad) <= 1e-9 * max(1.0, abs(b.grad)), (a.grad, b.grad)


def chain(value_type: type) -> Any:
    """``y = tanh(0.9 * y + 0.1)``, CHAIN_STEPS times: 5 nodes a step (two of them constants)."""
    tanh = micrograd_tanh if value_type is MicrogradValue else value_type.tanh
    y = value_type(0.3)
    for _ in range(CHAIN_STEPS):
        y = tanh(y * 0.9 + 0.1)
    return y


def chain_time_in_use(value_type: type) -> float:
    """Mean seconds per forward + backward of the chain, collector on (as a user runs it)."""
    gc.collect()
    start = time.perf_counter()
    for _ in range(CHAIN_CALLS):
        chain(value_type).backward()
    return (time.perf_counter() - start) / CHAIN_CALLS


def memory_per_node(value_type: type, steps: int = 2000) -> float:
    """Bytes a built chain holds, per node (tracemalloc counts every allocation that is still alive)."""
    gc.collect()
    tracemalloc.start()
    try:
        y = value_type(0.3)
        tanh = micrograd_tanh if value_type is MicrogradValue else value_type.tanh
        for _ in range(steps):
            y = tanh(y * 0.9 + 0.1)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del y
    return held / (5 * steps + 1)


def in_use() -> dict[str, tuple[float, float]]:
    """(ours, micrograd's) for the chain in normal use and for memory per node."""
    nodes = 5 * CHAIN_STEPS + 1
    ours = theirs = math.inf
    for _ in range(3):  # the libraries alternate; the best of three means keeps out a busy moment
        theirs = min(theirs, chain_time_in_use(MicrogradValue))
        ours = min(ours, chain_time_in_use(Value))
    return {
        "500-step chain, time per node (collector on)": (ours / nodes, theirs / nodes),
        "memory per node": (memory_per_node(Value), memory_per_node(MicrogradValue)),
    }


def main() -> int:
    sys.setrecursionlimit(100_000)  # micrograd's recursive topological sort needs it
    check_same_gradients()
    root, _ = build(Value)
    from autograd import topological_order

    nodes = len(topological_order(root))
    best = measure()
    ours, theirs = best["chaingrad"], best["micrograd"]
    print(f"engine benchmark: {nodes} nodes per graph, best of {REPEATS}, garbage collector off while timing")
    print(f"{'phase':<20}{'chaingrad':>12}{'micrograd':>12}{'ratio':>8}{'target':>8}")
    missed = False
    for phase, target in TARGETS.items():
        ratio = ours[phase] / theirs[phase]
        missed |= ratio > target
        flag = "" if ratio <= target else "  MISSED"
        print(
            f"{phase:<20}{ours[phase] * 1e3:>10.2f}ms{theirs[phase] * 1e3:>10.2f}ms"
            f"{ratio:>8.2f}{target:>8.2f}{flag}"
        )
    print(f"\nin use: {CHAIN_STEPS}-step tanh chain, mean of {CHAIN_CALLS} calls with the collector on;")
    print("memory held by a 2,000-step chain (tracemalloc)")
    print(f"{'measure':<46}{'chaingrad':>12}{'micrograd':>12}{'ratio':>8}{'target':>8}")
    for quantity, (ours_value, theirs_value) in in_use().items():
        target = IN_USE_TARGETS[quantity]
        ratio = ours_value / theirs_value
        missed |= ratio > target
        unit = "B" if quantity.startswith("memory") else "ns"
        scale = 1.0 if unit == "B" else 1e9
        flag = "" if ratio <= target else "  MISSED"
        print(
            f"{quantity:<46}{ours_value * scale:>10.0f}{unit:>2}{theirs_value * scale:>10.0f}{unit:>2}"
            f"{ratio:>8.2f}{target:>8.2f}{flag}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
