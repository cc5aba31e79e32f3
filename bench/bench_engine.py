"""Engine speed against micrograd 0.1.0, measured in the same run.

Both engines build the *same* expression graph, node for node (only ops that
micrograd has: + * ** relu and numbers on either side), then run backward.
We time the forward pass (building the graph), the backward pass, and both,
taking the best of several repetitions (the two libraries alternating, the
garbage collector off while timing), and print our time as a ratio of
micrograd's. micrograd's backward recurses, so the graph is kept shallower
than Python's recursion limit for it (its limit is raised just for this run).

Run: .venv/bin/python bench/bench_engine.py   (exit status 1 if a target is missed)
"""

from __future__ import annotations

import gc
import math
import random
import sys
import time
from typing import Any

from micrograd.engine import Value as MicrogradValue

from autograd import Value

# Our time / micrograd's time must not exceed these.
TARGETS = {"forward": 0.75, "backward": 0.75, "forward + backward": 0.75}
REPEATS = 15


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
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
