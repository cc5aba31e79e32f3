"""autograd.compile: compiled replay agrees with the eager engine, refuses what it refuses, and reads well."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, dot, gradients, sum_values
from autograd.compiler import CompiledFunction, codegen, compile
from autograd.ops import Op
from autograd.value import apply_op
from tests.strategies import BINARY_CASES, UNARY_CASES, leaves_of, programs, reals, run

TOLERANCE = 1e-12


def close(a: float, b: float) -> bool:
    """Equal to 1e-12, relative to the larger of the two."""
    return a == b or abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


def close_in_batch(a: float, b: float) -> bool:
    """Equal to 1e-12, relative, or absolute for numbers below 1.

    NumPy's exp, tanh, log and pow may differ from the math module's in the last
    bit, and a rule like tanh's 1 - out**2 magnifies that where out is nearly 1
    (the rule's own rounding error is as large there, in the eager engine too).
    """
    return a == b or abs(a - b) <= TOLERANCE * max(abs(a), abs(b), 1.0)


def eager(f, numbers, names=None):
    """The eager engine's value and gradients for f at numbers (inputs labelled as compile labels them)."""
    inputs = [Value(x, label=name) for x, name in zip(numbers, names)] if names else leaves_of(list(numbers))
    output = f(*inputs)
    return output.data, gradients(output, inputs)


def assert_agrees(cf, f, numbers):
    value, grads = cf.value_and_grad(*numbers)
    want_value, want_grads = eager(f, numbers)
    assert isinstance(value, float)
    assert close(value, want_value), (value, want_value)
    assert len(grads) == len(want_grads)
    for got, want in zip(grads, want_grads):
        assert close(got, want), (grads, want_grads)
    assert close(cf(*numbers), want_value)


def assert_batch_agrees(cf, f, columns):
    """Every sample of a batch call equals the eager engine at that sample."""
    values, grads = cf.value_and_grad(*columns)
    forward = cf(*columns)
    for i in range(len(columns[0])):
        want_value, want_grads = eager(f, [column[i] for column in columns])
        assert close_in_batch(values[i], want_value) and close_in_batch(forward[i], want_value)
        for got, want in zip(grads, want_grads):
            assert close_in_batch(got[i], want), (i, got[i], want)


# -- the issue's example --------------------------------------------------------------------


def issue_f(x, y):
    return (x * y + y.exp()).tanh()


def test_issue_example():
    cf = compile(issue_f)
    assert cf(0.5, 2.0) == issue_f(Value(0.5), Value(2.0)).data
    value, (dx, dy) = cf.value_and_grad(0.5, 2.0)
    x, y = Value(0.5), Value(2.0)
    out = issue_f(x, y)
    out.backward()
    assert (value, dx, dy) == (out.data, x.grad, y.grad)
    values, (dxs, dys) = cf.value_and_grad(np.array([0.5, -1.0, 0.25]), np.array([2.0, 0.5, -3.0]))
    assert values.shape == dxs.shape == dys.shape == (3,)
    assert_batch_agrees(cf, issue_f, [np.array([0.5, -1.0, 0.25]), np.array([2.0, 0.5, -3.0])])


def test_source_reads_as_the_chain_rule():
    cf = compile(issue_f)
    cf(0.5, 2.0)
    source = cf.source
    for line in (
        "def issue_f_forward_backward(x, y, params, seed):",
        "mul1 = x * y",
        "exp2 = exp(y)",
        "out = tanh(add3)",
        "# grad_out is seed  (d out / d out = 1)",
        "grad_add3 = (1.0 - out * out) * seed  # tanh: 1 - out**2",
        "# grad_exp2 is grad_add3  (+: 1)",  # the same number: no line of its own
        "grad_y = (\n        exp2 * grad_add3  # exp: out\n        + x * grad_add3  # *: x\n    )",
        "grad_x = y * grad_add3  # *: y",
    ):
        assert line in source, line
    assert source.index("out = tanh") < source.index("# backward")
    assert "isfinite" not in cf.array_source  # NumPy's error state does the checking there
    assert "grad_" not in cf.forward_source


def test_labels_name_the_variables():
    w = Value(0.5, label="layers.0.w.1")

    def f(x):
        z = w * x
        z.label = "z"
        return z.relu()

    cf = compile(f)
    cf(2.0)
    assert "layers_0_w_1 = params[0].data" in cf.source
    assert "z = layers_0_w_1 * x" in cf.source
    assert "out = z if z > 0.0 else 0.0" in cf.source


def test_source_before_any_call_says_so():
    with pytest.raises(ValueError, match="not been traced"):
        _ = compile(issue_f).source


# -- agreement with the eager engine ----------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(programs(), st.lists(reals(-1.5, 1.5), min_size=4, max_size=4))
def test_random_graphs_agree_with_the_engine_at_new_points(program, other):
    leaves, steps = program
    f = lambda *xs: run(steps, *xs)
    cf = compile(f)
    assert_agrees(cf, f, leaves)  # the point it is traced at
    assert_agrees(cf, f, other[: len(leaves)])  # and another one
    assert cf.traces_made == 1


@settings(max_examples=30, deadline=None)
@given(programs(), st.lists(reals(-1.5, 1.5), min_size=16, max_size=16))
def test_random_graphs_agree_on_batches(program, numbers):
    leaves, steps = program
    f = lambda *xs: run(steps, *xs)
    columns = [np.array([leaves[k], *numbers[4 * k : 4 * k + 3]]) for k in range(len(leaves))]
    assert_batch_agrees(compile(f), f, columns)


@pytest.mark.parametrize("name", sorted(UNARY_CASES))
def test_every_unary_op_agrees(name):
    f, domain = UNARY_CASES[name]
    cf = compile(f)

    @settings(max_examples=15, deadline=None)
    @given(st.lists(domain, min_size=3, max_size=3))
    def check(points):
        for x in points:
            assert_agrees(cf, f, [x])
        assert_batch_agrees(cf, f, [np.array(points)])

    check()


@pytest.mark.parametrize("name", sorted(BINARY_CASES))
def test_every_binary_op_agrees(name):
    f, left, right = BINARY_CASES[name]
    cf = compile(f)

    @settings(max_examples=15, deadline=None)
    @given(st.lists(st.tuples(left, right), min_size=3, max_size=3))
    def check(points):
        for point in points:
            assert_agrees(cf, f, point)
        assert_batch_agrees(cf, f, [np.array([p[0] for p in points]), np.array([p[1] for p in points])])

    check()


@pytest.mark.parametrize("f", [
    lambda x: x**2, lambda x: x**3, lambda x: x**-1, lambda x: x**0.5, lambda x: x**0, lambda x: x**1.5,
    lambda x: 2**x, lambda x: 0.5**x, lambda x: (x * x + 1) ** x,
])
def test_powers_agree(f):
    cf = compile(f)
    points = [0.3, 1.7, 4.0]
    for x in points:
        assert_agrees(cf, f, [x])
    assert_batch_agrees(cf, f, [np.array(points)])


def test_sum_and_dot_agree():
    def f(a, b, c):
        return sum_values([a, b * c, 2.0]) * dot([a, b, c], [c, 1.0, a])

    cf = compile(f)
    assert_agrees(cf, f, [0.5, -1.5, 2.0])
    assert_agrees(cf, f, [1.5, 0.25, -0.75])
    assert_batch_agrees(cf, f, [np.array([0.5, 1.5]), np.array([-1.5, 0.25]), np.array([2.0, -0.75])])


@pytest.mark.parametrize("f", [lambda x: x.relu(), lambda x: abs(x), lambda x: (x * 2).relu() - abs(x * 3)])
def test_kinks_take_the_engines_side(f):
    cf = compile(f)
    points = [0.0, -0.0, 1.5, -1.5]
    for x in points:  # one trace serves both sides of the kink: no guard, no retrace
        assert_agrees(cf, f, [x])
    assert cf.traces_made == 1
    assert_batch_agrees(cf, f, [np.array(points)])


def test_an_unused_argument_gets_gradient_zero():
    cf = compile(lambda x, y: x * 2)
    assert cf.value_and_grad(1.5, 7.0) == (3.0, (2.0, 0.0))
    values, (dx, dy) = cf.value_and_grad(np.array([1.0, 2.0]), 3.0)
    assert list(values) == [2.0, 4.0] and list(dx) == [2.0, 2.0] and list(dy) == [0.0, 0.0]


def test_identity_and_constant_outputs():
    cf = compile(lambda x: x)
    assert cf.value_and_grad(2.5) == (2.5, (1.0,))
    x = np.array([1.0, 2.0])
    values, (dx,) = cf.value_and_grad(x)
    values[0] = 99.0  # a fresh array, not the argument
    assert x[0] == 1.0 and list(dx) == [1.0, 1.0]


# -- ops outside the table ----------------------------------------------------------------------

CUBE = Op("cube", lambda x: x**3, lambda out, x: (3 * x**2,), ("3 x**2",))
SINE = Op("sin", math.sin, lambda out, x: (math.cos(x),), ("cos(x)",))
STEP = Op("softstep", lambda x: x if x > 1 else x * x, lambda out, x: (1.0 if float(x) > 1 else 2 * x,), ())


@pytest.mark.parametrize("op", [CUBE, SINE, STEP], ids=lambda op: op.name)
def test_ops_outside_the_table_compile(op):
    f = lambda x: apply_op(op, x * 1.5) + x
    cf = compile(f)
    for x in (0.3, -0.8, 1.2):
        assert_agrees(cf, f, [x])
    assert_batch_agrees(cf, f, [np.array([0.3, -0.8, 1.2])])
    assert cf.traces_made == 1


def test_an_arithmetic_rule_is_written_out_and_a_branching_one_is_called():
    cube, step = compile(lambda x: apply_op(CUBE, x)), compile(lambda x: apply_op(STEP, x))
    cube(1.0), step(2.0)
    assert "grad_x = 3.0 * x ** 2.0 * seed" in cube.source
    assert "local_out = rule_out(out, x)" in step.source and "forward_out(x)" in step.source


# -- guards: Python control flow on Values ---------------------------------------------------------


def branchy(x):
    return x * 2 if x > 0 else x.exp()


def test_a_comparison_is_guarded_and_the_other_branch_traced():
    cf = compile(branchy)
    assert cf(1.5) == 3.0
    assert cf(-1.0) == math.exp(-1.0)
    assert cf.traces_made == 2
    assert cf(2.0) == 4.0 and cf(-2.0) == math.exp(-2.0)
    assert cf.traces_made == 2  # both traces are cached
    assert cf.value_and_grad(-0.5) == (math.exp(-0.5), (math.exp(-0.5),))
    assert "raise GuardError(0)" in cf.source


def test_guards_on_max_and_reflected_comparisons():
    def f(x, y):
        m = max(x, y)  # compares y > x
        return m * 3 if 0 < m else m  # noqa: SIM300 -- Python asks m > 0 of the Value

    cf = compile(f)
    for point in [(1.0, 2.0), (2.0, 1.0), (-1.0, -3.0), (-3.0, 0.5), (0.5, -3.0)]:
        assert_agrees(cf, f, point)


def test_the_cache_keeps_the_most_recent_traces():
    cf = compile(lambda x: x * 1 if x > 1 else (x * 2 if x > 0 else x * 3), max_traces=2)
    for x in (2.0, 0.5, -1.0, 2.0):
        cf(x)
    assert cf.traces_made == 4  # 2.0's trace had been dropped for -1.0's


def test_a_batch_that_goes_the_other_way_is_traced_again():
    cf = compile(branchy)
    assert list(cf(np.array([1.0, 2.0]))) == [2.0, 4.0]
    assert np.allclose(cf(np.array([-1.0, -2.0])), np.exp([-1.0, -2.0]), rtol=1e-15)
    assert cf.traces_made == 2


def test_a_batch_that_splits_is_refused_naming_the_comparison():
    cf = compile(branchy)
    with pytest.raises(ValueError, match=r"splits at a comparison .*test_compiler.py.*x > 0") as caught:
        cf(np.array([1.0, -2.0, 3.0]))
    assert "[0, 2]" in str(caught.value) and "[1]" in str(caught.value)


def test_a_guard_comes_before_the_ops_of_its_branch():
    cf = compile(lambda x: x.log() if x > 0 else -x)
    assert cf(math.e) == 1.0
    assert cf(-1.0) == 1.0  # not log(-1): the guard sends this call to a new trace first
    assert cf.traces_made == 2


def test_parameters_in_guards_are_read_afresh():
    threshold = Value(0.0)
    cf = compile(lambda x: x if x > threshold else -x)
    assert cf(1.0) == 1.0
    threshold.data = 2.0
    assert cf(1.0) == -1.0


def test_float_of_a_traced_value_is_refused():
    with pytest.raises(TypeError, match=r"float\(\)"):
        compile(lambda x: x * math.exp(x))(1.0)
    assert compile(lambda x: x * float(Value(2.0)))(1.5) == 3.0  # a number f made itself is fine


def test_comparisons_are_restored_after_tracing():
    originals = (Value.__lt__, Value.__gt__, Value.__float__)
    compile(branchy)(1.0)
    assert (Value.__lt__, Value.__gt__, Value.__float__) == originals


def test_tracing_in_one_thread_does_not_record_another_threads_comparisons():
    seen = []
    started, gate = threading.Event(), threading.Event()

    def slow(x):
        started.set()
        gate.wait(5)
        return x * 2

    worker = threading.Thread(target=lambda: seen.append(compile(slow)(1.0)))
    worker.start()
    try:
        assert started.wait(5)
        assert (Value(1.0) < Value(2.0)) is True  # while the worker is tracing
    finally:
        gate.set()
        worker.join()
    assert seen == [2.0]


# -- refusing what the engine refuses -------------------------------------------------------------


def error_of(call):
    try:
        call()
    except Exception as error:
        return type(error), str(error)
    return None


@pytest.mark.parametrize(("f", "x"), [
    (lambda x: x.log(), -1.0),
    (lambda x: x.sqrt(), -1.0),
    (lambda x: 1 / (x - 1), 1.0),
    (lambda x: x**-1, 0.0),
    (lambda x: x ** Value(0.5), -8.0),
    (lambda x: x.exp(), 1000.0),
    (lambda x: x * 1e308 * 10, 1.0),
    (lambda x: (x * 1e308 * 10).tanh(), 1.0),  # an overflow that tanh would hide
    (lambda x: (x * 1e308 * 10).relu() * 0.0, -1.0),
    (lambda x: x.sqrt(), 0.0),  # fine forward; backward divides by 0
    (lambda x: 1 / x, 1e-200),  # fine forward; the gradient overflows
    (lambda x: x * 1e-300 * 1e10, 1e300),  # only the gradient of the constant 1e-300 overflows
])
def test_errors_match_the_engine(f, x):
    want = error_of(lambda: eager(f, [x], names=["x"]))  # compile labels the input with f's argument name
    assert want is not None
    cf = compile(f)
    if error_of(lambda: f(Value(x))) is None:
        cf(x)  # traced: the forward pass is fine here
    assert error_of(lambda: cf.value_and_grad(x)) == want
    assert error_of(lambda: compile(f).value_and_grad(x)) == want  # traced at the bad point itself


def test_a_false_alarm_is_settled_by_the_engine():
    # each value is finite, but the one-line check of both overflows its sum: the engine answers
    f = lambda x: (x * 1.5).tanh() + (x * 1.5).tanh()
    assert compile(f).value_and_grad(1e308) == eager(f, [1e308]) == (2.0, (0.0,))


def test_a_parameter_set_to_infinity_is_refused_in_a_batch_too():
    w = Value(1.0)
    cf = compile(lambda x: (w * x).tanh())
    cf(np.array([1.0, 2.0]))
    w.data = math.inf
    with pytest.raises(OverflowError, match=r"^sample 0: \*: "):
        cf(np.array([1.0, 2.0]))
    with pytest.raises(OverflowError, match=r"^\*: "):
        cf(1.0)


def test_a_batch_error_names_the_op_and_the_first_bad_sample():
    cf = compile(lambda x: (x - 1).log())
    with pytest.raises(ValueError, match=r"^sample 2: log: input must be positive, got -1.0$"):
        cf(np.array([3.0, 2.5, 0.0, -4.0]))
    with pytest.raises(OverflowError, match=r"^sample \(1, 0\): exp"):
        compile(lambda x: x.exp())(np.array([[1.0, 2.0], [800.0, 3.0]]))


def test_bad_arguments_are_refused_like_values():
    cf = compile(issue_f)
    for bad in (math.inf, True, "1"):
        assert error_of(lambda bad=bad: cf(bad, 1.0)) == error_of(lambda bad=bad: Value(bad))
    with pytest.raises(ValueError, match="argument 'y', sample 1"):
        cf(np.array([1.0, 2.0]), np.array([1.0, math.nan]))
    with pytest.raises(TypeError, match="must return a Value"):
        compile(lambda x: 3.0)(1.0)


# -- parameters: read afresh, gradients added like backward() ----------------------------------------


def test_closed_over_parameters_are_read_afresh_and_accumulate():
    w, b = Value(0.5, label="w"), Value(-1.0, label="b")

    def f(x):
        return (w * x + b).tanh()

    cf = compile(f)
    eager_w, eager_b = Value(0.5), Value(-1.0)
    for x in (1.0, 2.0, -3.0):
        cf.backward(x)
        (eager_w * x + eager_b).tanh().backward()
        assert close(w.grad, eager_w.grad) and close(b.grad, eager_b.grad)
        w.data -= 0.1 * w.grad  # an optimizer step between calls
        eager_w.data -= 0.1 * eager_w.grad
    assert close(cf(1.0), (eager_w * 1.0 + eager_b).tanh().data)


def test_batch_backward_adds_the_sum_over_the_batch():
    w = Value(0.5)
    cf = compile(lambda x, t: (w * x - t) ** 2)
    xs, ts = np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, -1.0])
    values = cf.backward(xs, ts)
    want = sum(2 * (0.5 * x - t) * x for x, t in zip(xs, ts))
    assert close(w.grad, want) and values.shape == (3,)


def test_a_node_computed_before_the_call_is_treated_as_the_engine_does():
    w = Value(2.0)
    h = w * 3  # made outside f: backward goes on into w, and h.grad is set, not added to
    cf = compile(lambda x: h * x)
    cf.backward(5.0)
    cf.backward(5.0)
    assert h.grad == 5.0 and w.grad == 30.0


def test_mlp_gradients_match_the_engine():
    from nn import MLP, mse_loss

    model = MLP(2, [4, 4, 1], seed=0)
    points, targets = [[0.5, -1.0], [1.5, 0.25], [-0.5, 0.75]], [1.0, -1.0, 0.5]
    eager_loss = mse_loss([model(p) for p in points], targets)
    eager_loss.backward()
    want = [p.grad for p in model.parameters()]
    model.zero_grad()
    cf = compile(lambda: mse_loss([model(p) for p in points], targets))
    assert close(cf.backward(), eager_loss.data)
    assert all(close(p.grad, g) for p, g in zip(model.parameters(), want))
    model.zero_grad()  # the same loss as a batch of one-sample losses, summed
    batch = compile(lambda x1, x2, t: mse_loss(model([x1, x2]), t) / len(points))
    batch.backward(*(np.array(column) for column in zip(*points)), np.array(targets))
    assert all(abs(p.grad - g) <= 1e-12 * max(1.0, abs(g)) for p, g in zip(model.parameters(), want))


def test_gradients_inside_f_compile_for_smooth_functions():
    def slope(x):
        (d,) = gradients((x * x).tanh() * x.exp(), [x], create_graph=True)
        return d

    cf = compile(slope)
    for x in (0.7, -0.3):
        assert_agrees(cf, slope, [x])


def test_exposed_as_autograd_compile():
    import autograd

    if not hasattr(autograd, "compile"):
        pytest.skip("autograd/__init__.py does not import autograd.compiler.compile yet")
    assert autograd.compile is compile


# -- large programs -------------------------------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(programs(), st.lists(reals(-1.5, 1.5), min_size=4, max_size=4))
def test_programs_cut_into_parts_still_agree(program, other):
    leaves, steps = program
    f = lambda *xs: run(steps, *xs)
    saved, codegen.CHUNK_LINES = codegen.CHUNK_LINES, 3  # parts of three lines: every value crosses
    try:
        cf = compile(f)
        assert_agrees(cf, f, other[: len(leaves)])
        assert_batch_agrees(cf, f, [np.array([leaves[k], other[k]]) for k in range(len(leaves))])
    finally:
        codegen.CHUNK_LINES = saved


def test_guards_work_in_parts():
    def f(x, y):
        z = (x * y).tanh() + x
        return (z * y).exp() - x if z > 0 else (z - y) * (z + x)

    saved, codegen.CHUNK_LINES = codegen.CHUNK_LINES, 2
    try:
        cf = compile(f)
        for point in [(0.5, 1.5), (-0.5, 1.5), (0.25, -2.0), (-1.0, -0.5)]:
            assert_agrees(cf, f, point)
        assert "def part3(" in cf.source and cf.traces_made == 2
    finally:
        codegen.CHUNK_LINES = saved


def test_a_long_chain_compiles_in_parts():
    def chain(x):
        for _ in range(2000):
            x = (x * 0.9 + 0.1).tanh()
        return x

    saved, codegen.CHUNK_LINES = codegen.CHUNK_LINES, 1000
    try:
        cf = compile(chain)
        assert_agrees(cf, chain, [0.3])
        assert "def part2(" in cf.source
    finally:
        codegen.CHUNK_LINES = saved


def test_compile_rejects_bad_arguments():
    with pytest.raises(TypeError):
        compile(3)
    with pytest.raises(ValueError):
        compile(issue_f, max_traces=0)
    assert isinstance(compile(issue_f), CompiledFunction)


def _checked(source: str) -> list[str]:
    """The values the code checks for overflow, in order: ``if not isfinite(sum((a, b)))`` gives a, b."""
    values = []
    for line in source.splitlines():
        if "if not isfinite(" in line:
            inside = line.split("if not isfinite(", 1)[1].rsplit("):", 1)[0]
            values.extend(inside[5:-2].split(", ") if inside.startswith("sum((") else [inside])
    return values


def test_only_values_that_could_hide_an_overflow_are_checked():
    """In the chain y = tanh(0.9 y + 0.1), only the first step can overflow (tanh is at most 1):
    one forward check; in backward the leaf's gradient and the first constant's contribution
    (y times upstream, y unbounded); no other constant (0.9 times a gradient through tanh)."""

    def chain(y):
        for _ in range(6):
            y = (y * 0.9 + 0.1).tanh()
        return y

    compiled = compile(chain)
    compiled.value_and_grad(0.3)
    assert _checked(compiled.forward_source) == ["add2"]
    assert _checked(compiled.source) == ["add2", "y * grad_add2", "grad_y"]


def test_an_output_that_can_overflow_is_checked():
    """x * y can overflow, and nothing after it would notice: the engine refuses it, so must the code."""
    compiled = compile(lambda x, y: x * y)
    assert compiled(2.0, 3.0) == 6.0
    assert _checked(compiled.forward_source) == ["out"]
    with pytest.raises(OverflowError):
        compiled(1e200, 1e200)


def test_a_constant_times_a_value_above_one_is_checked():
    """0.5's contribution is 1.5 tanh(y) times upstream: a value up to 1.5 can overflow a
    large upstream gradient, so it is checked; with 1.0 in place of 1.5 it is not."""

    def scaled(scale):
        return lambda y: (y.tanh() * scale) * 0.5 * 1e300

    counts = []
    for scale in (1.5, 1.0):
        compiled = compile(scaled(scale))
        compiled.value_and_grad(0.3)
        counts.append(len(_checked(compiled.source)))
    assert counts[0] == counts[1] + 1


def test_the_source_says_where_a_guard_comes_from_and_writes_kinks_inline():
    """A guard names the comparison f made; relu's branching rule is written as code (a
    conditional), not called at run time."""
    cf = compile(lambda x: (x * 2 if x > 0 else x.exp()).relu())
    cf.value_and_grad(1.5)
    assert "  # f compared, at " in cf.source
    assert "rule_" not in cf.source and "if relu" not in cf.source
    assert "seed if mul1 > 0.0 else 0.0 * seed" in cf.source


def test_many_watched_values_are_checked_in_one_line():
    cf = compile(lambda x, y: (x * y).tanh() + (x / y).tanh() + (x - y).exp().tanh())
    cf(0.5, 2.0)
    assert cf.forward_source.count("if not isfinite(") == 1
    assert len(_checked(cf.forward_source)) >= 3


def test_a_constant_times_the_seed_needs_no_check_and_small_bounds_none():
    """x * 2.0: the constant's gradient is x times the seed 1, finite since x is; and a
    constant times a value at most 0.5 in size needs no check either."""
    cf = compile(lambda x: x * 2.0)
    cf.value_and_grad(3.0)
    assert _checked(cf.source) == ["out", "grad_x"]
    small = compile(lambda y: (y.tanh() * 0.5) * 0.7 * 1e300)
    one = compile(lambda y: (y.tanh() * 1.0) * 0.7 * 1e300)
    small.value_and_grad(0.3), one.value_and_grad(0.3)
    assert len(_checked(small.source)) == len(_checked(one.source))


def test_a_gradient_of_more_terms_than_one_statement_holds():
    """x has 40 users, so d f / d x is summed in two statements of at most 32 terms.
    d/dx sum_k tanh(k x) = sum_k k (1 - tanh(k x)**2)."""
    cf = compile(lambda x: sum_values([(x * float(k)).tanh() for k in range(1, 41)]))
    _, (slope,) = cf.value_and_grad(0.01)
    want = math.fsum(k * (1 - math.tanh(k * 0.01) ** 2) for k in range(1, 41))
    assert math.isclose(slope, want, rel_tol=1e-12)


def test_every_leafs_gradient_is_checked_however_many_leaves():
    """300 arguments: their gradients are checked in groups of 250. Only the last 50 overflow
    (1e300 * 1e10), while the value stays small: the engine refuses that, so must the code."""
    n = 300

    def f(*xs):
        return 1e300 * sum_values([x * (1e10 if i >= 250 else 1.0) for i, x in enumerate(xs)])

    cf = compile(f)
    assert cf(*([1e-320] * n)) == f(*[Value(1e-320) for _ in range(n)]).data
    with pytest.raises(OverflowError):
        cf.value_and_grad(*([1e-320] * n))


def test_a_constant_used_three_times_has_its_gradient_summed_and_checked():
    """One constant Value used by three ops: d out / d c = x + x + x. At x = 1e308 each term
    is finite but their sum is not; the engine refuses that, so must the compiled code."""
    from autograd.ops import CONSTANT
    from autograd.value import new_node

    def f(x):
        c = new_node(1e-300, CONSTANT, ())
        return x * c + x * c + x * c

    compiled = compile(f)
    assert compiled(1.0) == f(Value(1.0)).data
    assert "grad_const1" in compiled.source
    with pytest.raises(OverflowError):
        f(Value(1e308)).backward()
    with pytest.raises(OverflowError):
        compiled.value_and_grad(1e308)
