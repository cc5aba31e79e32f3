"""The ``chaingrad`` command: draw the graph of a formula from a shell.

    $ chaingrad graph "tanh(a*b + a)" a=2 b=-3 -o graph.svg --replay backprop.html

parses the formula safely (see [`autograd.cli.parse`][]), runs backward from its
result, prints the result and the gradient of each variable, and writes the
drawing (and, with ``--replay``, a web page that steps through backward; with
``--exercise``, a web page where you type each gradient and it is checked).

Everything the command has to say beyond its results is one line on stderr:
``chaingrad: error: ...`` with a non-zero exit status for a refusal, never a
traceback, and ``chaingrad: warning: ...`` for a warning (a graph too big to
read), never Python's warning format with a file name and a line of source.
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, cast

import graphviz

from autograd.cli.parse import ALLOWED_SUMMARY, ExpressionError, build_expression, parse_assignment
from autograd.drawing.draw import (
    AUTO,
    DEFAULT_MAX_NODES,
    DEFAULT_TIMEOUT,
    RANKDIRS,
    GraphTooLargeError,
    GraphvizNotFoundError,
    GraphvizTimeoutError,
    draw_graph,
)
from autograd.drawing.exercise import Exercise
from autograd.drawing.player import Player
from autograd.teaching.naming import format_number
from autograd.teaching.record import BackwardRecord, record_backward
from autograd.value import Value

__all__ = ["EXIT_GRAPHVIZ", "EXIT_MATH", "EXIT_OK", "EXIT_USAGE", "OUTPUT_TYPES", "REPLAY_TYPES", "main"]

EXIT_OK = 0
EXIT_MATH = 1  # the formula is fine but its value or gradient is undefined (log(-1), 1/0, overflow)
EXIT_USAGE = 2  # bad formula, names, values, options or output file (argparse also uses 2)
EXIT_GRAPHVIZ = 3  # Graphviz's dot is missing, failed, or ran past its time limit

OUTPUT_TYPES = (".svg", ".png", ".dot")
REPLAY_TYPES = (".html", ".htm")

_EPILOG = f"""\
examples:
  chaingrad graph "tanh(a*b + a)" a=2 b=-3 -o graph.svg
  chaingrad graph "tanh(a*b + a)" a=2 b=-3 --replay backprop.html
  chaingrad graph "tanh(a*b + a)" a=2 b=-3 --exercise exercise.html

EXPR may use {ALLOWED_SUMMARY}.
Each name in EXPR needs a value (NAME=VALUE); every such value must be used.
Parts made only of numbers are computed directly (2*3 is drawn as 6).
Put EXPR after -- if it starts with a minus sign: chaingrad graph -o g.svg -- "-a*b" a=1 b=2

The output type comes from the file name: .svg and .png are drawn by Graphviz's
dot program; .dot writes the DOT source (no Graphviz program needed).
--replay writes one self-contained web page that steps through backward, node
by node; it opens offline in any browser. --exercise writes one that asks for
each gradient in turn and checks what you type, naming a known mistake.

exit status: 0 done, 1 math error (e.g. log of a negative number, division by
zero, overflow), 2 usage error (bad expression, names, values, options or
output file), 3 Graphviz's dot missing, failing or past its time limit.
"""


class _UsageError(Exception):
    """A problem with what was asked; the message is the whole explanation."""


class _OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (no usage dump), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _positive_int(text: str) -> int:
    """argparse type for --max-nodes."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return number


def _positive_seconds(text: str) -> float:
    """argparse type for --timeout: a finite number of seconds above 0."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < math.inf:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return seconds


def _build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog="chaingrad",
        description="chaingrad: a scalar autograd engine for learning backpropagation.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    graph = commands.add_parser(
        "graph",
        help="draw the computation graph of a formula, with data and gradients",
        description="Evaluate EXPR with the given variable values, run backward from the result, "
        "print the gradients and draw the graph (every value with its data and grad).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    graph.add_argument("expression", metavar="EXPR", help='the formula, e.g. "tanh(a*b + a)" (quote it)')
    graph.add_argument("assignments", metavar="NAME=VALUE", nargs="*", help="a value for each name, e.g. a=2")
    graph.add_argument("-o", "--output", metavar="FILE", help="where to draw: FILE.svg, FILE.png or FILE.dot")
    graph.add_argument(
        "--replay", metavar="FILE.html", help="also write a web page that replays backward step by step"
    )
    graph.add_argument(
        "--exercise",
        metavar="FILE.html",
        help="also write a web page that asks for each gradient and checks your answers",
    )
    graph.add_argument(
        "--rankdir",
        choices=(AUTO, *RANKDIRS),
        default=AUTO,
        help="layout direction: left to right (LR), top to bottom (TB), ...; "
        "default: auto, whichever suits the graph's shape",
    )
    graph.add_argument(
        "--no-grad", action="store_true", help="do not run backward: print and draw the data only"
    )
    graph.add_argument(
        "--max-nodes",
        type=_positive_int,
        default=DEFAULT_MAX_NODES,
        metavar="N",
        help=f"refuse to draw more than N values (default: {DEFAULT_MAX_NODES})",
    )
    graph.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop Graphviz's dot after this long (default: {DEFAULT_TIMEOUT:g})",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = _build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        # argparse stops collecting NAME=VALUE pairs at the first option, so in
        # `graph EXPR -o g.svg a=1` the a=1 comes back unparsed: take it as a pair.
        unknown = [item for item in extra if item.startswith("-") or args.command != "graph"]
        if unknown:
            # "-a*b" looks like an option to argparse
            negative = any(not item.startswith("--") for item in unknown)
            hint = " (an EXPR that starts with - goes after --)" if negative else ""
            parser.error(f"unrecognized arguments: {' '.join(unknown)}{hint}")
    except SystemExit as exit_request:  # --help, or a usage error already printed
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_USAGE
    if extra:
        args.assignments = [*args.assignments, *extra]
    if args.command != "graph":
        example = 'chaingrad graph "tanh(a*b + a)" a=2 b=-3 -o graph.svg'
        return _fail(f"no command: try {example} (see chaingrad --help)", EXIT_USAGE)
    with _warnings_as_one_line_each():
        return _graph_command(args)


@contextmanager
def _warnings_as_one_line_each() -> Iterator[None]:
    """Show every warning raised inside as ``chaingrad: warning: <message>``, once, on stderr.

    Python's own format (file path, line number, category, then the line of
    source that warned) is for programmers debugging code; someone at a shell
    needs only the sentence. ``catch_warnings`` puts the usual handling back on exit.
    """
    shown: set[str] = set()

    def show(message: Warning | str, *_where: Any, **_more: Any) -> None:
        text = " ".join(str(message).split())  # one line, whatever the message holds
        if text not in shown:  # the drawing and the replay may warn about the same graph
            shown.add(text)
            print(f"chaingrad: warning: {text}", file=sys.stderr)

    with warnings.catch_warnings():
        warnings.simplefilter("always")  # each one once here, whatever filters the caller set
        warnings.showwarning = show
        yield


def _graph_command(args: argparse.Namespace) -> int:
    try:
        output, replay, exercise_path = _output_paths(args)
        root = build_expression(args.expression, _variables(args.assignments))
        exercise = _exercise(root, args) if exercise_path is not None else None
        record = _differentiate(root, args)
        # everything is drawn before anything is written, so a refusal leaves no file behind
        picture = _render(root, args, output) if output is not None else None
        player = _player(record, args) if record is not None else None
        if output is not None and picture is not None:
            _write(output, picture)
        if replay is not None and player is not None:
            _save(player, replay)
        if exercise_path is not None and exercise is not None:
            _save(exercise, exercise_path)
    except (_UsageError, ExpressionError) as error:
        return _fail(str(error), EXIT_USAGE)
    except (ArithmeticError, ValueError) as error:
        return _fail(f"math error: {error}", EXIT_MATH)
    except (GraphvizNotFoundError, _DotFailedError) as error:
        return _fail(str(error), EXIT_GRAPHVIZ)
    except GraphvizTimeoutError as error:
        return _fail(_timeout_advice(error), EXIT_GRAPHVIZ)
    written = [path for path in (output, replay, exercise_path) if path is not None]
    _report(root, written, show_grad=not args.no_grad)
    return EXIT_OK


class _DotFailedError(Exception):
    """dot ran but failed; the message is Graphviz's first line of complaint."""


def _fail(message: str, status: int) -> int:
    print(f"chaingrad: error: {message}", file=sys.stderr)
    return status


def _output_paths(args: argparse.Namespace) -> tuple[Path | None, Path | None, Path | None]:
    """The paths of the drawing (-o), the replay (--replay) and the exercise (--exercise): at
    least one, each of a known type."""
    if args.output is None and args.replay is None and args.exercise is None:
        raise _UsageError(
            "nothing to write: give -o FILE (.svg, .png or .dot), --replay FILE.html, --exercise FILE.html"
        )
    for option, value in (("--replay", args.replay), ("--exercise", args.exercise)):
        if value is not None and args.no_grad:
            raise _UsageError(f"{option} shows backward, so it cannot be used with --no-grad")
    output = _checked_path(args.output, OUTPUT_TYPES) if args.output is not None else None
    replay = _checked_path(args.replay, REPLAY_TYPES) if args.replay is not None else None
    exercise = _checked_path(args.exercise, REPLAY_TYPES) if args.exercise is not None else None
    return output, replay, exercise


def _checked_path(name: str, types: tuple[str, ...]) -> Path:
    path = Path(name)
    if path.suffix.lower() not in types:
        shown = f"type {path.suffix!r}" if path.suffix else "file name without a type"
        raise _UsageError(f"unsupported output {shown} in {name!r}: use {', '.join(types)}")
    return path


def _variables(assignments: Sequence[str]) -> dict[str, float]:
    variables: dict[str, float] = {}
    for text in assignments:
        name, value = parse_assignment(text)
        if name in variables:
            raise _UsageError(f"{name} is given a value twice")
        variables[name] = value
    return variables


def _differentiate(root: Value, args: argparse.Namespace) -> BackwardRecord | None:
    """Run backward from ``root``, recording its steps when a replay is wanted; nothing with --no-grad.

    Every number is finite by now: the engine refuses an op whose result
    (forward) or gradient (backward) overflows, with an error that names the
    op, which the command reports as a math error.
    """
    if args.no_grad:
        return None
    if args.replay is not None:
        return record_backward(root)  # the same backward, watched step by step
    root.backward()
    return None


def _render(root: Value, args: argparse.Namespace, output: Path) -> bytes:
    """The picture as the bytes of the file to write: DOT text, or what dot makes of it."""
    with _graph_limits(args.max_nodes):
        graph = draw_graph(root, show_grad=not args.no_grad, **_drawing_options(args))
    kind = output.suffix.lower()[1:]
    if kind == "dot":
        return graph.source.encode("utf-8")
    # quiet: dot's own messages would add lines to stderr; a failure is reported from its exception
    with _dot_failures():
        picture = graph.pipe(format=kind, quiet=True)
    return cast(bytes, picture)  # pipe returns bytes unless given an encoding


def _drawing_options(args: argparse.Namespace) -> dict[str, Any]:
    """The options that the drawing and the replay share."""
    return {"rankdir": args.rankdir, "max_nodes": args.max_nodes, "timeout": args.timeout}


def _player(record: BackwardRecord, args: argparse.Namespace) -> Player:
    """The replay of backward, laid out by dot once (the frames restyle that one drawing)."""
    with _graph_limits(args.max_nodes), _dot_failures():
        try:
            return Player(record, **_drawing_options(args))
        except GraphTooLargeError:
            raise
        except ValueError as error:  # the replay's own limit (too many steps to show)
            raise _UsageError(f"cannot replay: {error}") from None


def _exercise(root: Value, args: argparse.Namespace) -> Exercise:
    """Backward as an exercise, drawn as the replay is (it computes its own gradients)."""
    with _graph_limits(args.max_nodes), _dot_failures():
        return Exercise(root, **_drawing_options(args))


@contextmanager
def _graph_limits(max_nodes: int) -> Iterator[None]:
    """A graph over --max-nodes is refused with the option that draws it anyway."""
    try:
        yield
    except GraphTooLargeError as error:
        raise _UsageError(
            f"the graph has {error.node_count} values, more than --max-nodes {error.max_nodes}; "
            f"pass --max-nodes {error.node_count} to draw it anyway"
        ) from None


@contextmanager
def _dot_failures() -> Iterator[None]:
    """dot's failures as one line: its first line of complaint, or the broken pipe to it."""
    try:
        yield
    except graphviz.CalledProcessError as error:
        complaint = (error.stderr or b"").decode(errors="replace").strip().splitlines()
        raise _DotFailedError("Graphviz's dot failed" + (f": {complaint[0]}" if complaint else "")) from None
    except (GraphvizNotFoundError, GraphvizTimeoutError):
        raise  # each has its own message
    except OSError as error:  # e.g. dot quit before reading all of its input
        raise _DotFailedError(f"Graphviz's dot failed: {error.strerror or error}") from None


def _timeout_advice(error: GraphvizTimeoutError) -> str:
    """What to do when dot ran out of time: a smaller graph, more time, or dot by hand."""
    return (
        f"Graphviz's dot was stopped after {error.timeout:g} s: this graph took too long to lay out. "
        f"Draw a smaller expression, try another --rankdir, pass --timeout {max(60.0, 6 * error.timeout):g} "
        "to wait longer, or write -o FILE.dot and run dot yourself: dot -Tsvg FILE.dot -o FILE.svg"
    )


def _write(path: Path, contents: bytes) -> None:
    try:
        path.write_bytes(contents)
    except OSError as error:
        raise _UsageError(f"cannot write {str(path)!r}: {error.strerror or error}") from None


def _save(player: Player | Exercise, path: Path) -> None:
    try:
        player.save(path)
    except OSError as error:
        raise _UsageError(f"cannot write {str(path)!r}: {error.strerror or error}") from None


def _report(root: Value, written: list[Path], *, show_grad: bool) -> None:
    """Print the result, d(result)/d(variable) for each variable (unless --no-grad), and the files."""
    print(f"value = {format_number(root.data, 6)}")
    if show_grad:
        for variable in root.variables():
            print(f"d/d{variable.label} = {format_number(variable.grad, 6)}")
    for path in written:
        print(f"wrote {path}")
