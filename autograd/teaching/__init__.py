"""The teaching layer: tools that show what the engine does, built on top of it.

* [`record_backward`][autograd.teaching.record.record_backward]: every step of a
  backward pass, to print or replay;
* [`explain`][autograd.teaching.explain.explain]: d(output)/d(x) as a sum over paths
  of products of local derivatives;
* [`check_nodes`][autograd.teaching.nodecheck.check_nodes]: a finite-difference check
  at every node, naming a faulty op;
* [`TeachingWarning`][autograd.teaching.mistakes.TeachingWarning]: warnings for the
  mistakes learners make most;
* [`check_gradients`][autograd.teaching.diagnosis.check.check_gradients] and
  [`check_update`][autograd.teaching.diagnosis.update.check_update]: a learner's own
  gradients and update step checked, and the misconception behind wrong ones named
  ([autograd.teaching.diagnosis][]).

The engine core ([`autograd.value`][autograd.value], [`autograd.engine`][autograd.engine],
...) never imports this package; the tools here watch the engine through the
observer and hooks that [`autograd.engine`][autograd.engine] offers.
"""

from autograd.teaching.diagnosis import GradientReport, UpdateReport, check_gradients, check_update
from autograd.teaching.explain import Explanation, explain
from autograd.teaching.mistakes import TeachingWarning
from autograd.teaching.nodecheck import NodeCheckReport, check_nodes
from autograd.teaching.record import BackwardRecord, Contribution, Step, record_backward

__all__ = [
    "BackwardRecord",
    "Contribution",
    "Explanation",
    "GradientReport",
    "NodeCheckReport",
    "Step",
    "TeachingWarning",
    "UpdateReport",
    "check_gradients",
    "check_nodes",
    "check_update",
    "explain",
    "record_backward",
]
