"""Compiled replay (``autograd.compile``) against micrograd 0.1.0 and PyTorch eager, in one run.

Two scalar graphs, built by the same Python code for every library:

* **chain**: 500 steps of ``y = tanh(0.9 * y + 0.1)``;
* **dag**: a random DAG of 10,000 nodes (chaingrad's count, constants included):
  each step combines the newest node with a random earlier one, by ``a * b``,
  ``tanh(a + b)``, ``(a - b) * 0.5`` or ``relu(a)``, so every value stays in [-1, 1].

micrograd 0.1.0 has no tanh; it gets one written in its own style (a node with a
``_backward`` closure), as in micrograd's lectures. PyTorch runs the same graph on
0-dimensional float64 tensors, one thread.

Measured, best of several rounds, in each of which every library runs a few times
in a row (warm, as when called over and over), the garbage collector off while
timing (micrograd's closures make reference cycles, so with it on micrograd is
slower still):

1. compiled forward + backward (``cf.value_and_grad``) against micrograd's eager
   forward + backward: at most TARGETS["vs micrograd"] of its time;
2. PyTorch's eager forward + backward against the compiled one: at least
   TARGETS["torch / compiled"] times slower;
3. a NumPy batch of 1,024 points: compiled time per sample against micrograd's time
   for one graph: at most TARGETS["batch vs micrograd"];
4. compiling the 10,000-node graph (tracing, writing and compiling the code, and the
   first call): under TARGETS["compile 10k (s)"] seconds; a 100,000-node graph compiles;
5. training ``MLP(2, [16, 16, 1])`` on 64 two-moons points to 100% accuracy: the
   eager loop against the compiled one (``zero_grad``, ``cf.backward(x1, x2, t)`` on
   the batch, ``step``), compiling included: at least TARGETS["training speed-up"] times faster.

Run: .venv/bin/python bench/bench_compile.py   (exit status 1 if a target is missed)
"""

from __future__ import annotations

import gc
import math
import random
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from micrograd.engine import Value as MicrogradValue
from peers import micrograd_tanh

from autograd import Value, gradients, topological_order
from autograd.compiler import compile
from nn import MLP, SGD, make_moons, mse_loss

TARGETS = {
    "vs micrograd": 0.05,
    "torch / compiled": 50.0,
    "batch vs micrograd": 0.01,
    "compile 10k (s)": 1.0,
    "training speed-up": 10.0,
}
REPEATS = 25
BATCH = 1024
DAG_STEPS = 5_700  # -> 10,021 nodes
BIG_DAG_STEPS = 57_000  # -> about 100,000 nodes


# ----------------------------------------------------------------------------
# The graphs, written once for every library
# ----------------------------------------------------------------------------


class Library:
    """How one library makes a leaf and applies tanh and relu."""

    def __init__(
        self, leaf: Callable[[float], Any], tanh: Callable[[Any], Any], relu: Callable[[Any], Any]
    ) -> None:
        self.leaf, self.tanh, self.relu = leaf, tanh, relu


def torch_leaf(x: float) -> Any:
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


CHAINGRAD = Library(Value, Value.tanh, Value.relu)
MICROGRAD = Library(MicrogradValue, micrograd_tanh, MicrogradValue.relu)
TORCH = Library(torch_leaf, torch.tanh, torch.relu)


def chain(library: Library, x: Any) -> Any:
    y = x
    for _ in range(500):
        y = library.tanh(y * 0.9 + 0.1)
    return y


def dag(library: Library, leaves: list[Any], steps: int = DAG_STEPS, seed: int = 0) -> Any:
    rng = random.Random(seed)
    nodes = list(leaves)
    for _ in range(steps):
        a, b = nodes[-1], nodes[rng.randrange(len(nodes))]
        kind = rng.randrange(4)
        if kind == 0:
            node = a * b
        elif kind == 1:
            node = library.tanh(a + b)
        elif kind == 2:
            node = (a - b) * 0.5
        else:
            node = library.relu(a)
        nodes.append(node)
    return nodes[-1]


CHAIN_POINT = [0.3]
DAG_POINT = [random.Random(1).uniform(-1, 1) for _ in range(16)]


def graph(name: str, library: Library, *leaves: Any) -> Any:
    return chain(library, *leaves) if name == "chain" else dag(library, list(leaves))


# ----------------------------------------------------------------------------
# Timing
# ----------------------------------------------------------------------------


def timed(run: Callable[[], Any], block: int) -> float:
    """Best of ``block`` runs in a row, with the garbage collector off (after one full collection).

    A collection walks every object of the process (PyTorch's many), which flushes the
    processor's caches, so it comes once before the block, not before every run.
    """
    gc.collect()
    gc.disable()
    try:
        best = math.inf
        for _ in range(block):
            start = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - start)
        return best
    finally:
        gc.enable()


def eager_run(name: str, library: Library, point: list[float]) -> Callable[[], Any]:
    def run() -> Any:
        leaves = [library.leaf(x) for x in point]
        graph(name, library, *leaves).backward()
        return leaves

    return run


def best_times(runs: dict[str, Callable[[], Any]], repeats: int, block: int = 3) -> dict[str, float]:
    """Best time of each run over ``repeats`` rounds; in each round every run goes ``block`` times in a row.

    A round gives each library the same machine conditions; running a few times in a row
    measures each one warm, as it runs when called over and over (the generated code is
    straight-line, so it runs faster once it is in the processor's caches).
    """
    best = dict.fromkeys(runs, math.inf)
    for _ in range(repeats):
        for label, run in runs.items():
            best[label] = min(best[label], timed(run, block))
    return best


def check_agreement(name: str, cf: Any, point: list[float]) -> None:
    """The compiled gradients equal chaingrad's eager ones, and agree with micrograd's and PyTorch's."""
    value, grads = cf.value_and_grad(*point)
    leaves = [Value(x) for x in point]
    out = graph(name, CHAINGRAD, *leaves)
    assert value == out.data and grads == gradients(out, leaves), f"{name}: compiled != eager"
    for library in (MICROGRAD, TORCH):
        theirs = eager_run(name, library, point)()
        for mine, leaf in zip(grads, theirs):
            other = float(leaf.grad)
            assert abs(mine - other) <= 1e-9 * max(1.0, abs(other)), f"{name}: {mine} vs {other}"


def scalar_graph(name: str, point: list[float], rows: list[tuple[str, float, float, str]]) -> None:
    function = lambda *xs: graph(name, CHAINGRAD, *xs)
    start = time.perf_counter()
    cf = compile(function)
    cf.value_and_grad(*point)
    compile_seconds = time.perf_counter() - start
    check_agreement(name, cf, point)
    nodes = len(topological_order(graph(name, CHAINGRAD, *[Value(x) for x in point])))
    columns = [np.random.default_rng(0).uniform(-1, 1, BATCH) for _ in point]
    cf.value_and_grad(*columns)  # compiles the array flavour
    best = best_times(
        {
            "compiled": lambda: cf.value_and_grad(*point),
            "micrograd": eager_run(name, MICROGRAD, point),
            "torch": eager_run(name, TORCH, point),
            "chaingrad eager": eager_run(name, CHAINGRAD, point),
            "batch": lambda: cf.value_and_grad(*columns),
        },
        REPEATS if name == "chain" else 5,
    )
    per_node = {label: seconds / nodes * 1e9 for label, seconds in best.items()}
    print(
        f"\n{name}: {nodes} nodes; forward + backward, ns per node "
        f"(the batch: per node and sample), compiling took {compile_seconds:.3f} s"
    )
    for label, ns in per_node.items():
        shown = ns / BATCH if label == "batch" else ns
        print(f"  {label:<18}{shown:>12.1f}")
    rows.append(
        (f"{name}: compiled / micrograd", best["compiled"] / best["micrograd"], TARGETS["vs micrograd"], "<=")
    )
    rows.append(
        (f"{name}: torch / compiled", best["torch"] / best["compiled"], TARGETS["torch / compiled"], ">=")
    )
    rows.append(
        (
            f"{name}: batch per sample / micrograd",
            best["batch"] / BATCH / best["micrograd"],
            TARGETS["batch vs micrograd"],
            "<=",
        )
    )
    if name == "dag":
        rows.append(("dag: compile time (s)", compile_seconds, TARGETS["compile 10k (s)"], "<="))


def big_graph() -> float:
    """Seconds to compile (trace, write, compile, first call) a graph of about 100,000 nodes."""
    start = time.perf_counter()
    cf = compile(lambda *xs: dag(CHAINGRAD, list(xs), BIG_DAG_STEPS))
    cf.value_and_grad(*DAG_POINT)
    seconds = time.perf_counter() - start
    nodes = len(cf._latest_trace().program.nodes)
    print(f"\nbig dag: {nodes} nodes compiled in {seconds:.1f} s")
    return seconds


# ----------------------------------------------------------------------------
# Training
# ----------------------------------------------------------------------------


def moons() -> tuple[list[list[float]], list[float]]:
    points, labels = make_moons(64, noise=0.1, seed=0)
    return points, [2.0 * label - 1.0 for label in labels]


def accuracy(model: MLP, points: list[list[float]], targets: list[float]) -> float:
    right = sum((model(x).data > 0) == (t > 0) for x, t in zip(points, targets))
    return right / len(points)


def new_training() -> tuple[MLP, SGD]:
    model = MLP(2, [16, 16, 1], seed=1)
    return model, SGD(model.parameters(), lr=0.1, momentum=0.9)


def steps_to_fit(points: list[list[float]], targets: list[float], limit: int = 2000) -> int:
    """How many eager steps until every point is classified right."""
    model, optimizer = new_training()
    for step in range(1, limit + 1):
        optimizer.zero_grad()
        mse_loss([model(x) for x in points], targets).backward()
        optimizer.step()
        if accuracy(model, points, targets) == 1.0:
            return step
    raise RuntimeError("the eager loop did not reach 100% accuracy")


def train_eager(points: list[list[float]], targets: list[float], steps: int) -> MLP:
    model, optimizer = new_training()
    for _ in range(steps):
        optimizer.zero_grad()
        mse_loss([model(x) for x in points], targets).backward()
        optimizer.step()
    return model


def train_compiled(points: list[list[float]], targets: list[float], steps: int) -> MLP:
    model, optimizer = new_training()
    # the same loss, as one sample's share of the mean; backward sums the batch
    cf = compile(lambda x1, x2, t: mse_loss(model([x1, x2]), t) / len(points))
    x1, x2 = (np.array(column) for column in zip(*points))
    t = np.array(targets)
    for _ in range(steps):
        optimizer.zero_grad()
        cf.backward(x1, x2, t)
        optimizer.step()
    return model


def training(rows: list[tuple[str, float, float, str]]) -> None:
    points, targets = moons()
    steps = steps_to_fit(points, targets)
    for train in (train_eager, train_compiled):
        assert accuracy(train(points, targets, steps), points, targets) == 1.0, train.__name__
    best = best_times(
        {
            "eager": lambda: train_eager(points, targets, steps),
            "compiled": lambda: train_compiled(points, targets, steps),
        },
        3,
        block=1,
    )
    print(f"\ntraining MLP(2, [16, 16, 1]) on 64 two-moons points: 100% accuracy after {steps} steps")
    print(f"  eager {best['eager']:.3f} s, compiled (compiling included) {best['compiled']:.3f} s")
    rows.append(
        ("training: eager / compiled", best["eager"] / best["compiled"], TARGETS["training speed-up"], ">=")
    )


def main() -> int:
    sys.setrecursionlimit(100_000)  # micrograd's recursive topological sort needs it
    torch.set_num_threads(1)
    rows: list[tuple[str, float, float, str]] = []
    scalar_graph("chain", CHAIN_POINT, rows)
    scalar_graph("dag", DAG_POINT, rows)
    big_graph()
    training(rows)
    print(f"\n{'measure':<40}{'ratio':>10}{'target':>12}")
    missed = False
    for label, ratio, target, sense in rows:
        ok = ratio <= target if sense == "<=" else ratio >= target
        missed |= not ok
        print(f"{label:<40}{ratio:>10.4g}{sense:>4}{target:>8g}{'' if ok else '  MISSED'}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
