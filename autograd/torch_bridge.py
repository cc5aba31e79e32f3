"""``to_torch(f)``: a function of Values, evaluated by PyTorch, to check chaingrad against it.

    >>> import torch
    >>> from autograd.torch_bridge import to_torch
    >>> f = lambda x, y: (x * y + x.exp()).tanh()
    >>> x = torch.tensor([0.5, -1.0], dtype=torch.float64, requires_grad=True)
    >>> y = torch.tensor([2.0, 3.0], dtype=torch.float64)
    >>> to_torch(f)(x, y).sum().backward()       # x.grad[k] is d f / d x at (x[k], y[k])

The torch function works element by element: its arguments are tensors of one shape
(or shapes that broadcast), and its result has that shape. For each element it

1. *traces*: runs ``f`` on Values holding that element's numbers, which records the
   expression graph, exactly as chaingrad would compute it;
2. *replays*: evaluates the same graph, node by node, with the PyTorch op of the same
   name (``tanh`` -> ``torch.tanh``, ``dot`` -> a sum of products, ...).

Elements whose graphs are identical are replayed together, as one batch: usually all of
them. A function that branches on its input (``x if x > 0 else -x``) gets one replay per
branch taken, so every element is computed by the graph chaingrad built for it.

Why trace, rather than call ``f`` on tensors? Many functions would run on tensors as
they are (``x * y``, ``x.exp()``), but not those that use chaingrad's own tools
(``sum_values``, ``dot``, ``Value(2.0)``, a model's parameters) or read ``x.data``. And the
replay is chaingrad's graph, every node of it: what PyTorch checks is what chaingrad computed.

Every leaf of the graph that is not an argument of ``f`` (a number in the expression, a
Value made inside ``f``, a weight of a model that ``f`` calls) is a constant of the torch
function: PyTorch computes no gradient for it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from functools import reduce
from typing import TYPE_CHECKING, Any, NamedTuple

from autograd.engine import topological_order
from autograd.modes import enable_grad
from autograd.ops import BY_NAME, Op, base_power_op, power_op
from autograd.value import Value

if TYPE_CHECKING:
    import torch

# the ops of the table by name: each has a PyTorch twin (see torch_twins)
TABLE_OPS = BY_NAME


class Step(NamedTuple):
    """One node of a traced graph, in a form that can be compared and replayed.

    ``kind`` is ``"argument"`` (argument number ``argument`` of f), ``"constant"`` (the number
    ``number``), an op of the table by name (``"+"``, ``"tanh"``, ``"dot"``, ...), ``"x**n"``
    (a fixed exponent n = ``number``) or ``"c**x"`` (a fixed base c = ``number``).
    ``inputs`` are the positions of the steps it reads, all earlier in the program.
    """

    kind: str
    inputs: tuple[int, ...] = ()
    number: float = 0.0
    argument: int = -1


Program = tuple[Step, ...]  # a graph in topological order; the last step is the output


def to_torch(f: Callable[..., Value]) -> Callable[..., torch.Tensor]:
    """The torch function that computes what ``f`` computes, element by element (see the module doc).

    ``f`` takes Values and returns a Value. The returned function takes tensors (or numbers,
    which become float64 tensors) and returns a tensor of their broadcast shape, through
    which ``torch.autograd`` differentiates. Use float64 tensors to compare with chaingrad,
    whose Values are float64.

    Raises:
        TypeError: ``f`` is not callable. Calling the torch function raises the rest:
        ImportError: PyTorch is not installed.
        TypeError: an argument is not a real-valued tensor or number, or f does not return a Value.
        ValueError: an argument holds NaN or infinity, the shapes do not broadcast, or f uses
            an op that has no PyTorch twin (one made with [`autograd.apply_op`][autograd.apply_op]).
    """
    if not callable(f):
        raise TypeError(f"to_torch needs a function of Values, got {type(f).__name__}: {f!r}")

    def torch_f(*arguments: Any) -> torch.Tensor:
        torch = import_torch("autograd.to_torch")
        tensors = _as_tensors(torch, arguments)
        shape, flat = tensors[0].shape, [t.reshape(-1) for t in tensors]
        columns = [t.detach().tolist() for t in flat]
        groups: dict[Program, list[int]] = {}  # each distinct graph, and the elements it computes
        for element in range(flat[0].numel()):
            groups.setdefault(trace(f, [column[element] for column in columns]), []).append(element)
        return _replay_groups(torch, groups, flat).reshape(shape)

    name = getattr(f, "__name__", "f")
    torch_f.__name__ = f"torch_{name}"
    torch_f.__doc__ = f"PyTorch's evaluation of {name}, replayed from chaingrad's graph (autograd.to_torch)."
    return torch_f


def trace(f: Callable[..., Value], numbers: Sequence[float]) -> Program:
    """Run ``f`` on Values holding ``numbers`` and return its graph as a program of `Step`."""
    arguments = [Value(x, label=f"x{k}") for k, x in enumerate(numbers)]
    with enable_grad():  # a graph must be recorded even if the caller is inside no_grad()
        out = f(*arguments)
    if not isinstance(out, Value):
        kind = type(out).__name__
        raise TypeError(f"to_torch: f must return a Value computed from its arguments, got {kind}")
    argument_index = {value: k for k, value in enumerate(arguments)}
    position: dict[Value, int] = {}
    program: list[Step] = []
    for node in topological_order(out):
        position[node] = len(program)
        program.append(_step(node, argument_index, [position[child] for child in node.children]))
    return tuple(program)


def _step(node: Value, argument_index: dict[Value, int], inputs: list[int]) -> Step:
    """The Step that recomputes ``node`` from the steps at ``inputs``."""
    if node in argument_index:
        return Step("argument", argument=argument_index[node])
    if node.is_leaf:
        return Step("constant", number=node.data)
    op: Op = node._op
    if TABLE_OPS.get(op.name) is op:
        return Step(op.name, tuple(inputs))
    if (n := _fixed_exponent(op)) is not None:
        return Step("x**n", tuple(inputs), number=n)
    if (c := _fixed_base(op)) is not None:
        return Step("c**x", tuple(inputs), number=c)
    known = ", ".join([*TABLE_OPS, "x**n", "c**x"])
    raise ValueError(f"to_torch: the op {op.name!r} has no PyTorch twin (an op of your own, made with "
                     f"apply_op?); to_torch replays the ops {known}")


def _fixed_exponent(op: Op) -> float | None:
    """n if ``op`` is chaingrad's ``x ** n`` (from [`power_op`][autograd.ops.power_op]), else None."""
    # compared by name, not identity: the cache of power ops may have made a new one since
    n = op.number
    return n if n is not None and op.name == power_op(n).name else None


def _fixed_base(op: Op) -> float | None:
    """c if ``op`` is chaingrad's ``c ** x`` ([`base_power_op`][autograd.ops.base_power_op]), else None."""
    c = op.number
    return c if c is not None and op.name == base_power_op(c).name else None


# ----------------------------------------------------------------------------
# Replaying with PyTorch
# ----------------------------------------------------------------------------


def _replay_groups(torch: Any, groups: dict[Program, list[int]], flat: list[Any]) -> Any:
    """Every element's result, in element order: each program replayed on the elements it computes."""
    count = flat[0].numel()
    if count == 0:
        return torch.zeros(0, dtype=flat[0].dtype, device=flat[0].device)
    if len(groups) == 1:  # one graph for every element (the usual case): replay on the whole tensors
        (program,) = groups
        return _replay(torch, program, flat, count)
    pieces, order = [], []
    for program, elements in groups.items():
        index = torch.tensor(elements, device=flat[0].device)
        pieces.append(_replay(torch, program, [t.index_select(0, index) for t in flat], len(elements)))
        order.extend(elements)
    # put each result back at its element's place (a permutation, through which gradients flow)
    return torch.cat(pieces)[torch.argsort(torch.tensor(order, device=flat[0].device))]


def _replay(torch: Any, program: Program, arguments: list[Any], count: int) -> Any:
    """Evaluate ``program`` with torch ops on 1-D ``arguments`` of length ``count``."""
    like = arguments[0]
    twins = torch_twins(torch)
    results: list[Any] = []
    for step in program:
        inputs = [results[k] for k in step.inputs]
        if step.kind == "argument":
            results.append(arguments[step.argument])
        elif step.kind == "constant":
            results.append(torch.tensor(step.number, dtype=like.dtype, device=like.device))
        elif step.kind == "x**n":
            results.append(torch.pow(inputs[0], step.number))
        elif step.kind == "c**x":
            results.append(torch.pow(step.number, inputs[0]))
        else:
            results.append(twins[step.kind](*inputs))
    # a result that depends on no argument is a 0-d constant: give it one entry per element
    return torch.broadcast_to(results[-1], (count,))


def torch_twins(torch: Any) -> dict[str, Callable[..., Any]]:
    """PyTorch's version of every op of the table, by the op's name (a test checks that none is missing).

    sum and dot add their terms left to right, as chaingrad's do, so both round alike.
    """

    def dot(*wx: Any) -> Any:  # inputs are w_1..w_n, x_1..x_n
        half = len(wx) // 2
        return reduce(operator.add, map(operator.mul, wx[:half], wx[half:]))

    return {
        "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": torch.pow,
        "neg": operator.neg, "id": torch.clone, "abs": torch.abs, "exp": torch.exp, "log": torch.log,
        "sqrt": torch.sqrt, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu,
        "sum": lambda *xs: reduce(operator.add, xs), "dot": dot,
    }


def import_torch(what: str) -> Any:
    """The torch package, or an ImportError saying how to install it (torch is an optional extra)."""
    try:
        import torch
    except ImportError:
        raise ImportError(f"{what} needs PyTorch: pip install 'chaingrad[torch]'") from None
    return torch


def _as_tensors(torch: Any, arguments: Sequence[Any]) -> list[Any]:
    """The arguments as real tensors of one dtype and one (broadcast) shape; numbers become float64."""
    if not arguments:
        raise TypeError("the torch function needs at least one argument (a tensor for each argument of f)")
    tensors = []
    for k, argument in enumerate(arguments):
        if isinstance(argument, (int, float)) and not isinstance(argument, bool):
            argument = torch.tensor(float(argument), dtype=torch.float64)
        if not isinstance(argument, torch.Tensor) or not argument.is_floating_point():
            is_tensor = isinstance(argument, torch.Tensor)
            kind = f"a {argument.dtype} tensor" if is_tensor else type(argument).__name__
            raise TypeError(f"argument {k} must be a floating-point tensor (float64 to compare with "
                            f"chaingrad) or a number, got {kind}")
        if not bool(torch.isfinite(argument).all()):
            raise ValueError(f"argument {k} holds NaN or infinity; chaingrad Values are always finite")
        tensors.append(argument)
    dtype = reduce(torch.promote_types, [t.dtype for t in tensors])
    try:
        return list(torch.broadcast_tensors(*[t.to(dtype) for t in tensors]))
    except RuntimeError:
        shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
        raise ValueError(f"the arguments' shapes {shapes} do not broadcast to one shape") from None
