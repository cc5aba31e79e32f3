"""``Module``: the base class of every network part: calling it, its parameters and its state.

``model(x)`` runs ``model.forward(x)``, as in PyTorch: a subclass defines ``forward``
(and nothing else for calling), and checks its input there.

Parameters are found by looking at a module's attributes, in the order they were set:

* a [`Value`][autograd.value.Value] attribute ``b`` is a parameter named ``b``;
* a list of Values ``w`` gives ``w.0``, ``w.1``, ... (a list of lists: ``W.0.0``, ...);
* a sub-module (or a list of them) contributes its own names under a prefix.

So an [`MLP`][nn.layers.MLP]'s parameters are named like ``layers.0.neurons.1.w.0`` (layer 0,
neuron 1, weight 0) and ``layers.0.neurons.1.b`` (its bias). Attributes whose names
start with ``_`` are private and never searched. Each parameter's ``label`` is set to its
name, so drawings and gradient-check messages say which weight they are about.

A module describes itself for files with [`Module.config`][nn.module.Module.config] (its
shape) and [`Module.state_dict`][nn.module.Module.state_dict] (its weights);
[`nn.serialize`][] does the writing and reading, and [`Module.save`][nn.module.Module.save]
and [`Module.load`][nn.module.Module.load] hand over to it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from autograd import Value
from nn._checks import finite_number, some
from nn.serialize import MAX_FILE_BYTES, PathLike, load_module, save_module

ModuleT = TypeVar("ModuleT", bound="Module")


class Module:
    """Base class: calling, parameter discovery, zero_grad, state dicts, save and load."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """``module(x)`` is ``module.forward(x)``: subclasses define forward, never __call__."""
        return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The module's computation, from its input to its output. Every subclass defines it."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

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

        The names must match [`named_parameters`][nn.module.Module.named_parameters] exactly.
        Everything is checked before anything is assigned, so a bad ``state`` leaves the
        module unchanged.

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
                problems.append(f"missing {some(missing)}")
            if unexpected:
                problems.append(f"unexpected {some(unexpected)}")
            raise ValueError(
                f"state dict does not fit this {type(self).__name__}: it has {len(state)} entries, "
                f"the model has {len(named)} parameters; " + "; ".join(problems)
            )
        numbers = {name: finite_number(state[name], f"state dict entry {name!r}") for name in named}
        for name, parameter in named.items():
            parameter.data = numbers[name]

    # -- files (nn.serialize reads and writes them) ---------------------------

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this module's shape (saved with the weights)."""
        raise TypeError(f"{type(self).__name__} cannot be saved: it does not define config()")

    @classmethod
    def check_config(cls, config: dict[str, Any]) -> int:
        """Validate a config read from a file; return how many parameters it describes."""
        raise NotImplementedError

    @classmethod
    def from_config(cls: type[ModuleT], config: dict[str, Any]) -> ModuleT:
        """Build a module (with placeholder weights) from a config that passed check_config."""
        raise NotImplementedError

    def save(self, path: PathLike) -> None:
        """Write the module to ``path`` as JSON (see [`nn.serialize.save_module`][])."""
        save_module(self, path)

    @classmethod
    def load(cls: type[ModuleT], path: PathLike, *, max_bytes: int = MAX_FILE_BYTES) -> ModuleT:
        """Read a module saved by [`save`][nn.module.Module.save]. Nothing in the file is ever executed.

        ``MLP.load(path)`` insists on an MLP; ``Module.load(path)`` accepts any savable
        class. Files over ``max_bytes`` (64 MiB by default) are refused unread.

        Raises:
            ValueError: naming the file and the problem, for anything that is not a
                valid saved model (see [`nn.serialize.load_module`][]).
            OSError: the file cannot be opened.
        """
        return load_module(cls, path, max_bytes=max_bytes)


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
