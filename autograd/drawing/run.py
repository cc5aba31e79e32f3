"""Running Graphviz's ``dot``, always under a time limit, with errors that say what to do.

``dot`` lays a graph out and draws it. Most graphs take a fraction of a second,
but some shapes took minutes (see [autograd.drawing.layout][]), and a notebook
that waits for ``dot`` is frozen. So [run_dot][autograd.drawing.run.run_dot]
runs it as a child process that is stopped after ``timeout`` seconds, and
every rendering in the library goes through it:
[ValueGraph][autograd.drawing.run.ValueGraph] (what
[draw_graph][autograd.drawing.draw.draw_graph] returns) sends its ``pipe``,
``render`` and Jupyter display here instead of to the graphviz package's own
runner, which has no time limit.

The DOT text itself needs no Graphviz program (``.source``); only drawing it
does. [render_dot][autograd.drawing.run.render_dot] picks who draws: the ``dot``
program, or, when the library runs in a web page (Pyodide), the
Graphviz-in-WebAssembly that the page provides ([autograd.drawing.browser][]).
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import graphviz

__all__ = [
    "DEFAULT_TIMEOUT",
    "INSTALL_GRAPHVIZ",
    "GraphvizError",
    "GraphvizFailedError",
    "GraphvizNotFoundError",
    "GraphvizTimeoutError",
    "ValueGraph",
    "check_timeout",
    "render_dot",
    "run_dot",
]

DEFAULT_TIMEOUT = 10.0
"""Seconds that ``dot`` may take before it is stopped. Every graph that
[draw_graph][autograd.drawing.draw.draw_graph] accepts by default lays out in a few seconds at most."""

INSTALL_GRAPHVIZ = (
    "install Graphviz: apt-get install graphviz / brew install graphviz / "
    "conda install graphviz / https://graphviz.org/download/"
)


class GraphvizError(RuntimeError):
    """Graphviz could not make the picture: not installed, too slow, or failed."""


class GraphvizNotFoundError(GraphvizError, graphviz.ExecutableNotFound):
    """Graphviz's ``dot`` program is not installed (or not on PATH).

    Also a ``graphviz.ExecutableNotFound``, so code written against the
    graphviz package still catches it.
    """

    def __init__(self, program: str = "dot", *, message: str | None = None) -> None:
        # graphviz.ExecutableNotFound formats its own message from a command
        # line; skip that and keep ours, which says how to install Graphviz
        # (or, in a web page, what the page must provide: autograd.drawing.browser).
        RuntimeError.__init__(
            self,
            message
            or f"Graphviz's `{program}` program was not found on PATH, so the graph cannot be rendered; "
            f"{INSTALL_GRAPHVIZ} (the DOT source is still available as .source)",
        )


class GraphvizTimeoutError(GraphvizError):
    """``dot`` took longer than its time limit and was stopped."""

    def __init__(self, timeout: float, size: str) -> None:
        self.timeout = timeout
        super().__init__(
            f"Graphviz's dot was stopped after {timeout:g} s: laying out {size} took too long. "
            "Draw a smaller part of the expression (or lower max_nodes), try another rankdir "
            f"('LR' or 'TB'), or pass timeout={max(60.0, 6 * timeout):g} to wait longer"
        )


class GraphvizFailedError(GraphvizError, graphviz.CalledProcessError):
    """``dot`` exited with an error; ``complaint`` is the first line it wrote.

    Also a ``graphviz.CalledProcessError`` (a ``subprocess.CalledProcessError``)
    with ``returncode``, ``cmd``, ``stdout`` and ``stderr``.
    """

    def __init__(self, returncode: int, command: list[str], stdout: bytes, stderr: bytes) -> None:
        graphviz.CalledProcessError.__init__(self, returncode, command, stdout, stderr)
        said = stderr.decode("utf-8", errors="replace").strip().splitlines()
        self.complaint = said[0] if said else f"exit status {returncode}"

    def __str__(self) -> str:
        return f"Graphviz's dot failed: {self.complaint}"


def run_dot(
    source: str,
    output_format: str = "svg",
    *,
    timeout: float = DEFAULT_TIMEOUT,
    program: str = "dot",
    size: str = "this graph",
) -> bytes:
    """Run Graphviz's ``program`` on the DOT ``source``; return the picture (``-T output_format``).

    The child process is killed after ``timeout`` seconds. ``size`` describes
    the graph in the timeout message ("a graph of 151 values").

    Raises:
        GraphvizNotFoundError: the program is not installed.
        GraphvizTimeoutError: it took longer than ``timeout`` seconds.
        GraphvizFailedError: it exited with an error (bad DOT, unknown format...).
    """
    check_timeout(timeout)
    command = [program, f"-T{output_format}"]
    # labels are made printable before they get here; user graph attributes might not be
    data = source.encode("utf-8", errors="replace")
    try:
        # a session of its own, so that stopping it stops anything it started (a wrapper script's dot)
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except FileNotFoundError:
        raise GraphvizNotFoundError(program) from None
    with process:
        try:
            stdout, stderr = process.communicate(data, timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(process)
            raise GraphvizTimeoutError(timeout, size) from None
    if process.returncode != 0:
        raise GraphvizFailedError(process.returncode, command, stdout, stderr)
    return stdout


def render_dot(
    source: str,
    output_format: str = "svg",
    *,
    timeout: float = DEFAULT_TIMEOUT,
    program: str = "dot",
    size: str = "this graph",
) -> bytes:
    """Draw the DOT ``source`` with the Graphviz this Python has; return the picture.

    In a web page (the library running in Pyodide) that is the Graphviz compiled
    to WebAssembly which the page provides ([autograd.drawing.browser][]);
    everywhere else it is the ``program`` (``dot``), run by
    [run_dot][autograd.drawing.run.run_dot] under the time limit. Both raise the
    same [GraphvizError][autograd.drawing.run.GraphvizError]s.
    """
    check_timeout(timeout)
    # imported here, not at the top: the browser module imports this one (for its errors)
    from autograd.drawing import browser

    if browser.in_browser():
        return browser.render_in_browser(source, output_format, engine=program)
    return run_dot(source, output_format, timeout=timeout, program=program, size=size)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill ``process`` and everything in its session, and collect its exit status."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (AttributeError, OSError):  # no process groups (Windows), or already gone
        process.kill()
    process.communicate()


def check_timeout(timeout: Any) -> None:
    """A time limit is a positive, finite number of seconds (there is always one)."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < math.inf:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")


class ValueGraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose rendering runs ``dot`` under a time limit.

    (In a web page it draws with the page's Graphviz instead: see
    [render_dot][autograd.drawing.run.render_dot].) ``.source`` is the DOT
    text; ``.pipe(format="svg")`` returns the picture,
    ``.render("L", format="svg")`` writes ``L.svg``, ``.view()`` opens it, and
    in Jupyter it displays itself, scaled to the width of the output area.
    ``pipe`` and ``render`` take ``timeout=`` (seconds; default: the one given
    to [draw_graph][autograd.drawing.draw.draw_graph]) and raise
    [GraphvizError][autograd.drawing.run.GraphvizError] subclasses that say what to do.
    """

    value_count = 0  # how many Values the drawing shows (draw_graph sets it)
    timeout = DEFAULT_TIMEOUT  # seconds dot may take (draw_graph sets it)

    def __repr__(self) -> str:
        return f"<ValueGraph: {self.value_count} values; .source for DOT, .render(...) or .pipe(...) to draw>"

    def copy(self) -> ValueGraph:
        """A copy, with the size and time limit too (the graphviz package copies only the DOT)."""
        twin = super().copy()
        twin.value_count, twin.timeout = self.value_count, self.timeout
        return twin

    def size_text(self) -> str:
        """The graph's size in words, for messages: "a graph of 151 values"."""
        return f"a graph of {self.value_count} values"

    def pipe(  # the graphviz package's parameters, plus timeout
        self,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
        timeout: float | None = None,
    ) -> Any:
        """The picture in ``format`` (default: ``self.format``): bytes, or text when given an ``encoding``.

        ``quiet`` is accepted for compatibility: dot's messages are always captured.
        """
        picture = render_dot(
            self.source,
            _output_format(format or self.format, renderer, formatter, neato_no_op),
            timeout=self.timeout if timeout is None else timeout,
            program=_engine(engine or self.engine),
            size=self.size_text(),
        )
        return picture.decode(encoding) if encoding is not None else picture

    def render(  # the graphviz package's parameters, plus timeout
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        quiet_view: bool = False,
        *,
        outfile: str | os.PathLike[str] | None = None,
        engine: str | None = None,
        raise_if_result_exists: bool = False,
        overwrite_source: bool = False,
        timeout: float | None = None,
    ) -> str:
        """Save the DOT source to ``filename`` and the picture to ``filename.format``; return the latter.

        As in the graphviz package: ``outfile`` names the picture instead (its
        suffix gives the format when ``format`` is not given), ``cleanup``
        removes the source file afterwards, ``view`` opens the picture.
        """
        if outfile is not None:
            format = format or Path(outfile).suffix.lstrip(".") or None
            filename = filename if filename is not None else Path(outfile).with_suffix(".gv")
        format = format or self.format
        picture = self.pipe(format, renderer, formatter, neato_no_op, quiet, engine=engine, timeout=timeout)
        source_path = self.save(filename, directory=directory)
        target = Path(outfile) if outfile is not None else Path(f"{source_path}.{format}")
        if raise_if_result_exists and target.exists():
            raise FileExistsError(f"output file exists: {os.fspath(target)!r}")
        target.write_bytes(picture)
        if cleanup:
            os.remove(source_path)
        if view:
            graphviz.view(target, quiet=quiet_view)
        return os.fspath(target)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **_: Any) -> dict[str, str]:
        """In Jupyter: the picture scaled to the output width (see [autograd.drawing.display][])."""
        from autograd.drawing import display  # the module above this one in the drawing layer

        return display.graph_mimebundle(self, include, exclude)


def _output_format(
    format: str | None, renderer: str | None, formatter: str | None, neato_no_op: bool | int | None
) -> str:
    """``dot``'s ``-T`` argument (``svg``, ``png:cairo``), checked so that a typo gets a clear message."""
    if format is None:
        raise ValueError('no output format: pass format="svg" (or "png", "pdf", ...)')
    if format.lower() not in graphviz.FORMATS:
        raise ValueError(
            f"unknown output format {format!r}: use svg, png, pdf, dot or another Graphviz format"
        )
    if neato_no_op:
        raise ValueError("neato_no_op is an option of the neato engine; these graphs are laid out by dot")
    return ":".join(part for part in (format, renderer, formatter) if part)


def _engine(engine: str) -> str:
    if engine not in graphviz.ENGINES:
        raise ValueError(
            f"unknown Graphviz engine {engine!r}: use one of {', '.join(sorted(graphviz.ENGINES))}"
        )
    return engine
