"""Check my backprop: a learner's gradients checked node by node, and the mistake named.

Gradient checkers say *that* a number is wrong. With the graph in hand this package
also says *why*: it replays backward with each known misconception applied (the
[catalog][autograd.teaching.diagnosis.catalog]) and reports the ones that reproduce the
learner's numbers.

* [check_gradients][autograd.teaching.diagnosis.check.check_gradients]: the learner's
  gradients, per Value, label or layer matrix, checked and diagnosed;
* [check_update][autograd.teaching.diagnosis.update.check_update]: a learner's update
  step checked against ``w - lr * g``, and a wrong rule named.

The modules, bottom up: [graph][autograd.teaching.diagnosis.graph] (edges, layers,
activation chains), [replay][autograd.teaching.diagnosis.replay] (the one backward
walk, with local derivatives replaced), [places][autograd.teaching.diagnosis.places]
and [catalog][autograd.teaching.diagnosis.catalog] (where and what a mistake is),
[answers][autograd.teaching.diagnosis.answers] (reading the learner's numbers),
[search][autograd.teaching.diagnosis.search], [report][autograd.teaching.diagnosis.report],
[check][autograd.teaching.diagnosis.check], [update][autograd.teaching.diagnosis.update]
and [steps][autograd.teaching.diagnosis.steps] (a table of each node's likely wrong
answers, to ship with an exercise).
"""

from autograd.teaching.diagnosis.answers import AnswerError
from autograd.teaching.diagnosis.catalog import CATALOG, KINDS, Misconception
from autograd.teaching.diagnosis.check import check_gradients
from autograd.teaching.diagnosis.places import Mistake, Where
from autograd.teaching.diagnosis.report import Finding, GradientReport
from autograd.teaching.diagnosis.update import UpdateReport, check_update

__all__ = [
    "CATALOG",
    "KINDS",
    "AnswerError",
    "Finding",
    "GradientReport",
    "Misconception",
    "Mistake",
    "UpdateReport",
    "Where",
    "check_gradients",
    "check_update",
]
