"""Build notebooks/NAME.ipynb, with its outputs, from notebooks/NAME.py (jupytext's percent format).

    .venv/bin/python scripts/build_notebooks.py [NAME ...]  # all notebooks, or the ones named
    .venv/bin/python scripts/build_notebooks.py --check     # run them, write nothing; fail on a stale .ipynb

Each notebook runs top to bottom in a fresh kernel on this very interpreter (the
virtualenv's, whatever PATH says), in notebooks/. Cell ids are numbered, timing is not
recorded and memory addresses are left out of reprs: rebuilding unchanged cells gives
byte-identical files.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import default

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
SOURCES = {path.stem: path for path in sorted(NOTEBOOK_DIR.glob("[0-9]*.py"))}
CELL_TIMEOUT = 120  # seconds; the slowest cell (training in 02_xor) takes about five
ADDRESS = re.compile(r" at 0x[0-9a-f]+>")


class VenvKernelManager(AsyncKernelManager):
    """No kernel directories to search: "python3" is ipykernel's ``sys.executable -m ipykernel_launcher``."""

    @default("kernel_spec_manager")
    def _only_the_builtin_kernel(self) -> KernelSpecManager:
        return KernelSpecManager(kernel_dirs=[])


def load(path: Path) -> nbformat.NotebookNode:
    """The notebook of a .py or .ipynb file, with cell ids c00, c01, ... so that rebuilds diff cleanly."""
    notebook = jupytext.read(path)
    for index, cell in enumerate(notebook.cells):
        cell.id = f"c{index:02d}"
    return notebook


def cells(notebook: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source) for cell in notebook.cells]


def execute(notebook: nbformat.NotebookNode) -> float:
    """Run every cell in a fresh kernel, in notebooks/; return the seconds it took."""
    start = time.perf_counter()
    client = NotebookClient(notebook, kernel_name="python3", kernel_manager_class=VenvKernelManager,
                            timeout=CELL_TIMEOUT, record_timing=False,
                            resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    client.execute()
    for output in [output for cell in notebook.cells for output in cell.get("outputs", [])]:
        if "text/plain" in output.get("data", {}):
            output.data["text/plain"] = ADDRESS.sub(">", output.data["text/plain"])
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"notebooks to build (default: all): {', '.join(SOURCES)}")
    parser.add_argument("--check", action="store_true", help="run them without writing; fail if one is stale")
    args, stale = parser.parse_args(argv), []
    if unknown := sorted(set(args.names) - set(SOURCES)):
        parser.error(f"no notebook named {', '.join(unknown)}; the notebooks are {', '.join(SOURCES)}")
    for name in args.names or SOURCES:
        notebook, target = load(SOURCES[name]), NOTEBOOK_DIR / f"{name}.ipynb"
        seconds = execute(notebook)
        nbformat.validate(notebook)
        if args.check and (not target.exists() or cells(load(target)) != cells(notebook)):
            stale.append(target.name)
        elif not args.check:
            jupytext.write(notebook, target, fmt="ipynb")
        size = "" if args.check else f", {target.stat().st_size:,} bytes"
        print(f"{name}: ran in {seconds:.1f} s{size}")
    if stale:
        print(f"out of date with their .py, rebuild: {', '.join(stale)}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
