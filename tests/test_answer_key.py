"""The hand-derived figures of the seed homework (its answer key, restated in each test), by autograd."""

from __future__ import annotations

import pytest

from autograd import Value

TOL = 1e-12  # the answer key prints 16-17 significant digits; float64 agrees to ~1e-16


def homework_chain():
    t, x = 1.0, Value(3.0, label="x")
    w1, w2, b = Value(0.01, label="w1"), Value(-5.0, label="w2"), Value(-1.0, label="b")
    z1 = w1 * x
    a1 = z1.relu()
    z2 = w2 * a1 + b
    y = z2.sigmoid()
    cost = (y - t) ** 2 / 2
    return cost, y, w1, w2, b


def test_backprop_chain_figures():
    cost, y, w1, w2, b = homework_chain()
    cost.backward()
    assert y.data == pytest.approx(0.24048908305088898, abs=TOL)
    assert cost.data == pytest.approx(0.28842841648243966, abs=TOL)
    assert b.grad == pytest.approx(-0.13872777081136367, abs=TOL)
    assert w2.grad == pytest.approx(-0.00416183312434091, abs=TOL)
    assert w1.grad == pytest.approx(2.0809165621704553, abs=TOL)


@pytest.mark.parametrize(
    ("x", "expected"),
    [(-2.0, 0.10499359), (0.0, 0.25), (1.0, 0.19661193), (4.0, 0.01766271)],
)
def test_sigmoid_derivative(x, expected):
    v = Value(x)
    v.sigmoid().backward()
    assert v.grad == pytest.approx(expected, abs=5e-9)  # the key prints 8 decimals
    # and to full precision against the closed form s(1 - s)
    import math

    s = 1 / (1 + math.exp(-x))
    assert v.grad == pytest.approx(s * (1 - s), abs=TOL)
