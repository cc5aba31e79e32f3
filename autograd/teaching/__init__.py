"""The teaching layer: tools that show what the engine does, built on top of it.

* :func:`record_backward`: every step of a backward pass, to print or replay;
* :func:`explain`: d(output)/d(x) as a sum over paths of products of local derivatives;
* :func:`check_nodes`: a finite-difference check at every node, naming a faulty op;
* :class:`TeachingWarning`: warnings for the mistakes learners make most.

The engine core (:mod:`autograd.value`, :mod:`autograd.engine`, ...) never
imports this package; the tools here watch the engine through the observer
and hooks that :mod:`autograd.engine` offers.
"""

from autograd.teaching.explain import Explanation, explain
from autograd.teaching.mistakes import TeachingWarning
from autograd.teaching.nodecheck import NodeCheckReport, check_nodes
from autograd.teaching.record import BackwardRecord, Contribution, Step, record_backward

__all__ = [
    "BackwardRecord",
    "Contribution",
    "Explanation",
    "NodeCheckReport",
    "Step",
    "TeachingWarning",
    "check_nodes",
    "explain",
    "record_backward",
]
