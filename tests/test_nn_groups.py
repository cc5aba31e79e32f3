"""nn modules tell drawings how to box their nodes (parameter_groups + draw_graph(clusters=...))."""

from __future__ import annotations

from autograd import draw_graph, topological_order
from autograd.drawing.draw import cluster_members
from nn import MLP, Layer, LSTMCell


def test_mlp_groups_are_neurons_nested_in_layers():
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    groups = model.parameter_groups()
    assert list(groups) == ["layer 0/neuron 0", "layer 0/neuron 1", "layer 0/neuron 2", "layer 1/neuron 0"]
    assert sum(len(p) for p in groups.values()) == model.num_parameters()
    assert groups["layer 1/neuron 0"] == model.layers[1].neurons[0].parameters()


def test_every_hidden_unit_lands_in_its_neurons_box():
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    out = model([0.5, -1.0])
    out.backward()
    owner = cluster_members(topological_order(out), model.parameter_groups())
    hidden_outputs = [n for n in topological_order(out) if n.op == "tanh"]
    assert [owner[h] for h in hidden_outputs] == ["layer 0/neuron 0", "layer 0/neuron 1", "layer 0/neuron 2"]
    assert owner[out] == "layer 1/neuron 0"
    source = draw_graph(out, clusters=model).source
    assert source.count("subgraph cluster_") == 6  # 2 layers + 4 neurons
    assert 'label="neuron 2"' in source


def test_layer_and_lstm_groups():
    assert list(Layer(2, 2, seed=0).parameter_groups()) == ["neuron 0", "neuron 1"]
    cell = LSTMCell(1, 2, seed=0)
    groups = cell.parameter_groups()
    assert list(groups) == ["forget gate", "input gate", "output gate", "cell candidate"]
    assert all(len(params) == 2 * (2 + 1 + 1) for params in groups.values())  # H x (H + I + bias)
    state = cell(1.0)
    state.h[0].backward()
    owner = cluster_members(topological_order(state.h[0]), groups)
    gates = {owner.get(n) for n in topological_order(state.h[0]) if n.op == "sigmoid"}
    assert gates == {"forget gate", "input gate", "output gate"}
