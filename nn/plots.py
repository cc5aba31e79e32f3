"""Pictures of training: the loss curve and a 2-D classifier's decision boundary (matplotlib).

matplotlib is an optional dependency (the ``extras``); it is imported when a plot is made.
Both functions return the matplotlib Figure and, given ``path``, also save it there.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from autograd import no_grad
from nn.train import History


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("plotting needs matplotlib: pip install matplotlib (chaingrad[extras])") from None
    return plt


def plot_history(
    history: History, path: str | os.PathLike[str] | None = None, title: str = "training"
) -> Any:
    """Loss per epoch (log scale), with accuracy on a second axis when it was recorded."""
    plt = _pyplot()
    figure, loss_axis = plt.subplots(figsize=(6, 3.5), dpi=80)
    epochs = range(1, len(history.loss) + 1)
    loss_axis.plot(epochs, history.loss, color="tab:blue")
    loss_axis.set_xlabel("epoch")
    loss_axis.set_ylabel("loss", color="tab:blue")
    if min(history.loss, default=0.0) > 0:
        loss_axis.set_yscale("log")
    if history.accuracy:
        accuracy_axis = loss_axis.twinx()
        accuracy_axis.plot(epochs, history.accuracy, color="tab:orange")
        accuracy_axis.set_ylabel("accuracy", color="tab:orange")
        accuracy_axis.set_ylim(0, 1.05)
    loss_axis.set_title(title)
    figure.tight_layout()
    if path is not None:
        figure.savefig(path)
    return figure


def plot_decision_boundary(
    model: Callable[[Any], Any],
    X: Sequence[Sequence[float]],
    Y: Sequence[float],
    path: str | os.PathLike[str] | None = None,
    resolution: int = 60,
    threshold: float = 0.0,
    title: str = "decision boundary",
) -> Any:
    """Shade where a one-output 2-D classifier says yes (output > threshold), with the data on top.

    The model is evaluated on a ``resolution x resolution`` grid under ``no_grad``
    (no graph is recorded for the picture).
    """
    plt = _pyplot()
    xs, ys = [p[0] for p in X], [p[1] for p in X]
    pad = 0.25
    x_low, x_high, y_low, y_high = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
    grid_x = [x_low + (x_high - x_low) * i / (resolution - 1) for i in range(resolution)]
    grid_y = [y_low + (y_high - y_low) * j / (resolution - 1) for j in range(resolution)]
    with no_grad():
        scores = [[float(model([gx, gy])) for gx in grid_x] for gy in grid_y]
    figure, axis = plt.subplots(figsize=(5, 4), dpi=80)
    axis.contourf(grid_x, grid_y, scores, levels=[-1e300, threshold, 1e300], colors=["#f4cccc", "#cfe2f3"])
    axis.contour(grid_x, grid_y, scores, levels=[threshold], colors="k", linewidths=1)
    positive = [float(y) > threshold for y in Y]
    axis.scatter([x for x, p in zip(xs, positive) if p], [y for y, p in zip(ys, positive) if p],
                 c="tab:blue", s=14, edgecolors="k", linewidths=0.3, label="class 1")
    axis.scatter([x for x, p in zip(xs, positive) if not p], [y for y, p in zip(ys, positive) if not p],
                 c="tab:red", s=14, edgecolors="k", linewidths=0.3, label="class 0")
    axis.set_title(title)
    axis.legend(loc="upper right", fontsize=8)
    figure.tight_layout()
    if path is not None:
        figure.savefig(path)
    return figure
