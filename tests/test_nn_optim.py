"""SGD and Adam: each update checked against the rule worked out by hand."""

from __future__ import annotations

import math

import pytest

from autograd import Value
from nn import MLP, SGD, Adam, mse_loss

TOL = 1e-15  # a few float64 operations on numbers of order 1


def parameter(data: float, grad: float, label: str = "p") -> Value:
    p = Value(data, label=label)
    p.grad = grad
    return p


def test_sgd_step():
    p = parameter(1.0, 0.5)
    SGD([p], lr=0.1).step()
    assert p.data == pytest.approx(1.0 - 0.1 * 0.5, abs=TOL)  # 0.95
    assert p.grad == 0.5  # step leaves the gradient alone


def test_sgd_momentum_over_two_steps():
    p = parameter(1.0, 0.5)
    optimizer = SGD([p], lr=0.1, momentum=0.9)
    optimizer.step()  # velocity b = 0.5;  p = 1 - 0.05 = 0.95
    assert p.data == pytest.approx(0.95, abs=TOL)
    p.grad = -0.25
    optimizer.step()  # b = 0.9 * 0.5 - 0.25 = 0.2;  p = 0.95 - 0.02 = 0.93
    assert p.data == pytest.approx(0.93, abs=TOL)


def test_sgd_weight_decay():
    p = parameter(2.0, 0.5)
    SGD([p], lr=0.1, weight_decay=0.01).step()  # g = 0.5 + 0.01 * 2 = 0.52;  p = 2 - 0.052
    assert p.data == pytest.approx(1.948, abs=TOL)


def test_adam_over_two_steps():
    p = parameter(1.0, 0.5)
    optimizer = Adam([p], lr=0.1)
    # step 1: m = 0.1 * 0.5 = 0.05, v = 0.001 * 0.25 = 0.00025; bias-corrected m_hat = 0.5,
    # v_hat = 0.25, so p = 1 - 0.1 * 0.5 / (0.5 + 1e-8): a step of lr in the gradient's direction
    optimizer.step()
    assert p.data == pytest.approx(1.0 - 0.05 / (0.5 + 1e-8), abs=TOL)
    after_first = p.data
    p.grad = -0.25
    # step 2: m = 0.9 * 0.05 + 0.1 * -0.25 = 0.02,  v = 0.999 * 0.00025 + 0.001 * 0.0625 = 0.00031225
    # m_hat = 0.02 / (1 - 0.81) = 0.02 / 0.19,  v_hat = 0.00031225 / (1 - 0.998001) = 0.00031225 / 0.001999
    optimizer.step()
    m_hat, v_hat = 0.02 / 0.19, 0.00031225 / 0.001999
    assert p.data == pytest.approx(after_first - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8), abs=1e-14)


def test_adam_weight_decay_adds_to_the_gradient():
    p = parameter(2.0, 0.0)
    Adam([p], lr=0.1, weight_decay=0.5).step()  # g = 0 + 0.5 * 2 = 1: one step of -lr
    assert p.data == pytest.approx(2.0 - 0.1 * 1 / (1 + 1e-8), abs=TOL)


def test_zero_grad_and_a_training_step_lowers_the_loss():
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    X, Y = [[0.5, -0.2], [-1.0, 0.3]], [0.7, -0.4]
    for optimizer in (SGD(model.parameters(), lr=0.1, momentum=0.5), Adam(model.parameters(), lr=0.01)):
        before = mse_loss([model(x) for x in X], Y)
        optimizer.zero_grad()
        assert all(p.grad == 0.0 for p in model.parameters())
        before.backward()
        optimizer.step()
        assert mse_loss([model(x) for x in X], Y).data < before.data


def test_a_non_finite_gradient_is_refused_and_nothing_moves():
    a, b = parameter(1.0, 0.5, "a"), parameter(2.0, float("nan"), "b")
    for optimizer in (SGD([a, b], lr=0.1), Adam([a, b])):
        with pytest.raises(ValueError, match="b has gradient nan"):
            optimizer.step()
        assert (a.data, b.data) == (1.0, 2.0)


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda p: SGD([], lr=0.1), ValueError, "no parameters"),
        (lambda p: SGD(p, lr=0.1), TypeError, "iterable of Values"),
        (lambda p: SGD([p, 1.0], lr=0.1), TypeError, r"parameters\[1\] must be a Value"),
        (lambda p: SGD([p, p], lr=0.1), ValueError, "appears more than once"),
        (lambda p: SGD([p], lr=0.0), ValueError, "lr must be positive"),
        (lambda p: SGD([p], lr="fast"), TypeError, "lr must be a real number"),
        (lambda p: SGD([p], momentum=1.0), ValueError, r"momentum must be in \[0, 1\)"),
        (lambda p: SGD([p], weight_decay=-0.1), ValueError, "weight_decay must be >= 0"),
        (lambda p: Adam([p], betas=(0.9,)), TypeError, "betas must be a pair"),
        (lambda p: Adam([p], betas=(0.9, 1.0)), ValueError, r"betas\[1\] must be in \[0, 1\)"),
        (lambda p: Adam([p], eps=0.0), ValueError, "eps must be positive"),
        (lambda p: Adam([p], lr=float("inf")), ValueError, "lr must be finite"),
    ],
)
def test_bad_settings_are_refused_clearly(build, error, message):
    with pytest.raises(error, match=message):
        build(parameter(1.0, 0.0))


# -- state dicts -------------------------------------------------------------------------


def stepped(optimizer: SGD | Adam, grads: list[float]) -> SGD | Adam:
    for p, g in zip(optimizer.parameters, grads):
        p.grad = g
    optimizer.step()
    return optimizer


def test_sgd_state_dict_holds_settings_and_velocities():
    optimizer = stepped(SGD([parameter(1.0, 0.0), parameter(2.0, 0.0)], lr=0.1, momentum=0.9), [0.5, -0.25])
    expected = {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.0, "velocity": [0.5, -0.25]}
    assert optimizer.state_dict() == expected


def test_adam_state_dict_holds_settings_step_count_and_moments():
    optimizer = stepped(Adam([parameter(1.0, 0.0)], lr=0.1, betas=(0.8, 0.9)), [0.5])
    # after one step: m = (1 - 0.8) * 0.5 = 0.1, v = (1 - 0.9) * 0.25 = 0.025 (to a rounding or two)
    state = optimizer.state_dict()
    assert state["m"] == pytest.approx([0.1], abs=TOL) and state["v"] == pytest.approx([0.025], abs=TOL)
    assert {k: state[k] for k in ("lr", "betas", "eps", "weight_decay", "t")} == {
        "lr": 0.1, "betas": [0.8, 0.9], "eps": 1e-8, "weight_decay": 0.0, "t": 1
    }


@pytest.mark.parametrize("build", [lambda ps: SGD(ps, lr=0.1, momentum=0.5), lambda ps: Adam(ps, lr=0.1)],
                         ids=["SGD", "Adam"])
def test_loading_a_state_dict_makes_the_next_step_identical(build):
    grads = [[0.5, -0.25], [0.125, 0.75], [-0.5, 0.5]]
    first = build([parameter(1.0, 0.0), parameter(2.0, 0.0)])
    for g in grads[:2]:
        stepped(first, g)
    second = build([parameter(p.data, 0.0) for p in first.parameters])
    second.load_state_dict(first.state_dict())
    stepped(first, grads[2])
    stepped(second, grads[2])
    assert [p.data for p in second.parameters] == [p.data for p in first.parameters]  # exactly


def test_a_state_dict_is_a_copy():
    optimizer = stepped(Adam([parameter(1.0, 0.0)]), [0.5])
    state = optimizer.state_dict()
    state["m"][0] = 99.0
    assert optimizer.m[0] != 99.0
    fresh = Adam([parameter(1.0, 0.0)])
    fresh.load_state_dict(state)
    state["m"][0] = -1.0
    assert fresh.m == [99.0]


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (lambda s: s.update(m=[0.1]), ValueError, "Adam state m has 1 entries but this optimizer updates 2"),
        (lambda s: s.update(v=[0.1, -0.1]), ValueError, r"Adam state v\[1\] must be >= 0"),
        (lambda s: s.update(v=[0.1, float("nan")]), ValueError, r"Adam state v\[1\] must be finite"),
        (lambda s: s.update(m=[0.1, 10**400]), ValueError, r"Adam state m\[1\] is out of range"),
        (lambda s: s.update(t=True), TypeError, "Adam state t must be an int, got bool"),
        (lambda s: s.update(lr=0), ValueError, "Adam state lr must be positive"),
        (lambda s: s.update(betas=[0.9]), TypeError, "Adam state betas must be a pair"),
        (lambda s: s.pop("v"), ValueError, "Adam state is missing 'v'"),
    ],
)
def test_a_bad_state_dict_is_refused_and_changes_nothing(change, error, message):
    optimizer = stepped(Adam([parameter(1.0, 0.0), parameter(2.0, 0.0)]), [0.5, 0.25])
    before = optimizer.state_dict()
    state = optimizer.state_dict()
    state.update(m=[7.0, 7.0], t=7, lr=0.7)  # good changes that must not be applied either
    change(state)
    with pytest.raises(error, match=message):
        optimizer.load_state_dict(state)
    assert optimizer.state_dict() == before


def test_an_sgd_state_dict_with_the_wrong_parameter_count_changes_nothing():
    optimizer = SGD([parameter(1.0, 0.0)], lr=0.1, momentum=0.5)
    state = {"lr": 0.5, "momentum": 0.0, "weight_decay": 0.0, "velocity": [1.0, 2.0, 3.0]}
    with pytest.raises(ValueError, match="SGD state velocity has 3 entries but this optimizer updates 1 "):
        optimizer.load_state_dict(state)
    assert optimizer.state_dict() == {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.0, "velocity": [0.0]}
