"""Jupyter display of a Value or a drawing: its graph scaled to the output width, else a line saying why not.

A real browser shows these pictures in tests/browser; here, what Python hands
Jupyter: the HTML and SVG, the arithmetic of the scaling, and the fallbacks.
"""

from __future__ import annotations

import re
import subprocess
import sys
import warnings

import pytest

from autograd import Value, draw_graph, topological_order
from autograd.drawing import display
from autograd.drawing.display import (
    FULL_SIZE_FROM_PX,
    HTML_MIMETYPE,
    SVG_MIMETYPE,
    fitted_html,
    mimebundle,
    shown_width_px,
    svg_size_px,
)
from autograd.drawing.draw import DEFAULT_MAX_NODES
from nn import MLP
from tests.helpers import chain, issue_example, read_svg


def fake_dot(folder, script: str) -> None:
    """Put a program called ``dot`` that runs ``script`` (sh) first on PATH's folder ``folder``."""
    program = folder / "dot"
    program.write_text(f"#!/bin/sh\n{script}\n")
    program.chmod(0o755)


def mlp_graph():
    """The graph of an MLP(2, [4, 4, 1]) loss on one sample, boxed by neuron: wider than a notebook."""
    model = MLP(2, [4, 4, 1], activation="tanh", seed=0)
    loss = (model([Value(0.5, label="x1"), Value(-1.5, label="x2")]) - 1.0) ** 2
    loss.backward()
    return draw_graph(loss, clusters=model)


def test_a_small_graph_displays_as_fitted_html_and_svg_with_its_repr_as_text():
    *_, L = issue_example(run_backward=True)
    bundle = L._repr_mimebundle_()
    assert list(bundle) == ["text/plain", HTML_MIMETYPE, SVG_MIMETYPE]
    assert bundle["text/plain"] == repr(L)
    picture = read_svg(bundle[SVG_MIMETYPE])
    assert len(picture.nodes) == 8  # 5 values and 3 ops, as in test_draw
    assert picture.nodes["v0"][0] == "a"
    page = bundle[HTML_MIMETYPE]
    assert page.startswith(
        '<div class="chaingrad-drawing" style="max-width:100%"><svg style="max-width:100%;height:auto"'
    )
    assert "<?xml" not in page and "<!DOCTYPE" not in page  # not allowed inside HTML
    assert "viewBox=" in page  # what keeps the proportions when the width shrinks
    assert "<details>" not in page  # small enough: no full-size view needed
    assert bundle == mimebundle(L)  # the core's hook hands the drawing layer the work


def test_a_drawing_displays_itself_the_same_way():
    *_, L = issue_example(run_backward=True)
    bundle = draw_graph(L)._repr_mimebundle_()
    assert bundle[HTML_MIMETYPE] == L._repr_mimebundle_()[HTML_MIMETYPE]
    assert (
        bundle["text/plain"] == "<ValueGraph: 5 values; .source for DOT, .render(...) or .pipe(...) to draw>"
    )


def test_a_wide_drawing_scales_down_to_the_output_and_can_be_seen_at_full_size():
    svg = mlp_graph().pipe(format="svg", encoding="utf-8")
    width, height = svg_size_px(svg)
    assert width > 1000  # an MLP's graph is wider than a notebook's output area...
    assert shown_width_px(svg, 1000) == 1000  # ...so it is shown scaled down to it
    page = fitted_html(svg)
    full = page[page.index("<details>") :]
    assert f"full size ({width:.0f} × {height:.0f} px)" in full
    assert full.count("<svg") == 1 and 'style="max-width' not in full.split("<svg")[1].split(">")[0]
    ids = re.findall(r' id="([^"]*)"', page)
    assert len(ids) == len(set(ids)) > 0  # the full-size copy has none, so the page's ids stay unique


def test_shown_width_is_the_natural_width_up_to_the_page_width():
    svg = '<svg width="300pt" height="150pt" viewBox="0.00 0.00 300.00 150.00">'
    assert svg_size_px(svg) == (400, 200)  # 1 pt = 4/3 px
    assert shown_width_px(svg, 1000) == 400  # a small drawing keeps its size (max-width, never up)
    assert shown_width_px(svg, 300) == 300
    assert svg_size_px('<svg width="2in" height="96px">') == (192, 96)
    with pytest.raises(ValueError, match="no width in pt or px"):
        svg_size_px('<svg height="10pt">')
    assert FULL_SIZE_FROM_PX <= 1000


def test_ipython_uses_the_display_protocol():
    formatters = pytest.importorskip("IPython.core.formatters")
    *_, L = issue_example(run_backward=True)
    data, _ = formatters.DisplayFormatter().format(L)
    assert data["text/plain"] == repr(L)
    assert data[HTML_MIMETYPE] == fitted_html(data[SVG_MIMETYPE])


def test_repr_stays_short():
    *_, L = issue_example(run_backward=True)
    # the display protocol is a separate method, so repr is still the one-line Value(data=..., grad=...)
    assert repr(L).startswith("Value(data=-0.99") and "grad=1" in repr(L)
    assert "\n" not in repr(L) and len(repr(L)) < 60


def test_jupyter_display_does_not_warn_before_backward():
    *_, L = issue_example()  # drawing this with draw_graph would warn: every gradient is 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bundle = L._repr_mimebundle_()
    assert SVG_MIMETYPE in bundle
    assert caught == []


@pytest.mark.parametrize(
    ("include", "exclude", "kinds"),
    [
        (["text/plain"], None, ["text/plain"]),
        (None, [SVG_MIMETYPE, HTML_MIMETYPE], ["text/plain"]),
        (None, [SVG_MIMETYPE], ["text/plain", HTML_MIMETYPE]),
        ([SVG_MIMETYPE, "text/plain"], None, ["text/plain", SVG_MIMETYPE]),
    ],
)
def test_only_what_the_front_end_wants_is_made(include, exclude, kinds, monkeypatch):
    if kinds == ["text/plain"]:
        monkeypatch.setattr("autograd.drawing.run.run_dot", lambda *a, **k: pytest.fail("dot should not run"))
    x = Value(1.0, label="x") * 2
    assert list(mimebundle(x, include, exclude)) == kinds
    assert list(draw_graph(x, show_grad=False)._repr_mimebundle_(include, exclude))[1:] == kinds[1:]


# -- when there is no picture: one line that says why ---------------------------------


def not_drawn(bundle: dict[str, str], shown: object) -> str:
    """The reason line of a text-only bundle (checking that it is only text, and one line more)."""
    assert list(bundle) == ["text/plain"]
    first, reason = bundle["text/plain"].split("\n")
    assert first == repr(shown)
    assert reason.startswith("(graph not drawn: ") and reason.endswith(")")
    return reason


def test_without_dot_the_display_says_how_to_install_it(tmp_path, monkeypatch):
    *_, L = issue_example(run_backward=True)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no `dot` to be found
    reason = not_drawn(L._repr_mimebundle_(), L)
    assert "dot program is not installed (apt-get install graphviz" in reason
    graph = draw_graph(L)
    assert not_drawn(graph._repr_mimebundle_(), graph) == reason


def test_a_dot_that_takes_too_long_is_stopped_and_the_display_says_what_to_do(tmp_path, monkeypatch):
    # before: the notebook's kernel froze for as long as dot ran (minutes, or for good)
    *_, L = issue_example(run_backward=True)
    fake_dot(tmp_path, "sleep 30")
    monkeypatch.setenv("PATH", f"{tmp_path}:{subprocess.os.environ['PATH']}")
    monkeypatch.setattr(display, "DISPLAY_TIMEOUT", 0.3)
    reason = not_drawn(L._repr_mimebundle_(), L)
    assert reason == (
        "(graph not drawn: Graphviz's dot took more than 0.3 s; draw a smaller part, "
        "or draw_graph(value, timeout=60) to wait longer)"
    )
    graph = draw_graph(L, timeout=0.3)
    assert "took more than 0.3 s" in not_drawn(graph._repr_mimebundle_(), graph)


def test_when_dot_fails_the_display_says_what_it_said(tmp_path, monkeypatch):
    fake_dot(tmp_path, 'echo "Error: something broke" >&2; exit 1')
    monkeypatch.setenv("PATH", str(tmp_path))
    *_, L = issue_example(run_backward=True)
    assert (
        not_drawn(L._repr_mimebundle_(), L)
        == "(graph not drawn: Graphviz's dot failed: Error: something broke)"
    )


def test_a_graph_over_the_size_limit_displays_as_text_without_running_dot(monkeypatch):
    root = chain(DEFAULT_MAX_NODES)  # about 1.5 values per link: over the limit
    monkeypatch.setattr("autograd.drawing.run.run_dot", lambda *a, **k: pytest.fail("dot should not run"))
    count = len(topological_order(root))
    assert not_drawn(root._repr_mimebundle_(), root) == (
        f"(graph not drawn: it has {count} values, more than 500; "
        f"draw_graph(value, max_nodes={count}) draws it anyway)"
    )


def test_the_display_never_raises(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("something unexpected\nover two lines")

    monkeypatch.setattr(display, "draw_graph", broken)
    x = Value(1.0, label="x")
    assert (
        not_drawn(x._repr_mimebundle_(), x)
        == "(graph not drawn: RuntimeError: something unexpected over two lines)"
    )
    monkeypatch.setattr("autograd.drawing.run.run_dot", broken)
    graph = draw_graph(x * 2, show_grad=False)
    assert "RuntimeError" in not_drawn(graph._repr_mimebundle_(), graph)


# -- without the graphviz package: the core still imports and displays as text --------

NO_GRAPHVIZ = "import sys; sys.modules['graphviz'] = None  # as if the package were not installed\n"


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (a module import cannot be undone in this one)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_value_imports_without_the_graphviz_package():
    done = run_python(NO_GRAPHVIZ + "from autograd import Value")
    assert done.returncode == 0, done.stderr


def test_importing_autograd_does_not_import_graphviz():
    done = run_python("import sys, autograd\nprint('graphviz' in sys.modules)")
    assert (done.returncode, done.stdout) == (0, "False\n"), done.stderr


def test_without_the_graphviz_package_a_value_displays_as_text():
    code = NO_GRAPHVIZ + (
        "import autograd\n"
        "from autograd import Value, record_backward, explain\n"
        "x = Value(2.0, label='x')\n"
        "y = (x * x).tanh()\n"
        "record_backward(y)\n"  # the teaching layer works too
        "print(explain(y, x).total == x.grad)\n"
        "print(sorted(y._repr_mimebundle_()))\n"
        "try:\n"
        "    autograd.draw_graph\n"
        "except ImportError:\n"
        "    print('drawing needs graphviz')\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["True", "['text/plain']", "drawing needs graphviz"]
