"""The `chaingrad graph` command (also `python -m autograd`): its output, refusals and exit codes."""

from __future__ import annotations

import importlib
import math
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from autograd import Value, draw_graph, render_svg
from autograd.cli.main import EXIT_GRAPHVIZ, EXIT_MATH, EXIT_OK, EXIT_USAGE, main
from autograd.drawing.draw import ValueGraph
from autograd.teaching.naming import format_number
from tests.helpers import read_svg

cli_main = importlib.import_module("autograd.cli.main")  # the module (autograd.cli.main is also the function)

# Each formula, its variables, and the same formula written in Python with Values:
# the command must build the very graph that Python builds.
FORMULAS: list[tuple[str, dict[str, float], Callable[..., Value]]] = [
    ("tanh(a*b + a)", {"a": 2, "b": -3}, lambda a, b: (a * b + a).tanh()),
    ("exp(a) / (1 + exp(a))", {"a": 0.5}, lambda a: a.exp() / (1 + a.exp())),
    (
        "sigmoid(a) * relu(b) - sqrt(abs(a))",
        {"a": -1.5, "b": 2},
        lambda a, b: a.sigmoid() * b.relu() - abs(a).sqrt(),
    ),
    ("a**2 + 2**a + a**b", {"a": 1.5, "b": 0.5}, lambda a, b: a**2 + 2**a + a**b),
    ("-a + +b * log(a * a)", {"a": 3, "b": 0.25}, lambda a, b: -a + b * (a * a).log()),
    ("a * (2 + 3) - -4", {"a": 1}, lambda a: a * 5 - (-4)),  # number-only parts are computed first
]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def python_version_of(formula: Callable[..., Value], variables: dict[str, float]) -> tuple[Value, dict]:
    leaves = {name: Value(value, label=name) for name, value in variables.items()}
    root = formula(**leaves)
    root.backward()
    return root, leaves


@pytest.mark.parametrize(("expression", "variables", "formula"), FORMULAS, ids=[f[0] for f in FORMULAS])
def test_draws_the_graph_python_would_build(expression, variables, formula, tmp_path, capsys):
    pairs = [f"{name}={value}" for name, value in variables.items()]
    source, picture = tmp_path / "graph.dot", tmp_path / "graph.svg"
    for output in (source, picture):
        status, out, err = run(capsys, "graph", expression, *pairs, "-o", str(output))
        assert (status, err) == (EXIT_OK, "")

    root, leaves = python_version_of(formula, variables)
    # the same nodes in the same order, with the same numbers: the same DOT text, the same picture
    assert source.read_text() == draw_graph(root).source
    assert picture.read_text() == render_svg(root)

    assert f"value = {format_number(root.data, 6)}" in out.splitlines()
    for name, leaf in leaves.items():
        assert f"d/d{name} = {format_number(leaf.grad, 6)}" in out.splitlines()
    assert out.splitlines()[-1] == f"wrote {picture}"


def test_the_issue_example_prints_its_gradients(tmp_path, capsys):
    status, out, _ = run(capsys, "graph", "tanh(a*b + a)", "a=2", "b=-3", "-o", str(tmp_path / "g.svg"))
    assert status == EXIT_OK
    # d/da tanh(ab + a) = (1 - tanh(-4)^2)(b + 1) = -0.0026819..., d/db = (1 - tanh(-4)^2) a
    assert out.splitlines()[:3] == ["value = -0.999329", "d/da = -0.0026819", "d/db = 0.0026819"]


def test_png_and_dot_outputs(tmp_path, capsys):
    png, source = tmp_path / "g.png", tmp_path / "g.dot"
    assert run(capsys, "graph", "a*b", "a=1", "b=2", "-o", str(png))[0] == EXIT_OK
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert (
        run(capsys, "graph", "a*b", "a=1", "b=2", "-o", str(source), "--rankdir", "TB", "--no-grad")[0] == 0
    )
    text = source.read_text()
    assert text.startswith("digraph") and "rankdir=TB" in text and "grad" not in text


def test_help_explains_with_an_example(capsys):
    status, out, _ = run(capsys, "graph", "--help")
    assert status == EXIT_OK
    assert 'chaingrad graph "tanh(a*b + a)" a=2 b=-3 -o graph.svg' in out
    assert "exit status" in out
    assert run(capsys, "--help")[0] == EXIT_OK


def test_no_command_is_one_line_with_an_example(capsys):
    status, out, err = run(capsys)
    assert (status, out) == (EXIT_USAGE, "")
    assert err.count("\n") == 1 and err.startswith("chaingrad: error: no command: try chaingrad graph ")


# ----------------------------------------------------------------------------
# Everything that must be refused: one line on stderr, a non-zero status, no file
# ----------------------------------------------------------------------------

A = "a=1"  # the usual variable, so that a case tests only its own refusal

REFUSED = [
    # arbitrary Python
    (["__import__('os').system('echo hi')", A], "attribute access", EXIT_USAGE),
    (["__import__('os')", A], "calling '__import__'", EXIT_USAGE),
    (["a.__class__", A], "attribute access", EXIT_USAGE),
    (["exp.__globals__", A], "attribute access", EXIT_USAGE),
    (["(lambda: a)()", A], "lambda", EXIT_USAGE),
    (["lambda: a", A], "lambda", EXIT_USAGE),
    (["eval('a')", A], "calling 'eval'", EXIT_USAGE),
    (["open('x')", A], "calling 'open'", EXIT_USAGE),
    (["1(a)", A], "calling something other than a function name", EXIT_USAGE),
    (["a[0]", A], "indexing", EXIT_USAGE),
    (["[a for a in b]", A], "comprehension", EXIT_USAGE),
    (["'a'", A], "string", EXIT_USAGE),
    (["f'{a}'", A], "f-string", EXIT_USAGE),
    (["(a := 2)", A], "assignment", EXIT_USAGE),
    (["import os", A], "not a valid expression", EXIT_USAGE),
    (["a = 2", A], "not a valid expression", EXIT_USAGE),
    (["a; a", A], "not a valid expression", EXIT_USAGE),
    # not formulas this engine has
    (["a // 2", A], "operator //", EXIT_USAGE),
    (["a ^ 2", A], "write powers as **", EXIT_USAGE),
    (["a < 2", A], "comparison", EXIT_USAGE),
    (["a if a else 1", A], "if ... else", EXIT_USAGE),
    (["True * a", A], "constant True", EXIT_USAGE),
    (["2j * a", A], "complex", EXIT_USAGE),
    (["1e999 * a", A], "too large", EXIT_USAGE),
    (["exp(a, a)", A], "exactly one", EXIT_USAGE),
    (["exp(x=a)", A], "keyword argument", EXIT_USAGE),
    (["max(a)", A], "calling 'max'", EXIT_USAGE),
    ([""], "empty", EXIT_USAGE),
    (["a +", A], "not a valid expression", EXIT_USAGE),
    (["2 * 3"], "no variables", EXIT_USAGE),
    # nesting, not length, is limited (a chain of 1,000 terms is fine: see below)
    # (102 calls nest 101 levels deep: exp(exp(a)) is one call inside another, 1 level)
    (["exp(" * 102 + "a" + ")" * 102, A], "nested too deeply: 101 levels", EXIT_USAGE),
    (["a*(" * 102 + "a" + ")" * 102, A], "nested too deeply: 101 levels", EXIT_USAGE),
    (["(" * 300 + "a" + ")" * 300, A], "nested too deeply", EXIT_USAGE),
    (["a" * 20_000, A], "at most 10000", EXIT_USAGE),
    # names and values
    (["a * c", A], "no value for c", EXIT_USAGE),
    (["a"], "no value for a", EXIT_USAGE),
    (["a", A, "z=3"], "z given a value but not used", EXIT_USAGE),
    (["a", "a=2", "a=3"], "given a value twice", EXIT_USAGE),
    (["a", A, "b"], "is not NAME=VALUE", EXIT_USAGE),
    (["a", A, "b=two"], "is not a number", EXIT_USAGE),
    (["a", A, "b=nan"], "finite", EXIT_USAGE),
    (["a", A, "2b=1"], "not a valid variable name", EXIT_USAGE),
    (["a", A, "for=1"], "not a valid variable name", EXIT_USAGE),
    (["exp * 2", "exp=1"], "is a function", EXIT_USAGE),
    # math errors
    (["log(a - 3)", A], "math error: log: input must be positive", EXIT_MATH),
    (["1 / (a - a)", A], "math error: division by zero", EXIT_MATH),
    (["exp(1000 * a)", A], "math error: exp", EXIT_MATH),
    (["sqrt(a - 5)", A], "math error: sqrt", EXIT_MATH),
    (["a * 1e308 * 10", A], "math error: *: ", EXIT_MATH),
    (["log(a)", "a=1e-320"], "math error: backward through log(a=1e-320) failed", EXIT_MATH),
    (["log(-1) * a", A], "math error: log", EXIT_MATH),
]


@pytest.mark.parametrize(("args", "message", "status"), REFUSED, ids=[" ".join(r[0])[:40] for r in REFUSED])
def test_bad_input_is_refused_in_one_line(args, message, status, tmp_path, capsys):
    output = tmp_path / "g.svg"
    code, out, err = run(capsys, "graph", *args, "-o", str(output))
    assert code == status
    assert err.count("\n") == 1 and err.startswith("chaingrad: error: ")
    assert message in err
    assert "Traceback" not in err and out == ""
    assert not output.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["graph", "a", "a=1", "-o", "g.pdf"], "unsupported output type '.pdf'"),
        (["graph", "a", "a=1", "-o", "g"], "unsupported output file name without a type"),
        (["graph", "a", "a=1", "-o", "no/such/dir/g.svg"], "cannot write"),
        (["graph", "a", "a=1"], "nothing to write: give -o FILE"),
        (["graph", "a", "a=1", "--replay", "r.svg"], "unsupported output type '.svg' in 'r.svg': use .html"),
        (["graph", "a", "a=1", "--replay", "r.html", "--no-grad"], "cannot be used with --no-grad"),
        (["graph", "a", "a=1", "-o", "g.svg", "--rankdir", "up"], "invalid choice"),
        (["graph", "a", "a=1", "-o", "g.svg", "--max-nodes", "0"], "positive integer"),
        (["graph", "a", "a=1", "-o", "g.svg", "--timeout", "0"], "positive number of seconds"),
        (["graph", "a", "a=1", "-o", "g.svg", "--timeout", "inf"], "positive number of seconds"),
        (["graph", "a*2*2", "a=1", "-o", "g.svg", "--max-nodes", "3"], "pass --max-nodes 5"),
        (["graph", "-a", "a=1", "-o", "g.svg"], "goes after --"),
        (["plot", "a"], "invalid choice: 'plot'"),
    ],
)
def test_bad_options_and_files_are_refused_in_one_line(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *argv)
    assert code == EXIT_USAGE
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_nothing_is_executed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    attacks = [
        "__import__('os').system('touch hacked')",
        "exp.__globals__['__builtins__']['open']('hacked', 'w')",
        "[open('hacked', 'w') for a in [1]]",
        "(lambda: open('hacked', 'w'))()",
    ]
    for attack in attacks:
        assert run(capsys, "graph", attack, "-o", "g.svg")[0] == EXIT_USAGE
    assert list(tmp_path.iterdir()) == []


def test_values_may_come_after_the_options(tmp_path, capsys):
    status, out, _ = run(capsys, "graph", "a*b", "-o", str(tmp_path / "g.svg"), "a=2", "--no-grad", "b=3")
    assert status == EXIT_OK and "value = 6" in out


def test_an_expression_starting_with_minus_goes_after_double_dash(tmp_path, capsys):
    status, out, _ = run(capsys, "graph", "-o", str(tmp_path / "g.svg"), "--", "-a*b", "a=2", "b=3")
    assert status == EXIT_OK and "value = -6" in out


def test_missing_dot_gives_install_instructions_but_dot_output_still_works(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no `dot` anywhere on PATH
    code, _, err = run(capsys, "graph", "a*2", "a=1", "-o", str(tmp_path / "g.svg"))
    assert code == EXIT_GRAPHVIZ
    assert err.count("\n") == 1 and "apt-get install graphviz" in err
    assert run(capsys, "graph", "a*2", "a=1", "-o", str(tmp_path / "g.dot"))[0] == EXIT_OK


def fake_dot(folder: Path, script: str) -> str:
    """A PATH whose `dot` is a program that runs ``script`` (a shell script body)."""
    folder.mkdir()
    program = folder / "dot"
    program.write_text(f"#!/bin/sh\n{script}\n")
    program.chmod(0o755)
    return f"{folder}{os.pathsep}{os.environ['PATH']}"  # first on PATH; cat and sh as usual


def test_a_failing_dot_is_reported_in_one_line(tmp_path, monkeypatch, capsys):
    failing = "cat >/dev/null; echo 'Error: something broke' >&2; echo 'more detail' >&2; exit 1"
    monkeypatch.setenv("PATH", fake_dot(tmp_path / "bin", failing))
    code, out, err = run(capsys, "graph", "a*2", "a=1", "-o", str(tmp_path / "g.svg"))
    assert (code, out) == (EXIT_GRAPHVIZ, "")
    assert err == "chaingrad: error: Graphviz's dot failed: Error: something broke\n"


def test_a_broken_pipe_to_dot_is_reported_in_one_line(tmp_path, monkeypatch, capsys):
    # dot quitting before it has read its input can surface as an OSError from the graphviz package
    def hang_up(*args, **kwargs):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(ValueGraph, "pipe", hang_up)
    code, out, err = run(capsys, "graph", "a*2", "a=1", "-o", str(tmp_path / "g.svg"))
    assert (code, out) == (EXIT_GRAPHVIZ, "")
    assert err == "chaingrad: error: Graphviz's dot failed: Broken pipe\n"


def test_dot_past_its_time_limit_is_one_line_saying_what_to_do(tmp_path, capsys):
    # a millisecond is less than starting the dot program takes, so the limit is always reached
    output = tmp_path / "g.svg"
    code, out, err = run(capsys, "graph", "a*2", "a=1", "-o", str(output), "--timeout", "0.001")
    assert (code, out) == (EXIT_GRAPHVIZ, "")
    assert err.count("\n") == 1
    assert err.startswith("chaingrad: error: Graphviz's dot was stopped after 0.001 s")
    assert "--timeout 60" in err and "dot -Tsvg FILE.dot" in err  # what to do instead
    assert "timeout=" not in err  # the Python keyword means nothing at a shell
    assert not output.exists()


def test_the_time_limit_reaches_the_drawing_and_the_replay(monkeypatch, capsys):
    seen = []

    def draw_graph(root, **options):
        seen.append(options["timeout"])
        return ValueGraph()

    monkeypatch.setattr(cli_main, "draw_graph", draw_graph)
    monkeypatch.setattr(cli_main, "Player", lambda record, **options: seen.append(options["timeout"]))
    monkeypatch.setattr(cli_main, "_write", lambda path, contents: None)
    monkeypatch.setattr(cli_main, "_save", lambda player, path: None)
    args = ["graph", "a*2", "a=1", "-o", "g.dot", "--replay", "r.html", "--timeout", "2.5"]
    assert run(capsys, *args)[0] == EXIT_OK
    assert seen == [2.5, 2.5]


# ----------------------------------------------------------------------------
# Warnings: one line each, never Python's format with a file path and source line
# ----------------------------------------------------------------------------

SUM_OF_200 = "+".join(["a"] * 200)  # 200 values: past the 150 that a drawing can show legibly


def test_a_graph_too_big_to_read_is_one_warning_line(tmp_path, capsys):
    code, out, err = run(capsys, "graph", SUM_OF_200, "a=1", "-o", str(tmp_path / "g.dot"))
    assert code == EXIT_OK and "value = 200" in out
    assert err.startswith("chaingrad: warning: this graph has 200 nodes") and err.count("\n") == 1
    assert "TeachingWarning" not in err and ".py" not in err


def test_warnings_are_one_line_from_python_dash_m_too(tmp_path):
    # a fresh interpreter prints warnings with Python's default hook: a path, a line number, a source line
    done = subprocess.run(
        [sys.executable, "-m", "autograd", "graph", SUM_OF_200, "a=1", "-o", "g.dot"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == EXIT_OK, done.stderr
    assert done.stderr.splitlines() == [
        "chaingrad: warning: this graph has 200 nodes; drawings of more than 150 are hard to read. "
        "Draw a smaller expression, or use clusters / max_nodes to keep it legible."
    ]


def test_the_callers_warning_filters_are_left_as_they_were(tmp_path, capsys):
    import warnings

    before = list(warnings.filters)
    run(capsys, "graph", SUM_OF_200, "a=1", "-o", str(tmp_path / "g.dot"))
    assert warnings.filters == before and warnings.showwarning is not None
    with pytest.warns(UserWarning, match="still here"):  # warnings work as usual afterwards
        warnings.warn("still here", UserWarning, stacklevel=1)


# ----------------------------------------------------------------------------
# Long formulas: a chain of a thousand terms is not "nested too deeply"
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(("operator", "value"), [("+", "1000"), ("*", "1")])
def test_a_flat_chain_of_a_thousand_terms_is_accepted(operator, value, tmp_path, capsys):
    chain = operator.join(["a"] * 1000)
    output = tmp_path / "g.dot"
    code, out, err = run(capsys, "graph", chain, "a=1", "-o", str(output), "--max-nodes", "1000")
    assert code == EXIT_OK, err
    assert out.splitlines()[:2] == [f"value = {value}", "d/da = 1000"]  # d/da of 1000 a, and of a**1000 at 1
    assert err.startswith("chaingrad: warning: this graph has 1000 nodes") and err.count("\n") == 1
    assert len(re.findall(r"^\s*op\d+ \[", output.read_text(), re.MULTILINE)) == 999  # an op per term but one


def test_a_thousand_terms_over_max_nodes_are_refused_for_size_not_depth(tmp_path, capsys):
    code, _, err = run(capsys, "graph", "+".join(["a"] * 1000), "a=1", "-o", str(tmp_path / "g.svg"))
    assert code == EXIT_USAGE
    assert err == (
        "chaingrad: error: the graph has 1000 values, more than --max-nodes 500; "
        "pass --max-nodes 1000 to draw it anyway\n"
    )


# ----------------------------------------------------------------------------
# --no-grad: data only, and backward does not even run
# ----------------------------------------------------------------------------


def test_no_grad_prints_and_draws_no_gradients(tmp_path, capsys):
    output = tmp_path / "g.svg"
    code, out, err = run(capsys, "graph", "tanh(a*b + a)", "a=2", "b=-3", "-o", str(output), "--no-grad")
    assert (code, err) == (EXIT_OK, "")
    assert out.splitlines() == ["value = -0.999329", f"wrote {output}"]
    texts = " ".join(text for texts in read_svg(output.read_bytes()).nodes.values() for text in texts)
    assert "data 2" in texts and "grad" not in texts


def test_no_grad_does_not_run_backward(tmp_path, capsys):
    # backward through log at 1e-320 overflows (1/1e-320 > 1.8e308); the forward pass is fine
    args = ["graph", "log(a)", "a=1e-320", "-o", str(tmp_path / "g.dot")]
    assert run(capsys, *args)[0] == EXIT_MATH
    code, out, err = run(capsys, *args, "--no-grad")
    assert (code, err) == (EXIT_OK, "") and out.startswith("value = -736.827")


# ----------------------------------------------------------------------------
# --replay FILE.html: backward, step by step, in one web page
# ----------------------------------------------------------------------------


def test_replay_writes_one_self_contained_page(tmp_path, capsys):
    replay = tmp_path / "backprop.html"
    code, out, err = run(capsys, "graph", "tanh(a*b + a)", "a=2", "b=-3", "--replay", str(replay))
    assert (code, err) == (EXIT_OK, "")
    assert out.splitlines() == [
        "value = -0.999329",
        "d/da = -0.0026819",
        "d/db = 0.0026819",
        f"wrote {replay}",
    ]
    page = replay.read_text()
    assert "<svg" in page and "<html" in page.lower()
    assert 'src="http' not in page and 'href="http' not in page  # nothing fetched: it works offline


def test_replay_and_drawing_together(tmp_path, capsys):
    drawing, replay = tmp_path / "g.svg", tmp_path / "r.html"
    code, out, _ = run(capsys, "graph", "a*b", "a=2", "b=3", "-o", str(drawing), "--replay", str(replay))
    assert code == EXIT_OK
    assert out.splitlines()[-2:] == [f"wrote {drawing}", f"wrote {replay}"]
    assert drawing.exists() and replay.exists()


def test_replay_runs_the_recorded_backward(tmp_path, monkeypatch, capsys):
    saved = {}

    class FakePlayer:
        def __init__(self, record, **options):
            saved["record"], saved["options"] = record, options

        def save(self, path):
            saved["path"] = path

    monkeypatch.setattr(cli_main, "Player", FakePlayer)
    code, out, _ = run(capsys, "graph", "a*b", "a=2", "b=3", "--replay", "r.html", "--rankdir", "TB")
    assert code == EXIT_OK and "d/da = 3" in out
    assert [step.node.op for step in saved["record"].steps] == ["*"]
    assert saved["options"] == {"rankdir": "TB", "max_nodes": 500, "timeout": 10.0}
    assert saved["path"] == Path("r.html")


def test_a_replay_the_player_refuses_is_one_line_and_no_file(tmp_path, monkeypatch, capsys):
    def refuse(record, **options):
        raise ValueError("this backward pass has 999 steps; too many to replay")

    monkeypatch.setattr(cli_main, "Player", refuse)
    drawing = tmp_path / "g.svg"
    code, out, err = run(capsys, "graph", "a*b", "a=2", "b=3", "-o", str(drawing), "--replay", "r.html")
    assert (code, out) == (EXIT_USAGE, "")
    assert err == "chaingrad: error: cannot replay: this backward pass has 999 steps; too many to replay\n"
    assert not drawing.exists()  # nothing is written unless everything can be


def test_a_replay_that_cannot_be_written_names_the_file(tmp_path, monkeypatch, capsys):
    class UnwritablePlayer:
        def __init__(self, record, **options):
            pass

        def save(self, path):
            open(path, "w")  # noqa: SIM115  # fails: the folder does not exist

    monkeypatch.setattr(cli_main, "Player", UnwritablePlayer)
    code, _, err = run(capsys, "graph", "a*b", "a=2", "b=3", "--replay", str(tmp_path / "no" / "r.html"))
    assert code == EXIT_USAGE
    assert err.startswith("chaingrad: error: cannot write ") and "No such file or directory" in err


# ----------------------------------------------------------------------------
# An overflow is blamed on the op that overflowed
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("expression", ["1e308*a*10", "a*1e308*10", "1e308*10*a"])
def test_an_overflow_names_the_op_that_overflowed_not_a_variable(expression, tmp_path, capsys):
    code, out, err = run(capsys, "graph", expression, "a=1", "-o", str(tmp_path / "g.svg"))
    assert code == EXIT_MATH and out == ""
    # the engine refuses the * whose result is too large; 'a' itself is fine
    assert err.startswith("chaingrad: error: math error: *: ") and "too large for a float" in err
    assert "'a'" not in err and err.count("\n") == 1


def test_a_gradient_that_overflows_names_the_op_and_the_edge(tmp_path, capsys):
    code, _, err = run(capsys, "graph", "log(a) * 2", "a=1e-320", "-o", str(tmp_path / "g.svg"))
    assert code == EXIT_MATH
    assert "backward through log(a=1e-320) failed" in err and "overflows" in err
    assert not (tmp_path / "g.svg").exists()


# ----------------------------------------------------------------------------
# python -m autograd
# ----------------------------------------------------------------------------


def test_python_dash_m_autograd_runs_the_command(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "autograd", "graph", "a*b", "a=1", "b=2", "-o", "x.svg"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == EXIT_OK, done.stderr
    assert done.stdout.splitlines() == ["value = 2", "d/da = 2", "d/db = 1", "wrote x.svg"]
    assert len(read_svg((tmp_path / "x.svg").read_bytes()).nodes) == 4  # a, b, a*b and the op


def test_python_dash_m_autograd_exits_with_the_commands_status(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "autograd", "graph", "log(a)", "a=-1", "-o", "x.svg"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == EXIT_MATH
    assert done.stderr.count("\n") == 1 and "log: input must be positive" in done.stderr


# ----------------------------------------------------------------------------
# The installed console script
# ----------------------------------------------------------------------------

SCRIPT = Path(sys.executable).with_name("chaingrad")
needs_script = pytest.mark.skipif(
    not SCRIPT.exists(), reason="chaingrad is not installed next to this Python"
)


@needs_script
def test_installed_script_draws_an_svg(tmp_path):
    output = tmp_path / "graph.svg"
    done = subprocess.run(
        [SCRIPT, "graph", "tanh(a*b + a)", "a=2", "b=-3", "-o", output],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert len(read_svg(output.read_bytes()).nodes) == 8


@needs_script
def test_installed_script_refuses_python_in_one_line(tmp_path):
    done = subprocess.run(
        [SCRIPT, "graph", "__import__('os').getcwd()", "-o", tmp_path / "g.svg", "a=1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == EXIT_USAGE
    assert done.stderr.count("\n") == 1 and "attribute access" in done.stderr


# ----------------------------------------------------------------------------
# --exercise FILE.html: backward as an exercise, in one web page
# ----------------------------------------------------------------------------


def test_exercise_writes_a_page_that_checks_each_gradient(tmp_path, capsys):
    exercise = tmp_path / "exercise.html"
    code, out, err = run(capsys, "graph", "tanh(a*b + a)", "a=2", "b=-3", "--exercise", str(exercise))
    assert (code, err) == (EXIT_OK, "")
    assert out.splitlines()[-1] == f"wrote {exercise}"
    page = exercise.read_text()
    assert "cg-exercise" in page and "<html" in page.lower()
    assert 'src="http' not in page and 'href="http' not in page  # nothing fetched: it works offline
    # d/da of tanh(ab + a) = (1 - tanh²)(b + 1), by hand; the page ships it, to check answers against
    slope = 1 - math.tanh(2 * -3 + 2) ** 2
    assert f'"correct":{slope * (-3 + 1)!r}' in page.replace(" ", "")


def test_exercise_replay_and_drawing_together(tmp_path, capsys):
    paths = [tmp_path / name for name in ("g.dot", "r.html", "e.html")]
    options = ["-o", str(paths[0]), "--replay", str(paths[1]), "--exercise", str(paths[2])]
    code, out, _ = run(capsys, "graph", "a*b", "a=2", "b=3", *options)
    assert code == EXIT_OK
    assert out.splitlines()[-3:] == [f"wrote {path}" for path in paths]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--exercise", "e.svg"], "unsupported output type '.svg' in 'e.svg': use .html"),
        (["--exercise", "e.html", "--no-grad"], "--exercise shows backward, so it cannot be used with --no-"),
        (["--exercise", "e.html", "--max-nodes", "2"], "the graph has 3 values, more than --max-nodes 2"),
    ],
)
def test_an_exercise_refused_is_one_line_and_no_file(tmp_path, capsys, options, message):
    drawing = tmp_path / "g.svg"
    code, out, err = run(capsys, "graph", "a*b", "a=2", "b=3", "-o", str(drawing), *options)
    assert (code, out) == (EXIT_USAGE, "")
    assert err.startswith("chaingrad: error: ") and message in err and err.count("\n") == 1
    assert not drawing.exists()
