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
* the text must be UTF-8 JSON, with no key twice in one object, nested at most 32
  levels deep;
* what is read is checked as it is read, not once all of it is built: the top level is
  read one key at a time and an unknown key is refused before its value is looked at,
  and no entry may hold more values (numbers, strings, lists, objects) than it should:
  the state one per parameter that the config describes (or that the optimizer
  updates), anything else a few thousand. So a hostile file is refused having cost
  about twice its size in memory (its bytes, then its text), never the gigabyte of
  Python objects that ``json.loads`` would build from a long list of short numbers;
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
import json.scanner
import math
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
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

_MODEL_KEYS = ("format", "version", "class", "config", "state")


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
        text = _read_text(path, max_bytes)
        document = _read_document(text, MODEL_FORMAT, _MODEL_KEYS,
                                  lambda read_so_far: _model_state_limit(module_class, read_so_far))
        return _module_from(module_class, document)
    except (TypeError, ValueError) as error:
        raise ValueError(f"cannot load model from {os.fspath(path)!r}: {error}") from None


def _model_state_limit(module_class: type[Module], read_so_far: dict[str, Any]) -> tuple[int, str]:
    """How many values a model's state may hold, and the error if it holds more.

    Known from the class and config, if they come before the state in the file, as every
    writer puts them (in the order written, or sorted). A small model whose file has them
    after the state still loads.
    """
    if "format" in read_so_far:  # a file of another format is refused as that, first
        _check_format(read_so_far["format"], MODEL_FORMAT)
    if "class" not in read_so_far or "config" not in read_so_far:
        return _SMALL_VALUES, (f"state holds more than {_SMALL_VALUES} values before the class and "
                               "config that say how many it should (put them before 'state')")
    _, expected = _class_and_size(module_class, read_so_far)
    # The slack lets a few entries too many (or a weight written as [0.5]) reach the
    # checks that name them, instead of this count.
    limit = expected + 1 + _SMALL_VALUES
    return limit, f"state holds more than {limit} values; its config describes {expected} parameters"


def _module_from(module_class: type[ModuleT], document: dict[str, Any]) -> ModuleT:
    _check_header(document, MODEL_FORMAT)
    require_keys(document, _MODEL_KEYS, "the top level")
    found, expected = _class_and_size(module_class, document)
    state = document["state"]
    if not isinstance(state, dict):
        raise ValueError(f"state must be a JSON object, got {type(state).__name__}")
    if expected != len(state):
        raise ValueError(f"config describes {expected} parameters but state has {len(state)} entries")
    module = found.from_config(document["config"])
    module.load_state_dict(state)
    return module


def _class_and_size(module_class: type[ModuleT], document: dict[str, Any]) -> tuple[type[ModuleT], int]:
    """The class the file names and how many parameters its config describes, both checked."""
    class_name = document["class"]
    if not isinstance(class_name, str) or class_name not in _SAVABLE:
        raise ValueError(f"unknown class {_shown(class_name)}; known: {', '.join(sorted(_SAVABLE))}")
    found = _SAVABLE[class_name]
    if not issubclass(found, module_class):
        raise ValueError(f"the file holds a {class_name}, not a {module_class.__name__}")
    config = document["config"]
    if not isinstance(config, dict):
        raise ValueError(f"config must be a JSON object, got {type(config).__name__}")
    # Count before building: a config that asks for a billion weights is refused
    # here, instead of being allocated, unless the file really holds them all.
    return found, found.check_config(config)


# ----------------------------------------------------------------------------
# Optimizers
# ----------------------------------------------------------------------------

_OPTIMIZER_KEYS = ("format", "version", "class", "state")


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
    wanted = type(optimizer).__name__
    # A file saved by an optimizer like this one holds as many values as its own state does.
    saved = _count_values(optimizer.state_dict())
    limit = saved + _SMALL_VALUES
    too_many = f"state holds more than {limit} values; this {wanted}'s own state has {saved}"
    try:
        text = _read_text(path, max_bytes)
        document = _read_document(text, OPTIMIZER_FORMAT, _OPTIMIZER_KEYS,
                                  lambda _: (limit, too_many))
        _check_header(document, OPTIMIZER_FORMAT)
        require_keys(document, _OPTIMIZER_KEYS, "the top level")
        if document["class"] != wanted:
            raise ValueError(f"the file holds {_shown(document['class'])} state, not {wanted} state")
        optimizer.load_state_dict(document["state"])  # checks everything before changing anything
    except (TypeError, ValueError) as error:
        raise ValueError(f"cannot load optimizer state from {os.fspath(path)!r}: {error}") from None


def _count_values(item: Any) -> int:
    """How many JSON values ``item`` makes: itself, and everything in it if it is a list or an object."""
    if isinstance(item, dict):
        item = list(item.values())
    if isinstance(item, (list, tuple)):
        return 1 + sum(_count_values(x) if isinstance(x, (dict, list, tuple)) else 1 for x in item)
    return 1


# ----------------------------------------------------------------------------
# Both kinds of file
# ----------------------------------------------------------------------------


def _check_header(document: Any, expected_format: str) -> None:
    """The checks every file starts with: a JSON object of the expected format and version."""
    if not isinstance(document, Mapping):
        raise ValueError(f"the top level must be a JSON object, got {type(document).__name__}")
    if "format" not in document:
        raise ValueError(f"the top level has no 'format'; expected {expected_format!r}")
    _check_format(document["format"], expected_format)
    version = document.get("version")  # missing: None, which is not supported either
    if isinstance(version, bool) or not isinstance(version, int) or version != VERSION:
        supported = f"this chaingrad reads version {VERSION}"
        raise ValueError(f"version {_shown(version)} is not supported ({supported})")


def _check_format(found: Any, expected_format: str) -> None:
    if found != expected_format:
        hint = f" (this is {_KINDS[found]})" if isinstance(found, str) and found in _KINDS else ""
        raise ValueError(f"format is {_shown(found)}, expected {expected_format!r}{hint}")


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


def _read_text(path: PathLike, max_bytes: int) -> str:
    """The text of ``path``: a regular file of at most ``max_bytes`` bytes of UTF-8."""
    try:
        # one expression, so that the bytes are let go as soon as the text is made
        return _read_regular_file(path, max_bytes).decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the file is not UTF-8 text") from None


def _read_document(
    text: str,
    expected_format: str,
    keys: tuple[str, ...],
    state_limit: Callable[[dict[str, Any]], tuple[int, str]],
) -> dict[str, Any]:
    """The top-level object of a file, read one entry at a time and checked as it comes.

    A key that is not one of ``keys`` is refused before its value is read. The state may
    hold as many values as ``state_limit`` says, given the entries read before it (it
    also gives the error for more); any other entry ``_SMALL_VALUES``.
    """
    try:
        return _read_entries(_JsonReader(text), expected_format, keys, state_limit)
    except json.JSONDecodeError as error:
        raise ValueError(f"the file is not valid JSON ({error})") from None


def _read_entries(
    reader: _JsonReader,
    expected_format: str,
    keys: tuple[str, ...],
    state_limit: Callable[[dict[str, Any]], tuple[int, str]],
) -> dict[str, Any]:
    if reader.peek() != "{":
        # read it all the same (it is small, or refused as too big), so that text that is
        # not JSON, or is nested too deeply, is reported as such
        value = reader.read([], _SMALL_VALUES, "the top level must be a JSON object, got list")
        reader.finish()
        raise ValueError(f"the top level must be a JSON object, got {type(value).__name__}")
    document: dict[str, Any] = {}
    for key in reader.members():
        if key not in keys:
            if "format" in document:  # a file of the other kind: saying so helps more
                _check_format(document["format"], expected_format)
            raise ValueError(f"the top level has unknown {_shown(key)}")
        if key == "state":
            limit, too_many = state_limit(document)
        else:
            limit = _SMALL_VALUES
            too_many = f"{key} holds more than {limit} values; no entry but the state needs that many"
        document[key] = reader.read([key], limit, too_many)
    reader.finish()
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
# Reading JSON a piece at a time, within limits
# ----------------------------------------------------------------------------

# The files this module writes nest three levels deep at most (the top level, the state,
# a list of moments). Deeper nesting is refused before it can exhaust Python's stack.
_MAX_DEPTH = 32

# The most values (numbers, strings, lists and objects, counted one each) that an entry
# of the top level other than the state may hold: a config for thousands of layers.
_SMALL_VALUES = 10_000

_WHITESPACE = re.compile(r"[ \t\n\r]*")  # the four characters JSON allows between tokens
_BRACKET_OR_BACKSLASH = re.compile(r"[\[\]{}\\]")


class _NumberOutOfRangeError(Exception):
    """Raised by the number parsers below; the reader adds which entry holds the number."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _JsonReader:
    """Reads one JSON text a value at a time, so that a loader can refuse what it does
    not expect before it is built.

    ``json.loads`` builds every list and object of a file before anyone can look at it:
    a 30 MB file with a list of short numbers under an unknown key becomes over a
    gigabyte of Python objects before the key is even seen. This reader walks the
    objects and lists itself, counting the values each holds against a limit, and
    leaves numbers and strings to the json module's fast C scanner. A list or object
    with no list or object inside (a model's state, a list of moments) goes to the
    scanner whole, once a count of its commas shows that it is within the limit: so a
    large model still loads as fast as ``json.loads`` would read it.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0  # where the next character to read is
        self.path: Location = []  # where the value being read is, for error messages
        self.left = 0  # how many more values the entry being read may hold
        self.too_many = ""  # the error when it holds more
        decoder = json.JSONDecoder(parse_float=_parse_float, parse_int=_parse_int,
                                   parse_constant=_parse_constant, object_pairs_hook=_reject_duplicates)
        # scan(text, at) is (the value that starts at ``at``, where it ends): the json module's
        # own scanner, in C (typeshed types its argument oddly, hence the ignore)
        self.scan = json.scanner.make_scanner(decoder)  # type: ignore[arg-type]

    # -- what the loaders call --------------------------------------------------

    def peek(self) -> str:
        """The next character that is not whitespace ("" at the end), without reading it."""
        self.at = _WHITESPACE.match(self.text, self.at).end()  # type: ignore[union-attr]
        return self.text[self.at : self.at + 1]

    def members(self) -> Iterator[str]:
        """The keys of the object that starts here, in order. Read each key's value before the next."""
        self._expect("{")
        seen: set[str] = set()
        if self._next_is("}"):
            return
        while True:
            key = self._key()
            if key in seen:
                raise ValueError(f"key {_shown(key)} appears twice in one JSON object")
            seen.add(key)
            self._expect(":")
            yield key
            if self._next_is("}"):
                return
            self._expect(",")

    def read(self, where: Location, limit: int, too_many: str) -> Any:
        """The value that starts here, at ``where`` in the document; ValueError(too_many)
        as soon as it is found to hold more than ``limit`` values."""
        self.path, self.left, self.too_many = list(where), limit, too_many
        return self._value()

    def finish(self) -> None:
        """Check that nothing but whitespace follows what was read."""
        if self.peek():
            raise json.JSONDecodeError("Extra data", self.text, self.at)

    # -- values ---------------------------------------------------------------------

    def _value(self) -> Any:
        opening = self.peek()
        if opening not in ("{", "["):
            self._spend(1)
            return self._scalar()
        if len(self.path) > _MAX_DEPTH:
            raise ValueError(f"the JSON is nested too deeply (more than {_MAX_DEPTH} levels)")
        flat = self._read_flat(opening)
        if flat is not None:
            return flat
        self._spend(1)
        return self._object() if opening == "{" else self._list()

    def _scalar(self) -> Any:
        """A string, a number, true, false or null: the C scanner reads it (it never builds a list here)."""
        try:
            value, self.at = self.scan(self.text, self.at)
        except StopIteration:
            raise json.JSONDecodeError("Expecting value", self.text, self.at) from None
        except _NumberOutOfRangeError as error:
            raise ValueError(f"{_describe(self.path)} is out of range ({error.reason})") from None
        return value

    def _read_flat(self, opening: str) -> list[Any] | dict[str, Any] | None:
        """The list or object that starts here, read by the C scanner at C speed, if it
        holds no list or object; None if it may (the caller then walks it itself).

        Then its end is its first closing bracket outside a string, and its size can be
        counted before it is read: it holds at most one value more than it has commas.
        """
        text, start = self.text, self.at + 1
        first = _BRACKET_OR_BACKSLASH.search(text, start)  # looks no further than it must
        if first is None or first.group() != ("]" if opening == "[" else "}"):
            return None  # a list or object inside, a backslash (an escape in a string), or no end
        end = first.start()
        if text.count('"', start, end) % 2:
            # with no backslash every quote opens or closes a string: an odd number of
            # them before the bracket puts it inside a string
            return None
        count = text.count(",", start, end) + 2  # the items, and the list or object itself
        self._spend(count)  # refused here, before anything is built, if it is too long
        try:
            value, self.at = self.scan(text, self.at)
        except _NumberOutOfRangeError:
            self.left += count  # walked item by item instead, to find which entry holds it
            return None
        flat: list[Any] | dict[str, Any] = value
        return flat

    def _object(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key in self.members():
            result[key] = self._item(key)
        return result

    def _list(self) -> list[Any]:
        self._expect("[")
        result: list[Any] = []
        if self._next_is("]"):
            return result
        while True:
            result.append(self._item(len(result)))
            if self._next_is("]"):
                return result
            self._expect(",")

    def _item(self, key: str | int) -> Any:
        """The value of an object's ``key``, or of a list's item number ``key``."""
        self.path.append(key)
        value = self._value()
        self.path.pop()
        return value

    def _spend(self, count: int) -> None:
        if count > self.left:
            raise ValueError(self.too_many)
        self.left -= count

    # -- punctuation ------------------------------------------------------------

    def _key(self) -> str:
        if self.peek() != '"':
            expected = "Expecting property name enclosed in double quotes"
            raise json.JSONDecodeError(expected, self.text, self.at)
        key: str = self._scalar()
        return key

    def _next_is(self, char: str) -> bool:
        """Read ``char`` if it comes next (after whitespace)."""
        if self.peek() != char:
            return False
        self.at += 1
        return True

    def _expect(self, char: str) -> None:
        if not self._next_is(char):
            raise json.JSONDecodeError(f"Expecting {char!r}", self.text, self.at)


# ----------------------------------------------------------------------------
# Parsing numbers and objects (the C scanner calls these)
# ----------------------------------------------------------------------------


def _parse_float(text: str) -> float:
    number = float(text)  # 1e999 reads as inf
    if not math.isfinite(number):
        raise _NumberOutOfRangeError(f"{_shortened(text)} is beyond the largest float, about 1.8e308")
    return number


def _shortened(text: str, most: int = 40) -> str:
    """``text``, or its start and end if it is long: an error message must not hold a 30 MB number."""
    if len(text) <= most:
        return text
    half = most // 2
    return f"{text[:half]}...{text[-half:]} ({len(text)} characters)"


def _shown(item: Any) -> str:
    """What the file holds, as an error message shows it: its repr, shortened if it is long."""
    return _shortened(repr(item), 100)


_FLOAT_MAX_AS_INT = int(sys.float_info.max)


def _parse_int(text: str) -> int:
    # The largest float, ~1.8e308, has 309 digits. Looking at the length first also saves
    # converting a million-digit integer, which takes quadratic time.
    digits = len(text.lstrip("-"))
    if digits > 309 or abs(int(text)) > _FLOAT_MAX_AS_INT:
        reason = f"an integer of {digits} digits is beyond the largest float, about 1.8e308"
        raise _NumberOutOfRangeError(reason)
    return int(text)


def _parse_constant(text: str) -> float:
    # json reads the non-standard words NaN, Infinity and -Infinity; no file may hold them
    raise _NumberOutOfRangeError(f"{text} is not a finite number")


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"key {_shown(key)} appears twice in one JSON object")
        result[key] = value
    return result


# ----------------------------------------------------------------------------
# Walking a document
# ----------------------------------------------------------------------------

Location = list[str | int]


def _leaves(document: Any) -> Iterator[tuple[Location, Any]]:
    """Every item of a document that is not an object or a list, with where it is, in order.

    A loop with a stack rather than recursion: a document may be nested deeply, and
    this walk must not hit the recursion limit on it.
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
    return f"{section} entry {_shown(name)}"
