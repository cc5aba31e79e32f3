"""Rich display in Jupyter: a Value, or a drawing, shows its graph scaled to the output's width.

``Value._repr_mimebundle_`` (in the engine core) calls
[mimebundle][autograd.drawing.display.mimebundle] here, and a
[ValueGraph][autograd.drawing.run.ValueGraph] calls
[graph_mimebundle][autograd.drawing.display.graph_mimebundle]; this module is
the only part of the library that the core calls up to, and the core falls
back to text when it cannot be imported.

What a notebook gets:

* ``text/html``: the SVG inline, with ``max-width:100%`` and ``height:auto``,
  so a wide drawing shrinks to the output area (its ``viewBox`` keeps the
  proportions) while a small one keeps its natural size; a drawing wider than
  ``FULL_SIZE_FROM_PX`` also gets a "full size" fold below it that shows it
  unscaled, to scroll sideways;
* ``image/svg+xml``: the SVG as Graphviz wrote it, for front ends that do not
  show HTML (a notebook shows one of the two, the HTML when it can);
* a model's graph too wide to read once shrunk (an MLP's loss): one box per
  neuron, with the full graph folded below it (``neuron_view_html``);
* ``text/plain``: the ``repr``, plus one line saying why there is no picture
  when there is none (too many values, no ``dot``, ``dot`` too slow or
  failing). Showing a Value must never raise.

In a web page (Pyodide) the same pictures are drawn by the page's
Graphviz-in-WebAssembly ([autograd.drawing.browser][]): the bundle is the same.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable

from autograd.drawing import browser
from autograd.drawing.draw import draw_graph
from autograd.drawing.layout import GraphTooLargeError
from autograd.drawing.run import (
    DEFAULT_TIMEOUT,
    GraphvizFailedError,
    GraphvizNotFoundError,
    GraphvizTimeoutError,
    ValueGraph,
)
from autograd.engine import topological_order
from autograd.teaching.mistakes import TeachingWarning
from autograd.value import Value

__all__ = [
    "DISPLAY_TIMEOUT",
    "FULL_SIZE_FROM_PX",
    "HTML_MIMETYPE",
    "READABLE_PX",
    "SVG_MIMETYPE",
    "fitted_html",
    "graph_mimebundle",
    "mimebundle",
    "neuron_view_html",
    "readable_when_fitted",
    "shown_width_px",
    "svg_size_px",
    "why_not_drawn",
]

SVG_MIMETYPE = "image/svg+xml"
HTML_MIMETYPE = "text/html"
PICTURE_TYPES = (HTML_MIMETYPE, SVG_MIMETYPE)

DISPLAY_TIMEOUT = DEFAULT_TIMEOUT
"""Seconds ``dot`` may take to draw a Value that a notebook displays (past it: text)."""

FULL_SIZE_FROM_PX = 1000
"""Drawings wider than this (in CSS px) get a "full size" view: a notebook's output
area is about 1,000 px wide, so they are shown scaled down."""

_PX_PER_UNIT = {"pt": 4 / 3, "px": 1.0, "": 1.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}


def mimebundle(
    root: Value, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None
) -> dict[str, str]:
    """Jupyter's rich display of a Value: its graph (see the module doc), plus its ``repr`` as text.

    Only text when the front end wants no picture (a terminal IPython asks for
    text/plain only), and text with a one-line reason when the graph is over
    [DEFAULT_MAX_NODES][autograd.drawing.layout.DEFAULT_MAX_NODES] values or Graphviz is
    missing, too slow or failing.

    A graph so wide that, shrunk to the output, its texts would be smaller than
    ``READABLE_PX`` is shown with one box per neuron instead
    (``draw_graph(root, neurons=True)``) when it has neurons, the full graph
    folded below it (see ``neuron_view_html``).
    """
    wanted = _wanted(include, exclude)
    if not wanted:
        return {"text/plain": repr(root)}
    try:
        with warnings.catch_warnings():
            # showing a Value before backward is normal in a notebook: no teaching warning here
            warnings.simplefilter("ignore", TeachingWarning)
            svg: str = draw_graph(root, timeout=DISPLAY_TIMEOUT).pipe(format="svg", encoding="utf-8")
            compact = None if readable_when_fitted(svg) else _neuron_view(root)
    except Exception as error:
        return {"text/plain": f"{root!r}\n{why_not_drawn(error)}"}
    if compact is None:
        return {"text/plain": repr(root), **_pictures(svg, wanted)}
    pictures = {"text/plain": repr(root)}
    if HTML_MIMETYPE in wanted:
        pictures[HTML_MIMETYPE] = neuron_view_html(compact, svg)
    if SVG_MIMETYPE in wanted:
        pictures[SVG_MIMETYPE] = compact
    return pictures


def _neuron_view(root: Value) -> str | None:
    """The graph of ``root`` with one box per neuron, as SVG; None when it has no neurons."""
    from autograd.drawing.neurons import neuron_groups

    if not neuron_groups(topological_order(root)):
        return None
    svg: str = draw_graph(root, neurons=True, timeout=DISPLAY_TIMEOUT).pipe(format="svg", encoding="utf-8")
    return svg


def graph_mimebundle(
    graph: ValueGraph, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None
) -> dict[str, str]:
    """Jupyter's rich display of a drawing (what ``draw_graph`` returns), as for a Value."""
    return _bundle(repr(graph), lambda: graph.pipe(format="svg", encoding="utf-8"), include, exclude)


def _bundle(
    text: str, render: Callable[[], str], include: Iterable[str] | None, exclude: Iterable[str] | None
) -> dict[str, str]:
    """The text, and the pictures the front end wants of ``render()``'s SVG.

    A display hook must not raise: when rendering fails, the text says why instead.
    """
    wanted = _wanted(include, exclude)
    if not wanted:
        return {"text/plain": text}
    try:
        svg = render()
    except Exception as error:
        return {"text/plain": f"{text}\n{why_not_drawn(error)}"}
    return {"text/plain": text, **_pictures(svg, wanted)}


def _wanted(include: Iterable[str] | None, exclude: Iterable[str] | None) -> list[str]:
    """The picture types the front end accepts (Jupyter passes ``include``/``exclude`` lists, or None)."""
    included = None if include is None else set(include)
    excluded = set(exclude or ())
    return [kind for kind in PICTURE_TYPES if (included is None or kind in included) and kind not in excluded]


def _pictures(svg: str, wanted: list[str]) -> dict[str, str]:
    pictures = {}
    if HTML_MIMETYPE in wanted:
        pictures[HTML_MIMETYPE] = fitted_html(svg)
    if SVG_MIMETYPE in wanted:
        pictures[SVG_MIMETYPE] = svg
    return pictures


def why_not_drawn(error: Exception) -> str:
    """One line for the text display: why there is no picture, and what to do about it."""
    if isinstance(error, GraphTooLargeError):
        reason = (
            f"it has {error.node_count} values, more than {error.max_nodes}; "
            f"draw_graph(value, max_nodes={error.node_count}) draws it anyway"
        )
    elif isinstance(error, GraphvizNotFoundError) and browser.in_browser():
        wanted = browser.PAGE_RENDERER  # what the page must set (a JavaScript global)
        reason = f"this web page gives Python no Graphviz (see autograd.drawing.browser: {wanted})"
    elif isinstance(error, GraphvizNotFoundError):
        reason = "Graphviz's dot program is not installed (apt-get install graphviz / brew install graphviz)"
    elif isinstance(error, GraphvizTimeoutError):
        reason = (
            f"Graphviz's dot took more than {error.timeout:g} s; draw a smaller part, "
            f"or draw_graph(value, timeout={max(60.0, 6 * error.timeout):g}) to wait longer"
        )
    elif isinstance(error, GraphvizFailedError):
        reason = str(error)
    else:
        reason = f"{type(error).__name__}: {error}"
    line = f"(graph not drawn: {reason})"
    line = " ".join(line.split())  # one line, whatever the error said
    return line if len(line) <= 300 else line[:298] + "…)"


# ----------------------------------------------------------------------------
# Fitting the output width
# ----------------------------------------------------------------------------


def fitted_html(svg: str) -> str:
    """The SVG as HTML that shrinks to fit its container, with an unscaled copy for wide drawings.

    ``max-width:100%`` scales the drawing down to the container's width (never
    up: a small drawing keeps its size), ``height:auto`` keeps its proportions
    (from the ``viewBox``). The copy in the "full size" fold has no ``id``\\ s,
    so that the page's ids stay unique.
    """
    inline = _inline(svg)
    width, height = svg_size_px(svg)
    scaled = inline.replace("<svg", '<svg style="max-width:100%;height:auto"', 1)
    parts = [f'<div class="chaingrad-drawing" style="max-width:100%">{scaled}']
    if width > FULL_SIZE_FROM_PX:
        parts.append(
            f'<details><summary style="cursor:pointer">full size ({width:.0f} × {height:.0f} px)</summary>'
            f'<div style="overflow-x:auto;max-width:100%">{_without_ids(inline)}</div></details>'
        )
    parts.append("</div>")
    return "".join(parts)


READABLE_PX = 9.0
"""Texts smaller than this on screen are too small to read: a Value whose full graph
would show them so small in a notebook is shown with one box per neuron instead."""


def readable_when_fitted(svg: str, page_width_px: float = FULL_SIZE_FROM_PX) -> bool:
    """Is every text of ``svg`` at least ``READABLE_PX`` high once it is shrunk to fit ``page_width_px``?

    Graphviz writes font sizes in points (the SVG's units): on screen, a text is
    ``size * 4/3 * shown width / natural width`` px high.
    """
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)]
    if not sizes:
        return True
    width = svg_size_px(svg)[0]
    scale = min(1.0, page_width_px / width) if width > 0 else 1.0
    return min(sizes) * _PX_PER_UNIT["pt"] * scale >= READABLE_PX


def neuron_view_html(compact: str, full: str) -> str:
    """The graph with a box per neuron, fitted to the output, and the full graph in a fold below it.

    The full graph keeps every value's box (as a small expression shows them);
    it is shown at its natural size, to scroll sideways, without ids (the page's
    ids stay unique).
    """
    width, height = svg_size_px(full)
    values = full.count('class="node value')
    return (
        fitted_html(compact)
        + '<details><summary style="cursor:pointer">the full graph: a box for every value '
        f"({values} values, {width:.0f} × {height:.0f} px)</summary>"
        f'<div style="overflow-x:auto;max-width:100%">{_without_ids(_inline(full))}</div></details>'
    )


def svg_size_px(svg: str) -> tuple[float, float]:
    """The natural width and height of an SVG drawing in CSS px (Graphviz writes them in pt)."""
    tag = _root_tag(svg)
    sizes = []
    for attribute in ("width", "height"):
        found = re.search(rf'\s{attribute}="([^"]*)"', tag)
        size = length_px(found.group(1)) if found is not None else None
        if size is None:
            raise ValueError(f"the SVG's root element has no {attribute} in pt or px: {tag[:200]!r}")
        sizes.append(size)
    return sizes[0], sizes[1]


def length_px(length: str) -> float | None:
    """An SVG length (``"342pt"``, ``"120px"``, ``"80"``) in CSS px; None if it is not one."""
    found = re.fullmatch(r"([\d.]+)\s*([a-z]*)", length)
    if found is None or found.group(2) not in _PX_PER_UNIT:
        return None
    return float(found.group(1)) * _PX_PER_UNIT[found.group(2)]


def shown_width_px(svg: str, page_width_px: float) -> float:
    """How wide ``fitted_html`` shows ``svg`` in a container ``page_width_px`` wide.

    ``max-width:100%``: its natural width, or the container's if that is smaller.
    """
    return min(svg_size_px(svg)[0], page_width_px)


def _root_tag(svg: str) -> str:
    start = svg.find("<svg")
    end = svg.find(">", start)
    if start < 0 or end < 0:
        raise ValueError("not an SVG drawing: no <svg> element")
    return svg[start : end + 1]


def _inline(svg: str) -> str:
    """SVG inside HTML must not carry the XML declaration, DOCTYPE and comments a standalone file has."""
    return svg[svg.find("<svg") :]


def _without_ids(svg: str) -> str:
    # Graphviz escapes quotes in text, so ' id="' only ever starts an attribute
    return re.sub(r' id="[^"]*"', "", svg)
