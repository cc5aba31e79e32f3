"""Names of nodes, numbers and formulas, shared by records, explanations, checks and drawings."""

from __future__ import annotations

import math

import pytest

from autograd import Value, dot
from autograd.engine import topological_order
from autograd.teaching.naming import (
    derivative_text,
    format_number,
    latex_name,
    local_formula,
    markdown_code,
    markdown_text,
    node_expression,
    node_names,
    printable,
    short_names,
)
from nn import MLP, LSTMCell
from tests.helpers import latex_problems, markdown_page, table_cells


@pytest.mark.parametrize(
    ("x", "shown"),
    [(0.24048908305088898, "0.2405"), (3.0, "3"), (-3.0, "-3"), (1234567.0, "1.235e+06"),
     (3.059022269256247e-07, "3.059e-07"), (-0.0, "0"), (0.0, "0"), (math.inf, "inf")],
)  # fmt: skip
def test_format_number_uses_significant_digits(x, shown):
    assert format_number(x) == shown


def test_labels_constants_and_numbered_temporaries():
    a = Value(2.0, label="a")
    out = (a * 3).tanh()
    names = node_names(topological_order(out))
    assert list(names.values()) == ["a", "3", "t0", "t1"]
    assert names == node_names(topological_order(out))  # the same graph, the same names


def test_expressions_use_the_graphs_names():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    product = a * b
    nodes = [product, product.tanh(), a**3, 2**a, a + b]
    names = node_names(topological_order(sum(nodes[1:], nodes[0])))
    assert [node_expression(n, names) for n in nodes] == ["a * b", "tanh(t0)", "a**3", "2**a", "a + b"]
    assert node_expression(a, names) == "a"


def test_local_formulas_name_the_inputs():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    product, power = a * b, 2**a
    names = node_names(topological_order(product + power))
    assert [local_formula(product, i, names) for i in (0, 1)] == ["b", "a"]
    assert local_formula(power, 0, names) == f"{names[power]} * ln(2)"
    w, x = [Value(1.0, label="w1"), Value(2.0, label="w2")], [Value(3.0, label="x1"), Value(4.0, label="x2")]
    weighted = dot(w, x)
    names = node_names(topological_order(weighted))
    assert [local_formula(weighted, i, names) for i in range(4)] == ["x1", "x2", "w1", "w2"]


def test_derivative_text_does_not_repeat_a_number():
    assert derivative_text("b", -3.0) == "b = -3"
    assert derivative_text("1", 1.0) == "1"


# -- names in boxes, and names shown as text, Markdown and LaTeX -------------------


def test_short_names_drop_what_the_box_already_says():
    model = MLP(2, [2, 1], seed=0)
    names = short_names(model.parameter_groups())
    neuron = model.layers[0].neurons[1]  # labels layers.0.neurons.1.w.0, ...w.1, ...b
    assert [names[p] for p in neuron.parameters()] == ["w0", "w1", "b"]
    assert len(names) == model.num_parameters()


def test_short_names_keep_labels_that_share_nothing_or_would_clash():
    cell = LSTMCell(1, 2, seed=0)  # W_fh.0.0, W_fx.0.0, b_f.0: no prefix common to a gate
    assert short_names(cell.parameter_groups()) == {}
    a, b = Value(1.0, label="p.x.0"), Value(2.0, label="q.x.0")
    c = Value(3.0, label="p.y")
    assert short_names({"clash": [a, b]}) == {}  # both would be x0
    assert short_names({"one": [c]}) == {c: "y"}
    assert short_names({"unlabelled": [Value(1.0), c]}) == {}


def test_printable_writes_control_characters_as_python_does():
    assert printable("a\nb\tc\x00d\ud800é") == "a\\nb\\tc\\x00d\\ud800é"
    assert printable("plain <text> & spaces") == "plain <text> & spaces"


def test_markdown_text_shows_as_typed_in_commonmark():
    text = '<script>alert("x")</script> | $x$ *a* _b_ `c` \\ [d](e) # &amp;'
    page = markdown_page(f"| cell |\n|---|\n| {markdown_text(text)} |")
    assert table_cells(page) == [[text]]
    assert "<script" not in page
    assert markdown_code("a*b*c") == r"<code>a\*b\*c</code>"


def test_latex_name_escapes_what_latex_and_the_page_read():
    assert latex_name("a") == "a"
    assert latex_name("t0") == r"\mathrm{t0}"
    assert latex_name("w_1") == r"\mathrm{w\_1}"
    hostile = latex_name(r"<b>{$x$} \ % # & ^ ~")
    assert latex_problems(hostile) == []
    assert hostile == r"\mathrm{\lt b\gt \{\$x\$\}\ \backslash \ \%\ \#\ \&\ \hat{}\ \sim }"
