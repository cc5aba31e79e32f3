"""Helpers for scripts/mutation.sh, which runs cosmic-ray on a copy of the project.

    test-map COVERAGE MAP "FILES" "TESTS"   which tests run each line of FILES (from coverage.py)
    worker PORT MAP              a cosmic-ray HTTP worker that runs each mutant's tests fast
    skip-annotations SESSION     marks the mutants inside type annotations as skipped
    progress SESSION             prints "done / total" for a running session
    report SESSION EQUIVALENT OUT_DIR   counts the results and lists the surviving mutants

cosmic-ray does the mutation testing: it makes the mutants, applies each one to the file
on disk, records the outcome in its session database and restores the file. What these
helpers change is only how fast a mutant's tests run, and how the results are shown.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

import pytest

# ----------------------------------------------------------------------------
# test-map: which tests run each line of the core.
#
# A mutant can only change what a test sees if the test runs the mutated line. So
# the tests run once under coverage.py, with this module as a pytest plugin
# (-p mutation_report) that labels each line run with the test running it (its
# "context"), and a mutant's tests are those of its line: a mutant of a line that no
# test runs survives without a run, and one that two tests run costs those two. A
# line that also runs outside any test (at import, during collection) gets all the
# tests: what it does there could reach any test.
# ----------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Under coverage.py: each line run by a test (setup and teardown too) is labelled with its node id."""
    from coverage import Coverage

    coverage = Coverage.current()
    coverage.switch_context(item.nodeid)
    try:
        return (yield)
    finally:
        coverage.switch_context("")


ALL = "all"  # in the map: this line needs every test of the selection


def test_map(coverage_file: str, map_file: str, files: str, tests: str) -> None:
    from coverage import CoverageData
    from coverage.parser import PythonParser

    test_files = tests.split()

    def run_order(node: str) -> tuple[int, int, str]:
        """The selection's order, then the definition order in a file: -x stops at the first failure."""
        path, name = node.split("::")[0], node.split("::")[1].split("[")[0]
        return test_files.index(path), definitions[path].get(name, 0), node

    definitions = {
        path: {node.name: node.lineno for node in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8")))
               if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
        for path in test_files
    }
    data = CoverageData(coverage_file)
    data.read()
    measured = {Path(f).resolve(): f for f in data.measured_files()}
    result: dict[str, list] = {}
    for file in files.split():
        parser = PythonParser(filename=file)
        parser.parse_source()
        # the contexts of a statement: of all its lines (a call over several lines records several)
        contexts: dict[int, set[str]] = defaultdict(set)
        for line, names in data.contexts_by_lineno(measured.get(Path(file).resolve(), file)).items():
            contexts[parser.first_line(line)].update(names)
        lines: list = []
        for line in range(1, len(parser.text.splitlines()) + 1):
            first = parser.first_line(line)
            names = contexts.get(first, set())
            if first not in parser.statements or any(n.split("::")[0] not in test_files for n in names):
                lines.append(ALL)  # not a plain statement, or run outside a test ("" ): no shortcut
            else:
                lines.append(sorted(names, key=run_order))
        result[file] = lines
    Path(map_file).write_text(json.dumps(result), encoding="utf-8")
    shortcut = sum(entry != ALL for lines in result.values() for entry in lines)
    print(f"mutation: test map written: {shortcut} of {sum(map(len, result.values()))} lines "
          "need only the tests that run them")


class TestsPerLine:
    """Finds the mutated line (the first that differs from the file as it was) and its tests."""

    def __init__(self, map_file: str) -> None:
        self.map = json.loads(Path(map_file).read_text(encoding="utf-8"))
        self.pristine = {file: Path(file).read_text(encoding="utf-8") for file in self.map}

    def for_the_mutant(self) -> list[str] | None:
        """The node ids of the tests to run, [] if none runs the mutated line, None for all."""
        for file, original in self.pristine.items():
            now = Path(file).read_text(encoding="utf-8")
            if now == original:
                continue
            old_lines, new_lines = original.splitlines(), now.splitlines()
            line = next((i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b),
                        min(len(old_lines), len(new_lines)))
            entry = self.map[file][line] if line < len(self.map[file]) else ALL
            return None if entry == ALL else entry
        return None


# ----------------------------------------------------------------------------
# worker: cosmic-ray's HTTP worker, with the test run forked from a warm process.
#
# cosmic-ray runs the test command as a new process for every mutant. Here that
# costs ~5 s before the first test runs (importing pytest, hypothesis, sympy and
# torch, ~2 s of it), times ~2,000 mutants. So the worker imports those libraries
# once and forks a child per mutant, which runs pytest in-process. The child
# imports the project (the mutated file included) afresh from disk: the worker
# itself never imports it.
# ----------------------------------------------------------------------------

# Imported once by the worker: slow to import, and never mutated.
PRELOAD = ("pytest", "hypothesis", "numpy", "sympy", "mpmath", "torch")
NOT_RUN = "no test runs the mutated line"  # the output recorded for such a survivor
TESTS_PER_LINE: TestsPerLine | None = None  # set by worker()


def run_tests_in_a_fork(command: str, timeout: float):
    """Stands in for cosmic_ray.testing.run_tests, with the same contract.

    ``command`` is the config's test command, ``python -m pytest OPTIONS -- TEST_FILES``:
    the child runs pytest.main with the OPTIONS and, in place of the TEST_FILES, the tests
    that run the mutated line (see TestsPerLine). Exit 0 means the mutant survived,
    anything else that it was killed, and a run longer than ``timeout`` is killed with the
    output "timeout" (cosmic-ray's own convention, which the report counts apart).
    """
    from cosmic_ray.work_item import TestOutcome

    words = shlex.split(command)
    if words[:3] != ["python", "-m", "pytest"] or "--" not in words:
        return TestOutcome.INCOMPETENT, f"expected 'python -m pytest OPTIONS -- TEST_FILES', got {command}"
    options = words[3 : words.index("--") + 1]
    tests = TESTS_PER_LINE.for_the_mutant() if TESTS_PER_LINE else None
    if tests == []:
        print("   0.0 s  survived (no test runs the line)", flush=True)
        return TestOutcome.SURVIVED, NOT_RUN
    args = options + (tests or words[words.index("--") + 1 :])
    started = time.monotonic()
    with tempfile.TemporaryFile() as output:
        pid = os.fork()
        if pid == 0:  # the child
            code = 3
            try:
                os.setpgid(0, 0)  # its own process group: a timeout kills whatever it started too
                for sig in (signal.SIGINT, signal.SIGTERM):
                    signal.signal(sig, signal.SIG_DFL)  # not the web server's handlers
                os.dup2(output.fileno(), 1)
                os.dup2(output.fileno(), 2)
                # a .pyc written for a mutant could be taken for the restored file's later
                sys.dont_write_bytecode = True
                code = int(pytest.main(args))
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)  # no cleanup of the parent's state (its event loop, its sockets)
        deadline = time.monotonic() + timeout
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.killpg(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                print(f"{time.monotonic() - started:6.1f} s  timeout", flush=True)
                return TestOutcome.KILLED, "timeout"
            time.sleep(0.02)
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    # A test given by node id that pytest cannot find (a map out of date): the tests were
    # never run, which is no kill. (A mutant that breaks `import autograd` also makes
    # pytest stop with a usage error, reading the config's warning filters: that one is.)
    if code == pytest.ExitCode.NO_TESTS_COLLECTED or "ERROR: not found:" in text:
        print(f"{time.monotonic() - started:6.1f} s  incompetent (pytest exit {code})", flush=True)
        return TestOutcome.INCOMPETENT, text
    survived = code == 0
    # one line per mutant in the worker's log: how long a test run takes
    print(f"{time.monotonic() - started:6.1f} s  {'survived' if survived else 'killed'}"
          f" ({len(tests) if tests else 'all'} tests)", flush=True)
    return (TestOutcome.SURVIVED if survived else TestOutcome.KILLED), text


def worker(port: int, map_file: str) -> None:
    """Serve cosmic-ray's mutate-and-test requests on 127.0.0.1:PORT from the current directory."""
    global TESTS_PER_LINE
    import cosmic_ray.distribution.http
    import cosmic_ray.mutating
    from aiohttp import web

    for name in PRELOAD:
        with contextlib.suppress(ImportError):  # an optional test dependency: the tests that need it skip
            importlib.import_module(name)
    # The code under test must come from this copy, and fresh for every mutant.
    for package in ("autograd", "nn", "tests"):
        assert package not in sys.modules, f"the worker must not import {package}: the mutants live there"
    here = Path.cwd().resolve()
    origin = Path(importlib.util.find_spec("autograd").origin).resolve()
    if here not in origin.parents:
        sys.exit(f"worker in {here} would test {origin}: set PYTHONPATH to the copy")

    TESTS_PER_LINE = TestsPerLine(map_file)  # read now, before any mutant is applied
    cosmic_ray.mutating.run_tests = run_tests_in_a_fork  # mutate_and_test calls it by this name
    app = web.Application()
    app.add_routes([web.post("/", cosmic_ray.distribution.http.handle_mutate_and_test)])
    web.run_app(app, host="127.0.0.1", port=port, print=None)  # this machine only


# ----------------------------------------------------------------------------
# skip-annotations: every core module starts with `from __future__ import
# annotations`, so an annotation is a string that is never evaluated: turning
# `float | None` into `float & None` changes nothing a test could see. Such
# mutants are marked skipped (as cosmic-ray's own cr-filter-* tools do) instead
# of costing a full test run each and then being listed as equivalent.
# ----------------------------------------------------------------------------


def annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) positions, as (line, column), of every annotation in a module."""
    spans = []
    for node in ast.walk(ast.parse(source)):
        annotations = []
        if isinstance(node, ast.arg):
            annotations = [node.annotation]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            annotations = [node.returns]
        elif isinstance(node, ast.AnnAssign):
            annotations = [node.annotation]
        spans += [((a.lineno, a.col_offset), (a.end_lineno, a.end_col_offset)) for a in annotations if a]
    return spans


def skip_annotations(session: str) -> None:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    spans: dict[Path, list] = {}
    skipped = 0
    with use_db(session, WorkDB.Mode.open) as db:
        for item in db.pending_work_items:
            for mutation in item.mutations:
                path = mutation.module_path
                source = path.read_text(encoding="utf-8")
                if path not in spans:
                    if "from __future__ import annotations" not in source:
                        spans[path] = []  # annotations are evaluated here: their mutants are run
                    else:
                        spans[path] = annotation_spans(source)
                if any(start <= tuple(mutation.start_pos) < end for start, end in spans[path]):
                    db.set_result(item.job_id, WorkResult(output="inside a type annotation",
                                                          worker_outcome=WorkerOutcome.SKIPPED))
                    skipped += 1
    print(f"mutation: {skipped} mutants inside type annotations skipped (never evaluated at run time)")


# ----------------------------------------------------------------------------
# progress and report: both read the session through `cosmic-ray dump`, the
# tool's own export (one JSON line per mutant: the mutation, and its result or null).
# ----------------------------------------------------------------------------


def dump(session: str) -> list[tuple[dict, dict | None]]:
    text = subprocess.run([sys.executable, "-m", "cosmic_ray.cli", "dump", session],
                          check=True, capture_output=True, text=True).stdout
    return [tuple(json.loads(line)) for line in text.splitlines() if line.strip()]


def progress(session: str) -> None:
    items = dump(session)
    done = sum(result is not None for _, result in items)
    print(f"mutation: {done} / {len(items)} mutants done")


def outcome(result: dict | None) -> str:
    """One word per mutant: killed, timeout, survived, incompetent, skipped, or pending."""
    if result is None:
        return "pending"
    if result["worker_outcome"] in ("skipped", "no-test"):
        return "skipped"
    if result["worker_outcome"] != "normal" or result["test_outcome"] == "incompetent":
        return "incompetent"  # the worker failed, so the tests never judged this mutant
    if result["test_outcome"] == "killed":
        return "timeout" if result["output"] == "timeout" else "killed"
    return "survived"


def changed_lines(diff: str) -> tuple[str, str]:
    """The original and the mutated source line of a mutant, from cosmic-ray's unified diff."""
    removed, added = [], []
    for line in diff.splitlines():
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("-"):
            removed.append(line[1:].strip())
        elif line.startswith("+"):
            added.append(line[1:].strip())
    return " / ".join(removed), " / ".join(added)


def key(mutant: dict) -> tuple[str, ...]:
    """What identifies a mutant across runs: not cosmic-ray's job id (new on every run)
    nor the line number (code above it moves it), but where and what it changes."""
    return (mutant["file"], mutant["function"], mutant["operator"], mutant["original"], mutant["mutated"])


def read_equivalent(path: Path) -> dict[tuple[str, ...], str]:
    """The equivalent mutants file: key fields and a reason, separated by tabs (see its header)."""
    entries = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 6 or not fields[5].strip():
            sys.exit(f"{path}:{number}: expected 6 fields separated by tabs, the last a reason")
        entries[tuple(f.strip() for f in fields[:5])] = fields[5].strip()
    return entries


def report(session: str, equivalent_file: str, out_dir: str) -> None:
    mutants = []
    for item, result in dump(session):
        (mutation,) = item["mutations"]  # cosmic-ray makes one mutation per mutant by default
        original, mutated = changed_lines((result or {}).get("diff") or "")
        mutants.append({
            "file": mutation["module_path"],
            "line": mutation["start_pos"][0],
            "function": mutation["definition_name"] or "<module>",
            "operator": mutation["operator_name"].removeprefix("core/"),
            "outcome": outcome(result),
            "no_test": (result or {}).get("output") == NOT_RUN,
            "original": original,
            "mutated": mutated,
        })
    equivalent = read_equivalent(Path(equivalent_file))
    for mutant in mutants:
        mutant["equivalent"] = key(mutant) in equivalent

    # The table: per file and in total. A timeout counts as killed (the tests noticed
    # that the mutant hangs); incompetent and skipped mutants were not judged by the tests.
    columns = ("mutants", "killed", "timeout", "survived", "no test", "equivalent", "incompetent", "skipped",
               "pending")
    rows: dict[str, Counter] = defaultdict(Counter)
    for mutant in mutants:
        for row in (mutant["file"], "total"):
            counts = rows[row]
            counts[mutant["outcome"]] += 1
            if mutant["outcome"] not in ("skipped", "pending"):
                counts["mutants"] += 1
            if mutant["outcome"] == "survived" and mutant["equivalent"]:
                counts["equivalent"] += 1
            if mutant["no_test"]:
                counts["no test"] += 1
    width = {c: max(9, len(c) + 2) for c in columns}
    lines = [f"{'file':34}" + "".join(f"{c:>{width[c]}}" for c in columns) + f"{'score':>8}"]
    for row in sorted(rows, key=lambda r: (r == "total", r)):
        counts = rows[row]
        judged = counts["killed"] + counts["timeout"] + counts["survived"] - counts["equivalent"]
        score = f"{(counts['killed'] + counts['timeout']) / judged:.1%}" if judged else "-"
        lines.append(f"{row:34}" + "".join(f"{counts[c]:>{width[c]}}" for c in columns) + f"{score:>8}")
    table = "\n".join(lines)
    explanation = ("score = (killed + timeout) / (killed + timeout + survived - equivalent). 'no test': "
                   "survivors that no test runs (among 'survived'). 'mutants' leaves out the skipped ones "
                   "(inside type annotations).")

    survivors = sorted((m for m in mutants if m["outcome"] == "survived" and not m["equivalent"]),
                       key=lambda m: (m["file"], m["line"], m["operator"]))
    text = [f"# Surviving mutants ({len(survivors)})", "", "```", table, "```", "", explanation, ""]
    for file in sorted({m["file"] for m in survivors}):
        text += [f"## {file}", ""]
        for m in (m for m in survivors if m["file"] == file):
            untested = ", no test runs this line" if m["no_test"] else ""
            text += [f"- {file}:{m['line']} in `{m['function']}` ({m['operator']}{untested})",
                     f"  - `{m['original']}`", f"  + `{m['mutated']}`"]
        text.append("")
    text += ["## As lines for scripts/mutation_equivalent.txt", "",
             "Once sure that a mutant is equivalent, copy its line there with the reason for REASON.", "",
             "```"]
    text += ["\t".join([*key(m), "REASON"]) for m in survivors]
    text += ["```", ""]

    # an entry for a file this run did not mutate (--files) says nothing about this run
    files = {m["file"] for m in mutants}
    stale = {e for e in equivalent if e[0] in files} - {key(m) for m in mutants if m["outcome"] == "survived"}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "survivors.md").write_text("\n".join(text), encoding="utf-8")
    (out / "mutants.json").write_text(json.dumps(mutants, indent=1), encoding="utf-8")
    print(table)
    print(explanation)
    if rows["total"]["pending"]:
        print(f"mutation: the run is incomplete: {rows['total']['pending']} mutants were never tested")
    for entry in sorted(stale):
        # killed now, or gone from the code: either way the line no longer says anything true
        print(f"mutation: {equivalent_file} lists a mutant that did not survive this run: {entry}")
    print(f"mutation: {len(survivors)} surviving mutants are listed in {out / 'survivors.md'}")


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "test-map":
        test_map(*args)
    elif command == "worker":
        worker(int(args[0]), args[1])
    elif command == "skip-annotations":
        skip_annotations(*args)
    elif command == "progress":
        progress(*args)
    elif command == "report":
        report(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
