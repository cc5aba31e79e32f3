"""Jupyter display of a Value: its graph as SVG, falling back to its short repr."""

from __future__ import annotations

import graphviz
import pytest

from autograd import Value
from autograd.draw import DEFAULT_MAX_NODES
from tests.test_draw import chain, issue_example, read_svg

SVG_TYPE = "image/svg+xml"


def test_a_small_graph_displays_as_svg_with_its_repr_as_text():
    _, _, L = issue_example()
    bundle = L._repr_mimebundle_()
    assert bundle["text/plain"] == repr(L)
    picture = read_svg(bundle[SVG_TYPE])
    assert len(picture.nodes) == 8  # 5 values and 3 ops, as in test_draw
    assert picture.nodes["v0"][0] == "a"


def test_repr_stays_short():
    _, _, L = issue_example()
    # the display protocol is a separate method, so repr is still the one-line Value(data=..., grad=...)
    assert repr(L).startswith("Value(data=-0.99") and "grad=1" in repr(L)
    assert "\n" not in repr(L) and len(repr(L)) < 60


def test_ipython_uses_the_display_protocol():
    formatters = pytest.importorskip("IPython.core.formatters")
    _, _, L = issue_example()
    data, _ = formatters.DisplayFormatter().format(L)
    assert data["text/plain"] == repr(L)
    assert len(read_svg(data[SVG_TYPE]).nodes) == 8


@pytest.mark.parametrize(
    ("include", "exclude"), [(["text/plain"], None), (None, [SVG_TYPE]), ([SVG_TYPE], [SVG_TYPE])]
)
def test_no_svg_is_made_when_the_front_end_does_not_want_it(include, exclude, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("dot should not run")

    monkeypatch.setattr("autograd.draw.render_svg", fail)
    bundle = Value(1.0)._repr_mimebundle_(include=include, exclude=exclude)
    assert list(bundle) == ["text/plain"]


def test_without_dot_the_display_falls_back_to_text(tmp_path, monkeypatch):
    _, _, L = issue_example()
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no `dot` to be found
    assert L._repr_mimebundle_() == {"text/plain": repr(L)}


def test_when_dot_fails_the_display_falls_back_to_text(monkeypatch):
    def crash(*args, **kwargs):
        raise graphviz.CalledProcessError(1, ["dot", "-Tsvg"], b"", b"Error: syntax error")

    monkeypatch.setattr(graphviz.Digraph, "pipe", crash)
    _, _, L = issue_example()
    assert L._repr_mimebundle_() == {"text/plain": repr(L)}


def test_a_graph_over_the_size_limit_displays_as_text_without_running_dot(monkeypatch):
    root = chain(DEFAULT_MAX_NODES)  # about 1.5 values per link: over the limit
    monkeypatch.setattr(graphviz.Digraph, "pipe", lambda *a, **k: pytest.fail("dot should not run"))
    assert root._repr_mimebundle_() == {"text/plain": repr(root)}
