"""Model and optimizer files: the JSON format, and all the writing, reading and checking of it.

The classes only describe themselves; this module turns the descriptions into files and back.

* A module states its shape with ``config()`` (checked by ``check_config``, rebuilt by
  ``from_config``) and its weights with ``state_dict()``. Only classes registered with
  [`savable`][nn.serialize.savable] can be written or read, so a file can never make
  chaingrad build anything else.
* An optimizer states its settings and running statistics with ``state_dict()`` and takes
  them back with ``load_state_dict()``.

A model file::

    {"format": "chaingrad.nn", "version": 1, "class": "MLP",
     "config": {"nin": 2, "sizes": [4, 1], "activations": ["tanh", "linear"]},
     "state": {"layers.0.neurons.0.w.0": 0.25, ...}}

An optimizer file (see [`nn.optim.Adam.state_dict`][])::

    {"format": "chaingrad.nn.optimizer", "version": 1, "class": "Adam",
     "state": {"lr": 0.001, "betas": [0.9, 0.999], "eps": 1e-08, "weight_decay": 0.0,
               "t": 10, "m": [...], "v": [...]}}

Floats are written in Python's shortest form that reads back as the same float, so a
save and a load change no bit of any number, and training resumed from a saved model
and optimizer continues exactly as if it had never stopped.

Files are JSON, never pickle: unpickling can run any code, and a model file must be
safe to open whoever wrote it. Reading treats every file as possibly damaged or hostile:

* only a regular file is read. A directory, a device such as ``/dev/zero`` (endless
  zeros) or a named pipe (whose opening waits, maybe forever, for a writer) is refused
  by looking at it with ``os.stat`` *before* opening it;
* at most ``max_bytes`` are read ([`MAX_FILE_BYTES`][nn.serialize.MAX_FILE_BYTES] unless
  told otherwise), so no file can exhaust memory, even one that grows while it is read;
* the text must be UTF-8 JSON, with no key twice in one object;
* every number must fit a float: ``NaN``, ``Infinity``, ``1e999`` and 400-digit integers
  are refused, naming the entry that holds them;
* every key, type and shape is checked before anything is built or changed, so a
  failed load leaves the optimizer it was loading into exactly as it was.

Every problem with a file's content is a ``ValueError`` naming the file and the entry,
e.g. ``cannot load model from 'model.json': state entry 'layers.0.neurons.1.w.0' is out
of range (1e999 is beyond the largest float, about 1.8e308)``. A file that cannot be
opened at all (missing, no permission) is an ``OSError``, as for ``open``.
"""

from __future__ import annotations

import json
import math
import os
import stat
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from nn._checks import positive_int, require_keys

if TYPE_CHECKING:  # only for type hints: nn.module and nn.optim import this module
    from nn.module import Module
    from nn.optim import Optimizer

MODEL_FORMAT = "chaingrad.nn"
OPTIMIZER_FORMAT = "chaingrad.nn.optimizer"
VERSION = 1

# 64 MiB holds over a million weights (about 50 bytes each as JSON): more than a scalar
# engine trains in reasonable time, and little enough memory to read without worry.
MAX_FILE_BYTES = 64 * 1024 * 1024
"""Largest file that loading reads unless told otherwise (``max_bytes=``): 64 MiB."""

ModuleT = TypeVar("ModuleT", bound="Module")
PathLike = str | os.PathLike[str]

# Classes that files may name in "class". Filled by @savable; a file can only ever
# build one of these, whatever else it says.
_SAVABLE: dict[str, type[Module]] = {}

# What each format is, for the hint when a file of one kind is loaded as the other.
_KINDS = {MODEL_FORMAT: "a model file (load it with Module.load)",
          OPTIMIZER_FORMAT: "an optimizer file (load it with optimizer.load)"}


def savable(cls: type[ModuleT]) -> type[ModuleT]:
    """Class decorator: allow this module class to be saved to and built from files."""
    _SAVABLE[cls.__name__] = cls
    return cls


# ----------------------------------------------------------------------------
# Models
# ----------------------------------------------------------------------------


def save_module(module: Module, path: PathLike) -> None:
    """Write ``module`` to ``path``: format tag, version, class name, config and state."""
    name = type(module).__name__
    if _SAVABLE.get(name) is not type(module):
        raise TypeError(f"{name} cannot be saved; savable classes: {', '.join(sorted(_SAVABLE))}")
    document = {"format": MODEL_FORMAT, "version": VERSION, "class": name,
                "config": module.config(), "state": module.state_dict()}
    _write_json(document, path, f"cannot save {name}")


def load_module(module_class: type[ModuleT], path: PathLike, *, max_bytes: int = MAX_FILE_BYTES) -> ModuleT:
    """Build the module saved in ``path``; it must be a ``module_class`` (any savable class for Module).

    Raises:
        ValueError: naming the file and the problem, for anything but a regular file of
            at most ``max_bytes`` holding a valid saved model of the right class.
        OSError: the file cannot be opened.
    """
    max_bytes = positive_int(max_bytes, "max_bytes")
    try:
        return _module_from(module_class, _read_json(path, max_bytes))
    except (TypeError, ValueError) as error:
        raise ValueError(f"cannot load model from {os.fspath(path)!r}: {error}") from None


def _module_from(module_class: type[ModuleT], document: Any) -> ModuleT:
    _check_header(document, MODEL_FORMAT)
    require_keys(document, ("format", "version", "class", "config", "state"), "the top level")
    class_name = document["class"]
    if not isinstance(class_name, str) or class_name not in _SAVABLE:
        raise ValueError(f"unknown class {class_name!r}; known: {', '.join(sorted(_SAVABLE))}")
    found = _SAVABLE[class_name]
    if not issubclass(found, module_class):
        raise ValueError(f"the file holds a {class_name}, not a {module_class.__name__}")
    config, state = document["config"], document["state"]
    if not isinstance(config, dict):
        raise ValueError(f"config must be a JSON object, got {type(config).__name__}")
    if not isinstance(state, dict):
        raise ValueError(f"state must be a JSON object, got {type(state).__name__}")
    # Count before building: a config that asks for a billion weights is refused
    # here, instead of being allocated, unless the file really holds them all.
    expected = found.check_config(config)
    if expected != len(state):
        raise ValueError(f"config describes {expected} parameters but state has {len(state)} entries")
    module = found.from_config(config)
    module.load_state_dict(state)
    return module


# ----------------------------------------------------------------------------
# Optimizers
# ----------------------------------------------------------------------------


def save_optimizer(optimizer: Optimizer, path: PathLike) -> None:
    """Write the optimizer's ``state_dict()`` (settings and running statistics) to ``path``."""
    name = type(optimizer).__name__
    document = {"format": OPTIMIZER_FORMAT, "version": VERSION, "class": name,
                "state": optimizer.state_dict()}
    _write_json(document, path, f"cannot save {name} state")


def load_optimizer(optimizer: Optimizer, path: PathLike, *, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Set ``optimizer`` from the state saved in ``path`` by an optimizer of the same class.

    The optimizer must update as many parameters as the saved one did. On any error
    it is left exactly as it was.

    Raises:
        ValueError: naming the file and the problem (wrong class, wrong parameter count,
            bad numbers, not a regular file, over ``max_bytes``, ...).
        OSError: the file cannot be opened.
    """
    max_bytes = positive_int(max_bytes, "max_bytes")
    try:
        document = _read_json(path, max_bytes)
        _check_header(document, OPTIMIZER_FORMAT)
        require_keys(document, ("format", "version", "class", "state"), "the top level")
        wanted = type(optimizer).__name__
        if document["class"] != wanted:
            raise ValueError(f"the file holds {document['class']!r} state, not {wanted} state")
        optimizer.load_state_dict(document["state"])  # checks everything before changing anything
    except (TypeError, ValueError) as error:
        raise ValueError(f"cannot load optimizer state from {os.fspath(path)!r}: {error}") from None


# ----------------------------------------------------------------------------
# Both kinds of file
# ----------------------------------------------------------------------------


def _check_header(document: Any, expected_format: str) -> None:
    """The checks every file starts with: a JSON object of the expected format and version."""
    if not isinstance(document, Mapping):
        raise ValueError(f"the top level must be a JSON object, got {type(document).__name__}")
    if "format" not in document:
        raise ValueError(f"the top level has no 'format'; expected {expected_format!r}")
    found = document["format"]
    if found != expected_format:
        hint = f" (this is {_KINDS[found]})" if isinstance(found, str) and found in _KINDS else ""
        raise ValueError(f"format is {found!r}, expected {expected_format!r}{hint}")
    version = document.get("version")  # missing: None, which is not supported either
    if isinstance(version, bool) or not isinstance(version, int) or version != VERSION:
        raise ValueError(f"version {version!r} is not supported (this chaingrad reads version {VERSION})")


def _write_json(document: dict[str, Any], path: PathLike, failure: str) -> None:
    """Write ``document`` as JSON, after checking that every number in it is finite.

    The whole text is made before the file is opened, so a failure leaves no half-written file.
    """
    for where, item in _leaves(document):
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"{failure}: {_describe(where)} is {item!r}; files hold finite numbers only")
    text = json.dumps(document, indent=1, allow_nan=False)
    with open(path, "w", encoding="utf-8") as file:
        file.write(text + "\n")


def _read_json(path: PathLike, max_bytes: int) -> Any:
    """The JSON document in ``path``, with every number checked to be a finite float."""
    data = _read_regular_file(path, max_bytes)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the file is not UTF-8 text") from None
    try:
        document = json.loads(
            text,
            parse_float=_parse_float,
            parse_int=_parse_int,
            parse_constant=_parse_constant,
            object_pairs_hook=_reject_duplicates,
        )
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"the file is not valid JSON ({error})") from None
    for where, item in _leaves(document):
        if isinstance(item, _OutOfRange):
            raise ValueError(f"{_describe(where)} is out of range ({item.reason})")
    return document


# ----------------------------------------------------------------------------
# Reading a file safely
# ----------------------------------------------------------------------------

# Opening a named pipe for reading waits for a writer; O_NONBLOCK makes open() return at
# once instead. It does not change how a regular file reads. (Windows has neither named
# pipes in the file system nor O_NONBLOCK; there O_BINARY stops newline translation.)
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _read_regular_file(path: PathLike, max_bytes: int) -> bytes:
    """The bytes of ``path``, which must be a regular file of at most ``max_bytes``."""
    _check_regular_file(os.stat(path), max_bytes)  # before opening: opening a pipe can block
    descriptor = os.open(path, _OPEN_FLAGS)
    with os.fdopen(descriptor, "rb") as file:
        # check again what was actually opened: the path may have been replaced since the stat
        _check_regular_file(os.fstat(file.fileno()), max_bytes)
        data = _read_at_most(file, max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"the file holds more than {max_bytes} bytes, the limit (max_bytes={max_bytes})")
    return data


_CHUNK_BYTES = 1024 * 1024


def _read_at_most(file: BinaryIO, limit: int) -> bytes:
    """Up to ``limit`` bytes of ``file``, read a chunk at a time.

    The reader asks for one byte more than max_bytes: getting it tells "too big" apart
    from "exactly max_bytes" without trusting st_size, which can be 0 for files that are
    not (those in /proc) or grow meanwhile. Chunks, because ``file.read(n)`` sets aside
    n bytes before reading: 64 MiB for every small file.
    """
    chunks: list[bytes] = []
    total = 0
    while total < limit:
        chunk = file.read(min(_CHUNK_BYTES, limit - total))
        if not chunk:  # the end of the file
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _check_regular_file(info: os.stat_result, max_bytes: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"it is {_file_kind(info.st_mode)}, not a regular file")
    if info.st_size > max_bytes:
        raise ValueError(
            f"the file is {info.st_size} bytes, more than the limit of {max_bytes} bytes "
            "(pass a larger max_bytes= to read it)"
        )


def _file_kind(mode: int) -> str:
    kinds = [(stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISSOCK, "a socket")]
    return next((name for is_kind, name in kinds if is_kind(mode)), "a special file")


# ----------------------------------------------------------------------------
# Parsing numbers and objects
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _OutOfRange:
    """A number in the file that no finite float holds. The parser puts this in its place
    so that the error can name the entry (found by walking the document afterwards)."""

    reason: str


def _parse_float(text: str) -> float | _OutOfRange:
    number = float(text)  # 1e999 reads as inf
    if not math.isfinite(number):
        return _OutOfRange(f"{text} is beyond the largest float, about 1.8e308")
    return number


_FLOAT_MAX_AS_INT = int(sys.float_info.max)


def _parse_int(text: str) -> int | _OutOfRange:
    # The largest float, ~1.8e308, has 309 digits. Looking at the length first also saves
    # converting a million-digit integer, which takes quadratic time.
    digits = len(text.lstrip("-"))
    if digits > 309 or abs(int(text)) > _FLOAT_MAX_AS_INT:
        return _OutOfRange(f"an integer of {digits} digits is beyond the largest float, about 1.8e308")
    return int(text)


def _parse_constant(text: str) -> _OutOfRange:
    # json reads the non-standard words NaN, Infinity and -Infinity; no file may hold them
    return _OutOfRange(f"{text} is not a finite number")


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"key {key!r} appears twice in one JSON object")
        result[key] = value
    return result


# ----------------------------------------------------------------------------
# Walking a document
# ----------------------------------------------------------------------------

Location = list[str | int]


def _leaves(document: Any) -> Iterator[tuple[Location, Any]]:
    """Every item of a document that is not an object or a list, with where it is, in order.

    A loop with a stack rather than recursion: a document may be nested as deeply as
    the JSON parser allows, and this walk must not hit the recursion limit on it.
    """
    stack: list[tuple[Location, Any]] = [([], document)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            children: list[tuple[str | int, Any]] = list(item.items())
        elif isinstance(item, (list, tuple)):
            children = list(enumerate(item))
        else:
            yield where, item
            continue
        stack.extend(([*where, key], child) for key, child in reversed(children))


def _describe(where: Location) -> str:
    """``state entry 'layers.0.w.1'``, ``config entry 'sizes[0]'``, ``state entry 'm[3]'``."""
    if not where:
        return "the document"
    section, *inside = where
    if not inside:
        return f"top-level entry {section!r}"
    first, *rest = inside
    name = str(first) + "".join(f"[{key}]" if isinstance(key, int) else f"[{key!r}]" for key in rest)
    return f"{section} entry {name!r}"
