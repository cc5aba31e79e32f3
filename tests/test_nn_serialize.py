"""Model and optimizer files (nn.serialize): exact round trips, resumed training, and safe reading.

Reading is tested against everything a damaged or hostile file can be: not JSON, the
wrong shape, numbers no float holds, too big, or not a regular file at all (a directory,
an endless device, a named pipe that would block an open() forever), and large files
that hold what no model needs, which must be refused at once for little memory.
"""

from __future__ import annotations

import copy
import gc
import json
import os
import re
import stat
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from autograd import Value
from nn import MLP, SGD, Adam, Layer, LSTMCell, Module, Neuron, mse_loss, xor
from nn.serialize import MAX_FILE_BYTES, MODEL_FORMAT, OPTIMIZER_FORMAT
from tests.nn_helpers import run_with_time_limit


def bits(item: Any) -> Any:
    """Floats replaced by their exact hex form, so that == compares every bit (-0.0 != 0.0)."""
    if isinstance(item, float):
        return item.hex()
    if isinstance(item, dict):
        return {key: bits(value) for key, value in item.items()}
    if isinstance(item, list):
        return [bits(value) for value in item]
    return item


def test_the_file_format_lives_in_nn_serialize_only():
    import nn.layers
    import nn.lstm
    import nn.module
    import nn.optim

    assert (MODEL_FORMAT, OPTIMIZER_FORMAT) == ("chaingrad.nn", "chaingrad.nn.optimizer")
    for library_module in (nn.module, nn.layers, nn.lstm, nn.optim):
        # the model and optimizer classes only describe themselves; they neither parse nor write files
        assert not hasattr(library_module, "json"), library_module.__name__
        assert not hasattr(library_module, "FORMAT"), library_module.__name__


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
    assert bits(again.state_dict()) == bits(model.state_dict())
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
    with pytest.raises(ValueError, match=re.escape("cannot save Neuron: state entry 'w.1' is inf")):
        model.save(tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()  # checked before the file is opened


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
    "no format": (changed(lambda d: d.pop("format")), "the top level has no 'format'"),
    "no version": (changed(lambda d: d.pop("version")), "version None is not supported"),
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
    "NaN": (text_replaced(STATE_W0, '"layers.0.neurons.0.w.0": NaN'), "NaN is not a finite number"),
    "Infinity": (text_replaced(STATE_W0, '"layers.0.neurons.0.w.0": -Infinity'), "-Infinity is not a finite"),
    "overflowing number": (text_replaced(STATE_W0, '"layers.0.neurons.0.w.0": 1e999'), "out of range"),
    "enormous integer": (
        text_replaced(STATE_W0, '"layers.0.neurons.0.w.0": ' + "9" * 5000),
        "an integer of 5000 digits is beyond the largest float",
    ),
    "NaN in the config": (text_replaced('"nin": 2', '"nin": NaN'), r"config entry 'nin' is out of range"),
    "optimizer file": (
        changed(lambda d: d.update(format="chaingrad.nn.optimizer")),
        r"format is 'chaingrad.nn.optimizer', expected 'chaingrad.nn' \(this is an optimizer file",
    ),
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
    "weight nested deeply": (
        text_replaced('"layers.0.neurons.0.b": 0.1', '"layers.0.neurons.0.b": ' + "[" * 1000 + "]" * 1000),
        r"nested too deeply \(more than 32 levels\)",
    ),
    "config nested deeply": (
        text_replaced('"nin": 2', '"nin": ' + '{"a": ' * 1000 + "1" + "}" * 1000), "nested too deeply"
    ),
    "duplicate weight": (
        text_replaced(STATE_W0, f"{STATE_W0}, {STATE_W0}"), "'layers.0.neurons.0.w.0' appears twice"
    ),
    "duplicate weight, once escaped": (  # a backslash: the state is read key by key, not by the C scanner
        text_replaced(STATE_W0, f'{STATE_W0}, "layers.0.neurons.0.w.\\u0030": 1.0'),
        "'layers.0.neurons.0.w.0' appears twice",
    ),
    "duplicate config key": (text_replaced('"nin": 2', '"nin": 2, "nin": 3'), "'nin' appears twice"),
    "unknown key first": ('{"code": "import os", ' + json.dumps(valid_document())[1:], "has unknown 'code'"),
    "very long unknown key": (  # named shortly: the message does not repeat it all
        '{"' + "k" * 100_000 + '": 1}', r"has unknown 'k{49}\.\.\.k{49}' \(100002 characters\)$"
    ),
    "text after the object": (json.dumps(valid_document()) + " {}", r"not valid JSON \(Extra data"),
    "Infinity in the config": (
        text_replaced('"nin": 2', '"nin": Infinity'),
        r"config entry 'nin' is out of range \(Infinity is not a finite number\)",
    ),
    "NaN in a config list": (
        text_replaced('"sizes": [1]', '"sizes": [1, NaN]'), r"config entry 'sizes\[1\]' is out of range"
    ),
    "enormous integer in a config list": (
        text_replaced('"sizes": [1]', '"sizes": [' + "9" * 400 + "]"),
        r"config entry 'sizes\[0\]' is out of range \(an integer of 400 digits",
    ),
    "enormous float": (  # named shortly: the message does not repeat a million digits
        text_replaced(STATE_W0, '"layers.0.neurons.0.w.0": ' + "9" * 1_000_000 + ".5"),
        r"is out of range \(9{20}\.\.\.9{18}\.5 \(1000002 characters\) is beyond the largest float",
    ),
    "top level is a long list": ("[" + ",".join(["0"] * 20_000) + "]", "the top level must be a JSON object"),
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


# -- numbers no float holds ----------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("9" * 400, "an integer of 400 digits is beyond the largest float, about 1.8e308"),
        ("-" + "9" * 309, "an integer of 309 digits is beyond the largest float"),  # fewer digits than
        ("2" + "0" * 308, "an integer of 309 digits is beyond the largest float"),  # 1.8e308 has, yet larger
        ("1e999", "1e999 is beyond the largest float, about 1.8e308"),
        ("-2e308", "-2e308 is beyond the largest float"),
        ("NaN", "NaN is not a finite number"),
    ],
)
def test_an_out_of_range_number_is_a_value_error_naming_the_file_and_the_entry(number, reason, tmp_path):
    path = tmp_path / "model.json"
    text = text_replaced('"layers.0.neurons.0.w.1": -0.5', f'"layers.0.neurons.0.w.1": {number}')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        MLP.load(path)
    entry = "state entry 'layers.0.neurons.0.w.1'"
    expected = f"cannot load model from {str(path)!r}: {entry} is out of range ({reason}"
    assert str(info.value).startswith(expected)


def test_the_largest_floats_and_integers_that_fit_do_load(tmp_path):
    path = tmp_path / "model.json"
    text = text_replaced('.w.1": -0.5', '.w.1": -1.7976931348623157e308')
    path.write_text(text.replace('"layers.0.neurons.0.b": 0.1', '"layers.0.neurons.0.b": ' + "9" * 300))
    state = MLP.load(path).state_dict()
    assert state["layers.0.neurons.0.w.1"] == -1.7976931348623157e308
    assert state["layers.0.neurons.0.b"] == float("9" * 300)


# -- what is read: regular files only, and never more than max_bytes -------------------


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(ValueError, match="it is a directory, not a regular file"):
        MLP.load(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    # open() of a pipe waits for a writer, and none will come: load must not even open it
    pipe = tmp_path / "model.json"
    os.mkfifo(pipe)
    with pytest.raises(ValueError, match=r"model.json': it is a named pipe \(FIFO\), not a regular file"):
        run_with_time_limit(10, lambda: MLP.load(pipe))
    optimizer = SGD([Value(1.0)])
    with pytest.raises(ValueError, match=r"cannot load optimizer state from .* it is a named pipe"):
        run_with_time_limit(10, lambda: optimizer.load(pipe))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_pipe_put_in_place_after_the_check_is_still_refused_without_blocking(tmp_path, monkeypatch):
    # The path is swapped for a pipe between the look (stat) and the open. Simulated by a stat
    # that reports a regular file: the non-blocking open and the check of what was opened catch it.
    pipe, regular = tmp_path / "model.json", tmp_path / "regular.json"
    os.mkfifo(pipe)
    regular.write_text("{}")
    real_stat = os.stat

    def stat_seeing_a_regular_file(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        return real_stat(regular) if os.fspath(path) == os.fspath(pipe) else real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat_seeing_a_regular_file)
    with pytest.raises(ValueError, match="it is a named pipe"):
        run_with_time_limit(10, lambda: MLP.load(pipe))


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_device_is_refused_unread():
    with pytest.raises(ValueError, match="'/dev/zero': it is a character device, not a regular file"):
        run_with_time_limit(10, lambda: MLP.load("/dev/zero"))


def test_a_file_over_the_size_limit_is_refused_naming_the_limit_and_the_size(tmp_path):
    path = tmp_path / "model.json"
    MLP(2, [3, 1], seed=0).save(path)
    size = path.stat().st_size
    with pytest.raises(ValueError, match=f"the file is {size} bytes, more than the limit of 100 bytes"):
        MLP.load(path, max_bytes=100)
    assert MLP.load(path, max_bytes=size).state_dict() == MLP(2, [3, 1], seed=0).state_dict()  # at the limit
    optimizer = SGD(MLP(2, [3, 1]).parameters())
    optimizer.save(path)
    with pytest.raises(ValueError, match="more than the limit of 10 bytes"):
        optimizer.load(path, max_bytes=10)


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux's /proc")
def test_reading_stops_at_the_limit_even_when_the_reported_size_is_wrong():
    # /proc files are regular files that report a size of 0 but hold text: only a read
    # of at most max_bytes + 1 bytes can tell (and an endless one could never fill memory)
    assert stat.S_ISREG(os.stat("/proc/self/status").st_mode) and os.stat("/proc/self/status").st_size == 0
    with pytest.raises(ValueError, match=r"the file holds more than 10 bytes, the limit \(max_bytes=10\)"):
        MLP.load("/proc/self/status", max_bytes=10)


def test_the_default_limit_is_64_mib_and_a_small_file_costs_little_memory(tmp_path):
    assert MAX_FILE_BYTES == 64 * 1024 * 1024
    path = tmp_path / "model.json"
    Neuron(2, seed=0).save(path)
    tracemalloc.start()
    try:
        Neuron.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # a 100-byte file must not cost a buffer of the limit's size (file.read(n) allocates n)
    assert peak < 4 * 1024 * 1024


@pytest.mark.parametrize(
    ("limit", "error"), [(0, ValueError), (-5, ValueError), (1.5, TypeError), (None, TypeError)]
)
def test_the_limit_must_be_a_positive_int(limit, error, tmp_path):
    with pytest.raises(error, match="max_bytes must be"):
        MLP.load(tmp_path / "model.json", max_bytes=limit)


# -- large hostile files: refused as soon as what no model needs is met ----------------------

HOSTILE_BYTES = 8_000_000
VALID_TEXT = json.dumps(valid_document())
BIAS = '"layers.0.neurons.0.b": '


def repeated(item: str, size: int = HOSTILE_BYTES) -> str:
    """``item,item,...,item``: about ``size`` characters of it."""
    return ",".join([item] * (size // (len(item) + 1)))


def many_weights(size: int = HOSTILE_BYTES) -> str:
    return ",".join(f'"w{i}": 0' for i in range(size // 12))


HOSTILE = {
    # the issue: at 30 MB this took 10 s and about 1 GB before the unknown key was refused
    "unknown key holding a long list of floats": (
        lambda: VALID_TEXT[:-1] + ', "junk": [' + repeated("0.5") + "]}",
        "the top level has unknown 'junk'",
    ),
    "unknown key first": (
        lambda: '{"junk": [' + repeated("0.5") + "], " + VALID_TEXT[1:], "the top level has unknown 'junk'"
    ),
    "long list in the config": (
        lambda: VALID_TEXT.replace('"sizes": [1]', '"sizes": [' + repeated("1") + "]"),
        "config holds more than 10000 values; no entry but the state needs that many",
    ),
    "long list of escaped strings in the config": (  # walked item by item: counted all the same
        lambda: VALID_TEXT.replace('"activations": ["tanh"]', '"activations": [' + repeated('"\\n"') + "]"),
        "config holds more than 10000 values",
    ),
    "long list as a weight": (
        lambda: VALID_TEXT.replace(BIAS + "0.1", BIAS + "[" + repeated("0.5") + "]"),
        "state holds more than 10004 values; its config describes 3 parameters",
    ),
    "many empty lists as a weight": (
        lambda: VALID_TEXT.replace(BIAS + "0.1", BIAS + "[" + repeated("[]") + "]"),
        "state holds more than 10004 values; its config describes 3 parameters",
    ),
    "many more weights than the config describes": (
        lambda: VALID_TEXT[: VALID_TEXT.index('"state"')] + '"state": {' + many_weights() + "}}",
        "state holds more than 10004 values; its config describes 3 parameters",
    ),
    "many weights before the config": (
        lambda: '{"state": {' + many_weights() + "}, " + VALID_TEXT[1 : VALID_TEXT.index(', "state"')] + "}",
        "state holds more than 10000 values before the class and config that say how many it should",
    ),
}


def peak_memory_and_time(action: Callable[[], Any]) -> tuple[BaseException, int, float]:
    """The ValueError that ``action()`` raises, the most memory Python held meanwhile, and the seconds."""
    gc.collect()
    tracemalloc.start()
    try:
        start = time.perf_counter()
        with pytest.raises(ValueError) as info:
            action()
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return info.value, peak, seconds


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_large_hostile_file_is_refused_at_once_for_little_memory(case, tmp_path):
    make, message = HOSTILE[case]
    path = tmp_path / "model.json"
    path.write_text(make(), encoding="utf-8")
    size = path.stat().st_size
    assert size > 0.9 * HOSTILE_BYTES
    error, peak, seconds = peak_memory_and_time(lambda: Module.load(path))
    assert message in str(error)
    # Reading costs the file's bytes and then its text: twice its size. json.loads built
    # every Python object first: 16 to 75 times the size, and 18 s for 30 MB.
    assert peak < 3 * size, f"{peak / size:.1f} times the file's size"
    assert seconds < 5  # about 0.05 s


def test_a_large_hostile_optimizer_file_is_refused_at_once_for_little_memory(tmp_path):
    path = tmp_path / "adam.json"
    trained_adam().save(path)
    text = path.read_text()
    path.write_text(re.sub(r'"m": \[[^\]]*\]', '"m": [' + repeated("0.5") + "]", text))
    optimizer = trained_adam()
    before = bits(optimizer.state_dict())
    error, peak, _ = peak_memory_and_time(lambda: optimizer.load(path))
    assert "state holds more than 10016 values; this Adam's own state has 16" in str(error)
    assert peak < 3 * path.stat().st_size
    assert bits(optimizer.state_dict()) == before


def test_a_large_model_loads_whatever_the_order_and_spacing_of_its_keys(tmp_path):
    model = MLP(20, [400, 20, 1], seed=1)  # 16441 parameters: more values than a config may hold
    path = tmp_path / "model.json"
    model.save(path)
    assert bits(MLP.load(path).state_dict()) == bits(model.state_dict())
    document = json.loads(path.read_text())
    path.write_text(json.dumps(document, sort_keys=True, separators=(",", ":")))  # sorted: version last
    assert bits(MLP.load(path).state_dict()) == bits(model.state_dict())
    # a state whose names need escapes is read entry by entry (the C scanner cannot count it first)
    path.write_text(json.dumps(document).replace('"layers.0.neurons.0.b"', '"layers.0.neurons.0.\\u0062"'))
    assert bits(MLP.load(path).state_dict()) == bits(model.state_dict())


def test_a_large_optimizer_state_loads(tmp_path):
    parameters = [Value(0.001 * i) for i in range(12_000)]
    optimizer = Adam(parameters, lr=0.01)
    for p in parameters:
        p.grad = p.data - 1
    optimizer.step()
    optimizer.save(tmp_path / "adam.json")
    again = Adam([Value(0.0) for _ in parameters])
    again.load(tmp_path / "adam.json")
    assert bits(again.state_dict()) == bits(optimizer.state_dict())


def test_the_config_may_come_after_the_state_in_a_small_model(tmp_path):
    document = valid_document()
    reordered = {"state": document["state"], **{k: v for k, v in document.items() if k != "state"}}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(reordered))
    assert MLP.load(path).state_dict() == document["state"]


def test_a_large_model_with_its_state_before_its_config_is_refused_saying_why(tmp_path):
    path = tmp_path / "model.json"
    MLP(20, [400, 20, 1], seed=1).save(path)
    document = json.loads(path.read_text())
    path.write_text(json.dumps({"state": document.pop("state"), **document}))
    with pytest.raises(ValueError, match=r"before the class and config .* \(put them before 'state'\)"):
        MLP.load(path)


def test_a_file_of_the_other_kind_is_named_as_such(tmp_path):
    model_path, optimizer_path = tmp_path / "model.json", tmp_path / "adam.json"
    model = MLP(20, [400, 20, 1], seed=1)
    model.save(model_path)
    # an Adam state of 32889 values: more than a model's state may hold before its config
    Adam(model.parameters()).save(optimizer_path)
    with pytest.raises(ValueError, match=r"expected 'chaingrad.nn.optimizer' \(this is a model file"):
        Adam(model.parameters()).load(model_path)
    with pytest.raises(ValueError, match=r"expected 'chaingrad.nn' \(this is an optimizer file"):
        MLP.load(optimizer_path)


# -- optimizer files -------------------------------------------------------------------


def train(model: MLP, optimizer: SGD | Adam, steps: int) -> None:
    X, Y = xor()
    for _ in range(steps):
        loss = mse_loss([model(x) for x in X], Y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


OPTIMIZERS = {
    "Adam": lambda parameters: Adam(parameters, lr=0.05, betas=(0.8, 0.99), eps=1e-7, weight_decay=0.01),
    "SGD": lambda parameters: SGD(parameters, lr=0.2, momentum=0.9, weight_decay=0.001),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_training_resumed_from_files_follows_the_uninterrupted_run_bit_for_bit(name, tmp_path):
    model = MLP(2, [4, 1], activation="tanh", seed=5)
    optimizer = OPTIMIZERS[name](model.parameters())
    train(model, optimizer, 7)
    model.save(tmp_path / "model.json")
    optimizer.save(tmp_path / "optimizer.json")
    train(model, optimizer, 8)  # the uninterrupted run: 15 steps

    resumed = MLP.load(tmp_path / "model.json")
    resumed_optimizer = type(optimizer)(resumed.parameters())  # default settings: the file restores them
    resumed_optimizer.load(tmp_path / "optimizer.json")
    train(resumed, resumed_optimizer, 8)
    assert bits(resumed.state_dict()) == bits(model.state_dict())
    assert bits(resumed_optimizer.state_dict()) == bits(optimizer.state_dict())

    # the optimizer's state matters: resuming with a fresh optimizer goes elsewhere
    restarted = MLP.load(tmp_path / "model.json")
    train(restarted, OPTIMIZERS[name](restarted.parameters()), 8)
    assert restarted.state_dict() != model.state_dict()


def test_the_optimizer_file_is_tagged_json(tmp_path):
    optimizer = Adam([Value(1.0), Value(2.0)], lr=0.01)
    optimizer.save(tmp_path / "adam.json")
    document = json.loads((tmp_path / "adam.json").read_text())
    assert document == {
        "format": "chaingrad.nn.optimizer", "version": 1, "class": "Adam",
        "state": {"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-08, "weight_decay": 0.0,
                  "t": 0, "m": [0.0, 0.0], "v": [0.0, 0.0]},
    }


def trained_adam(parameter_count: int = 3) -> Adam:
    """An Adam whose moments are arbitrary floats, after two steps."""
    parameters = [Value(0.1 * (i + 1)) for i in range(parameter_count)]
    optimizer = Adam(parameters, lr=0.02)
    for step in range(2):
        for i, p in enumerate(parameters):
            p.grad = 0.3 * (i - step) + 0.05
        optimizer.step()
    return optimizer


def optimizer_file(tmp_path: Any, change: Any) -> Any:
    """An Adam file with ``change`` applied to its document."""
    path = tmp_path / "adam.json"
    trained_adam().save(path)
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))
    return path


BAD_OPTIMIZER_FILES = {
    "too few moments": (lambda d: d["state"].update(m=[0.1, 0.2]),
                        "Adam state m has 2 entries but this optimizer updates 3 parameters"),
    "too many moments": (lambda d: d["state"].update(v=[0.1] * 4), "Adam state v has 4 entries but"),
    "negative second moment": (lambda d: d["state"]["v"].__setitem__(1, -1.0), r"state v\[1\] must be >= 0"),
    "moment as text": (lambda d: d["state"]["m"].__setitem__(0, "0.1"), r"state m\[0\] must be a real"),
    "step as float": (lambda d: d["state"].update(t=2.5), "Adam state t must be an int"),
    "negative step": (lambda d: d["state"].update(t=-1), "Adam state t must be at least 0"),
    "beta of 1": (lambda d: d["state"].update(betas=[0.9, 1.0]), r"state betas\[1\] must be in \[0, 1\)"),
    "missing eps": (lambda d: d["state"].pop("eps"), "Adam state is missing 'eps'"),
    "extra entry": (lambda d: d["state"].update(amsgrad=True), "Adam state has unknown 'amsgrad'"),
    "state not an object": (lambda d: d.update(state=[1, 2]), "Adam state must be a JSON object"),
    "SGD state": (lambda d: d.update({"class": "SGD"}), "the file holds 'SGD' state, not Adam state"),
    "model file": (lambda d: d.update(format="chaingrad.nn"),
                   r"format is 'chaingrad.nn', expected 'chaingrad.nn.optimizer' \(this is a model file"),
    "newer version": (lambda d: d.update(version=2), "version 2 is not supported"),
}


@pytest.mark.parametrize("case", sorted(BAD_OPTIMIZER_FILES))
def test_a_bad_optimizer_file_is_refused_and_the_optimizer_is_untouched(case, tmp_path):
    change, message = BAD_OPTIMIZER_FILES[case]
    path = optimizer_file(tmp_path, change)
    optimizer = trained_adam()
    optimizer.step()  # state that differs from the file's
    before = bits(optimizer.state_dict())
    with pytest.raises(ValueError, match=message) as info:
        optimizer.load(path)
    assert str(info.value).startswith(f"cannot load optimizer state from {str(path)!r}: ")
    assert bits(optimizer.state_dict()) == before


def test_an_out_of_range_moment_is_named(tmp_path):
    path = tmp_path / "adam.json"
    trained_adam().save(path)
    path.write_text(re.sub(r'"m": \[\s*[^,]+,', '"m": [1, 1e999,', path.read_text(), count=1))
    optimizer = trained_adam()
    before = bits(optimizer.state_dict())
    with pytest.raises(ValueError, match=r"state entry 'm\[1\]' is out of range \(1e999 is beyond"):
        optimizer.load(path)
    assert bits(optimizer.state_dict()) == before


@pytest.mark.parametrize("number", ["NaN", "-Infinity", "1e999", "9" * 400])
def test_an_out_of_range_number_in_a_list_of_moments_is_named(number, tmp_path):
    path = tmp_path / "adam.json"
    trained_adam().save(path)
    text = re.sub(r'"v": \[\s*([^,]+),\s*([^,]+),', rf'"v": [\1, {number},', path.read_text(), count=1)
    path.write_text(text)
    with pytest.raises(ValueError, match=r"state entry 'v\[1\]' is out of range"):
        trained_adam().load(path)


def test_a_mismatched_parameter_count_is_refused_for_sgd_too(tmp_path):
    SGD([Value(1.0), Value(2.0)], momentum=0.5).save(tmp_path / "sgd.json")
    optimizer = SGD([Value(1.0)], lr=0.3)
    with pytest.raises(ValueError, match="SGD state velocity has 2 entries but this optimizer updates 1 "):
        optimizer.load(tmp_path / "sgd.json")
    assert optimizer.state_dict() == {"lr": 0.3, "momentum": 0.0, "weight_decay": 0.0, "velocity": [0.0]}


def test_a_non_finite_optimizer_state_cannot_be_saved(tmp_path):
    optimizer = trained_adam()
    optimizer.v[2] = float("inf")
    with pytest.raises(ValueError, match=re.escape("cannot save Adam state: state entry 'v[2]' is inf")):
        optimizer.save(tmp_path / "adam.json")
    assert not (tmp_path / "adam.json").exists()
