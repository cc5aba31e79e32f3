"""Drawing in a web page: the library hands DOT to the page's Graphviz-in-WebAssembly instead of to ``dot``.

Here, in CPython, the browser is pretended: ``in_browser`` says yes, and a fake
``js`` module (what Pyodide gives Python of the page) holds the page's
``chaingradGraphviz``, which draws with the real ``dot``. The real thing runs in
tests/browser/test_playground.py.
"""

from __future__ import annotations

import sys
import types

import pytest

from autograd import Player, draw_graph, record_backward, render_svg
from autograd.drawing import browser
from autograd.drawing.run import GraphvizFailedError, GraphvizNotFoundError, render_dot, run_dot
from tests.helpers import issue_example


class PageGraphviz:
    """What the Playground's worker sets as globalThis.chaingradGraphviz (viz.js there, dot here)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def render(self, dot: str, format: str, engine: str) -> str:
        self.calls.append((format, engine))
        if "->  }" in dot:
            raise RuntimeError("Error: syntax error in line 1 near '}'")  # as Pyodide raises a JS Error
        # this module's own name for run_dot: the library's is patched to fail below
        return run_dot(dot, format, program=engine).decode("utf-8")


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> PageGraphviz:
    """A pretend browser page that gives Python its Graphviz; the library running ``dot`` fails the test."""
    graphviz = PageGraphviz()
    monkeypatch.setattr(browser, "in_browser", lambda: True)
    monkeypatch.setitem(sys.modules, "js", types.SimpleNamespace(chaingradGraphviz=graphviz))
    monkeypatch.setattr("autograd.drawing.run.run_dot", lambda *a, **k: pytest.fail("no dot in a browser"))
    return graphviz


def test_outside_a_browser_dot_draws():
    assert not browser.in_browser()  # CPython on this machine
    assert render_dot("digraph { a -> b }").startswith(b"<?xml")


def test_in_a_browser_every_drawing_goes_to_the_page(page: PageGraphviz):
    *_, L = issue_example(run_backward=True)
    assert render_svg(L).startswith("<?xml")
    bundle = L._repr_mimebundle_()  # the display, as in Jupyter
    assert 'class="node value' in bundle["text/html"] and "<svg" in bundle["image/svg+xml"]
    L.zero_grad()
    assert "cg-player" in Player(record_backward(L)).html()  # laid out once, then replayed
    assert page.calls and all(call == ("svg", "dot") for call in page.calls)


def test_in_a_browser_a_failure_says_what_graphviz_said(page: PageGraphviz):
    with pytest.raises(GraphvizFailedError) as failed:
        render_dot("digraph { a ->  }")
    assert str(failed.value) == "Graphviz's dot failed: syntax error in line 1 near '}'"


def test_in_a_browser_only_text_formats_are_drawn(page: PageGraphviz):
    *_, L = issue_example(run_backward=True)
    with pytest.raises(ValueError, match=r"text formats only .* not 'png': use format='svg'"):
        draw_graph(L).pipe(format="png")
    assert draw_graph(L).pipe(format="json", encoding="utf-8").startswith("{")


def test_a_page_without_graphviz_gets_a_message_that_says_what_it_must_provide(monkeypatch):
    monkeypatch.setattr(browser, "in_browser", lambda: True)
    monkeypatch.setitem(sys.modules, "js", types.SimpleNamespace())
    *_, L = issue_example(run_backward=True)
    with pytest.raises(GraphvizNotFoundError, match=r"set globalThis\.chaingradGraphviz"):
        render_svg(L)
    shown = L._repr_mimebundle_()  # a display never raises: text, and why there is no picture
    assert list(shown) == ["text/plain"]
    reason = "this web page gives Python no Graphviz (see autograd.drawing.browser: chaingradGraphviz)"
    assert shown["text/plain"].endswith(f"(graph not drawn: {reason})")
