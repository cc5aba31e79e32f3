"""The notebooks run top to bottom in a real kernel, and are committed in sync, small and with outputs.

Each notebook is written as a jupytext percent-format script, notebooks/NAME.py, and
built with its outputs into notebooks/NAME.ipynb by ``scripts/build_notebooks.py``,
whose ``load`` and ``execute`` the tests use: one kernel set-up for building and
testing. Each notebook asserts the seed homework's answer key in its own cells, so
running it is a test; one test per notebook lets pytest-xdist run them side by side.
The kernel is started with this interpreter (the virtualenv's), whatever ``python`` is
on PATH, and a cell appended here checks that it really was.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import jupytext
import nbformat
import pytest
from nbclient.exceptions import CellControlSignal, CellExecutionError, DeadKernelError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
EXPECTED = [
    "00_tour",
    "01_homework",
    "02_xor",
    "03_autoencoder",
    "04_intro_neural_networks",
    "05_to_pytorch",
    "06_backprop_exercise",
]
NEEDS_TORCH = {"05_to_pytorch"}  # PyTorch is an optional extra: without it these notebooks cannot run
MAX_BYTES = 1_000_000  # committed with outputs, a notebook must stay light enough to view on a code host
REBUILD = "rebuild it with .venv/bin/python scripts/build_notebooks.py"


def _load_builder() -> ModuleType:
    """scripts/build_notebooks.py, which builds the notebooks exactly as the tests run them."""
    spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "scripts" / "build_notebooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


builder = _load_builder()
by_name = pytest.mark.parametrize("name", EXPECTED)


def test_the_notebooks_are_there():
    assert sorted(path.stem for path in NOTEBOOK_DIR.glob("*.py")) == EXPECTED
    assert sorted(path.stem for path in NOTEBOOK_DIR.glob("*.ipynb")) == EXPECTED
    assert list(builder.SOURCES) == EXPECTED


@by_name
def test_committed_in_sync_with_its_source(name: str):
    source = jupytext.read(NOTEBOOK_DIR / f"{name}.py")
    built = jupytext.read(NOTEBOOK_DIR / f"{name}.ipynb")
    for notebook, path in [(source, f"{name}.py"), (built, f"{name}.ipynb")]:
        pairing = notebook.metadata.get("jupytext", {}).get("formats")
        assert pairing == "ipynb,py:percent", f"{path} is not paired by its jupytext header ({pairing!r})"
    expected, found = builder.cells(source), builder.cells(built)
    differ = [k for k, (a, b) in enumerate(zip(expected, found)) if a != b]
    where = f"cell {differ[0]} differs" if differ else f"{len(found)} cells where the .py has {len(expected)}"
    assert found == expected, f"{name}.ipynb is out of date with {name}.py ({where}); {REBUILD}"


@by_name
def test_committed_small_and_with_outputs(name: str):
    path = NOTEBOOK_DIR / f"{name}.ipynb"
    size = path.stat().st_size
    assert size < MAX_BYTES, f"{path.name} has {size:,} bytes, over {MAX_BYTES:,}: draw smaller pictures"
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    counts = [cell.execution_count for cell in code_cells]
    assert counts == list(range(1, len(code_cells) + 1)), (
        f"{path.name} was not saved from one run top to bottom (execution counts {counts}); {REBUILD}"
    )
    failed = [k for k, cell in enumerate(notebook.cells) if _has_error(cell)]
    assert not failed, f"{path.name} is saved with an error in cell {failed[0]}; {REBUILD}"
    showing = [cell for cell in code_cells if cell.outputs]
    # every notebook shows its work: most code cells print, draw or plot something
    assert len(showing) >= len(code_cells) * 2 // 3, f"{path.name} is saved without its outputs; {REBUILD}"


@by_name
def test_notebook_runs(name: str):
    if name in NEEDS_TORCH and importlib.util.find_spec("torch") is None:
        pytest.skip(f"{name} needs PyTorch, which is not installed: pip install 'chaingrad[torch]'")
    notebook = builder.load(NOTEBOOK_DIR / f"{name}.py")
    notebook.cells.append(nbformat.v4.new_code_cell("import sys\nprint(sys.executable, end='')"))
    try:
        builder.execute(notebook)  # a fresh kernel on this interpreter, in notebooks/
    except (CellExecutionError, CellControlSignal, DeadKernelError) as error:
        pytest.fail(f"{name}.py, cell {_failed_cell(notebook)}: {error}", pytrace=False)
    kernel_python = "".join(out.get("text", "") for out in notebook.cells[-1].outputs)
    assert kernel_python == sys.executable, f"the kernel ran {kernel_python!r}, not {sys.executable!r}"


def _has_error(cell: nbformat.NotebookNode) -> bool:
    return any(out.output_type == "error" for out in cell.get("outputs", []))


def _failed_cell(notebook: nbformat.NotebookNode) -> str:
    """Which cell failed: the first with an error output (cells count from 0, as in the .ipynb file)."""
    for index, cell in enumerate(notebook.cells):
        if _has_error(cell):
            return f"{index} ({cell.source.splitlines()[0]!r}...)" if cell.source else str(index)
    return "? (the kernel stopped, or a cell timed out)"
