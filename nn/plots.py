"""Pictures of training: the loss curve and a 2-D classifier's decision boundary (matplotlib).

matplotlib is an optional dependency (the ``extras``); it is imported when a plot is made.
Both functions return the matplotlib Figure and, given ``path``, also save it there.

Every figure is made to be read on a screen or in a notebook without zooming:
120 dots per inch (crisp on a laptop screen, where matplotlib's notebook default of
72 is blurry), a title, a label on every axis, at most a handful of ticks per axis
so that their labels never run into each other, and a legend whenever there is more
than one line. [`readable_style`][nn.plots.readable_style] applies the same settings to
your own plots (the notebooks call it first).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from autograd import no_grad
from nn.train import History

if TYPE_CHECKING:  # for the return types only: matplotlib is imported when a plot is made
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DPI = 120
"""Dots per inch of every figure: sharp on a screen, small enough for a notebook."""

FIGURE_SIZE = (7.0, 4.0)
"""Width and height in inches: 840 x 480 pixels at [`DPI`][nn.plots.DPI], about the
width of a notebook's output area."""

MAX_TICKS = 6
"""Most tick labels on an axis: more and long numbers start to collide."""

STYLE: dict[str, Any] = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.figsize": FIGURE_SIZE,
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
}
"""matplotlib settings (``rcParams``) behind every figure here."""


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("plotting needs matplotlib: pip install matplotlib (chaingrad[extras])") from None
    return plt


def readable_style() -> None:
    """Make every later matplotlib figure readable: [`STYLE`][nn.plots.STYLE] as the defaults.

    For your own plots (``plt.plot(...)``) in a notebook: call it once at the top.
    Tick crowding depends on the data, so also pass each axis to
    [`few_ticks`][nn.plots.few_ticks].
    """
    _pyplot().rcParams.update(STYLE)


def few_ticks(axis: Axes, *, integer_x: bool = False) -> None:
    """At most [`MAX_TICKS`][nn.plots.MAX_TICKS] labelled ticks on each axis of ``axis``.

    ``integer_x`` puts ticks on whole numbers only (epochs, steps). A log-scaled
    axis keeps its powers of ten and drops the labels of the ticks in between,
    which matplotlib otherwise writes (2x10^-1, 3x10^-1, ...) when the data span
    less than a few decades, and which then overlap.
    """
    from matplotlib.ticker import LogLocator, MaxNLocator, NullFormatter

    for which, ruler in (("x", axis.xaxis), ("y", axis.yaxis)):
        if ruler.get_scale() == "log":
            ruler.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=MAX_TICKS))
            ruler.set_minor_formatter(NullFormatter())
        else:
            ruler.set_major_locator(MaxNLocator(nbins=MAX_TICKS, integer=integer_x and which == "x"))


def plot_history(
    history: History, path: str | os.PathLike[str] | None = None, title: str = "training"
) -> Figure:
    """Loss per epoch (log scale when it stays positive), with accuracy on a second axis when recorded."""
    plt = _pyplot()
    with plt.rc_context(STYLE):
        figure, loss_axis = plt.subplots()
        epochs = range(1, len(history.loss) + 1)
        lines = loss_axis.plot(epochs, history.loss, color="tab:blue", label="loss")
        loss_axis.set_xlabel("epoch")
        loss_axis.set_ylabel("loss (log scale)" if min(history.loss, default=0.0) > 0 else "loss")
        if min(history.loss, default=0.0) > 0:
            loss_axis.set_yscale("log")
        few_ticks(loss_axis, integer_x=True)
        if history.accuracy:
            accuracy_axis = loss_axis.twinx()
            accuracy_axis.grid(False)  # one grid, the loss axis's; two would cross each other
            lines += accuracy_axis.plot(
                epochs, history.accuracy, color="tab:orange", linestyle="--", label="accuracy"
            )
            accuracy_axis.set_ylabel("accuracy")
            accuracy_axis.set_ylim(0, 1.05)
            few_ticks(accuracy_axis)
            # one legend for the lines of both axes
            loss_axis.legend(lines, [line.get_label() for line in lines], loc="center right")
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
    labels: tuple[str, str] = ("x1", "x2"),
) -> Figure:
    """Shade where a one-output 2-D classifier says yes (output > threshold), with the data on top.

    The model is evaluated on a ``resolution x resolution`` grid under ``no_grad``
    (no graph is recorded for the picture). ``labels`` name the two inputs (the axes).
    """
    plt = _pyplot()
    xs, ys = [p[0] for p in X], [p[1] for p in X]
    pad = 0.25
    x_low, x_high, y_low, y_high = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
    grid_x = [x_low + (x_high - x_low) * i / (resolution - 1) for i in range(resolution)]
    grid_y = [y_low + (y_high - y_low) * j / (resolution - 1) for j in range(resolution)]
    with no_grad():
        scores = [[float(model([gx, gy])) for gx in grid_x] for gy in grid_y]
    positive = [float(y) > threshold for y in Y]
    with plt.rc_context({**STYLE, "axes.grid": False}):  # a grid would only clutter the shading
        figure, axis = plt.subplots(figsize=(6.0, 4.5))
        shades = ["#f4cccc", "#cfe2f3"]  # light red where the model says no, light blue where it says yes
        axis.contourf(grid_x, grid_y, scores, levels=[-1e300, threshold, 1e300], colors=shades)
        axis.contour(grid_x, grid_y, scores, levels=[threshold], colors="k", linewidths=1)
        for wanted, color, name in ((True, "tab:blue", "class 1"), (False, "tab:red", "class 0")):
            chosen = [i for i, p in enumerate(positive) if p == wanted]
            axis.scatter([xs[i] for i in chosen], [ys[i] for i in chosen], c=color, s=18,
                         edgecolors="k", linewidths=0.3, label=name)  # fmt: skip
        axis.set_xlabel(labels[0])
        axis.set_ylabel(labels[1])
        axis.set_title(title)
        few_ticks(axis)
        axis.legend(loc="upper right", framealpha=0.9)
        figure.tight_layout()
        if path is not None:
            figure.savefig(path)
    return figure
