"""What refusing stale graphs costs the eager engine: this tree against the one before it.

Refusing a graph whose Values changed after use (see ``autograd.engine.refuse_stale``)
costs a stamp on every write of ``.data`` and one pass of ``max`` over the graph per
backward. This script measures that cost on the two workloads of the other benchmarks:
the 500-step chain ``y = tanh(0.9 y + 0.1)`` forward and backward, and one training step
of ``MLP(2, [16, 16, 1])`` on 64 points (forward, loss, zero_grad, backward, SGD).

The baseline is the engine as it was before the check (``BASELINE``, a git revision),
exported into a temporary folder. Each measurement runs in a fresh subprocess, the two
trees alternating round after round, so a busy moment of the machine hits both alike;
each round reports the best of several repetitions, with Python's garbage collector off
while timing. The figure is this tree's best time over all rounds divided by the
baseline's: the least disturbed run of each, which on a busy machine is the fairest.
The spread of the per-round ratios is printed beside it.

Run: .venv/bin/python bench/bench_version_check.py   (exit status 1 if a target is missed)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "60a9233"  # the last commit before .data changes were stamped and checked
TARGET = 1.05  # this tree's time / the baseline's, at most
ROUNDS = 9

# Run in a subprocess with the tree to measure first on sys.path. Prints the best times.
MEASURE = """
import gc, json, random, sys, time
from autograd import Value
from nn import MLP, SGD, mse_loss

def best(work, repeats):
    times = []
    for _ in range(repeats):
        gc.collect(); gc.disable()
        start = time.perf_counter(); work(); times.append(time.perf_counter() - start)
        gc.enable()
    return min(times)

def chain():
    y = Value(0.3)
    for _ in range(500):
        y = (y * 0.9 + 0.1).tanh()
    y.backward()

rng = random.Random(0)
X = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(64)]
Y = [1.0 if x * y > 0 else -1.0 for x, y in X]
model = MLP(2, [16, 16, 1], activation="relu", seed=0)
optimizer = SGD(model.parameters(), lr=0.01)

def training_step():
    loss = mse_loss([model(x) for x in X], Y)
    model.zero_grad(); loss.backward(); optimizer.step()

chain(); training_step()  # warm up
print(json.dumps({"chain": best(chain, 40), "training step": best(training_step, 15)}))
"""


def export(revision: str, folder: Path) -> Path:
    """The package folders of ``revision``, written into ``folder`` (git archive: no work tree touched)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "autograd", "nn"],
                             capture_output=True, check=True, timeout=60).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True, timeout=60)
    return folder


def measure(tree: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tree)!r})\n{MEASURE}"],
                          capture_output=True, text=True, timeout=600, cwd=tree)
    if done.returncode:
        raise RuntimeError(f"the measurement failed in {tree}:\n{done.stderr}")
    times: dict[str, float] = json.loads(done.stdout)
    return times


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="chaingrad-baseline-") as folder:
        baseline = export(BASELINE, Path(folder))
        rounds: list[tuple[dict[str, float], dict[str, float]]] = []
        for _ in range(ROUNDS):
            rounds.append((measure(ROOT), measure(baseline)))
    print(f"eager engine with the stale-graph check / without it ({BASELINE}), best of {ROUNDS} rounds:")
    missed = False
    for name in rounds[0][0]:
        values = [ours[name] / theirs[name] for ours, theirs in rounds]
        ratio = min(ours[name] for ours, _ in rounds) / min(theirs[name] for _, theirs in rounds)
        ok = ratio <= TARGET
        missed |= not ok
        spread = f"{min(values):.3f}-{max(values):.3f}"
        print(f"  {name:14s} {ratio:.3f}  (rounds {spread})  target <= {TARGET}  {'ok' if ok else 'MISSED'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
