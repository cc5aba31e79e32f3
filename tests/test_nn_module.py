"""State dicts and JSON model files: exact round trips, and every malformed file refused clearly."""

from __future__ import annotations

import copy
import json
import re

import pytest

from autograd import Value
from nn import MLP, SGD, Layer, LSTMCell, Module, Neuron, mse_loss, xor

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


# -- save and load ----------------------------------------------------------------


def trained_xor_model() -> MLP:
    """A model whose weights are arbitrary floats (not short decimals), by a few SGD steps."""
    X, Y = xor()
    model = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", seed=3)
    optimizer = SGD(model.parameters(), lr=0.3, momentum=0.9)
    for _ in range(5):
        loss = mse_loss([model(x) for x in X], Y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


@pytest.mark.parametrize(
    "build",
    [trained_xor_model, lambda: Layer(3, 2, "sigmoid", seed=1), lambda: Neuron(4, "linear", seed=2),
     lambda: LSTMCell(2, 3, seed=3)],
    ids=["MLP", "Layer", "Neuron", "LSTMCell"],
)
def test_save_then_load_is_exact(build, tmp_path):
    model = build()
    path = tmp_path / "model.json"
    model.save(path)
    again = type(model).load(path)
    assert type(again) is type(model)
    assert again.state_dict() == model.state_dict()  # every float bit for bit
    assert repr(again) == repr(model)
    assert Module.load(path).state_dict() == model.state_dict()


def test_a_loaded_mlp_computes_the_same_outputs(tmp_path):
    model = trained_xor_model()
    model.save(tmp_path / "xor.json")
    again = MLP.load(tmp_path / "xor.json")
    for x in xor()[0]:
        assert again(x).data == model(x).data


def test_the_file_is_tagged_json(tmp_path):
    MLP(2, [3, 1], activation="tanh", seed=0).save(tmp_path / "m.json")
    document = json.loads((tmp_path / "m.json").read_text())
    assert document["format"] == "chaingrad.nn" and document["version"] == 1
    assert document["class"] == "MLP"
    assert document["config"] == {"nin": 2, "sizes": [3, 1], "activations": ["tanh", "linear"]}
    assert len(document["state"]) == 13


def test_a_callable_activation_cannot_be_saved(tmp_path):
    def shifted(z: Value) -> Value:
        return (z + 1).sigmoid()

    with pytest.raises(ValueError, match="activation is the function 'shifted'"):
        MLP(2, [3, 1], activation=shifted).save(tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def test_a_named_activation_passed_as_a_function_can_be_saved(tmp_path):
    Layer(2, 2, Value.tanh, seed=0).save(tmp_path / "m.json")
    assert repr(Layer.load(tmp_path / "m.json")) == "Layer(2 -> 2, activation='tanh')"


def test_a_non_finite_weight_cannot_be_saved(tmp_path):
    model = Neuron(2)
    model.w[1].data = float("inf")
    with pytest.raises(ValueError, match=re.escape("parameter 'w.1' is inf")):
        model.save(tmp_path / "m.json")


def test_an_unregistered_subclass_cannot_be_saved(tmp_path):
    class Custom(MLP):
        pass

    with pytest.raises(TypeError, match="Custom cannot be saved"):
        Custom(2, [1]).save(tmp_path / "m.json")


def test_loading_the_wrong_class_is_refused(tmp_path):
    Layer(2, 2).save(tmp_path / "layer.json")
    with pytest.raises(ValueError, match="the file holds a Layer, not a MLP"):
        MLP.load(tmp_path / "layer.json")


def test_a_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        MLP.load(tmp_path / "nothing.json")


# -- malformed files ---------------------------------------------------------------


def valid_document() -> dict:
    return {
        "format": "chaingrad.nn",
        "version": 1,
        "class": "MLP",
        "config": {"nin": 2, "sizes": [1], "activations": ["tanh"]},
        "state": {"layers.0.neurons.0.w.0": 0.5, "layers.0.neurons.0.w.1": -0.5, "layers.0.neurons.0.b": 0.1},
    }


def changed(change) -> str:
    document = copy.deepcopy(valid_document())
    change(document)
    return json.dumps(document)


def text_replaced(old: str, new: str) -> str:
    text = json.dumps(valid_document())
    assert old in text
    return text.replace(old, new, 1)


STATE_W0 = '"layers.0.neurons.0.w.0": 0.5'

MALFORMED = {
    # not a JSON model at all
    "empty file": ("", "not valid JSON"),
    "not JSON": ("{'format': 1}", "not valid JSON"),
    "truncated": (json.dumps(valid_document())[:-5], "not valid JSON"),
    "deeply nested": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "top level is a list": ("[1, 2]", "the top level must be a JSON object"),
    "duplicate key": (text_replaced('"version": 1', '"version": 1, "version": 1'), "'version' appears twice"),
    # the envelope
    "no state": (changed(lambda d: d.pop("state")), "the top level is missing 'state'"),
    "extra key": (changed(lambda d: d.update(code="import os")), "the top level has unknown 'code'"),
    "wrong format": (changed(lambda d: d.update(format="pickle")), "format is 'pickle'"),
    "newer version": (changed(lambda d: d.update(version=2)), "version 2 is not supported"),
    "version as text": (changed(lambda d: d.update(version="1")), "version '1' is not supported"),
    "version as bool": (changed(lambda d: d.update(version=True)), "version True is not supported"),
    "unknown class": (changed(lambda d: d.update({"class": "subprocess.Popen"})), "unknown class"),
    "class not a name": (changed(lambda d: d.update({"class": ["MLP"]})), "unknown class"),
    "config not an object": (changed(lambda d: d.update(config=[2, [1]])), "config must be a JSON object"),
    "state not an object": (changed(lambda d: d.update(state=[0.5, -0.5])), "state must be a JSON object"),
    # the config
    "config missing sizes": (changed(lambda d: d["config"].pop("sizes")), "MLP config is missing 'sizes'"),
    "config extra key": (changed(lambda d: d["config"].update(seed=1)), "MLP config has unknown 'seed'"),
    "size zero": (changed(lambda d: d["config"].update(sizes=[0])), r"sizes\[0\] must be at least 1"),
    "size negative": (changed(lambda d: d["config"].update(sizes=[-1])), r"sizes\[0\] must be at least 1"),
    "size fractional": (changed(lambda d: d["config"].update(sizes=[1.5])), r"sizes\[0\] must be an int"),
    "size as text": (changed(lambda d: d["config"].update(sizes=["1"])), r"sizes\[0\] must be an int"),
    "size as bool": (changed(lambda d: d["config"].update(sizes=[True])), r"sizes\[0\] must be an int"),
    "no sizes": (changed(lambda d: d["config"].update(sizes=[], activations=[])), "sizes must not be empty"),
    "nin as text": (changed(lambda d: d["config"].update(nin="2")), "MLP config nin must be an int"),
    "sizes not a list": (changed(lambda d: d["config"].update(sizes=1)), "MLP config sizes must be a list"),
    "activation count": (
        changed(lambda d: d["config"].update(activations=["tanh", "tanh"])),
        "1 sizes but 2 activations",
    ),
    "unknown activation": (
        changed(lambda d: d["config"].update(activations=["os.system"])),
        r"activations\[0\] must be one of linear, relu, sigmoid, tanh, got 'os.system'",
    ),
    "huge network": (
        changed(lambda d: d["config"].update(sizes=[10**9])),
        "config describes 3000000000 parameters but state has 3 entries",
    ),
    # the state
    "NaN": (text_replaced(STATE_W0, '"layers.0.neurons.0.w.0": NaN'), "contains NaN"),
    "Infinity": (text_replaced(STATE_W0, '"layers.0.neurons.0.w.0": -Infinity'), "contains -Infinity"),
    "overflowing number": (text_replaced(STATE_W0, '"layers.0.neurons.0.w.0": 1e999'), "must be finite"),
    "enormous integer": (text_replaced(STATE_W0, '"layers.0.neurons.0.w.0": ' + "9" * 5000), "digits"),
    "weight as text": (
        changed(lambda d: d["state"].update({"layers.0.neurons.0.w.0": "0.5"})),
        "'layers.0.neurons.0.w.0' must be a real number, got str",
    ),
    "weight as bool": (
        changed(lambda d: d["state"].update({"layers.0.neurons.0.w.0": False})),
        "must be a real number, got bool",
    ),
    "weight null": (changed(lambda d: d["state"].update({"layers.0.neurons.0.b": None})), "got NoneType"),
    "weight nested": (changed(lambda d: d["state"].update({"layers.0.neurons.0.b": [0.1]})), "got list"),
    "renamed weight": (
        text_replaced('"layers.0.neurons.0.b":', '"layers.0.neurons.0.bias":'),
        "missing 'layers.0.neurons.0.b'; unexpected 'layers.0.neurons.0.bias'",
    ),
    "missing weight": (
        changed(lambda d: d["state"].pop("layers.0.neurons.0.b")),
        "config describes 3 parameters but state has 2 entries",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_every_malformed_file_gets_a_clear_value_error(case, tmp_path):
    text, message = MALFORMED[case]
    path = tmp_path / "model.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as info:
        Module.load(path)
    assert "cannot load model from" in str(info.value) and "model.json" in str(info.value)


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "model.json"
    path.write_bytes(b"\xff\xfe\x00{")
    with pytest.raises(ValueError, match="not UTF-8"):
        MLP.load(path)


def test_the_valid_document_used_above_does_load(tmp_path):
    # guards the malformed cases: each differs from a file that loads
    path = tmp_path / "model.json"
    path.write_text(json.dumps(valid_document()), encoding="utf-8")
    model = MLP.load(path)
    assert model.state_dict() == valid_document()["state"]
