"""MkDocs hook: the Playground, the library running in the reader's browser, served by the site itself.

The Playground page (``docs/playground.md``) runs the real library in Pyodide
(CPython compiled to WebAssembly) and draws graphs with Graphviz compiled to
WebAssembly (the npm package ``@viz-js/viz``). Nothing comes from a CDN: when the
site is built, this hook

* builds the library's wheel from the checkout, as ``pip install .`` builds it,
  and puts it in the site (``playground/runtime/``), with a wheel of each of its
  dependencies as installed here (pure Python: ``graphviz``);
* copies, next to them, the few files of Pyodide and viz.js that the page loads,
  from ``node_modules`` (``scripts/setup.sh --docs`` installs them as
  ``package-lock.json`` pins them), and MathJax, which every page uses for its
  formulas;
* puts the Playground's widget where its page says ``<!-- playground -->``, with
  the page's examples (after ``<!-- playground: examples -->``, a ``### title``,
  a sentence and a ```python block each) as the editor's menu;
* adds a "Run in the playground" link under every ```python block of a page that
  says ``<!-- playground: run links -->``. The link carries the code in its
  ``#code=`` fragment, after the page's earlier blocks (later blocks use names
  that earlier ones define, as ``tests/test_docs.py`` runs them).

The page's scripts are ``docs/javascripts/playground.js`` (the editor and
``window.chaingrad``), ``playground-worker.js`` (Pyodide, in a worker) and
``playground.py`` (runs the code as a notebook cell would).
"""

from __future__ import annotations

import hashlib
import html
import importlib.metadata
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from base64 import urlsafe_b64encode
from pathlib import Path
from urllib.parse import quote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

PLAYGROUND_PAGE = "playground.md"
RUNTIME = "playground/runtime"  # where the site keeps the wheels, Pyodide and viz.js

NPM_PACKAGES = ("pyodide", "@viz-js/viz", "mathjax")  # the ones package.json names
# Only the files that the pages load, not whole packages: site path -> path in node_modules.
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
NODE_FILES = {
    **{f"{RUNTIME}/pyodide/{name}": f"pyodide/{name}" for name in PYODIDE_FILES},
    f"{RUNTIME}/viz/viz.js": "@viz-js/viz/dist/viz.js",
    # MathJax finds its fonts next to itself (output/chtml/fonts/woff-v2/*.woff, added below)
    "javascripts/mathjax/tex-mml-chtml.js": "mathjax/es5/tex-mml-chtml.js",
}
NODE_FOLDERS = {"javascripts/mathjax/output/chtml/fonts/woff-v2": "mathjax/es5/output/chtml/fonts/woff-v2"}

BLOCK = re.compile(r"^```python\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
WIDGET = "<!-- playground -->"
EXAMPLES = "<!-- playground: examples -->"
RUN_LINKS = "<!-- playground: run links -->"

# What the widget shows until the page's script replaces it: if it stays, the script could not run.
NO_SCRIPT = (
    "The playground needs JavaScript, and the site served over HTTP (a page opened from a file "
    "cannot start Python): <code>mkdocs serve</code>, or <code>python -m http.server</code> in the "
    "built site's folder."
)

# Set by on_files, for the Playground's page: the wheels that Python installs, in order.
_wheel_names: list[str] = []


# ----------------------------------------------------------------------------
# The files: the wheels, Pyodide, viz.js, MathJax
# ----------------------------------------------------------------------------


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the wheels and the npm packages' files to the site."""
    root = _project_root(config)
    node_modules = _checked_node_modules(root)
    wheels = _wheels(root)
    _wheel_names[:] = list(wheels)
    for name, content in wheels.items():
        files.append(File.generated(config, f"{RUNTIME}/{name}", content=content))
    for target, source in _node_files(node_modules).items():
        files.append(File.generated(config, target, abs_src_path=str(source)))
    return files


def _project_root(config: MkDocsConfig) -> Path:
    """The checkout whose library the docs describe: the folder holding the ``autograd`` next to mkdocs.yml.

    Followed through a link: a copy of the docs that links to the sources (as
    tests/test_docs.py makes one) serves the wheel of those sources.
    """
    return (Path(config.config_file_path).parent / "autograd").resolve().parent


def _checked_node_modules(root: Path) -> Path:
    """``root/node_modules``, if it holds the packages that ``package-lock.json`` pins; else what to run."""
    node_modules = root / "node_modules"
    locked = json.loads((root / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    for name in NPM_PACKAGES:
        wanted = locked[f"node_modules/{name}"]["version"]
        manifest = node_modules / name / "package.json"
        found = json.loads(manifest.read_text(encoding="utf-8"))["version"] if manifest.exists() else None
        if found != wanted:
            having = f"has {name} {found}" if found else f"has no {name}"
            raise PluginError(
                f"the Playground needs the npm package {name} {wanted} (package-lock.json), but node_modules "
                f"{having}: run scripts/setup.sh --docs (or npm ci)"
            )
    return node_modules


def _node_files(node_modules: Path) -> dict[str, Path]:
    """Every file to copy from node_modules: site path -> file."""
    chosen = {target: node_modules / source for target, source in NODE_FILES.items()}
    for target, source in NODE_FOLDERS.items():
        for file in sorted((node_modules / source).iterdir()):
            chosen[f"{target}/{file.name}"] = file
    return chosen


def _wheels(root: Path) -> dict[str, bytes]:
    """The library's wheel and its dependencies' (as installed here), by file name: what Pyodide installs."""
    name, library = _build_wheel(root)
    wheels = {name: library}
    for requirement in _requirements(library):
        name, wheel = _installed_as_wheel(requirement)
        wheels[name] = wheel
    return wheels


def _build_wheel(root: Path) -> tuple[str, bytes]:
    """Build the wheel of the checkout at ``root`` with pip, as ``pip install .`` does; its name and bytes."""
    with tempfile.TemporaryDirectory(prefix="chaingrad-wheel-") as scratch:
        # setuptools builds inside the checkout (build/, *.egg-info) unless told otherwise; here it
        # builds in the scratch folder, so that two builds at once (tests) or old files cannot meet
        settings = Path(scratch, "setup.cfg")
        settings.write_text(f"[build]\nbuild_base = {scratch}/build\n[egg_info]\negg_base = {scratch}\n")
        command = [sys.executable, "-m", "pip", "wheel", str(root), "--no-deps", "--quiet"]
        # the build backend installed here, not a fresh one from the network: the docs build is offline
        command += ["--no-build-isolation", "--wheel-dir", f"{scratch}/dist"]
        environment = {**os.environ, "DIST_EXTRA_CONFIG": str(settings)}
        done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise PluginError(f"building the wheel for the Playground failed:\n{done.stderr.strip()[-3000:]}")
        (wheel,) = Path(scratch, "dist").glob("*.whl")
        return wheel.name, wheel.read_bytes()


def _requirements(wheel: bytes) -> list[str]:
    """The names of the packages the wheel requires when installed plainly (no extras)."""
    with zipfile.ZipFile(io.BytesIO(wheel)) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        lines = archive.read(metadata).decode("utf-8").splitlines()
    required = [
        line.removeprefix("Requires-Dist:").strip() for line in lines if line.startswith("Requires-Dist:")
    ]
    return [re.split(r"[\s;<>=!~\[(]", r, maxsplit=1)[0] for r in required if ";" not in r]


def _installed_as_wheel(name: str) -> tuple[str, bytes]:
    """The package ``name`` as installed in this environment, packed back into a wheel.

    Only pure-Python packages can run in Pyodide from plain files; the docs build
    is offline, so the installed copy is the one at hand (and the one the tests ran).
    """
    try:
        installed = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        raise PluginError(f"the library needs {name}, not installed here: run scripts/setup.sh") from None
    if "Root-Is-Purelib: true" not in (installed.read_text("WHEEL") or ""):
        raise PluginError(f"the library needs {name}, not pure Python: Pyodide cannot load it from the site")
    kept = [path for path in installed.files or [] if _belongs_in_wheel(path.parts)]
    dist_info = next(p.parts[0] for p in kept if p.parts[0].endswith(".dist-info"))
    wheel_name = f"{dist_info.removesuffix('.dist-info')}-py3-none-any.whl"
    return wheel_name, _zipped({str(path): Path(str(path.locate())).read_bytes() for path in kept}, dist_info)


def _belongs_in_wheel(parts: tuple[str, ...]) -> bool:
    """Not a compiled cache, nor a file outside site-packages (a script), nor RECORD (written anew)."""
    return "__pycache__" not in parts and parts[0] != ".." and parts[-1] not in ("RECORD", "INSTALLER")


def _zipped(contents: dict[str, bytes], dist_info: str) -> bytes:
    """A wheel (a zip file with a RECORD of hashes) holding ``contents``; the same bytes every build."""
    record = [f"{name},sha256={_digest(data)},{len(data)}" for name, data in contents.items()]
    record.append(f"{dist_info}/RECORD,,")  # the RECORD itself has no hash
    contents = {**contents, f"{dist_info}/RECORD": "".join(line + "\n" for line in record).encode()}
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for name, data in contents.items():
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # a fixed date: the same bytes
            archive.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED)
    return packed.getvalue()


def _digest(data: bytes) -> str:
    return urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


# ----------------------------------------------------------------------------
# The pages: the widget and its examples, and the run links
# ----------------------------------------------------------------------------


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Put the widget into the Playground's page, and run links under the examples of pages that ask."""
    if page.file.src_uri == PLAYGROUND_PAGE:
        markdown = _with_widget(markdown, page)
    if RUN_LINKS in markdown:
        markdown = _with_run_links(markdown, page, files)
    return markdown


def _with_widget(markdown: str, page: Page) -> str:
    """The page with its widget, and with its examples turned into the widget's data."""
    if WIDGET not in markdown or EXAMPLES not in markdown:
        raise PluginError(f"{PLAYGROUND_PAGE} must say where its widget goes ({WIDGET}) and examples start")
    text, _, examples = markdown.partition(EXAMPLES)
    data = {
        "runtime": get_relative_url(f"{RUNTIME}/", page.url),
        "wheels": _wheel_names,
        "examples": _examples(examples),
    }
    script = get_relative_url("javascripts/playground.js", page.url)
    # "<" as \u003c: the JSON can hold no "</script>" (nor anything else that ends the element)
    island = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    widget = (
        f'<div id="chaingrad-playground" class="cg-pg"><p class="cg-pg-error">{NO_SCRIPT}</p></div>\n'
        f'<script type="application/json" id="chaingrad-playground-data">{island}</script>\n'
        # async: it runs as soon as it is here, before the theme's scripts: Python starts sooner
        f'<script type="module" async src="{html.escape(script)}"></script>'
    )
    return text.replace(WIDGET, widget)


def _examples(section: str) -> list[dict[str, str]]:
    """The examples after the marker: ``### title``, what it shows (a sentence), one ```python block."""
    found = []
    for part in re.split(r"^### ", section, flags=re.MULTILINE)[1:]:
        title, _, body = part.partition("\n")
        block = BLOCK.search(body)
        if block is None:
            raise PluginError(f"{PLAYGROUND_PAGE}: the example {title.strip()!r} has no ```python block")
        about = " ".join(body[: block.start()].split()).replace("`", "")
        key = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        found.append({"key": key, "title": title.strip(), "about": about, "code": block.group(1)})
    if not found:
        raise PluginError(f"{PLAYGROUND_PAGE}: no examples after {EXAMPLES}")
    return found


def _with_run_links(markdown: str, page: Page, files: Files) -> str:
    """Every ```python block followed by a link that opens it, runnable, in the playground."""
    playground = files.get_file_from_path(PLAYGROUND_PAGE)
    if playground is None:
        raise PluginError(f"{page.file.src_uri} asks for run links, but there is no {PLAYGROUND_PAGE}")
    target = get_relative_url(playground.url, page.url)
    blocks = [match.group(1) for match in BLOCK.finditer(markdown)]
    numbers = iter(range(len(blocks)))  # the blocks in order, as the substitution meets them

    def linked(block: re.Match[str]) -> str:
        code = _runnable(blocks, next(numbers))
        href = html.escape(f"{target}#code={quote(code, safe='')}")
        return f'{block.group(0)}\n\n<p class="cg-run-link"><a href="{href}">Run in the playground</a></p>\n'

    return BLOCK.sub(linked, markdown.replace(RUN_LINKS, ""))


def _runnable(blocks: list[str], number: int) -> str:
    """Block ``number`` of a page, after the blocks before it: the page's examples share their names."""
    if number == 0:
        return blocks[0]
    earlier = "\n".join(blocks[:number])
    return f"# The page's earlier examples, whose names it uses:\n{earlier}\n# The example:\n{blocks[number]}"
