"""The report's drawing shows where the mistake was made: the edges the best explanation
changed, as red dashed arrows marked ``✗ here`` (and ``report.mistake_edges``), and says so
in its caption.

The learner's numbers are computed by hand below, in plain floats, one local derivative
per edge, with the mistake written in: never by the diagnosis's own replay.
"""

from __future__ import annotations

import itertools
import math

from autograd import Value
from autograd.drawing.draw import MISTAKE_COLOR
from autograd.teaching import GradientReport, check_gradients
from tests.drawing.test_draw_wrong_edges import MARK, arrow, assert_marked, marked_arrows

X, W, B = 0.7316, -0.4271, 1.2917


def neuron() -> dict[str, Value]:
    """``L = tanh(x * w + b)``, every node labelled: x, w, b, z = x * w, s = z + b, L."""
    x, w, b = Value(X, label="x"), Value(W, label="w"), Value(B, label="b")
    z = x * w
    z.label = "z"
    s = z + b
    s.label = "s"
    loss = s.tanh()
    loss.label = "L"
    return {"x": x, "w": w, "b": b, "z": z, "s": s, "L": loss}


def learner(
    nodes: dict[str, Value], *, sign_of_dz_dx: float = 1.0, dl_ds: float | None = None
) -> GradientReport:
    """check_gradients on numbers a learner worked out by hand: backward, edge by edge.

    ``sign_of_dz_dx = -1``: the local derivative dz/dx = w written as -w. ``dl_ds``: the
    local derivative dL/ds = 1 - tanh(s)² written as that number.
    """
    s = X * W + B
    local = {
        "L>s": 1 - math.tanh(s) ** 2 if dl_ds is None else dl_ds,
        "s>z": 1.0,
        "s>b": 1.0,
        "z>x": sign_of_dz_dx * W,
        "z>w": X,
    }
    grad_s = local["L>s"]
    grad_z = grad_s * local["s>z"]
    given = {
        "s": grad_s,
        "z": grad_z,
        "b": grad_s * local["s>b"],
        "x": grad_z * local["z>x"],
        "w": grad_z * local["z>w"],
    }
    return check_gradients(nodes["L"], {nodes[name]: number for name, number in given.items()})


def drawing_of(report: GradientReport) -> str:
    """The SVG in the report's HTML."""
    page = report._repr_html_()
    return page[page.index("<svg") : page.index("</svg>") + len("</svg>")]


def caption_of(report: GradientReport) -> str:
    page = report._repr_html_()
    return page[page.index("<figcaption>") : page.index("</figcaption>")]


def test_a_sign_mistake_on_one_edge_is_drawn_red_on_that_edge():
    nodes = neuron()
    report = learner(nodes, sign_of_dz_dx=-1.0)
    assert [(finding.kind, str(finding.where)) for finding in report.findings][:1] == [
        ("sign", "the edge z → x (dz/dx)")
    ]
    assert report.mistake_edges == [(nodes["z"], 0)]  # z's input number 0 is x
    svg = drawing_of(report)
    # written out: the leaves x w b, then z s L, are v0 to v5; op<k> computes v<k>
    assert_marked(svg, {"v0->op3": MARK})
    assert arrow(svg, "x", "z") == "v0->op3"
    assert "In red (dashed, marked ✗ here): the edge where the mistake was made: z → x." in caption_of(report)
    assert "Highlighted: x, the first node whose gradient goes wrong." in caption_of(report)


def test_a_missing_factor_high_up_is_drawn_on_its_edge_and_the_highlight_below_it():
    nodes = neuron()
    report = learner(nodes, dl_ds=1.0)  # tanh' forgotten: 1 instead of 1 - tanh(s)²
    assert report.findings[0].kind == "missing_factor"
    assert report.mistake_edges == [(nodes["L"], 0)]
    svg = drawing_of(report)
    assert_marked(svg, {arrow(svg, "s", "L"): MARK})
    assert report.breaks_at is nodes["s"]
    assert "the edge where the mistake was made: L → s." in caption_of(report)


def test_a_right_report_has_no_red_arrow():
    nodes = neuron()
    report = learner(nodes)
    assert report.ok and report.mistake_edges == []
    svg = drawing_of(report)
    assert marked_arrows(svg) == {}
    assert MISTAKE_COLOR not in svg and "In red" not in report._repr_html_()


def test_wrong_numbers_no_mistake_explains_have_no_red_arrow():
    nodes = neuron()
    report = check_gradients(nodes["L"], {nodes["x"]: 12.3456})
    assert report.findings == [] and report.mistake_edges == []
    assert marked_arrows(drawing_of(report)) == {} and "In red" not in report._repr_html_()


def test_the_caption_names_a_few_edges_of_a_mistake_made_throughout():
    a = Value(0.8123, label="a")
    layers = [a]
    for k in range(6):
        layers.append(layers[-1].sigmoid())
        layers[-1].label = f"h{k}"
    loss = layers[-1]
    # every sigmoid's derivative evaluated at its output y, sigma'(y), instead of at its input
    outputs = [node.data for node in layers[1:]]
    sigma = [1 / (1 + math.exp(-y)) for y in outputs]
    wrong = [p * (1 - p) for p in sigma]  # what the learner used, node by node
    given, grad = {}, 1.0
    for node, local in zip(reversed(layers[:-1]), reversed(wrong)):
        grad *= local
        given[node] = grad
    report = check_gradients(loss, given)
    assert report.findings[0].kind == "derivative_at_output" and report.findings[0].scope == "throughout"
    assert set(report.mistake_edges) == {(node, 0) for node in layers[1:]}  # all six sigmoids
    assert len(report.mistake_edges) == 6
    assert "the edges where the mistake was made: h5 → h4, " in caption_of(report)
    assert caption_of(report).endswith(" and 2 more.")  # four named, then a count
    svg = drawing_of(report)
    by_hand = {arrow(svg, below.label, above.label): MARK for below, above in itertools.pairwise(layers)}
    assert_marked(svg, by_hand)
