"""Drawing in a web page: Graphviz compiled to WebAssembly, for the library running in Pyodide.

In a browser the library runs in Pyodide (CPython compiled to WebAssembly), where
there is no ``dot`` program to start. The page brings Graphviz compiled to
WebAssembly too (the docs' Playground serves the npm package ``@viz-js/viz``),
and [render_dot][autograd.drawing.run.render_dot] hands the DOT text to it
instead of to ``dot``. So everything that draws works as it does in Jupyter: a
Value displays its graph, ``draw_graph(...).pipe(format="svg")``, ``render_svg``
and ``Player`` lay out with the same Graphviz, only compiled differently.

The handshake is one JavaScript object that the page puts on ``globalThis``
(in the worker that runs Python, when Python runs in one) before Python draws::

    globalThis.chaingradGraphviz = {
      // the picture as text (SVG...), or throw an Error whose message is Graphviz's complaint
      render(dot, format, engine) { return viz.renderString(dot, {format, engine}); },
    };

``render`` answers at once (not a Promise): Python waits for a drawing the way it
waits for ``dot``. The network diagrams ([nn.diagram][]) are the library's own
SVG and need no Graphviz at all.

Two differences from ``dot``: only the text formats are drawn (``svg``, ``dot``,
``json``...: no ``png`` or ``pdf``), and the time limit cannot stop a layout in
progress (the page can: the Playground's Stop button ends its Python).
"""

from __future__ import annotations

import sys
from typing import Any

from autograd.drawing.run import GraphvizFailedError, GraphvizNotFoundError

__all__ = ["PAGE_RENDERER", "TEXT_FORMATS", "in_browser", "render_in_browser"]

PAGE_RENDERER = "chaingradGraphviz"
"""The name under which the page gives Python its Graphviz (a property of ``globalThis``)."""

TEXT_FORMATS = frozenset({"svg", "dot", "gv", "xdot", "canon", "plain", "plain-ext", "json", "json0"})
"""The output formats of Graphviz that are text: the ones a browser's Graphviz returns."""


def in_browser() -> bool:
    """Is this Python running in a web page (Pyodide, whose platform is Emscripten)?"""
    return sys.platform == "emscripten"


def render_in_browser(source: str, output_format: str = "svg", *, engine: str = "dot") -> bytes:
    """Draw DOT ``source`` with the Graphviz the page provides; the picture's text as UTF-8 bytes.

    ``output_format`` is dot's ``-T`` argument (``svg``, or ``svg:cairo``: the
    renderer part is dot's business and ignored here).

    Raises:
        GraphvizNotFoundError: the page has no ``globalThis.chaingradGraphviz``.
        ValueError: a format that is not text (``png``, ``pdf``...).
        GraphvizFailedError: Graphviz refused the DOT (its message is the complaint).
    """
    kind = output_format.partition(":")[0]
    if kind not in TEXT_FORMATS:
        raise ValueError(
            f"in a browser, Graphviz draws text formats only ({', '.join(sorted(TEXT_FORMATS))}), "
            f"not {kind!r}: use format='svg'"
        )
    graphviz = _page_renderer()
    try:
        picture = graphviz.render(source, kind, engine)
    except Exception as error:  # a JavaScript Error, as Pyodide raises it: its message is Graphviz's
        complaint = str(error).removeprefix("Error: ")
        command = [f"{PAGE_RENDERER}.render", f"-T{kind}", f"-K{engine}"]
        raise GraphvizFailedError(1, command, b"", complaint.encode("utf-8")) from None
    return str(picture).encode("utf-8")


def _page_renderer() -> Any:
    """The page's ``globalThis.chaingradGraphviz``, or an error that says what the page must do."""
    try:
        import js  # Pyodide's view of the page's JavaScript globals
    except ImportError:
        js = None
    renderer = getattr(js, PAGE_RENDERER, None)
    if renderer is None:
        raise GraphvizNotFoundError(
            message=(
                "this web page gives Python no Graphviz, so the graph cannot be rendered: load "
                f"Graphviz-in-WebAssembly (@viz-js/viz) and set globalThis.{PAGE_RENDERER} "
                "(see autograd.drawing.browser; the DOT source is still available as .source)"
            )
        )
    return renderer
