"""Run the survivors of a mutation session again, against the tests as they are now.

A full run of scripts/mutation.sh takes hours on two busy cores. After tests are added
to kill its survivors, only the survivors need running again: a mutant that the old
tests killed is killed by the new ones too (tests are only ever added), so

    score after = (killed before + survivors killed now) / (mutants - equivalent).

The mutants are applied to the code the session tested, taken from git at the
revision it was run on (the session's own copies are being mutated while it runs),
never to the working tree; the tests come from the working tree.

Usage: .venv/bin/python scripts/mutation_recheck.py SESSION REVISION [--skip TSV] [--part K/N] TESTS...
  SESSION      the session.sqlite of a run (mutation.sh keeps it in its temporary folder)
  REVISION     the git revision whose code the session mutated
  --skip TSV   leave out the mutants an earlier recheck printed as KILLED
  --part K/N   only every N-th survivor, starting at the K-th (to run N at once)
  TESTS        the test files to run for each survivor
Prints one line per survivor: file, line, operator, occurrence, KILLED or SURVIVED, the mutated line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS_PER_MUTANT = 120


def survivors(session: Path) -> list[tuple[str, str, int, int, str]]:
    """(file, operator, occurrence, line, mutated line) of every mutant that survived."""
    database = sqlite3.connect(f"file:{session}?mode=ro", uri=True)
    rows = database.execute(
        "select m.module_path, m.operator_name, m.occurrence, m.start_pos_row, r.diff "
        "from mutation_specs m join work_results r on m.job_id = r.job_id "
        "where r.test_outcome = 'SURVIVED' order by m.module_path, m.start_pos_row"
    ).fetchall()
    return [(path, operator, occurrence, line, _added_line(diff))
            for path, operator, occurrence, line, diff in rows]


def _added_line(diff: str) -> str:
    added = [line[1:].strip() for line in diff.splitlines()
             if line.startswith("+") and not line.startswith("+++")]
    return added[0] if added else ""


def workspace(revision: str) -> Path:
    """The code at ``revision``, with the working tree's tests."""
    folder = Path(tempfile.mkdtemp(prefix="chaingrad-recheck-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "autograd", "nn"],
                             capture_output=True, check=True, timeout=60).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True, timeout=60)
    shutil.copytree(ROOT / "tests", folder / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    return folder


def killed(folder: Path, path: str, operator: str, occurrence: int, tests: list[str]) -> bool:
    """Apply one mutant in ``folder``, run the tests, put the file back: did a test fail?"""
    original = (folder / path).read_text()
    command = " ".join([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests])
    environment = {**os.environ, "PYTHONPATH": str(folder), "HYPOTHESIS_PROFILE": "deterministic"}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "cosmic_ray.cli", "mutate-and-test",
             path, operator, str(occurrence), command],
            cwd=folder, env=environment, capture_output=True, text=True, timeout=SECONDS_PER_MUTANT,
        )
    except subprocess.TimeoutExpired:
        return True  # a mutant that makes the tests hang is caught (as cosmic-ray counts a timeout)
    finally:
        (folder / path).write_text(original)
    return '"test_outcome": "killed"' in done.stdout or "TestOutcome.KILLED" in done.stdout


def main() -> None:
    session, revision, *tests = sys.argv[1:]
    skip: set[tuple[str, str, str]] = set()
    part, parts = 0, 1
    while tests and tests[0] in ("--skip", "--part"):
        option, value, *tests = tests
        if option == "--skip":
            rows = (row.split("\t") for row in Path(value).read_text().splitlines() if row)
            skip |= {(row[0], row[2], row[3]) for row in rows if row[4] == "KILLED"}
        else:
            part, parts = (int(n) for n in value.split("/"))
    folder = workspace(revision)
    todo = [s for s in survivors(Path(session)) if (s[0], s[1], str(s[2])) not in skip]
    for path, operator, occurrence, line, mutated in todo[part::parts]:
        outcome = "KILLED" if killed(folder, path, operator, occurrence, tests) else "SURVIVED"
        print(f"{path}\t{line}\t{operator}\t{occurrence}\t{outcome}\t{mutated}", flush=True)
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
