"""How often an exercise page names a mistake made once as the mistake it is.

For a few homework-sized networks, every misconception of the catalog is made at every
place it can be made once. The number a learner holding it would type, at the first
step where it shows, is typed with 4 significant digits and looked up as the page looks
it up ([look_up][autograd.teaching.diagnosis.steps.look_up]). Each verdict is one of:

* named as made: the page names the very kind of the mistake;
* named as an equal alternative: another mistake gives the same number; the page names
  that one and lists this one beside it;
* right at 4 digits: the mistake changes the number by less than the digits typed show;
* something else: another kind whose number agrees to 4 digits is named instead.

The learner's numbers come from the same replay that builds the page's table, so this
measures the lookup (precision, ranking, ties), not the replay; the tests compare the
replay with sympy and with wrong rules written by hand.

Run: .venv/bin/python scripts/exercise_detection.py
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from autograd import Value, sum_values
from autograd.teaching.diagnosis.catalog import CATALOG
from autograd.teaching.diagnosis.graph import BackwardGraph
from autograd.teaching.diagnosis.replay import walk
from autograd.teaching.diagnosis.steps import (
    StepRow,
    _first_difference,
    _mistakes_made_once,
    look_up,
    step_table,
)
from nn import MLP, Layer, cross_entropy


def networks() -> Iterator[tuple[str, Value]]:
    """The homework's 2-4-2 network, and small sigmoid and tanh networks with seeded weights."""
    hidden = Layer.from_weights([[1, 0], [0, 1], [-1, 0], [0, -1]], [-1, -1, -1, -1], "relu")
    output = Layer.from_weights([[1, 1, 1, 1], [-1, -1, -1, -1]], [0, 2], "linear")
    yield "2-4-2 ReLU, softmax", cross_entropy(MLP.from_layers([hidden, output])([2.0, 1.5]), 0)
    for seed in range(5):
        model = MLP(3, [4, 2], activation="sigmoid", output_activation="sigmoid", seed=seed)
        squares = [(y - t) ** 2 for y, t in zip(model([0.3, -0.7, 1.1]), [1.0, 0.0])]
        yield f"3-4-2 sigmoid, seed {seed}", sum_values(squares) * 0.5
    for seed in range(5):
        model = MLP(2, [3, 1], activation="tanh", seed=seed)
        yield f"2-3-1 tanh, seed {seed}", (model([0.5, -1.5]) - 1.0) ** 2


def verdict(row: StepRow, kind: str, typed: str) -> str:
    said = look_up(row, typed)
    if said == kind:
        return "named as made"
    if said == "right":
        return "right at 4 digits"
    named = next((answer for answer in row.wrong if answer.kind == said), None)
    if named is not None and any(other == kind for other, _ in named.also):
        return "named as an equal alternative"
    return "something else"


def main() -> None:
    total: Counter[str] = Counter()
    for name, loss in networks():
        graph = BackwardGraph(loss)
        rows = {row.node: row for row in step_table(loss)}
        asked = list(rows)
        correct = walk(graph)
        counts: Counter[str] = Counter()
        for mistake in _mistakes_made_once(graph, CATALOG):
            replayed = walk(graph, mistake.changes)
            first = _first_difference(asked, correct, replayed)
            if first is not None:  # else the mistake changes no gradient here (a dead ReLU's input)
                counts[verdict(rows[first], mistake.kind, f"{replayed[first]:.4g}")] += 1
        print(f"{name:<24}", dict(counts))
        total.update(counts)
    made = sum(total.values())
    print(f"all {made} mistakes:", {key: f"{count} ({count / made:.1%})" for key, count in total.items()})


if __name__ == "__main__":
    main()
