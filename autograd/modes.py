"""Modes that change what the engine does: recording a graph, and checking for anomalies.

* [`no_grad`][autograd.modes.no_grad] / [`enable_grad`][autograd.modes.enable_grad]: whether
  new ops record their inputs. Outside ``no_grad`` every op remembers where it came from, so backward can
  walk back through it; inside, ops only compute numbers (cheaper, for
  evaluation and optimizer updates).
* [`detect_anomaly`][autograd.modes.detect_anomaly]: remember the line of code that created every node, so
  that an error in backward says which line of *your* forward code built the
  op that failed.

Each mode is held in a ``contextvars.ContextVar``, so it belongs to one
thread (and one asyncio task): a ``no_grad`` block in one thread never changes
what another thread records. Every mode works as a context manager and as a
decorator, and is restored on the way out, exception or not::

    with no_grad():
        prediction = model(x)

    @no_grad()
    def evaluate(model, data): ...
"""

from __future__ import annotations

import functools
import linecache
import sys
import threading
from collections.abc import Callable
from contextvars import ContextVar, Token
from types import TracebackType
from typing import Any, NamedTuple, Protocol, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class ValueObserver(Protocol):
    """What [`observe_values`][autograd.modes.observe_values] reports to: reads a graph cannot show.

    A graph records arithmetic, but not Python's control flow: in
    ``x if x > 0 else -x`` only the branch taken is in the graph. The compiler
    ([`autograd.compiler`][autograd.compiler]) watches these reads while it traces a function.
    """

    def compared(self, symbol: str, left: Any, right: Any, outcome: bool) -> None:
        """``left <symbol> right`` was evaluated (``symbol`` is one of ``< <= > >=``)."""

    def converted(self, value: Any) -> None:
        """``float(value)`` was called."""


class Mode(NamedTuple):
    """What the engine should do right now (one immutable object, so reading it is one lookup).

    Attributes:
        grad_enabled: new ops record their inputs (False inside ``no_grad``).
        creation_sites: inside ``detect_anomaly``, where each node was created
            (node -> ``"file:line: source"``); None otherwise.
        value_observer: inside ``observe_values``, told of every comparison of
            Values and every ``float(value)``; None otherwise.
    """

    grad_enabled: bool = True
    creation_sites: dict[Any, str] | None = None
    value_observer: ValueObserver | None = None


DEFAULT_MODE = Mode()
_mode: ContextVar[Mode] = ContextVar("chaingrad_mode", default=DEFAULT_MODE)


current_mode = _mode.get
"""The mode of the calling thread (or task). (The ContextVar's own getter: the engine
calls it for every node it builds, and a direct C call is the cheapest.)"""


def is_grad_enabled() -> bool:
    """True when new ops record the graph (the default; False inside ``no_grad``)."""
    return _mode.get().grad_enabled


class _SetMode:
    """Base of the mode switches: context manager and decorator, thread-safe and re-entrant.

    Each ``with`` pushes a ContextVar token and pops it on exit, so nesting and
    exceptions restore exactly the mode that was there before. Used as a
    decorator, every call of the function makes its own switch, so one
    decorated function can run in several threads at once.
    """

    def __init__(self) -> None:
        # tokens per thread: even one switch object shared by two threads restores each correctly
        self._local = threading.local()

    def changed(self, mode: Mode) -> Mode:
        raise NotImplementedError

    def __enter__(self) -> None:
        tokens: list[Token[Mode]] = self._local.__dict__.setdefault("tokens", [])
        tokens.append(_mode.set(self.changed(_mode.get())))

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        _mode.reset(self._local.tokens.pop())

    def __call__(self, function: F) -> F:
        @functools.wraps(function)
        def with_mode(*args: Any, **kwargs: Any) -> Any:
            with self:
                return function(*args, **kwargs)

        return with_mode  # type: ignore[return-value]


class no_grad(_SetMode):  # noqa: N801 -- lower case like the function it replaces and like PyTorch
    """Inside this block (or decorated function), ops compute values but record no graph.

    Use it for evaluation and optimizer updates, where nobody calls backward,
    to save the memory and time of recording. Only the calling thread is affected.
    """

    def changed(self, mode: Mode) -> Mode:
        return mode._replace(grad_enabled=False)


class enable_grad(_SetMode):  # noqa: N801
    """Record the graph again inside a ``no_grad`` block (e.g. in a helper that must differentiate)."""

    def changed(self, mode: Mode) -> Mode:
        return mode._replace(grad_enabled=True)


class detect_anomaly(_SetMode):  # noqa: N801
    """Remember where each node was created, so backward errors name the forward line that built the op.

    With the overflow policy (every op refuses a non-finite result), NaNs and
    infinities cannot spread silently; what is left to find is *where* the
    failing op came from. Inside this block every new node remembers the
    ``file:line`` of the code outside chaingrad that created it, and an error
    raised by backward through that node ends with "created at <file:line>".
    Off by default; costs one dictionary entry per node when on.

    >>> from autograd import Value
    >>> with detect_anomaly():
    ...     x = Value(0.0, label="x")
    ...     y = x.sqrt()
    ...     y.backward()
    Traceback (most recent call last):
    ...
    ZeroDivisionError: backward through sqrt(x=0.0) failed: ... created at ...
    """

    def changed(self, mode: Mode) -> Mode:
        # nested blocks share one record, so nodes made in the outer block stay findable
        sites = mode.creation_sites if mode.creation_sites is not None else {}
        return mode._replace(creation_sites=sites)


class observe_values(_SetMode):  # noqa: N801
    """Report every comparison of Values and every ``float(value)`` in this thread to ``observer``."""

    def __init__(self, observer: ValueObserver) -> None:
        super().__init__()
        self.observer = observer

    def changed(self, mode: Mode) -> Mode:
        return mode._replace(value_observer=self.observer)


def creation_site(node: Any) -> str | None:
    """Where ``node`` was created, if it was created inside ``detect_anomaly`` (else None)."""
    sites = _mode.get().creation_sites
    return None if sites is None else sites.get(node)


def caller_outside_package() -> str:
    """``file:line: source`` of the innermost frame that is not chaingrad's own engine code."""
    frame = sys._getframe(1)
    while frame is not None and _is_engine_file(frame.f_code.co_filename):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return "<unknown>"
    filename, line = frame.f_code.co_filename, frame.f_lineno
    source = linecache.getline(filename, line).strip()
    return f"{filename}:{line}" + (f": {source}" if source else "")


def _is_engine_file(filename: str) -> bool:
    return filename.startswith(_PACKAGE_DIRECTORY)


_PACKAGE_DIRECTORY = __file__.rsplit("modes.py", 1)[0]
