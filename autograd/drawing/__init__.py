"""Drawing graphs with Graphviz, showing them in Jupyter, and replaying backward.

The top layer of the library's pictures: it uses the engine core and the
teaching layer (:mod:`autograd.teaching`), and nothing below imports it (the
core's Jupyter hook calls :mod:`autograd.drawing.display` by name, and falls
back to text when the graphviz package is missing).

* :mod:`autograd.drawing.draw`: :func:`draw_graph` and :func:`render_svg`;
* :mod:`autograd.drawing.display`: :func:`mimebundle`, a Value's picture in Jupyter;
* :mod:`autograd.drawing.player`: :func:`step_frames` and :class:`Player`, the
  frames of a recorded backward (:func:`autograd.record_backward`) with a slider.
"""

from autograd.drawing.display import mimebundle
from autograd.drawing.draw import (
    DEFAULT_MAX_NODES,
    GraphTooLargeError,
    GraphvizNotFoundError,
    ValueGraph,
    draw_graph,
    render_svg,
)
from autograd.drawing.player import Player, step_frames

__all__ = [
    "DEFAULT_MAX_NODES",
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "Player",
    "ValueGraph",
    "draw_graph",
    "mimebundle",
    "render_svg",
    "step_frames",
]
