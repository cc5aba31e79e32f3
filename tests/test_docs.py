"""Every ```python block in docs/ runs, page by page, so the docs cannot rot.

Blocks of one page share a namespace (later blocks use names from earlier ones),
run in a temporary directory. A block that raises fails the test with the page
and block number.
"""

from __future__ import annotations

import re
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
