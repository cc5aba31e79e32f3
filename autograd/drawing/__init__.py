"""Drawing graphs with Graphviz, showing them in Jupyter, and replaying backward.

The top layer of the library's pictures: it uses the engine core and the
teaching layer (``autograd.teaching``), and nothing below imports it (the
core's Jupyter hook calls [autograd.drawing.display][] by name, and falls back
to text when the graphviz package is missing).

* [autograd.drawing.draw][]: [draw_graph][autograd.drawing.draw.draw_graph]
  and [render_svg][autograd.drawing.draw.render_svg];
* [autograd.drawing.layout][]: which boxes and arrows a drawing has, kept
  quick for ``dot`` to lay out and shaped to fit a screen;
* [autograd.drawing.run][]: runs Graphviz's ``dot`` under a time limit
  ([ValueGraph][autograd.drawing.run.ValueGraph],
  [GraphvizTimeoutError][autograd.drawing.run.GraphvizTimeoutError]);
* [autograd.drawing.display][]: [mimebundle][autograd.drawing.display.mimebundle],
  a Value's picture in Jupyter, scaled to the width of the output;
* [autograd.drawing.player][]: [step_frames][autograd.drawing.player.step_frames]
  and [Player][autograd.drawing.player.Player], the frames of a recorded
  backward ([record_backward][autograd.teaching.record.record_backward]) with a slider;
* [autograd.drawing.exercise][]: [Exercise][autograd.drawing.exercise.Exercise], the same
  drawing as an exercise: the learner types each gradient and the page checks it, offline.
"""

from autograd.drawing.display import mimebundle
from autograd.drawing.draw import draw_graph, render_svg
from autograd.drawing.exercise import Exercise
from autograd.drawing.layout import DEFAULT_MAX_NODES, GraphTooLargeError
from autograd.drawing.player import Player, step_frames
from autograd.drawing.run import (
    DEFAULT_TIMEOUT,
    GraphvizError,
    GraphvizFailedError,
    GraphvizNotFoundError,
    GraphvizTimeoutError,
    ValueGraph,
)

__all__ = [
    "DEFAULT_MAX_NODES",
    "DEFAULT_TIMEOUT",
    "Exercise",
    "GraphTooLargeError",
    "GraphvizError",
    "GraphvizFailedError",
    "GraphvizNotFoundError",
    "GraphvizTimeoutError",
    "Player",
    "ValueGraph",
    "draw_graph",
    "mimebundle",
    "render_svg",
    "step_frames",
]
