"""``check_update``: a learner's gradient-descent step checked, and a wrong update rule named.

The step of gradient descent is ``w_new = w - lr * g`` for every parameter w with
gradient g. Given the parameters before and after the learner's step, the
gradients and the learning rate, each new number is compared with that, and the
wrong ones with the results of the update rules learners write instead
(``UPDATE_RULES``); a rule is named when it reproduces them, by the same standard as
[check_gradients][autograd.teaching.diagnosis.check.check_gradients]'s findings.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from autograd.teaching.diagnosis.answers import AnswerError, tolerance
from autograd.teaching.diagnosis.catalog import UPDATE_RULE
from autograd.teaching.diagnosis.places import ONCE, THROUGHOUT, Where
from autograd.teaching.diagnosis.report import NO_KNOWN_MISTAKE, Finding
from autograd.teaching.diagnosis.search import CHANCE_LIMIT
from autograd.teaching.naming import format_number, printable


@dataclass(frozen=True)
class UpdateRule:
    """An update rule: ``formula`` in code, ``step(w, g, lr)`` the new weight, ``says`` what it does."""

    formula: str
    step: Callable[[float, float, float], float]
    says: str


RIGHT_RULE = UpdateRule("w -= lr * g", lambda w, g, lr: w - lr * g, "a small step against the gradient")

UPDATE_RULES: tuple[UpdateRule, ...] = (
    UpdateRule(
        "w += lr * g", lambda w, g, lr: w + lr * g, "a step along the gradient, which climbs the loss"
    ),
    UpdateRule(
        "w += w - lr * g",
        lambda w, g, lr: 2 * w - lr * g,
        "the stepped weight added to the old one, so every step doubles the weights",
    ),
    UpdateRule("w += w + lr * g", lambda w, g, lr: 2 * w + lr * g, "the weight doubled, and a step uphill"),
    UpdateRule("w -= w - lr * g", lambda w, g, lr: lr * g, "the weight replaced by lr * g"),
    UpdateRule(
        "w = -lr * g", lambda w, g, lr: -lr * g, "the weight replaced by the step instead of moved by it"
    ),
    UpdateRule("w -= g", lambda w, g, lr: w - g, "the learning rate left out: a full gradient's step"),
    UpdateRule("w -= g / lr", lambda w, g, lr: w - g / lr, "the gradient divided by the learning rate"),
    UpdateRule("w -= lr * w", lambda w, g, lr: w - lr * w, "the weight used in place of its gradient"),
)
"""The wrong rules that [check_update][autograd.teaching.diagnosis.update.check_update] recognises."""


@dataclass(frozen=True)
class UpdateRow:
    """One parameter: before, gradient, the learner's after, and the right after."""

    name: str
    before: float
    grad: float
    after: float
    expected: float
    right: bool


class UpdateReport:
    """A checked update step.

    Attributes:
        ok: True when every parameter was updated as ``w - lr * g``.
        wrong: the names of the parameters updated wrongly.
        findings: the wrong update rules that reproduce them (kind ``"update_rule"``), best first.
        rule: the formula of the best finding (``"w += w - lr * g"``), or None.
        rows: one [UpdateRow][autograd.teaching.diagnosis.update.UpdateRow] per parameter.
    """

    def __init__(self, rows: list[UpdateRow], findings: list[Finding], lr: float) -> None:
        self.rows, self.findings, self.lr = rows, findings, lr
        self.wrong = [row.name for row in rows if not row.right]
        self.ok = not self.wrong
        self.rule = findings[0].detail if findings else None

    def summary(self) -> str:
        if self.ok:
            return f"all {len(self.rows)} parameters were updated as w - lr * g"
        text = f"{len(self.wrong)} of {len(self.rows)} parameters were not updated as w - lr * g"
        if not self.findings:
            return f"{text}; {NO_KNOWN_MISTAKE}"
        return f"{text}; the step taken was {self.rule} ({self.findings[0].explained:.0%} of them)"

    def __repr__(self) -> str:
        return f"<UpdateReport: {self.summary()}>"

    def __str__(self) -> str:
        lines = [f"{'parameter':<16}{'before':>11}{'grad':>11}{'after':>11}{'w - lr*g':>11}  ok"]
        for r in self.rows:
            numbers = "".join(f"{format_number(x):>11}" for x in (r.before, r.grad, r.after, r.expected))
            lines.append(f"{printable(r.name)[:15]:<16}{numbers}  {'yes' if r.right else 'NO'}")
        lines.append(self.summary())
        lines += [f"- {finding.explanation}" for finding in self.findings]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """The table and the explanation, for Jupyter."""
        header = "".join(f"<th>{h}</th>" for h in ("parameter", "before", "grad", "after", "w - lr·g", ""))
        body = "".join(
            f"<tr><td>{_text(r.name)}</td>"
            + "".join(f"<td>{format_number(x)}</td>" for x in (r.before, r.grad, r.after, r.expected))
            + f"<td>{'✓' if r.right else '✗'}</td></tr>"
            for r in self.rows
        )
        findings = "".join(f"<p>{_text(finding.explanation)}</p>" for finding in self.findings)
        table = f"<table><tr>{header}</tr>{body}</table>"
        return f"<div><p><b>{_text(self.summary())}</b></p>{table}{findings}</div>"


def check_update(
    before: Any, after: Any, grads: Any, *, lr: float, digits: int | None = None
) -> UpdateReport:
    """Check an update step: was every parameter moved to ``w - lr * g``? If not, which rule was used?

    Args:
        before: the parameters before the step: a number, a (nested) list or array, or a
            dict of name -> number (a ``state_dict()``).
        after: the parameters after the learner's step, in the same form.
        grads: the gradient of each parameter, in the same form.
        lr: the learning rate.
        digits: the significant digits ``after`` was rounded to, if fewer than it shows.

    >>> report = check_update([0.5, -1.0], [0.98, -2.02], [0.2, 0.2], lr=0.1)
    >>> report.ok, report.rule
    (False, 'w += w - lr * g')
    >>> check_update([0.5, -1.0], [0.48, -1.02], [0.2, 0.2], lr=0.1).ok
    True
    """
    rate = _learning_rate(lr)
    names, w = _flat(before, "before")
    after_names, new = _flat(after, "after")
    grad_names, g = _flat(grads, "grads")
    if not (names == after_names == grad_names):
        raise AnswerError(
            f"before, after and grads must have the same shape (or keys): they have {len(names)}, {len(new)} "
            f"and {len(g)} numbers" + _key_difference(names, after_names, grad_names)
        )
    tolerances = [tolerance(x, digits) for x in new]

    def agrees(k: int, number: float) -> bool:
        return abs(number - new[k]) <= tolerances[k]

    expected = [RIGHT_RULE.step(w[k], g[k], rate) for k in range(len(w))]
    rows = [
        UpdateRow(names[k], w[k], g[k], new[k], expected[k], agrees(k, expected[k])) for k in range(len(w))
    ]
    wrong = [k for k, row in enumerate(rows) if not row.right]
    findings: list[Finding] = []
    for rule in UPDATE_RULES if wrong else ():
        # a rule may have been used for some parameters only (the biases, say): it explains
        # the wrong numbers it reproduces, if that many are unlikely to match by luck
        matched = [k for k in wrong if agrees(k, rule.step(w[k], g[k], rate))]
        if matched and _chance(matched, len(wrong), new, expected, tolerances) < CHANCE_LIMIT:
            findings.append(_finding(rule, matched, wrong, names))
    findings.sort(key=lambda finding: -finding.explained)
    return UpdateReport(rows, findings, rate)


def _finding(rule: UpdateRule, matched: list[int], wrong: list[int], names: list[str]) -> Finding:
    if len(matched) == len(names):
        where = Where("every parameter", THROUGHOUT if len(names) > 1 else ONCE)
    else:
        where = Where(", ".join(names[k] for k in matched), THROUGHOUT if len(matched) > 1 else ONCE)
    here = f"Here the step taken was {rule.formula}: {rule.says}."
    return Finding(
        "update_rule", where, f"{UPDATE_RULE.explanation} {here}", len(matched) / len(wrong), rule.formula
    )


def _chance(
    matched: list[int], wrong: int, new: list[float], expected: list[float], tolerances: list[float]
) -> float:
    """Expected number of rules matching this many of the wrong numbers by luck (as
    [Search.chance][autograd.teaching.diagnosis.search.Search.chance])."""
    log_chance = math.log(len(UPDATE_RULES)) + math.log(math.comb(wrong, len(matched)))
    for k in matched:
        log_chance += math.log(
            min(1.0, 2 * tolerances[k] / max(abs(new[k]), abs(expected[k]), tolerances[k]))
        )
    return math.exp(log_chance)


def _learning_rate(lr: Any) -> float:
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a positive number (the learning rate), got {lr!r}")
    return float(lr)


def _flat(value: Any, what: str) -> tuple[list[str], list[float]]:
    """Names and numbers of every parameter in ``value`` (a number, nested lists or arrays, a dict)."""
    if isinstance(value, Mapping):
        names = [str(key) for key in value]
        return names, [_number(value[key], f"{what}[{key!r}]") for key in value]
    pairs = list(_numbers(value, what, ""))
    return [name for name, _ in pairs], [number for _, number in pairs]


def _numbers(value: Any, what: str, index: str) -> Iterator[tuple[str, float]]:
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        for k, item in enumerate(value):
            yield from _numbers(item, what, f"{index}[{k}]")
    else:
        yield f"w{index}", _number(value, f"{what}{index}")


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what}: expected a number, got {type(value).__name__}: {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise AnswerError(f"{what} is {number}: expected a finite number")
    return number


def _key_difference(*name_lists: list[str]) -> str:
    first = name_lists[0]
    for other in name_lists[1:]:
        if other != first:
            extra = sorted(set(other) ^ set(first))[:4]
            return f"; they differ at {', '.join(extra)}" if extra else "; their order differs"
    return ""


def _text(text: str) -> str:
    return html.escape(printable(text))
