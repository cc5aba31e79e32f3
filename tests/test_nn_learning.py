"""Networks really learn: XOR, two moons and the 8-3-8 autoencoder, from seeded random starts."""

from __future__ import annotations

from autograd import no_grad
from nn import MLP, Adam, binary_cross_entropy, fit, hinge_loss, make_moons, mse_loss, one_hot_codes, xor


def test_xor_as_in_the_issue(tmp_path):
    X, Y = xor()
    model = MLP(2, [4, 4, 1], activation="tanh", seed=0)
    opt = Adam(model.parameters(), lr=0.05)
    for _ in range(200):
        loss = mse_loss([model(x) for x in X], Y)
        model.zero_grad()
        loss.backward()
        opt.step()
    outputs = [model(x).data for x in X]
    assert all(abs(out - target) < 0.05 for out, target in zip(outputs, Y)), outputs
    model.save(tmp_path / "xor.json")
    again = MLP.load(tmp_path / "xor.json")
    assert [again(x).data for x in X] == outputs


def test_two_moons_reach_97_percent():
    X, labels = make_moons(100, noise=0.1, seed=0)
    signs = [2 * label - 1 for label in labels]  # hinge loss wants -1 / +1
    model = MLP(2, [16, 1], activation="tanh", seed=0)
    fit(model, X, signs, loss=hinge_loss, optimizer=Adam(model.parameters(), lr=0.1), epochs=60)
    with no_grad():
        correct = sum((model(x).data > 0) == (label == 1) for x, label in zip(X, labels))
    assert correct / len(X) >= 0.97


def test_the_8_3_8_autoencoder_reproduces_every_code():
    codes = one_hot_codes(8)
    model = MLP(8, [3, 8], activation="sigmoid", output_activation="sigmoid", seed=0)
    history = fit(model, codes, codes, loss=binary_cross_entropy,
                  optimizer=Adam(model.parameters(), lr=0.1), epochs=400)
    with no_grad():
        for code in codes:
            assert [round(out.data) for out in model(code)] == code  # all 8 entries on the right side of 0.5
    assert history.accuracy[-1] == 1.0
