"""Export to PyTorch and back (nn.torch_export): same outputs, same gradients, round trips, errors.

Tolerances: both sides compute in float64 with the same formulas, but PyTorch sums a
weighted sum in its own order (BLAS) and has its own tanh, sigmoid and exp, so results
differ by a few units in the last place (about 1e-16 relative). 1e-12, relative or
absolute, leaves room for that over a few layers and nothing more: a swapped weight or
gate changes results in the first decimals.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from typing import Any

import pytest

from autograd import Value, sum_values
from nn import MLP, Layer, LSTMCell, Neuron
from nn.torch_export import TORCH_GATE_ORDER, gradients_from_torch

TOLERANCE = {"rel": 1e-12, "abs": 1e-12}


@pytest.fixture
def torch() -> Any:
    return pytest.importorskip("torch")


def batch(rows: int, columns: int, seed: int) -> list[list[float]]:
    """A seeded batch of inputs in [-2, 2], one example per row."""
    rng = random.Random(seed)
    return [[rng.uniform(-2, 2) for _ in range(columns)] for _ in range(rows)]


def outputs_as_rows(model: Neuron | Layer | MLP, X: list[list[float]]) -> list[list[Value]]:
    """chaingrad's outputs in PyTorch's (N, nout) layout: a one-output model gives one Value per example."""
    rows = []
    for x in X:
        out = model(x)
        rows.append(out if isinstance(out, list) else [out])
    return rows


def weighted_sum(rows: list[list[Any]], weights: list[list[float]]) -> Any:
    """sum_nj weights[n][j] * rows[n][j]: a loss that gives every output its own gradient."""
    return sum_values([w * v for row, ws in zip(rows, weights) for v, w in zip(row, ws)])


FEEDFORWARD = {
    "neuron relu": lambda: Neuron(3, "relu", seed=1),
    "neuron tanh": lambda: Neuron(3, "tanh", seed=2),
    "neuron sigmoid": lambda: Neuron(3, "sigmoid", seed=3),
    "neuron linear": lambda: Neuron(3, "linear", seed=4),
    "layer sigmoid": lambda: Layer(3, 4, "sigmoid", seed=5),
    "layer linear": lambda: Layer(3, 2, "linear", seed=6),
    "mlp tanh/sigmoid": lambda: MLP(3, [5, 4, 2], activation="tanh", output_activation="sigmoid", seed=7),
    "mlp moons shape": lambda: MLP(2, [16, 16, 1], seed=8),
}


# -- same outputs, same gradients ---------------------------------------------------------


@pytest.mark.parametrize("name", FEEDFORWARD)
def test_exported_network_computes_the_same_outputs_and_gradients(torch, name: str):
    model = FEEDFORWARD[name]()
    module = model.to_torch()
    X = batch(6, model.nin, seed=0)
    rows = outputs_as_rows(model, X)
    weights = batch(len(X), len(rows[0]), seed=1)
    theirs = module(torch.tensor(X, dtype=torch.float64))
    assert theirs.dtype == torch.float64
    assert tuple(theirs.shape) == (len(X), len(rows[0]))  # (N, nout), also (N, 1) for one output
    assert theirs.tolist() == [pytest.approx([v.data for v in row], **TOLERANCE) for row in rows]

    model.zero_grad()
    weighted_sum(rows, weights).backward()
    (theirs * torch.tensor(weights, dtype=torch.float64)).sum().backward()
    ours = {name: p.grad for name, p in model.named_parameters()}
    assert gradients_from_torch(model, module) == pytest.approx(ours, **TOLERANCE)
    assert any(abs(g) > 1e-3 for g in ours.values())  # the comparison is not of zeros


def test_exported_lstm_cell_computes_the_same_step_and_gradients(torch):
    cell = LSTMCell(3, 2, seed=0)
    module = cell.to_torch()
    assert isinstance(module, torch.nn.LSTMCell)
    X, H, C = batch(5, 3, seed=2), batch(5, 2, seed=3), batch(5, 2, seed=4)
    steps = [cell(x, (h, c)) for x, h, c in zip(X, H, C)]
    h_t, c_t = module(torch.tensor(X, dtype=torch.float64),
                      (torch.tensor(H, dtype=torch.float64), torch.tensor(C, dtype=torch.float64)))
    assert h_t.tolist() == [pytest.approx([v.data for v in step.h], **TOLERANCE) for step in steps]
    assert c_t.tolist() == [pytest.approx([v.data for v in step.c], **TOLERANCE) for step in steps]

    weights_h, weights_c = batch(5, 2, seed=5), batch(5, 2, seed=6)
    loss = weighted_sum([s.h for s in steps], weights_h) + weighted_sum([s.c for s in steps], weights_c)
    loss.backward()
    torch_loss = (h_t * torch.tensor(weights_h, dtype=torch.float64)).sum()
    (torch_loss + (c_t * torch.tensor(weights_c, dtype=torch.float64)).sum()).backward()
    ours = {name: p.grad for name, p in cell.named_parameters()}
    assert gradients_from_torch(cell, module) == pytest.approx(ours, **TOLERANCE)
    assert module.bias_ih.grad.tolist() == module.bias_hh.grad.tolist()  # b = b_ih + b_hh: one gradient


def test_lstm_cell_over_a_sequence_matches_torch(torch):
    cell = LSTMCell(2, 3, seed=9)
    module = cell.to_torch()
    sequence = batch(4, 2, seed=7)
    state = None
    h = c = torch.zeros(1, 3, dtype=torch.float64)
    for x in sequence:
        state = cell(x, state)
        h, c = module(torch.tensor([x], dtype=torch.float64), (h, c))
    assert h[0].tolist() == pytest.approx([v.data for v in state.h], **TOLERANCE)
    assert c[0].tolist() == pytest.approx([v.data for v in state.c], **TOLERANCE)


# -- the layout, read straight from PyTorch's documented tensors ---------------------------


def test_mlp_exports_as_linear_and_activation_modules_with_rows_per_neuron(torch):
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    module = model.to_torch()
    kinds = [type(m).__name__ for m in module]
    assert kinds == ["Linear", "Tanh", "Linear", "Identity"]
    state = model.state_dict()
    for k in (0, 1):
        weight, bias = module[2 * k].weight, module[2 * k].bias
        for j in range(weight.shape[0]):
            assert bias[j].item() == state[f"layers.{k}.neurons.{j}.b"]
            for i in range(weight.shape[1]):
                assert weight[j, i].item() == state[f"layers.{k}.neurons.{j}.w.{i}"]


@pytest.mark.parametrize("activation, torch_name", [("relu", "ReLU"), ("tanh", "Tanh"),
                                                    ("sigmoid", "Sigmoid"), ("linear", "Identity")])
def test_each_activation_maps_to_its_torch_module(torch, activation: str, torch_name: str):
    assert type(Layer(2, 2, activation, seed=0).to_torch()[1]).__name__ == torch_name


def test_lstm_gate_blocks_are_in_torch_order_i_f_g_o_with_the_bias_in_bias_ih(torch):
    cell = LSTMCell(2, 3, seed=1)
    module = cell.to_torch()
    assert TORCH_GATE_ORDER == ("i", "f", "c", "o")  # torch's g is chaingrad's cell candidate c
    state, hidden = cell.state_dict(), 3
    for block, gate in enumerate("ifco"):
        for j in range(hidden):
            row = block * hidden + j
            assert module.bias_ih[row].item() == state[f"b_{gate}.{j}"]
            assert module.bias_hh[row].item() == 0.0
            assert module.weight_ih[row].tolist() == [state[f"W_{gate}x.{j}.{k}"] for k in range(2)]
            assert module.weight_hh[row].tolist() == [state[f"W_{gate}h.{j}.{k}"] for k in range(hidden)]


# -- round trips ----------------------------------------------------------------------------

MODELS = {
    **FEEDFORWARD,
    "lstm 1x1": lambda: LSTMCell(seed=3),
    "lstm 3x2": lambda: LSTMCell(3, 2, seed=4),
}


@pytest.mark.parametrize("name", MODELS)
def test_round_trip_through_torch_gives_back_the_same_model(torch, name: str):
    model = MODELS[name]()
    back = type(model).from_torch(model.to_torch())
    assert type(back) is type(model)
    assert back.config() == model.config()  # same shape and activations
    assert back.state_dict() == model.state_dict()  # exactly: float64 both ways, nothing computed


def test_a_torch_made_mlp_reads_back_and_exports_again_unchanged(torch):
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 3)).double()
    model = MLP.from_torch(module)
    assert model.config() == {"nin": 2, "sizes": [4, 3], "activations": ["sigmoid", "linear"]}
    again = model.to_torch()
    exported = [again[0].weight, again[0].bias, again[2].weight, again[2].bias]
    for mine, theirs in zip(module.parameters(), exported):
        assert torch.equal(mine, theirs)
    X = batch(3, 2, seed=8)
    assert module(torch.tensor(X, dtype=torch.float64)).tolist() == [
        pytest.approx([v.data for v in model(x)], **TOLERANCE) for x in X
    ]


def test_a_torch_lstm_cell_with_both_biases_reads_back_as_their_sum(torch):
    torch.manual_seed(1)
    module = torch.nn.LSTMCell(2, 2, dtype=torch.float64)  # torch draws both biases at random
    cell = LSTMCell.from_torch(module)
    x, h, c = batch(1, 2, seed=9)[0], batch(1, 2, seed=10)[0], batch(1, 2, seed=11)[0]
    step = cell(x, (h, c))
    h_t, c_t = module(torch.tensor([x], dtype=torch.float64),
                      (torch.tensor([h], dtype=torch.float64), torch.tensor([c], dtype=torch.float64)))
    assert h_t[0].tolist() == pytest.approx([v.data for v in step.h], **TOLERANCE)
    assert c_t[0].tolist() == pytest.approx([v.data for v in step.c], **TOLERANCE)
    f_bias = (module.bias_ih + module.bias_hh)[2:4].tolist()  # block 1 of torch's i, f, g, o
    assert [cell.b_f[j].data for j in range(2)] == f_bias
    again = cell.to_torch()  # and out again: the whole bias in bias_ih
    assert again.bias_ih.tolist() == (module.bias_ih + module.bias_hh).tolist()


def test_single_linear_reads_back_as_a_linear_layer_or_neuron(torch):
    layer = Layer.from_torch(torch.nn.Linear(3, 2))
    assert (layer.nin, layer.nout, layer.config()["activation"]) == (3, 2, "linear")
    assert Neuron.from_torch(torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.ReLU())).config() == {
        "nin": 3, "activation": "relu"}


# -- errors: shapes that do not fit, naming the layer ---------------------------------------


def test_mlp_from_torch_names_the_layer_whose_inputs_do_not_fit(torch):
    module = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    message = "MLP.from_torch: layer 1 (module [2]) takes 4 inputs but layer 0 (module [0]) gives 3 outputs"
    with pytest.raises(ValueError, match=re.escape(message)):
        MLP.from_torch(module)


def test_neuron_from_torch_refuses_a_layer_of_several_outputs(torch):
    message = "Neuron.from_torch: layer 0 (module [0]) has 2 outputs, a Neuron has 1"
    with pytest.raises(ValueError, match=re.escape(message)):
        Neuron.from_torch(torch.nn.Linear(3, 2))


def test_layer_from_torch_refuses_several_linear_layers(torch):
    module = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Linear(2, 2))
    message = "Layer.from_torch: the module has 2 Linear layers, a Layer is one (use MLP.from_torch"
    with pytest.raises(ValueError, match=re.escape(message)):
        Layer.from_torch(module)


@pytest.mark.parametrize("build, message", [
    (lambda nn: nn.Sequential(nn.Linear(2, 2), nn.LeakyReLU()), "module [1] is a LeakyReLU"),
    (lambda nn: nn.Sequential(nn.ReLU(), nn.Linear(2, 2)), "module [0] (ReLU) does not follow a Linear"),
    (lambda nn: nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.ReLU()), "module [2] (ReLU) does not follow"),
    (lambda nn: nn.Sequential(), "has no Linear layer"),
    (lambda nn: nn.Linear(2, 2, bias=False), "layer 0 (module [0]) has no bias"),
])
def test_from_torch_names_the_module_it_cannot_read(torch, build, message: str):
    with pytest.raises(ValueError, match=re.escape(message)):
        MLP.from_torch(build(torch.nn))


def test_from_torch_refuses_a_module_that_is_not_linear_or_sequential(torch):
    with pytest.raises(TypeError, match=r"MLP\.from_torch reads a torch\.nn\.Linear.*got LSTMCell"):
        MLP.from_torch(torch.nn.LSTMCell(2, 2))
    message = "LSTMCell.from_torch reads a torch.nn.LSTMCell, got Linear"
    with pytest.raises(TypeError, match=re.escape(message)):
        LSTMCell.from_torch(torch.nn.Linear(2, 2))
    with pytest.raises(TypeError, match="got str"):
        Layer.from_torch("Linear(2, 2)")


def test_from_torch_checks_the_tensors_not_the_stated_sizes(torch):
    linear = torch.nn.Linear(2, 3)
    linear.bias = torch.nn.Parameter(torch.zeros(2))  # in_features/out_features still say 2 -> 3
    with pytest.raises(ValueError, match=r"layer 0 \(module \[0\]\) has a weight of shape \(3, 2\) "
                                         r"but a bias of shape \(2,\); it needs 3 biases"):
        Layer.from_torch(linear)
    cell = torch.nn.LSTMCell(2, 3)
    cell.weight_ih = torch.nn.Parameter(torch.zeros(12, 5))
    with pytest.raises(ValueError, match=r"weight_ih has shape \(12, 5\) but an LSTMCell with "
                                         r"input_size=2, hidden_size=3 needs \(12, 2\)"):
        LSTMCell.from_torch(cell)


def test_from_torch_refuses_an_lstm_cell_without_biases(torch):
    with pytest.raises(ValueError, match="no biases"):
        LSTMCell.from_torch(torch.nn.LSTMCell(2, 2, bias=False))


def test_from_torch_refuses_weights_that_are_not_finite_naming_the_layer(torch):
    module = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
    with torch.no_grad():
        module[1].weight[0, 1] = float("nan")
    with pytest.raises(ValueError, match=r"layer 1 \(module \[1\]\) weight values hold NaN or infinity"):
        MLP.from_torch(module)


def test_gradients_from_torch_names_the_layer_of_another_shape(torch):
    model = MLP(2, [3, 1], seed=0)
    other = MLP(2, [4, 1], seed=0).to_torch()
    message = "layer 0 (module [0]) maps 2 -> 4 but this MLP's layer 0 maps 2 -> 3"
    with pytest.raises(ValueError, match=re.escape(message)):
        gradients_from_torch(model, other)
    with pytest.raises(ValueError, match="the torch module has 3 Linear layers but this MLP has 2"):
        gradients_from_torch(model, MLP(2, [3, 3, 1], seed=0).to_torch())
    message = "the torch LSTMCell has (input_size, hidden_size) = (2, 2) but this LSTMCell has (1, 1)"
    with pytest.raises(ValueError, match=re.escape(message)):
        gradients_from_torch(LSTMCell(seed=0), torch.nn.LSTMCell(2, 2))


def test_gradients_from_torch_before_backward_says_to_run_it(torch):
    model = Neuron(2, seed=0)
    message = "layer 0 (module [0]) weight has no gradient: run backward()"
    with pytest.raises(ValueError, match=re.escape(message)):
        gradients_from_torch(model, model.to_torch())


def test_a_custom_activation_has_no_torch_twin(torch):
    def swish(z: Value) -> Value:
        return z * z.sigmoid()

    model = MLP.from_layers([Layer(2, 2, "tanh", seed=0), Layer(2, 1, swish, seed=0)])
    message = "MLP layer 1 uses the custom activation 'swish', which has no PyTorch twin"
    with pytest.raises(ValueError, match=message):
        model.to_torch()


# -- without PyTorch -------------------------------------------------------------------------

NO_TORCH = "import sys; sys.modules['torch'] = None  # as if PyTorch were not installed\n"


def test_without_torch_the_export_says_what_to_install():
    code = NO_TORCH + (
        "import nn.torch_export  # importing the module needs no torch\n"
        "from nn import MLP, Layer, LSTMCell, Neuron\n"
        "for call in (lambda: MLP(2, [1], seed=0).to_torch(), lambda: Neuron(2, seed=0).to_torch(),\n"
        "             lambda: Layer(2, 2, seed=0).to_torch(), lambda: LSTMCell(seed=0).to_torch(),\n"
        "             lambda: MLP.from_torch(None), lambda: LSTMCell.from_torch(None)):\n"
        "    try:\n"
        "        call()\n"
        "    except ImportError as error:\n"
        "        print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "MLP.to_torch needs PyTorch: pip install 'chaingrad[torch]'",
        "Neuron.to_torch needs PyTorch: pip install 'chaingrad[torch]'",
        "Layer.to_torch needs PyTorch: pip install 'chaingrad[torch]'",
        "LSTMCell.to_torch needs PyTorch: pip install 'chaingrad[torch]'",
        "MLP.from_torch needs PyTorch: pip install 'chaingrad[torch]'",
        "LSTMCell.from_torch needs PyTorch: pip install 'chaingrad[torch]'",
    ]


def test_importing_nn_does_not_import_torch():
    code = "import sys, nn, nn.torch_export\nprint('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, "False\n"), done.stderr
