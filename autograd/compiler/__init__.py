"""Compiled replay: trace f once, then run it as straight-line Python, forward and backward.

>>> from autograd.compiler import compile
>>> def cost(x, w1, w2, b):                      # the tutorial's homework chain
...     y = (w2 * (w1 * x).relu() + b).sigmoid()
...     return (y - 1) ** 2 / 2
>>> cf = compile(cost)
>>> cf(3.0, 0.01, -5.0, -1.0)                    # traced now; from here on, generated code runs
0.28842841648243966
>>> value, (dx, dw1, dw2, db) = cf.value_and_grad(3.0, 0.01, -5.0, -1.0)
>>> db                                            # the homework's dC/db
-0.13872777081136364

The eager engine builds a graph of Value objects at every call and then walks it
backwards, at a cost of about a microsecond per node for Python's bookkeeping. But
the graph of a given function is, most of the time, the same at every call. So the
first call *traces* it (runs f on Values, as the eager engine does), and the graph is
turned into Python source, one line per node and one per local derivative, which
Python compiles once. Later calls run that code on plain floats, at the cost of the
arithmetic alone (20 to 30 times faster). Read what backward does, as code:

>>> print(cf.source)
def cost_forward_backward(x, w1, w2, b, params, seed):
    # forward: one line per node of the graph
    mul1 = w1 * x
    relu2 = mul1 if mul1 > 0.0 else 0.0
    mul3 = w2 * relu2
    add4 = mul3 + b
    sigmoid5 = sigmoid(add4)
    sub6 = sigmoid5 - 1.0
    pow7 = sub6 ** 2.0
    out = pow7 / 2.0
    if not isfinite(sum((mul1, add4, out))):  # the engine refuses inf and NaN
        raise NotFiniteError
    # backward: grad_n = d out / d n, one line per local derivative
    # grad_out is seed  (d out / d out = 1)
    grad_pow7 = 0.5 * seed  # /: 1/y
    grad_sub6 = 2.0 * sub6 ** 1.0 * grad_pow7  # **2: 2 * x**1
    # grad_sigmoid5 is grad_sub6  (-: 1)
    grad_add4 = sigmoid5 * (1.0 - sigmoid5) * grad_sub6  # sigmoid: out * (1 - out)
    # grad_mul3 is grad_add4  (+: 1)
    grad_relu2 = w2 * grad_add4  # *: x
    grad_mul1 = grad_relu2 if mul1 > 0.0 else 0.0 * grad_relu2  # relu: 1 if x > 0 else 0
    # grad_b is grad_add4  (+: 1)
    grad_w2 = relu2 * grad_add4  # *: y
    grad_w1 = x * grad_mul1  # *: y
    grad_x = w1 * grad_mul1  # *: x
    if not isfinite(-out / 2.0 * seed):  # the engine refuses inf and NaN
        raise NotFiniteError
    if not isfinite(sum((grad_x, grad_w1, grad_w2, grad_add4))):  # the engine refuses inf and NaN
        raise NotFiniteError
    # the result: out, d out / d (x, w1, w2, b), d out / d (each parameter that out uses)
    return (out, (grad_x, grad_w1, grad_w2, grad_add4), ())
<BLANKLINE>

**The code comes from the op table.** Each local derivative is the op's own rule
([`autograd.ops`][autograd.ops]), run on symbols instead of numbers: a rule is written with
``+ - * / **`` and ``log``, so run on [expressions][autograd.compiler.expressions]
it builds the expression it would compute, ``(1.0 - out * out)`` for tanh. Only what
the table cannot give is written down, beside it, in [`spellings`][autograd.compiler.spellings]:
how each forward rule is spelled (``tanh(x)``: calling the rule itself would cost a
Python call per node, and ``math.tanh`` does not run on arrays), and a branch-free
spelling for the four rules that branch on a number (relu, abs and the powers:
``float(x) > 0`` cannot be asked of a symbol). An op with no spelling (your own,
used with ``apply_op``) still compiles: its rules are called from the generated code.

**Same numbers, same errors.** The lines compute what the eager engine computes, in
its order, so the results are the same to the last bit. Anything the engine refuses
(a log of a negative number, an overflow) makes the generated code raise, and the call
is then handed to the eager engine, which raises its own error with its own message.
Only where an infinity could hide (``tanh(inf)`` is 1.0) is a value checked, many at
a time, and never one that is known to be small.

**Python's control flow** is not in the graph: ``x if x > 0 else -x`` records only the
branch taken. While f is traced, every comparison of Values (``<``, ``max``, ...) is
recorded, and the generated code checks it again where f made it; a call that goes the
other way is traced again (the last ``max_traces`` traces are kept and tried in turn).

**Parameters**, the Values f uses without getting them as arguments (a model's
weights), are read from ``.data`` at every call, so an optimizer can change them
between calls; ``cf.backward(...)`` adds d f / d p into ``p.grad`` as ``loss.backward()``
does. So a training step is ``optimizer.zero_grad(); cf.backward(x); optimizer.step()``.

**NumPy arrays** as arguments run a batch elementwise, as one vectorized pass of the
same code (``cf.array_source``): the value and each gradient come back as arrays, and
``backward`` adds each parameter's gradient summed over the batch. A comparison that
goes one way for some samples and the other way for others raises ValueError naming
it; an error names the first sample that raises it. NumPy's exp and tanh may differ
from the math module's in the last bit, so batch results may differ from the eager
engine's by rounding.

What a trace cannot see, it cannot replay: a number taken out of the graph
(``v.data``, or a result computed under ``no_grad``) is a constant of the trace, and
so is anything random or read from outside. ``float(v)`` of a Value that depends on the
arguments is refused while tracing, for that reason; ``v.data`` cannot be seen at all.
(Some of nn's functions read ``.data`` to pick the more accurate of two equal formulas,
softplus for one: compiled, they keep the formula picked at the trace.)

The pieces: [`tracing`][autograd.compiler.tracing] (calling f, recording comparisons),
[`program`][autograd.compiler.program] (the graph as ordered, named, classified nodes),
[`codegen`][autograd.compiler.codegen] (the source), [`runtime`][autograd.compiler.runtime]
(what the source calls) and [`compiled`][autograd.compiler.compiled] (calls, the cache of
traces, the eager fallback, batches).
"""

from __future__ import annotations

from collections.abc import Callable

from autograd.compiler.compiled import CompiledFunction
from autograd.value import Value


def compile(function: Callable[..., Value], *, max_traces: int = 8) -> CompiledFunction:
    """Compile ``function`` (Values in, a Value out): traced at its first call, then replayed as Python.

    Args:
        function: called with one Value per argument; returns a Value.
        max_traces: how many traces to keep per number of arguments (one per way
            through f's comparisons).

    Returns:
        A [`CompiledFunction`][autograd.compiler.compiled.CompiledFunction]: call it with
        numbers (or NumPy arrays) for f's value, ``.value_and_grad(...)`` for the gradients
        too, ``.backward(...)`` to add the parameters' gradients into their ``.grad``, and
        read ``.source``.
    """
    return CompiledFunction(function, max_traces)


__all__ = ["CompiledFunction", "compile"]
