"""The misconception catalog: the ways hand-written backprop goes wrong, each as a wrong rule.

Every entry has a stable ``kind`` (what code and tests match on), a title, a
paragraph for the learner, the wrong rule in symbols, and the rule as code. The
code is one of two shapes:

* ``rule(graph, edge, variant)``: the wrong local derivative for one edge (or None
  where the mistake cannot be made there). The search applies it once, at each edge
  alone, and throughout, at every edge of a group. ``variants`` lists the
  versions to try (the constants of ``constant_factor``).
* ``places(graph)``: the [Mistake][autograd.teaching.diagnosis.places.Mistake]s the
  misconception makes, for mistakes that span several edges (a path dropped, an
  activation's derivative taken at another point, another layer's weights).

| kind | the wrong rule |
|---|---|
| ``sign`` | ``d`` becomes ``-d`` on an edge |
| ``missing_factor`` | ``d`` becomes ``1``: a factor (x, f'(z)) left out |
| ``constant_factor`` | ``d`` becomes ``c d``: the 2 of a square, the 1/n of a mean |
| ``missing_path`` | of a node's uses, one path counted: ``=`` for ``+=`` |
| ``derivative_at_output`` | ``f'(z)`` taken as ``f'(f(z))`` |
| ``wrong_weight`` | the delta sent back through the wrong weights |
| ``update_rule`` | (updates) a step other than ``w - lr g`` |

The catalog's order is also the order of preference when two kinds explain the
same numbers equally well. A search can be given another catalog (one entry more,
or one changed): see [check_gradients][autograd.teaching.diagnosis.check.check_gradients].
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from autograd.ops import DOT, MUL
from autograd.teaching.diagnosis.graph import BackwardGraph, Chain, Edge, Layer
from autograd.teaching.diagnosis.places import ONCE, THROUGHOUT, Mistake, Where, is_variable, layer_number
from autograd.teaching.naming import format_number, node_expression
from autograd.value import Value

EdgeRule = Callable[[BackwardGraph, Edge, "float | None"], "float | None"]
"""``rule(graph, edge, variant)``: the wrong local derivative on ``edge``, or None if the mistake
cannot be made there."""


def _no_variants(graph: BackwardGraph) -> Sequence[float | None]:
    return (None,)


@dataclass(frozen=True)
class Misconception:
    """One misconception: what it is called, how it is explained, and what it computes.

    Attributes:
        kind: the stable name (``"sign"``).
        title: a few words (``"a flipped sign"``).
        explanation: one paragraph for a learner: what goes wrong and how to get it right.
        wrong_rule: the wrong rule in symbols, next to the right one.
        rule: the wrong local derivative of one edge (see the module doc), or None.
        variants: the versions of ``rule`` to try on a graph (default: one, None).
        places: the mistakes spanning several edges that it makes in a graph, or None.
    """

    kind: str
    title: str
    explanation: str
    wrong_rule: str
    rule: EdgeRule | None = field(default=None, repr=False, compare=False)
    variants: Callable[[BackwardGraph], Sequence[float | None]] = field(
        default=_no_variants, repr=False, compare=False
    )
    places: Callable[[BackwardGraph], Iterable[Mistake]] | None = field(
        default=None, repr=False, compare=False
    )

    def variant_text(self, variant: float | None) -> str:
        """What one variant is, for the report: ``"×2"`` (empty for a kind without variants)."""
        return "" if variant is None else f"×{format_number(variant)}"


# ----------------------------------------------------------------------------
# Rules for one edge at a time
# ----------------------------------------------------------------------------


def flipped_sign(graph: BackwardGraph, edge: Edge, variant: float | None) -> float | None:
    """``d`` becomes ``-d``."""
    right = graph.local_of(edge)
    return -right if right != 0 else None


def factor_left_out(graph: BackwardGraph, edge: Edge, variant: float | None) -> float | None:
    """``d`` becomes 1: the factor that depends on the data (x, f'(z)) is left out of the product.

    Not on edges whose local derivative is a fixed number (``d(a - b)/db = -1``, the
    ``1/n`` of a mean): leaving one of those out is a sign or a constant factor.
    """
    right = graph.local_of(edge)
    if right == 1 or graph.has_constant_local(edge):
        return None
    return 1.0


def times_constant(graph: BackwardGraph, edge: Edge, variant: float | None) -> float | None:
    """``d`` becomes ``c d``, for one of the graph's natural constants ``c``."""
    right = graph.local_of(edge)
    return None if right == 0 or variant is None else variant * right


def input_for_weight(graph: BackwardGraph, edge: Edge, variant: float | None) -> float | None:
    """At ``w * x``: ``d/dx`` taken as ``x`` instead of ``w`` (and ``d/dw`` as ``w`` instead of ``x``).

    The delta is sent back through the input's own value instead of the factor it is
    multiplied by; only where both factors are variables.
    """
    node, index = edge
    if node._op is MUL:
        partner = node._children[1 - index]
    elif node._op is DOT:
        half = len(node._children) // 2
        partner = node._children[(index + half) % (2 * half)]
    else:
        return None
    own = node._children[index]
    if not is_variable(partner) or own.data == partner.data:
        return None
    return own.data


# ----------------------------------------------------------------------------
# Mistakes that span several edges
# ----------------------------------------------------------------------------


def paths_dropped(graph: BackwardGraph) -> Iterator[Mistake]:
    """A node used several times gets the gradient of one use only (``=`` instead of ``+=``).

    Once: at one node, each use in turn the one counted. Throughout: every node used more
    than once (all of them, the parameters, the computed values, a layer's inputs) keeps
    only its first, or only its last, contribution.
    """
    shared = graph.multi_use_nodes()
    for node in shared:
        for kept in graph.uses[node]:
            text = f"{graph.names[node]}: only the path through {graph.edge_text(kept)} counted"
            where = Where(text, ONCE, node=node, layer=layer_number(graph, kept[0]))
            yield Mistake("missing_path", where, _keep_only(graph, node, kept))
    groups: list[tuple[str, int | None, list[Value]]] = [
        ("every value used more than once", None, shared),
        ("every parameter used more than once", None, [n for n in shared if not n._children]),
        ("every computed value used more than once", None, [n for n in shared if n._children]),
    ]
    for layer in graph.layers:
        inputs = {
            child for dots in layer.dots for dot in dots for child in dot._children[len(dot._children) // 2 :]
        }
        groups.append(
            (f"the inputs of layer {layer.number}", layer.number, [n for n in shared if n in inputs])
        )
    seen: set[frozenset[Value]] = set()
    for text, number, nodes in groups:
        if len(nodes) < 2 or frozenset(nodes) in seen:
            continue
        seen.add(frozenset(nodes))
        for which, pick in (("first", 0), ("last", -1)):
            changes: dict[Edge, float] = {}
            for node in nodes:
                changes.update(_keep_only(graph, node, graph.uses[node][pick]))
            where = Where(f"{text}: only the {which} path counted", THROUGHOUT, layer=number)
            yield Mistake("missing_path", where, changes)


def _keep_only(graph: BackwardGraph, node: Value, kept: Edge) -> dict[Edge, float]:
    """Every use of ``node`` but ``kept`` carries nothing back: its local derivative is 0."""
    return {edge: 0.0 for edge in graph.uses[node] if edge != kept}


def derivative_at_output(graph: BackwardGraph) -> Iterator[Mistake]:
    """``f'(z)`` evaluated at the activation's output ``a = f(z)``: ``f'(a)``.

    For an activation chain such as ``sigmoid(z + 1)`` (see
    [Chain][autograd.teaching.diagnosis.graph.Chain]) the whole chain's derivative is taken at
    ``a``: the chain is recomputed from ``a`` in place of ``z``, and each node's local
    derivative read there. Once: one activation. Throughout: every activation of the same
    form, in the graph and in each layer.
    """
    evaluated = [(chain, _at_output(graph, chain)) for chain in graph.activation_chains()]
    usable = [(chain, changes) for chain, changes in evaluated if changes]
    forms: dict[str, list[dict[Edge, float]]] = {}
    in_layer: dict[tuple[int, str], list[dict[Edge, float]]] = {}
    for chain, changes in usable:
        form = chain_formula(graph, chain, "z")
        formula = chain_formula(graph, chain, graph.names[chain.input])
        text = f"the activation {graph.names[chain.top]} = {formula}"
        where = Where(text, ONCE, node=chain.top, input=chain.input, layer=layer_number(graph, chain.top))
        yield Mistake("derivative_at_output", where, changes, detail=f"{form}' at its output")
        forms.setdefault(form, []).append(changes)
        if where.layer is not None:
            in_layer.setdefault((where.layer, form), []).append(changes)
    groups = [(Where(f"every {form}", THROUGHOUT), found) for form, found in forms.items()]
    groups += [
        (Where(f"layer {n}: every {form}", THROUGHOUT, layer=n), found)
        for (n, form), found in in_layer.items()
    ]
    seen: set[frozenset[tuple[Edge, float]]] = set()
    for where, found in groups:
        changes = {edge: number for part in found for edge, number in part.items()}
        if len(found) > 1 and frozenset(changes.items()) not in seen:
            seen.add(frozenset(changes.items()))
            form = where.text.split("every ", 1)[1]
            yield Mistake("derivative_at_output", where, changes, detail=f"{form}' at its output")


def _at_output(graph: BackwardGraph, chain: Chain) -> dict[Edge, float]:
    """The chain's local derivatives with its input ``z`` replaced by its output ``a``.

    Empty when that changes nothing (relu: relu'(relu(z)) = relu'(z)) or leaves the op's
    domain (the chain cannot be evaluated at ``a``).
    """
    value = chain.top.data  # a = f(z): the number the learner differentiates at
    changes = {}
    for node, edge in reversed(list(zip(chain.nodes, chain.edges))):  # from z up to a
        _, index = edge
        inputs = [child.data for child in node._children]
        inputs[index] = value
        try:
            value = node._op.forward(*inputs)
            wrong = float(node._op.derivative(value, *inputs)[index])
        except (ArithmeticError, ValueError):
            return {}
        if wrong != graph.local_of(edge):
            changes[edge] = wrong
    return changes


def chain_formula(graph: BackwardGraph, chain: Chain, input_name: str) -> str:
    """The chain as a formula of its input: ``sigmoid(z + 1)``."""
    text = input_name
    for node, edge in reversed(list(zip(chain.nodes, chain.edges))):
        bracketed = " " in text and node._op.notation != "call"  # sigmoid(z + 1), but (z + 1) * 2
        names = {**graph.names, graph.child(edge): f"({text})" if bracketed else text}
        text = node_expression(node, names)
    return text


def wrong_weights(graph: BackwardGraph) -> Iterator[Mistake]:
    """A layer's deltas sent back to its inputs through another matrix than its own weights.

    Input i of a layer with weights ``W`` (one row per neuron j) receives
    ``sum_j W[j][i] delta_j`` (``W^T delta``). The wrong matrices tried are the ones with
    the same shape: ``W`` untransposed (a square layer), and every other layer's weights,
    as they are or transposed.
    """
    for layer in graph.layers:
        neurons, inputs = layer.shape
        options: list[tuple[str, Sequence[Sequence[Value]]]] = []
        if neurons == inputs > 1:
            options.append(("its own weights untransposed", _transposed(layer.weights)))
        for other in graph.layers:
            if other is layer:
                continue
            if other.shape == (neurons, inputs):
                options.append((f"the weights of layer {other.number}", other.weights))
            if other.shape == (inputs, neurons):
                options.append(
                    (f"the weights of layer {other.number}, transposed", _transposed(other.weights))
                )
        for text, matrix in options:
            where = Where(
                f"layer {layer.number}: the deltas sent back through {text}", THROUGHOUT, layer=layer.number
            )
            yield Mistake("wrong_weight", where, _through(layer, matrix))


def _transposed(rows: Sequence[Sequence[Value]]) -> list[list[Value]]:
    return [list(column) for column in zip(*rows)]


def _through(layer: Layer, matrix: Sequence[Sequence[Value]]) -> dict[Edge, float]:
    """Each dot's ``d/dx_i`` set to ``matrix[j][i]`` for neuron j, instead of its own weight ``W[j][i]``."""
    changes = {}
    for j, dots in enumerate(layer.dots):
        for dot in dots:
            half = len(dot._children) // 2
            for i in range(half):
                if is_variable(dot._children[half + i]):
                    changes[(dot, half + i)] = matrix[j][i].data
    return changes


# ----------------------------------------------------------------------------
# The catalog
# ----------------------------------------------------------------------------

SIGN = Misconception(
    kind="sign",
    title="a flipped sign",
    explanation=(
        "A sign went missing, or crept in, on one link of the chain: the error was written as "
        "target minus prediction, (t - y), where the derivative of the loss needs prediction "
        "minus target, (y - t); or d(a - b)/db was taken as +1. Every gradient computed through "
        "that link has the right size and the wrong sign, so a descent step with it climbs the "
        "loss instead. Check the sign of each local derivative: d(a - b)/db = -1, and "
        "d/dy ½(t - y)² = -(t - y) = y - t."
    ),
    wrong_rule="∂out/∂x  →  −∂out/∂x",
    rule=flipped_sign,
)

MISSING_FACTOR = Misconception(
    kind="missing_factor",
    title="a local derivative left out",
    explanation=(
        "One factor of the chain-rule product was left out. The gradient of a weight is the "
        "gradient arriving at w·x times the input x that w multiplies, and a unit's delta is "
        "the gradient arriving at its output times the activation's derivative f'(z): leaving "
        "out x, or f'(z), gives a number that looks plausible but is not the gradient. Every "
        "local derivative on the path from the loss down belongs in the product."
    ),
    wrong_rule="∂out/∂x  →  1",
    rule=factor_left_out,
)

CONSTANT_FACTOR = Misconception(
    kind="constant_factor",
    title="off by a constant factor",
    explanation=(
        "The gradient is off by a constant: the 2 that comes down from a square "
        "(d/dy (y - t)² = 2(y - t)) or the 1/n of a mean was dropped, or one was added that the "
        "loss does not have (a ½ in front of the square, a mean where the loss sums). The "
        "direction is right but the size is not, which changes how far each step goes. "
        "Differentiate the loss exactly as it is computed."
    ),
    wrong_rule="∂out/∂x  →  c · ∂out/∂x  (c = 2, 1/2, n, 1/n, ...)",
    rule=times_constant,
    variants=BackwardGraph.natural_constants,
)

MISSING_PATH = Misconception(
    kind="missing_path",
    title="a path not counted",
    explanation=(
        "A value used in more than one place gets its gradient from every place it is used: "
        "the contributions along all paths add up. Here only one path was counted, as when a "
        "gradient is assigned (grad = ...) instead of accumulated (grad += ...), or when the sum "
        "over a layer's units (or over a batch's examples) is left out. Add up what flows back "
        "along every use."
    ),
    wrong_rule="∂L/∂x = Σ over uses  →  one use only",
    places=paths_dropped,
)

DERIVATIVE_AT_OUTPUT = Misconception(
    kind="derivative_at_output",
    title="an activation's derivative taken at its output",
    explanation=(
        "An activation's derivative was evaluated at its output instead of its input. For the "
        "sigmoid, σ'(z) = σ(z)(1 - σ(z)); code that keeps a = σ(z) and then calls σ'(a) computes "
        "σ(σ(z))(1 - σ(σ(z))): the sigmoid applied twice. Either call the derivative with z, or "
        "use the form written with the output, a(1 - a), without applying σ again."
    ),
    wrong_rule="f'(z)  →  f'(f(z))",
    places=derivative_at_output,
)

WRONG_WEIGHT = Misconception(
    kind="wrong_weight",
    title="the delta sent back through the wrong weights",
    explanation=(
        "A layer's deltas go back to its inputs through the weights that connect them: input i "
        "receives the sum over units j of W[j][i] times delta j, which in matrix form is the "
        "transposed weights times the deltas (Wᵀδ, or δ @ W.T with NumPy's x @ W layout). Here "
        "another matrix of a fitting shape was used: W untransposed, or another layer's weights. "
        "At a single product w·x, d/dx is w, not x."
    ),
    wrong_rule="δ_in = Wᵀ δ  →  M δ for another M",
    rule=input_for_weight,
    places=wrong_weights,
)

UPDATE_RULE = Misconception(
    kind="update_rule",
    title="a wrong update step",
    explanation=(
        "Gradient descent moves each weight a small step against its gradient: "
        "w_new = w - lr · dL/dw. The step taken here was another rule: w + lr·g climbs the loss, "
        "w += w - lr·g (that is, w_new = 2w - lr·g) doubles every weight at each step, and a "
        "forgotten or misplaced learning rate changes the step's size. Write the update as "
        "w -= lr * g (or w = w - lr * g)."
    ),
    wrong_rule="w - lr·g  →  another rule",
)

CATALOG: tuple[Misconception, ...] = (
    SIGN,
    MISSING_FACTOR,
    CONSTANT_FACTOR,
    MISSING_PATH,
    DERIVATIVE_AT_OUTPUT,
    WRONG_WEIGHT,
)
"""The misconceptions that [check_gradients][autograd.teaching.diagnosis.check.check_gradients] looks for,
in order of preference."""

KINDS: dict[str, Misconception] = {entry.kind: entry for entry in (*CATALOG, UPDATE_RULE)}
"""Every misconception by kind, those about updates included."""
