"""``Module``: the base class of every network part, with its parameters, state and files.

Parameters are found by looking at a module's attributes, in the order they were set:

* a :class:`~autograd.Value` attribute ``b`` is a parameter named ``b``;
* a list of Values ``w`` gives ``w.0``, ``w.1``, ... (a list of lists: ``W.0.0``, ...);
* a sub-module (or a list of them) contributes its own names under a prefix.

So an :class:`~nn.MLP`'s parameters are named like ``layers.0.neurons.1.w.0`` (layer 0,
neuron 1, weight 0) and ``layers.0.neurons.1.b`` (its bias). Attributes whose names
start with ``_`` are private and never searched. Each parameter's ``label`` is set to its
name, so drawings and gradient-check messages say which weight they are about.

Saved models are JSON (never pickle: loading a model must not be able to run code)::

    {"format": "chaingrad.nn", "version": 1, "class": "MLP",
     "config": {"nin": 2, "sizes": [4, 1], "activations": ["tanh", "linear"]},
     "state": {"layers.0.neurons.0.w.0": 0.25, ...}}

``config`` holds the constructor's arguments and ``state`` the :meth:`Module.state_dict`.
:meth:`Module.load` checks every part of a file before it builds anything.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from autograd import Value
from nn._checks import finite_number

FORMAT = "chaingrad.nn"
VERSION = 1

ModuleT = TypeVar("ModuleT", bound="Module")

# Classes that files may name in "class". Filled by @savable; a file can only ever
# build one of these, whatever else it says.
_SAVABLE: dict[str, type[Module]] = {}


def savable(cls: type[ModuleT]) -> type[ModuleT]:
    """Class decorator: allow :meth:`Module.load` to build this class from a file."""
    _SAVABLE[cls.__name__] = cls
    return cls


class Module:
    """Base class: parameter discovery, zero_grad, state dicts, save and load."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.num_parameters()} parameters)"

    # -- parameters -----------------------------------------------------------

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every parameter with its dotted name, in a fixed order (see the module doc)."""
        found: list[tuple[str, Value]] = []
        for name, attribute in vars(self).items():
            if not name.startswith("_"):
                found.extend(_parameters_in(name, attribute))
        return found

    def parameters(self) -> list[Value]:
        """Every parameter (the Values an optimizer updates), in named_parameters order."""
        return [parameter for _, parameter in self.named_parameters()]

    def num_parameters(self) -> int:
        """How many scalar parameters the module has."""
        return len(self.named_parameters())

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0 (gradients accumulate across backward calls)."""
        for parameter in self.parameters():
            parameter.grad = 0.0

    def parameter_groups(self) -> dict[str, list[Value]]:
        """Parameters grouped the way a drawing should box them: ``{group name: parameters}``.

        ``draw_graph(out, clusters=model)`` uses this. Subclasses split themselves
        into neurons or gates; a ``/`` in a name nests boxes (``"layer 0/neuron 1"``).
        """
        return {type(self).__name__: self.parameters()}

    def _label_parameters(self) -> None:
        """Label each parameter with its name (constructors call this last)."""
        for name, parameter in self.named_parameters():
            parameter.label = name

    # -- state ------------------------------------------------------------------

    def state_dict(self) -> dict[str, float]:
        """``{name: value}`` for every parameter: a plain-number snapshot of the weights."""
        return {name: parameter.data for name, parameter in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from ``state``, a mapping of name -> finite number.

        The names must match :meth:`named_parameters` exactly. Everything is checked
        before anything is assigned, so a bad ``state`` leaves the module unchanged.

        Raises:
            TypeError: ``state`` is not a mapping, or a value is not a real number.
            ValueError: names are missing or unexpected, or a value is NaN or infinite.
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"state dict must be a mapping of name -> number, got {type(state).__name__}")
        named = dict(self.named_parameters())
        missing = [name for name in named if name not in state]
        unexpected = [name for name in state if name not in named]
        if missing or unexpected:
            problems = []
            if missing:
                problems.append(f"missing {_some(missing)}")
            if unexpected:
                problems.append(f"unexpected {_some(unexpected)}")
            raise ValueError(
                f"state dict does not fit this {type(self).__name__}: it has {len(state)} entries, "
                f"the model has {len(named)} parameters; " + "; ".join(problems)
            )
        numbers = {name: finite_number(state[name], f"state dict entry {name!r}") for name in named}
        for name, parameter in named.items():
            parameter.data = numbers[name]

    # -- files ----------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this module's shape (for :meth:`save`)."""
        raise TypeError(f"{type(self).__name__} cannot be saved: it does not define config()")

    @classmethod
    def check_config(cls, config: dict[str, Any]) -> int:
        """Validate a config read from a file; return how many parameters it describes."""
        raise NotImplementedError

    @classmethod
    def from_config(cls: type[ModuleT], config: dict[str, Any]) -> ModuleT:
        """Build a module (with placeholder weights) from a config that passed check_config."""
        raise NotImplementedError

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the module to ``path`` as JSON: format tag, version, class, config, state."""
        name = type(self).__name__
        if _SAVABLE.get(name) is not type(self):
            raise TypeError(f"{name} cannot be saved; savable classes: {', '.join(sorted(_SAVABLE))}")
        state = self.state_dict()
        for key, number in state.items():
            if not math.isfinite(number):
                raise ValueError(f"cannot save {name}: parameter {key!r} is {number!r}, not finite")
        config = self.config()
        document = {"format": FORMAT, "version": VERSION, "class": name, "config": config, "state": state}
        with open(path, "w", encoding="utf-8") as file:
            json.dump(document, file, indent=1, allow_nan=False)
            file.write("\n")

    @classmethod
    def load(cls: type[ModuleT], path: str | os.PathLike[str]) -> ModuleT:
        """Read a module saved by :meth:`save`. Nothing in the file is ever executed.

        ``MLP.load(path)`` insists on an MLP; ``Module.load(path)`` accepts any savable class.

        Raises:
            ValueError: naming the problem, for any file that is not a valid saved model
                (not JSON, nested too deeply, NaN, wrong keys or types, unknown class,
                shapes that disagree with the weights, ...).
            OSError: the file cannot be read.
        """
        try:
            return _build_from_document(cls, _read_json(path))
        except (TypeError, ValueError) as error:
            raise ValueError(f"cannot load model from {os.fspath(path)!r}: {error}") from None


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------


def _parameters_in(prefix: str, item: object) -> Iterator[tuple[str, Value]]:
    if isinstance(item, Value):
        yield prefix, item
    elif isinstance(item, Module):
        for name, parameter in item.named_parameters():
            yield f"{prefix}.{name}", parameter
    elif isinstance(item, (list, tuple)):
        for index, element in enumerate(item):
            yield from _parameters_in(f"{prefix}.{index}", element)


def _some(names: list[str], shown: int = 5) -> str:
    listed = ", ".join(repr(name) for name in names[:shown])
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return f"{listed}{more}"


def _reject_constant(name: str) -> float:
    # json.load would otherwise turn the non-standard words NaN and Infinity into floats
    raise ValueError(f"the file contains {name}; model files may hold finite numbers only")


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"key {key!r} appears twice in one JSON object")
        result[key] = value
    return result


def _read_json(path: str | os.PathLike[str]) -> Any:
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file, parse_constant=_reject_constant, object_pairs_hook=_reject_duplicates)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    except UnicodeDecodeError:
        raise ValueError("the file is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"the file is not valid JSON ({error})") from None


def require_keys(mapping: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    """Raise unless ``mapping`` is a dict with exactly ``keys`` (names the missing or unknown ones)."""
    if not isinstance(mapping, dict):
        raise ValueError(f"{where} must be a JSON object, got {type(mapping).__name__}")
    missing = [key for key in keys if key not in mapping]
    unknown = [key for key in mapping if key not in keys]
    if missing:
        raise ValueError(f"{where} is missing {_some(missing)}")
    if unknown:
        raise ValueError(f"{where} has unknown {_some(unknown)}")


def _build_from_document(cls: type[ModuleT], document: Any) -> ModuleT:
    require_keys(document, ("format", "version", "class", "config", "state"), "the top level")
    if document["format"] != FORMAT:
        raise ValueError(f"format is {document['format']!r}, expected {FORMAT!r}")
    version = document["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version != VERSION:
        raise ValueError(f"version {version!r} is not supported (this chaingrad reads version {VERSION})")
    class_name = document["class"]
    if not isinstance(class_name, str) or class_name not in _SAVABLE:
        raise ValueError(f"unknown class {class_name!r}; known: {', '.join(sorted(_SAVABLE))}")
    model_class = _SAVABLE[class_name]
    if not issubclass(model_class, cls):
        raise ValueError(f"the file holds a {class_name}, not a {cls.__name__}")
    config, state = document["config"], document["state"]
    if not isinstance(config, dict):
        raise ValueError(f"config must be a JSON object, got {type(config).__name__}")
    if not isinstance(state, dict):
        raise ValueError(f"state must be a JSON object, got {type(state).__name__}")
    # Count before building: a config that asks for a billion weights is refused
    # here, instead of being allocated, unless the file really holds them all.
    expected = model_class.check_config(config)
    if expected != len(state):
        raise ValueError(f"config describes {expected} parameters but state has {len(state)} entries")
    model = model_class.from_config(config)
    model.load_state_dict(state)
    return model
