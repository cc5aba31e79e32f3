"""fit(): the history it returns, its progress display, the accuracy rule, and its checks."""

from __future__ import annotations

import sys

import pytest

from autograd import Value
from nn import MLP, SGD, Adam, accuracy, cross_entropy, fit, make_moons, mse_loss, xor


def small_run(**options):
    X, Y = xor()
    model = MLP(2, [4, 1], activation="tanh", seed=1)
    return fit(model, X, Y, optimizer=Adam(model.parameters(), lr=0.05), **options)


def test_history_has_one_loss_and_accuracy_per_epoch():
    history = small_run(epochs=30)
    assert len(history.loss) == len(history.accuracy) == 30
    assert history.loss[-1] < history.loss[0]
    assert all(0.0 <= a <= 1.0 for a in history.accuracy)


def test_the_default_optimizer_is_adam_and_trains():
    X, Y = xor()
    model = MLP(2, [4, 1], activation="tanh", seed=1)
    history = fit(model, X, Y, epochs=20)
    assert history.loss[-1] < history.loss[0]


def test_metric_none_records_no_accuracy():
    assert small_run(epochs=3, metric=None).accuracy == []


def test_progress_bar_shows_loss_and_accuracy(capsys):
    small_run(epochs=5, progress=True)
    shown = capsys.readouterr().err  # tqdm draws on stderr
    assert "loss=" in shown and "accuracy=" in shown and "5/5" in shown


def test_progress_without_tqdm_prints_lines(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # makes `import tqdm.auto` fail
    small_run(epochs=20, progress=True)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10 and lines[-1].startswith("epoch 20/20: loss=")


@pytest.mark.parametrize(
    ("predictions", "targets", "expected"),
    [
        ([0.2, 0.7, 0.4, 0.9], [0.0, 1.0, 1.0, 1.0], 0.75),  # targets 0/1: threshold 0.5
        ([Value(-0.1), Value(0.3)], [-1, 1], 1.0),  # targets -1/+1: threshold 0
        ([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]], [1, 0, 0], 2 / 3),  # argmax vs class index
        ([[0.1, 0.9, 0.0], [0.5, 0.2, 0.3]], [[0, 1, 0], [0, 0, 1]], 0.5),  # argmax vs one-hot
    ],
)
def test_accuracy_rule(predictions, targets, expected):
    assert accuracy(predictions, targets) == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"Y": [0.0, 1.0]}, ValueError, "as many targets as inputs"),
        ({"epochs": 0}, ValueError, "epochs must be at least 1"),
        ({"optimizer": "adam"}, TypeError, "optimizer must be an nn Optimizer"),
        ({"loss": lambda p, t: 1.0}, TypeError, "loss must return a Value, got float"),
        ({"model": 3}, TypeError, "model must be callable"),
    ],
)
def test_bad_arguments_are_refused_clearly(options, error, message):
    X, Y = xor()
    model = MLP(2, [1], seed=0)
    arguments = {"model": model, "X": X, "Y": Y, "loss": mse_loss, "optimizer": SGD(model.parameters())}
    arguments["epochs"] = 2
    arguments.update(options)
    with pytest.raises(error, match=message):
        fit(**arguments)


def test_accuracy_needs_matching_lengths():
    with pytest.raises(ValueError, match="2 predictions but 1 targets"):
        accuracy([0.1, 0.2], [1.0])


def test_compiled_training_follows_the_eager_trajectory():
    X, labels = make_moons(24, seed=3)
    Y = [2.0 * y - 1.0 for y in labels]
    histories = []
    for compiled in (False, True):
        model = MLP(2, [8, 8, 1], seed=1)
        history = fit(model, X, Y, optimizer=Adam(model.parameters(), lr=0.05), epochs=15, compile=compiled)
        histories.append((history, [p.data for p in model.parameters()]))
    (eager, eager_weights), (compiled, compiled_weights) = histories
    # the compiled code runs the same float operations in the same order as the engine
    assert compiled.loss == pytest.approx(eager.loss, rel=1e-12)
    assert compiled.accuracy == eager.accuracy
    assert compiled_weights == pytest.approx(eager_weights, rel=1e-12, abs=1e-15)


def test_compiled_training_of_a_model_with_several_outputs_uses_the_engine_for_predictions():
    X = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]]
    Y = [0, 1, 2]
    runs = []
    for compiled in (False, True):
        model = MLP(2, [4, 3], seed=2)
        runs.append(fit(model, X, Y, loss=cross_entropy, optimizer=SGD(model.parameters(), lr=0.1),
                        epochs=5, compile=compiled))
    assert runs[1].loss == pytest.approx(runs[0].loss, rel=1e-12)
    assert runs[1].accuracy == runs[0].accuracy
