"""Write the notebooks in notebooks/ from the cell lists below, run them, and save them with outputs.

    .venv/bin/python scripts/build_notebooks.py             # all of them
    .venv/bin/python scripts/build_notebooks.py 02_xor      # just one

The cells live here as Python strings because editing .ipynb JSON by hand is
error-prone; the notebooks themselves are the built product. Each one is executed
top to bottom in a fresh kernel running this very interpreter (the virtualenv's,
whatever PATH says), in a temporary directory, and written with its outputs so it
reads well on a code host. Cell ids are numbered, timing is not recorded and memory
addresses are left out of reprs, so rebuilding unchanged cells gives byte-identical files.

Every notebook asserts the seed notebooks' answer-key figures in its cells
(../shared/seeds/README.md), so running it is a test: tests/test_notebooks.py does.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import default

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
ADDRESS = re.compile(r" at 0x[0-9a-f]+>")
CELL_TIMEOUT = 120  # seconds; the slowest cell (training in 02_xor) takes about two

Cell = tuple[str, str]  # (cell type, source)


def md(text: str) -> Cell:
    """A Markdown cell."""
    return ("markdown", textwrap.dedent(text).strip())


def code(text: str) -> Cell:
    """A code cell."""
    return ("code", textwrap.dedent(text).strip())


# ============================================================================
# 00_tour: the toolbox on tiny examples
# ============================================================================

TOUR = [
    md(r'''
# A tour of chaingrad

chaingrad is a small automatic-differentiation engine for learning how
backpropagation works. Every number you compute with it remembers *how* it was
computed, and `backward()` walks that record from the result back to the inputs,
applying the chain rule at each step, to find the derivative of the result with
respect to every number it came from.

This notebook shows the whole toolbox on tiny examples: values and their graphs,
`backward`, watching backward step by step, checking gradients, second
derivatives, and networks. The other notebooks use the same tools to redo the
seed notebooks that the project grew from.
'''),
    code(r'''
import math
import warnings

from autograd import (
    GradientCheckError,
    Op,
    TeachingWarning,
    Value,
    apply_op,
    check_nodes,
    draw_graph,
    grad,
    gradcheck,
)
from nn import MLP
'''),
    md(r'''
## A Value remembers where it came from

Wrap numbers in `Value` and compute as usual. Each result records the operation
and its inputs, so the result is the end of a graph. A Value at the end of a cell
draws that graph: a box per Value (its label, `data` and `grad`) and an oval per
operation. The gradients are all 0 for now: nobody has asked for them yet.
'''),
    code(r'''
a = Value(2.0, label="a")
b = Value(-0.75, label="b")
c = a * b
c.label = "c"
L = (c + a).tanh()
L.label = "L"
print(L)
L
'''),
    md(r'''
## backward() fills in every gradient

`L.backward()` computes $\partial L / \partial v$ for every Value $v$ in the graph
and stores it in `v.grad`. Here $L = \tanh(ab + a)$, so by hand
$\partial L/\partial a = (1 - L^2)(b + 1)$ and $\partial L/\partial b = (1 - L^2)\,a$.
The two must agree.
'''),
    code(r'''
L.backward()
slope = 1 - L.data**2  # tanh'(s) = 1 - tanh(s)^2
by_hand = {"a": slope * (b.data + 1), "b": slope * a.data}
print(f"dL/da: autograd {a.grad:.15f}   by hand {by_hand['a']:.15f}")
print(f"dL/db: autograd {b.grad:.15f}   by hand {by_hand['b']:.15f}")
# the same few float operations in a different order: they can differ in the last bit or two only
assert math.isclose(a.grad, by_hand["a"], rel_tol=1e-14)
assert math.isclose(b.grad, by_hand["b"], rel_tol=1e-14)
L
'''),
    md(r'''
Read the drawing from right to left and you are reading backward: each box's
`grad` is $\partial L$ / (that box).

## Local derivatives on the arrows

Backpropagation multiplies *local* derivatives: each operation only knows how its
own output changes with each of its inputs. `edge_grads=True` writes that local
derivative on every arrow. The colour is the sign of the gradient flowing back
along the arrow (blue positive, red negative), and thicker arrows carry more of it.
Unlabelled Values get names (`t0`, ...) so that the formulas can refer to them.
'''),
    code(r'''
draw_graph(L, edge_grads=True)
'''),
    md(r'''
## Watching backward, step by step

`backward(record=True)` does the same work and writes down every step: the
gradient that arrived at a node from above (*upstream*), the local derivative to
each input, and what was added to that input's gradient. `a` is used twice (by
`*` and by `+`), so it receives two contributions; its gradient is their sum.
'''),
    code(r'''
L.zero_grad()  # start from zero: gradients of inputs add up over backward calls
steps = L.backward(record=True)
print(steps)
parts = steps.received(a)
print("\ncontributions to a:", [round(part.amount, 6) for part in parts], "sum:", round(a.grad, 6))
assert len(parts) == 2
assert math.isclose(sum(part.amount for part in parts), a.grad, rel_tol=1e-15)  # the same two additions
'''),
    md(r'''
In Jupyter the record replays itself: one frame per step with the node being
processed highlighted, and a slider. (Where scripts do not run, for example on a
code host's preview, the frames are shown one below the other.)
'''),
    code(r'''
steps.show()
'''),
    md(r'''
## The chain rule, spelled out

The gradient of $L$ with respect to $a$ is a sum over every path from $L$ down to
$a$ of the product of the local derivatives along the path. `L.explain(a)` lists
the paths and their products; the sum is `a.grad`.
'''),
    code(r'''
why = L.explain(a)
assert len(why.paths) == 2
assert math.isclose(why.total, a.grad, rel_tol=1e-14)  # the same products, summed in another order
why
'''),
    md(r'''
## Checking a derivative: gradcheck

`gradcheck(f, inputs)` compares autograd's gradient of `f` with a finite
difference $(f(x + \varepsilon) - f(x - \varepsilon)) / 2\varepsilon$ and names
the first input that disagrees. It is how you check a derivative you worked out
yourself. Below, a new operation `cube` is written with a *wrong* derivative
($3x$ instead of $3x^2$), the kind of slip that is easy to make on paper.
'''),
    code(r'''
def f(a, b):
    return (a * b + a).tanh()


assert gradcheck(f, [2.0, -0.75])  # the library's own rules pass

cube = Op("cube", lambda x: x**3, lambda out, x: (3 * x,), ("3*x",))  # wrong: d/dx x^3 = 3 x^2
try:
    gradcheck(lambda x: apply_op(cube, x), [Value(2.0, label="x")])
except GradientCheckError as error:
    print("gradcheck caught it:", error)
else:
    raise AssertionError("gradcheck should reject the wrong rule for cube")
'''),
    md(r'''
## Where is it wrong? check_nodes

In a bigger expression, `check_nodes` checks the gradient at *every* node against
a finite difference and names the operation whose local derivative is at fault.
'''),
    code(r'''
x, w = Value(0.5, label="x"), Value(0.8, label="w")
out = (apply_op(cube, x) * w + x).sigmoid()
out.label = "out"
report = check_nodes(out)
assert not report.ok
assert report.culprit is not None and report.culprit.op == "cube"
report
'''),
    md(r'''
## Second derivatives

`backward(create_graph=True)` returns the gradients as Values that have graphs
of their own, so they can be differentiated again. For $y = x^3$ at $x = 1.5$:
$y' = 3x^2 = 6.75$ and $y'' = 6x = 9$. The drawing is the graph of $y'$: the
derivative rule of `**3`, evaluated on Values.
'''),
    code(r'''
x = Value(1.5, label="x")
y = x**3
(dy,) = y.backward(create_graph=True, inputs=[x])
(d2y,) = dy.backward(create_graph=True, inputs=[x])
print("dy/dx =", dy.data, "  d2y/dx2 =", d2y.data)
# 1.5 and every product here are exact binary fractions, so the results are exact
assert dy.data == 6.75 and d2y.data == 9.0
dy.label = "dy/dx"
draw_graph(dy, show_grad=False)
'''),
    md(r'''
Check the second derivative the way gradcheck does: a central difference of the
first derivative. `gradcheck` itself accepts a function that differentiates inside
(here, the first derivative), and `autograd.grad` does the same as a function
transformation: `grad(grad(f))`.
'''),
    code(r'''
def first_derivative(at: float) -> float:
    x = Value(at)
    (slope,) = (x**3).backward(create_graph=True, inputs=[x])
    return slope.data


eps = 1e-5
numeric = (first_derivative(1.5 + eps) - first_derivative(1.5 - eps)) / (2 * eps)
print("finite difference of dy/dx:", numeric)
# y' is quadratic, so the central difference has no truncation error; what is left is
# rounding, about 1e-16 * 6.75 / eps ~ 1e-10: 1e-8 is a wide margin
assert math.isclose(numeric, d2y.data, rel_tol=1e-8)
assert grad(grad(lambda x: x**3, argnums=0), argnums=0)(1.5) == 9.0
assert gradcheck(lambda v: (v**3).backward(create_graph=True, inputs=[v])[0], [1.5])
'''),
    md(r'''
## Networks: boxes around neurons

The `nn` package builds networks out of Values, shaped like a small PyTorch. A
drawing with `clusters=model` puts a box around each neuron inside each layer,
so the graph of a network stays readable.
'''),
    code(r'''
model = MLP(2, [2, 1], activation="tanh", seed=0)
prediction = model([Value(1.0, label="x1"), Value(-2.0, label="x2")])
prediction.label = "prediction"
prediction.backward()
print(model)
print("parameters:", [name for name, _ in model.named_parameters()])
assert len(model.parameters()) == 9  # 2 hidden neurons x (2 weights + bias) + 1 output x (2 + 1)
draw_graph(prediction, clusters=model)
'''),
    md(r'''
## Teaching warnings

chaingrad warns (`TeachingWarning`) about the slips learners make most: calling
`backward()` again without zeroing the gradients (they add up), and drawing a
graph before `backward()` (every gradient shows 0). They are ordinary Python
warnings, so they can be silenced with `warnings.simplefilter("ignore", TeachingWarning)`.
'''),
    code(r'''
before = a.grad
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    L.backward()  # again, without L.zero_grad(): the new gradients are added to the old ones
    draw_graph(Value(1.0, label="p") * Value(2.0, label="q"))  # drawn before backward()
teaching = [w for w in caught if issubclass(w.category, TeachingWarning)]
for warning in teaching:
    print(f"TeachingWarning: {warning.message}\n")
print(f"a.grad was {before:.6f} and is now {a.grad:.6f}: twice as much")
assert len(teaching) == 2
assert math.isclose(a.grad, 2 * before, rel_tol=1e-15)
L.zero_grad()
'''),
    md(r'''
## Where next

- `01_homework`: a small ReLU/softmax network, inverse temperature, an LSTM unit,
  and a backpropagation exercise worked by hand and checked by autograd.
- `02_xor`: a hand-written backprop that climbs the loss instead of descending it.
- `03_autoencoder`: two mistakes in a hand-written backprop, found by comparing with autograd.
- `04_intro_neural_networks`: a first neural network, trained from scratch.
'''),
]


# ============================================================================
# 01_homework: seeds 000 and 001
# ============================================================================

HOMEWORK = [
    md(r'''
# The homework: a ReLU network, inverse temperature, an LSTM unit, backpropagation

Seeds 000 and 001 are two solutions of the same homework, written by hand in
NumPy. Here every part is redone with chaingrad, and every number the homework
derives is asserted against the answer key (the `README.md` of the seeds, which sit in
`../shared/seeds/` beside the repository).
'''),
    code(r'''
import math

import matplotlib.pyplot as plt

from autograd import Value, draw_graph
from nn import Layer, LSTMCell, run_lstm, softmax

# The answer key prints 16-17 significant digits; float64 carries about 16, so a
# relative tolerance of 1e-12 allows for different rounding but not for a wrong formula.
TOL = 1e-12
plt.rcParams.update({"figure.dpi": 72, "figure.figsize": (6, 3)})
'''),
    md(r'''
## 1. The 2-4-2 network

Four hidden units and two outputs, with ReLU $f(z) = \max(z, 0)$ on every unit and
a softmax on top:

$$
z_i = x_1 W_{1i} + x_2 W_{2i} + W_{0i},\qquad
u_j = \sum_i f(z_i) V_{ij} + V_{0j},\qquad
o_j = \frac{e^{f(u_j)}}{\sum_k e^{f(u_k)}}
$$

The layers below are *linear* (`activation="linear"`), so that $z$ and $u$ can be
looked at before $f$ is applied, as in the homework's equations.
'''),
    code(r'''
# W: one row per hidden unit i, columns (W_1i, W_2i, W_0i): weight of x1, weight of x2, bias
W = [[1, 0, -1], [0, 1, -1], [-1, 0, -1], [0, -1, -1]]
# V: one row per output unit j, columns (V_1j, V_2j, V_3j, V_4j, V_0j)
V = [[1, 1, 1, 1, 0], [-1, -1, -1, -1, 2]]

hidden = Layer.from_weights([row[:2] for row in W], [row[2] for row in W], activation="linear")
output = Layer.from_weights([row[:4] for row in V], [row[4] for row in V], activation="linear")
# give every parameter the homework's name, so that the drawing below uses it
for i, neuron in enumerate(hidden.neurons, start=1):
    neuron.w[0].label, neuron.w[1].label, neuron.b.label = f"W1{i}", f"W2{i}", f"W0{i}"
for j, neuron in enumerate(output.neurons, start=1):
    for i, weight in enumerate(neuron.w, start=1):
        weight.label = f"V{i}{j}"
    neuron.b.label = f"V0{j}"


def labelled(values, pattern):
    """Label the values pattern.format(1), pattern.format(2), ... and return them."""
    for k, value in enumerate(values, start=1):
        value.label = pattern.format(k)
    return values


def network(x):
    """Every stage of the homework's network for input x: z, f(z), u, f(u), o."""
    z = labelled(hidden(x), "z{}")
    f_z = labelled([zi.relu() for zi in z], "f(z{})")
    u = labelled(output(f_z), "u{}")
    f_u = labelled([uj.relu() for uj in u], "f(u{})")
    return z, f_z, u, f_u, softmax(f_u)


z, f_z, u, f_u, o = network([Value(3.0, label="x1"), Value(14.0, label="x2")])
for name, values in [("z", z), ("f(z)", f_z), ("u", u), ("f(u)", f_u), ("o", o)]:
    print(f"{name:>5} = {[v.data for v in values]}")

# small integers are exact in floating point: these stages must match exactly
assert [v.data for v in z] == [2, 13, -4, -15]
assert [v.data for v in f_z] == [2, 13, 0, 0]
assert [v.data for v in u] == [15, -13]
assert [v.data for v in f_u] == [15, 0]
assert math.isclose(o[0].data, 0.9999996940977731, rel_tol=TOL)
assert math.isclose(o[1].data, 3.059022269256247e-07, rel_tol=TOL)
'''),
    md(r'''
The graph of $o_1$, with a box around each unit. Units 3 and 4 and output 2 are
switched off by their ReLU ($z_3, z_4, u_2 < 0$), so no gradient reaches their
weights: their `grad` is exactly 0. A ReLU that is off passes nothing back. (The
other gradients are tiny too, for another reason: $o_1$ is within $3 \cdot 10^{-7}$
of 1, where the softmax is flat.)
'''),
    code(r'''
o1 = o[0]
o1.label = "o1"
o1.backward()
units = {f"z{i + 1}": n.parameters() for i, n in enumerate(hidden.neurons)}
units |= {f"u{j + 1}": n.parameters() for j, n in enumerate(output.neurons)}
dead = hidden.neurons[2].parameters() + hidden.neurons[3].parameters() + output.neurons[1].parameters()
assert all(p.grad == 0 for p in dead)
draw_graph(o1, clusters=units, digits=3)
'''),
    md(r'''
## 2. Only the sum of the hidden outputs matters

Every $V_{i1}$ is 1 and every $V_{i2}$ is $-1$, so with $S = f(z_1) + \dots + f(z_4)$:
$u_1 = S$ and $u_2 = 2 - S$. The output depends on $S$ alone. The homework asks for
$o_1$ when $S = 1$, $0$ and $3$; any split of $S$ over the four units gives the same.
(Seed 000 left the $S = 0$ cell without an output.)
'''),
    code(r'''
for S, expected in [(1, 0.5), (0, 0.11920292202211755), (3, 0.9525741268224333)]:
    for split in ([S, 0, 0, 0], [0, 0, 0, S], [S / 4] * 4):
        u_split = output(split)
        o1_split = softmax([uj.relu() for uj in u_split])[0]
        assert math.isclose(o1_split.data, expected, rel_tol=TOL)
    print(f"S = {S}: u = {[v.data for v in u_split]}, o1 = {o1_split.data!r}")
'''),
    md(r'''
## 3. Inverse temperature

With an inverse temperature $\beta$ the softmax becomes
$o_j = e^{\beta f(u_j)} / \sum_k e^{\beta f(u_k)}$, and
$o_1 / o_2 = e^{\beta (f(u_1) - f(u_2))}$. So $o_1 \ge 999\, o_2$ exactly when

$$ f(u_1) - f(u_2) \ge \frac{\ln 999}{\beta}. $$

A larger $\beta$ makes the softmax more decisive: a smaller gap is enough. Below,
the threshold is found numerically from `softmax(..., beta=...)` itself, by
bisection, and compared with the formula and the answer key.
'''),
    code(r'''
def smallest_winning_gap(beta):
    """The gap f(u1) - f(u2) where o1 reaches 999 * o2, by bisection on the library's softmax."""

    def o1_wins(gap):
        o1, o2 = softmax([gap, 0.0], beta=beta)
        return o1.data >= 999 * o2.data

    low, high = 0.0, 20.0
    for _ in range(60):  # 20 / 2**60 is below the spacing of floats near 7: the bracket cannot shrink further
        middle = (low + high) / 2
        low, high = (low, middle) if o1_wins(middle) else (middle, high)
    return high


for beta, key in [(1.0, 6.906754778648554), (3.0, 2.3022515928828513)]:
    gap = smallest_winning_gap(beta)
    print(f"beta = {beta:g}: bisection {gap!r}, ln(999)/beta = {math.log(999) / beta!r}")
    assert math.isclose(gap, key, rel_tol=TOL)
    assert math.isclose(math.log(999) / beta, key, rel_tol=TOL)
'''),
    code(r'''
gaps = [k / 50 for k in range(501)]
for beta in (1.0, 3.0):
    plt.plot(gaps, [softmax([g, 0.0], beta=beta)[0].data for g in gaps], label=f"beta = {beta:g}")
    plt.axvline(math.log(999) / beta, color="gray", linestyle=":")
plt.axhline(0.999, color="gray", linestyle="--", label="o1 = 999 o2")
plt.xlabel("f(u1) - f(u2)")
plt.ylabel("o1")
plt.legend()
plt.title("a larger beta needs a smaller gap")
plt.show()
'''),
    md(r'''
## 4. The LSTM unit

With scalar input $x_t$, memory cell $c_t$ and visible state $h_t$:

$$
\begin{aligned}
f_t &= \sigma(W^{f,h} h_{t-1} + W^{f,x} x_t + b_f) &
i_t &= \sigma(W^{i,h} h_{t-1} + W^{i,x} x_t + b_i) \\
o_t &= \sigma(W^{o,h} h_{t-1} + W^{o,x} x_t + b_o) &
c_t &= f_t c_{t-1} + i_t \tanh(W^{c,h} h_{t-1} + W^{c,x} x_t + b_c) \\
h_t &= o_t \tanh(c_t)
\end{aligned}
$$

With the homework's weights the forget gate is shut ($b_f = -100$), the input gate
is open for $x_t \in \{0, 1\}$, and the output gate is half open when $x_t = 0$ and
open when $x_t = 1$. The new cell content $\tanh(-100 h_{t-1} + 50 x_t)$ is about
$\pm 1$, with the opposite sign of the previous state whenever $h_{t-1} \neq 0$. The
homework rounds $h_t$ to the nearest integer after every step (`round_hidden=True`).
'''),
    code(r'''
cell = LSTMCell(input_size=1, hidden_size=1)
cell.set(W_fh=0, W_fx=0, b_f=-100, W_ch=-100)
cell.set(W_ih=0, W_ix=100, b_i=100, W_cx=50)
cell.set(W_oh=0, W_ox=100, b_o=0, b_c=0)


def visible_states(inputs):
    """Run the cell from h = c = 0, print every step, return the rounded h_t."""
    states = run_lstm(cell, inputs, round_hidden=True)
    print(" t  x_t     c_t      h_t   rounded")
    for t, (x_t, state) in enumerate(zip(inputs, states)):
        c_t, h_t = state.c[0].data, state.h[0].data
        print(f"{t:2}  {x_t:3}  {c_t:+.4f}  {h_t:+.4f}  {round(h_t):+d}")
    return [round(state.h[0].data) for state in states]


assert visible_states([0, 0, 1, 1, 1, 0]) == [0, 0, 1, -1, 1, 0]  # exactly the answer key
'''),
    code(r'''
assert visible_states([1, 1, 0, 1, 1]) == [1, -1, 0, 1, -1]  # exactly the answer key
'''),
    md(r'''
One step of the cell (input 1 from the zero state), with a box around each gate's
parameters and the nodes that belong to that gate alone. The memory update and
the visible state mix gates, so they sit outside the boxes.
'''),
    code(r'''
step = cell(Value(1.0, label="x_t"), (Value(0.0, label="h_t-1"), Value(0.0, label="c_t-1")))
h = step.h[0]
h.label = "h_t"
draw_graph(h, clusters=cell, show_grad=False, digits=3)
'''),
    md(r'''
## 5. Backpropagation by hand, checked by autograd

A chain with two weights:
$z_1 = w_1 x$, $a_1 = \mathrm{ReLU}(z_1)$, $z_2 = w_2 a_1 + b$, $y = \sigma(z_2)$,
$C = \tfrac12 (y - t)^2$, with $t = 1$, $x = 3$, $w_1 = 0.01$, $w_2 = -5$, $b = -1$.

By hand, with $\delta = \partial C / \partial z_2 = (y - t)\, \sigma'(z_2) = (y - t)\, y (1 - y)$:

$$
\frac{\partial C}{\partial b} = \delta,\qquad
\frac{\partial C}{\partial w_2} = \delta\, a_1,\qquad
\frac{\partial C}{\partial a_1} = \delta\, w_2,\qquad
\frac{\partial C}{\partial w_1} = \delta\, w_2\, \mathrm{ReLU}'(z_1)\, x
$$

and $\mathrm{ReLU}'(z_1) = 1$ because $z_1 = 0.03 > 0$.
'''),
    code(r'''
t = 1.0
x, w1 = Value(3.0, label="x"), Value(0.01, label="w1")
w2, b = Value(-5.0, label="w2"), Value(-1.0, label="b")
z1 = w1 * x
z1.label = "z1"
a1 = z1.relu()
a1.label = "a1"
z2 = w2 * a1 + b
z2.label = "z2"
y = z2.sigmoid()
y.label = "y"
C = (y - t) ** 2 / 2
C.label = "C"
C.backward()

print(f"y = {y.data!r}, C = {C.data!r}")
assert math.isclose(y.data, 0.24048908305088898, rel_tol=TOL)
assert math.isclose(C.data, 0.28842841648243966, rel_tol=TOL)

delta = (y.data - t) * y.data * (1 - y.data)
relu_slope = 1.0 if z1.data > 0 else 0.0
rows = [  # (quantity, by hand, autograd, answer key)
    ("dC/db", delta, b.grad, -0.13872777081136367),
    ("dC/dw2", delta * a1.data, w2.grad, -0.00416183312434091),
    ("dC/da1", delta * w2.data, a1.grad, 0.6936388540568185),  # seed 000 prints this one unlabelled
    ("dC/dw1", delta * w2.data * relu_slope * x.data, w1.grad, 2.0809165621704553),
]
print(f"\n{'':8}{'by hand':>24}{'autograd':>24}{'answer key':>24}")
for name, hand, auto, key in rows:
    print(f"{name:8}{hand:24.17g}{auto:24.17g}{key:24.17g}")
    assert math.isclose(hand, key, rel_tol=TOL) and math.isclose(auto, key, rel_tol=TOL)
'''),
    md(r'''
The chain, drawn from top to bottom with the local derivative on every arrow.
Multiply the labels along the path from $C$ up to $w_1$ and you get
$\partial C / \partial w_1$; `explain` does exactly that.
'''),
    code(r'''
draw_graph(C, edge_grads=True, rankdir="TB")
'''),
    code(r'''
why = C.explain(w1)
assert len(why.paths) == 1 and math.isclose(why.total, w1.grad, rel_tol=TOL)
why
'''),
    md(r'''
Seed 000 also computes $\sigma(z_2)'\, w_2\, (y - t) = 0.6936\ldots$ without saying
what it is: it is $\partial C / \partial a_1$, the gradient arriving at the ReLU
(the `dC/da1` row above).

## 6. The sigmoid's derivative

$\sigma'(x) = \sigma(x)(1 - \sigma(x))$ at four points, from autograd, against the
homework's printout and against the closed form $e^{-x} / (1 + e^{-x})^2$.
'''),
    code(r'''
for at, printed in [(-2.0, 0.10499359), (0.0, 0.25), (1.0, 0.19661193), (4.0, 0.01766271)]:
    v = Value(at)
    v.sigmoid().backward()
    closed_form = math.exp(-at) / (1 + math.exp(-at)) ** 2
    print(f"sigma'({at:+g}) = {v.grad:.8f}")
    assert abs(v.grad - printed) <= 5e-9  # printed to 8 decimals: at most half a unit of the last one off
    assert math.isclose(v.grad, closed_form, rel_tol=TOL)
'''),
]


# ============================================================================
# 02_xor: seed 002
# ============================================================================

XOR = [
    md(r'''
# XOR: a hand-written backprop that climbs the loss

Seed 002 trains a 2-2-1 sigmoid network on XOR for 10,000 epochs with backprop
written by hand in NumPy, and ends with all four outputs near 0.998, which is
wrong for (0, 0) and (1, 1). Here we find out why, fix it, and find out what the
fixed version does from the same start (an honest surprise), and from random ones.
'''),
    code(r'''
from itertools import pairwise

import matplotlib.pyplot as plt
import numpy as np

from autograd import GradientCheckError, Op, Value, apply_op, gradcheck, no_grad, sum_values
from nn import MLP, SGD, Layer, fit, xor

plt.rcParams.update({"figure.dpi": 72, "figure.figsize": (6, 3)})
X, Y = xor()  # inputs (0, 0), (0, 1), (1, 0), (1, 1) with targets 0, 1, 1, 0
# The seed's starting weights, in its NumPy layout s1 = X @ W1 + b0: column j of W1 feeds hidden unit j
START = {"W1": [[-1.0, 1.0], [1.0, -1.0]], "b0": [1.0, 1.0], "W2": [[1.0], [1.0]], "b1": [-1.0]}
LR, EPOCHS = 0.01, 10_000  # the seed's learning rate and number of epochs
'''),
    md(r'''
## The seed's training loop, rewritten in NumPy

The seed's loss (in a comment) is $L = \tfrac12 \sum (y - \hat y)^2$ over the four
cases, with $\hat y = \sigma(s_2)$, $s_2 = h W_2 + b_1$, $h = \sigma(X W_1 + b_0)$.
Its backprop starts from `L_derivative = (y - y_pred) * f'(s2)` and subtracts
`lr * h.T @ L_derivative` from $W_2$ (and likewise for the others).
The function below computes exactly what the seed subtracts.
'''),
    code(r'''
X_np, Y_np = np.array(X), np.array(Y).reshape(4, 1)


def sigmoid(s):
    return 1 / (1 + np.exp(-s))


def forward_np(W1, b0, W2, b1):
    """The seed's forward pass: hidden outputs h and predictions y_pred, one row per case."""
    h = sigmoid(X_np @ W1 + b0)
    return h, sigmoid(h @ W2 + b1)


def loss_np(y_pred):
    """L = 1/2 * sum over the four cases of (y - y_pred)^2."""
    return 0.5 * float(np.sum((Y_np - y_pred) ** 2))


def seed_directions(W1, b0, W2, b1):
    """What the seed's update subtracts (times lr) from W1, b0, W2, b1."""
    h, y_pred = forward_np(W1, b0, W2, b1)
    delta2 = (Y_np - y_pred) * y_pred * (1 - y_pred)  # the seed's L_derivative
    delta1 = (delta2 @ W2.T) * h * (1 - h)
    return X_np.T @ delta1, delta1.sum(axis=0), h.T @ delta2, delta2.sum(axis=0)


params = [np.array(START[name]) for name in ("W1", "b0", "W2", "b1")]
seed_losses = []
for _ in range(EPOCHS):
    _, y_pred = forward_np(*params)
    seed_losses.append(loss_np(y_pred))
    params = [p - LR * d for p, d in zip(params, seed_directions(*params))]

print("outputs in the last epoch:", y_pred.ravel().round(8))
print(f"loss: {seed_losses[0]:.4f} at the start, {seed_losses[-1]:.4f} at the end")
# The seed prints 8 decimals (rounding error up to 5e-9); float64 rounding over 10,000 steps adds far
# less than the 1e-12 allowed on top.
PRINTED = 5e-9 + 1e-12
assert np.allclose(y_pred.ravel(), [0.99768327, 0.99756126, 0.99756126, 0.9983539], rtol=0, atol=PRINTED)
W1, b0, W2, b1 = params
assert np.allclose(W1, [[-0.75547202, 1.29550082], [1.29550082, -0.75547202]], rtol=0, atol=PRINTED)
assert np.allclose(b0, [1.65862956, 1.65862956], rtol=0, atol=PRINTED)
assert np.allclose(W2.ravel(), [2.84998061, 2.84998061], rtol=0, atol=PRINTED)
assert np.allclose(b1, [1.27711062], rtol=0, atol=PRINTED)
assert all(later > earlier for earlier, later in pairwise(seed_losses))  # up, every epoch
'''),
    md(r'''
That reproduces the seed's printout to all 8 decimals (its outputs are those of the
last epoch's forward pass, before the last update). And the loss went **up in every
one of the 10,000 epochs**: the training climbed the loss.

## Why: a sign

$\partial L / \partial \hat y = -(y - \hat y) = \hat y - y$. The seed's
`L_derivative` uses $(y - \hat y)$, which is *minus* the gradient. Subtracting
`lr` times minus the gradient is adding `lr` times the gradient: gradient
**ascent**. Autograd's gradient at the start shows it: every one of the seed's
nine numbers is exactly the negative of the true gradient.
'''),
    code(r'''
def half_squared_error(predictions, targets):
    """L = 1/2 * sum of (prediction - target)^2: the seed's loss, on Values."""
    return sum_values([(p - t) ** 2 for p, t in zip(predictions, targets)]) / 2


def seed_start_model():
    """The seed's network and starting weights (Layer.from_columns reads NumPy's x @ W layout)."""
    hidden = Layer.from_columns(START["W1"], START["b0"], activation="sigmoid")
    output = Layer.from_columns(START["W2"], START["b1"], activation="sigmoid")
    return MLP.from_layers([hidden, output])


# the seed's name for each weight, and the library's (W1[i, j] feeds input i into hidden neuron j)
NAMES = {
    "W1[0,0]": "layers.0.neurons.0.w.0", "W1[0,1]": "layers.0.neurons.1.w.0",
    "W1[1,0]": "layers.0.neurons.0.w.1", "W1[1,1]": "layers.0.neurons.1.w.1",
    "b0[0]": "layers.0.neurons.0.b", "b0[1]": "layers.0.neurons.1.b",
    "W2[0]": "layers.1.neurons.0.w.0", "W2[1]": "layers.1.neurons.0.w.1", "b1": "layers.1.neurons.0.b",
}


def pack(W1, b0, W2, b1):
    """The seed's four arrays as nine numbers, in the order of NAMES."""
    return [float(v) for v in (*np.ravel(W1), *np.ravel(b0), *np.ravel(W2), *np.ravel(b1))]


model = seed_start_model()
half_squared_error([model(x) for x in X], Y).backward()
parameters = dict(model.named_parameters())
start = [np.array(START[name]) for name in ("W1", "b0", "W2", "b1")]
print(f"{'weight':8}{'seed subtracts':>18}{'true gradient':>18}")
for name, seed_number in zip(NAMES, pack(*seed_directions(*start))):
    true_gradient = parameters[NAMES[name]].grad
    print(f"{name:8}{seed_number:18.12f}{true_gradient:18.12f}")
    assert abs(seed_number + true_gradient) <= 1e-15  # exact negatives, up to the last bit
'''),
    md(r'''
## gradcheck finds it

You do not need to know the right answer to catch this. Package the seed's
hand-written derivative as an operation (its forward rule is the seed's loss, its
derivative rule is the seed's backprop) and ask `gradcheck` to compare it with
finite differences. It names the first weight whose derivative is wrong. The same
operation with the sign fixed passes.
'''),
    code(r'''
def unpack(numbers):
    """Nine numbers, in the order of NAMES, as the seed's arrays W1, b0, W2, b1."""
    w = [float(v) for v in numbers]
    return np.array([w[0:2], w[2:4]]), np.array(w[4:6]), np.array([[w[6]], [w[7]]]), np.array(w[8:9])


def loss_rule(*numbers):
    return loss_np(forward_np(*unpack(numbers))[1])


def seed_derivative(out, *numbers):
    """The seed's hand-written backprop as a derivative rule: one number per weight."""
    return tuple(pack(*seed_directions(*unpack(numbers))))


def fixed_derivative(out, *numbers):
    """The same with the sign fixed: (y_pred - y) where the seed has (y - y_pred)."""
    return tuple(-d for d in seed_derivative(out, *numbers))


seed_rule = Op("seed_loss", loss_rule, seed_derivative, ("the seed's backprop",))
fixed_rule = Op("fixed_loss", loss_rule, fixed_derivative, ("the fixed backprop",))
at_start = [Value(v, label=name) for name, v in zip(NAMES, pack(*start))]
try:
    gradcheck(lambda *w: apply_op(seed_rule, *w), at_start)
except GradientCheckError as error:
    print("gradcheck on the seed's backprop:", error)
else:
    raise AssertionError("gradcheck should reject the seed's derivative")
assert gradcheck(lambda *w: apply_op(fixed_rule, *w), at_start)
print("gradcheck on the fixed backprop: passes")
'''),
    md(r'''
## Training correctly, from the same start

Now the same network, the same start, the same loss and the same learning rate
(0.01) for the same 10,000 epochs, with autograd's gradients and plain gradient
descent (`SGD`). Then once more with a learning rate 100 times larger (1.0), to see
where the descent is heading.
'''),
    code(r'''
def predictions(model):
    with no_grad():
        return [model(x).data for x in X]


slow = seed_start_model()
slow_losses = fit(slow, X, Y, loss=half_squared_error, optimizer=SGD(slow.parameters(), lr=LR),
                  epochs=EPOCHS, metric=None).loss
fast = seed_start_model()
fast_losses = fit(fast, X, Y, loss=half_squared_error, optimizer=SGD(fast.parameters(), lr=1.0),
                  epochs=EPOCHS, metric=None).loss
for name, model, losses in [("lr 0.01", slow, slow_losses), ("lr 1.0", fast, fast_losses)]:
    print(f"{name}: loss {losses[0]:.4f} -> {losses[-1]:.4f}, outputs {np.round(predictions(model), 3)}")

for losses in (slow_losses, fast_losses):
    assert all(later < earlier for earlier, later in pairwise(losses))  # down, every epoch
assert max(abs(p - 0.5) for p in predictions(slow)) < 0.05  # after 10,000 epochs: still about 0.5 everywhere
'''),
    md(r'''
Both runs go downhill in every epoch, as they should. But with the seed's learning
rate, 10,000 epochs only bring the loss from 0.541 to 0.503: every output is still
about 0.5. With the larger step the network settles at about **(0.67, 0.67, 0.67,
0.03)**: right about (1, 1), and unable to tell (0, 0) from the other two. The loss
creeps toward $\tfrac13$ and no lower.

Why? Look at the hidden layer. The two hidden units started as mirror images,
$\sigma(-x_1 + x_2 + 1)$ and $\sigma(x_1 - x_2 + 1)$, and descent has turned them
into the *same* unit. A network whose two hidden units are copies is a network
with one hidden unit: its output is a function of $x_1 + x_2$ that cannot go up
and then down again, and the best such a function can do on XOR is to answer 2/3
for the first three cases and 0 for (1, 1), a loss of exactly $\tfrac13$. Gradient
descent has found a poor local minimum, and it stays there.
'''),
    code(r'''
hidden_weights = [[round(w.data, 4) for w in neuron.w] + [round(neuron.b.data, 4)]
                  for neuron in fast.layers[0].neurons]
print("hidden unit 1 (w for x1, w for x2, bias):", hidden_weights[0])
print("hidden unit 2 (w for x1, w for x2, bias):", hidden_weights[1])

outputs = predictions(fast)
assert abs(fast_losses[-1] - 1 / 3) < 0.005
assert all(abs(p - 2 / 3) < 0.01 for p in outputs[:3]) and outputs[3] < 0.05
first, second = fast.layers[0].neurons
for p, q in zip([*first.w, first.b], [*second.w, second.b]):
    assert abs(p.data - q.data) <= 1e-6 * abs(p.data)  # the two hidden units have become one
'''),
    code(r'''
epochs = range(1, EPOCHS + 1)
plt.plot(epochs, seed_losses, label="the seed's update (climbs)", color="tab:red")
plt.plot(epochs, slow_losses, label="correct, lr 0.01", color="tab:blue")
plt.plot(epochs, fast_losses, label="correct, lr 1.0", color="tab:green")
plt.axhline(1 / 3, color="gray", linestyle=":", label="1/3: the local minimum")
plt.xscale("log")
plt.xlabel("epoch")
plt.ylabel("loss")
plt.legend(fontsize=8)
plt.title("same start, three trainings")
plt.show()
'''),
    md(r'''
## From random starts

Small networks like this one depend on where they start. Eight seeded random
starts, each trained the same way (learning rate 1.0, 2,000 epochs): a start
"solves" XOR when every output lands on the right side of 0.5.
'''),
    code(r'''
solved = {}
for seed in range(8):
    model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=seed)
    losses = fit(model, X, Y, loss=half_squared_error, optimizer=SGD(model.parameters(), lr=1.0),
                 epochs=2000, metric=None).loss
    outputs = predictions(model)
    if all(round(p) == t for p, t in zip(outputs, Y)):
        solved[seed] = model
    verdict = "solved" if seed in solved else "stuck"
    print(f"seed {seed}: loss {losses[-1]:.4f}, outputs {np.round(outputs, 3)}  {verdict}")

assert len(solved) >= 6  # most starts solve it ...
assert len(solved) < 8  # ... but not every one: getting stuck is not rare
assert all(abs(p - t) < 0.1 for p, t in zip(predictions(solved[0]), Y))
'''),
    md(r'''
Most starts solve XOR, but not every one: a start can get stuck, as the seed's
did. Here is what a solved network and the stuck one from the seed's start compute
over the whole plane (the black line is where the output crosses 0.5). The stuck
one has a single straight boundary: its output depends on $x_1 + x_2$ alone.
'''),
    code(r'''
grid = np.linspace(-0.5, 1.5, 41)


def draw_boundary(axes, model, title):
    with no_grad():
        heights = [[model([gx, gy]).data for gx in grid] for gy in grid]
    filled = axes.contourf(grid, grid, heights, levels=np.linspace(0, 1, 11), cmap="RdBu_r")
    axes.contour(grid, grid, heights, levels=[0.5], colors="black")
    axes.scatter(X_np[:, 0], X_np[:, 1], c=Y, cmap="RdBu_r", vmin=0, vmax=1, edgecolors="black", s=80)
    axes.set_title(title, fontsize=10)
    axes.set_aspect("equal")
    return filled


figure, (left, right) = plt.subplots(1, 2, figsize=(8, 3.6))
draw_boundary(left, fast, "the seed's start: stuck")
filled = draw_boundary(right, solved[0], "random start, seed 0: solved")
figure.colorbar(filled, ax=[left, right], label="network output")
plt.show()
'''),
]


# ============================================================================
# 03_autoencoder: seed 003
# ============================================================================

AUTOENCODER = [
    md(r'''
# The 8-3-8 autoencoder: two mistakes in a hand-written backprop

Seed 003 builds an autoencoder, 8 inputs squeezed through 3 hidden units and
expanded back to 8, with the activation $a = \sigma(z + 1)$. It runs one forward
pass, prints every intermediate number, and then one backpropagation step written
by hand. Here we reproduce its forward pass exactly, compare its backprop with
autograd's to find its two mistakes, and then train the autoencoder properly.
'''),
    code(r'''
import math

import matplotlib.pyplot as plt

from autograd import Op, Value, apply_op, check_nodes, no_grad, sum_values
from nn import MLP, Adam, Layer, fit, mse_loss, one_hot_codes

plt.rcParams.update({"figure.dpi": 72})

# The seed prints 8 decimals, so each number it shows is off by up to 5e-9. A hidden z
# sums 7 printed weights and a bias (<= 4e-8); an output z adds 3 weights times
# activations and a bias on top: 1e-7 covers every comparison with a printout.
PRINTED = 1e-7
# Where two computations of the same quantity are compared in full float64 (~1e-16 on
# numbers below 1), 1e-12 leaves room for rounding but not for a wrong formula.
TOL = 1e-12
'''),
    md(r'''
## The seed's numbers

The weights its forward pass used (cells In [64] and In [69]) and its biases (In [61]).
Its cell In [35] prints other hidden weights: the notebook was run out of order, and
the forward pass agrees with In [64], so that is the one used here. The input is
the seed's random binary vector.
'''),
    code(r'''
HIDDEN_WEIGHT = [  # 8 x 3, NumPy layout z = x @ W + b: column j feeds hidden unit j
    [-0.14596248, 0.46984296, -0.20284101],
    [0.39478882, 0.23582777, -0.30064179],
    [0.21564332, -0.09798041, 0.4486971],
    [0.1839495, -0.06597233, -0.09574213],
    [0.104651, 0.97286255, -0.1992364],
    [-0.62747513, -0.07544811, 0.45845421],
    [0.2087666, -1.30966475, -0.12424663],
    [-0.08091887, -0.01457799, 0.7577325],
]
HIDDEN_BIAS = [0.2888758, 0.14884696, 0.20725632]
OUTPUT_WEIGHT = [  # 3 x 8
    [-0.59196054, 0.10018885, -0.72569459, 0.07080871, -0.61067354, 0.09612946, -0.20848902, -0.25395206],
    [0.46978088, -0.75172655, 0.12019265, -0.9478835, 0.86543602, -0.11670782, 0.07210603, -0.48724027],
    [0.70269662, -0.64294688, 0.15416849, 0.423714, 0.58689919, -0.00481141, -0.00180434, -0.81640988],
]
OUTPUT_BIAS = [0.66379342, 0.51166311, 0.6992155, 0.14650619, 0.61919299, 0.46754989, 0.68069931, 0.95591248]
x = [1, 1, 0, 1, 1, 1, 0, 1]

# what the seed printed along the way
SEED = {
    "hidden_z": [0.11790862, 1.67138181, 0.6249817],
    "hidden_activation": [0.75360058, 0.93531668, 0.83548102],
    "output_z": [1.24417519, -0.65310681, 0.39355468, -0.33269858, 1.45878894, 0.4268145, 0.58951635,
                 -0.37328485],
    "output_activation": [0.90414691, 0.58586398, 0.80115912, 0.66089864, 0.9212018, 0.80640449,
                          0.83054805, 0.65174426],
    "slope_out": [0.11283336, 0.14107796, 0.12162829, 0.13415602, 0.11141327, 0.12117158, 0.11908122,
                  0.13499311],
    "slope_hidden": [0.12580975, 0.1102461, 0.11865654],
    "delta_out": [0.01081543, 0.05842546, -0.09744362, 0.04549249, 0.00877917, 0.02345827, -0.09890268,
                  0.04701213],
    "delta_hidden": [-0.00370008, 0.01775197, -0.00129583],
}


def agrees_with_seed(name, ours):
    """Print how far our numbers are from what the seed printed, and insist they match the printout."""
    worst = max(abs(a - b) for a, b in zip(ours, SEED[name], strict=True))
    print(f"{name:18} largest difference from the seed's printout: {worst:.1e}")
    assert worst <= PRINTED, name
'''),
    md(r'''
## The forward pass

Linear layers give the pre-activations $z$ (`Layer.from_columns` reads NumPy's
`x @ W` layout); the seed's activation is applied to them explicitly so that both
$z$ and $a$ can be compared with the printout.
'''),
    code(r'''
def shifted_sigmoid(z):
    """The seed's activation: sigmoid(z + 1)."""
    return (z + 1).sigmoid()


encoder = Layer.from_columns(HIDDEN_WEIGHT, HIDDEN_BIAS, activation="linear")
decoder = Layer.from_columns(OUTPUT_WEIGHT, OUTPUT_BIAS, activation="linear")
hidden_z = encoder(x)
hidden = [shifted_sigmoid(z) for z in hidden_z]
output_z = decoder(hidden)
output = [shifted_sigmoid(z) for z in output_z]

agrees_with_seed("hidden_z", [z.data for z in hidden_z])
agrees_with_seed("hidden_activation", [a.data for a in hidden])
agrees_with_seed("output_z", [z.data for z in output_z])
agrees_with_seed("output_activation", [a.data for a in output])
'''),
    md(r'''
## What the backprop should compute

The seed's update is `W += lr * a.T @ delta` with `delta = error * slope` and
`error = input - output`: gradient descent on
$L = \tfrac12 \sum_j (x_j - a_j)^2$, where `delta` at a unit is
$-\partial L / \partial z$ at that unit. Autograd computes
$\partial L / \partial z$ for every unit in one `backward()`.
'''),
    code(r'''
loss = sum_values([(target - a) ** 2 for target, a in zip(x, output)]) / 2
loss.backward()
print(f"L = {loss.data:.6f}")
autograd_delta_out = [-z.grad for z in output_z]
autograd_delta_hidden = [-z.grad for z in hidden_z]
'''),
    md(r'''
## Mistake 1: the sigmoid applied twice

The slope a unit needs is $\partial a / \partial z = \sigma'(z + 1)$, which, since
$a = \sigma(z + 1)$, is simply $a(1 - a)$. The seed calls its
`activation(..., dx=True)`, i.e. $\sigma'(\cdot + 1)$, on the **activations**
(`output_activation`, `hidden_activation`) instead of the pre-activations: it
computes $\sigma'(a + 1)$, the sigmoid applied on top of a sigmoid.
'''),
    code(r'''
def sigma(v):
    return 1 / (1 + math.exp(-v))


def seed_slope(a):
    """What the seed computes: activation'(a) = sigma(a + 1) * (1 - sigma(a + 1)), fed an activation."""
    return sigma(a + 1) * (1 - sigma(a + 1))


error = [target - a.data for target, a in zip(x, output)]
seed_delta_out = [e * seed_slope(a.data) for e, a in zip(error, output)]
fixed_delta_out = [e * a.data * (1 - a.data) for e, a in zip(error, output)]
agrees_with_seed("slope_out", [seed_slope(a.data) for a in output])
agrees_with_seed("delta_out", seed_delta_out)

print(f"\n{'unit':>4}{'seed':>12}{'fixed':>12}{'autograd':>12}")
for j in range(8):
    print(f"{j:4}{seed_delta_out[j]:12.8f}{fixed_delta_out[j]:12.8f}{autograd_delta_out[j]:12.8f}")
assert max(abs(f - g) for f, g in zip(fixed_delta_out, autograd_delta_out)) <= TOL
assert max(abs(s - g) for s, g in zip(seed_delta_out, autograd_delta_out)) > 0.04  # far beyond rounding
'''),
    md(r'''
The fixed slope agrees with autograd to the last digits; the seed's is off by as
much as 0.04 on numbers of size 0.1. `check_nodes` finds this mistake by itself: write
the seed's activation as an operation with the seed's derivative rule, and it
names that operation as the culprit.
'''),
    code(r'''
seed_activation = Op(
    "seed_act", lambda z: sigma(z + 1), lambda out, z: (seed_slope(out),), ("seed: sigma'(out + 1)",)
)
z = Value(output_z[2].data, label="z")
a = apply_op(seed_activation, z)
a.label = "a"
unit_loss = (x[2] - a) ** 2 / 2
unit_loss.label = "L"
report = check_nodes(unit_loss)
assert report.culprit is not None and report.culprit.op == "seed_act"
report
'''),
    md(r'''
## Mistake 2: the error sent back along the wrong weights

In the forward pass, hidden unit $i$ reaches output $j$ through
`output_weight[i][j]`. Backward, the error must come back along the same
connections:

$$
\delta^{\text{hidden}}_i = \Big(\sum_j \delta^{\text{out}}_j \, W^{\text{out}}_{ij}\Big)\, a_i (1 - a_i),
$$

that is `delta_out @ output_weight.T`. The seed multiplies by `hidden_weight`
instead, the weights *into* the hidden layer. NumPy did not complain because in an
8-3-8 network `hidden_weight` (8 x 3) happens to have the same shape as
`output_weight.T`. The table separates the two mistakes: fixing only the slopes
still leaves the hidden deltas wrong.
'''),
    code(r'''
def hidden_deltas(delta_out, weight_of, slope_of):
    """delta_hidden[i] = sum_j delta_out[j] * weight_of(i, j) * slope of hidden unit i."""
    return [
        sum(delta_out[j] * weight_of(i, j) for j in range(8)) * slope_of(hidden[i].data) for i in range(3)
    ]


def hidden_weight(i, j):  # what the seed uses: hidden_weight[j][i]
    return HIDDEN_WEIGHT[j][i]


def output_weight(i, j):  # what backprop needs: output_weight[i][j], i.e. output_weight.T[j][i]
    return OUTPUT_WEIGHT[i][j]


def true_slope(a):
    return a * (1 - a)


seed = hidden_deltas(seed_delta_out, hidden_weight, seed_slope)
slopes_fixed = hidden_deltas(fixed_delta_out, hidden_weight, true_slope)
both_fixed = hidden_deltas(fixed_delta_out, output_weight, true_slope)
agrees_with_seed("slope_hidden", [seed_slope(h.data) for h in hidden])
agrees_with_seed("delta_hidden", seed)

print(f"\n{'unit':>4}{'seed':>12}{'slopes fixed':>14}{'both fixed':>12}{'autograd':>12}")
for i in range(3):
    print(f"{i:4}{seed[i]:12.8f}{slopes_fixed[i]:14.8f}{both_fixed[i]:12.8f}{autograd_delta_hidden[i]:12.8f}")
assert max(abs(f - g) for f, g in zip(both_fixed, autograd_delta_hidden)) <= TOL
assert max(abs(s - g) for s, g in zip(slopes_fixed, autograd_delta_hidden)) > 0.01
assert max(abs(s - g) for s, g in zip(seed, autograd_delta_hidden)) > 0.01
'''),
    md(r'''
With both fixes the hidden deltas agree with autograd; the seed's have the wrong
sign in two of the three units, so its step would push those weights the wrong way.

## Training the autoencoder

Now the real thing: learn to pass each of the eight one-hot codes through the
3-unit bottleneck and back. The network is an `MLP(8, [3, 8])` with the seed's
activation, a seeded random start, the mean squared error and Adam. A code "comes
back" when rounding every output to 0 or 1 gives exactly the input.
'''),
    code(r'''
codes = one_hot_codes(8)
autoencoder = MLP(8, [3, 8], activation=shifted_sigmoid, output_activation=shifted_sigmoid, seed=0)


def codes_back(predictions, targets):
    """The fraction of codes that come back exactly when each output is rounded to 0 or 1."""
    exact = [[round(p.data) for p in outputs] == target for outputs, target in zip(predictions, targets)]
    return sum(exact) / len(exact)


history = fit(autoencoder, codes, codes, loss=mse_loss, optimizer=Adam(autoencoder.parameters(), lr=0.1),
              epochs=500, metric=codes_back)
first = history.accuracy.index(1.0)
print(f"every code comes back from epoch {first + 1} on; final loss {history.loss[-1]:.5f}")
assert all(fraction == 1.0 for fraction in history.accuracy[first:])
'''),
    md(r'''
The hidden layer is the code the network invented: three numbers per input.
They tend toward the corners of the cube (a 3-bit binary code for 8 symbols)
although nothing asked for that; all the decoder needs is that the eight codes
are far enough apart to tell from one another.
'''),
    code(r'''
with no_grad():
    hidden_codes = [[h.data for h in autoencoder.layers[0](code)] for code in codes]
    outputs = [[o.data for o in autoencoder(code)] for code in codes]

print("input  hidden code          output (rounded)")
for k, (code, hidden_code, out) in enumerate(zip(codes, hidden_codes, outputs)):
    shown = " ".join(f"{h:.2f}" for h in hidden_code)
    print(f"  e{k}   {shown}     {''.join(str(round(o)) for o in out)}")
    assert [round(o) for o in out] == code  # the one-hot code comes back exactly

figure, (curve, picture) = plt.subplots(1, 2, figsize=(8, 3), gridspec_kw={"width_ratios": [3, 2]})
curve.plot(history.loss)
curve.set_yscale("log")
curve.set_xlabel("epoch")
curve.set_ylabel("mean squared error")
curve.axvline(first, color="gray", linestyle=":", label="all codes back")
curve.legend()
image = picture.imshow(hidden_codes, cmap="viridis", vmin=0, vmax=1)
picture.set_xticks(range(3), [f"h{i + 1}" for i in range(3)])
picture.set_yticks(range(8), [f"e{k}" for k in range(8)])
picture.set_title("hidden codes", fontsize=10)
figure.colorbar(image, ax=picture)
plt.show()
'''),
]


# ============================================================================
# 04_intro_neural_networks: seed 004
# ============================================================================

INTRO = [
    md(r'''
# An introduction to neural networks

Seed 004 follows Victor Zhou's
[introduction to neural networks](https://victorzhou.com/blog/intro-to-neural-networks/):
a neuron, a 2-2-1 network, the mean squared error, one derivative worked by hand,
and stochastic gradient descent. The seed stops halfway through the training code;
here the whole example is done with the library, and the hand-worked derivative
is checked against autograd.
'''),
    code(r'''
import math

import matplotlib.pyplot as plt

from autograd import Value, draw_graph, no_grad
from nn import MLP, SGD, Layer, Neuron, mse_loss

# The answer key prints 16-17 significant digits; float64 carries about 16, so a
# relative tolerance of 1e-12 allows for different rounding but not for a wrong formula.
TOL = 1e-12
plt.rcParams.update({"figure.dpi": 72, "figure.figsize": (6, 3)})


def sigmoid(z):
    return 1 / (1 + math.exp(-z))
'''),
    md(r'''
## A neuron

A neuron takes a weighted sum of its inputs, adds a bias, and squashes the result
with an activation function: $\sigma(w_1 x_1 + w_2 x_2 + b)$. With weights (0, 1),
bias 4 and input (2, 3) that is $\sigma(0 \cdot 2 + 1 \cdot 3 + 4) = \sigma(7)$.
'''),
    code(r'''
neuron = Neuron.from_weights([0, 1], bias=4, activation="sigmoid")
out = neuron([2, 3])
print(out.data, sigmoid(7))
assert math.isclose(out.data, 0.9990889488055994, rel_tol=TOL)
assert math.isclose(sigmoid(7), 0.9990889488055994, rel_tol=TOL)
'''),
    md(r'''
## A network: two hidden neurons and an output neuron

Every neuron with weights (0, 1) and bias 0; input (2, 3). Both hidden neurons
compute $h = \sigma(3)$, and the output is $\sigma(0 \cdot h_1 + 1 \cdot h_2) = \sigma(\sigma(3))$.
'''),
    code(r'''
def network(weights, bias):
    """The 2-2-1 network of the blog, every neuron with the same weights and bias."""
    hidden = Layer.from_weights([weights, weights], [bias, bias], activation="sigmoid")
    output = Layer.from_weights([weights], [bias], activation="sigmoid")
    return MLP.from_layers([hidden, output])


y = network([0, 1], 0)([2, 3])
print(y.data, sigmoid(sigmoid(3)))
assert math.isclose(y.data, 0.7216325609518421, rel_tol=TOL)
assert math.isclose(sigmoid(sigmoid(3)), 0.7216325609518421, rel_tol=TOL)
'''),
    md(r'''
## The loss

The mean squared error: the average of $(y_{\text{true}} - y_{\text{pred}})^2$.
Predicting 0 for everyone, with two of the four targets 1, gives $2/4 = 0.5$.
'''),
    code(r'''
loss = mse_loss([0, 0, 0, 0], [1, 0, 0, 1])
print(loss.data)
assert loss.data == 0.5  # (1 + 0 + 0 + 1) / 4 is exact in floating point
'''),
    md(r'''
## The derivative worked by hand

The blog's example: Alice, input $(-2, -1)$, target 1; every weight 1 and every
bias 0; a single person, so $L = (1 - y_{\text{pred}})^2$. How does $L$ change
with $w_1$, the weight from $x_1$ into $h_1$? The chain rule, backwards from the loss:

$$
\frac{\partial L}{\partial w_1}
= \frac{\partial L}{\partial y_{\text{pred}}}
  \cdot \frac{\partial y_{\text{pred}}}{\partial h_1}
  \cdot \frac{\partial h_1}{\partial w_1}
= -2(1 - y_{\text{pred}})
  \cdot w_5\, \sigma'(w_5 h_1 + w_6 h_2 + b_3)
  \cdot x_1\, \sigma'(w_1 x_1 + w_2 x_2 + b_1)
$$

The seed rounds each factor (-0.952, 0.248, -0.0895) and gets 0.021. Below: the
same factors in full precision, and autograd's gradient.
'''),
    code(r'''
def sigmoid_slope(z):
    return sigmoid(z) * (1 - sigmoid(z))


# by hand, in floats: h1 = h2 = h because both hidden neurons have the same weights
h = sigmoid(1 * -2 + 1 * -1 + 0)
y_hat = sigmoid(1 * h + 1 * h + 0)
factors = {
    "dL/dy_pred": -2 * (1 - y_hat),
    "dy_pred/dh1": 1 * sigmoid_slope(1 * h + 1 * h + 0),
    "dh1/dw1": -2 * sigmoid_slope(1 * -2 + 1 * -1 + 0),
}
by_hand = math.prod(factors.values())

# by autograd, with the blog's names on every parameter and value
alice = network([1, 1], 0)
for parameter, name in zip(alice.parameters(), ["w1", "w2", "b1", "w3", "w4", "b2", "w5", "w6", "b3"]):
    parameter.label = name
h1, h2 = alice.layers[0]([Value(-2.0, label="x1"), Value(-1.0, label="x2")])
h1.label, h2.label = "h1", "h2"
y_pred = alice.layers[1]([h1, h2])[0]
y_pred.label = "y_pred"
alice_loss = (1 - y_pred) ** 2  # one person: the mean squared error is (1 - y_pred)^2
alice_loss.label = "L"
alice_loss.backward()
w1 = dict(alice.named_parameters())["layers.0.neurons.0.w.0"]  # from x1 into h1
assert w1.label == "w1"

for (name, value), rounded in zip(factors.items(), (-0.952, 0.248, -0.0895)):
    print(f"{name:12} {value:+.6f}   (the seed: {rounded})")
print(f"dL/dw1: by hand {by_hand!r}, autograd {w1.grad!r}, the seed 0.021")
assert math.isclose(by_hand, 0.021469535265811107, rel_tol=TOL)
assert math.isclose(w1.grad, 0.021469535265811107, rel_tol=TOL)
'''),
    md(r'''
The graph of Alice's loss, from the inputs at the top to $L$ at the bottom, with
the local derivative on every arrow. Backpropagation reaches $w_1$ along one path:
$L \to y_{\text{pred}} \to h_1 \to w_1$, and `explain` multiplies it out.
'''),
    code(r'''
draw_graph(alice_loss, edge_grads=True, digits=3, rankdir="TB")
'''),
    code(r'''
why = alice_loss.explain(w1)
assert len(why.paths) == 1 and math.isclose(why.total, w1.grad, rel_tol=TOL)
why
'''),
    md(r'''
## The update rule: `w -= alpha * dL/dw`

$\partial L / \partial w_1 > 0$ says that the loss grows with $w_1$, so to reduce
the loss, step $w_1$ down a little: $w \leftarrow w - \alpha\, \partial L / \partial w$.
The seed's comment writes the update as `w += w - alpha * dL/dw`, which is
$w \leftarrow 2w - \alpha\, \partial L / \partial w$: every step doubles every weight
and barely depends on the gradient. One step of each, on all of Alice's weights:
'''),
    code(r'''
alpha = 0.1


def loss_after_one_step(update):
    """Alice's loss, and w1, after updating every weight and bias once with update(w, dL/dw)."""
    model = network([1, 1], 0)
    step_loss = mse_loss(model([-2, -1]), 1)
    step_loss.backward()
    for p in model.parameters():
        p.data = update(p.data, p.grad)
    new_w1 = dict(model.named_parameters())["layers.0.neurons.0.w.0"].data
    return mse_loss(model([-2, -1]), 1).data, new_w1


descent, w1_descent = loss_after_one_step(lambda w, g: w - alpha * g)  # w -= alpha * dL/dw
seed_rule, w1_seed = loss_after_one_step(lambda w, g: w + (w - alpha * g))  # the seed's comment
print(f"before:                    loss {alice_loss.data:.6f}, w1 = 1")
print(f"w -= alpha * dL/dw:        loss {descent:.6f}, w1 = {w1_descent:.6f}")
print(f"w += w - alpha * dL/dw:    loss {seed_rule:.6f}, w1 = {w1_seed:.6f}")
assert descent < alice_loss.data < seed_rule
assert math.isclose(w1_seed, 2 - alpha * w1.grad, rel_tol=TOL)
'''),
    md(r'''
## Training on the four people

The blog's data set: weight and height, shifted by 135 lb and 66 in, and the
target 1 for female, 0 for male. Training is stochastic gradient descent as in the
blog: learning rate 0.1, 1000 epochs, and within each epoch one update per person.
The network starts from seeded random weights, so the run is reproducible.
'''),
    code(r'''
people = {
    "Alice": ([-2, -1], 1),
    "Bob": ([25, 6], 0),
    "Charlie": ([17, 4], 0),
    "Diana": ([-15, -6], 1),
}
inputs = [x for x, _ in people.values()]
targets = [target for _, target in people.values()]

model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
optimizer = SGD(model.parameters(), lr=0.1)
losses = []
for _ in range(1000):
    for x, target in people.values():
        person_loss = mse_loss(model(x), target)
        optimizer.zero_grad()
        person_loss.backward()
        optimizer.step()
    with no_grad():
        losses.append(mse_loss([model(x) for x in inputs], targets).data)

print(f"loss over all four: {losses[0]:.4f} after the first epoch, {losses[-1]:.4f} after the last")
assert losses[-1] < 0.01
assert all(round(model(x).data) == target for x, target in people.values())

plt.plot(range(1, 1001), losses)
plt.yscale("log")
plt.xlabel("epoch")
plt.ylabel("mean squared error")
plt.title("training on Alice, Bob, Charlie and Diana")
plt.show()
'''),
    md(r'''
## Two new people

Emily (128 lb, 63 in) and Frank (155 lb, 68 in), shifted the same way. The
network has never seen them.
'''),
    code(r'''
with no_grad():
    emily = model([-7, -3]).data
    frank = model([20, 2]).data
print(f"Emily: {emily:.3f}  (1 = female)")
print(f"Frank: {frank:.3f}  (0 = male)")
assert emily > 0.9 and frank < 0.1
'''),
]


NOTEBOOKS: dict[str, list[Cell]] = {
    "00_tour": TOUR,
    "01_homework": HOMEWORK,
    "02_xor": XOR,
    "03_autoencoder": AUTOENCODER,
    "04_intro_neural_networks": INTRO,
}


# ============================================================================
# Building and running
# ============================================================================


def make_notebook(cells: list[Cell]) -> nbformat.NotebookNode:
    """A notebook of these cells, with stable cell ids (c00, c01, ...) so rebuilds diff cleanly."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for index, (kind, source) in enumerate(cells):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        notebook.cells.append(make(source, id=f"c{index:02d}"))
    return notebook


def drop_addresses(notebook: nbformat.NotebookNode) -> None:
    """Remove memory addresses (``<... at 0x7f...>``) from text outputs: they change on every run."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/plain")
            if text:
                output["data"]["text/plain"] = ADDRESS.sub(">", text)


class VenvKernelManager(AsyncKernelManager):
    """Starts the kernel with this very interpreter (the virtualenv's), whatever kernels are installed.

    With no kernel directories to search, "python3" resolves to ipykernel's built-in
    spec, whose command line is ``sys.executable -m ipykernel_launcher``.
    """

    @default("kernel_spec_manager")
    def _only_the_builtin_kernel(self) -> KernelSpecManager:
        return KernelSpecManager(kernel_dirs=[])


def execute(notebook: nbformat.NotebookNode) -> float:
    """Run every cell in a fresh kernel in a temporary directory; return the seconds it took."""
    with tempfile.TemporaryDirectory() as workdir:
        client = NotebookClient(
            notebook,
            kernel_name="python3",
            kernel_manager_class=VenvKernelManager,
            timeout=CELL_TIMEOUT,
            record_timing=False,
            resources={"metadata": {"path": workdir}},
        )
        start = time.perf_counter()
        client.execute()
        return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"notebooks to build (default: all): {', '.join(NOTEBOOKS)}")
    names = parser.parse_args(argv).names or list(NOTEBOOKS)
    unknown = [name for name in names if name not in NOTEBOOKS]
    if unknown:
        parser.error(f"no notebook named {', '.join(unknown)}; the notebooks are {', '.join(NOTEBOOKS)}")
    for name in names:
        notebook = make_notebook(NOTEBOOKS[name])
        seconds = execute(notebook)
        drop_addresses(notebook)
        nbformat.validate(notebook)
        path = NOTEBOOK_DIR / f"{name}.ipynb"
        nbformat.write(notebook, path)
        print(f"{path.name}: ran in {seconds:.1f} s, {path.stat().st_size / 1000:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
