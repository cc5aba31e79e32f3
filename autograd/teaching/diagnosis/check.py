"""``check_gradients``: a learner's gradients checked node by node, the mistake behind wrong ones named."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd.teaching.diagnosis.answers import read_answers
from autograd.teaching.diagnosis.catalog import CATALOG, Misconception
from autograd.teaching.diagnosis.graph import BackwardGraph
from autograd.teaching.diagnosis.report import GradientReport
from autograd.teaching.diagnosis.search import diagnose
from autograd.value import Value


def check_gradients(
    loss: Value,
    answers: Any,
    *,
    model: Any = None,
    layout: str = "auto",
    digits: int | None = None,
    catalog: Sequence[Misconception] = CATALOG,
    max_nodes: int | None = 1000,
) -> GradientReport:
    """Check the gradients a learner computed by hand for ``loss``; find the mistake behind wrong ones.

    Each answer is compared with the right gradient (d loss / d node), to the precision
    it was given. For the wrong ones, backward is replayed with each misconception of
    the catalog (once at each place, throughout each group of places, and two at a
    time), and the ones that reproduce the learner's numbers are reported, best first.
    Numbers that no misconception reproduces are reported as wrong with "no known
    mistake matches".

    Args:
        loss: the output the gradients are of (``.grad`` is neither read nor written).
        answers: the learner's numbers, keyed by Value, by label, by ``nn`` layer
            (a weight-gradient matrix, or ``(matrix, biases)``) or by neuron; or, with
            ``model``, a list with one such entry per layer. See
            [autograd.teaching.diagnosis.answers][] for every form.
        model: an ``nn.MLP``, when ``answers`` is a list with one entry per layer.
        layout: how weight matrices are laid out: ``"rows"`` (``dW[j][i]``: neuron j,
            input i, as PyTorch), ``"columns"`` (NumPy's ``x @ W``: ``dW[i][j]``) or
            ``"auto"`` (by shape; a square matrix then needs one of the other two).
        digits: the significant digits the answers were rounded to, if fewer than they
            show; by default each answer's own digits, at least 3.
        catalog: the misconceptions to look for (default:
            [CATALOG][autograd.teaching.diagnosis.catalog.CATALOG]).
        max_nodes: look for mistakes only in graphs of at most this many nodes (None: any).
            The search takes about (edges × nodes) steps: a 150-node graph takes 0.2 s,
            800 nodes take seconds. Every answer is checked whatever the size.

    Raises:
        AnswerError: (a ValueError) an answer for a node that is not in the graph, a
            label that names no node, a matrix that does not fit, a NaN.

    >>> from autograd import Value
    >>> w, x, b = Value(0.5, label="w"), Value(2.0, label="x"), Value(-1.0, label="b")
    >>> loss = (w * x + b - 3) ** 2     # d loss/dw = 2 (w x + b - 3) x = -12, d loss/db = -6
    >>> report = check_gradients(loss, {w: 12, "b": 6})
    >>> report.ok, [node.label for node in report.wrong]
    (False, ['b', 'w'])
    >>> finding = report.findings[0]
    >>> finding.kind, finding.explained
    ('sign', 1.0)
    >>> check_gradients(loss, {w: -12, b: -6}).ok
    True
    """
    if not isinstance(loss, Value):
        raise TypeError(f"check_gradients needs the loss Value, got {type(loss).__name__}: {loss!r}")
    graph = BackwardGraph(loss)
    given = read_answers(graph, answers, model=model, layout=layout, digits=digits)
    diagnosis = diagnose(graph, given, catalog, max_nodes)
    return GradientReport(graph, given, diagnosis, {entry.kind: entry for entry in catalog})
