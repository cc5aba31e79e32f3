"""chaingrad demo: train an MLP on two moons, then draw what it learned and how a neuron backpropagates.

Writes out/decision_boundary.png, out/loss.png and out/graph.svg and prints where they are.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no window

from autograd import Value, draw_graph
from nn import MLP, Adam, fit, hinge_loss, make_moons
from nn.plots import plot_decision_boundary, plot_history


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out", help="folder for the pictures (default: out)")
    parser.add_argument("--epochs", type=int, default=80, help="training epochs (default: 80)")
    parser.add_argument(
        "--compile",
        action="store_true",
        help="train through autograd.compile: the step traced once, replayed as generated code",
    )
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    X, labels = make_moons(n=120, noise=0.1, seed=0)
    Y = [2.0 * y - 1.0 for y in labels]  # hinge loss wants -1 / +1
    model = MLP(2, [16, 16, 1], activation="relu", seed=1)
    print(f"two moons: {len(X)} points; model {model} with {model.num_parameters()} parameters")

    start = time.perf_counter()
    history = fit(model, X, Y, loss=hinge_loss, optimizer=Adam(model.parameters(), lr=0.03),
                  epochs=args.epochs, progress=True, compile=args.compile)
    seconds = time.perf_counter() - start
    how = " (compiled)" if args.compile else ""
    print(f"trained {args.epochs} epochs{how} in {seconds:.1f} s: loss {history.loss[-1]:.4f}, "
          f"accuracy {history.accuracy[-1]:.1%}")

    plot_decision_boundary(model, X, Y, out / "decision_boundary.png", title="MLP on two moons")
    plot_history(history, out / "loss.png", title="hinge loss and accuracy")

    # one first-layer neuron that fires on the first point, its graph with local derivatives on the arrows
    # inputs numbered from 0 like the weights they meet (x0 * w0 + x1 * w1)
    point = [Value(v, label=f"x{i}") for i, v in enumerate(X[0])]
    neuron = next(n for n in model.layers[0].neurons if n(point).data > 0)
    output = neuron(point)
    output.label = "h"
    model.zero_grad()  # the last training step left its gradients in the parameters
    output.backward()
    draw_graph(output, edge_grads=True, clusters={"one neuron": neuron.parameters()}).render(
        out / "graph", format="svg", cleanup=True
    )
    for name in ("decision_boundary.png", "loss.png", "graph.svg"):
        print(f"wrote {(out / name).resolve()}")


if __name__ == "__main__":
    main()
