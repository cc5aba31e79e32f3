"""The learner's answers: which node each number is about, and how precisely it was given.

Answers come keyed the way a learner has them:

* by Value (``{w1: 0.0215}``) or by a Value's label (``{"w1": 0.0215}``);
* by an ``nn`` layer, with its weight-gradient matrix (``{layer: dW}``) or the matrix
  and the bias gradients (``{layer: (dW, db)}``); by a neuron with a vector of weight
  gradients (``{neuron: dw}``) or ``(dw, db)``; or, given ``model=``, as a list with one
  such entry per layer, ``[(dW1, db1), (dW2, db2)]``. Arrays may be NumPy arrays or
  nested lists.

**Matrix orientation.** ``layout="rows"`` reads ``dW[j][i]`` as neuron j's weight from
input i: one row per neuron, shape ``(neurons, inputs)``, as PyTorch and
[Layer.from_weights][nn.layers.Layer.from_weights] write it. ``layout="columns"`` reads
the NumPy homework layout ``x @ W``, shape ``(inputs, neurons)``, as
[Layer.from_columns][nn.layers.Layer.from_columns]. With ``layout="auto"`` (the default)
the shape decides; a square matrix (as many inputs as neurons) could be either, so
it is refused with a message asking for ``layout=``: reading it the wrong way round
would silently transpose every answer.

**Precision.** A number agrees with another when it is the same to the precision it
was given with: ``0.0215`` (three significant digits) agrees with anything that rounds
to it. Fewer than three digits are read as three (``0.5`` as ``0.500``); a number given
in full agrees to a relative ``1e-6``; and no tolerance is below a trillionth of the
largest gradient answered (where terms cancel, what is left is rounding noise).
``digits=`` says how many digits the answers were rounded to, when that is fewer than
they show; ``digits=17`` says they are exact, even short ones (an exact ``1.2`` reads
as rounded otherwise).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from autograd.teaching.diagnosis.graph import BackwardGraph
from autograd.value import Value

LAYOUTS = ("auto", "rows", "columns")

MIN_DIGITS = 3
"""An answer with fewer significant digits is compared as if it had this many (``2`` as ``2.00``)."""

RELATIVE_TOLERANCE = 1e-6
"""Numbers given in full agree when they are this close, relatively (the same gradient summed
in another order differs in its last digits)."""

ZERO_TOLERANCE = 1e-12
"""An answer of exactly 0 agrees with numbers at most this far from 0."""

CANCELLATION = 1e-12
"""No tolerance is below this fraction of the largest right gradient answered: a gradient that is
a sum of terms cancelling out is rounding noise of about that size, whichever way it is summed."""


class AnswerError(ValueError):
    """An answer that cannot be checked: a key not in the graph, a shape that does not fit, a NaN."""


@dataclass(frozen=True)
class Answers:
    """The learner's numbers, one per node.

    Attributes:
        nodes: the answered nodes, in the order backward reaches them (output first).
        given: the learner's number for each node.
        tolerance: how far from ``given`` a number may be and still agree with it.
    """

    nodes: tuple[Value, ...]
    given: Mapping[Value, float]
    tolerance: Mapping[Value, float]

    def agrees(self, node: Value, number: float) -> bool:
        """True if ``number`` is the learner's answer for ``node``, to the precision it was given."""
        return abs(number - self.given[node]) <= self.tolerance[node]

    def at_least(self, floor: float) -> Answers:
        """The same answers, with no tolerance below ``floor``."""
        return Answers(self.nodes, self.given, {node: max(t, floor) for node, t in self.tolerance.items()})


def read_answers(
    graph: BackwardGraph,
    answers: Any,
    *,
    model: Any = None,
    layout: str = "auto",
    digits: int | None = None,
) -> Answers:
    """The learner's answers as numbers per node of ``graph`` (see the module doc for the forms).

    Raises:
        AnswerError: a key that is not in the graph (or a label that names no node, or
            several), a matrix or vector whose shape does not fit, a number that is NaN or
            infinite, two different numbers for one node.
        TypeError: a key or a number of a type that cannot be an answer.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}")
    if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int) or digits < 1):
        raise ValueError(
            f"digits must be a positive int (how many significant digits you kept), got {digits!r}"
        )
    in_graph = set(graph.order)
    given: dict[Value, float] = {}
    for what, node, number in _entries(graph, answers, model, layout):
        if node not in in_graph:
            raise AnswerError(
                f"answer for {what}: this Value is not part of the loss's graph, so its gradient "
                "would be 0 (was it made anew instead of taken from the graph, or is it from another model?)"
            )
        if node in given and given[node] != number:
            raise AnswerError(
                f"answer for {what}: {graph.names[node]} was given twice, as {given[node]!r} and {number!r}"
            )
        given[node] = number
    if not given:
        raise AnswerError("no answers were given: pass {node or label: number, ...}")
    nodes = tuple(node for node in reversed(graph.order) if node in given)
    return Answers(nodes, given, {node: tolerance(given[node], digits) for node in nodes})


def tolerance(number: float, digits: int | None = None) -> float:
    """Half a unit in the last significant digit of ``number`` (at least ``MIN_DIGITS`` digits),
    or ``RELATIVE_TOLERANCE`` of it if that is larger: how far off a rounded answer can be."""
    if number == 0:
        return ZERO_TOLERANCE
    shown = digits if digits is not None else max(MIN_DIGITS, significant_digits(number))
    exponent = math.floor(math.log10(abs(number)))
    half_unit = 0.5 * 10.0 ** (exponent - shown + 1)
    # a hair more than half a unit: 0.0215 must agree with 0.02145, whatever the binary rounding
    return max(half_unit * (1 + 1e-9), RELATIVE_TOLERANCE * abs(number))


def significant_digits(number: float) -> int:
    """How many significant digits the shortest way of writing ``number`` has: 0.0215 → 3, 2.0 → 1."""
    mantissa = repr(abs(float(number))).split("e")[0].replace(".", "")
    return max(1, len(mantissa.strip("0")))


# ----------------------------------------------------------------------------
# Reading each form of answer
# ----------------------------------------------------------------------------


def _entries(
    graph: BackwardGraph, answers: Any, model: Any, layout: str
) -> Iterator[tuple[str, Value, float]]:
    """``(what the learner called it, node, number)`` for every answer."""
    if model is not None and not isinstance(answers, Mapping):
        layers = getattr(model, "layers", None)
        if layers is None:
            raise TypeError(f"model must have .layers (an nn.MLP), got {type(model).__name__}")
        entries = _sequence(answers, "answers")
        if len(entries) != len(layers):
            raise AnswerError(
                f"the model has {len(layers)} layers but {len(entries)} answers were given (one per layer)"
            )
        for number, (layer, entry) in enumerate(zip(layers, entries)):
            yield from _layer_entries(layer, entry, f"layer {number}", layout)
        return
    if not isinstance(answers, Mapping):
        raise TypeError(
            f"answers must be a dict ({{node or label: number}}, {{layer: matrix}}), or a list with one "
            f"entry per layer together with model=; got {type(answers).__name__}"
        )
    for key, value in answers.items():
        if isinstance(key, Value):
            what = graph.names.get(key) or key.label or repr(key)
            yield what, key, _number(value, what)
        elif isinstance(key, str):
            yield repr(key), _labelled(graph, key), _number(value, repr(key))
        elif _is_layer(key):
            yield from _layer_entries(key, value, _module_name(key, "layer"), layout)
        elif _is_neuron(key):
            yield from _neuron_entries(key, value, _module_name(key, "neuron"))
        else:
            raise TypeError(
                "an answer's key must be a Value, a label, a layer or a neuron, "
                f"got {type(key).__name__}: {key!r}"
            )


def _labelled(graph: BackwardGraph, label: str) -> Value:
    found = [node for node in graph.order if node.label == label]
    if len(found) == 1:
        return found[0]
    if found:
        raise AnswerError(
            f"answer for {label!r}: {len(found)} nodes of this graph have that label; key it by the Value"
        )
    labels = sorted({node.label for node in graph.order if node.label})
    shown = ", ".join(map(repr, labels[:8])) + (", ..." if len(labels) > 8 else "")
    raise AnswerError(
        f"answer for {label!r}: no node of this graph has that label (its labels: {shown or 'none'})"
    )


def _layer_entries(layer: Any, value: Any, what: str, layout: str) -> Iterator[tuple[str, Value, float]]:
    """A layer's answers: a weight matrix, or a pair ``(weight matrix, biases)``."""
    weights = [list(neuron.w) for neuron in layer.neurons]
    neurons, inputs = len(weights), len(weights[0])
    matrix, biases = value if _is_pair(value, 2) else (value, None)
    rows = _matrix(matrix, f"{what} weights")
    for j, i, number in _oriented(rows, neurons, inputs, layout, what):
        yield f"{what} weight [{j}][{i}]", weights[j][i], number
    if biases is not None:
        for j, number in enumerate(_vector(biases, neurons, f"{what} biases")):
            yield f"{what} bias [{j}]", layer.neurons[j].b, number


def _neuron_entries(neuron: Any, value: Any, what: str) -> Iterator[tuple[str, Value, float]]:
    """A neuron's answers: a vector of weight gradients, or a pair ``(vector, bias)``."""
    vector, bias = value if _is_pair(value, 1) else (value, None)
    for i, number in enumerate(_vector(vector, len(neuron.w), f"{what} weights")):
        yield f"{what} weight [{i}]", neuron.w[i], number
    if bias is not None:
        yield f"{what} bias", neuron.b, _number(bias, f"{what} bias")


def _oriented(
    rows: list[list[float]], neurons: int, inputs: int, layout: str, what: str
) -> Iterator[tuple[int, int, float]]:
    """``(neuron j, input i, number)`` for each entry of a weight matrix given as ``rows``."""
    shape = (len(rows), len(rows[0]))
    fits_rows, fits_columns = shape == (neurons, inputs), shape == (inputs, neurons)
    if layout == "auto" and fits_rows and fits_columns and neurons > 1:
        raise AnswerError(
            f"answer for {what}: the {neurons}×{inputs} matrix is square, so it could be either way round: "
            "pass layout='rows' (row j holds neuron j's weights, as PyTorch) or layout='columns' "
            "(column j holds them, as NumPy's x @ W)"
        )
    by_rows = fits_rows if layout == "auto" else layout == "rows"
    if not (fits_rows if by_rows else fits_columns):
        raise AnswerError(
            f"answer for {what}: a {shape[0]}×{shape[1]} matrix does not fit its weights "
            f"({neurons} neurons with "
            f"{inputs} inputs each): expected {neurons}×{inputs} (one row per neuron, layout='rows') or "
            f"{inputs}×{neurons} (NumPy's x @ W, layout='columns')" + _layout_hint(layout)
        )
    for j in range(neurons):
        for i in range(inputs):
            yield j, i, rows[j][i] if by_rows else rows[i][j]


def _layout_hint(layout: str) -> str:
    return "" if layout == "auto" else f"; layout={layout!r} was asked for"


def _matrix(value: Any, what: str) -> list[list[float]]:
    nested = _nested(value, what)
    if not isinstance(nested, list) or not nested or not all(isinstance(row, list) for row in nested):
        raise AnswerError(
            f"answer for {what}: expected a matrix (a 2-D array or a list of rows), got {value!r}"
        )
    if len({len(row) for row in nested}) != 1 or not nested[0]:
        raise AnswerError(
            f"answer for {what}: the rows have different lengths ({[len(row) for row in nested]})"
        )
    return [[_number(x, f"{what} [{j}][{i}]") for i, x in enumerate(row)] for j, row in enumerate(nested)]


def _vector(value: Any, size: int, what: str) -> list[float]:
    """``size`` numbers from a 1-D array, or a 2-D one with a single row or column (NumPy's ``(1, n)``)."""
    nested = _nested(value, what)
    if isinstance(nested, list) and all(isinstance(row, list) for row in nested):
        if len(nested) == 1:
            nested = nested[0]
        elif all(len(row) == 1 for row in nested):
            nested = [row[0] for row in nested]
    if not isinstance(nested, list) or any(isinstance(x, list) for x in nested):
        raise AnswerError(f"answer for {what}: expected {size} numbers in a row, got {value!r}")
    if len(nested) != size:
        raise AnswerError(f"answer for {what}: expected {size} numbers, got {len(nested)}")
    return [_number(x, f"{what} [{k}]") for k, x in enumerate(nested)]


def _nested(value: Any, what: str) -> Any:
    """A NumPy array or nested sequences as nested lists (numbers stay as they are)."""
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, (str, bytes)):
        raise TypeError(f"answer for {what}: expected numbers, got the text {value!r}")
    if isinstance(value, Sequence):
        return [_nested(item, what) for item in value]
    return value


def _number(value: Any, what: str) -> float:
    if hasattr(value, "tolist"):  # a NumPy number or 0-d array: as a Python number
        value = value.tolist()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if isinstance(value, Value):
            raise TypeError(f"answer for {what}: expected a number, got a Value (give its .data or .grad)")
        raise TypeError(f"answer for {what}: expected a number, got {type(value).__name__}: {value!r}")
    number = float(value)
    if math.isnan(number):
        raise AnswerError(
            f"answer for {what} is NaN: a gradient is a number (a 0/0 or inf - inf in the code?)"
        )
    if math.isinf(number):
        raise AnswerError(f"answer for {what} is {number}: a gradient is a finite number")
    return number


def _sequence(value: Any, what: str) -> list[Any]:
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{what} must be a list, got {type(value).__name__}")
    return list(value)


def _is_pair(value: Any, dimensions: int) -> bool:
    """True for ``(weights, biases)``: a tuple of two whose first item has ``dimensions`` dimensions.

    A matrix written as a tuple of two rows has rows (1-D) as items, so it is not taken
    for a pair; a vector of two numbers has numbers as items.
    """
    if not (isinstance(value, tuple) and len(value) == 2):
        return False
    first = value[0].tolist() if hasattr(value[0], "tolist") else value[0]
    depth = 0
    while isinstance(first, Sequence) and not isinstance(first, (str, bytes)) and first:
        depth, first = depth + 1, first[0]
    return depth == dimensions


def _is_layer(key: Any) -> bool:
    neurons = getattr(key, "neurons", None)
    return isinstance(neurons, list) and bool(neurons) and all(_is_neuron(n) for n in neurons)


def _is_neuron(key: Any) -> bool:
    return isinstance(getattr(key, "w", None), list) and isinstance(getattr(key, "b", None), Value)


def _module_name(module: Any, kind: str) -> str:
    """``"layer layers.1"`` from its parameters' labels when it has them, else just ``"layer"``."""
    first = module.neurons[0].w[0] if kind == "layer" else module.w[0]
    prefix = first.label.rsplit(".neurons.", 1)[0] if kind == "layer" else first.label.rsplit(".w.", 1)[0]
    return f"{kind} {prefix}" if prefix and prefix != first.label else kind
