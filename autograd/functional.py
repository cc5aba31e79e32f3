"""Differential operators as function transformations, in the spirit of JAX and HIPS autograd.

``grad(f)`` is a new function that returns the gradient of ``f``. The functions
transformed here take scalar arguments and return one Value (``jacobian``: a
list of Values).

Floats in, floats out: called with numbers, at the top level, the transformed
functions return plain floats. Values in, Values out: called with Values, or
from inside another transformation, they return differentiable Values, so
derivatives of any order compose, and an inner ``grad`` keeps track of the
outer variables its function closes over::

    f = lambda x: x * grad(lambda y: x * y)(2.0)[0]     # x * x
    grad(f)(1.0)                                        # (2.0,)

The same holds in an ordinary (eager) computation: a result that depends on
Values made before the call (the ``x`` that ``lambda t: x * t`` closes over)
comes back as a Value connected to them, as torch.func does::

    x = Value(1.0)
    y = x * grad(lambda t: x * t)(2.0)[0]               # x * x
    y.backward()                                        # x.grad == 2.0

A transformation never reads or writes ``.grad``: gradients come from
[`autograd.gradients`][autograd.engine.gradients], which returns them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from autograd.engine import gradients
from autograd.modes import enable_grad
from autograd.ops import IDENTITY
from autograd.value import Value, _as_float, apply_op, next_creation_number

Argnums = int | Sequence[int] | None


def grad(f: Callable[..., Any], argnums: Argnums = None) -> Callable[..., Any]:
    """The gradient of scalar-valued ``f``.

    ``argnums`` picks the arguments to differentiate with respect to: an int
    gives one derivative, a sequence gives a tuple of them, and None (the
    default) gives a tuple with one derivative per argument.

    >>> grad(lambda x, y: x * y ** 2)(3.0, 2.0)
    (4.0, 12.0)
    >>> grad(lambda x: x ** 3, argnums=0)(2.0)
    12.0
    """

    def gradient(*args: Any) -> Any:
        return value_and_grad(f, argnums)(*args)[1]

    return _named(gradient, "grad", f)


def value_and_grad(f: Callable[..., Any], argnums: Argnums = None) -> Callable[..., tuple[Any, Any]]:
    """Like [`grad`][autograd.functional.grad], but returns ``(f(*args), gradient)`` from one forward pass.

    >>> value_and_grad(lambda x, y: x * y)(3.0, 2.0)
    (6.0, (2.0, 3.0))
    """

    def value_and_gradient(*args: Any) -> tuple[Any, Any]:
        call = _Call(f, args, argnums)
        out = _scalar_output(f, call.run())
        nested = call.keeps_values(out)
        derivatives = gradients(out, call.wrt, create_graph=nested)
        value = out if nested else out.data
        return value, (derivatives[0] if isinstance(argnums, int) else derivatives)

    return _named(value_and_gradient, "value_and_grad", f)


def hessian(f: Callable[..., Any], argnums: Argnums = None) -> Callable[..., list[list[Any]]]:
    """Matrix of second derivatives d2f / dx_i dx_j, as a nested list (one row per argument).

    The gradient is built as Values (``create_graph=True``) and differentiated
    once more, row by row.

    >>> hessian(lambda x, y: x ** 2 * y)(1.0, 3.0)
    [[6.0, 2.0], [2.0, 0.0]]
    """

    def second_derivatives(*args: Any) -> list[list[Any]]:
        call = _Call(f, args, argnums)
        out = _scalar_output(f, call.run())
        first = gradients(out, call.wrt, create_graph=True)
        nested = call.keeps_values(out)
        return [list(gradients(g, call.wrt, create_graph=nested)) for g in first]

    return _named(second_derivatives, "hessian", f)


def jacobian(f: Callable[..., Any], argnums: Argnums = None) -> Callable[..., list[list[Any]]]:
    """Matrix d out_i / d x_j of a function returning a list of Values (one row per output).

    >>> jacobian(lambda x, y: [x * y, x + y])(2.0, 5.0)
    [[5.0, 2.0], [1.0, 1.0]]
    """

    def jacobian_rows(*args: Any) -> list[list[Any]]:
        call = _Call(f, args, argnums)
        outputs = call.run()
        if isinstance(outputs, Value) or not isinstance(outputs, Sequence):
            raise TypeError(
                f"jacobian: {_name(f)} must return a list of Values, got {type(outputs).__name__}"
            )
        checked = [_as_output(out, f"output {i} of {_name(f)}") for i, out in enumerate(outputs)]
        nested = call.keeps_values(*checked)
        return [list(gradients(out, call.wrt, create_graph=nested)) for out in checked]

    return _named(jacobian_rows, "jacobian", f)


class _Call:
    """One call of a transformed function: its inputs as Values, and what it must return.

    Numbers become fresh leaf Values (labelled with f's parameter names); a Value
    becomes a copy computed from it (see ``_trace_inputs``).
    """

    def __init__(self, f: Callable[..., Any], args: Sequence[Any], argnums: Argnums) -> None:
        self.f = f
        self.start = next_creation_number()  # every Value made from here on belongs to this call
        self.inputs, self.given_values = _trace_inputs(f, args)
        self.wrt = [self.inputs[i] for i in _chosen(argnums, len(self.inputs))]

    def run(self) -> Any:
        """``f(*inputs)``, recording the graph (even inside ``no_grad``, as torch.func does)."""
        with enable_grad():
            return self.f(*self.inputs)

    def keeps_values(self, *outputs: Value) -> bool:
        """Whether the results must be differentiable Values rather than floats.

        They must when the call was given Values, or when ``outputs`` depend on Values
        made before the call: f closes over them, whether they are an outer
        transformation's variables (``grad(lambda x: x * grad(lambda y: x * y)(2.0)[0])``)
        or Values of an ordinary computation (``x * grad(lambda t: x * t)(2.0)[0]``).
        Floats there would cut the graph: in the second example the gradient is x
        itself, and y = x * x must send its gradient through both factors. A result
        that depends on nothing older is a constant to any outer computation, and a
        float says so.
        """
        return self.given_values or _reaches_older_than(self.start, outputs)


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def _trace_inputs(f: Callable[..., Any], args: Sequence[Any]) -> tuple[list[Value], bool]:
    """Fresh Values to differentiate by: leaves for numbers (labelled with f's parameter names),
    and for a Value, a copy computed from it.

    The copy is what keeps nested transformations apart: in
    ``grad(lambda x: grad(lambda y: x * y)(x)[0])``, the inner gradient is taken
    with respect to a copy of x, so the x that the inner function closes over
    is a constant to it (d(x y)/dy = x, not 2x), while the result still depends
    on x for the outer gradient. Returns the inputs and whether any argument
    was a Value (then the result must stay differentiable).
    """
    if not args:
        raise TypeError(f"{_name(f)}: needs at least one argument to differentiate")
    names = _parameter_names(f, len(args))
    inputs, traced = [], False
    for name, arg in zip(names, args):
        if isinstance(arg, Value):
            with enable_grad():  # the copy must stay linked to arg, whatever the mode
                copy = apply_op(IDENTITY, arg)
            copy.label = arg.label or name
            inputs.append(copy)
            traced = True
        else:
            try:
                inputs.append(Value(_as_float(arg), label=name))
            except TypeError:
                raise TypeError(
                    f"{_name(f)}: argument {name!r} must be a real number, got {type(arg).__name__}: {arg!r}"
                ) from None
    return inputs, traced


def _reaches_older_than(start: int, outputs: Sequence[Value]) -> bool:
    """Whether any node that ``outputs`` were computed from was made before ``start``."""
    seen: set[Value] = set()
    stack = list(outputs)
    while stack:
        node = stack.pop()
        if node._created < start:
            return True
        for child in node._children:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return False


def _parameter_names(f: Callable[..., Any], count: int) -> list[str]:
    try:
        params = [
            p.name
            for p in inspect.signature(f).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else f"arg{i}" for i in range(count)]


def _chosen(argnums: Argnums, count: int) -> list[int]:
    if argnums is None:
        return list(range(count))
    picked = [argnums] if isinstance(argnums, int) else list(argnums)
    for i in picked:
        if isinstance(i, bool) or not isinstance(i, int):
            raise TypeError(f"argnums must be ints, got {type(i).__name__}: {i!r}")
        if not -count <= i < count:
            raise ValueError(f"argnums {i} is out of range for a function called with {count} argument(s)")
    return [i % count for i in picked]


def _scalar_output(f: Callable[..., Any], out: Any) -> Value:
    if isinstance(out, tuple) and len(out) == 1:
        # grad(g) of a one-argument g returns a 1-tuple: unwrap, so grad(grad(g)) works
        out = out[0]
    return _as_output(out, f"the result of {_name(f)}")


def _as_output(out: Any, what: str) -> Value:
    if isinstance(out, Value):
        return out
    if isinstance(out, (int, float)) and not isinstance(out, bool):
        return Value(out)  # a constant: every derivative is 0
    raise TypeError(f"{what} must be a Value (a scalar), got {type(out).__name__}: {out!r}")


def _name(f: Callable[..., Any]) -> str:
    return getattr(f, "__name__", repr(f))


def _named(wrapper: Callable[..., Any], transform: str, f: Callable[..., Any]) -> Callable[..., Any]:
    wrapper.__name__ = f"{transform}({_name(f)})"
    wrapper.__doc__ = f"{transform} of {_name(f)}"
    return wrapper
