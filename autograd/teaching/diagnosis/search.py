"""Which misconception reproduces the learner's numbers: replay backward with each, and compare.

1. The right gradients come from the walk with nothing changed; each answer that agrees
   with its gradient (to the precision it was given) is right, the others are wrong.
2. Every misconception of the catalog is tried at every place: once at each edge, and
   throughout each group of edges, and as each mistake that spans several edges.
   A mistake at one edge costs two walks, whatever the wrong number: a gradient is
   *linear* in any one local derivative d (every path from the output crosses an edge
   at most once, and a path's product has d as one factor), so::

       grad(d) = grad(0) + d * (grad(1) - grad(0))

   and the walks with d = 0 and d = 1 give the gradients for every wrong d on that edge
   (-d for a sign, 2d for a constant factor...).
3. A trial *explains* the wrong answers it reproduces. It is kept when it explains at
   least one, keeps every right answer right, and is unlikely to match by luck: the
   number of trials that could have matched, times the chance that random numbers land
   within the tolerance of as many of the wrong answers, must stay under
   ``CHANCE_LIMIT`` (see [Search.chance][autograd.teaching.diagnosis.search.Search.chance]).
   Anything else is "no known mistake matches": never force-fitted.
4. When no single mistake explains everything, pairs are tried: each of the best
   partial explanations together with every other mistake. (Two mistakes that each
   explain nothing alone, because both change every answer, are not looked for.)

The best explanations come first: more wrong answers explained, then fewer mistakes,
once before throughout, the catalog's order of kinds, nearer the output.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from autograd.teaching.diagnosis.answers import CANCELLATION, Answers
from autograd.teaching.diagnosis.catalog import Misconception
from autograd.teaching.diagnosis.graph import BackwardGraph, Edge
from autograd.teaching.diagnosis.places import THROUGHOUT, Mistake, Where, at_edge, edge_groups
from autograd.teaching.diagnosis.replay import Changes, walk
from autograd.value import Value

CHANCE_LIMIT = 0.05
"""A trial whose match could be luck with a higher expected count than this is not a finding."""

PAIR_BASES = 6
"""How many of the best partial explanations are each tried together with every other mistake."""

MOST_EXPLANATIONS = 4
"""At most this many explanations are reported (each explaining wrong answers the earlier ones do not)."""

MOST_ALTERNATIVES = 6


@dataclass(frozen=True, eq=False)
class Trial:
    """One or two mistakes replayed: the gradients they give for the answered nodes, in order."""

    mistakes: tuple[Mistake, ...]
    predicted: tuple[float, ...]


@dataclass(frozen=True)
class Explanation:
    """Mistakes that together reproduce some of the learner's wrong numbers.

    Attributes:
        mistakes: one mistake, or two made together.
        explains: the answered nodes whose wrong numbers they reproduce.
        explained: the fraction of the wrong numbers they reproduce.
        predicted: the gradient they give for every answered node.
        chance: how many trials would be expected to match this well by luck (below ``CHANCE_LIMIT``).
        alternatives: other mistakes that reproduce the very same answers (the numbers
            cannot tell them apart).
    """

    mistakes: tuple[Mistake, ...]
    explains: frozenset[Value]
    explained: float
    predicted: Mapping[Value, float]
    chance: float
    alternatives: tuple[tuple[Mistake, ...], ...] = ()


@dataclass(frozen=True)
class Diagnosis:
    """What the search found.

    Attributes:
        correct: the right gradient of every node.
        wrong: the answered nodes whose numbers are wrong, output end first.
        explanations: the explanations found, best first (empty: no known mistake matches).
        tried: how many trials were replayed.
        searched: False when the graph was too big to search (the verdicts stand).
    """

    correct: Mapping[Value, float]
    wrong: tuple[Value, ...]
    explanations: tuple[Explanation, ...]
    tried: int
    searched: bool = True


def diagnose(
    graph: BackwardGraph, answers: Answers, catalog: Sequence[Misconception], max_nodes: int | None = None
) -> Diagnosis:
    """Check every answer, and find the mistakes of ``catalog`` that reproduce the wrong ones
    (if the graph has at most ``max_nodes`` nodes: the search takes about edges × nodes steps)."""
    search = Search(graph, answers, catalog)
    if not search.wrong:
        return Diagnosis(search.correct, (), (), 0)
    if max_nodes is not None and len(graph.order) > max_nodes:
        return Diagnosis(search.correct, tuple(search.wrong), (), 0, searched=False)
    search.prepare()
    found = search.judged(search.trials())
    if not any(len(matched) == len(search.wrong) for _, matched in found):
        found += search.pairs(found)
    explanations = search.explanations(found)
    return Diagnosis(search.correct, tuple(search.wrong), explanations, search.tried)


class Search:
    """The state of one search: the graph, the answers, the right gradients, the mistakes to try."""

    def __init__(self, graph: BackwardGraph, answers: Answers, catalog: Sequence[Misconception]) -> None:
        self.graph, self.catalog = graph, catalog
        self.correct = walk(graph)
        largest = max(abs(self.correct[node]) for node in answers.nodes)
        self.answers = answers = answers.at_least(CANCELLATION * largest)
        self.wrong = [node for node in answers.nodes if not answers.agrees(node, self.correct[node])]
        wrong = set(self.wrong)
        self.wrong_at = [k for k, node in enumerate(answers.nodes) if node in wrong]
        self.right_at = [k for k, node in enumerate(answers.nodes) if node not in wrong]
        self.tried = 0
        self.rivals = 0

    def prepare(self) -> None:
        """The edges and mistakes to try (the answers decide which can matter)."""
        graph, catalog = self.graph, self.catalog
        reaching = _reaching(graph, set(self.answers.nodes))
        self.edges = [edge for edge in graph.edges() if graph.child(edge) in reaching]
        self.at_one_edge = {edge: list(edge_mistakes(graph, catalog, edge)) for edge in self.edges}
        spanning = spanning_mistakes(graph, catalog)
        self.spanning = [m for m in spanning if any(graph.child(edge) in reaching for edge in m.changes)]

    # -- replaying them -----------------------------------------------------------------------

    def predicted(self, changes: Changes) -> tuple[float, ...]:
        """The answered nodes' gradients, replayed with ``changes``."""
        grads = walk(self.graph, changes)
        return tuple(grads[node] for node in self.answers.nodes)

    def trials(self, base: Mistake | None = None) -> Iterator[Trial]:
        """Every mistake replayed (each together with ``base``, when given)."""
        made: tuple[Mistake, ...] = () if base is None else (base,)
        before: dict[Edge, float] = {} if base is None else dict(base.changes)
        for edge in self.edges:
            mistakes = self.at_one_edge[edge]
            if not mistakes or edge in before:
                continue
            cut = self.predicted({**before, edge: 0.0})
            unit = self.predicted({**before, edge: 1.0})
            for mistake in mistakes:
                wrong = mistake.changes[edge]
                self.tried += 1
                yield Trial((*made, mistake), tuple(c + wrong * (u - c) for c, u in zip(cut, unit)))
        for mistake in self.spanning:
            if base is None or not mistake.touches(base):
                self.tried += 1
                yield Trial((*made, mistake), self.predicted({**before, **mistake.changes}))

    def judged(self, trials: Iterator[Trial]) -> list[tuple[Trial, frozenset[int]]]:
        """The trials that explain some wrong answers and break no right one, with what they
        explain (positions in ``answers.nodes``), best first."""
        kept = []
        for trial in trials:
            matched = self._matched(trial.predicted)
            if matched:
                kept.append((trial, matched))
        kept.sort(key=lambda found: self._rank(*found))
        return kept

    def _matched(self, predicted: tuple[float, ...], count: bool = True) -> frozenset[int]:
        """The wrong answers that ``predicted`` reproduces; none if it breaks a right answer.

        Counts the *rivals*: the trials that keep every right answer right and change a
        wrong one. Only those could match the wrong answers by luck (a trial that breaks
        a right answer is never a finding; one that leaves the wrong answers at their
        right values never matches them), so only they count in ``chance``.
        """
        nodes, agrees = self.answers.nodes, self.answers.agrees
        if not all(agrees(nodes[k], predicted[k]) for k in self.right_at):
            return frozenset()
        if count and any(_differ(predicted[k], self.correct[nodes[k]]) for k in self.wrong_at):
            self.rivals += 1
        return frozenset(k for k in self.wrong_at if agrees(nodes[k], predicted[k]))

    def pairs(self, singles: list[tuple[Trial, frozenset[int]]]) -> list[tuple[Trial, frozenset[int]]]:
        """The best ``PAIR_BASES`` single mistakes, each together with every other mistake: the
        pairs that explain more than either of their mistakes alone."""
        alone = {id(trial.mistakes[0]): len(matched) for trial, matched in singles}
        found: dict[frozenset[tuple[str, str, str]], tuple[Trial, frozenset[int]]] = {}
        for base_trial, by_base in singles[:PAIR_BASES]:
            (base,) = base_trial.mistakes
            for trial, matched in self.judged(self.trials(base)):
                by_other = alone.get(id(trial.mistakes[1]), 0)
                if len(matched) > max(len(by_base), by_other):
                    key = frozenset((m.kind, m.where.text, m.detail) for m in trial.mistakes)
                    found.setdefault(key, (trial, matched))
        return sorted(found.values(), key=lambda pair: self._rank(*pair))

    # -- ranking and reporting ----------------------------------------------------------------

    def _rank(self, trial: Trial, matched: frozenset[int]) -> tuple[object, ...]:
        """Best first: more explained, fewer mistakes, once before throughout, catalog order, nearer
        the output."""
        kinds = [entry.kind for entry in self.catalog]
        priority = sorted(kinds.index(m.kind) if m.kind in kinds else len(kinds) for m in trial.mistakes)
        throughout = sum(m.where.scope == THROUGHOUT for m in trial.mistakes)
        nearest = min(self.graph.position[node] for m in trial.mistakes for node, _ in m.changes)
        return (-len(matched), len(trial.mistakes), throughout, priority, nearest)

    def chance(self, matched: frozenset[int]) -> float:
        """How many rival trials (see ``_matched``) would be expected to reproduce this many of the
        wrong answers by luck.

        A random number lands within an answer's tolerance of a given number with a chance
        of about ``2 tolerance / size``; for m answers these multiply, and any m of the w
        wrong answers would have done (``comb(w, m)`` ways; one way when all are explained).
        Computed in logarithms: the numbers get very small, and ``comb`` very large.
        """
        log_expected = math.log(max(self.rivals, 1)) + _log_comb(len(self.wrong_at), len(matched))
        for k in matched:
            node = self.answers.nodes[k]
            given, right, tolerance = (
                self.answers.given[node],
                self.correct[node],
                self.answers.tolerance[node],
            )
            log_expected += math.log(min(1.0, 2 * tolerance / max(abs(given), abs(right), tolerance)))
        return math.exp(log_expected)

    def explanations(self, found: list[tuple[Trial, frozenset[int]]]) -> tuple[Explanation, ...]:
        """The found trials as explanations: the unlikely-by-chance ones, equal ones grouped, best first;
        each one explaining answers that the ones before it do not."""
        found = sorted(found, key=lambda item: self._rank(*item))
        groups: dict[frozenset[int], list[Trial]] = {}
        for trial, matched in found:
            if self.chance(matched) < CHANCE_LIMIT:
                groups.setdefault(matched, []).append(trial)
        explanations: list[Explanation] = []
        covered: set[int] = set()
        for matched, trials in groups.items():  # in rank order of each group's best trial
            if matched <= covered or len(explanations) == MOST_EXPLANATIONS:
                continue
            covered |= matched
            best, *others = trials
            nodes = self.answers.nodes
            explanations.append(
                Explanation(
                    mistakes=best.mistakes,
                    explains=frozenset(nodes[k] for k in matched),
                    explained=len(matched) / len(self.wrong),
                    predicted=dict(zip(nodes, best.predicted)),
                    chance=self.chance(matched),
                    alternatives=tuple(t.mistakes for t in others[:MOST_ALTERNATIVES]),
                )
            )
        return tuple(explanations)


# ----------------------------------------------------------------------------
# The mistakes to try
# ----------------------------------------------------------------------------


def edge_mistakes(graph: BackwardGraph, catalog: Sequence[Misconception], edge: Edge) -> Iterator[Mistake]:
    """Every catalog rule's wrong number on one edge, as a mistake made once there."""
    right = graph.local_of(edge)
    for misconception in catalog:
        if misconception.rule is None:
            continue
        for variant in misconception.variants(graph):
            wrong = misconception.rule(graph, edge, variant)
            if wrong is not None and wrong != right:
                where = at_edge(graph, edge)
                yield Mistake(misconception.kind, where, {edge: wrong}, misconception.variant_text(variant))


def spanning_mistakes(graph: BackwardGraph, catalog: Sequence[Misconception]) -> Iterator[Mistake]:
    """The mistakes over several edges: each rule throughout each group, and each placed mistake."""
    groups = list(edge_groups(graph))
    for misconception in catalog:
        if misconception.rule is not None:
            for variant in misconception.variants(graph):
                for where, edges in groups:
                    yield from _throughout(graph, misconception, variant, where, edges)
        if misconception.places is not None:
            yield from misconception.places(graph)


def _throughout(
    graph: BackwardGraph, misconception: Misconception, variant: float | None, where: Where, edges: list[Edge]
) -> Iterator[Mistake]:
    """One rule at every edge of a group where it applies (at two edges at least)."""
    assert misconception.rule is not None
    changes: dict[Edge, float] = {}
    for edge in edges:
        wrong = misconception.rule(graph, edge, variant)
        if wrong is not None and wrong != graph.local_of(edge):
            changes[edge] = wrong
    if len(changes) > 1:  # at one edge only, it is a mistake made once
        yield Mistake(misconception.kind, where, changes, misconception.variant_text(variant))


def _log_comb(n: int, k: int) -> float:
    """log of n choose k."""
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _differ(a: float, b: float) -> bool:
    """True when two gradients differ by more than rounding in the replay."""
    return abs(a - b) > 1e-9 * abs(b) + 1e-300


def _reaching(graph: BackwardGraph, answered: set[Value]) -> set[Value]:
    """The nodes from which an answered node can be reached going down (the answered ones too):
    only a mistake on an edge into one of them can change an answer."""
    reaching: set[Value] = set()
    for node in graph.order:  # inputs first
        if node in answered or any(child in reaching for child in node._children):
            reaching.add(node)
    return reaching
