"""Short, stable names for the nodes of a graph, for tables, explanations and drawings.

Names come from users (labels), so they may hold anything: a newline, a
``<script>`` tag, a ``$``. ``printable``, ``markdown_text`` and
``latex_name`` make a name safe to show as text, in Markdown and in LaTeX.
"""

from __future__ import annotations

import html
import re
import string
import unicodedata
from collections.abc import Iterable, Mapping

from autograd.value import Value


def node_names(order: list[Value]) -> dict[Value, str]:
    """A name for every node: its label if it has one, else ``t<k>``.

    ``k`` counts unlabelled nodes in topological order, so names are the same
    every time the same graph is named. Constants are named by their number.
    """
    names: dict[Value, str] = {}
    unnamed = 0
    for node in order:
        if node.label:
            names[node] = node.label
        elif node.op == "const":
            names[node] = f"{node.data:g}"
        else:
            names[node] = f"t{unnamed}"
            unnamed += 1
    return names


def short_names(groups: Mapping[str, Iterable[Value]]) -> dict[Value, str]:
    """Names for parameters drawn inside their group's box, without what the box already says.

    The dotted prefix that all labels of a group share is dropped, and a last
    index is joined to its name: in the box of ``"layer 0/neuron 4"``,
    ``layers.0.neurons.4.w.0`` is ``w0`` and ``layers.0.neurons.4.b`` is ``b``.
    A group whose labels share no prefix, whose short names would clash, or
    that has unlabelled parameters keeps its full labels.
    """
    names: dict[Value, str] = {}
    for params in groups.values():
        labelled = [p for p in params if p.label]
        if not labelled or len(labelled) < len(list(params)):
            continue
        parts = [p.label.split(".") for p in labelled]
        shared = _shared_prefix(parts)
        if not shared:
            continue
        short = [_join_index(part[shared:]) for part in parts]
        if len(set(short)) == len(short):
            names.update(zip(labelled, short))
    return names


def _shared_prefix(parts: list[list[str]]) -> int:
    """How many leading dotted parts every label shares (always leaving at least one part)."""
    shortest = min(len(p) for p in parts)
    count = 0
    while count < shortest - 1 and all(p[count] == parts[0][count] for p in parts):
        count += 1
    return count


def _join_index(parts: list[str]) -> str:
    """``["w", "0"]`` -> ``w0``; anything else keeps its dots (``W_fh.0.1``)."""
    if len(parts) == 2 and parts[1].isdigit() and not parts[0][-1:].isdigit():
        return parts[0] + parts[1]
    return ".".join(parts)


def format_number(x: float, digits: int = 4) -> str:
    """``x`` to ``digits`` significant digits: 0.2404890830 -> '0.2405', 1234567.0 -> '1.235e+06'.

    Four digits are enough to follow a calculation and short enough to read.
    Negative zero prints as 0: a learner should not wonder what "-0" means.
    """
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"


def local_formula(node: Value, index: int, names: dict[Value, str]) -> str:
    """The local derivative d node / d input[index], in words, with the graph's own names.

    ``t2 = a * b`` gives ``"b"`` for index 0; ``t3 = tanh(t2)`` gives ``"1 - t3**2"``.
    """
    op, inputs = node._op, node._children
    text = op.formula(index, len(inputs))
    if len(inputs) <= 2:
        symbols = {"x": inputs[0], "y": inputs[-1], "out": node}
        return re.sub(r"\b(x|y|out)\b", lambda m: names[symbols[m.group(1)]], text)
    # many inputs: x_i / w_i refer to the same position i in the other half (dot)
    half = len(inputs) // 2
    i = index % half if half else 0
    return re.sub(
        r"\b([wx])_i\b", lambda m: names[inputs[i] if m.group(1) == "w" else inputs[half + i]], text
    )


INFIX = {"+", "-", "*", "/", "**"}


def node_expression(node: Value, names: dict[Value, str]) -> str:
    """How a node was computed, with the graph's names: ``"a * b"``, ``"tanh(t1)"``, ``"t0**2"``."""
    args = [names[c] for c in node._children]
    if not args:
        return names[node]
    if node.op in INFIX:
        return f" {node.op} ".join(args)
    if node.op.startswith("**"):  # x**3: a number exponent
        return f"{args[0]}{node.op}"
    if node.op.endswith("**"):  # 2**x: a number base
        return f"{node.op}{args[0]}"
    return f"{node.op}({', '.join(args)})"


def derivative_text(formula: str, value: float, digits: int = 4) -> str:
    """``"b = -3"``, or just ``"1"`` when the formula is already the number (no ``"1 = 1"``)."""
    number = format_number(value, digits)
    return formula if formula == number else f"{formula} = {number}"


# ----------------------------------------------------------------------------
# Showing names safely: as text, in Markdown, in LaTeX
# ----------------------------------------------------------------------------


def printable(text: str) -> str:
    """``text`` with control characters written as Python writes them: a newline becomes ``\\n``.

    Control characters (category Cc: newline, tab, NUL...) would break a table
    row or a label; lone surrogates (Cs) cannot even be encoded as UTF-8.
    """
    return "".join(repr(c)[1:-1] if unicodedata.category(c) in ("Cc", "Cs") else c for c in text)


# HTML's special characters become entities (every Markdown flavour passes those
# through); the other ASCII punctuation gets a backslash, which CommonMark
# (Jupyter's Markdown) reads as "this character as itself". Not & # ;, which
# the entities are made of.
_MARKDOWN_ESCAPES = str.maketrans(
    {
        **{c: "\\" + c for c in string.punctuation if c not in "&#;"},
        **{c: html.escape(c) for c in "&<>\"'"},
    }
)


def markdown_text(text: str) -> str:
    """``text`` to appear as itself in Markdown (Jupyter's, with its math).

    ``<script>`` shows as text instead of becoming a tag, ``|`` does not split
    a table cell, ``*`` makes no emphasis, ``$`` starts no formula, and control
    characters are written out (``printable``).
    """
    return printable(text).translate(_MARKDOWN_ESCAPES)


def markdown_code(text: str) -> str:
    """``text`` in code font in Markdown: ``<code>`` around ``markdown_text``.

    Not a backtick span: a backtick inside the text would end it, and a
    backslash does not escape anything inside one. Math renderers skip ``<code>``.
    """
    return f"<code>{markdown_text(text)}</code>"


_LATEX_ESCAPES = str.maketrans(
    {
        "\\": r"\backslash ",
        "{": r"\{",
        "}": r"\}",
        "$": r"\$",
        "&": r"\&",
        "#": r"\#",
        "%": r"\%",
        "_": r"\_",
        "^": r"\hat{}",
        "~": r"\sim ",
        "<": r"\lt ",
        ">": r"\gt ",
        " ": r"\ ",
    }
)


def latex_name(name: str) -> str:
    """A name as a LaTeX math symbol: ``a`` as it is, ``t0`` or ``w_1`` upright (``\\mathrm{t0}``).

    Every character that means something to LaTeX (``\\ { } $ & # % _ ^ ~``)
    or to the HTML page around the formula (``< >``) is escaped, so a label
    can neither break the formula nor put markup on the page.
    """
    text = printable(name)
    if len(text) == 1 and text.isalnum():
        return text
    return r"\mathrm{" + text.translate(_LATEX_ESCAPES) + "}"
