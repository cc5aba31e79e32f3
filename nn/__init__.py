"""Neural networks built on [`autograd.Value`][autograd.value.Value], shaped like a small PyTorch.

>>> from nn import MLP, Adam, mse_loss, xor
>>> X, Y = xor()
>>> model = MLP(2, [4, 4, 1], activation="tanh", seed=0)
>>> optimizer = Adam(model.parameters(), lr=0.05)
>>> for step in range(200):
...     loss = mse_loss([model(x) for x in X], Y)
...     model.zero_grad(); loss.backward(); optimizer.step()
>>> loss.data < 1e-3
True

Files: [`nn.module`][] (the Module base class: ``model(x)`` runs ``forward``, state dicts),
[`nn.layers`][] (Neuron, Layer, MLP), [`nn.lstm`][] (LSTMCell), [`nn.functional`][]
(softmax and relatives), [`nn.losses`][], [`nn.optim`][] (SGD, Adam), [`nn.serialize`][]
(the JSON files of models and optimizers), [`nn.data`][] (toy datasets), [`nn.train`][]
(a training loop).

Above the models, [`nn.diagram`][nn.diagram] draws them as a textbook does
(``draw_network``) and replays backprop on them (``NetworkReplay``); those two
names are loaded when first used, so ``import nn`` does not load the drawing code.
"""

from __future__ import annotations

import importlib
from typing import Any

from nn.activations import ACTIVATIONS
from nn.data import make_moons, one_hot_codes, xor
from nn.functional import log_softmax, logsumexp, softmax, softplus
from nn.layers import MLP, Layer, Neuron
from nn.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    mse_loss,
)
from nn.lstm import LSTMCell, LSTMState, run_lstm
from nn.module import Module
from nn.optim import SGD, Adam, Optimizer
from nn.train import History, accuracy, fit

# name -> module that defines it, in the drawing layer above the models (imported when first asked for)
_DIAGRAMS = {"draw_network": "nn.diagram.draw", "NetworkReplay": "nn.diagram.replay"}


def __getattr__(name: str) -> Any:
    """``nn.draw_network`` and ``nn.NetworkReplay``: the diagrams are loaded only when used."""
    if name in _DIAGRAMS:
        return getattr(importlib.import_module(_DIAGRAMS[name]), name)
    raise AttributeError(f"module 'nn' has no attribute {name!r}")


__all__ = [
    "ACTIVATIONS",
    "MLP",
    "SGD",
    "Adam",
    "History",
    "LSTMCell",
    "LSTMState",
    "Layer",
    "Module",
    "NetworkReplay",
    "Neuron",
    "Optimizer",
    "accuracy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "draw_network",
    "fit",
    "hinge_loss",
    "log_softmax",
    "logsumexp",
    "make_moons",
    "mse_loss",
    "one_hot_codes",
    "run_lstm",
    "softmax",
    "softplus",
    "xor",
]
