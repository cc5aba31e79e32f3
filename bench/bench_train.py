"""Benchmark: one training step of an MLP(2, [16, 16, 1]), chaingrad's nn against micrograd 0.1.0.

A step is what a training loop repeats: the forward pass on 64 points, the mean squared
error, zero_grad, backward and a plain SGD update. Both libraries get the same network
shape (ReLU hidden layers, linear output), the same 64 seeded points, the same loss and
the same update, built and timed in the same process. The time of a step is the best of
several repetitions (the least disturbed by the rest of the machine); the two libraries
alternate so that both see the same conditions. It is measured twice, with Python's
cyclic garbage collector on (normal use) and off (the computation alone).

Run ``.venv/bin/python bench/bench_train.py``. Exits with status 1 if chaingrad's step
takes more than TARGET times micrograd's in either measurement.
"""

from __future__ import annotations

import gc
import random
import sys
import time
from collections.abc import Callable

from micrograd import nn as micrograd_nn

from nn import MLP, SGD, mse_loss

TARGET = 0.4  # the speed target: at most 0.4 x micrograd's time
POINTS = 64
REPEATS = 15
LR = 0.01


def dataset(seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """64 points in the square [-1, 1]^2, target +1 where x*y > 0 and -1 elsewhere."""
    rng = random.Random(seed)
    X = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(POINTS)]
    return X, [1.0 if x * y > 0 else -1.0 for x, y in X]


def chaingrad_step(X: list[list[float]], Y: list[float]) -> Callable[[], float]:
    model = MLP(2, [16, 16, 1], activation="relu", seed=0)
    optimizer = SGD(model.parameters(), lr=LR)

    def step() -> float:
        loss = mse_loss([model(x) for x in X], Y)
        model.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.data

    return step


def micrograd_step(X: list[list[float]], Y: list[float]) -> Callable[[], float]:
    random.seed(0)  # micrograd draws its weights from the global random module
    model = micrograd_nn.MLP(2, [16, 16, 1])

    def step() -> float:
        predictions = [model(x) for x in X]
        loss = sum((p - y) ** 2 for p, y in zip(predictions, Y)) * (1.0 / len(Y))
        model.zero_grad()
        loss.backward()
        for parameter in model.parameters():
            parameter.data -= LR * parameter.grad
        return loss.data

    return step


def seconds(step: Callable[[], float], collector: bool) -> float:
    """Time one step. ``collector=False`` pauses Python's cyclic garbage collector meanwhile."""
    gc.collect()  # start each repetition without the previous one's garbage
    if not collector:
        gc.disable()
    try:
        start = time.perf_counter()
        step()
        return time.perf_counter() - start
    finally:
        gc.enable()


def main() -> int:
    X, Y = dataset()
    ours, theirs = chaingrad_step(X, Y), micrograd_step(X, Y)
    ours(), theirs()  # warm up
    print(f"one training step, MLP(2, [16, 16, 1]) on {POINTS} points, best of {REPEATS}:")
    missed = False
    # micrograd's nodes hold closures that point back at them: reference cycles that only
    # the cyclic garbage collector frees, and collecting them is a large part of its time.
    # So the ratio is shown as users meet it (collector on) and for the computation
    # alone (collector off); the target must hold for both.
    modes = ((True, "garbage collector on (as in normal use)"), (False, "garbage collector off"))
    for collector, mode in modes:
        our_times, their_times = [], []
        for _ in range(REPEATS):
            our_times.append(seconds(ours, collector))
            their_times.append(seconds(theirs, collector))
        best_ours, best_theirs = min(our_times), min(their_times)
        ratio = best_ours / best_theirs
        missed = missed or ratio > TARGET
        print(f"{mode}:")
        print(f"  chaingrad  {best_ours * 1e3:8.2f} ms")
        print(f"  micrograd  {best_theirs * 1e3:8.2f} ms")
        print(f"  ratio      {ratio:8.3f}  (target <= {TARGET})")
    if missed:
        print("MISSED the speed target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
