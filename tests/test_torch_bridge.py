"""autograd.torch_bridge.to_torch: a Value function replayed with PyTorch ops, gradients compared.

Tolerance 1e-12, relative or absolute: both sides evaluate the same graph in float64, and
PyTorch's exp, tanh, sigmoid and log differ from Python's math by an ulp or so; over the
ten steps of a random program that stays far below 1e-12, while a wrong op, constant or
branch changes results in the first decimals.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings

from autograd import Value, apply_op, dot, gradients, no_grad, sum_values, torch_bridge
from autograd.ops import Op
from autograd.torch_bridge import Step, to_torch, trace
from tests.strategies import BINARY_CASES, UNARY_CASES, programs, run

TOLERANCE = {"rel": 1e-12, "abs": 1e-12}


@pytest.fixture
def torch() -> Any:
    return pytest.importorskip("torch")


def chaingrad_value_and_gradient(f: Any, numbers: list[float]) -> tuple[float, list[float]]:
    leaves = [Value(x) for x in numbers]
    out = f(*leaves)
    return out.data, list(gradients(out, leaves))


def torch_value_and_gradient(torch: Any, f: Any, numbers: list[float]) -> tuple[float, list[float]]:
    xs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in numbers]
    out = to_torch(f)(*xs)
    grads = torch.autograd.grad(out, xs, allow_unused=True, materialize_grads=True)
    return out.item(), [g.item() for g in grads]


# -- the gradients agree with chaingrad's ------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(programs())
def test_random_programs_have_chaingrad_gradients_under_torch_autograd(program):
    torch = pytest.importorskip("torch")
    leaves, steps = program
    f = lambda *xs: run(steps, *xs)
    value, grads = chaingrad_value_and_gradient(f, leaves)
    torch_value, torch_grads = torch_value_and_gradient(torch, f, leaves)
    assert torch_value == pytest.approx(value, **TOLERANCE)
    assert torch_grads == pytest.approx(grads, **TOLERANCE)


@settings(max_examples=20, deadline=None)
@given(programs())
def test_random_programs_on_a_batch_agree_element_by_element(program):
    torch = pytest.importorskip("torch")
    leaves, steps = program
    f = lambda *xs: run(steps, *xs)
    points = [leaves, [0.5 * x for x in leaves], [-x for x in leaves]]  # still in the programs' range
    columns = [torch.tensor(column, dtype=torch.float64, requires_grad=True) for column in zip(*points)]
    out = to_torch(f)(*columns)
    assert out.shape == (len(points),)
    grads = torch.autograd.grad(out.sum(), columns, allow_unused=True, materialize_grads=True)
    for k, point in enumerate(points):
        value, expected = chaingrad_value_and_gradient(f, point)
        assert out[k].item() == pytest.approx(value, **TOLERANCE)
        assert [g[k].item() for g in grads] == pytest.approx(expected, **TOLERANCE)


@pytest.mark.parametrize("name", sorted(UNARY_CASES))
def test_every_unary_op_replays_with_its_torch_twin(torch, name: str):
    f, domain = UNARY_CASES[name]

    @settings(max_examples=15, deadline=None)
    @given(domain)
    def check(x: float) -> None:
        ours = chaingrad_value_and_gradient(f, [x])
        theirs = torch_value_and_gradient(torch, f, [x])
        assert theirs[0] == pytest.approx(ours[0], **TOLERANCE)
        assert theirs[1] == pytest.approx(ours[1], **TOLERANCE)

    check()


@pytest.mark.parametrize("name", sorted(BINARY_CASES))
def test_every_binary_op_replays_with_its_torch_twin(torch, name: str):
    f, left, right = BINARY_CASES[name]

    @settings(max_examples=15, deadline=None)
    @given(left, right)
    def check(x: float, y: float) -> None:
        ours = chaingrad_value_and_gradient(f, [x, y])
        theirs = torch_value_and_gradient(torch, f, [x, y])
        assert theirs[0] == pytest.approx(ours[0], **TOLERANCE)
        assert theirs[1] == pytest.approx(ours[1], **TOLERANCE)

    check()


def every_other_kind_of_node(x: Value, y: Value, z: Value) -> Value:
    """sum, dot, a number exponent and base, number constants, a Value made inside, reuse."""
    h = (x * y + 1).tanh()
    s = sum_values([h, x * x, 2**z, 3])
    d = dot([h, y.sigmoid()], [s, 0.5])
    return (d / (1 + z * z)) ** 3 + x ** (1 / 3) - abs(h).log() + s.exp() * Value(0.25)


def test_sum_dot_and_fixed_powers_replay_with_torch(torch):
    ours = chaingrad_value_and_gradient(every_other_kind_of_node, [0.7, -1.2, 0.4])
    theirs = torch_value_and_gradient(torch, every_other_kind_of_node, [0.7, -1.2, 0.4])
    assert theirs[0] == pytest.approx(ours[0], **TOLERANCE)
    assert theirs[1] == pytest.approx(ours[1], **TOLERANCE)


def test_a_fixed_exponent_is_read_exactly_not_from_its_six_digit_name():
    program = trace(lambda x: x ** (1 / 3), [2.0])
    assert program[-1] == Step("x**n", (0,), number=1 / 3)  # the op's name says only "**0.333333"
    assert trace(lambda x: 0.1**x, [2.0])[-1] == Step("c**x", (0,), number=0.1)


# -- element by element ------------------------------------------------------------------------


def test_a_function_that_branches_gets_each_elements_own_graph(torch):
    def folded(x: Value) -> Value:
        return x * x if x > 0 else -3 * x  # a different graph on each side of 0

    xs = torch.tensor([[0.5, -2.0], [1.5, -0.25]], dtype=torch.float64, requires_grad=True)
    out = to_torch(folded)(xs)
    assert out.tolist() == [[0.25, 6.0], [2.25, 0.75]]
    out.sum().backward()
    assert xs.grad.tolist() == [[1.0, -3.0], [3.0, -3.0]]  # 2x on the right, -3 on the left


def test_arguments_broadcast_and_the_result_keeps_their_shape(torch):
    f = to_torch(lambda x, y: x * y + 1)
    assert f(torch.ones(2, 3, dtype=torch.float64), torch.tensor(2.0, dtype=torch.float64)).shape == (2, 3)
    assert f(torch.tensor(2.0, dtype=torch.float64), 3.0).shape == ()  # a number becomes a float64 tensor
    assert f(torch.ones(0, dtype=torch.float64), 1.0).shape == (0,)


def test_leaves_that_are_not_arguments_are_constants(torch):
    w = Value(1.5)  # a weight from outside f: fixed, as in chaingrad (gradients() of x only)
    x = torch.tensor([2.0, -1.0], dtype=torch.float64, requires_grad=True)
    out = to_torch(lambda x: (x * w).tanh() + Value(x.data))(x)  # Value(x.data) cuts the graph
    out.sum().backward()
    assert x.grad.tolist() == pytest.approx([1.5 * (1 - math.tanh(1.5 * v) ** 2) for v in (2.0, -1.0)],
                                            **TOLERANCE)


def test_the_graph_is_traced_even_inside_no_grad(torch):
    x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    with no_grad():
        out = to_torch(lambda x: x * x)(x)
    out.backward()
    assert x.grad.item() == 1.0


def test_a_constant_function_gives_a_constant_of_the_arguments_shape(torch):
    out = to_torch(lambda x: Value(2.0) * 3)(torch.zeros(3, dtype=torch.float64))
    assert out.tolist() == [6.0, 6.0, 6.0]


# -- errors ----------------------------------------------------------------------------------------


def test_an_op_without_a_torch_twin_is_named(torch):
    cube = Op("cube", lambda x: x**3, lambda out, x: (3 * x**2,), ("3 x**2",))
    with pytest.raises(ValueError, match="the op 'cube' has no PyTorch twin"):
        to_torch(lambda x: apply_op(cube, x))(torch.tensor(1.0, dtype=torch.float64))


def test_an_op_only_named_like_a_library_op_is_not_replayed_as_it(torch):
    fake_tanh = Op("tanh", lambda x: 2 * x, lambda out, x: (2.0,), ("2",))  # not the table's tanh
    fake_square = Op("**2", lambda x: x**3, lambda out, x: (3 * x**2,), ("3 x**2",))  # slope 3 at 1: not x**2
    for op in (fake_tanh, fake_square):
        with pytest.raises(ValueError, match=re.escape(f"the op {op.name!r} has no PyTorch twin")):
            to_torch(lambda x, op=op: apply_op(op, x))(torch.tensor(1.0, dtype=torch.float64))


@pytest.mark.parametrize("f, arguments, error, message", [
    (lambda x: 1.0, (0.5,), TypeError, "f must return a Value computed from its arguments, got float"),
    (lambda x: x, ("0.5",), TypeError, "argument 0 must be a floating-point tensor"),
    (lambda x: x, (), TypeError, "needs at least one argument"),
])
def test_bad_calls_say_what_is_wrong(torch, f, arguments, error, message: str):
    with pytest.raises(error, match=re.escape(message)):
        to_torch(f)(*arguments)


def test_bad_tensors_say_what_is_wrong(torch):
    f = to_torch(lambda x, y: x + y)
    message = ("argument 1 must be a floating-point tensor (float64 to compare with chaingrad) or a number, "
               "got a torch.int64 tensor")
    with pytest.raises(TypeError, match=re.escape(message)):
        f(torch.ones(2, dtype=torch.float64), torch.ones(2, dtype=torch.int64))
    with pytest.raises(ValueError, match="argument 0 holds NaN or infinity"):
        f(torch.tensor([1.0, math.nan], dtype=torch.float64), 1.0)
    with pytest.raises(ValueError, match=re.escape("the arguments' shapes (2,), (3,) do not broadcast")):
        f(torch.ones(2, dtype=torch.float64), torch.ones(3, dtype=torch.float64))


def test_to_torch_needs_a_function():
    with pytest.raises(TypeError, match="to_torch needs a function of Values, got float"):
        to_torch(1.5)


def test_a_domain_error_is_chaingrads_own(torch):
    with pytest.raises(ValueError, match=re.escape("log: input must be positive, got -1.0")):
        to_torch(lambda x: x.log())(torch.tensor([1.0, -1.0], dtype=torch.float64))


def test_the_comparison_catches_a_replay_with_a_wrong_op(torch, monkeypatch):
    """The checks above can fail: a bridge that replayed tanh as sigmoid does not pass them."""
    twins = torch_bridge.torch_twins

    def tanh_as_sigmoid(torch: Any) -> dict[str, Any]:
        return {**twins(torch), "tanh": torch.sigmoid}

    monkeypatch.setattr(torch_bridge, "torch_twins", tanh_as_sigmoid)
    f = lambda x: (x * 2).tanh()
    ours, theirs = chaingrad_value_and_gradient(f, [0.3]), torch_value_and_gradient(torch, f, [0.3])
    assert theirs[0] != pytest.approx(ours[0], **TOLERANCE)
    assert theirs[1] != pytest.approx(ours[1], **TOLERANCE)


# -- without PyTorch ------------------------------------------------------------------------------


def test_without_torch_the_call_says_what_to_install():
    code = (
        "import sys; sys.modules['torch'] = None  # as if PyTorch were not installed\n"
        "from autograd.torch_bridge import to_torch  # importing needs no torch\n"
        "f = to_torch(lambda x: x * x)  # nor does making the function\n"
        "try:\n"
        "    f(1.0)\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    message = "autograd.to_torch needs PyTorch: pip install 'chaingrad[torch]'\n"
    assert (done.returncode, done.stdout) == (0, message), done.stderr


def test_the_engine_core_does_not_import_the_bridge():
    code = "import sys, autograd, nn\nprint('autograd.torch_bridge' in sys.modules, 'torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, "False False\n"), done.stderr
