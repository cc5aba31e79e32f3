"""The exercise pages as Python builds them: the questions shipped in the page, the drawing's keys.

What the page does with them (typing, checking, marking) is tested in Chromium by
``tests/browser/test_exercise_page.py``; this module checks what goes into the page, fast,
against expectations written by hand from the drawing's ids (``v3``, ``op3``,
``v1->op3``, as ``walk_graph`` numbers the nodes) and the diagram's keys (``w2.0.1``,
``n1.0``).
"""

from __future__ import annotations

import json
import re
from dataclasses import FrozenInstanceError
from typing import Any

import pytest

from autograd import Exercise, Player, Value, record_backward
from autograd.teaching.diagnosis.catalog import KINDS
from nn import MLP, NetworkReplay


def page_data(page: str) -> tuple[str, list[dict[str, Any]], dict[str, str]]:
    """The uid, the questions and the start texts that the page's script is called with."""
    call = re.search(r"\}\)\(\"(cgx[0-9a-f]+)\", (\[.*\]), (\{.*\})\);</script>$", page, re.DOTALL)
    assert call is not None, "the page's script call was not found"
    return call.group(1), json.loads(call.group(2)), json.loads(call.group(3))


def product() -> tuple[Value, Value, Value]:
    """L = w * x: drawn as v0 = w, v1 = x, v2 = L (inputs first), its op op2."""
    w, x = Value(0.5, label="w"), Value(-4.0, label="x")
    loss = w * x
    loss.label = "L"
    return loss, w, x


def test_the_page_ships_each_question_with_its_keys():
    loss, _, _ = product()
    exercise = Exercise(loss)
    _, questions, start = page_data(exercise.html())
    assert start == {"v0": "?", "v1": "?", "v2": "1"}
    assert [(q["prompt"], q["about"], q["active"], q["texts"]) for q in questions] == [
        ("dL/dx", "x: an input", ["v1", "v1->op2"], {"v1": "0.5"}),
        ("dL/dw", "w: an input", ["v0", "v0->op2"], {"v0": "-4"}),
    ]
    dw = questions[1]
    assert dw["correct"] == -4.0 and dw["shown"] == "-4"
    assert dw["worked"] == "dL/dw = ∂L/∂w × dL/dL = (-4) × 1 = -4, where ∂L/∂w = x"  # not escaped to \\u
    sign = next(answer for answer in dw["wrong"] if answer["kind"] == "sign")
    assert sign["value"] == 4.0 and sign["marks"] == ["v0->op2"]  # the arrow from w into the *
    assert sign["explanation"].startswith(KINDS["sign"].explanation)
    assert all(len(q["wrong"]) == len(row.row.wrong) for q, row in zip(questions, exercise.questions))


def test_a_computed_node_is_asked_with_its_formula():
    w, x = Value(0.5, label="w"), Value(-4.0, label="x")
    t = w * x
    t.label = "t"
    loss = t.tanh()
    loss.label = "L"
    _, questions, _ = page_data(Exercise(loss).html())
    assert questions[0]["about"] == "t = w * x" and questions[0]["active"] == ["v2", "v2->op3"]


def test_each_page_has_its_own_uid_and_ids():
    loss, _, _ = product()
    page = Exercise(loss).html()
    uid, _, _ = page_data(page)
    assert re.fullmatch(r"cgx[0-9a-f]{12}", uid)
    assert uid == page_data(Exercise(product()[0]).html())[0]  # the same exercise, the same page
    other = product()[0] * 2
    assert page_data(Exercise(other).html())[0] != uid
    ids = re.findall(r' id="([^"]*)"', page)
    assert ids and all(found.startswith(uid + "-") and len(found) > len(uid) + 1 for found in ids)
    assert f'data-cg-uid="{uid}"' in page


def test_the_first_question_is_in_the_page_before_its_script_runs():
    loss, _, _ = product()
    page = Exercise(loss).html()
    assert '<p class="cg-about">x: an input</p>' in page


def test_a_lone_value_makes_an_exercise_with_nothing_to_ask():
    exercise = Exercise(Value(2.0, label="L"))
    assert exercise.questions == [] and repr(exercise) == "<Exercise: 0 gradients to find>"
    assert page_data(exercise.html())[1] == [] and '<p class="cg-about"></p>' in exercise.html()


def test_digits_set_the_numbers_shown():
    loss, _, _ = product()
    loss = loss * 1.23456
    loss.label = "L"
    default = page_data(Exercise(loss).html())[1]
    three = page_data(Exercise(loss, digits=3).html())[1]
    assert [q["shown"] for q in default][-1] == "-4.938" and [q["shown"] for q in three][-1] == "-4.94"


@pytest.mark.parametrize("option", ["highlight", "grads", "show_names", "show_grad"])
def test_options_the_exercise_sets_itself_are_refused(option: str):
    loss, w, _ = product()
    with pytest.raises(TypeError, match=f"sets {option}= itself"):
        Exercise(loss, **{option: w})


def test_only_a_value_makes_an_exercise():
    with pytest.raises(TypeError, match="needs the loss Value, got float"):
        Exercise(2.0)  # type: ignore[arg-type]


def test_questions_are_fixed_once_made():
    loss, _, _ = product()
    question = Exercise(loss).questions[0]
    with pytest.raises(FrozenInstanceError):
        question.prompt = "?"  # type: ignore[misc]


def test_a_replay_passes_its_drawing_options_to_its_exercise(tmp_path):
    loss, _, _ = product()
    exercise = Player(record_backward(loss), rankdir="TB", digits=3).exercise()
    assert exercise.digits == 3 and exercise.html() == Exercise(loss, rankdir="TB", digits=3).html()
    saved = exercise.save(tmp_path / "exercise.html").read_text(encoding="utf-8")
    assert "<h1" in saved and "Exercise: backward from L" in saved


# ----------------------------------------------------------------------------
# The network's exercise
# ----------------------------------------------------------------------------


def network_exercise(model: MLP, inputs: list[float]) -> Any:
    return NetworkReplay(model, inputs, target=[1.0]).exercise()


def test_a_network_page_hides_the_numbers_still_to_find():
    exercise = network_exercise(MLP(2, [2, 1], seed=5), [0.5, -1.0])
    assert exercise.svg.count('class="cg-network cg-network-replay"') == 1
    _, questions, start = page_data(exercise.html())
    assert start == {} and questions[0]["reveal"] == ["delta-n2.0"]
    assert questions[0]["worked"] == exercise.replay.frames[1].caption
    for question in exercise.questions:
        for answer in question.row.wrong:
            assert answer.explanation == KINDS[answer.kind].explanation  # the catalog's words, no t12
            assert all(where == "" and kind != answer.kind for kind, where in answer.also)


def test_an_input_of_minus_one_makes_two_mistakes_one_number():
    """x2 = -1: ∂C/∂w (x2 → h1.1) = δ x2 = -δ, so a flipped sign and the input left out agree."""
    exercise = network_exercise(MLP(2, [2, 1], seed=5, activation="sigmoid"), [0.5, -1.0])
    question = next(q for q in exercise.questions if q.prompt == "∂C/∂w (x2 → h1.1)")
    sign = next(answer for answer in question.row.wrong if answer.kind == "sign")
    assert sign.also == (("missing_factor", ""),)


def test_a_mistake_in_the_loss_marks_the_loss():
    model = MLP(2, [2, 1], seed=5, activation="sigmoid", output_activation="sigmoid")
    exercise = network_exercise(model, [0.5, -1.0])
    first = exercise.questions[0]
    assert ("loss",) in first.marks and ("n2.0",) in first.marks


def test_a_hidden_delta_marks_the_arrow_of_its_own_weight_among_three():
    """y1 reads three hidden units: its dot has inputs w0 w1 w2 a0 a1 a2; a2's edge is w2's arrow."""
    exercise = network_exercise(MLP(2, [3, 1], seed=2, activation="sigmoid"), [0.5, -1.0])
    for k in range(3):
        question = next(q for q in exercise.questions if q.prompt == f"δ(h1.{k + 1})")
        kinds = {answer.kind: keys for answer, keys in zip(question.row.wrong, question.marks)}
        assert kinds["wrong_weight"] == (f"w2.0.{k}",) and kinds["sign"] == (f"n1.{k}",)


def test_weights_of_a_third_layer_are_named_by_their_own_columns():
    exercise = network_exercise(MLP(2, [2, 2, 1], seed=2), [0.5, -1.0])
    question = exercise.questions[1]
    assert question.prompt == "∂C/∂w (h2.1 → y1)"
    assert {answer.where for answer in question.row.wrong} == {"the weight h2.1 → y1"}


def test_a_network_answer_lists_the_other_kinds_only_once_each_and_not_its_own():
    from autograd.teaching.diagnosis.steps import WrongAnswer
    from nn.diagram.exercise import _in_network_words

    replay = NetworkReplay(MLP(2, [1], seed=0), [1.0, 2.0], target=[0.0])
    also = (("wrong_weight", "the edge t3 → w"), ("sign", "the edge t5 → t4"), ("missing_factor", "t2"))
    answer = WrongAnswer(1.0, "sign", "the edge t3 → t2", "...", (), also)
    told = _in_network_words(answer, ("w1.0.1",), replay)
    assert told.where == "the weight x2 → y1" and told.explanation == KINDS["sign"].explanation
    assert told.also == (("wrong_weight", ""), ("missing_factor", ""))


# ----------------------------------------------------------------------------
# How narrow a drawing may be shown and still be read
# ----------------------------------------------------------------------------


def svg_element(width: str, view_box: str, fonts: list[str]) -> Any:
    import xml.etree.ElementTree as ET

    texts = "".join(f'<text font-size="{size}">t</text>' for size in fonts)
    return ET.fromstring(f'<svg width="{width}" height="100pt" viewBox="{view_box}">{texts}</svg>')


@pytest.mark.parametrize(
    ("width", "view_box", "fonts", "readable"),
    [
        # 300 pt = 400 px wide; the 9-unit text is 12 px high at that width: 9 px at 300 px
        ("300pt", "0 0 300 100", ["12", "9"], 300.0),
        # drawn at twice its units: the 9-unit text is 24 px high at 800 px; 9 px at 300 px
        ("600pt", "0 0 300 100", ["9", "20"], 300.0),
        # text too small even at the natural width: never wider than that
        ("300pt", "0 0 300 100", ["4"], 400.0),
        # no text: Graphviz's default 14
        ("300pt", "0 0 300 100", [], 400.0 * 9 / (14 * 4 / 3)),
    ],
)
def test_the_readable_width_is_where_the_smallest_text_is_9_px(width, view_box, fonts, readable):
    from autograd.drawing.exercise import readable_width_px

    assert readable_width_px(svg_element(width, view_box, fonts)) == pytest.approx(readable)


def test_the_page_data_is_written_as_it_reads():
    loss, _, _ = product()
    exercise = Exercise(loss)
    page = exercise.html()
    assert '"worked":"dL/dw = ∂L/∂w × dL/dL' in page  # not ∂ escaped: the page stays readable
    uid = page_data(page)[0]
    original = re.findall(r' id="([^"]*)"', exercise.svg)
    assert re.findall(r' id="([^"]*)"', page) == [f"{uid}-{found}" for found in original]


def test_exercises_built_in_threads_are_the_ones_built_one_by_one():
    from concurrent.futures import ThreadPoolExecutor

    def build(seed: int) -> str:
        model = MLP(2, [3, 1], seed=seed, activation="tanh")
        loss = (model([0.5, -1.0]) - 1.0) ** 2
        return Exercise(loss).html() + network_exercise(model, [0.5, -1.0]).html()

    alone = [build(seed) for seed in range(6)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(build, range(6)))
    assert together == alone


def test_a_mistake_inside_an_activation_of_its_own_marks_its_neuron():
    """f(z) = sigmoid(2z + 1), an activation of the user's own (the autoencoder homework's
    is sigmoid(z + 1)): its 2z and 2z + 1 are part of the neuron. z = 3 here, larger than f(z)."""

    def scaled_sigmoid(z: Value) -> Value:
        return (z * 2 + 1).sigmoid()

    from nn import Layer

    hidden = Layer.from_weights([[2.0, 0.0], [0.5, 0.5]], [1.0, 0.0], activation=scaled_sigmoid)
    output = Layer.from_weights([[1.0, -1.0]], [0.0], activation=scaled_sigmoid)
    exercise = network_exercise(MLP.from_layers([hidden, output]), [1.0, -1.0])
    delta = next(q for q in exercise.questions if q.prompt == "δ(h1.1)")
    marks = {keys for answer, keys in zip(delta.row.wrong, delta.marks) if answer.kind != "wrong_weight"}
    assert ("n1.0",) in marks and ("loss",) not in marks


def test_input_names_with_colons_and_spaces_stay_whole_in_the_prompts():
    names = ["speed: km/h", "mass (kg)"]
    exercise = NetworkReplay(MLP(2, [1], seed=0), [1.0, 2.0], target=[0.0], input_names=names).exercise()
    assert [q.prompt for q in exercise.questions] == [
        "δ(y1)",
        "∂C/∂w (speed: km/h → y1)",
        "∂C/∂w (mass (kg) → y1)",
    ]
