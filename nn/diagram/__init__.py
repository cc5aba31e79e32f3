"""Diagrams of models as a textbook draws them, drawn by the library itself as SVG.

The computation graph ([`autograd.drawing.draw`][autograd.drawing.draw]) has a box for every
scalar operation: the right picture for ``tanh(a*b + a)``, the wrong one for a
model. These are the model's own pictures, with the numbers of a real forward and
backward pass on them:

* [draw_network][nn.diagram.draw.draw_network]: an MLP, Layer or Neuron as neurons
  in columns with the weights on the arrows ([`nn.diagram.network`][nn.diagram.network]);
  an LSTMCell as its gate diagram, or unrolled over a sequence
  ([`nn.diagram.lstm_cell`][nn.diagram.lstm_cell]);
* [NetworkReplay][nn.diagram.replay.NetworkReplay]: backprop stepped layer by layer
  on the diagram, in Jupyter or as one offline HTML file; its ``exercise()``, a
  [NetworkExercise][nn.diagram.exercise.NetworkExercise], asks the learner for each
  number in turn and checks it in the page;
* [`nn.diagram.svg`][nn.diagram.svg]: the small SVG writer they share, which keeps
  every label apart from the others; [`nn.diagram.numbers`][nn.diagram.numbers]:
  the forward pass they show.

No Graphviz: the coordinates are computed here, so a diagram works wherever
Python does, and the same model always gives the same SVG. This package sits on
top of the models (``nn.layers``, ``nn.lstm``), which never import it; a
model's Jupyter display loads it when first shown.
"""

from nn.diagram.draw import draw_network
from nn.diagram.exercise import NetworkExercise
from nn.diagram.picture import Diagram
from nn.diagram.replay import NetworkReplay, ReplayFrame

__all__ = ["Diagram", "NetworkExercise", "NetworkReplay", "ReplayFrame", "draw_network"]
