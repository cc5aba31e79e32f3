"""A small training loop, ``fit``, and the accuracy it reports.

``fit`` does full-batch training: every epoch runs the model on all examples, computes
one loss, and takes one optimizer step. It is the loop of the issue's example,
written once::

    for epoch in range(epochs):
        loss = loss_fn([model(x) for x in X], Y)
        optimizer.zero_grad(); loss.backward(); optimizer.step()

With ``compile=True`` the same step runs through [`autograd.compile`][autograd.compiler.compile]:
the loss over the whole data set is traced once, as straight-line Python, and
every epoch replays that code with the parameters' current numbers (about twenty
times faster for an MLP on two moons). The data and the loss must be the same
every epoch, which they are here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import autograd
from autograd import Value
from nn._checks import is_number, positive_int, sequence
from nn.losses import mse_loss
from nn.module import Module
from nn.optim import Adam, Optimizer


@dataclass
class History:
    """What happened during [`fit`][nn.train.fit]: the loss and the accuracy of every epoch."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)


def accuracy(predictions: Sequence[Any], targets: Sequence[Any]) -> float:
    """The fraction of predictions that pick the right class.

    * A vector prediction picks the class of its largest entry; its target is a class
      index or a one-hot (or any) vector whose largest entry marks the class.
    * A single-number prediction picks the target value it is closest to among the
      distinct values in ``targets``: with targets 0/1 that is a threshold at 0.5, with
      -1/+1 a threshold at 0. (For logits with 0/1 targets, pass your own rule.)
    """
    if len(predictions) != len(targets) or not predictions:
        raise ValueError(f"accuracy: {len(predictions)} predictions but {len(targets)} targets")
    labels = sorted({float(t) for t in targets if not isinstance(t, (list, tuple))})
    correct = 0
    for prediction, target in zip(predictions, targets):
        if isinstance(prediction, (list, tuple)):
            wanted = int(target) if is_number(target) else _argmax([float(t) for t in target])
            correct += _argmax([float(p) for p in prediction]) == wanted
        else:
            closest = min(labels, key=lambda label: abs(float(prediction) - label))
            correct += closest == float(target)
    return correct / len(predictions)


def fit(
    model: Module,
    X: Sequence[Any],
    Y: Sequence[Any],
    loss: Callable[[Any, Any], Value] = mse_loss,
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    progress: bool = False,
    metric: Callable[[Sequence[Any], Sequence[Any]], float] | None = accuracy,
    compile: bool = False,
) -> History:
    """Train ``model`` on inputs X and targets Y; return the loss and accuracy per epoch.

    Args:
        loss: ``loss(predictions, Y) -> Value``, e.g. [`mse_loss`][nn.losses.mse_loss] (the default).
        optimizer: defaults to ``Adam(model.parameters(), lr=0.01)``.
        epochs: number of full passes (each one optimizer step).
        progress: show a progress bar with the loss and accuracy (needs ``tqdm``;
            without it, a line is printed every tenth of the run).
        metric: ``metric(predictions, Y) -> float`` recorded as accuracy
            (default [`accuracy`][nn.train.accuracy]); None records none.
        compile: train through compiled code (see the module doc); the result is the
            same as without it, to rounding.
    """
    if not callable(model):
        raise TypeError(f"model must be callable, got {type(model).__name__}")
    X, Y = sequence(X, "X"), sequence(Y, "Y")
    if len(X) != len(Y) or not X:
        raise ValueError(f"fit needs as many targets as inputs (at least one): got {len(X)} and {len(Y)}")
    epochs = positive_int(epochs, "epochs")
    if optimizer is None:
        optimizer = Adam(model.parameters(), lr=0.01)
    elif not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an nn Optimizer (SGD, Adam), got {type(optimizer).__name__}")
    history = History()
    report = _reporter(epochs, progress)
    step = _CompiledStep(model, X, Y, loss, metric is not None) if compile else _EagerStep(model, X, Y, loss)
    for epoch in range(epochs):
        optimizer.zero_grad()
        value, predictions = step()  # loss and predictions before the update, gradients in .grad
        optimizer.step()
        history.loss.append(value)
        if metric is not None:
            history.accuracy.append(metric(predictions, Y))
        report(epoch, history)
    report(None, history)
    return history


def _loss_value(value: Any) -> Value:
    if not isinstance(value, Value):
        raise TypeError(f"loss must return a Value, got {type(value).__name__}")
    return value


class _EagerStep:
    """Forward and backward with the engine: the predictions, the loss, its gradients in ``.grad``."""

    def __init__(self, model: Any, X: Sequence[Any], Y: Sequence[Any], loss: Callable[..., Any]) -> None:
        self.model, self.X, self.Y, self.loss = model, X, Y, loss

    def __call__(self) -> tuple[float, list[Any]]:
        predictions = [self.model(x) for x in self.X]
        value = _loss_value(self.loss(predictions, self.Y))
        value.backward()
        return value.data, predictions


class _CompiledStep:
    """The same step through compiled code: the loss over all of X traced once, replayed each epoch.

    The predictions (for the metric) come from one compiled function run on the
    whole of X at once as NumPy arrays, when the model gives a single number and
    NumPy is installed; otherwise from the engine under ``no_grad``.
    """

    def __init__(
        self, model: Any, X: Sequence[Any], Y: Sequence[Any], loss: Callable[..., Any], want_predictions: bool
    ) -> None:
        self.model, self.X, self.want_predictions = model, X, want_predictions
        self.loss = autograd.compile(lambda: _loss_value(loss([model(x) for x in X], Y)))
        self.columns = _columns(X) if want_predictions and isinstance(model(X[0]), Value) else None
        self.predict = autograd.compile(lambda *x: model(list(x)))

    def __call__(self) -> tuple[float, list[Any]]:
        value = self.loss.backward()
        if not self.want_predictions:
            return value, []
        if self.columns is not None:
            return value, [float(p) for p in self.predict(*self.columns)]
        with autograd.no_grad():
            return value, [self.model(x) for x in self.X]


def _columns(X: Sequence[Any]) -> list[Any] | None:
    """The inputs as one NumPy array per feature, or None without NumPy (or for non-vector inputs)."""
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - NumPy is optional
        return None
    if not all(isinstance(x, Sequence) and len(x) == len(X[0]) for x in X):
        return None
    return [np.array([float(x[i]) for x in X]) for i in range(len(X[0]))]


def _argmax(numbers: list[float]) -> int:
    return max(range(len(numbers)), key=numbers.__getitem__)


def _reporter(epochs: int, progress: bool) -> Callable[[int | None, History], None]:
    """A callback shown each epoch (``None`` at the end): a tqdm bar, printed lines, or nothing."""
    if not progress:
        return lambda epoch, history: None
    try:
        from tqdm.auto import tqdm  # optional: installed with the "extras"
    except ImportError:
        every = max(1, epochs // 10)

        def print_line(epoch: int | None, history: History) -> None:
            if epoch is not None and (epoch + 1) % every == 0:
                print(f"epoch {epoch + 1}/{epochs}: {_summary(history)}")

        return print_line
    bar = tqdm(total=epochs, desc="training")

    def update_bar(epoch: int | None, history: History) -> None:
        if epoch is None:
            bar.close()
            return
        bar.set_postfix_str(_summary(history), refresh=False)
        bar.update(1)

    return update_bar


def _summary(history: History) -> str:
    text = f"loss={history.loss[-1]:.4g}"
    return text + (f", accuracy={history.accuracy[-1]:.3f}" if history.accuracy else "")
