"""explain(root, x): d root/d x as a sum over paths of products of local derivatives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from autograd import Explanation, Value, explain, gradients
from autograd.engine import local_derivatives, topological_order
from tests.helpers import every_kind_of_node, issue_example, latex_problems, markdown_page, table_cells
from tests.strategies import leaves_of, programs, run


def test_explain_spells_out_both_paths():
    a, *_, L = issue_example(output_label="L", run_backward=True)
    explanation = explain(L, a)
    assert isinstance(explanation, Explanation)
    assert len(explanation.paths) == 2
    assert explanation.total == pytest.approx(a.grad, rel=1e-15)
    text = str(explanation)
    assert "path 1: L -> t1 -> t0 -> a" in text and "dt0/da = b = -3" in text
    assert text.splitlines()[-1] == "dL/da = -0.002682"
    assert r"\frac{\partial L}{\partial a}" in explanation._repr_markdown_()
    assert repr(explanation) == "<Explanation of dL/da: 2 path(s), total -0.002682>"


def test_latex_has_one_bracket_of_factors_per_path():
    a, *_, L = issue_example(output_label="L")
    latex = explain(L, a).latex()
    assert latex.count(r"\left(") == 2
    assert r"\underbrace{-3}_{\partial \mathrm{t0} / \partial a}" in latex


def test_explain_reads_and_writes_no_grad():
    a, b, c, L = issue_example(output_label="L")
    explanation = explain(L, b)  # before any backward: every .grad is 0
    assert explanation.total == gradients(L, [b])[0]
    assert all(node.grad == 0.0 for node in (a, b, c, L))


@settings(max_examples=80, deadline=None)
@given(programs())
def test_explain_path_sums_equal_the_gradient(program):
    leaves, steps = program
    inputs = leaves_of(leaves)
    out = run(steps, *inputs)
    out.backward()
    for x in inputs:
        try:
            explanation = explain(out, x, max_paths=5000)
        except ValueError as err:  # x not used by this program
            assert "not part of this graph" in str(err)
            continue
        assert explanation.total == pytest.approx(x.grad, rel=1e-9, abs=1e-12)


def assert_explanations_agree_with_the_engine(root: Value) -> None:
    """Every edge's number is the engine's local derivative; every total is autograd.gradients'."""
    order = topological_order(root)
    expected = dict(zip(order, gradients(root, order)))
    for x in order:
        explanation = explain(root, x, max_paths=5000)
        for path in explanation.paths:
            if path.edges:  # (only the path from root to itself has none)
                last = path.edges[-1]
                assert last.node.children[last.index] is x  # every path ends at x
            for edge in path.edges:
                assert edge.local_derivative == local_derivatives(edge.node)[edge.index]
        assert explanation.total == pytest.approx(expected[x], rel=1e-9, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(programs())
def test_explanations_agree_with_the_engine_on_random_graphs(program):
    leaves, steps = program
    assert_explanations_agree_with_the_engine(run(steps, *leaves_of(leaves)))


def test_explanations_agree_with_the_engine_on_every_kind_of_node():
    assert_explanations_agree_with_the_engine(every_kind_of_node())


def test_explain_refuses_path_explosions_with_a_count():
    x = Value(0.5)
    y = x
    for _ in range(12):
        y = y * y  # each level doubles the number of paths
    with pytest.raises(ValueError, match="4096 paths") as caught:
        explain(y, x)
    assert "max_paths=64" in str(caught.value)
    assert len(explain(y, x, max_paths=4096).paths) == 4096


def test_explain_refuses_what_is_not_in_the_graph():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    with pytest.raises(ValueError, match="not part of this graph"):
        explain(x * 2, y)
    with pytest.raises(TypeError, match="expected the Value to differentiate by, got float"):
        explain(x * 2, 1.0)


def test_a_failing_derivative_is_named_as_backward_names_it():
    x = Value(0.0, label="x")
    with pytest.raises(ZeroDivisionError, match=r"backward through sqrt\(x=0\.0\)"):
        explain(x.sqrt() + 1, x)


# -- labels are user text: escaped wherever an explanation shows them -----------------

HOSTILE = [
    "<script>alert(1)</script>",
    "a|b",  # would split a table cell
    "$$x$$",  # would end the formula
    "w_{1}^2 \\ % # & ~",  # LaTeX's special characters
    "*not* `code`",
    "two\nlines",  # would end a table row
]


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_labels_cannot_break_the_markdown_or_the_formula(label):
    x = Value(0.5, label=label)
    y = (x * x + x).tanh()
    y.label = label + "!"
    explanation = explain(y, x)
    markdown = explanation._repr_markdown_()
    formula, table = markdown.split("\n\n")
    assert formula.startswith("$$") and formula.endswith("$$") and formula.count("$$") == 2
    assert latex_problems(explanation.latex()) == []
    page = markdown_page(table)
    assert "<script" not in page and "<em>" not in page
    rows = table_cells(page)
    assert len(rows) == len(explanation.paths) and all(len(row) == 3 for row in rows)
    shown = label.replace("\n", "\\n")  # written as Python writes it
    assert f"d{shown}!/d{shown}" not in page  # (headers are in the formula, not the table)
    assert any(shown in cell for row in rows for cell in row)  # the text reads as typed


def test_latex_problems_finds_what_breaks_a_formula():
    assert latex_problems(r"\frac{\partial \mathrm{t\_0}}{\partial x} = 1") == []
    assert latex_problems(r"\mathrm{a}}") == ["unbalanced braces", "a } closes more than was opened"]
    assert latex_problems(r"\mathrm{<script>$}") == ["an unescaped $", "an unescaped <", "an unescaped >"]


def test_names_in_the_formula_are_escaped_for_latex():
    x = Value(1.0, label="<b>")
    latex = explain(x * 2, x).latex()
    assert r"\partial \mathrm{\lt b\gt }" in latex
