"""The Module base class: calling runs forward, parameter discovery, state dicts."""

from __future__ import annotations

import re

import pytest

from autograd import Value
from nn import MLP, Layer, LSTMCell, Module, Neuron

# -- calling ---------------------------------------------------------------------------


class Doubler(Module):
    """A module that defines forward only, as every subclass should."""

    def __init__(self) -> None:
        self.scale = Value(2.0)

    def forward(self, x: Value, *, shift: float = 0.0) -> Value:
        return self.scale * x + shift


def test_calling_a_module_runs_its_forward():
    # arguments, keyword arguments and the result pass through unchanged
    assert Doubler()(Value(3.0)).data == 6.0
    assert Doubler()(Value(3.0), shift=1.0).data == 7.0


def test_a_module_without_forward_cannot_be_called():
    class Empty(Module):
        pass

    with pytest.raises(NotImplementedError, match="Empty does not define forward"):
        Empty()(1.0)


@pytest.mark.parametrize("cls", [Neuron, Layer, MLP, LSTMCell])
def test_library_modules_define_forward_and_inherit_call(cls):
    # PyTorch's shape: Module.__call__ is the one way in, and each class only says what forward does
    assert "forward" in vars(cls)
    assert "__call__" not in vars(cls)



# -- state dicts -----------------------------------------------------------------


def test_state_dict_maps_names_to_numbers():
    neuron = Neuron.from_weights([0.5, -1.5], bias=2.0)
    assert neuron.state_dict() == {"w.0": 0.5, "w.1": -1.5, "b": 2.0}


def test_load_state_dict_sets_every_parameter():
    source, target = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=1)
    target.load_state_dict(source.state_dict())
    assert target.state_dict() == source.state_dict()
    assert target([0.3, 0.7]).data == source([0.3, 0.7]).data


def test_load_state_dict_names_missing_and_unexpected_entries():
    model = MLP(2, [3, 1], seed=0)
    state = model.state_dict()
    del state["layers.1.neurons.0.b"]
    state["layers.1.neurons.0.bias"] = 1.0
    expected = "missing 'layers.1.neurons.0.b'; unexpected 'layers.1.neurons.0.bias'"
    with pytest.raises(ValueError, match=re.escape(expected)):
        model.load_state_dict(state)
    with pytest.raises(ValueError, match="it has 12 entries, the model has 13 parameters; missing"):
        model.load_state_dict({k: v for k, v in model.state_dict().items() if k != "layers.0.neurons.0.b"})


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("1.0", TypeError, "'w.1' must be a real number, got str"),
        (True, TypeError, "'w.1' must be a real number, got bool"),
        (None, TypeError, "'w.1' must be a real number"),
        (float("nan"), ValueError, "'w.1' must be finite"),
        (float("inf"), ValueError, "'w.1' must be finite"),
    ],
)
def test_load_state_dict_refuses_bad_values_and_changes_nothing(value, error, message):
    neuron = Neuron.from_weights([0.5, -1.5], bias=2.0)
    with pytest.raises(error, match=message):
        neuron.load_state_dict({"w.0": 9.0, "w.1": value, "b": 9.0})
    assert neuron.state_dict() == {"w.0": 0.5, "w.1": -1.5, "b": 2.0}  # all or nothing


def test_load_state_dict_refuses_an_out_of_range_integer_and_changes_nothing():
    # float(10**400) raises OverflowError: it must become a ValueError naming the entry
    neuron = Neuron.from_weights([0.5, -1.5], bias=2.0)
    with pytest.raises(ValueError, match=r"state dict entry 'w.1' is out of range \(beyond the largest"):
        neuron.load_state_dict({"w.0": 9.0, "w.1": 10**400, "b": 9.0})
    assert neuron.state_dict() == {"w.0": 0.5, "w.1": -1.5, "b": 2.0}


def test_load_state_dict_needs_a_mapping():
    with pytest.raises(TypeError, match="must be a mapping"):
        Neuron(2).load_state_dict([("w.0", 1.0)])


def test_parameters_are_found_in_attributes_lists_and_submodules():
    class Scaled(Module):
        def __init__(self) -> None:
            self.scale = Value(2.0)
            self.heads = [Neuron(1, seed=0), Neuron(1, seed=1)]
            self.table = [[Value(1.0), Value(2.0)]]
            self.size = 3  # not a parameter
            self._cache = Value(9.0)  # private: never searched

    model = Scaled()
    assert [name for name, _ in model.named_parameters()] == [
        "scale", "heads.0.w.0", "heads.0.b", "heads.1.w.0", "heads.1.b", "table.0.0", "table.0.1"
    ]
    assert repr(model) == "Scaled(7 parameters)"
