"""Drawings and players as a notebook shows them, in headless Chromium: they fit 1,000 px and work.

The page imitates a notebook's output area (a prompt column, margins) with
none of a front end's own styles, so a drawing fits only if it fits by itself.
Each output is what IPython's display machinery produces for the object, as
Jupyter would display it.
"""

from __future__ import annotations

from typing import Any

import pytest

from autograd import Player, Value, draw_graph, record_backward
from nn import MLP, make_moons
from tests.browser.pages import (
    display_markup,
    notebook_page,
    open_page,
    player_state,
    players,
    press,
)
from tests.helpers import issue_example


def displayed(obj: Any) -> str:
    """The markup a notebook shows for ``obj`` (IPython's formatter, as Jupyter calls it)."""
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _ = formatters.DisplayFormatter().format(obj)
    return display_markup(data)


def demo_neuron_graph() -> Any:
    """The picture scripts/demo.py draws: a first-layer neuron of MLP(2, [16, 16, 1]), edge gradients on."""
    X, _ = make_moons(n=120, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], activation="relu", seed=1)
    point = [Value(v, label=f"x{i + 1}") for i, v in enumerate(X[0])]
    neuron = model.layers[0].neurons[0]
    output = neuron(point)
    output.label = "h"
    output.backward()
    return draw_graph(output, edge_grads=True, clusters={"one neuron": neuron.parameters()})


def mlp_loss() -> tuple[Value, MLP]:
    """A squared error of MLP(2, [4, 4, 1]) on one sample, after backward."""
    model = MLP(2, [4, 4, 1], activation="tanh", seed=0)
    loss = (model([Value(0.5, label="x1"), Value(-1.5, label="x2")]) - 1.0) ** 2
    loss.label = "loss"
    loss.backward()
    return loss, model


def test_notebook_drawings_fit_a_1000_px_window(browser, tmp_path):
    loss, model = mlp_loss()
    outputs = [
        ("inline", displayed(demo_neuron_graph())),
        ("inline", displayed(draw_graph(loss, clusters=model))),
        ("inline", displayed(loss)),  # a Value shows its own graph
    ]
    assert open_page(browser, notebook_page(tmp_path / "notebook.html", outputs)) == []


def test_players_work_however_the_notebook_runs_their_scripts(browser, tmp_path):
    *_, L = issue_example(output_label="L")
    small = Player(record_backward(L))._repr_html_()
    loss, model = mlp_loss()
    loss.zero_grad()
    record = record_backward(loss)
    large = Player(record, clusters=model)._repr_html_()
    outputs = [("inline", small), ("classic", large), ("lab", small), ("inline", small)]
    assert open_page(browser, notebook_page(tmp_path / "players.html", outputs)) == []
    shown = players(browser)
    assert len(shown) == 4
    assert all(player_state(browser, p)["slider"] == 0 for p in shown)  # every script ran
    press(shown[2], "next")
    press(shown[1], "last")
    # each player answers its own buttons, even the same player shown three times
    assert [player_state(browser, p)["slider"] for p in shown] == [0, len(record), 1, 0]
