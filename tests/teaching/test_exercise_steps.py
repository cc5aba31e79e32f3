"""The exercise's table of steps: right answers against the math, wrong ones from rules written here.

An exercise asks for d loss / d node one node at a time and names a wrong answer by
looking it up in [step_table][autograd.teaching.diagnosis.steps.step_table]. The right
numbers are compared with sympy; each wrong number is computed by a wrong rule written
out below by hand (the sign of the error flipped, an activation's slope taken at its
output, the input factor of a weight's gradient left out, the 2 of a square dropped),
never by the diagnosis's own replay.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import replace

import pytest
import sympy

from autograd import Exercise, Value, sum_values
from autograd.drawing import GraphTooLargeError
from autograd.teaching.diagnosis.catalog import CATALOG
from autograd.teaching.diagnosis.report import NO_KNOWN_MISTAKE
from autograd.teaching.diagnosis.steps import TooLargeForExerciseError, look_up, read_typed, step_table
from nn import MLP, NetworkReplay

W, X, B, T = -0.5, 1.5, 0.2, 0.3


def neuron_loss() -> tuple[Value, dict[str, Value]]:
    """L = (tanh(w x + b) - t)², the one-neuron homework, with every node labelled."""
    w, x, b = Value(W, label="w"), Value(X, label="x"), Value(B, label="b")
    wx = w * x
    wx.label = "wx"
    z = wx + b
    z.label = "z"
    a = z.tanh()
    a.label = "a"
    e = a - T
    e.label = "e"
    loss = e**2
    loss.label = "L"
    return loss, {"w": w, "x": x, "wx": wx, "b": b, "z": z, "a": a, "e": e}


def sympy_gradients() -> dict[str, float]:
    """d L / d (w, x, b, z, a, e) from sympy, at the point above."""
    w, x, b = sympy.symbols("w x b")
    z = w * x + b
    loss = (sympy.tanh(z) - T) ** 2
    at = {w: W, x: X, b: B}
    zs, es = sympy.symbols("z e")
    by_z = (sympy.tanh(zs) - T) ** 2
    return {
        "w": float(sympy.diff(loss, w).subs(at)),
        "x": float(sympy.diff(loss, x).subs(at)),
        "b": float(sympy.diff(loss, b).subs(at)),
        "z": float(sympy.diff(by_z, zs).subs(zs, W * X + B)),
        "wx": float(sympy.diff(by_z, zs).subs(zs, W * X + B)),  # z = wx + b
        "a": float(2 * (math.tanh(W * X + B) - T)),
        "e": float(sympy.diff(es**2, es).subs(es, math.tanh(W * X + B) - T)),
    }


def rows_by_name(loss: Value) -> dict[str, object]:
    return {row.name: row for row in step_table(loss)}


def test_each_right_gradient_is_the_math():
    loss, _ = neuron_loss()
    rows = rows_by_name(loss)
    for name, expected in sympy_gradients().items():
        assert rows[name].correct == pytest.approx(expected, rel=1e-12), name


def test_the_steps_go_backward_and_skip_constants():
    loss, nodes = neuron_loss()
    names = [row.name for row in step_table(loss)]
    assert names[0] == "L" and set(names) == {"L", *nodes}  # the constant t is never asked for
    rows = step_table(loss)
    for row in rows:  # each node comes after every node that uses it
        users = [other.name for other in rows if row.node in other.node.children]
        assert all(names.index(user) < names.index(row.name) for user in users)


# Each wrong rule: the step it shows at, the number a learner holding it types, the kind.
def wrong_answers() -> list[tuple[str, float, str]]:
    z = W * X + B
    a = math.tanh(z)
    e = a - T
    slope = 1 - a**2  # tanh'(z)
    return [
        ("e", -2 * e, "sign"),  # d(e²)/de written as 2(t - a)
        ("e", e, "constant_factor"),  # the 2 of the square dropped
        ("z", 2 * e * (1 - math.tanh(a) ** 2), "derivative_at_output"),  # tanh' taken at a, not at z
        ("z", 2 * e, "missing_factor"),  # the slope of tanh left out
        ("w", 2 * e * slope, "missing_factor"),  # dz/dw = x left out
    ]


@pytest.mark.parametrize(("name", "typed", "kind"), wrong_answers())
def test_a_wrong_rule_is_named_at_its_step(name: str, typed: float, kind: str):
    loss, _ = neuron_loss()
    row = rows_by_name(loss)[name]
    assert look_up(row, f"{typed:.4g}") == kind
    assert look_up(row, f"{typed:.12g}") == kind


def test_the_right_answer_is_right_to_the_digits_typed():
    loss, _ = neuron_loss()
    rows = rows_by_name(loss)
    for name, expected in sympy_gradients().items():
        for digits in (3, 4, 8, 17):
            assert look_up(rows[name], f"{expected:.{digits}g}") == "right", (name, digits)
        # one unit off in the third digit is not right
        off = expected + math.copysign(10 ** (math.floor(math.log10(abs(expected))) - 2), expected)
        assert look_up(rows[name], f"{off:.3g}") != "right", name


def test_random_numbers_match_no_known_mistake():
    loss, _ = neuron_loss()
    rows = list(rows_by_name(loss).values())
    generator = random.Random(7)
    matched = 0
    for _ in range(300):
        row = generator.choice(rows)
        typed = f"{generator.uniform(-5, 5):.4g}"
        verdict = look_up(row, typed)
        matched += verdict != NO_KNOWN_MISTAKE
    assert matched <= 3  # a random 4-digit number hits a listed one about 1 time in 1,000


def test_a_broken_catalog_entry_names_the_wrong_kind():
    """The checker fails when the diagnosis is wrong: a 'sign' entry that doubles instead."""
    loss, _ = neuron_loss()
    e = math.tanh(W * X + B) - T
    (row,) = [r for r in step_table(loss) if r.name == "e"]
    assert look_up(row, f"{-2 * e:.4g}") == "sign"
    tripled = [
        replace(entry, rule=lambda graph, edge, variant: 3 * graph.local_of(edge))
        if entry.kind == "sign"
        else entry
        for entry in CATALOG
    ]  # "sign" that triples instead of flipping
    (row,) = [r for r in step_table(loss, tripled) if r.name == "e"]
    assert look_up(row, f"{-2 * e:.4g}") != "sign"


@pytest.mark.parametrize(
    ("typed", "number"),
    [("-0.25", -0.25), (" 1.5e-3 ", 1.5e-3), ("\u22120.5", -0.5), (".5", 0.5), ("5.", 5.0), ("+2", 2.0)],
)
def test_typed_numbers_are_read(typed: str, number: float):
    assert read_typed(typed) == number


@pytest.mark.parametrize(
    "typed", ["", "abc", "1,5", "1e400", "nan", "inf", "0x10", "1_000", "\u0663", "--1", "1e"]
)
def test_anything_else_is_refused(typed: str):
    with pytest.raises(ValueError, match="not a number"):
        read_typed(typed)


def test_asked_nodes_must_be_in_the_graph_and_asked_once():
    loss, nodes = neuron_loss()
    with pytest.raises(ValueError, match="not in the graph"):
        step_table(loss, asked=[Value(1.0)])
    with pytest.raises(ValueError, match="twice"):
        step_table(loss, asked=[nodes["w"], nodes["w"]])


def test_a_mistake_shows_at_the_first_node_asked_that_it_changes():
    """Asked only for w: the slope of tanh left out (made at z) shows at w."""
    loss, nodes = neuron_loss()
    (row,) = step_table(loss, asked=[nodes["w"]])
    e = math.tanh(W * X + B) - T
    assert look_up(row, f"{2 * e * X:.6g}") == "missing_factor"


# ----------------------------------------------------------------------------
# The exercises built on the table
# ----------------------------------------------------------------------------


def test_the_exercise_asks_every_node_but_the_loss():
    loss, nodes = neuron_loss()
    exercise = Exercise(loss)
    asked = ("e", "a", "z", "wx", "b", "x", "w")
    assert [q.prompt for q in exercise.questions] == [f"dL/d{name}" for name in asked]
    expected = sympy_gradients()
    for k, question in enumerate(exercise.questions):
        name = question.prompt.removeprefix("dL/d")
        assert exercise.check(k, f"{expected[name]:.5g}") == "right"
    assert all(v.grad == 0 for v in nodes.values())  # the exercise leaves .grad alone


def test_the_page_shows_no_answer_before_it_is_typed():
    loss, _ = neuron_loss()
    exercise = Exercise(loss)
    shown = exercise.svg
    assert shown.count(">grad ?<") == 7 and ">grad 1<" in shown
    for question in exercise.questions:
        assert f">grad {question.texts[question.active[0]]}<" not in shown


def test_a_network_exercise_follows_the_replay_and_the_textbook():
    model = MLP(2, [2, 1], seed=5, activation="sigmoid", output_activation="sigmoid")
    replay = NetworkReplay(model, [0.5, -1.0], target=[1.0])
    exercise = replay.exercise()
    assert [q.about for q in exercise.questions] == [f.question for f in replay.frames[1:]]
    # the output neuron by hand: C = ½ (y - t)², y = σ(z), so δ = (y - t) σ(z) (1 - σ(z))
    hidden = [v.data for v in model.layers[0]([0.5, -1.0])]  # the forward pass only
    out = model.layers[1].neurons[0]
    z = sum(w.data * h for w, h in zip(out.w, hidden)) + out.b.data
    y = 1 / (1 + math.exp(-z))
    delta = (y - 1.0) * y * (1 - y)
    assert exercise.check(0, f"{delta:.6g}") == "right"
    assert exercise.check(0, f"{-delta:.6g}") == "sign"
    weight_step = next(k for k, q in enumerate(exercise.questions) if q.prompt.startswith("∂C/∂w"))
    assert exercise.check(weight_step, f"{delta:.6g}") == "missing_factor"  # the input a_i left out


# ----------------------------------------------------------------------------
# Found by writing the exercise notebook
# ----------------------------------------------------------------------------


def test_mistakes_at_tiny_gradients_are_still_named():
    """A gradient of 1e-13 is a number like any other: its flipped sign is a sign mistake."""
    w, x = Value(2.0, label="w"), Value(1e-13, label="x")
    exercise = Exercise(w * x)
    step = next(k for k, q in enumerate(exercise.questions) if q.prompt.endswith("/dx"))
    assert exercise.check(step, "2") == "right"
    step = next(k for k, q in enumerate(exercise.questions) if q.prompt.endswith("/dw"))
    assert exercise.check(step, "1e-13") == "right"
    assert exercise.check(step, "-1e-13") == "sign"


def test_a_number_two_mistakes_give_is_named_after_the_likelier():
    """dL/dw = x = 2: leaving x out (at w's own edge) gives 1, and so does halving the whole
    answer; the page names the first, and mentions the second."""
    w, x = Value(0.5, label="w"), Value(2.0, label="x")
    loss = w * x
    loss.label = "L"
    (row,) = step_table(loss, asked=[w])
    ones = [answer for answer in row.wrong if answer.value == 1.0]
    assert len(ones) == 1 and ones[0].kind == "missing_factor"
    assert "constant_factor" in [kind for kind, _ in ones[0].also]


def test_the_worked_chain_rule_writes_local_derivatives_apart_from_gradients():
    s = Value(0.3, label="s")
    loss = s.tanh()
    loss.label = "L"
    (row,) = step_table(loss, asked=[s])
    assert row.worked.startswith("dL/ds = ∂L/∂s × dL/dL = ")
    assert row.worked.endswith(f"= {1 - math.tanh(0.3) ** 2:.4g}, where ∂L/∂s = 1 - L**2")


# ----------------------------------------------------------------------------
# Hostile sizes: refused at once, never a long wait
# ----------------------------------------------------------------------------


def long_chain(length: int) -> Value:
    x = Value(0.5, label="x")
    for _ in range(length):
        x = (x * 0.999).tanh()
    return x


def test_a_huge_graph_is_refused_at_once():
    loss = long_chain(100_000)  # 300,001 nodes: x, and a constant, a * and a tanh per link
    start = time.perf_counter()
    with pytest.raises(TooLargeForExerciseError, match="300001 nodes, more than max_nodes=1000"):
        step_table(loss)
    with pytest.raises(GraphTooLargeError, match="more than max_nodes=500"):
        Exercise(loss)
    model = MLP(40, [40, 40, 1], seed=0)
    with pytest.raises(TooLargeForExerciseError, match="max_nodes=1000"):
        NetworkReplay(model, [0.1] * 40, target=[0.0]).exercise()
    assert time.perf_counter() - start < 10  # the network's forward pass and replay included


def test_max_nodes_sets_the_bound():
    loss = long_chain(10)  # 31 nodes, 10 of them constants
    with pytest.raises(TooLargeForExerciseError, match="31 nodes, more than max_nodes=30"):
        step_table(loss, max_nodes=30)
    assert len(step_table(loss, max_nodes=31)) == len(step_table(loss, max_nodes=None)) == 21
    with pytest.raises(GraphTooLargeError):
        Exercise(loss, max_nodes=30)
    assert len(Exercise(loss, max_nodes=31).questions) == 20


def test_a_network_exercise_marks_the_weight_or_neuron_where_the_mistake_is_made():
    """Written from the diagram's keys: w<layer>.<neuron>.<input> for a weight's arrow, n<layer>.<neuron>."""
    model = MLP(2, [2, 1], seed=5, activation="sigmoid", output_activation="sigmoid")
    exercise = NetworkReplay(model, [0.5, -1.0], target=[1.0]).exercise()
    by_prompt = {q.prompt: q for q in exercise.questions}

    def marked(prompt: str, kind: str) -> list[tuple[tuple[str, ...], str]]:
        question = by_prompt[prompt]
        return [(keys, w.place) for w, keys in zip(question.row.wrong, question.marks) if w.kind == kind]

    # ∂C/∂w for x1 → h1.1 without its input x1: the mistake is on that weight's arrow
    assert marked("∂C/∂w (x1 → h1.1)", "missing_factor") == [(("w1.0.0",), "the weight x1 → h1.1")]
    # σ' taken at h1.2's output: the neuron h1.2 itself
    at_output = [(("n1.1",), "neuron h1.2 (sigmoid(z)' at its output)")]
    assert marked("δ(h1.2)", "derivative_at_output") == at_output
    # δ(h1.2) sent back along the wrong weight: the arrow h1.2 → y1 whose weight belongs in it
    assert marked("δ(h1.2)", "wrong_weight") == [(("w2.0.1",), "the weight h1.2 → y1")]
    # the two constant factors at y1 stay apart by their version
    assert sorted(place for _, place in marked("δ(y1)", "constant_factor")) == [
        "neuron y1 (×0.5)",
        "neuron y1 (×2)",
    ]


# ----------------------------------------------------------------------------
# Written for the mutants of steps.py that the tests above let survive
# ----------------------------------------------------------------------------


def chain_of_two() -> tuple[Value, dict[str, Value]]:
    """L = (w x) c with w = 0.5, x = 1.5, c = 3: dL/dw = x c = 4.5, by hand."""
    w, x, c = Value(0.5, label="w"), Value(1.5, label="x"), Value(3.0, label="c")
    t = w * x
    t.label = "t"
    loss = t * c
    loss.label = "L"
    return loss, {"w": w, "x": x, "c": c, "t": t}


def test_one_number_from_two_places_is_named_after_the_one_at_the_node_asked():
    """Asked only for w: x alone (c left out, at L → t) and w c (the wrong weight, at t → w)
    are both 1.5; the mistake at w's own edge is named, the other listed, with its place."""
    loss, nodes = chain_of_two()
    (row,) = step_table(loss, asked=[nodes["w"]])
    named = [answer for answer in row.wrong if answer.value == 1.5]
    assert [(a.kind, a.place) for a in named] == [("wrong_weight", "the edge t → w (dt/dw)")]
    assert named[0].also == (("missing_factor", "the edge L → t (dL/dt)"),)  # never itself
    halved = next(answer for answer in row.wrong if answer.value == 2.25)
    assert halved.place == "the edge t → w (dt/dw) (×0.5)"
    assert halved.also == (("constant_factor", "the edge L → t (dL/dt) (×0.5)"),)
    assert halved.as_dict()["also"] == ["constant_factor at the edge L → t (dL/dt) (×0.5)"]


def test_the_worked_chain_rule_of_a_node_smaller_than_the_loss():
    loss, _ = chain_of_two()  # w = 0.5 is smaller than L = 2.25: not the loss all the same
    rows = {row.name: row for row in step_table(loss)}
    assert rows["L"].worked == "dL/dL = 1: backward starts here"
    assert rows["w"].worked == "dL/dw = ∂t/∂w × dL/dt = 1.5 × 3 = 4.5, where ∂t/∂w = x"
    assert rows["t"].expression == "w * x" and rows["w"].expression == "(input)"


def test_the_worked_chain_rule_brackets_negative_factors_and_skips_plain_numbers():
    a, b, c = Value(-1.0, label="a"), Value(2.0, label="b"), Value(-4.0, label="c")
    s = a + c
    s.label = "s"
    loss = s / b
    loss.label = "L"
    rows = {row.name: row for row in step_table(loss)}
    # d(s/b)/db = -s/b² = 1.25; its formula starts with a minus, the number does not
    assert rows["b"].worked == "dL/db = ∂L/∂b × dL/dL = 1.25 × 1 = 1.25, where ∂L/∂b = -L/b"
    # d(a + c)/da = 1: a number needs no formula beside it
    assert rows["a"].worked == "dL/da = ∂s/∂a × dL/ds = 1 × 0.5 = 0.5"
    negated = loss * -1.0
    negated.label = "N"
    rows = {row.name: row for row in step_table(negated)}
    assert rows["b"].worked == "dN/db = ∂L/∂b × dN/dL = 1.25 × (-1) = -1.25, where ∂L/∂b = -L/b"


def test_a_step_lists_only_mistakes_made_once():
    """Mistakes made throughout (every sigmoid) are check_gradients' to find; at one step the
    learner makes one mistake, at one place."""
    model = MLP(2, [2, 1], seed=5, activation="sigmoid", output_activation="sigmoid")
    out = model([0.5, -1.0])
    loss = (out - 1.0) ** 2
    places = [answer.where for row in step_table(loss) for answer in row.wrong]
    assert places and not [where for where in places if where.startswith(("every", "layer"))]


def test_rows_are_fixed_once_made():
    loss, _ = chain_of_two()
    row = step_table(loss)[1]
    with pytest.raises(AttributeError):
        row.correct = 0.0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        row.wrong[0].value = 0.0  # type: ignore[misc]
    assert "edges" not in repr(row.wrong[0])  # they hold Values: a repr of the whole graph


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (0.0, 0.0, True),
        (1e12, 1e12 + 1, True),
        (1e12, 1.001e12, False),
        (1e-13, -1e-13, False),
        (1e-13, 1e-13, True),
    ],
)
def test_numbers_are_the_same_but_for_rounding_at_any_size(a: float, b: float, same: bool):
    from autograd.teaching.diagnosis.steps import _same_number

    assert _same_number(a, b) is same


def test_a_local_derivative_that_is_a_number_is_not_written_twice():
    a, b = Value(2.0, label="a"), Value(5.0, label="b")
    difference = a - b
    difference.label = "L"
    rows = {row.name: row for row in step_table(difference)}
    assert rows["b"].worked == "dL/db = ∂L/∂b × dL/dL = (-1) × 1 = -1"
    scaled = a * 10.5
    scaled.label = "M"
    rows = {row.name: row for row in step_table(scaled)}
    assert rows["a"].worked == "dM/da = ∂M/∂a × dM/dM = 10.5 × 1 = 10.5"


def test_hundreds_of_nodes_may_be_asked_for():
    """(Counting them is not comparing small cached integers.)"""
    leaves = [Value(k / 100, label=f"x{k}") for k in range(300)]
    loss = sum_values([leaf * leaf for leaf in leaves])
    rows = step_table(loss, asked=leaves)
    assert [row.name for row in rows] == [leaf.label for leaf in leaves]
    assert all(row.correct == pytest.approx(2 * leaf.data, abs=1e-15) for row, leaf in zip(rows, leaves))
