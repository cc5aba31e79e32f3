"""check_gradients names the misconception, and where, behind numbers made with it by hand.

The learners' numbers come from the backprop written out by hand in
``test_diagnosis_graphs`` (plain floats, one local derivative per edge), with each
misconception's wrong rule written here again, independently of the catalog: a
flipped sign is ``-d``, a missing factor ``1``, a constant factor ``c d``, the
derivative at the output ``f'(f(z))``, a wrong weight the input's own value (at a
product) or another matrix (a layer), a missing path one contribution instead of
their sum. Each is made once at every edge of three graphs (every kind of node:
``+ - * / **2 neg exp log tanh sigmoid relu dot sum``), throughout the ops and layers
of a network, and two at a time.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from autograd import Value
from autograd.teaching import GradientReport, check_gradients
from autograd.teaching.diagnosis import CATALOG
from autograd.teaching.diagnosis import GradientReport as Report
from tests.teaching.test_diagnosis_graphs import (
    MIXED,
    NEURON,
    HandGraph,
    V,
    W,
    X,
    mixed,
    network,
    network_numbers,
    neuron,
)


def assert_diagnosed(
    report: GradientReport,
    kind: str,
    *,
    node: Value | None = None,
    input: Value | None = None,
    scope: str = "once",
    text: str | None = None,
) -> None:
    """The best explanation (or one the numbers cannot tell from it) is this one mistake, explaining all."""
    assert not report.ok
    assert report.explanations, f"nothing found:\n{report}"
    best = report.explanations[0]
    assert best.explained == 1.0, str(report)
    options = [best.mistakes, *best.alternatives]

    def fits(mistakes: tuple) -> bool:
        if len(mistakes) != 1:
            return False
        (m,) = mistakes
        return (
            m.kind == kind
            and m.where.scope == scope
            and (node is None or m.where.node is node)
            and (input is None or m.where.input is input)
            and (text is None or m.where.text == text)
        )

    found = [f"{m.kind} at {m.where}" for ms in options for m in ms]
    assert any(fits(ms) for ms in options), f"expected {kind} ({scope}), found: {found}"
    assert report.findings[0].kind == best.mistakes[0].kind


# ----------------------------------------------------------------------------
# Each misconception once, at every edge of every graph
# ----------------------------------------------------------------------------

# Edges whose local derivative depends on the data (x, f'(z), y): a factor that can be left out.
DATA_EDGES = {
    "neuron": {"L>d", "a>z", "p1>w1", "p1>x1", "p2>w2", "p2>x2"},
    "network": {"q0>r0", "q1>r1", "h0>ah0", "h1>ah1"}
    | {f"zo{j}>{p}" for j in range(2) for p in (f"V{j}0", f"V{j}1", "h0", "h1")}
    | {f"zh{i}>{p}" for i in range(2) for p in (f"W{i}0", f"W{i}1", "x0", "x1")},
    "mixed": {"x2>x", "g>g1", "d>b", "d>c", "b>a", "a>x", "a>y"},
}

GRAPHS = {"neuron": neuron, "network": network, "mixed": mixed}


def once_cases() -> list[tuple[str, str, str, str]]:
    """(graph, edge, kind, how the wrong number is made) for every edge and every misconception."""
    cases = []
    for name, build in GRAPHS.items():
        for edge in build().local:
            cases += [
                (name, edge, "sign", "-d"),
                (name, edge, "constant_factor", "2d"),
                (name, edge, "constant_factor", "d/2"),
            ]
            if edge in DATA_EDGES[name]:
                cases.append((name, edge, "missing_factor", "1"))
    cases += [("neuron", e, "wrong_weight", "own") for e in ("p1>w1", "p1>x1", "p2>w2", "p2>x2")]
    cases += [("network", f"zo{j}>{p}", "wrong_weight", "own") for j in range(2) for p in (f"V{j}0", "h1")]
    cases += [("network", f"zh{i}>{p}", "wrong_weight", "own") for i in range(2) for p in (f"W{i}1", "x0")]
    cases += [("mixed", e, "wrong_weight", "own") for e in ("a>x", "a>y")]
    cases += [
        ("neuron", "a>z", "derivative_at_output", "f'(a)"),
        ("network", "h0>ah0", "derivative_at_output", "f'(a)"),
        ("network", "h1>ah1", "derivative_at_output", "f'(a)"),
        ("mixed", "b>a", "derivative_at_output", "f'(a)"),
    ]
    return cases


def wrong_local(graph: HandGraph, edge: str, how: str) -> float:
    """The wrong local derivative, by the misconception's rule written out here."""
    right = graph.local[edge]
    top, bottom = (graph.nodes[label] for label in edge.split(">"))
    if how == "-d":
        return -right
    if how == "2d":
        return 2 * right
    if how == "d/2":
        return right / 2
    if how == "1":
        return 1.0
    if how == "own":  # d(w x)/dx taken as x: the factor's own value instead of its partner's
        return bottom.data
    if how == "f'(a)":  # the activation's derivative at its output a instead of its input
        a = top.data
        if top.op == "tanh":
            return 1 - math.tanh(a) ** 2
        if top.op == "sigmoid":
            s = 1 / (1 + math.exp(-a))
            return s * (1 - s)
        if top.op == "exp":
            return math.exp(a)
    raise AssertionError(f"no rule {how} for {edge}")


@pytest.mark.parametrize(("name", "edge", "kind", "how"), once_cases())
def test_a_mistake_made_once_is_named_with_its_edge(name, edge, kind, how):
    graph = GRAPHS[name]()
    answers = graph.answers(wrong={edge: wrong_local(graph, edge, how)})
    report = check_gradients(graph.loss, answers)
    top, bottom = (graph.nodes[label] for label in edge.split(">"))
    if kind == "derivative_at_output":
        assert_diagnosed(report, kind, node=top, input=bottom)
    else:
        assert_diagnosed(report, kind, node=top, input=bottom)
    assert report.breaks_at is bottom  # the first node whose gradient goes wrong


MISSING_PATHS = [("mixed", "x", kept) for kept in ("x2>x", "m>x", "c>x", "a>x")]
MISSING_PATHS += [("mixed", "y", kept) for kept in ("m>y", "a>y")]
MISSING_PATHS += [("network", f"h{i}", f"zo{j}>h{i}") for i in range(2) for j in range(2)]
MISSING_PATHS += [("network", f"x{k}", f"zh{i}>x{k}") for k in range(2) for i in range(2)]


@pytest.mark.parametrize(("name", "node", "kept"), MISSING_PATHS)
def test_a_path_not_counted_once_is_named_with_its_node(name, node, kept):
    graph = GRAPHS[name]()
    report = check_gradients(graph.loss, graph.answers(keep={node: kept}))
    assert_diagnosed(report, "missing_path", node=graph.nodes[node])


@pytest.mark.parametrize("name", GRAPHS)
def test_right_answers_are_right(name):
    graph = GRAPHS[name]()
    report = check_gradients(graph.loss, graph.answers())
    assert report.ok and report.wrong == [] and report.findings == [] and report.breaks_at is None
    assert all(row.right for row in report.rows)


# ----------------------------------------------------------------------------
# Throughout: every node of one op, every unit of a layer
# ----------------------------------------------------------------------------


def sigmoid_prime(u: float) -> float:
    s = 1 / (1 + math.exp(-u))
    return s * (1 - s)


def throughout_cases() -> list[tuple[str, dict[str, float], dict[str, str], str, str]]:
    """(what, wrong locals, kept paths, kind, where) for the 2-2-2 network."""
    n = network_numbers()
    both = range(2)
    return [
        (
            "(y - t) for (t - y) in every output",
            {f"r{j}>o{j}": -1.0 for j in both},
            {},
            "sign",
            "every - node, first input",
        ),
        (
            "f' left out in the hidden layer",
            {f"h{i}>ah{i}": 1.0 for i in both},
            {},
            "missing_factor",
            "every sigmoid node",
        ),
        (
            "sigmoid' applied to the activations",
            {f"h{i}>ah{i}": sigmoid_prime(n[f"h{i}"]) for i in both},
            {},
            "derivative_at_output",
            "every sigmoid(z)",
        ),
        (
            "the 2 of every square dropped",
            {f"q{j}>r{j}": n[f"r{j}"] for j in both},
            {},
            "constant_factor",
            "every **2 node",
        ),
        (
            "x left out of every weight's gradient",
            {f"zh{i}>W{i}{k}": 1.0 for i in both for k in both},
            {},
            "missing_factor",
            "layer 0: every dot node, weights",
        ),
        (
            "hidden deltas through V untransposed",
            {f"zo{j}>h{i}": V[i][j] for i in both for j in both},
            {},
            "wrong_weight",
            "layer 1: the deltas sent back through its own weights untransposed",
        ),
        (
            "hidden deltas through the hidden weights",
            {f"zo{j}>h{i}": W[j][i] for i in both for j in both},
            {},
            "wrong_weight",
            "layer 1: the deltas sent back through the weights of layer 0",
        ),
        (
            "hidden deltas through the hidden weights, transposed",
            {f"zo{j}>h{i}": W[i][j] for i in both for j in both},
            {},
            "wrong_weight",
            "layer 1: the deltas sent back through the weights of layer 0, transposed",
        ),
        (
            "no sum over the output units",
            {},
            {f"h{i}": f"zo1>h{i}" for i in both},
            "missing_path",
            "every computed value used more than once: only the first path counted",
        ),
        (
            "no sum over the output units (the other one)",
            {},
            {f"h{i}": f"zo0>h{i}" for i in both},
            "missing_path",
            "every computed value used more than once: only the last path counted",
        ),
    ]


@pytest.mark.parametrize(
    ("what", "wrong", "keep", "kind", "where"),
    throughout_cases(),
    ids=[case[0] for case in throughout_cases()],
)
def test_a_mistake_made_throughout_is_named_with_its_group(what, wrong, keep, kind, where):
    graph = network()
    report = check_gradients(graph.loss, graph.answers(wrong=wrong, keep=keep))
    assert_diagnosed(report, kind, scope="throughout", text=where)


def test_throughout_is_preferred_only_when_once_does_not_explain():
    # the sign flipped at one output unit only: "once", although "every - node" also flips it
    graph = network()
    report = check_gradients(graph.loss, graph.answers(wrong={"r0>o0": -1.0}))
    assert_diagnosed(report, "sign", node=graph.nodes["r0"], input=graph.nodes["o0"])


# ----------------------------------------------------------------------------
# Two mistakes at once
# ----------------------------------------------------------------------------


def test_two_mistakes_together_are_named_together():
    n = network_numbers()
    graph = network()
    wrong = {f"h{i}>ah{i}": sigmoid_prime(n[f"h{i}"]) for i in range(2)}  # the derivative at the output...
    wrong |= {f"zo{j}>h{i}": V[i][j] for i in range(2) for j in range(2)}  # ...and V untransposed
    report = check_gradients(graph.loss, graph.answers(wrong=wrong))
    best = report.explanations[0]
    assert best.explained == 1.0
    assert sorted(m.kind for m in best.mistakes) == ["derivative_at_output", "wrong_weight"]
    first, second = report.findings[:2]
    assert {first.kind, second.kind} == {"derivative_at_output", "wrong_weight"}
    assert first.together_with.startswith(second.kind) and second.together_with.startswith(first.kind)
    assert first.explained == second.explained == 1.0


def test_two_mistakes_once_each_are_found():
    graph = neuron()
    wrong = {"a>z": 1.0, "p1>x1": -graph.local["p1>x1"]}  # f' left out; and a sign on x1's edge
    report = check_gradients(graph.loss, graph.answers(wrong=wrong))
    best = report.explanations[0]
    assert best.explained == 1.0
    found = {(m.kind, m.where.node.label, m.where.input.label) for m in best.mistakes}
    assert found == {("missing_factor", "a", "z"), ("sign", "p1", "x1")}


def test_an_unexplained_part_is_reported_beside_the_explained_one():
    graph = neuron()
    answers = graph.answers(wrong={"L>d": -graph.local["L>d"]})  # a sign at the top: every number flipped...
    answers[graph.nodes["x2"]] = 0.123456  # ...and one number that no mistake gives
    report = check_gradients(graph.loss, answers)
    assert report.findings and report.findings[0].kind == "sign"
    assert report.findings[0].explained == pytest.approx(10 / 11)  # 11 answers, all wrong; one unexplained
    row = next(row for row in report.rows if row.node is graph.nodes["x2"])
    assert not row.right and not row.explained and row.verdict == "wrong: no known mistake matches"


# ----------------------------------------------------------------------------
# Precision: rounded answers, and the learner's few numbers
# ----------------------------------------------------------------------------


def rounded(answers: dict, digits: int) -> dict:
    return {node: float(f"{number:.{digits}g}") for node, number in answers.items()}


@pytest.mark.parametrize(
    ("edge", "kind", "how"),
    [
        ("L>d", "sign", "-d"),
        ("a>z", "missing_factor", "1"),
        ("L>d", "constant_factor", "d/2"),
        ("p2>w2", "sign", "-d"),
    ],
)
def test_answers_rounded_to_three_digits_are_still_diagnosed(edge, kind, how):
    graph = neuron()
    answers = rounded(graph.answers(wrong={edge: wrong_local(graph, edge, how)}), 3)
    report = check_gradients(graph.loss, answers)
    top, bottom = (graph.nodes[label] for label in edge.split(">"))
    assert_diagnosed(report, kind, node=top, input=bottom)


def test_right_answers_rounded_to_three_digits_are_right():
    graph = network()
    assert check_gradients(graph.loss, rounded(graph.answers(), 3)).ok


def test_digits_says_how_far_answers_were_rounded():
    graph = neuron()
    w1 = graph.nodes["w1"]
    right = graph.answers()[w1]
    two_digits = float(f"{right:.2g}")
    assert not check_gradients(graph.loss, {w1: two_digits}).ok  # read as three digits, it is off
    assert check_gradients(graph.loss, {w1: two_digits}, digits=2).ok


def test_only_some_answers_given():
    # the example: a few parameters, keyed by Value and by label, with a sign at the top
    graph = neuron()
    answers = graph.answers(wrong={"L>d": -graph.local["L>d"]})
    some = {
        graph.nodes["w1"]: answers[graph.nodes["w1"]],
        "w2": answers[graph.nodes["w2"]],
        "b": answers[graph.nodes["b"]],
    }
    report = check_gradients(graph.loss, some)
    assert [node.label for node in report.wrong] == ["b", "w2", "w1"]
    assert report.findings[0].kind == "sign" and report.findings[0].explained == 1.0


def test_a_short_number_alone_is_not_enough():
    # 2 x = 1.2 at x = 0.6: a learner who typed 1.2 for dL/dx (the path through x**2 alone)
    # may have rounded; among the mistakes that could give dL/dx, one landing within 0.005
    # of 1.2 by luck is too likely, so nothing is claimed, until the digits are said to be exact
    x = Value(0.6, label="x")
    loss = x**2 + (x * 1.3).tanh()
    report = check_gradients(loss, {x: 1.2})
    assert not report.ok and report.findings == []
    exact = check_gradients(loss, {x: 1.2}, digits=17)
    assert exact.findings[0].kind == "missing_path" and exact.findings[0].where.node is x


# ----------------------------------------------------------------------------
# The checker can fail: a broken catalog entry is caught by these very assertions
# ----------------------------------------------------------------------------


def test_a_broken_sign_entry_makes_the_check_fail():
    graph = neuron()
    answers = graph.answers(wrong={"p1>w1": -graph.local["p1>w1"]})
    top, bottom = graph.nodes["p1"], graph.nodes["w1"]
    assert_diagnosed(check_gradients(graph.loss, answers), "sign", node=top, input=bottom)
    doubled = [
        replace(entry, rule=lambda g, edge, v: 3 * g.local_of(edge)) if entry.kind == "sign" else entry
        for entry in CATALOG
    ]  # "sign" that triples instead of flipping
    broken = check_gradients(graph.loss, answers, catalog=doubled)
    assert isinstance(broken, Report)
    with pytest.raises(AssertionError, match=r"nothing found|expected sign"):
        assert_diagnosed(broken, "sign", node=top, input=bottom)


def test_a_broken_derivative_at_output_entry_makes_the_check_fail():
    n = network_numbers()
    graph = network()
    answers = graph.answers(wrong={f"h{i}>ah{i}": sigmoid_prime(n[f"h{i}"]) for i in range(2)})
    assert_diagnosed(check_gradients(graph.loss, answers), "derivative_at_output", scope="throughout")

    def at_the_input(g):  # "broken": evaluates the derivative at the input, i.e. the right rule
        from autograd.teaching.diagnosis.catalog import derivative_at_output

        for mistake in derivative_at_output(g):
            yield replace(mistake, changes={edge: g.local_of(edge) for edge in mistake.changes})

    broken = [replace(e, places=at_the_input) if e.kind == "derivative_at_output" else e for e in CATALOG]
    with pytest.raises(AssertionError):
        assert_diagnosed(
            check_gradients(graph.loss, answers, catalog=broken), "derivative_at_output", scope="throughout"
        )


def test_a_catalog_without_a_kind_names_another_or_none():
    graph = mixed()
    answers = graph.answers(keep={"x": "a>x"})
    without = [entry for entry in CATALOG if entry.kind != "missing_path"]
    report = check_gradients(graph.loss, answers, catalog=without)
    assert all(f.kind != "missing_path" for f in report.findings)
    with pytest.raises(AssertionError):
        assert_diagnosed(report, "missing_path", node=graph.nodes["x"])


# ----------------------------------------------------------------------------
# The numbers of the graphs above, pinned (so that a change in them is noticed)
# ----------------------------------------------------------------------------


def test_the_graphs_numbers():
    assert NEURON["x1"] == 0.7316 and MIXED["x"] == 0.6137 and X == [0.8143, -0.3962]
    z = 0.5231 * 0.8143 - 0.7084 * -0.3962 + 0.1072
    assert network_numbers()["h0"] == pytest.approx(1 / (1 + math.exp(-z)))
