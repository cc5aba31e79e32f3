"""The ``chaingrad`` command: draw the graph of a formula from a shell.

    $ chaingrad graph "tanh(a*b + a)" a=2 b=-3 -o graph.svg

parses the formula safely (see :mod:`autograd.cli.parse`), runs backward from its
result, prints the result and the gradient of each variable, and writes the
drawing. Every failure is one line on stderr and a non-zero exit status, never
a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import graphviz

from autograd.cli.parse import ALLOWED_SUMMARY, ExpressionError, build_expression, parse_assignment
from autograd.drawing.draw import (
    DEFAULT_MAX_NODES,
    RANKDIRS,
    GraphTooLargeError,
    GraphvizNotFoundError,
    draw_graph,
)
from autograd.teaching.naming import format_number
from autograd.value import Value

__all__ = ["EXIT_GRAPHVIZ", "EXIT_MATH", "EXIT_OK", "EXIT_USAGE", "OUTPUT_TYPES", "main"]

EXIT_OK = 0
EXIT_MATH = 1  # the formula is fine but its value or gradient is undefined (log(-1), 1/0, overflow)
EXIT_USAGE = 2  # bad formula, names, values, options or output file (argparse also uses 2)
EXIT_GRAPHVIZ = 3  # Graphviz's dot is missing or failed

OUTPUT_TYPES = (".svg", ".png", ".dot")

_EPILOG = f"""\
example:
  chaingrad graph "tanh(a*b + a)" a=2 b=-3 -o graph.svg

EXPR may use {ALLOWED_SUMMARY}.
Each name in EXPR needs a value (NAME=VALUE); every such value must be used.
Parts made only of numbers are computed directly (2*3 is drawn as 6).
Put EXPR after -- if it starts with a minus sign: chaingrad graph -o g.svg -- "-a*b" a=1 b=2

The output type comes from the file name: .svg and .png are drawn by Graphviz's
dot program; .dot writes the DOT source (no Graphviz program needed).

exit status: 0 done, 1 math error (e.g. log of a negative number, division by
zero, overflow), 2 usage error (bad expression, names, values, options or
output file), 3 Graphviz's dot missing or failing.
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
    graph.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="where to write: FILE.svg, FILE.png or FILE.dot"
    )
    graph.add_argument("--rankdir", choices=RANKDIRS, default="LR", help="layout direction (default: LR)")
    graph.add_argument("--no-grad", action="store_true", help="show data only, not gradients")
    graph.add_argument(
        "--max-nodes",
        type=_positive_int,
        default=DEFAULT_MAX_NODES,
        metavar="N",
        help=f"refuse to draw more than N values (default: {DEFAULT_MAX_NODES})",
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
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    return _graph_command(args)


def _graph_command(args: argparse.Namespace) -> int:
    try:
        output = _output_path(args.output)
        variables = _variables(args.assignments)
        root = build_expression(args.expression, variables)
        graph = _backward_and_draw(root, args)
        _write(graph, output)
    except (_UsageError, ExpressionError) as error:
        return _fail(str(error), EXIT_USAGE)
    except (ArithmeticError, ValueError) as error:
        return _fail(f"math error: {error}", EXIT_MATH)
    except GraphvizNotFoundError as error:
        return _fail(str(error), EXIT_GRAPHVIZ)
    except graphviz.CalledProcessError as error:
        complaint = (error.stderr or b"").decode(errors="replace").strip().splitlines()
        return _fail("Graphviz's dot failed" + (f": {complaint[0]}" if complaint else ""), EXIT_GRAPHVIZ)
    _report(root, output)
    return EXIT_OK


def _fail(message: str, status: int) -> int:
    print(f"chaingrad: error: {message}", file=sys.stderr)
    return status


def _output_path(name: str) -> Path:
    path = Path(name)
    if path.suffix.lower() not in OUTPUT_TYPES:
        shown = f"type {path.suffix!r}" if path.suffix else "file name without a type"
        raise _UsageError(f"unsupported output {shown} in {name!r}: use {', '.join(OUTPUT_TYPES)}")
    return path


def _variables(assignments: Sequence[str]) -> dict[str, float]:
    variables: dict[str, float] = {}
    for text in assignments:
        name, value = parse_assignment(text)
        if name in variables:
            raise _UsageError(f"{name} is given a value twice")
        variables[name] = value
    return variables


def _backward_and_draw(root: Value, args: argparse.Namespace) -> graphviz.Digraph:
    """Backward from ``root``, and draw.

    Every number is finite by now: the engine refuses an op whose result
    (forward) or gradient (backward) overflows, with an error that names the
    op, which :func:`_graph_command` reports as a math error.
    """
    root.backward()
    try:
        return draw_graph(root, rankdir=args.rankdir, show_grad=not args.no_grad, max_nodes=args.max_nodes)
    except GraphTooLargeError as error:
        raise _UsageError(
            f"the graph has {error.node_count} values, more than --max-nodes {error.max_nodes}; "
            f"pass --max-nodes {error.node_count} to draw it anyway"
        ) from None


def _write(graph: graphviz.Digraph, output: Path) -> None:
    kind = output.suffix.lower()[1:]
    # quiet: dot's own messages would add lines to stderr; a failure is reported from its exception
    contents = graph.source.encode("utf-8") if kind == "dot" else graph.pipe(format=kind, quiet=True)
    try:
        output.write_bytes(contents)
    except OSError as error:
        raise _UsageError(f"cannot write {str(output)!r}: {error.strerror or error}") from None


def _report(root: Value, output: Path) -> None:
    """Print the result and d(result)/d(variable) for each variable, then where the picture went."""
    print(f"value = {format_number(root.data, 6)}")
    for variable in root.variables():
        print(f"d/d{variable.label} = {format_number(variable.grad, 6)}")
    print(f"wrote {output}")
