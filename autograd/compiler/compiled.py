"""The compiled function: traces, a small cache of them, and the eager engine as the final word.

A call goes like this:

1. The arguments are checked as ``Value(...)`` would check them (real, finite).
2. The most recently used trace for this many arguments runs its generated code.
   A guard that comes out differently raises GuardError, and the next cached
   trace is tried; when none fits, f is traced again at these arguments (the cache
   keeps the ``CompiledFunction.max_traces`` most recently used).
3. If the generated code raises an error it is meant to raise, where the engine would
   raise too (a domain error of ``math``: ValueError for log, sqrt and pow,
   ZeroDivisionError, OverflowError for exp; ``NotFiniteError``; an error of your own
   op's rule), the call is run by the eager engine instead, which raises its own
   error, with its own message. So the compiled function refuses exactly what the
   engine refuses, in the engine's words, and never returns a number the engine
   would not. Each call the engine answers so counts in ``CompiledFunction.fallbacks``,
   and the type of the error that sent it there in ``fallback_reasons``.
4. If the generated code raises anything else (a NameError, a TypeError, ...), that
   is a bug in the compiler, not a point where f is undefined: it is raised as
   ``CompiledCodeError``, with the original error as its cause. The engine does not
   answer instead, or a broken code path would look as good as a working one.

NumPy arrays run the array flavour of the same code once for the whole batch,
with NumPy's floating-point errors turned into exceptions (FloatingPointError). A
guard is checked for every sample: if all agree with the trace, fine; if all
disagree, f is traced again (at the first sample); if they differ, ValueError names
the comparison. If the code raises an error it is meant to raise, the batch is run
sample by sample (steps 2 to 4 for each), and the first sample that fails raises its
(eager) error, with its index; each sample the engine answers counts as a fallback.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import inspect
import itertools
import math
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from autograd.compiler.codegen import Generated, build_function, generate, render_source
from autograd.compiler.expressions import ARRAY, FLOAT
from autograd.compiler.program import Program, build_program
from autograd.compiler.runtime import (
    DOMAIN_ERRORS,
    BatchSplitError,
    CompiledCodeError,
    GuardError,
    NotFiniteError,
    OpRuleError,
    array_namespace,
    bind_ops,
    float_namespace,
)
from autograd.compiler.tracing import is_parameter, trace
from autograd.engine import gradients, topological_order
from autograd.value import Value, next_creation_number

_serial = itertools.count(1)

# What the generated code may raise for the eager engine to answer instead: the errors it
# raises on purpose where the engine would raise (DOMAIN_ERRORS), an error of an op's own
# rule (OpRuleError), and a guard that fails right after f was traced at these very numbers
# (GuardError: then f is not deterministic). Anything else is a bug in the compiler.
_ENGINE_ANSWERS = (*DOMAIN_ERRORS, OpRuleError, GuardError)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a program is built and compiled.

    That makes hundreds of thousands of small objects (nodes, expressions, lines)
    and garbage none of them; the collector would walk them all again and again.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class Gradients(NamedTuple):
    """A forward and backward pass: the value, d f / d argument, and d f / d parameter."""

    value: Any
    inputs: tuple[Any, ...]
    parameters: Sequence[Value]
    parameter_gradients: Sequence[Any]


class CompiledTrace:
    """One trace of f and the code written from it (each flavour compiled when first used)."""

    def __init__(self, program: Program, function_name: str) -> None:
        self.program = program
        self.parameters = [node.value for node in program.parameters]  # ``params`` in the code
        self.gradient_parameters = [node.value for node in program.parameters if node.gets_gradient]
        self.name = function_name
        self._generated: dict[bool, Generated] = {}
        self._functions: dict[tuple[bool, str], Callable[..., Any]] = {}

    def generated(self, gradient: bool) -> Generated:
        if gradient not in self._generated:
            suffix = "forward_backward" if gradient else "forward"
            self._generated[gradient] = generate(self.program, gradient, f"{self.name}_{suffix}")
        return self._generated[gradient]

    def source(self, gradient: bool = True, flavour: str = FLOAT) -> str:
        return render_source(self.generated(gradient), flavour)

    def function(self, gradient: bool, flavour: str) -> Callable[..., Any]:
        key = (gradient, flavour)
        found = self._functions.get(key)
        if found is None:
            with _collector_paused():
                generated = self.generated(gradient)
                namespace = array_namespace() if flavour == ARRAY else float_namespace()
                bind_ops(namespace, generated.runtime_ops, arrays=flavour == ARRAY)
                filename = f"<compiled {self.name} #{next(_serial)} {flavour}>"
                found = build_function(render_source(generated, flavour), generated.name, namespace, filename)
            self._functions[key] = found
        return found

    def run(self, gradient: bool, numbers: Sequence[float]) -> Any:
        """The generated code on floats: the value, or a `Gradients`."""
        if not gradient:
            return self.function(False, FLOAT)(*numbers, self.parameters)
        value, inputs, parameters = self.function(True, FLOAT)(*numbers, self.parameters, 1.0)
        # + 0.0 turns -0.0 into 0.0: the engine's gradients start at 0.0, so never end at -0.0
        return Gradients(value, tuple(g + 0.0 for g in inputs), self.gradient_parameters, parameters)

    def run_arrays(self, gradient: bool, arrays: Sequence[Any], shape: tuple[int, ...]) -> Any:
        """The generated code on a batch: arrays of the batch's shape; parameters get sums."""
        import numpy as np

        def full(x: Any) -> Any:  # a fresh array of the batch's shape (never one of the inputs)
            return np.array(np.broadcast_to(x, shape), dtype=float)

        # NumPy flags an infinity only where one is made, so one read from a parameter
        # (set by hand) must be caught here; the engine refuses the first op that uses it
        if not all(math.isfinite(p.data) for p in self.parameters):
            raise NotFiniteError

        if not gradient:
            return full(self.function(False, ARRAY)(*arrays, self.parameters))
        value, inputs, parameters = self.function(True, ARRAY)(*arrays, self.parameters, np.ones(shape))
        # + 0.0 turns -0.0 into 0.0: the engine's gradients start at 0.0, so never end at -0.0
        gradients = tuple(full(g) + 0.0 for g in inputs)
        return Gradients(full(value), gradients, self.gradient_parameters, _sums(parameters, shape))


def _sums(gradients: Sequence[Any], shape: tuple[int, ...]) -> list[float]:
    """The sum over the batch of each parameter's gradient, in one NumPy call."""
    import numpy as np

    if not gradients:
        return []
    try:
        stacked = np.array(gradients, dtype=float)  # every gradient has the batch's shape...
    except ValueError:
        stacked = None
    if stacked is None or stacked.shape != (len(gradients), *shape):  # ...unless one is a number
        stacked = np.array([np.broadcast_to(g, shape) for g in gradients], dtype=float)
    sums: list[float] = stacked.reshape(len(gradients), -1).sum(axis=1).tolist()
    return sums


class CompiledFunction:
    """``f`` compiled (by [`compile`][autograd.compiler.compile]): call it with numbers or NumPy arrays.

    Attributes:
        traces_made: how many times f was traced (the first call, and every retrace).
        fallbacks: how many calls, or samples of a batch, the eager engine answered because
            the generated code raised (a domain error, a value that is not finite): 0 where
            f is defined and finite. Set it back to 0 to count afresh.
        fallback_reasons: how many of those each type of error sent to the engine, by its
            name: ``Counter({"ValueError": 2})``. Set it to ``Counter()`` to count afresh.
    """

    def __init__(self, function: Callable[..., Value], max_traces: int = 8) -> None:
        if not callable(function):
            raise TypeError(f"compile: expected a function, got {type(function).__name__}: {function!r}")
        if isinstance(max_traces, bool) or not isinstance(max_traces, int) or max_traces < 1:
            raise ValueError(f"compile: max_traces must be an int >= 1, got {max_traces!r}")
        self.function = function
        self.max_traces = max_traces
        self.traces_made = 0
        self.fallbacks = 0
        self.fallback_reasons: Counter[str] = Counter()
        # per number of arguments, the traces, most recently used first (a tuple, replaced
        # whole under the lock, so that a call can read it without taking the lock)
        self._traces: dict[int, tuple[CompiledTrace, ...]] = {}
        self._latest: CompiledTrace | None = None
        self._lock = threading.RLock()
        self._names: dict[int, tuple[str, ...]] = {}
        self._name = _identifier_for(function)
        functools.update_wrapper(self, function, updated=())  # its name and doc, not its attributes

    def __repr__(self) -> str:
        traces = sum(len(t) for t in self._traces.values())
        return f"<compiled {self._name}: {traces} trace{'s' * (traces != 1)}>"

    # -- the three ways to call it ---------------------------------------------

    def __call__(self, *args: Any) -> Any:
        """f's value: a float, or an array for array arguments (elementwise)."""
        return self._run(False, args)

    def value_and_grad(self, *args: Any) -> tuple[Any, tuple[Any, ...]]:
        """``(value, (d f / d args[0], d f / d args[1], ...))``; arrays for a batch."""
        result = self._run(True, args)
        return result.value, result.inputs

    def backward(self, *args: Any) -> Any:
        """Run f forward and backward, and add d f / d p into ``p.grad`` for every parameter p.

        Parameters are the Values f uses without receiving them as arguments: a
        model's weights. As with ``loss.backward()``, leaf gradients add up over calls
        (zero them between steps); for a batch, the sum over the batch is added.
        Returns f's value (an array for a batch).
        """
        result = self._run(True, args)
        for node, gradient in zip(result.parameters, result.parameter_gradients):
            if node._children:  # a node computed before the call, as the engine does it
                node.grad = gradient
            else:
                node.grad += gradient
        return result.value

    # -- reading the code ----------------------------------------------------------

    @property
    def source(self) -> str:
        """The Python code of the latest trace, forward and backward, on floats."""
        return self._latest_trace().source(True, FLOAT)

    @property
    def array_source(self) -> str:
        """The same code as it runs on NumPy arrays."""
        return self._latest_trace().source(True, ARRAY)

    @property
    def forward_source(self) -> str:
        """The forward half alone, as ``f(...)`` runs it."""
        return self._latest_trace().source(False, FLOAT)

    def _latest_trace(self) -> CompiledTrace:
        if self._latest is None:
            raise ValueError(f"{self._name} has not been traced yet: call it once, then read its source")
        return self._latest

    # -- running --------------------------------------------------------------------

    def _run(self, gradient: bool, args: tuple[Any, ...]) -> Any:
        numpy = sys.modules.get("numpy")
        if numpy is not None and any(isinstance(a, numpy.ndarray) for a in args):
            arrays, shape = self._arrays(args)
            return self._run_arrays(gradient, arrays, shape)
        return self._run_numbers(gradient, _numbers(args))

    def _run_numbers(self, gradient: bool, numbers: tuple[float, ...]) -> Any:
        for compiled in self._cached(len(numbers)):
            try:
                result = compiled.run(gradient, numbers)
            except GuardError:
                continue
            except Exception as error:  # the engine decides, and raises its own error
                return self._engine_answers(error, gradient, numbers)
            self._used(compiled)
            return result
        compiled = self._trace(numbers)
        try:
            return compiled.run(gradient, numbers)
        except Exception as error:  # GuardError here means f is not deterministic: the engine decides too
            return self._engine_answers(error, gradient, numbers)

    def _run_arrays(self, gradient: bool, arrays: list[Any], shape: tuple[int, ...]) -> Any:
        import numpy as np

        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            for compiled in self._cached(len(arrays)):
                try:
                    result = compiled.run_arrays(gradient, arrays, shape)
                except GuardError:
                    continue
                except BatchSplitError as split:
                    raise ValueError(_split_message(compiled, split, shape)) from None
                except Exception as error:
                    self._check_meant(error)
                    return self._sample_by_sample(gradient, arrays, shape)
                self._used(compiled)
                return result
            first = tuple(float(a.flat[0]) for a in arrays)
            try:
                compiled = self._trace(first)
            except Exception as error:
                raise _at_sample(error, 0, shape) from error
            try:
                return compiled.run_arrays(gradient, arrays, shape)
            except BatchSplitError as split:
                raise ValueError(_split_message(compiled, split, shape)) from None
            except Exception as error:
                self._check_meant(error)
                return self._sample_by_sample(gradient, arrays, shape)

    def _sample_by_sample(self, gradient: bool, arrays: list[Any], shape: tuple[int, ...]) -> Any:
        """The batch one sample at a time (on floats), after the whole-batch code raised.

        The first sample that fails raises its own error, with its index; if none
        does (NumPy flagged a value that was never used), the results are assembled.
        """
        import numpy as np

        values = np.empty(shape)
        input_gradients = [np.empty(shape) for _ in arrays]
        sums: dict[Value, float] = {}
        for i in range(values.size):
            numbers = tuple(float(a.flat[i]) for a in arrays)
            try:
                result = self._run_numbers(gradient, numbers)
            except Exception as error:
                raise _at_sample(error, i, shape) from error
            if not gradient:
                values.flat[i] = result
                continue
            values.flat[i] = result.value
            for array, g in zip(input_gradients, result.inputs):
                array.flat[i] = g
            for node, g in zip(result.parameters, result.parameter_gradients):
                sums[node] = sums.get(node, 0.0) + g
        if not gradient:
            return values
        return Gradients(values, tuple(input_gradients), list(sums), list(sums.values()))

    def _engine_answers(self, error: Exception, gradient: bool, numbers: Sequence[float]) -> Any:
        """The eager engine's result (or error) for a call whose generated code raised ``error``.

        Counted as a fallback. An error the code is not meant to raise is raised instead.
        """
        self._check_meant(error)
        name = type(error).__name__
        with self._lock:
            self.fallbacks += 1
            # get() rather than +=: the user may have reset it to a plain dict
            self.fallback_reasons[name] = self.fallback_reasons.get(name, 0) + 1
        return self._eager(gradient, numbers)

    def _check_meant(self, error: Exception) -> None:
        """Raise CompiledCodeError, caused by ``error``, unless the generated code is meant to raise it."""
        if not isinstance(error, _ENGINE_ANSWERS):
            raise CompiledCodeError(
                f"the compiled code of {self._name} raised {type(error).__name__} ({error}), which it "
                "never should: this is a bug in chaingrad's compiler. Please report it, with f and "
                "the arguments; meanwhile the eager engine (f on Values) computes the same thing."
            ) from error

    def _eager(self, gradient: bool, numbers: Sequence[float]) -> Any:
        """The eager engine runs the call: its result, or its error."""
        start = next_creation_number()
        inputs = [Value(n, label=name) for n, name in zip(numbers, self._argument_names(len(numbers)))]
        output = self.function(*inputs)
        if not isinstance(output, Value):
            raise TypeError(f"compile: the function must return a Value, got {type(output).__name__}")
        if not gradient:
            return output.data
        given = set(inputs)
        parameters = [n for n in topological_order(output) if n not in given and is_parameter(n, start)]
        found = gradients(output, [*inputs, *parameters])
        return Gradients(output.data, found[: len(inputs)], parameters, found[len(inputs) :])

    # -- the cache of traces ------------------------------------------------------------

    def _cached(self, count: int) -> tuple[CompiledTrace, ...]:
        return self._traces.get(count, ())

    def _used(self, compiled: CompiledTrace) -> None:
        """Move a trace to the front: the next call tries it first."""
        self._latest = compiled
        count = len(compiled.program.inputs)
        if self._traces[count][0] is not compiled:
            with self._lock:
                others = tuple(t for t in self._traces[count] if t is not compiled)
                self._traces[count] = (compiled, *others)

    def _trace(self, numbers: Sequence[float]) -> CompiledTrace:
        names = self._argument_names(len(numbers))
        traced = trace(self.function, numbers, names)  # f's own errors are raised here, eagerly
        with _collector_paused():
            compiled = CompiledTrace(build_program(traced), self._name)
        with self._lock:
            kept = (compiled, *self._traces.get(len(numbers), ()))
            self._traces[len(numbers)] = kept[: self.max_traces]
            self.traces_made += 1
            self._latest = compiled
        return compiled

    def _argument_names(self, count: int) -> tuple[str, ...]:
        names = self._names.get(count)
        if names is None:
            names = self._names[count] = _argument_names(self.function, count)
        return names

    def _arrays(self, args: tuple[Any, ...]) -> tuple[list[Any], tuple[int, ...]]:
        """The arguments as float arrays of one broadcast shape (numbers are broadcast too)."""
        import numpy as np

        names = self._argument_names(len(args))
        arrays = []
        for name, arg in zip(names, args):
            if isinstance(arg, np.ndarray):
                if arg.dtype.kind not in "iuf":
                    kind = f"got dtype {arg.dtype}"
                    raise TypeError(f"argument {name!r}: expected an array of real numbers, {kind}")
                array = arg.astype(float, copy=False)
                bad = np.flatnonzero(~np.isfinite(array))
                if bad.size:
                    index = _index(int(bad[0]), array.shape)
                    raise ValueError(f"argument {name!r}, sample {index}: Value needs a finite number, "
                                     f"got {array.flat[bad[0]]!r}")
            else:
                array = np.asarray(_numbers((arg,))[0])
            arrays.append(array)
        broadcast = np.broadcast_arrays(*arrays)
        shape = broadcast[0].shape if broadcast else ()
        if broadcast and broadcast[0].size == 0:
            raise ValueError("compile: an empty batch has nothing to compute")
        return list(broadcast), shape


def _numbers(args: tuple[Any, ...]) -> tuple[float, ...]:
    """The arguments as floats, refused exactly as ``Value(arg)`` refuses them."""
    numbers = []
    for arg in args:
        if type(arg) is float and math.isfinite(arg):
            numbers.append(arg)
        else:
            numbers.append(Value(arg).data)  # raises the engine's own error for a bad argument
    return tuple(numbers)


def _argument_names(function: Callable[..., Any], count: int) -> tuple[str, ...]:
    """f's parameter names for ``count`` positional arguments (``x0, x1, ...`` where it has none)."""
    names: list[str] = []
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    for parameter in parameters:
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            names.append(parameter.name)
        elif parameter.kind is parameter.VAR_POSITIONAL:
            names.extend(f"{parameter.name}{i}" for i in range(count - len(names)))
    names.extend(f"x{i}" for i in range(len(names), count))
    return tuple(names[:count])


def _identifier_for(function: Callable[..., Any]) -> str:
    name = getattr(function, "__name__", "") or "function"
    return name if name.isidentifier() else "function"


def _index(flat: int, shape: tuple[int, ...]) -> int | tuple[int, ...]:
    if len(shape) <= 1:
        return flat
    import numpy as np

    return tuple(int(i) for i in np.unravel_index(flat, shape))


def _at_sample(error: Exception, flat: int, shape: tuple[int, ...]) -> Exception:
    """The same kind of error, saying which sample of the batch raised it."""
    try:
        return type(error)(f"sample {_index(flat, shape)}: {error}")
    except Exception:  # an exception type that takes other arguments: keep it as it is
        return error


def _split_message(compiled: CompiledTrace, split: BatchSplitError, shape: tuple[int, ...]) -> str:
    import numpy as np

    comparison = compiled.program.guards[split.index]
    flags = np.broadcast_to(np.asarray(split.outcome), shape)
    true = [_index(int(i), shape) for i in np.flatnonzero(flags)[:5]]
    false = [_index(int(i), shape) for i in np.flatnonzero(~flags)[:5]]
    return (
        f"{compiled.name}: the batch splits at a comparison ({comparison.site}): it is True for "
        f"samples {true}{'...' if flags.sum() > 5 else ''} and False for samples {false}"
        f"{'...' if (~flags).sum() > 5 else ''}, so they would take different branches. "
        "Call the compiled function on each group, or write the branch with ops (relu, abs)."
    )
