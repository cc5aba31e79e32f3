"""The Playground: the docs page that runs the library in the browser (Pyodide, Graphviz in WebAssembly).

The docs site is built once (into a temporary folder, by the hooks of mkdocs.yml), served on
127.0.0.1 by a thread, and opened in the headless Chromium of conftest.py, where every other host
is blocked. The tests do what a learner does (pick an example, Run, read what it prints and
draws; make an error; stop an endless loop), follow the tutorial's run links, use
``window.chaingrad``, and check that the page asks nothing of any other host. The time from
opening the page to the first result is measured with a cold cache.

Building the site and starting Python are the slow parts, so the tests share one site and one
page (module fixtures). They come one after the other in the first share of tests that xdist
hands a worker; when a partial run splits them, each worker builds and starts its own.
"""

from __future__ import annotations

import functools
import html
import os
import re
import subprocess
import sys
import threading
import time
import types
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urljoin

import pytest

from tests.browser.pages import console_errors

ROOT = Path(__file__).resolve().parents[2]
# Seconds from opening the page to the first result, with nothing cached. The target is 10 s on a
# 2-core machine (4 to 8 s measured, alone); in the test suite another worker shares the cores,
# so the test allows twice that: it is there to catch a start that hangs or fetches far too much.
COLD_START_TARGET = 10.0
COLD_START_LIMIT = 2 * COLD_START_TARGET
FIRST_OUTPUT = ".cg-pg-text, .cg-pg-figure"  # printed text or a picture (not the "starting" note)
WAIT = 60.0  # seconds any one step may take before the test gives up (a cold start takes a few)


# ----------------------------------------------------------------------------
# The site, served here, and the page open in the browser
# ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The docs site, built as the test command builds it (but not --strict: test_docs checks that)."""
    folder = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(folder)]
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return folder


class _SiteFiles(SimpleHTTPRequestHandler):
    """A static file server, as any web host is: the types that module scripts and WebAssembly need."""

    extensions_map = {  # noqa: RUF012 (the base class's attribute, extended)
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
    }

    missing: ClassVar[set[str]] = set()  # paths to answer 404, as a broken deployment would

    def send_head(self) -> Any:
        if self.path in self.missing:
            self.send_error(404, "File not found")
            return None
        return super().send_head()

    def log_message(self, format: str, *args: Any) -> None:  # quiet: every request would print a line
        pass


@pytest.fixture(scope="module")
def origin(site: Path) -> Iterator[str]:
    """``http://127.0.0.1:<port>``, serving the site from a thread for as long as the tests need it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SiteFiles, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, name="docs site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Playground:
    driver: Any
    url: str
    cold_start: float  # seconds from opening the page to the first output, nothing cached


@pytest.fixture(scope="module")
def playground(browser: Any, origin: str) -> Playground:
    """The Playground, opened with a cold cache; Run pressed at once and timed to its first output."""
    url = f"{origin}/playground/"
    browser.execute_cdp_cmd("Network.clearBrowserCache", {})
    browser.get_log("browser")  # forget the messages of earlier pages
    started = time.monotonic()
    browser.get(url)
    browser.find_element("css selector", ".cg-pg-run").click()  # before Python is ready: it waits
    wait_for(browser, f"return document.querySelector('.cg-pg-output').querySelector('{FIRST_OUTPUT}')")
    cold_start = time.monotonic() - started
    wait_for(browser, "return !document.querySelector('.cg-pg-run').disabled")
    return Playground(browser, url, cold_start)


@pytest.fixture
def page(playground: Playground) -> Any:
    """The driver, on the Playground (opened again, with Python started again, if a test left it)."""
    driver = playground.driver
    if not driver.current_url.startswith(playground.url):
        driver.get(playground.url)
    run_api(driver, "pass")  # Python is up
    return driver


def wait_for(driver: Any, script: str, timeout: float = WAIT) -> Any:
    """Poll ``script`` in the page until it returns something true; return that."""
    deadline = time.monotonic() + timeout
    while True:
        found = driver.execute_script(script)
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:g} s in vain for: {script}")
        time.sleep(0.05)


_RUN = """
var code = arguments[0], done = arguments[arguments.length - 1];
window.chaingrad.run(code).then(done, function (error) { done({rejected: String(error)}); });
"""


def run_api(driver: Any, code: str) -> dict[str, Any]:
    """``await window.chaingrad.run(code)``: {stdout, stderr, figures, error}."""
    driver.set_script_timeout(WAIT)
    result = dict(driver.execute_async_script(_RUN, code))
    assert "rejected" not in result, result
    return result


_OUTPUT = """
var out = document.querySelector(".cg-pg-output");
function texts(selector) {
  return Array.from(out.querySelectorAll(selector)).map(function (e) { return e.textContent; });
}
return {
  stdout: texts(".cg-pg-stdout").join(""),
  stderr: texts(".cg-pg-stderr").join(""),
  errors: texts(".cg-pg-error"),
  figures: Array.from(out.querySelectorAll(".cg-pg-figure")).map(function (figure) {
    var svgs = Array.from(figure.querySelectorAll("svg")).filter(function (s) {
      return !s.parentElement.closest("svg") && s.checkVisibility();  // the drawings shown, not folded
    });
    return {text: figure.textContent, html: figure.innerHTML,
            boxes: svgs.map(function (s) { var r = s.getBoundingClientRect(); return [r.left, r.right]; })};
  }),
  status: document.querySelector(".cg-pg-status").textContent
};
"""


def run_editor(driver: Any, example: str | None = None, code: str | None = None, keys: bool = False) -> Any:
    """Pick an example (or type code) and run it with the Run button (or Ctrl+Enter); what shows."""
    if example is not None:
        driver.execute_script(
            "var menu = document.querySelector('.cg-pg-examples'); menu.value = arguments[0];"
            "menu.dispatchEvent(new Event('change'));",
            example,
        )
    if code is not None:
        driver.execute_script("document.querySelector('.cg-pg-editor').value = arguments[0];", code)
    if keys:
        from selenium.webdriver.common.keys import Keys

        driver.find_element("css selector", ".cg-pg-editor").send_keys(Keys.CONTROL, Keys.ENTER)
    else:
        driver.find_element("css selector", ".cg-pg-run").click()
    # the button is disabled at once when a run starts, and again enabled when it ends
    wait_for(driver, "return !document.querySelector('.cg-pg-run').disabled")
    return driver.execute_script(_OUTPUT)


def fits(figure: dict[str, Any]) -> bool:
    """Every drawing of a figure is inside the 1,000 px viewport."""
    return all(left >= 0 and right <= 1000.5 for left, right in figure["boxes"])


# ----------------------------------------------------------------------------
# What a learner sees
# ----------------------------------------------------------------------------


def test_the_first_result_comes_within_seconds_of_opening_the_page(
    playground: Playground, record_property: Any
) -> None:
    record_property("cold_start_seconds", round(playground.cold_start, 2))
    print(f"\nPlayground, cold cache: first result {playground.cold_start:.2f} s after opening the page")
    assert playground.cold_start < COLD_START_LIMIT, f"the target is {COLD_START_TARGET:g} s"
    shown = playground.driver.execute_script(_OUTPUT)  # the first example: tanh(a*b + a), and its graph
    assert "dL/da = 0.196612" in shown["stdout"], shown
    (graph,) = shown["figures"]
    assert graph["boxes"] and fits(graph)
    assert "data 2" in graph["text"] and "grad 0.1966" in graph["text"]
    assert 'class="node value' in graph["html"]  # laid out by Graphviz, in the browser
    assert shown["errors"] == [] and shown["status"].startswith("Done")


def test_the_examples_run_from_the_menu_and_show_their_pictures(page: Any) -> None:
    replay = run_editor(page, example="backward-step-by-step")
    assert "backward from L = 0.4621: 3 steps" in replay["stdout"]
    (player,) = replay["figures"]
    assert fits(player) and "start (0 of 3)" in player["text"]
    page.find_element("css selector", '.cg-player button[data-go="next"]').click()  # its script runs
    assert page.find_element("css selector", ".cg-player .cg-position").text == "step 1 of 3"

    network = run_editor(page, example="the-homework-network", keys=True)  # Ctrl+Enter runs too
    (diagram,) = network["figures"]
    assert fits(diagram)
    for figure in ("z = 13", "f(z) = 0", "u = 15", "o1 = 0.9999997", "o2 = 3.059022e−07"):
        assert figure in diagram["text"]

    xor = run_editor(page, example="training-xor")
    assert "epoch 2000/2000: loss=" in xor["stdout"]  # the progress, printed as training goes
    assert "[1.0, 1.0] -> 0.035" in xor["stdout"]
    assert 'class="cg-network' in xor["figures"][0]["html"]  # the model on the last line: its diagram
    assert xor["errors"] == [] and xor["stderr"] == ""

    exercise = run_editor(page, example="backward-as-an-exercise")
    (figure,) = exercise["figures"]
    assert fits(figure)
    assert page.find_element("css selector", ".cg-exercise .cg-prompt").text == "dL/dt0 ="
    answer = page.find_element("css selector", ".cg-exercise input.cg-answer")
    answer.send_keys("0.7864")  # dL/dt for L = tanh(t): 1 - tanh(0.5)², by hand
    answer.send_keys("\ue007")  # Enter
    feedback = page.find_element("css selector", ".cg-exercise .cg-feedback").text
    assert feedback.startswith("Right: dL/dt0 = 0.7864"), feedback  # its script ran, and checked it


def test_every_example_of_the_menu_runs_without_an_error(page: Any) -> None:
    examples = page.execute_script("return window.chaingrad.examples")
    assert len(examples) >= 6
    for example in examples:
        result = run_api(page, example["code"])
        assert result["error"] is None, (example["title"], result["stderr"])
        assert result["stdout"] or result["figures"], example["title"]


def test_a_python_error_shows_its_short_message_and_the_page_goes_on(page: Any) -> None:
    shown = run_editor(page, code="x = 1\nprint('before')\ny = x / 0\nprint('after')\n")
    assert shown["stdout"] == "before\n"
    assert shown["errors"] == ["ZeroDivisionError: division by zero (line 3)"]
    assert "Traceback" not in str(shown)

    result = run_api(page, "import numpy as np")
    assert result["error"] == (
        "ModuleNotFoundError: No module named 'numpy' (line 1): "
        "the playground has the library and Python's standard library only"
    )
    assert result["stderr"] == result["error"] + "\n"
    assert run_api(page, "def f(:\n    pass")["error"] == "SyntaxError: invalid syntax (line 1)"
    assert run_api(page, "print(6 * 7)")["stdout"] == "42\n"


def test_window_chaingrad_runs_code_and_returns_its_output_and_figures(page: Any) -> None:
    versions = page.execute_async_script("window.chaingrad.ready.then(arguments[arguments.length - 1])")
    assert versions["chaingrad"] == "0.1.0" and versions["python"].startswith("3.")
    result = run_api(
        page,
        "from autograd import Value\n"
        "from nn import MLP, draw_network\n"
        "x = Value(3.0, label='x')\n"
        "y = x * x + x\n"
        "y.label = 'y'\n"
        "y.backward()\n"
        "print('grad', x.grad)\n"
        "display(y)\n"
        "print('and a network')\n"
        "draw_network(MLP(2, [3, 1], seed=0))\n",
    )
    assert result == {
        "stdout": "grad 7.0\nand a network\n",
        "stderr": "",
        "figures": result["figures"],
        "error": None,
    }
    graph, diagram = result["figures"]
    assert graph.startswith('<div class="chaingrad-drawing"') and "data 3" in graph and "<svg" in graph
    assert 'class="cg-network' in diagram and "h1.3" in diagram


def test_the_page_runs_the_wheel_that_pip_builds_from_the_site(site: Path, page: Any) -> None:
    (wheel,) = (site / "playground" / "runtime").glob("chaingrad-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        packed = {name for name in archive.namelist() if not name.startswith("chaingrad-")}
    sources = {
        path.relative_to(ROOT).as_posix()
        for package in ("autograd", "nn")
        for path in (ROOT / package).rglob("*")
        if path.suffix in (".py", ".typed") and "__pycache__" not in path.parts
    }
    assert packed == sources
    where = run_api(page, "import autograd, nn\nprint(autograd.__file__)\nprint(nn.__file__)")["stdout"]
    assert all("/site-packages/" in line for line in where.split()), where  # installed, as pip does


def test_every_tutorial_example_has_a_link_that_runs_it_in_the_playground(
    site: Path, playground: Playground, page: Any
) -> None:
    tutorial = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", tutorial, re.MULTILINE | re.DOTALL)
    built = (site / "tutorial" / "index.html").read_text(encoding="utf-8")
    links = [html.unescape(href) for href in re.findall(r'class="cg-run-link"><a href="([^"]+)"', built)]
    assert len(links) == len(blocks) >= 5
    for block, link in zip(blocks, links):
        path, _, fragment = link.partition("#code=")
        assert path == "../playground/"
        assert unquote(fragment).endswith(block)  # the example, after the page's earlier ones
        result = run_api(page, unquote(fragment))
        assert result["error"] is None, (block, result["stderr"])

    # following a link puts its code into the editor, ready to run
    tutorial_url = urljoin(playground.url, "../tutorial/")
    page.execute_script("location.href = arguments[0]", urljoin(tutorial_url, links[-1]))
    wait_for(page, "return document.querySelector('.cg-pg-examples').value === 'link'")
    in_editor = page.execute_script("return document.querySelector('.cg-pg-editor').value")
    assert in_editor.rstrip().endswith(blocks[-1].rstrip())
    shown = run_editor(page)
    assert "4.0 0.01766271" in shown["stdout"] and shown["errors"] == []


def test_nothing_is_asked_of_any_host_but_the_site(playground: Playground, page: Any) -> None:
    origin = playground.url.removesuffix("/playground/")
    on_page = page.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    # the worker's own downloads (Pyodide, the wheels, viz.js), as the worker's Python sees them
    in_worker = run_api(
        page, "import js\nfor entry in js.performance.getEntriesByType('resource'):\n    print(entry.name)"
    )["stdout"].split()
    assert any(name.endswith(".wasm") for name in in_worker) and any(n.endswith(".whl") for n in in_worker)
    elsewhere = [name for name in on_page + in_worker if not name.startswith(origin + "/")]
    assert elsewhere == []
    assert console_errors(page) == []  # a blocked request would be a "Failed to load resource" here


def test_stop_ends_an_endless_loop_and_python_starts_again(page: Any) -> None:
    page.execute_script("document.querySelector('.cg-pg-editor').value = 'while True:\\n    pass\\n'")
    page.find_element("css selector", ".cg-pg-run").click()
    time.sleep(0.5)
    assert page.execute_script("return 1 + 1") == 2  # the page itself answers: Python runs beside it
    page.find_element("css selector", ".cg-pg-stop").click()
    shown = page.execute_script(_OUTPUT)
    assert shown["errors"] == ["Stopped. Python is starting again."]
    assert run_api(page, "print('back')")["stdout"] == "back\n"


def test_the_tutorial_page_loads_nothing_from_elsewhere_either(playground: Playground) -> None:
    driver, origin = playground.driver, playground.url.removesuffix("/playground/")
    driver.get_log("browser")
    driver.get(f"{origin}/tutorial/")
    wait_for(driver, "return document.querySelectorAll('mjx-container').length > 5")  # MathJax, from the site
    names = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [name for name in names if not name.startswith(origin + "/")] == []
    assert console_errors(driver) == []


def test_a_site_missing_a_file_of_pyodide_says_so_instead_of_waiting_for_ever(playground: Playground) -> None:
    # Pyodide itself waits for ever when its WebAssembly is missing; the page must say what is wrong
    driver, wasm = playground.driver, "/playground/runtime/pyodide/pyodide.asm.wasm"
    _SiteFiles.missing.add(wasm)
    try:
        driver.get(playground.url)
        error = wait_for(driver, "return document.querySelector('.cg-pg-output .cg-pg-error')")
        reason = f"{wasm} is missing (404 File not found)"
        assert error.text == f"The playground could not run Python: {reason}. Run tries again."
        assert driver.find_element("css selector", ".cg-pg-status").text == "Python did not start"
    finally:
        _SiteFiles.missing.clear()
        driver.get("about:blank")  # the page's worker, still waiting for Pyodide, ends with it


# ----------------------------------------------------------------------------
# The Python side of the page, here in CPython
# ----------------------------------------------------------------------------


@functools.cache
def _runner() -> Any:
    """docs/javascripts/playground.py, the module the page's worker imports (run from its source:
    an import would leave a __pycache__ folder in docs/, which the site would then serve)."""
    path = ROOT / "docs" / "javascripts" / "playground.py"
    module = types.ModuleType("playground")
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module


def run_here(code: str) -> tuple[list[tuple[str, str]], str | None]:
    sent: list[tuple[str, str]] = []
    error = _runner().run(code, lambda kind, text: sent.append((kind, text)))
    return sent, error


def test_the_runner_shows_the_last_expression_as_a_notebook_does() -> None:
    sent, error = run_here("from autograd import Value\nx = Value(2.0, label='x') * 3\nprint('hi')\nx")
    assert error is None
    assert "".join(text for kind, text in sent if kind == "stdout") == "hi\n"
    assert sent[-1][0] == "figure" and "data 6" in sent[-1][1]  # drawn by dot here, after the print
    assert run_here("1 + 1") == ([("stdout", "2\n")], None)
    assert run_here("x = 1 + 1") == ([], None)


def test_the_runner_says_an_error_in_one_line_with_the_line_of_the_code() -> None:
    assert run_here("def f():\n    return 1 / 0\n\nf()")[1] == "ZeroDivisionError: division by zero (line 2)"
    assert run_here("input('name?')")[1] == (
        "OSError: input() has no keyboard to read from in the playground: "
        "write the value into the code (line 1)"
    )
    assert run_here("raise SystemExit(3)")[1] == "SystemExit: 3 (line 1)"  # the page stays up
    sent, error = run_here("import warnings\nwarnings.warn('careful')")
    assert (sent, error) == ([("stderr", "UserWarning: careful (line 2)\n")], None)


def test_the_runner_sends_a_burst_of_prints_in_a_few_messages() -> None:
    # one message per print kept the page busy for seconds receiving 600,000 of them
    sent, error = run_here("for i in range(20000):\n    print(i)")
    assert error is None
    assert "".join(text for _, text in sent) == "".join(f"{i}\n" for i in range(20000))
    assert len(sent) < 100
