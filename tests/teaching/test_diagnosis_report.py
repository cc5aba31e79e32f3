"""What a learner sees: the report as text and in Jupyter, the step table an exercise ships,
and check_update's verdicts."""

from __future__ import annotations

import json
import math
import random
import warnings

import pytest

from autograd import Value, gradients, topological_order
from autograd.teaching import GradientReport, UpdateReport, check_gradients, check_update
from autograd.teaching.diagnosis import CATALOG, KINDS
from autograd.teaching.diagnosis.steps import look_up, step_table
from autograd.teaching.diagnosis.update import UPDATE_RULES
from nn import MLP, mse_loss
from tests.teaching.test_diagnosis_graphs import neuron


def sign_at_the_top() -> tuple[GradientReport, dict]:
    graph = neuron()
    report = check_gradients(graph.loss, graph.answers(wrong={"L>d": -graph.local["L>d"]}))
    return report, graph.nodes


# ----------------------------------------------------------------------------
# The report
# ----------------------------------------------------------------------------


def test_the_text_report_has_a_row_per_answer_and_the_finding_in_words():
    report, nodes = sign_at_the_top()
    text = str(report)
    lines = text.splitlines()
    assert lines[0].split() == ["node", "given", "correct", "verdict"]
    assert lines[1].split()[0] == "d" and lines[1].endswith("wrong: explained below")
    assert "11 of 11 gradients are wrong; most likely: sign at the edge L → d (dL/dd)" in text
    assert "the local derivative is " in text and KINDS["sign"].explanation in text
    assert repr(report).startswith("<GradientReport: 11 of 11 gradients are wrong; most likely: sign")
    assert report.breaks_at is nodes["d"]


def test_the_finding_says_what_the_number_was_and_what_it_should_be():
    graph = neuron()
    right = graph.local["a>z"]
    report = check_gradients(graph.loss, graph.answers(wrong={"a>z": 1.0}))
    finding = report.findings[0]
    assert finding.kind == "missing_factor" and finding.scope == "once"
    assert f"the local derivative is {right:.4g}, and your numbers follow from 1." in finding.explanation
    assert str(finding) == "missing_factor at the edge a → z (da/dz): explains 100% of the wrong numbers"


def test_a_report_with_nothing_found_says_so():
    x = Value(0.3172, label="x")
    loss = (x * 1.7).tanh() * x
    report = check_gradients(loss, {x: 12.3456})
    assert report.findings == [] and report.explanations == ()
    assert report.summary() == "1 of 1 gradients are wrong; no known mistake matches"
    assert report.breaks_at is x  # no finding: the first wrong answer
    assert "no known mistake matches" in report._repr_html_()


def test_all_right():
    x = Value(0.3172, label="x")
    loss = (x * 1.7).tanh()
    (right,) = gradients(loss, [x])
    report = check_gradients(loss, {"x": right})
    assert report.ok and report.summary() == "all 1 gradients are right"
    assert "✓" in report._repr_html_() and "✗" not in report._repr_html_()


def test_the_html_report_has_the_table_the_findings_and_the_graph_highlighted():
    report, _ = sign_at_the_top()
    page = report._repr_html_()
    assert "<th>given</th><th>correct</th><th>verdict</th>" in page
    assert page.count("<tr>") == 1 + len(report.rows)
    assert "<b>sign</b>" in page and "climbs the loss" in page
    assert "<svg" in page and "the first node whose gradient goes wrong" in page
    assert "Highlighted: d," in page


def test_the_html_report_escapes_labels():
    x = Value(0.4127, label="<script>alert(1)</script>")
    loss = (x * 2.1).sigmoid()
    page = check_gradients(loss, {x: -0.5})._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_a_big_graph_is_not_drawn():
    model = MLP(8, [8, 8], activation="sigmoid", seed=0)
    loss = mse_loss(model([0.1 * k for k in range(8)]), [0.5] * 8)
    parameter = model.parameters()[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # drawing a big graph warns; the report must not draw it
        page = check_gradients(loss, {parameter: 1.234567})._repr_html_()
    assert "<svg" not in page and "too many to draw legibly here" in page


# ----------------------------------------------------------------------------
# The catalog
# ----------------------------------------------------------------------------


def test_the_catalog_has_every_kind_of_the_issue_with_a_paragraph_and_a_rule():
    assert [entry.kind for entry in CATALOG] == [
        "sign",
        "missing_factor",
        "constant_factor",
        "missing_path",
        "derivative_at_output",
        "wrong_weight",
    ]
    assert set(KINDS) == {entry.kind for entry in CATALOG} | {"update_rule"}
    for entry in KINDS.values():
        assert len(entry.explanation.split()) > 40 and entry.wrong_rule and entry.title
        if entry.kind != "update_rule":
            assert entry.rule is not None or entry.places is not None


# ----------------------------------------------------------------------------
# The step table an offline exercise ships
# ----------------------------------------------------------------------------


def test_the_step_table_lists_each_nodes_right_gradient_and_the_wrong_ones_to_expect():
    graph = neuron()
    rows = step_table(graph.loss)
    right = graph.answers()
    backward = [node for node in reversed(topological_order(graph.loss)) if node.op != "const"]
    assert [row.node for row in rows] == backward
    for row in rows[1:]:
        assert row.correct == pytest.approx(right[row.node], rel=1e-12)
    d = rows[1]  # dL/dd = 2 d: the learner may flip it, drop the 2, or double it
    by_kind = {answer.kind: answer.value for answer in d.wrong}
    assert by_kind["sign"] == pytest.approx(-graph.local["L>d"])
    assert by_kind["missing_factor"] == 1.0
    assert any(answer.value == pytest.approx(right[d.node] / 2) for answer in d.wrong)  # the 2 dropped
    z = next(row for row in rows if row.name == "z")  # tanh' at tanh's output
    a = graph.nodes["a"].data
    at_output = [w for w in z.wrong if w.kind == "derivative_at_output"]
    assert at_output[0].value == pytest.approx((1 - math.tanh(a) ** 2) * right[graph.nodes["a"]])


def test_looking_up_a_typed_answer_as_a_page_would():
    graph = neuron()
    rows = {row.name: row for row in step_table(graph.loss)}
    d = rows["d"]
    assert look_up(d, f"{d.correct:.4g}") == "right"
    assert look_up(d, f"{-d.correct:.3g}") == "sign"
    assert look_up(d, "1") == "missing_factor"
    assert look_up(d, "123.456") == "no known mistake matches"


def test_the_step_table_is_plain_data_for_json():
    rows = step_table(neuron().loss)
    data = json.loads(json.dumps([row.as_dict() for row in rows]))
    assert data[1]["name"] == "d"
    assert set(data[1]["wrong"][0]) == {"value", "kind", "where", "explanation", "also"}


# ----------------------------------------------------------------------------
# check_update
# ----------------------------------------------------------------------------

BEFORE = [0.4127, -1.0381, 0.2264]
GRADS = [0.1719, 0.0532, -0.3307]


@pytest.mark.parametrize("rule", UPDATE_RULES, ids=[rule.formula for rule in UPDATE_RULES])
def test_each_wrong_update_rule_is_named(rule):
    lr = 0.05
    # each rule written out here again, as the learner's code would compute it
    written = {
        "w += lr * g": lambda w, g: w + lr * g,
        "w += w - lr * g": lambda w, g: w + (w - lr * g),
        "w += w + lr * g": lambda w, g: w + (w + lr * g),
        "w -= w - lr * g": lambda w, g: w - (w - lr * g),
        "w = -lr * g": lambda w, g: -lr * g,
        "w -= g": lambda w, g: w - g,
        "w -= g / lr": lambda w, g: w - g / lr,
        "w -= lr * w": lambda w, g: w - lr * w,
    }[rule.formula]
    after = [written(w, g) for w, g in zip(BEFORE, GRADS)]
    report = check_update(BEFORE, after, GRADS, lr=lr)
    assert isinstance(report, UpdateReport) and not report.ok
    assert report.rule == rule.formula and report.findings[0].kind == "update_rule"
    assert report.findings[0].where.text == "every parameter" and rule.says in report.findings[0].explanation


def test_a_right_update_and_one_rounded_to_three_digits_are_right():
    after = [w - 0.05 * g for w, g in zip(BEFORE, GRADS)]
    assert check_update(BEFORE, after, GRADS, lr=0.05).ok
    assert check_update(BEFORE, [float(f"{a:.3g}") for a in after], GRADS, lr=0.05).ok


def test_random_updates_match_no_rule():
    rng = random.Random(5)
    for _ in range(200):
        after = [w + rng.uniform(-0.3, 0.3) for w in BEFORE]
        report = check_update(BEFORE, after, GRADS, lr=0.05)
        assert report.findings == [] and "no known mistake matches" in report.summary()


def test_one_parameter_updated_wrongly_is_named_with_it():
    after = [w - 0.05 * g for w, g in zip(BEFORE, GRADS)]
    after[1] = BEFORE[1] + 0.05 * GRADS[1]
    report = check_update(
        {"a": BEFORE[0], "b": BEFORE[1], "c": BEFORE[2]},
        dict(zip("abc", after)),
        dict(zip("abc", GRADS)),
        lr=0.05,
        digits=17,
    )
    assert report.wrong == ["b"] and report.rule == "w += lr * g" and report.findings[0].where.text == "b"


def test_update_reports_print_and_show():
    after = [2 * w - 0.05 * g for w, g in zip(BEFORE, GRADS)]
    report = check_update(BEFORE, after, GRADS, lr=0.05)
    assert "the step taken was w += w - lr * g (100% of them)" in str(report)
    assert "<table>" in report._repr_html_() and repr(report).startswith("<UpdateReport: 3 of 3")


def test_updates_that_cannot_be_checked():
    with pytest.raises(ValueError, match="lr must be a positive number"):
        check_update(BEFORE, BEFORE, GRADS, lr=0)
    with pytest.raises(ValueError, match="same shape"):
        check_update(BEFORE, BEFORE[:2], GRADS, lr=0.1)
    with pytest.raises(ValueError, match="after\\[1\\] is nan"):
        check_update(BEFORE, [0.0, math.nan, 0.0], GRADS, lr=0.1)
    with pytest.raises(ValueError, match="they differ at a, x"):
        check_update({"a": 1.0}, {"x": 1.0}, {"a": 0.0}, lr=0.1)
    with pytest.raises(TypeError, match="expected a number"):
        check_update(BEFORE, ["0.1", 0.0, 0.0], GRADS, lr=0.1)


def test_a_graph_over_max_nodes_gets_verdicts_but_no_search():
    graph = neuron()
    answers = graph.answers(wrong={"L>d": -graph.local["L>d"]})
    report = check_gradients(graph.loss, answers, max_nodes=10)
    assert not report.ok and len(report.wrong) == 11 and report.findings == [] and not report.searched
    assert "the graph has 13 nodes, too many to look for the mistake" in report.summary()  # 12 + the 0.5
    assert all(row.verdict == "wrong" for row in report.rows)
    assert check_gradients(graph.loss, graph.answers(), max_nodes=10).ok
    assert check_gradients(graph.loss, answers, max_nodes=None).findings[0].kind == "sign"
