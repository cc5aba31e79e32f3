"""The Playground's Python side: run the editor's code as a notebook cell would, in the browser.

``playground-worker.js`` loads Pyodide, installs the library's wheel, imports
this module and calls [run][] for every Run. What the code prints, and every
picture it shows, is sent to the page as it happens, through ``send(kind, text)``:

* ``("stdout", text)`` and ``("stderr", text)``: printed text, and warnings;
* ``("figure", html)``: a picture, as Jupyter would show it: the HTML of the
  object's rich display (a Value's graph, a network diagram, a replay with its
  script), or else its SVG.

Like a notebook cell, the last line's value is shown when it is an expression
(``L`` alone shows L's graph), and ``display(x)`` shows ``x`` anywhere. Unlike
a notebook, every run starts from a fresh namespace: what the editor holds is
the whole program. An error ends the run with one short line,
``ZeroDivisionError: float division by zero (line 3)``, never a traceback
through the library's insides.
"""

from __future__ import annotations

import ast
import io
import itertools
import math
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

Send = Callable[[str, str], None]

FILENAME = "<playground>"  # the code's name in tracebacks: how its own lines are told apart
PICTURE_KINDS = ("text/html", "image/svg+xml")  # the rich displays the page shows, best first
NOT_HERE = {"numpy", "torch", "matplotlib", "tqdm", "IPython", "ipywidgets", "pandas", "scipy"}
NOT_HERE_NOTE = "the playground has the library and Python's standard library only"


def run(code: str, send: Send) -> str | None:
    """Run ``code``, sending its output as it comes; return the error's short line, or None.

    The page shows that line as the run's error (and adds it to the run's stderr).
    """
    output = _Output(send)
    namespace: dict[str, Any] = {
        "__name__": "__main__",
        "display": lambda *shown: _display(shown, output),
        "input": _no_input,
    }
    with (
        redirect_stdout(_Stream("stdout", output)),
        redirect_stderr(_Stream("stderr", output)),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("default")  # each warning once per place, as in a notebook
        warnings.showwarning = lambda message, category, filename, lineno, *_: output.write(
            "stderr", _warning_line(message, category, filename, lineno)
        )  # one line, not the file path and source line that Python shows
        try:
            _run_cell(code, namespace, output)
        except BaseException as error:  # SystemExit and KeyboardInterrupt too: the page stays up
            return short_error(error)
        finally:
            output.flush()
    return None


def _run_cell(code: str, namespace: dict[str, Any], output: _Output) -> None:
    """Run the statements, then show the last one's value if it is an expression (as a notebook does)."""
    tree = ast.parse(code, FILENAME)
    last = tree.body[-1] if tree.body else None
    shown = last.value if isinstance(last, ast.Expr) else None
    if shown is not None:
        tree.body.pop()
    exec(compile(tree, FILENAME, "exec"), namespace)
    if shown is not None:
        value = eval(compile(ast.Expression(shown), FILENAME, "eval"), namespace)
        if value is not None:
            _display([value], output)


def _display(shown: Any, output: _Output) -> None:
    """Show each object as Jupyter would: its picture when it has one, else its text."""
    for thing in shown:
        kind, content = _best_display(thing)
        if kind == "text/plain":
            output.write("stdout", content + "\n")
        else:
            output.figure(content if kind == "text/html" else content[content.find("<svg") :])


def _best_display(thing: Any) -> tuple[str, str]:
    """The richest of ``thing``'s displays that the page shows: (mimetype, content)."""
    bundle: dict[str, Any] = {}
    try:
        if hasattr(thing, "_repr_mimebundle_"):
            found = thing._repr_mimebundle_(include=None, exclude=None)
            bundle = dict(found[0] if isinstance(found, tuple) else found)  # (data, metadata) or data
        for kind, method in (("text/html", "_repr_html_"), ("image/svg+xml", "_repr_svg_")):
            if kind not in bundle and hasattr(thing, method):
                bundle[kind] = getattr(thing, method)()
    except Exception as error:  # a display that fails shows the text, and why, as IPython does
        return "text/plain", f"{thing!r}\n(no picture: {short_error(error)})"
    for kind in PICTURE_KINDS:
        if isinstance(bundle.get(kind), str):
            return kind, bundle[kind]
    return "text/plain", str(bundle.get("text/plain", repr(thing)))


def _no_input(prompt: object = "") -> str:
    raise OSError("input() has no keyboard to read from in the playground: write the value into the code")


def short_error(error: BaseException) -> str:
    """One line: the error's type and message, and the line of the editor's code where it happened."""
    if isinstance(error, SyntaxError) and error.filename == FILENAME:
        return f"{type(error).__name__}: {error.msg} (line {error.lineno})"
    message = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    message = " ".join(message.split())
    line = _line_in_code(error)
    if line is not None:
        message += f" (line {line})"
    if _missing_here(error):  # NumPy, PyTorch...: the library's advice to pip install them cannot help
        message += f": {NOT_HERE_NOTE}"
    return message


def _missing_here(error: BaseException | None) -> bool:
    """Did the error come from importing a package the playground does not have (directly, or as cause)?"""
    while error is not None:
        if isinstance(error, ModuleNotFoundError) and (error.name or "").split(".")[0] in NOT_HERE:
            return True
        error = error.__cause__ or error.__context__
    return False


def _line_in_code(error: BaseException) -> int | None:
    """The line of the editor's code that the error came through last (None: not from the code)."""
    frames = traceback.extract_tb(error.__traceback__)
    lines = [frame.lineno for frame in frames if frame.filename == FILENAME]
    return lines[-1] if lines else None


def _warning_line(message: Warning | str, category: type[Warning], filename: str, lineno: int) -> str:
    where = f" (line {lineno})" if filename == FILENAME else ""
    return f"{category.__name__}: {' '.join(str(message).split())}{where}\n"


class _Output:
    """What the code prints and shows, sent to the page in order.

    Text that comes in a burst (a print in a loop) is gathered and sent every
    ``SEND_EVERY`` seconds: one message per print would keep the page busy
    receiving them. Text after a quiet spell goes at once, so a training's
    progress shows as it happens; what is left goes at the end.
    """

    SEND_EVERY = 0.05

    def __init__(self, send: Send) -> None:
        self.send = send
        self.waiting: list[tuple[str, str]] = []  # (stdout or stderr, text), not sent yet
        self.sent_at = -math.inf

    def write(self, kind: str, text: str) -> None:
        self.waiting.append((kind, text))
        if time.monotonic() - self.sent_at >= self.SEND_EVERY:
            self.flush()

    def figure(self, html: str) -> None:
        self.flush()  # the text printed before the picture comes before it
        self.send("figure", html)

    def flush(self) -> None:
        for kind, pieces in itertools.groupby(self.waiting, key=lambda waiting: waiting[0]):
            self.send(kind, "".join(text for _, text in pieces))
        self.waiting.clear()
        self.sent_at = time.monotonic()


class _Stream(io.TextIOBase):
    """sys.stdout or sys.stderr for the code, writing to the page's output."""

    def __init__(self, kind: str, output: _Output) -> None:
        self.kind, self.output = kind, output

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if text:
            self.output.write(self.kind, text)
        return len(text)


def versions() -> dict[str, str]:
    """What runs here, for the page's status line: Python's version and the library's."""
    from importlib.metadata import version

    return {"python": sys.version.split()[0], "chaingrad": version("chaingrad")}
