"""check_nodes: a finite-difference check at every node, naming the op whose rule is wrong."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import NodeCheckReport, Value, apply_op, check_nodes, gradients
from autograd.engine import topological_order
from autograd.ops import MUL, TANH, Op
from tests.helpers import every_kind_of_node, issue_example, markdown_page, table_cells
from tests.strategies import leaves_of, programs, run


def test_check_nodes_passes_a_correct_graph():
    x, w = Value(1.5, label="x"), Value(0.5, label="w")
    report = check_nodes((x * w + x).tanh())
    assert isinstance(report, NodeCheckReport)
    assert report.ok and report.culprit is None
    assert "all 5 node gradients match" in str(report)
    assert [row.name for row in report.rows] == ["t2", "t1", "t0", "w", "x"]  # backward order


def test_check_nodes_names_a_deliberately_wrong_rule():
    wrong_mul = Op("*", MUL.forward, lambda out, x, y: (y, x + 1), ("y", "x + 1"))
    x, w = Value(1.5, label="x"), Value(0.5, label="w")
    out = (apply_op(wrong_mul, x, w) + x).tanh()
    report = check_nodes(out)
    assert not report.ok
    assert report.culprit is not None and report.culprit.op == "*" and report.culprit.index == 1
    assert report.culprit.rule == pytest.approx(2.5) and report.culprit.numeric == pytest.approx(1.5)
    assert "culprit: op '*'" in str(report)
    assert "✗" in report._repr_markdown_()


def test_check_nodes_finds_a_wrong_rule_deep_in_the_graph():
    wrong_tanh = Op("tanh", TANH.forward, lambda out, x: (1 - out,), ("1 - out",))
    a = Value(0.3, label="a")
    out = (apply_op(wrong_tanh, a * 2) * a).exp() + a
    report = check_nodes(out)
    assert report.culprit is not None and report.culprit.op == "tanh"


def test_the_report_repr_is_short_and_stable():
    *_, L = issue_example(run_backward=True)
    assert repr(check_nodes(L)) == "<NodeCheckReport: all 5 node gradients match finite differences>"


def test_check_nodes_refuses_graphs_over_max_nodes():
    *_, L = issue_example()
    with pytest.raises(ValueError, match=r"the graph has 5 nodes.*max_nodes=4"):
        check_nodes(L, max_nodes=4)


def test_apply_op_validates_the_ops_that_check_nodes_is_used_on():
    with pytest.raises(TypeError, match="Op"):
        apply_op("tanh", Value(1.0))
    with pytest.raises(TypeError, match="str"):
        apply_op(TANH, "x")


# -- the engine's numbers, and .grad untouched ---------------------------------------


def assert_rows_agree_with_the_engine(root: Value) -> None:
    """Every row's autograd number is autograd.gradients' (constants have no row)."""
    order = topological_order(root)
    expected = dict(zip(order, gradients(root, order)))
    report = check_nodes(root)
    assert [row.node for row in report.rows] == [n for n in reversed(order) if n.op != "const"]
    for row in report.rows:
        assert row.autograd == expected[row.node]


@settings(max_examples=40, deadline=None)
@given(programs())
def test_rows_agree_with_the_engine_on_random_graphs(program):
    leaves, steps = program
    assert_rows_agree_with_the_engine(run(steps, *leaves_of(leaves)))


def test_rows_agree_with_the_engine_on_every_kind_of_node():
    assert_rows_agree_with_the_engine(every_kind_of_node())


@settings(max_examples=40, deadline=None)
@given(programs(), st.lists(st.floats(-2, 2), min_size=1, max_size=40))
def test_check_nodes_leaves_every_grad_untouched(program, grads):
    leaves, steps = program
    out = run(steps, *leaves_of(leaves))
    order = topological_order(out)
    for k, node in enumerate(order):
        node.grad = grads[k % len(grads)]  # whatever an earlier backward left
    before = [node.grad for node in order]
    check_nodes(out)
    assert [node.grad for node in order] == before


@pytest.mark.parametrize("label", ["<script>alert(1)</script>", "a|b", "`x` *y*", "two\nlines"])
def test_hostile_labels_cannot_break_the_report_table(label):
    x = Value(0.5, label=label)
    report = check_nodes((x * x).tanh())
    page = markdown_page(report._repr_markdown_())
    assert "<script" not in page and "<em>" not in page
    rows = table_cells(page)
    assert len(rows) == len(report.rows) and all(len(row) == 5 for row in rows)
    shown = label.replace("\n", "\\n")
    assert rows[-1][:2] == [shown, "(input)"]  # x's row, its name as typed
    assert rows[0][1] == "tanh(t0)" and rows[1][1] == f"{shown} * {shown}"
