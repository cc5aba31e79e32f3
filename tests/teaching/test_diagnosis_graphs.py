"""Three small graphs, each with backprop written out by hand in plain floats, mistakes and all
(and the test that, without a mistake, the hand-written backprops are right).

The diagnosis tests need learners' numbers made *with* a misconception, computed
independently of the diagnoser (its catalog, its replay): here every graph's backward
pass is spelled out line by line, one local derivative per edge, as a learner writes
it. A mistake is injected by naming edges and the wrong local derivative to use on
them (``wrong={"a>z": 1 - tanh(a)**2}``), or the node whose uses were not all counted
(``keep={"x": "m>x"}``: x's gradient is that one contribution, ``=`` instead of ``+=``).

Edges are named ``"top>bottom"`` by the labels of the nodes they join, and every
node is labelled, so a test can find the Values a diagnosis names. The inputs have
four digits, so that the gradients have many: a number that happens to be short
(``2 * 0.6 = 1.2``) reads as rounded, and one such number alone cannot be told from
chance (see ``test_a_short_number_alone_is_not_enough``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pytest

from autograd import Value, dot, gradients, sum_values


@dataclass
class HandGraph:
    """A graph, its nodes by label, and its backward pass by hand (``backprop(wrong, keep)``)."""

    loss: Value
    nodes: dict[str, Value]
    backprop: Callable[..., dict[str, float]]
    local: dict[str, float]  # the right local derivative of every edge, by name

    def answers(
        self, wrong: Mapping[str, float] | None = None, keep: Mapping[str, str] | None = None
    ) -> dict:
        """The learner's numbers for every labelled node, made with the given mistakes."""
        grads = self.backprop(dict(wrong or {}), dict(keep or {}))
        return {self.nodes[name]: number for name, number in grads.items() if name != "L"}


class _Gradients(dict):
    """Gradients by label, added up edge by edge; ``keep`` makes one node take a single edge's amount."""

    def __init__(self, keep: Mapping[str, str]) -> None:
        super().__init__()
        self.keep = keep

    def add(self, edge: str, amount: float) -> None:
        bottom = edge.split(">")[1]
        if bottom in self.keep:
            if self.keep[bottom] == edge:
                self[bottom] = amount  # "=": this use alone
            return
        self[bottom] = self.get(bottom, 0.0) + amount


def _labelled(value: Value, label: str, nodes: dict[str, Value]) -> Value:
    value.label = label
    nodes[label] = value
    return value


# ----------------------------------------------------------------------------
# 1. A micrograd neuron: L = (tanh(w1 x1 + w2 x2 + b) - 0.5)**2
# ----------------------------------------------------------------------------

NEURON = {"x1": 0.7316, "x2": -1.1853, "w1": 0.4271, "w2": -0.8862, "b": 0.2917}


def neuron() -> HandGraph:
    nodes: dict[str, Value] = {}
    v = {name: _labelled(Value(number), name, nodes) for name, number in NEURON.items()}
    p1 = _labelled(v["w1"] * v["x1"], "p1", nodes)
    p2 = _labelled(v["w2"] * v["x2"], "p2", nodes)
    s = _labelled(p1 + p2, "s", nodes)
    z = _labelled(s + v["b"], "z", nodes)
    a = _labelled(z.tanh(), "a", nodes)
    d = _labelled(a - 0.5, "d", nodes)
    loss = _labelled(d**2, "L", nodes)
    return HandGraph(loss, nodes, _neuron_backprop, _neuron_local())


def _neuron_numbers() -> dict[str, float]:
    n = dict(NEURON)
    n["p1"], n["p2"] = n["w1"] * n["x1"], n["w2"] * n["x2"]
    n["s"] = n["p1"] + n["p2"]
    n["z"] = n["s"] + n["b"]
    n["a"] = math.tanh(n["z"])
    n["d"] = n["a"] - 0.5
    return n


def _neuron_local() -> dict[str, float]:
    n = _neuron_numbers()
    return {
        "L>d": 2 * n["d"],
        "d>a": 1.0,
        "a>z": 1 - n["a"] ** 2,
        "z>s": 1.0,
        "z>b": 1.0,
        "s>p1": 1.0,
        "s>p2": 1.0,
        "p1>w1": n["x1"],
        "p1>x1": n["w1"],
        "p2>w2": n["x2"],
        "p2>x2": n["w2"],
    }


def _neuron_backprop(wrong: dict[str, float], keep: dict[str, str]) -> dict[str, float]:
    local = {**_neuron_local(), **wrong}
    g = _Gradients(keep)
    g["L"] = 1.0
    g.add("L>d", local["L>d"] * g["L"])
    g.add("d>a", local["d>a"] * g["d"])
    g.add("a>z", local["a>z"] * g["a"])
    g.add("z>s", local["z>s"] * g["z"])
    g.add("z>b", local["z>b"] * g["z"])
    g.add("s>p1", local["s>p1"] * g["s"])
    g.add("s>p2", local["s>p2"] * g["s"])
    for k in ("1", "2"):
        g.add(f"p{k}>w{k}", local[f"p{k}>w{k}"] * g[f"p{k}"])
        g.add(f"p{k}>x{k}", local[f"p{k}>x{k}"] * g[f"p{k}"])
    return dict(g)


# ----------------------------------------------------------------------------
# 2. A 2-2-2 network: sigmoid hidden layer, linear output, mean squared error
# ----------------------------------------------------------------------------

X = [0.8143, -0.3962]
T = [0.3127, -0.2071]
W = [[0.5231, -0.7084], [0.9147, 0.2236]]  # hidden: W[i][k], neuron i, input k
C = [0.1072, -0.2913]
V = [[-0.6218, 0.8035], [0.4152, 1.0871]]  # output: V[j][i], neuron j, hidden unit i
E = [0.1934, 0.0527]


def network() -> HandGraph:
    """``h_i = sigmoid(W[i] . x + c_i)``, ``o_j = V[j] . h + e_j``, ``L = sum_j (o_j - t_j)**2 / 2``."""
    nodes: dict[str, Value] = {}
    x = [_labelled(Value(n), f"x{k}", nodes) for k, n in enumerate(X)]
    w = [[_labelled(Value(n), f"W{i}{k}", nodes) for k, n in enumerate(row)] for i, row in enumerate(W)]
    c = [_labelled(Value(n), f"c{i}", nodes) for i, n in enumerate(C)]
    v = [[_labelled(Value(n), f"V{j}{i}", nodes) for i, n in enumerate(row)] for j, row in enumerate(V)]
    e = [_labelled(Value(n), f"e{j}", nodes) for j, n in enumerate(E)]
    h = []
    for i in range(2):
        zh = _labelled(dot(w[i], x), f"zh{i}", nodes)
        ah = _labelled(zh + c[i], f"ah{i}", nodes)
        h.append(_labelled(ah.sigmoid(), f"h{i}", nodes))
    squares = []
    for j in range(2):
        zo = _labelled(dot(v[j], h), f"zo{j}", nodes)
        o = _labelled(zo + e[j], f"o{j}", nodes)
        r = _labelled(o - T[j], f"r{j}", nodes)
        squares.append(_labelled(r**2, f"q{j}", nodes))
    total = _labelled(sum_values(squares), "S", nodes)
    loss = _labelled(total / 2, "L", nodes)
    return HandGraph(loss, nodes, _network_backprop, _network_local())


def network_numbers() -> dict[str, float]:
    n: dict[str, float] = {}
    for i in range(2):
        n[f"zh{i}"] = sum(W[i][k] * X[k] for k in range(2))
        n[f"ah{i}"] = n[f"zh{i}"] + C[i]
        n[f"h{i}"] = 1 / (1 + math.exp(-n[f"ah{i}"]))
    for j in range(2):
        n[f"zo{j}"] = sum(V[j][i] * n[f"h{i}"] for i in range(2))
        n[f"o{j}"] = n[f"zo{j}"] + E[j]
        n[f"r{j}"] = n[f"o{j}"] - T[j]
    return n


def _network_local() -> dict[str, float]:
    n = network_numbers()
    local = {"L>S": 0.5}
    for j in range(2):
        local |= {
            f"S>q{j}": 1.0,
            f"q{j}>r{j}": 2 * n[f"r{j}"],
            f"r{j}>o{j}": 1.0,
            f"o{j}>zo{j}": 1.0,
            f"o{j}>e{j}": 1.0,
        }
        for i in range(2):
            local[f"zo{j}>V{j}{i}"] = n[f"h{i}"]
            local[f"zo{j}>h{i}"] = V[j][i]
    for i in range(2):
        local |= {f"h{i}>ah{i}": n[f"h{i}"] * (1 - n[f"h{i}"]), f"ah{i}>zh{i}": 1.0, f"ah{i}>c{i}": 1.0}
        for k in range(2):
            local[f"zh{i}>W{i}{k}"] = X[k]
            local[f"zh{i}>x{k}"] = W[i][k]
    return local


def _network_backprop(wrong: dict[str, float], keep: dict[str, str]) -> dict[str, float]:
    local = {**_network_local(), **wrong}
    g = _Gradients(keep)
    g["L"] = 1.0
    g.add("L>S", local["L>S"] * g["L"])
    for j in (1, 0):  # backward reaches the later output unit first
        g.add(f"S>q{j}", local[f"S>q{j}"] * g["S"])
    for j in (1, 0):
        g.add(f"q{j}>r{j}", local[f"q{j}>r{j}"] * g[f"q{j}"])
        g.add(f"r{j}>o{j}", local[f"r{j}>o{j}"] * g[f"r{j}"])
        g.add(f"o{j}>zo{j}", local[f"o{j}>zo{j}"] * g[f"o{j}"])
        g.add(f"o{j}>e{j}", local[f"o{j}>e{j}"] * g[f"o{j}"])
        for i in range(2):
            g.add(f"zo{j}>V{j}{i}", local[f"zo{j}>V{j}{i}"] * g[f"zo{j}"])
            g.add(f"zo{j}>h{i}", local[f"zo{j}>h{i}"] * g[f"zo{j}"])
    for i in (1, 0):
        g.add(f"h{i}>ah{i}", local[f"h{i}>ah{i}"] * g[f"h{i}"])
        g.add(f"ah{i}>zh{i}", local[f"ah{i}>zh{i}"] * g[f"ah{i}"])
        g.add(f"ah{i}>c{i}", local[f"ah{i}>c{i}"] * g[f"ah{i}"])
        for k in range(2):
            g.add(f"zh{i}>W{i}{k}", local[f"zh{i}>W{i}{k}"] * g[f"zh{i}"])
            g.add(f"zh{i}>x{k}", local[f"zh{i}>x{k}"] * g[f"zh{i}"])
    return dict(g)


# ----------------------------------------------------------------------------
# 3. Values used several times, and exp, log, /, relu, negation, a square
# ----------------------------------------------------------------------------

MIXED = {"x": 0.6137, "y": -1.0829}


def mixed() -> HandGraph:
    """``L = -log(exp(x y) / (x + 2) + relu(x - y) + 1) + x**2``: x is used four times, y twice."""
    nodes: dict[str, Value] = {}
    x, y = (_labelled(Value(number), name, nodes) for name, number in MIXED.items())
    a = _labelled(x * y, "a", nodes)
    b = _labelled(a.exp(), "b", nodes)
    c = _labelled(x + 2.0, "c", nodes)
    d = _labelled(b / c, "d", nodes)
    m = _labelled(x - y, "m", nodes)
    e = _labelled(m.relu(), "e", nodes)
    f = _labelled(d + e, "f", nodes)
    g1 = _labelled(f + 1.0, "g1", nodes)
    g = _labelled(g1.log(), "g", nodes)
    ng = _labelled(-g, "ng", nodes)
    x2 = _labelled(x**2, "x2", nodes)
    loss = _labelled(ng + x2, "L", nodes)
    return HandGraph(loss, nodes, _mixed_backprop, _mixed_local())


def mixed_numbers() -> dict[str, float]:
    n = dict(MIXED)
    n["a"] = n["x"] * n["y"]
    n["b"] = math.exp(n["a"])
    n["c"] = n["x"] + 2.0
    n["d"] = n["b"] / n["c"]
    n["m"] = n["x"] - n["y"]
    n["e"] = max(n["m"], 0.0)
    n["f"] = n["d"] + n["e"]
    n["g1"] = n["f"] + 1.0
    return n


def _mixed_local() -> dict[str, float]:
    n = mixed_numbers()
    return {
        "L>ng": 1.0,
        "L>x2": 1.0,
        "x2>x": 2 * n["x"],
        "ng>g": -1.0,
        "g>g1": 1 / n["g1"],
        "g1>f": 1.0,
        "f>d": 1.0,
        "f>e": 1.0,
        "e>m": 1.0 if n["m"] > 0 else 0.0,
        "m>x": 1.0,
        "m>y": -1.0,
        "d>b": 1 / n["c"],
        "d>c": -n["d"] / n["c"],
        "c>x": 1.0,
        "b>a": n["b"],
        "a>x": n["y"],
        "a>y": n["x"],
    }


def _mixed_backprop(wrong: dict[str, float], keep: dict[str, str]) -> dict[str, float]:
    local = {**_mixed_local(), **wrong}
    g = _Gradients(keep)
    g["L"] = 1.0
    # the order backward visits the nodes: the latest made first
    for edge in (
        "L>ng",
        "L>x2",
        "x2>x",
        "ng>g",
        "g>g1",
        "g1>f",
        "f>d",
        "f>e",
        "e>m",
        "m>x",
        "m>y",
        "d>b",
        "d>c",
        "c>x",
        "b>a",
        "a>x",
        "a>y",
    ):
        top = edge.split(">")[0]
        g.add(edge, local[edge] * g[top])
    return dict(g)


GRAPHS = {"neuron": neuron, "network": network, "mixed": mixed}


@pytest.mark.parametrize("name", GRAPHS)
def test_the_hand_written_backprop_is_right_without_a_mistake(name):
    graph = GRAPHS[name]()
    answers = graph.answers()
    assert set(answers) == {node for label, node in graph.nodes.items() if label != "L"}
    right = dict(zip(answers, gradients(graph.loss, list(answers))))
    for node, number in answers.items():
        assert number == pytest.approx(right[node], rel=1e-12, abs=1e-15), node.label


def test_a_kept_path_replaces_the_sum_of_a_nodes_contributions():
    graph = mixed()
    local = graph.local
    right = graph.answers()
    kept = graph.answers(keep={"x": "a>x"})
    assert kept[graph.nodes["x"]] == pytest.approx(local["a>x"] * right[graph.nodes["a"]])
    assert kept[graph.nodes["y"]] == right[graph.nodes["y"]]
