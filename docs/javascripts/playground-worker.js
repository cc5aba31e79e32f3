// The Playground's worker: Python (Pyodide) and Graphviz (viz.js), both WebAssembly, served by the site.
//
// They run here, beside the page rather than in it, so that a long training or an endless loop
// never freezes the page: the page's Stop button ends this worker and starts a new one.
//
// Messages from the page: {type: "start", runtime, wheels} once, then {type: "run", id, code}.
// Messages to the page:   {type: "status", text} while starting, then {type: "ready", versions}
//                         or {type: "failed", message}; for each run, as it happens,
//                         {type: "stdout" | "stderr" | "figure", id, text}, then {type: "done", id, error}.

let runCode = null; // playground.py's run(code, send), once Python is ready

self.onmessage = (event) => {
  const message = event.data;
  if (message.type === "start") start(message.runtime, message.wheels);
  if (message.type === "run") run(message.id, message.code);
};

async function start(runtime, wheels) {
  try {
    // Everything goes out together: Pyodide, Graphviz, the wheels and the runner. (Pyodide waits
    // for ever when one of its files is missing: they are looked for alongside, to fail clearly.)
    const files = Promise.all([
      fetchFile(new URL("playground.py", import.meta.url), "text"),
      ...wheels.map((name) => fetchFile(new URL(name, runtime), "bytes")),
    ]);
    const [pyodide, [runner, ...archives]] = await Promise.all([
      startPython(runtime),
      files,
      startGraphviz(runtime),
      checkPyodideFiles(runtime),
    ]);
    postMessage({ type: "status", text: "Installing chaingrad" });
    // the very wheels that `pip install .` installs (the library, then what it requires), where pip puts them
    const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
    for (const archive of archives) pyodide.unpackArchive(archive, "wheel", { extractDir: sitePackages });
    pyodide.FS.mkdirTree("/playground");
    pyodide.FS.writeFile("/playground/playground.py", runner);
    // Imported now, so that the first Run does not wait for them (drawing loads on first use).
    pyodide.runPython("import sys; sys.path.insert(0, '/playground')\nimport autograd, autograd.drawing, nn");
    const playground = pyodide.pyimport("playground");
    runCode = playground.run;
    const versions = playground.versions().toJs({ dict_converter: Object.fromEntries });
    postMessage({ type: "ready", versions: { ...versions, pyodide: pyodide.version } });
  } catch (error) {
    postMessage({ type: "failed", message: String((error && error.message) || error) });
  }
}

async function startPython(runtime) {
  postMessage({ type: "status", text: "Starting Python" });
  const { loadPyodide } = await import(new URL("pyodide/pyodide.mjs", runtime).href);
  const pyodide = await loadPyodide({ indexURL: new URL("pyodide/", runtime).href });
  pyodide.setStdin({ error: true }); // input() fails at once: there is no terminal to type into
  return pyodide;
}

async function checkPyodideFiles(runtime) {
  const names = ["pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"];
  await Promise.all(names.map((name) => fetchFile(new URL(`pyodide/${name}`, runtime), "head")));
}

async function startGraphviz(runtime) {
  const { instance } = await import(new URL("viz/viz.js", runtime).href);
  const viz = await instance();
  // The handshake with the library (autograd/drawing/browser.py): Python draws DOT through this.
  globalThis.chaingradGraphviz = {
    render: (dot, format, engine) => viz.renderString(dot, { format, engine }),
  };
}

// kind: "text", "bytes", or "head" (only whether it is there)
async function fetchFile(url, kind) {
  const response = await fetch(url, { method: kind === "head" ? "HEAD" : "GET" });
  if (!response.ok) throw new Error(`${url.pathname} is missing (${response.status} ${response.statusText})`);
  if (kind === "head") return null;
  return kind === "text" ? response.text() : new Uint8Array(await response.arrayBuffer());
}

function run(id, code) {
  const send = (kind, text) => postMessage({ type: kind, id, text });
  try {
    const error = runCode(code, send);
    postMessage({ type: "done", id, error: error ?? null });
  } catch (failure) {
    // Python's own errors are caught in playground.py; this is Pyodide itself failing (out of memory...)
    postMessage({ type: "failed", message: `Python stopped working: ${failure.message || failure}` });
  }
}
