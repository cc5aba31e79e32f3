// The Playground page: an editor, a Run button, and what the code prints and draws.
//
// The code runs in playground-worker.js (Pyodide, with the library's wheel from this site), so a
// long run never freezes the page. scripts/docs_playground.py writes the page's data: where the
// runtime is, the wheels to install, and the examples of docs/playground.md.
//
// For tests and links, window.chaingrad:
//   chaingrad.ready      a Promise, resolved (with the versions) when Python has started
//   chaingrad.run(code)  a Promise of {stdout, stderr, figures, error}: figures are the HTML (or SVG)
//                        of each picture shown, in order; error is the short line of a Python error
//   chaingrad.stop()     end the run in progress (Python restarts)

const data = JSON.parse(document.getElementById("chaingrad-playground-data").textContent);
const runtime = new URL(data.runtime, document.baseURI);
const WORKER = new URL("playground-worker.js", import.meta.url);

// ---------------------------------------------------------------------------------------------
// Python, in a worker: started at once, and started again after a Stop
// ---------------------------------------------------------------------------------------------

class Python {
  constructor(onStatus) {
    this.onStatus = onStatus; // (text, state) for the status line
    this.runs = new Map(); // id -> {result, onEvent, resolve, reject}
    this.nextId = 1;
    this.queue = Promise.resolve(); // one run at a time, in order
    this.start();
  }

  start() {
    const began = performance.now();
    this.failed = false;
    this.versions = null; // set when Python is ready
    this.worker = new Worker(WORKER, { type: "module" });
    this.ready = new Promise((resolve, reject) => {
      this.abandon = reject; // by stop(): what waits for this worker must not wait for ever
      this.worker.onmessage = (event) => this.receive(event.data, resolve, reject, began);
      // a worker that cannot even load (a missing file, a page opened from disk) ends up here
      this.worker.onerror = (event) => {
        event.preventDefault();
        const reason = event.message || "the browser gave no reason";
        this.fail(`could not load ${WORKER.pathname} (${reason})`, reject);
      };
    });
    this.ready.catch(() => {}); // a failed start is shown on the page; runs see it through run()
    this.worker.postMessage({ type: "start", runtime: runtime.href, wheels: data.wheels });
    this.onStatus("Starting Python", "starting");
  }

  receive(message, resolve, reject, began) {
    if (message.type === "status") this.onStatus(message.text, "starting");
    else if (message.type === "ready") {
      const seconds = ((performance.now() - began) / 1000).toFixed(1);
      this.versions = message.versions;
      const { python, chaingrad } = message.versions;
      this.onStatus(`Ready in ${seconds} s: Python ${python}, chaingrad ${chaingrad}`, "ready");
      resolve(message.versions);
    } else if (message.type === "failed") this.fail(message.message, reject);
    else this.deliver(message);
  }

  deliver(message) {
    const run = this.runs.get(message.id);
    if (!run) return;
    const { result } = run;
    if (message.type === "stdout") result.stdout += message.text;
    if (message.type === "stderr") result.stderr += message.text;
    if (message.type === "figure") result.figures.push(message.text);
    if (message.type === "done") {
      result.error = message.error;
      if (message.error) result.stderr += message.error + "\n";
      this.runs.delete(message.id);
      run.resolve(result);
    }
    run.onEvent(message);
  }

  fail(reason, reject) {
    const message = `The playground could not run Python: ${reason}. Run tries again.`;
    this.failed = true;
    this.onStatus(message, "failed");
    reject(new Error(message));
    for (const run of this.runs.values()) run.reject(new Error(message));
    this.runs.clear();
  }

  // Run code after the runs before it; onEvent sees every message of the run as it comes.
  run(code, onEvent = () => {}) {
    if (this.failed) this.stop(); // a new try: a fresh worker
    const turn = this.queue.then(() => this.ready).then(
      () =>
        new Promise((resolve, reject) => {
          const id = this.nextId++;
          const result = { stdout: "", stderr: "", figures: [], error: null };
          this.runs.set(id, { result, onEvent, resolve, reject });
          this.worker.postMessage({ type: "run", id, code });
        }),
    );
    this.queue = turn.catch(() => {});
    return turn;
  }

  // Python cannot be interrupted from here: end the worker, and start a fresh one.
  stop() {
    this.worker.terminate();
    this.abandon(new Error("Stopped"));
    for (const run of this.runs.values()) run.reject(new Error("Stopped"));
    this.runs.clear();
    this.start();
  }
}

// ---------------------------------------------------------------------------------------------
// The page: the example menu, the editor, the buttons, the output
// ---------------------------------------------------------------------------------------------

const root = document.getElementById("chaingrad-playground");
root.innerHTML = `
  <div class="cg-pg-bar">
    <label class="cg-pg-pick">Example
      <select class="cg-pg-examples"></select></label>
    <button type="button" class="md-button md-button--primary cg-pg-run" title="Run (Ctrl+Enter)">Run</button>
    <button type="button" class="md-button cg-pg-stop" title="Stop the run: Python restarts" hidden>Stop</button>
    <button type="button" class="md-button cg-pg-share" title="Put a link to this code in the address bar">Link</button>
    <span class="cg-pg-status" role="status"></span>
  </div>
  <p class="cg-pg-about"></p>
  <textarea class="cg-pg-editor" spellcheck="false" autocapitalize="off" autocomplete="off"
            aria-label="Python code: Ctrl+Enter runs it"></textarea>
  <div class="cg-pg-output" aria-live="polite" aria-label="Output"></div>`;
const $ = (selector) => root.querySelector(selector);
const menu = $(".cg-pg-examples");
const about = $(".cg-pg-about");
const editor = $(".cg-pg-editor");
const output = $(".cg-pg-output");
const runButton = $(".cg-pg-run");
const stopButton = $(".cg-pg-stop");
const status = $(".cg-pg-status");

const FROM_LINK = "link";
for (const example of data.examples) menu.add(new Option(example.title, example.key));

function showStatus(text, state) {
  status.textContent = state === "failed" ? "Python did not start" : text; // the reason goes below
  status.dataset.state = state;
  clearInterval(showStatus.ticking);
  if (state === "running") status.textContent = `${text}…`;
  if (state === "failed") showNote(text, "cg-pg-error");
  if (state === "starting") {
    // a cold start downloads about 15 MB: count the seconds, so that waiting looks like progress
    const began = performance.now();
    showStatus.ticking = setInterval(() => {
      status.textContent = `${text}… ${Math.round((performance.now() - began) / 1000)} s`;
    }, 1000);
    status.textContent = `${text}…`;
  }
}

const python = new Python(showStatus);

// -- the editor ------------------------------------------------------------------------------

function load(code, key, description) {
  editor.value = code.replace(/\n+$/, "") + "\n";
  if (key === FROM_LINK && !menu.querySelector(`option[value="${FROM_LINK}"]`)) {
    menu.add(new Option("Code from a link", FROM_LINK), 0);
  }
  menu.value = key;
  about.textContent = description;
  fitEditor();
}

function loadFromAddress() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const example = data.examples.find((e) => e.key === fragment.get("example")) || data.examples[0];
  if (fragment.has("code")) load(fragment.get("code"), FROM_LINK, "The code of the link you followed. Press Run.");
  else load(example.code, example.key, example.about);
}

function fitEditor() {
  editor.style.height = "auto";
  editor.style.height = `${editor.scrollHeight + 2}px`;
}

menu.addEventListener("change", () => {
  const example = data.examples.find((e) => e.key === menu.value);
  if (!example) return;
  load(example.code, example.key, example.about);
  history.replaceState(null, "", `#example=${example.key}`);
});

window.addEventListener("hashchange", loadFromAddress);
editor.addEventListener("input", fitEditor);
editor.addEventListener("keydown", (event) => {
  if (event.isComposing) return; // the keys belong to an input method (accents, CJK)
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    runEditor();
  } else if (event.key === "Tab" && !editor.dataset.tabLeaves) {
    event.preventDefault();
    indent(event.shiftKey ? -1 : 1);
  } else if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    newLine();
  }
  // Escape, then Tab, leaves the editor (keyboard users must not be trapped in it)
  if (event.key === "Escape") editor.dataset.tabLeaves = "yes";
  else if (event.key !== "Tab") delete editor.dataset.tabLeaves;
});

// Enter keeps the line's indentation, and indents once more after a colon (as Python editors do).
function newLine() {
  const before = editor.value.slice(0, editor.selectionStart);
  const line = before.slice(before.lastIndexOf("\n") + 1);
  const indentation = line.match(/^ */)[0] + (/:\s*$/.test(line) ? "    " : "");
  document.execCommand("insertText", false, "\n" + indentation) || insertPlain("\n" + indentation);
}

// Tab indents the selected lines by four spaces (or inserts them); Shift+Tab takes them away.
function indent(direction) {
  const { selectionStart: start, selectionEnd: end, value } = editor;
  if (direction > 0 && !value.slice(start, end).includes("\n")) {
    document.execCommand("insertText", false, "    ") || insertPlain("    ");
    return;
  }
  const first = value.lastIndexOf("\n", start - 1) + 1;
  const lines = value.slice(first, end).split("\n");
  const changed = lines.map((l) => (direction > 0 ? "    " + l : l.replace(/^ {1,4}/, ""))).join("\n");
  editor.setSelectionRange(first, end);
  document.execCommand("insertText", false, changed) || insertPlain(changed);
  editor.setSelectionRange(first, first + changed.length);
}

// Where execCommand is gone: the text goes in without the browser's undo history.
function insertPlain(text) {
  editor.setRangeText(text, editor.selectionStart, editor.selectionEnd, "end");
  fitEditor();
  return true;
}

// -- running, and the output -------------------------------------------------------------------

async function runEditor() {
  if (runButton.disabled) return; // a run is on its way
  runButton.disabled = true;
  stopButton.hidden = false;
  output.replaceChildren();
  shownText = 0;
  const began = performance.now();
  const waiting = python.versions
    ? null
    : showNote("Python is starting (the first visit downloads about 15 MB); the code runs as soon as it is ready.");
  const run = python.run(editor.value, (message) => {
    waiting?.remove();
    show(message);
  });
  python.ready.then(() => showStatus("Running", "running"), () => {}); // now, or once Python is up
  try {
    const result = await run;
    const seconds = ((performance.now() - began) / 1000).toFixed(2);
    showStatus(result.error ? `Stopped by an error after ${seconds} s` : `Done in ${seconds} s`, "done");
    if (!output.hasChildNodes()) showNote("(The code ran, and printed and showed nothing.)");
  } catch (error) {
    waiting?.remove();
    // (a failure to start is on the page already: showStatus puts it there)
    if (error.message === "Stopped") showNote("Stopped. Python is starting again.", "cg-pg-error");
  } finally {
    runButton.disabled = false;
    stopButton.hidden = true;
  }
}

function show(message) {
  if (message.type === "stdout" || message.type === "stderr") showText(message.text, `cg-pg-${message.type}`);
  if (message.type === "figure") showFigure(message.text);
  if (message.type === "done" && message.error) showNote(message.error, "cg-pg-error");
}

// Text goes on at the end of the last block of the same kind, so that prints read as one stream.
// A new text node each time: adding to one long string would copy it all at every print.
const SHOWN_TEXT_LIMIT = 1_000_000; // characters per run; a print in an endless loop must not fill memory
let shownText = 0;

function showText(text, kind) {
  if (shownText > SHOWN_TEXT_LIMIT) return;
  shownText += text.length;
  if (shownText > SHOWN_TEXT_LIMIT) {
    showNote("(The rest of the printed text is not shown: more than a million characters.)");
    return;
  }
  let block = output.lastElementChild;
  if (!block || !block.classList.contains(kind)) {
    block = output.appendChild(document.createElement("pre"));
    block.className = `cg-pg-text ${kind}`;
  }
  block.append(text);
}

// A picture's HTML, with its scripts run (a replay's buttons), as JupyterLab inserts outputs.
function showFigure(markup) {
  const figure = output.appendChild(document.createElement("div"));
  figure.className = "cg-pg-figure";
  figure.innerHTML = markup;
  for (const old of figure.querySelectorAll("script")) {
    const script = document.createElement("script");
    script.textContent = old.textContent;
    old.replaceWith(script);
  }
}

function showNote(text, kind = "cg-pg-note") {
  const note = output.appendChild(document.createElement("p"));
  note.className = kind;
  note.textContent = text;
  return note;
}

runButton.addEventListener("click", runEditor);
stopButton.addEventListener("click", () => python.stop());
$(".cg-pg-share").addEventListener("click", async () => {
  history.replaceState(null, "", `#code=${encodeURIComponent(editor.value)}`);
  try {
    await navigator.clipboard.writeText(location.href);
    showStatus("The link to this code is in the address bar, and copied", "done");
  } catch {
    showStatus("The link to this code is in the address bar", "done");
  }
});

loadFromAddress();

window.chaingrad = {
  get ready() {
    return python.ready;
  },
  run: (code) => python.run(code),
  stop: () => python.stop(),
  examples: data.examples,
};
