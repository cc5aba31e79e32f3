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
