"""What [check_gradients][autograd.teaching.diagnosis.check.check_gradients] returns: a verdict per
answer, and the mistakes that explain the wrong ones, in words.

A [GradientReport][autograd.teaching.diagnosis.report.GradientReport] prints as a table
(node, given, correct, verdict) followed by its findings; in Jupyter it shows the same
as HTML, with the graph drawn, the first node whose gradient goes wrong highlighted, and
the edges where the mistake was made in red.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass
from typing import Any

from autograd.teaching.diagnosis.answers import Answers
from autograd.teaching.diagnosis.catalog import KINDS, Misconception
from autograd.teaching.diagnosis.graph import BackwardGraph, Edge
from autograd.teaching.diagnosis.places import ONCE, Mistake, Where
from autograd.teaching.diagnosis.replay import walk
from autograd.teaching.diagnosis.search import Diagnosis, Explanation
from autograd.teaching.mistakes import LEGIBLE_NODES, TeachingWarning
from autograd.teaching.naming import format_number, node_expression, printable
from autograd.value import Value

NO_KNOWN_MISTAKE = "no known mistake matches"


@dataclass(frozen=True)
class Finding:
    """A misconception that reproduces (some of) the learner's wrong numbers.

    Attributes:
        kind: the catalog's name for it (``"sign"``, ``"missing_factor"``...).
        where: where it was made (``where.node``, ``where.input``, ``where.scope``...).
        explanation: what the misconception is, for a learner, and what it did here.
        explained: the fraction of the learner's *wrong* numbers it reproduces (with
            ``together_with``, when two mistakes are needed); it leaves every right one right.
        detail: which version of the mistake (``"×2"`` for a constant factor), or ``""``.
        together_with: for two mistakes made together, the other one in words; else ``""``.
        alternatives: other mistakes that give the very same numbers, in words (the
            answers cannot tell them apart).
    """

    kind: str
    where: Where
    explanation: str
    explained: float
    detail: str = ""
    together_with: str = ""
    alternatives: tuple[str, ...] = ()

    @property
    def scope(self) -> str:
        """``"once"`` or ``"throughout"``."""
        return self.where.scope

    def __str__(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        together = f", together with {self.together_with}" if self.together_with else ""
        share = f"explains {self.explained:.0%} of the wrong numbers"
        return f"{self.kind}{detail} at {self.where}{together}: {share}"


@dataclass(frozen=True)
class Row:
    """One answer: the learner's number beside the right one."""

    node: Value
    name: str
    given: float
    correct: float
    right: bool
    explained: bool  # wrong, and reproduced by the findings
    searched: bool = True  # False: the graph was too big to look for mistakes in

    @property
    def verdict(self) -> str:
        if self.right:
            return "right"
        if not self.searched:
            return "wrong"
        return "wrong: explained below" if self.explained else f"wrong: {NO_KNOWN_MISTAKE}"


class GradientReport:
    """The learner's gradients checked node by node, with the mistakes that explain the wrong ones.

    Attributes:
        ok: True when every answer is right.
        wrong: the nodes whose answers are wrong, output end first.
        findings: the mistakes found, best first; empty when no known mistake matches.
        breaks_at: the first node, going backward, whose gradient goes wrong (by the best
            finding; without one, the first wrong answer), or None when all are right.
        mistake_edges: the edges where the best explanation's mistakes were made (the
            local derivatives they changed), each ``(node, index)``: from ``node`` down to
            its input ``node.children[index]``; empty without an explanation. The drawing
            shows them as red, dashed arrows marked ``✗ here``.
        rows: one [Row][autograd.teaching.diagnosis.report.Row] per answer, output end first.
        correct: the right gradient of every node of the graph.
    """

    def __init__(
        self, graph: BackwardGraph, answers: Answers, diagnosis: Diagnosis, catalog: dict[str, Misconception]
    ) -> None:
        self.graph = graph
        self.loss = graph.root
        self.correct = diagnosis.correct
        self.explanations = diagnosis.explanations
        self.tried = diagnosis.tried
        self.searched = diagnosis.searched
        self.wrong = list(diagnosis.wrong)
        self.ok = not self.wrong
        self.findings = [
            finding
            for explanation in diagnosis.explanations
            for finding in _findings(graph, explanation, catalog)
        ]
        explained = set().union(*(e.explains for e in diagnosis.explanations))
        self.rows = [
            Row(
                node,
                graph.names[node],
                answers.given[node],
                self.correct[node],
                right=node not in self.wrong,
                explained=node in explained,
                searched=self.searched,
            )
            for node in answers.nodes
        ]
        self.breaks_at = self._first_break()
        self.mistake_edges: list[Edge] = _changed_edges(self.explanations[0]) if self.explanations else []

    def name(self, node: Value) -> str:
        """The name the report uses for ``node``: its label, or ``t0``, ``t1``... if it has none."""
        return self.graph.names[node]

    def _first_break(self) -> Value | None:
        if self.ok:
            return None
        if not self.explanations:
            return self.wrong[0]
        changes = {
            edge: n for mistake in self.explanations[0].mistakes for edge, n in mistake.changes.items()
        }
        replayed = walk(self.graph, changes)
        for node in reversed(self.graph.order):
            right = self.correct[node]
            if abs(replayed[node] - right) > 1e-9 * max(1.0, abs(right)):
                return node
        return self.wrong[0]

    # -- text -----------------------------------------------------------------------------

    def summary(self) -> str:
        """One sentence: all right, or how many are wrong and the best finding (or none)."""
        if self.ok:
            return f"all {len(self.rows)} gradients are right"
        text = f"{len(self.wrong)} of {len(self.rows)} gradients are wrong"
        if not self.searched:
            return (
                f"{text}; the graph has {len(self.graph.order)} nodes, too many to look for the mistake "
                "(pass a larger max_nodes to check_gradients to look, which takes longer)"
            )
        if not self.findings:
            return f"{text}; {NO_KNOWN_MISTAKE}"
        return f"{text}; most likely: {self.findings[0]}"

    def __repr__(self) -> str:
        return f"<GradientReport: {self.summary()}>"

    def __str__(self) -> str:
        lines = [f"{'node':<24}{'given':>12}{'correct':>12}  verdict"]
        for row in self.rows:
            lines.append(
                f"{printable(row.name)[:23]:<24}{format_number(row.given):>12}"
                f"{format_number(row.correct):>12}  {row.verdict}"
            )
        lines.append(self.summary())
        lines += [f"- {finding}\n  {finding.explanation}" for finding in self.findings]
        return "\n".join(lines)

    # -- Jupyter ------------------------------------------------------------------------------

    def _repr_html_(self) -> str:
        """The table, the findings in words, and the graph with the first wrong node highlighted."""
        cells = "".join(
            f"<tr><td>{_text(row.name)}</td><td>{format_number(row.given)}</td><td>{format_number(row.correct)}</td>"
            f"<td>{'✓' if row.right else '✗'} {_text(row.verdict)}</td></tr>"
            for row in self.rows
        )
        table = f"<table><tr><th>node</th><th>given</th><th>correct</th><th>verdict</th></tr>{cells}</table>"
        findings = "".join(_finding_html(finding) for finding in self.findings)
        summary = f"<p><b>{_text(self.summary())}</b></p>"
        return f"<div class='gradient-report'>{summary}{table}{findings}{self._drawing()}</div>"

    def _drawing(self) -> str:
        """The graph with the right gradients, the first wrong node highlighted and the edges where
        the mistake was made in red, as SVG ("" if it cannot be drawn here: no graphviz, or a graph
        too big to read)."""
        if len(self.graph.order) > LEGIBLE_NODES:
            return f"<p>(The graph has {len(self.graph.order)} nodes: too many to draw legibly here.)</p>"
        try:
            from autograd.drawing import GraphvizError, render_svg
        except ImportError:
            return ""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TeachingWarning)
            try:
                svg = render_svg(
                    self.loss, grads=self.correct, highlight=self.breaks_at, wrong_edges=self.mistake_edges
                )
            except (GraphvizError, ValueError):
                return ""
        caption = "The graph, with the right gradients."
        if self.breaks_at is not None:
            name = self.graph.names[self.breaks_at]
            caption += f" Highlighted: {_text(name)}, the first node whose gradient goes wrong."
        if self.mistake_edges:
            caption += f" {self._mistake_caption()}"
        return f"<figure>{svg}<figcaption>{caption}</figcaption></figure>"

    def _mistake_caption(self) -> str:
        """``In red (dashed, marked ✗ here): the edge where the mistake was made: L → d.``, as HTML."""
        edges = [self.graph.edge_text(edge) for edge in self.mistake_edges]
        shown = ", ".join(edges[:_EDGES_NAMED])
        if len(edges) > _EDGES_NAMED:
            shown += f" and {len(edges) - _EDGES_NAMED} more"
        which = "the edge" if len(edges) == 1 else "the edges"
        return f"In red (dashed, marked ✗ here): {which} where the mistake was made: {_text(shown)}."


_EDGES_NAMED = 4  # a caption names at most this many edges (a mistake made throughout has many)


def _changed_edges(explanation: Explanation) -> list[Edge]:
    """Every edge whose local derivative the explanation's mistakes changed, each once, in order."""
    edges = [edge for mistake in explanation.mistakes for edge in mistake.changes]
    return list(dict.fromkeys(edges))


def _findings(
    graph: BackwardGraph, explanation: Explanation, catalog: dict[str, Misconception]
) -> list[Finding]:
    """One finding per mistake of an explanation (two, when two mistakes were made together)."""
    findings = []
    for mistake in explanation.mistakes:
        others = [describe(m) for m in explanation.mistakes if m is not mistake]
        findings.append(
            Finding(
                kind=mistake.kind,
                where=mistake.where,
                explanation=_explain(graph, mistake, catalog),
                explained=explanation.explained,
                detail=mistake.detail,
                together_with=" and ".join(others),
                alternatives=tuple(" + ".join(describe(m) for m in ms) for ms in explanation.alternatives),
            )
        )
    return findings


def describe(mistake: Mistake) -> str:
    """``"sign at the edge t3 → b"``, ``"constant_factor (×2) at every **2 node"``."""
    detail = f" ({mistake.detail})" if mistake.detail else ""
    return f"{mistake.kind}{detail} at {mistake.where}"


def _explain(graph: BackwardGraph, mistake: Mistake, catalog: dict[str, Misconception]) -> str:
    """The catalog's paragraph, then what the mistake did at this place, in numbers."""
    entry = catalog.get(mistake.kind) or KINDS.get(mistake.kind)
    general = entry.explanation if entry is not None else ""
    if mistake.where.scope == ONCE and len(mistake.changes) == 1:
        ((edge, wrong),) = mistake.changes.items()
        node, _ = edge
        expression = node_expression(node, graph.names)
        here = (
            f"Here, at {mistake.where} where {graph.names[node]} = {expression}: the local derivative is "
            f"{format_number(graph.local_of(edge))}, and your numbers follow from {format_number(wrong)}."
        )
    else:
        detail = f" ({mistake.detail})" if mistake.detail else ""
        here = f"Here: {mistake.where}{detail}."
    return f"{general} {here}".strip()


def _finding_html(finding: Finding) -> str:
    together = f", together with {_text(finding.together_with)}" if finding.together_with else ""
    detail = f" ({_text(finding.detail)})" if finding.detail else ""
    alternatives = ""
    if finding.alternatives:
        alternatives = (
            "<p>The numbers fit these equally well: " + "; ".join(map(_text, finding.alternatives)) + ".</p>"
        )
    return (
        f"<p><b>{_text(finding.kind)}</b>{detail} at {_text(str(finding.where))}{together} "
        f"(explains {finding.explained:.0%} of the wrong numbers)</p>"
        f"<p>{_text(finding.explanation)}</p>{alternatives}"
    )


def _text(text: Any) -> str:
    """User text (labels) as HTML text: control characters written out, markup escaped."""
    return html.escape(printable(str(text)))
