"""The README's demo writes its three pictures (a short run, to keep the suite fast), and they are readable.

"Readable" is checked on the figures themselves: at least 100 dots per inch, a
title and a label on every axis, no two tick labels on top of each other, and a
legend when there are several lines. The checks are tried on bad figures too, to
show they can fail.
"""

from __future__ import annotations

import importlib.util
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no window

import matplotlib.pyplot as plt  # after choosing the backend
import pytest

from nn import MLP, History
from nn.plots import plot_decision_boundary, plot_history

DEMO = Path(__file__).resolve().parent.parent / "scripts" / "demo.py"

MIN_DPI = 100  # below this, text in a figure is blurry on a laptop screen


def run_demo(out: Path) -> str:
    spec = importlib.util.spec_from_file_location("chaingrad_demo", DEMO)
    assert spec is not None and spec.loader is not None
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    demo.main(["--out", str(out), "--epochs", "3"])
    return out


def png_dpi(data: bytes) -> tuple[int, float]:
    """Width in pixels and dots per inch of a PNG (from its IHDR and pHYs chunks)."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width = struct.unpack(">I", data[16:20])[0]
    at = data.index(b"pHYs")  # pixels per unit x, per unit y, unit (1: the metre)
    per_metre, _, unit = struct.unpack(">IIB", data[at + 4 : at + 13])
    assert unit == 1
    return width, per_metre * 0.0254


def test_demo_writes_boundary_loss_and_graph(tmp_path, capsys):
    run_demo(tmp_path)
    printed = capsys.readouterr().out
    for name in ("decision_boundary.png", "loss.png", "graph.svg"):
        path = tmp_path / name
        assert path.stat().st_size > 1000, name
        assert str(path.resolve()) in printed
    for name in ("decision_boundary.png", "loss.png"):
        width, dpi = png_dpi((tmp_path / name).read_bytes())
        assert dpi >= MIN_DPI and width >= 6 * MIN_DPI, (name, width, dpi)  # 6 inches or more
    svg = ET.parse(tmp_path / "graph.svg").getroot()
    texts = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert "dot" in texts and "relu" in texts  # one neuron: weighted sum, bias, activation
    # the neuron fires on the point drawn, so dh/db = relu'(t) * 1 = 1 exactly: the drawing shows
    # this backward pass alone, not a training step's gradients left in the parameters
    boxes = [[t.text for t in g.iter("{http://www.w3.org/2000/svg}text")] for g in svg.iter("{http://www.w3.org/2000/svg}g")
             if "node" in (g.get("class") or "").split()]
    bias = next(box for box in boxes if box and box[0] == "b")
    assert bias[-1].strip() == "grad 1", bias


# ----------------------------------------------------------------------------
# What makes a figure readable, checked on the figure
# ----------------------------------------------------------------------------


def unreadable(figure) -> list[str]:
    """Everything that makes ``figure`` hard to read; empty when it is fine."""
    problems = []
    if figure.dpi < MIN_DPI:
        problems.append(f"{figure.dpi:g} dpi")
    figure.canvas.draw()  # lays out the text, so that its extents are known
    renderer = figure.canvas.get_renderer()
    for number, axes in enumerate(figure.axes):
        where = f"axes {number} ({axes.get_title() or 'untitled'})"
        for name, ruler in (("x", axes.xaxis), ("y", axes.yaxis)):
            if not ruler.get_visible():
                continue  # the hidden x axis of a twinx
            if not ruler.get_label_text():
                problems.append(f"{where}: no {name} label")
            problems += [f"{where}: {name} {clash}" for clash in overlapping_ticks(ruler, renderer)]
    lines = sum(len(axes.get_lines()) for axes in figure.axes)  # a twin axis has lines of its own
    if lines > 1 and not any(axes.get_legend() for axes in figure.axes):
        problems.append(f"{lines} lines without a legend")
    if not any(axes.get_title() for axes in figure.axes):
        problems.append("no title")
    return problems


def overlapping_ticks(ruler, renderer) -> list[str]:
    """The pairs of tick labels (major and minor) of one axis whose boxes overlap."""
    labels = [
        label
        for label in ruler.get_ticklabels(minor=False) + ruler.get_ticklabels(minor=True)
        if label.get_visible() and label.get_text()
    ]
    boxes = [(label.get_text(), label.get_window_extent(renderer)) for label in labels]
    return [
        f"tick labels {a!r} and {b!r} overlap"
        for i, (a, box_a) in enumerate(boxes)
        for b, box_b in boxes[i + 1 :]
        if box_a.overlaps(box_b)
    ]


def small_model():
    return MLP(2, [4, 1], activation="tanh", seed=0)


POINTS = [[0.0, 0.0], [1.0, 0.2], [0.3, 1.4], [-0.8, 0.5]]
LABELS = [1.0, -1.0, 1.0, -1.0]


@pytest.mark.parametrize(
    "history",
    [
        History(loss=[1 / (k + 1) for k in range(80)], accuracy=[min(1.0, 0.5 + k / 100) for k in range(80)]),
        History(loss=[0.31 - 0.001 * k for k in range(40)]),  # less than a decade: log minor ticks get labels
        History(loss=[1e-6 * (k - 20) for k in range(40)]),  # crosses zero: a linear axis
    ],
    ids=["loss and accuracy", "narrow loss range", "loss crossing zero"],
)
def test_the_training_curve_is_readable(history, tmp_path):
    figure = plot_history(history, tmp_path / "loss.png", title="training")
    try:
        assert unreadable(figure) == []
    finally:
        plt.close(figure)


def test_the_decision_boundary_is_readable(tmp_path):
    figure = plot_decision_boundary(small_model(), POINTS, LABELS, tmp_path / "boundary.png", resolution=10)
    try:
        assert unreadable(figure) == []
        assert [text.get_text() for text in figure.axes[0].get_legend().get_texts()] == ["class 1", "class 0"]
    finally:
        plt.close(figure)


def test_the_readability_check_finds_what_is_wrong():
    # the old figures: 80 dpi, no axis labels on the boundary plot; and crowded, unlabelled lines
    figure, axes = plt.subplots(dpi=72, figsize=(3, 2))
    axes.plot(range(40), range(40))
    axes.plot(range(40), range(40, 0, -1))
    axes.set_xticks(range(40))
    axes.set_xticklabels([f"{k * 1000.5:.1f}" for k in range(40)])
    try:
        problems = unreadable(figure)
    finally:
        plt.close(figure)
    assert "72 dpi" in problems and "no title" in problems
    assert any("no x label" in p for p in problems) and any("no y label" in p for p in problems)
    assert any("tick labels '0.0' and '1000.5' overlap" in p for p in problems)
    assert any("2 lines without a legend" in p for p in problems)
