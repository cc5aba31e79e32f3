"""Jupyter display of a Value: its graph as SVG, falling back to its short repr (also without graphviz)."""

from __future__ import annotations

import subprocess
import sys
import warnings

import graphviz
import pytest

from autograd import Value
from autograd.drawing.display import SVG_MIMETYPE, mimebundle
from autograd.drawing.draw import DEFAULT_MAX_NODES
from tests.helpers import chain, issue_example, read_svg


def test_a_small_graph_displays_as_svg_with_its_repr_as_text():
    *_, L = issue_example(run_backward=True)
    bundle = L._repr_mimebundle_()
    assert bundle["text/plain"] == repr(L)
    picture = read_svg(bundle[SVG_MIMETYPE])
    assert len(picture.nodes) == 8  # 5 values and 3 ops, as in test_draw
    assert picture.nodes["v0"][0] == "a"
    assert bundle == mimebundle(L)  # the core's hook hands the drawing layer the work


def test_repr_stays_short():
    *_, L = issue_example(run_backward=True)
    # the display protocol is a separate method, so repr is still the one-line Value(data=..., grad=...)
    assert repr(L).startswith("Value(data=-0.99") and "grad=1" in repr(L)
    assert "\n" not in repr(L) and len(repr(L)) < 60


def test_ipython_uses_the_display_protocol():
    formatters = pytest.importorskip("IPython.core.formatters")
    *_, L = issue_example(run_backward=True)
    data, _ = formatters.DisplayFormatter().format(L)
    assert data["text/plain"] == repr(L)
    assert len(read_svg(data[SVG_MIMETYPE]).nodes) == 8


def test_jupyter_display_does_not_warn_before_backward():
    *_, L = issue_example()  # drawing this with draw_graph would warn: every gradient is 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bundle = L._repr_mimebundle_()
    assert SVG_MIMETYPE in bundle
    assert caught == []


@pytest.mark.parametrize(
    ("include", "exclude"), [(["text/plain"], None), (None, [SVG_MIMETYPE]), ([SVG_MIMETYPE], [SVG_MIMETYPE])]
)
def test_no_svg_is_made_when_the_front_end_does_not_want_it(include, exclude, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("dot should not run")

    monkeypatch.setattr("autograd.drawing.display.render_svg", fail)
    monkeypatch.setattr(graphviz.Digraph, "pipe", fail)
    bundle = (Value(1.0) * 2)._repr_mimebundle_(include=include, exclude=exclude)
    assert list(bundle) == ["text/plain"]


def test_without_dot_the_display_falls_back_to_text(tmp_path, monkeypatch):
    *_, L = issue_example(run_backward=True)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no `dot` to be found
    assert L._repr_mimebundle_() == {"text/plain": repr(L)}


def test_when_dot_fails_the_display_falls_back_to_text(monkeypatch):
    def crash(*args, **kwargs):
        raise graphviz.CalledProcessError(1, ["dot", "-Tsvg"], b"", b"Error: syntax error")

    monkeypatch.setattr(graphviz.Digraph, "pipe", crash)
    *_, L = issue_example(run_backward=True)
    assert L._repr_mimebundle_() == {"text/plain": repr(L)}


def test_a_graph_over_the_size_limit_displays_as_text_without_running_dot(monkeypatch):
    root = chain(DEFAULT_MAX_NODES)  # about 1.5 values per link: over the limit
    monkeypatch.setattr(graphviz.Digraph, "pipe", lambda *a, **k: pytest.fail("dot should not run"))
    assert root._repr_mimebundle_() == {"text/plain": repr(root)}


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
