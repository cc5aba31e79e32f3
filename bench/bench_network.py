"""How long the library takes to draw network diagrams, which it lays out itself (no Graphviz).

Shapes, each drawn ``REPEATS`` times (the best and the median are printed):

* ``MLP(2, [16, 16, 1])``: the architecture alone, with the numbers of a forward
  pass, and with the gradients too (the most labels to place);
* ``MLP(2, [4, 4, 1])`` with its numbers and gradients, and its backprop replay;
* the homework's LSTM cell unrolled over 6 steps.

Exits with status 1 if drawing ``MLP(2, [16, 16, 1])`` takes ``TARGET_SECONDS``
or more (the issue asked for under a second), and checks that the same model
gives the same SVG every time.

Run: .venv/bin/python bench/bench_network.py
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from nn import MLP, LSTMCell, NetworkReplay, draw_network

TARGET_SECONDS = 1.0
REPEATS = 5


def mlp(sizes: list[int]) -> MLP:
    """An MLP on 2 inputs after one backward on a squared error, so every gradient is there to draw."""
    model = MLP(2, sizes, activation="tanh", seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    return model


def homework_cell() -> LSTMCell:
    cell = LSTMCell(1, 1)
    cell.set(W_fh=0, W_fx=0, b_f=-100, W_ch=-100, W_ih=0, W_ix=100, b_i=100, W_cx=50)
    cell.set(W_oh=0, W_ox=100, b_o=0, b_c=0)
    return cell


def timed(draw: Callable[[], object]) -> tuple[float, float, object]:
    """Best and median seconds of ``REPEATS`` calls, and the last result."""
    seconds, result = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = draw()
        seconds.append(time.perf_counter() - start)
    return min(seconds), statistics.median(seconds), result


def main() -> int:
    big, small, cell = mlp([16, 16, 1]), mlp([4, 4, 1]), homework_cell()
    shapes: list[tuple[str, Callable[[], object], bool]] = [
        ("MLP(2, [16, 16, 1]), architecture", lambda: draw_network(big), True),
        ("MLP(2, [16, 16, 1]), inputs", lambda: draw_network(big, inputs=[0.5, -1.0]), True),
        (
            "MLP(2, [16, 16, 1]), inputs and grads",
            lambda: draw_network(big, inputs=[0.5, -1.0], grads=True),
            True,
        ),
        (
            "MLP(2, [4, 4, 1]), inputs and grads",
            lambda: draw_network(small, inputs=[0.5, -1.0], grads=True),
            False,
        ),
        ("MLP(2, [4, 4, 1]), backprop replay", lambda: NetworkReplay(small, [0.5, -1.0], target=1.0), False),
        ("LSTM cell unrolled over 6 steps", lambda: draw_network(cell, inputs=[0, 0, 1, 1, 1, 0]), False),
    ]
    print(f"{'diagram':44} {'best':>8} {'median':>8}  size")
    slowest = 0.0
    for name, draw, counted in shapes:
        best, median, result = timed(draw)
        size = f"{result.width:.0f} × {result.height:.0f} px" if hasattr(result, "width") else ""
        print(f"{name:44} {best:7.3f}s {median:7.3f}s  {size}")
        if counted:
            slowest = max(slowest, median)
    same = draw_network(mlp([16, 16, 1])).svg == draw_network(mlp([16, 16, 1])).svg
    print(f"slowest MLP(2, [16, 16, 1]) drawing: {slowest:.3f} s (target < {TARGET_SECONDS:g} s)")
    print(f"the same model drawn twice gives the same SVG: {same}")
    return 0 if slowest < TARGET_SECONDS and same else 1


if __name__ == "__main__":
    sys.exit(main())
