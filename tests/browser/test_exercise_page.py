"""The exercise pages in headless Chromium: typed answers are checked in the page, offline.

A learner's session is played through the page's own form: right answers fill the
drawing in and move on; a known mistake is named, its arrow marked, and asked again;
"show the answer" moves on; the summary counts what happened. The page's checks
(JavaScript) are held to the Python ones (``look_up``, ``read_typed``) on many typed
strings, and the right numbers typed are sympy's, not the page's own.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from autograd import Exercise, Player, Value, record_backward
from autograd.teaching.diagnosis.report import NO_KNOWN_MISTAKE
from nn import MLP, NetworkReplay
from tests.browser.pages import (
    display_markup,
    notebook_page,
    open_page,
    page_problems,
    text_boxes,
    text_problems,
)
from tests.teaching.test_exercise_steps import neuron_loss, sympy_gradients, wrong_answers

_STATE = """
var root = arguments[0], state = {active: [], marked: [], answered: [], shown: [], grads: {}};
root.querySelectorAll("[data-key]").forEach(function (el) {
  var key = el.getAttribute("data-key");
  ["active", "marked", "answered", "shown"].forEach(function (name) {
    if (el.classList.contains(name) && state[name].indexOf(key) < 0) state[name].push(key);
  });
});
root.querySelectorAll("text[data-grad-of]").forEach(function (t) {
  state.grads[t.getAttribute("data-grad-of")] = t.textContent.replace(/^grad /, "");
});
state.feedback = root.querySelector(".cg-feedback").textContent;
state.progress = root.querySelector(".cg-progress").textContent;
state.prompt = root.querySelector(".cg-prompt").textContent;
state.asking = !root.querySelector(".cg-ask").hidden;
["active", "marked", "answered", "shown"].forEach(function (name) { state[name].sort(); });
return state;
"""


def state(driver: Any) -> dict[str, Any]:
    return dict(driver.execute_script(_STATE, driver.find_element("css selector", ".cg-exercise")))


def answer(driver: Any, typed: str) -> dict[str, Any]:
    """Type ``typed`` into the page's box, press Check, and return what the page shows then."""
    box = driver.find_element("css selector", "input.cg-answer")
    box.clear()
    box.send_keys(typed)
    driver.find_element("css selector", ".cg-exercise button[type=submit]").click()
    return state(driver)


def click(driver: Any, action: str) -> dict[str, Any]:
    driver.find_element("css selector", f".cg-exercise button[data-do={action}]").click()
    return state(driver)


def verdict(feedback: str) -> str:
    """What the page said, as ``look_up`` says it."""
    if feedback.startswith("Right"):
        return "right"
    if feedback.startswith("Type a number"):
        return "not a number"
    if "no known mistake matches" in feedback:
        return NO_KNOWN_MISTAKE
    return feedback.split("\u201c", 1)[1].split("\u201d", 1)[0]  # the kind, in quotes


@pytest.fixture
def neuron_page(browser: Any, tmp_path: Path) -> Exercise:
    loss, _ = neuron_loss()
    exercise = Exercise(loss)
    assert open_page(browser, exercise.save(tmp_path / "exercise.html")) == []
    return exercise


def test_right_answers_fill_in_the_drawing_step_by_step(browser: Any, neuron_page: Exercise):
    expected = sympy_gradients()
    start = state(browser)
    assert start["asking"] and start["progress"] == "1 of 7" and start["prompt"] == "dL/de ="
    assert sorted(set(start["grads"].values())) == ["1", "?", "–"]  # nothing given away
    for question in neuron_page.questions:
        node = question.active[0]
        assert state(browser)["active"] == sorted(question.active)
        shown = answer(browser, f"{expected[question.prompt.removeprefix('dL/d')]:.5g}")
        assert verdict(shown["feedback"]) == "right", shown["feedback"]
        assert shown["grads"][node] == question.texts[node]
        assert node in shown["answered"]
    final = state(browser)
    assert not final["asking"] and "Done: 7 of 7 right at the first try." in final["feedback"]
    assert "?" not in final["grads"].values()
    assert page_problems(browser) == []


def test_a_known_mistake_is_named_marked_and_asked_again(browser: Any, neuron_page: Exercise):
    steps = {q.prompt.removeprefix("dL/d"): k for k, q in enumerate(neuron_page.questions)}
    expected = sympy_gradients()
    shown_answers = 0
    for name, typed, kind in wrong_answers():
        while state(browser)["prompt"] != f"dL/d{name} =":  # reach the step, showing earlier answers
            click(browser, "show")
            shown_answers += 1
        question = neuron_page.questions[steps[name]]
        shown = answer(browser, f"{typed:.4g}")
        assert verdict(shown["feedback"]) == kind, shown["feedback"]
        marks = question.marks[[w.kind for w in question.row.wrong].index(kind)]
        assert shown["marked"] == sorted(marks) and marks  # the arrow where that mistake is made
        assert shown["prompt"] == f"dL/d{name} =" and shown["grads"][question.active[0]] == "?"
    right = answer(browser, f"{expected[name]:.4g}")
    assert verdict(right["feedback"]) == "right" and right["marked"] == []
    while state(browser)["asking"]:
        click(browser, "show")
        shown_answers += 1
    summary = state(browser)["feedback"]
    assert f"{shown_answers} shown" in summary and "Done: 0 of 7 right at the first try" in summary
    restarted = click(browser, "restart")
    assert restarted["asking"] and restarted["progress"] == "1 of 7" and "?" in restarted["grads"].values()


TYPED = [
    "0.277",
    "0.2770",
    "0.27",
    "0.28",
    "2.77e-1",
    "\u22120.2770",
    "-0.277",
    " .2770 ",
    "0.27704",
    "1e400",
    "abc",
    "",
    "0x1",
    "1,5",
    "--1",
    "0.5",
    "-0.5",
    "0.1385",
    "-1",
    "3",
    "1e-7",
    "0",
    "-0",
    "\u0663",
]


def test_the_page_checks_as_look_up_does(browser: Any, neuron_page: Exercise):
    """The first step's verdict for many typed strings, in the page and in Python."""
    for typed in TYPED:
        try:
            expected = neuron_page.check(0, typed)
        except ValueError:
            expected = "not a number"
        shown = answer(browser, typed)
        assert verdict(shown["feedback"]) == expected, typed
        if expected == "right":
            click(browser, "restart")


def test_a_replay_saves_as_its_exercise(browser: Any, tmp_path: Path):
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    loss = (a * b + a).tanh()
    loss.label = "L"
    exercise = Player(record_backward(loss), rankdir="TB").exercise()
    assert open_page(browser, exercise.save(tmp_path / "replay-exercise.html")) == []
    slope = 1 - math.tanh(2.0 * -3.0 + 2.0) ** 2
    by_hand = {"t1": slope, "t0": slope, "a": slope * (-3.0 + 1.0), "b": slope * 2.0}
    for question in exercise.questions:
        shown = answer(browser, f"{by_hand[question.prompt.removeprefix('dL/d')]:.6g}")
        assert verdict(shown["feedback"]) == "right"


def test_labels_are_text_not_markup(browser: Any, tmp_path: Path):
    hostile = "</script><img src=x onerror=\"document.title='owned'\">"
    x = Value(1.5, label=hostile)
    loss = x * x
    path = Exercise(loss).save(tmp_path / "hostile.html")
    assert open_page(browser, path) == []
    assert browser.title != "owned" and not browser.find_elements("css selector", ".cg-exercise img")
    shown = answer(browser, "3")
    assert verdict(shown["feedback"]) == "right"


# ----------------------------------------------------------------------------
# The network's exercise
# ----------------------------------------------------------------------------


def test_the_network_exercise_reveals_each_number_and_marks_a_mistake(browser: Any, tmp_path: Path):
    model = MLP(2, [3, 2], seed=3, activation="sigmoid", output_activation="sigmoid")
    replay = NetworkReplay(model, [1.0, -0.5], target=[1.0, 0.0])
    exercise = replay.exercise()
    assert open_page(browser, exercise.save(tmp_path / "network-exercise.html")) == []
    assert state(browser)["shown"] == []
    outputs = [v.data for v in model([1.0, -0.5])]
    first_delta = (outputs[0] - 1.0) * outputs[0] * (1 - outputs[0])  # δ of y1, by hand
    wrong = answer(browser, f"{-first_delta:.4g}")
    assert verdict(wrong["feedback"]) == "sign" and wrong["marked"]
    revealed: list[str] = []
    for k, question in enumerate(exercise.questions):
        typed = f"{first_delta:.5g}" if k == 0 else f"{question.row.correct:.5g}"
        shown = answer(browser, typed)
        assert verdict(shown["feedback"]) == "right"
        revealed += question.reveal
        assert shown["shown"] == sorted(revealed)
    assert "Done: " + str(len(exercise.questions) - 1) + " of" in state(browser)["feedback"]
    assert page_problems(browser) == []
    assert text_problems(text_boxes(browser, "svg.cg-network")) == []


# ----------------------------------------------------------------------------
# In a notebook: outputs put in by script, several on one page
# ----------------------------------------------------------------------------


def test_exercises_work_side_by_side_as_a_notebook_shows_them(browser: Any, tmp_path: Path):
    formatters = pytest.importorskip("IPython.core.formatters")
    loss, _ = neuron_loss()
    graph_exercise = Exercise(loss)
    network = NetworkReplay(MLP(2, [2, 1], seed=1), [0.5, -1.0], target=[1.0]).exercise()
    outputs = [
        (how, display_markup(formatters.DisplayFormatter().format(exercise)[0]))
        for how, exercise in (("lab", graph_exercise), ("classic", network), ("inline", graph_exercise))
    ]
    assert open_page(browser, notebook_page(tmp_path / "notebook.html", outputs)) == []
    pages = browser.find_elements("css selector", ".cg-exercise")
    assert len(pages) == 3 and all(page.get_attribute("data-cg-ready") for page in pages)
    first = sympy_gradients()["e"]
    for page, typed in [(pages[0], f"{first:.4g}"), (pages[2], f"{-first:.4g}")]:  # right; the sign lost
        box = page.find_element("css selector", "input.cg-answer")
        box.send_keys(typed)
        page.find_element("css selector", "button[type=submit]").click()
    shown = [dict(browser.execute_script(_STATE, page)) for page in pages]
    assert verdict(shown[0]["feedback"]) == "right" and shown[0]["prompt"] == "dL/da ="
    assert shown[1]["feedback"] == "" and shown[1]["progress"] == "1 of " + str(len(network.questions))
    assert verdict(shown[2]["feedback"]) == "sign" and shown[2]["prompt"] == "dL/de ="  # each page its own
    assert page_problems(browser) == []


# ----------------------------------------------------------------------------
# A model's graph: too wide to shrink to 1,000 px and still read
# ----------------------------------------------------------------------------

_ACTIVE_IN_VIEW = """
var root = arguments[0], stage = root.querySelector(".cg-stage").getBoundingClientRect();
var node = root.querySelector("g.node.active").getBoundingClientRect();
return node.left >= stage.left && node.right <= stage.right
    && node.top >= stage.top && node.bottom <= stage.bottom;
"""


def test_a_wide_graph_stays_readable_and_the_node_asked_stays_in_view(browser: Any, tmp_path: Path):
    model = MLP(2, [4, 4, 1], activation="tanh", seed=0)
    loss = (model([Value(0.5, label="x1"), Value(-1.5, label="x2")]) - 1.0) ** 2
    loss.label = "L"
    exercise = Exercise(loss)
    problems = open_page(browser, exercise.save(tmp_path / "wide.html"))
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 1000
    assert [p for p in problems if p.startswith("console")] == []
    smallest = min(box["font"] for box in text_boxes(browser, ".cg-exercise svg"))
    assert smallest >= 9.0 - 0.01, f"texts {smallest:.1f} px high"
    page = browser.find_element("css selector", ".cg-exercise")
    for question in exercise.questions[:8]:
        assert browser.execute_script(_ACTIVE_IN_VIEW, page), question.prompt
        answer(browser, f"{question.row.correct:.4g}")


def test_the_readable_width_check_can_fail(browser: Any, tmp_path: Path):
    """The same page with the script's limit taken out shrinks the drawing past reading."""
    model = MLP(2, [4, 4, 1], activation="tanh", seed=0)
    loss = (model([Value(0.5, label="x1"), Value(-1.5, label="x2")]) - 1.0) ** 2
    page = Exercise(loss).html().replace("data-readable-width", "data-ignored")
    path = tmp_path / "shrunk.html"
    path.write_text(f"<!DOCTYPE html><html><body>{page}</body></html>", encoding="utf-8")
    open_page(browser, path)
    assert min(box["font"] for box in text_boxes(browser, ".cg-exercise svg")) < 9.0
