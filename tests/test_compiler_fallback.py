"""When the generated code raises: the eager engine answers only what the code is meant to refuse.

The generated code raises on purpose where the eager engine would raise (a log of a
negative number, an overflow, a value that is not finite); the engine then runs the
call and raises its own error. Anything else it raises (a NameError, a TypeError) is
a bug in the compiler, and must fail loudly instead of being answered by the engine:
otherwise a broken code path could never fail a test. Each call the engine answers
is counted in ``fallbacks``, so that tests can require none where none is expected.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from autograd import Value
from autograd.compiler import compile, compiled, runtime
from autograd.ops import Op
from autograd.value import apply_op


def without(make_namespace: Callable[[], dict[str, Any]], name: str) -> Callable[[], dict[str, Any]]:
    """A namespace maker like ``make_namespace`` whose namespaces lack ``name``: a broken code path."""

    def made() -> dict[str, Any]:
        namespace = make_namespace()
        del namespace[name]
        return namespace

    return made


def squashed(x: Value) -> Value:
    return (x * 2 + 1).tanh()


# -- a bug in the generated code fails loudly --------------------------------------------


def test_a_name_missing_from_the_float_code_is_an_error_not_the_engines_answer(monkeypatch):
    monkeypatch.setattr(compiled, "float_namespace", without(runtime.float_namespace, "tanh"))
    cf = compile(squashed)
    with pytest.raises(runtime.CompiledCodeError, match="compiled code of squashed raised NameError") as info:
        cf.value_and_grad(0.3)
    assert "a bug in chaingrad's compiler" in str(info.value)
    assert isinstance(info.value.__cause__, NameError)
    assert "tanh" in str(info.value.__cause__)
    with pytest.raises(runtime.CompiledCodeError):
        cf(0.3)  # the forward-only code too
    assert cf.fallbacks == 0


def test_a_name_missing_from_the_array_code_is_an_error_not_the_engines_answer(monkeypatch):
    monkeypatch.setattr(compiled, "array_namespace", without(runtime.array_namespace, "tanh"))
    cf = compile(squashed)
    with pytest.raises(runtime.CompiledCodeError, match="the compiled code of squashed raised NameError"):
        cf.value_and_grad(np.array([0.1, 0.2, 0.3]))
    assert cf.fallbacks == 0
    assert cf.value_and_grad(0.3)[0] == squashed(Value(0.3)).data  # the float code is fine


@pytest.mark.parametrize(
    ("broken", "error"),
    [
        ({"tanh": None}, "TypeError"),  # not a function at all
        ({"tanh": math.atan2}, "TypeError"),  # a function that takes two numbers
        ({"tanh": lambda x: {}[x]}, "KeyError"),  # a function with a bug of its own
    ],
)
def test_any_error_the_code_is_not_meant_to_raise_is_a_compiled_code_error(broken, error, monkeypatch):
    def broken_namespace() -> dict[str, Any]:
        return {**runtime.float_namespace(), **broken}

    monkeypatch.setattr(compiled, "float_namespace", broken_namespace)
    cf = compile(squashed)
    with pytest.raises(runtime.CompiledCodeError, match=f"raised {error}") as info:
        cf.value_and_grad(0.3)
    assert type(info.value.__cause__).__name__ == error
    assert cf.fallbacks == 0 and not cf.fallback_reasons


# -- what the code is meant to raise: the engine answers, and it is counted -----------------------


def logged(x: Value) -> Value:
    return (x - 1).log()


@pytest.mark.parametrize(
    ("f", "traced_at", "called_at", "message", "reason"),
    [
        (logged, (2.0,), (0.5,), "log: input must be positive, got -0.5", "ValueError"),
        (lambda x: x.sqrt(), (4.0,), (-4.0,), "sqrt: input must be non-negative", "ValueError"),
        (lambda x, y: x / y, (1.0, 2.0), (1.0, 0.0), "division by zero in 1.0 / 0.0", "ZeroDivisionError"),
        (lambda x: x.exp(), (1.0,), (1000.0,), "exp: exp(1000.0) is too large", "OverflowError"),
        (lambda x: x * x, (1.0,), (1e200,), "1e+200 * 1e+200 = inf is too large", "NotFiniteError"),
    ],
    ids=["log", "sqrt", "division", "exp", "product"],
)
def test_a_domain_error_is_answered_by_the_engine_in_its_own_words_and_counted(
    f, traced_at, called_at, message, reason
):
    cf = compile(f)
    cf.value_and_grad(*traced_at)
    with pytest.raises(ArithmeticError if reason != "ValueError" else ValueError, match=re.escape(message)):
        cf.value_and_grad(*called_at)
    assert cf.fallbacks == 1
    assert cf.fallback_reasons == Counter({reason: 1})
    assert cf.traces_made == 1  # the engine answered: no new trace was kept for the point


def test_a_gradient_the_engine_refuses_at_the_traced_point_itself_is_a_fallback_too():
    cf = compile(lambda x: x.sqrt())
    with pytest.raises(ZeroDivisionError, match="backward through sqrt"):  # d sqrt(x) / dx at 0
        cf.value_and_grad(0.0)
    assert cf.fallbacks == 1 and cf.fallback_reasons == Counter({"ZeroDivisionError": 1})
    assert cf(0.0) == 0.0  # the value alone is fine
    assert cf.fallbacks == 1


def test_calls_where_f_is_defined_count_no_fallback():
    cf = compile(logged)
    for x in (2.0, 1.5, 30.0, 1.0 + 1e-12, 1e300):
        value, _ = cf.value_and_grad(x)
        assert value == logged(Value(x)).data
        assert cf(x) == value
    values, _ = cf.value_and_grad(np.array([1.5, 2.0, 30.0]))
    assert values.shape == (3,)
    assert cf.fallbacks == 0
    assert cf.fallback_reasons == Counter()


def test_the_counts_can_be_reset_by_assignment():
    cf = compile(logged)
    cf(2.0)
    for x in (0.5, -3.0):
        with pytest.raises(ValueError):
            cf(x)
    assert cf.fallbacks == 2 and cf.fallback_reasons == Counter({"ValueError": 2})
    cf.fallbacks, cf.fallback_reasons = 0, Counter()
    cf(3.0)
    assert cf.fallbacks == 0 and not cf.fallback_reasons
    with pytest.raises(ValueError):
        cf(0.0)
    assert cf.fallbacks == 1 and cf.fallback_reasons == Counter({"ValueError": 1})


# -- batches ---------------------------------------------------------------------------------


def test_a_batch_with_one_bad_sample_is_run_sample_by_sample_and_its_fallback_counted():
    cf = compile(logged)
    cf(2.0)
    with pytest.raises(ValueError, match=re.escape("sample 1: log: input must be positive, got -0.5")):
        cf.value_and_grad(np.array([2.0, 0.5, 3.0]))  # NumPy's log flags sample 1: FloatingPointError
    # samples 0 ran the float code; sample 1's float code raised too, and the engine answered it
    assert cf.fallbacks == 1 and cf.fallback_reasons == Counter({"ValueError": 1})


def test_a_batch_where_f_is_defined_everywhere_counts_no_fallback():
    cf = compile(lambda x, y: (x * y + 1).tanh() * x.exp())
    xs, ys = np.linspace(-2, 2, 7), np.linspace(1, 3, 7)
    values, _ = cf.value_and_grad(xs, ys)
    for i in range(7):
        x, y = Value(xs[i]), Value(ys[i])
        assert values[i] == pytest.approx(((x * y + 1).tanh() * x.exp()).data, rel=1e-12)
    assert cf.fallbacks == 0


# -- your own ops: their rules' errors are theirs, and the engine raises them ------------------


def _root(x: float) -> float:
    if x < 0:  # branches on the number: the compiler calls this rule from the generated code
        raise ValueError(f"root: input must be >= 0, got {x!r}")
    return math.sqrt(x)


ROOT = Op("root", _root, lambda out, x: (0.5 / out,), ("1 / (2 out)",))


def doubled_root(x: Value) -> Value:
    return apply_op(ROOT, x) * 2


def test_a_domain_error_of_your_own_op_falls_back_to_the_engine():
    cf = compile(doubled_root)
    assert cf.value_and_grad(4.0) == (4.0, (0.5,))
    assert "forward_root" in cf.source  # the rule is called from the generated code
    with pytest.raises(ValueError, match=re.escape("root: input must be >= 0, got -1.0")):
        cf.value_and_grad(-1.0)
    assert cf.fallbacks == 1 and cf.fallback_reasons == Counter({"ValueError": 1})
    with pytest.raises(ValueError, match=re.escape("sample 2: root: input must be >= 0, got -9.0")):
        cf.value_and_grad(np.array([4.0, 9.0, -9.0]))
    assert cf.fallbacks == 2


class OutsideTheTableError(Exception):
    """An op's own kind of error, neither a ValueError nor an ArithmeticError."""


def _looked_up(x: float) -> float:
    if not 0 <= x <= 10:
        raise OutsideTheTableError(f"no entry for {x!r}")
    return x * x


LOOKUP = Op("lookup", _looked_up, lambda out, x: (2 * x,), ("2 x",))


def test_any_error_of_your_own_op_is_raised_by_the_engine_as_it_is_not_blamed_on_the_compiler():
    cf = compile(lambda x: apply_op(LOOKUP, x) + x)
    assert cf(3.0) == 12.0
    with pytest.raises(OutsideTheTableError, match=re.escape("no entry for 11.0")):
        cf.value_and_grad(11.0)  # the engine raises the rule's error as it always does
    assert cf.fallbacks == 1 and cf.fallback_reasons == Counter({"OpRuleError": 1})
    with pytest.raises(OutsideTheTableError, match=re.escape("sample 1: no entry for -1.0")):
        cf(np.array([3.0, -1.0]))
    assert cf.fallbacks == 2


def test_a_rule_called_with_the_wrong_number_of_numbers_is_the_generated_codes_mistake():
    namespace: dict[str, Any] = {}
    runtime.bind_ops(namespace, {"forward_lookup1": (LOOKUP, "forward", 1)}, arrays=False)
    assert namespace["forward_lookup1"](3.0) == 9.0
    with pytest.raises(TypeError, match=r"^lookup forward: called with 2 numbers, not 1$"):
        namespace["forward_lookup1"](3.0, 4.0)  # not an OpRuleError: the engine must not answer it
    with pytest.raises(runtime.OpRuleError, match="lookup forward: OutsideTheTableError: no entry") as info:
        namespace["forward_lookup1"](12.0)
    assert isinstance(info.value.__cause__, OutsideTheTableError)
