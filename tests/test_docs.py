"""Every ```python block in docs/ runs, page by page, so the docs cannot rot; and the docs build.

Blocks of one page share a namespace (later blocks use names from earlier ones),
run in a temporary directory. A block that raises fails the test with the page
and block number. The build is the one scripts/test.sh runs: it must pass on
the docs as they are, draw their pictures, and fail on a broken link.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_there_are_pages_with_examples():
    assert sum(len(BLOCK.findall(p.read_text())) for p in PAGES) >= 20


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_examples_run(page: Path, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for number, code in enumerate(BLOCK.findall(page.read_text()), 1):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # examples must not trip warnings they don't expect
            try:
                exec(compile(code, f"{page.name}[block {number}]", "exec"), namespace)
            except Exception as error:
                pytest.fail(f"{page.name}, block {number} raised {type(error).__name__}: {error}\n{code}")


# ----------------------------------------------------------------------------
# The docs build of scripts/test.sh: it passes, it draws the pictures, and it can fail
# ----------------------------------------------------------------------------

ROOT = DOCS.parent
TEST_SH = ROOT / "scripts" / "test.sh"


def docs_build_command(site: Path) -> tuple[list[str], dict[str, str]]:
    """The mkdocs command line of scripts/test.sh, as it is written there, building into ``site``.

    Read from the script rather than copied here, so that a change to that line
    (such as adding ``--quiet`` back) is what these tests run.
    """
    line = next(
        text
        for text in TEST_SH.read_text().splitlines()
        if "mkdocs build" in text and not text.lstrip().startswith("#")
    )
    words = shlex.split(line)
    environment = dict(os.environ)
    while re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):  # NAME=value before the command
        name, _, value = words.pop(0).partition("=")
        environment[name] = value
    program = ROOT / words[0]
    if not program.exists():  # a test run outside the project's .venv
        program = Path(sys.executable).with_name(Path(words[0]).name)
    command = [str(program), *(str(site) if word == "$SITE" else word for word in words[1:])]
    return command, environment


def build_docs(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    command, environment = docs_build_command(site)
    return subprocess.run(command, cwd=project, env=environment, capture_output=True, text=True, timeout=300)


def test_the_docs_build_passes_and_draws_the_pictures(tmp_path):
    site = tmp_path / "site"
    done = build_docs(ROOT, site)
    assert done.returncode == 0, done.stderr
    # the pictures are drawn when the docs are built, by scripts/docs_pictures.py
    for page, at_least in [("graphs", 3), ("nn", 1)]:
        text = (site / page / "index.html").read_text()
        assert "<!-- picture:" not in text, f"{page}: a picture was not drawn"
        assert text.count('<div class="chaingrad-picture"><svg') >= at_least, page
    watching = (site / "watching" / "index.html").read_text()
    assert '<iframe src="backprop.html"' in watching
    replay = (site / "watching" / "backprop.html").read_text()
    assert replay.startswith("<!DOCTYPE html>") and "<svg" in replay
    assert "example.invalid" not in "".join(p.read_text() for p in site.rglob("*.html"))


def test_the_docs_build_fails_on_a_broken_link(tmp_path):
    # a copy of the docs with one broken link; the sources are linked, not copied
    project = tmp_path / "project"
    shutil.copytree(DOCS, project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project)
    shutil.copytree(ROOT / "scripts", project / "scripts")
    for package in ("autograd", "nn"):
        (project / package).symlink_to(ROOT / package)
    index = project / "docs" / "index.md"
    index.write_text(index.read_text() + "\nSee [a page that is not there](no-such-page.md).\n")

    done = build_docs(project, tmp_path / "site")
    assert done.returncode != 0, "the docs build of scripts/test.sh passed despite a broken link"
    warnings_shown = [line for line in done.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings_shown) == 1 and "no-such-page.md" in warnings_shown[0], done.stderr
