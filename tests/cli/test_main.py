"""The `chaingrad graph` command (also `python -m autograd`): its output, refusals and exit codes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import graphviz
import pytest

from autograd import Value, topological_order
from autograd.cli.main import EXIT_GRAPHVIZ, EXIT_MATH, EXIT_OK, EXIT_USAGE, main
from autograd.teaching.naming import format_number
from tests.helpers import read_svg

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
def test_writes_the_svg_of_the_graph_python_would_build(expression, variables, formula, tmp_path, capsys):
    output = tmp_path / "graph.svg"
    pairs = [f"{name}={value}" for name, value in variables.items()]
    status, out, err = run(capsys, "graph", expression, *pairs, "-o", str(output))
    assert (status, err) == (EXIT_OK, "")

    root, leaves = python_version_of(formula, variables)
    order = topological_order(root)
    computed = [node for node in order if node.children]
    picture = read_svg(output.read_bytes())
    assert len(picture.nodes) == len(order) + len(computed)  # a box per value, an oval per op
    assert sum(picture.edges.values()) == sum(len(node.children) + 1 for node in computed)

    assert f"value = {format_number(root.data, 6)}" in out.splitlines()
    for name, leaf in leaves.items():
        assert f"d/d{name} = {format_number(leaf.grad, 6)}" in out.splitlines()
    assert out.splitlines()[-1] == f"wrote {output}"


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


def test_no_command_prints_help_and_fails(capsys):
    status, _, err = run(capsys)
    assert status == EXIT_USAGE and "graph" in err


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
    (["+".join(["a"] * 3000), A], "nested too deeply", EXIT_USAGE),
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
        (["graph", "a", "a=1"], "required: -o/--output"),
        (["graph", "a", "a=1", "-o", "g.svg", "--rankdir", "up"], "invalid choice"),
        (["graph", "a", "a=1", "-o", "g.svg", "--max-nodes", "0"], "positive integer"),
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


def test_a_failing_dot_is_reported_in_one_line(tmp_path, monkeypatch, capsys):
    def crash(*args, **kwargs):
        raise graphviz.CalledProcessError(1, ["dot", "-Tsvg"], b"", b"Error: something broke\nmore detail\n")

    monkeypatch.setattr(graphviz.Digraph, "pipe", crash)
    code, _, err = run(capsys, "graph", "a*2", "a=1", "-o", str(tmp_path / "g.svg"))
    assert code == EXIT_GRAPHVIZ
    assert err == "chaingrad: error: Graphviz's dot failed: Error: something broke\n"


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
