# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The homework: a ReLU network, inverse temperature, an LSTM unit, backpropagation
#
# This project grew from five "seed" notebooks, numbered 000 to 004, which are not
# part of this repository. Seeds 000 and 001 are two solutions of the same homework,
# written by hand in NumPy: a 2-4-2 ReLU network with a softmax output, inverse
# temperature, an LSTM unit, and a short backpropagation exercise. The homework
# comes with an answer key: every figure it derives, to 16-17 significant digits,
# and the LSTM's visible states. Here every part is redone with chaingrad, and each
# figure of the answer key is written into the cell that checks it.

# %%
import math

import matplotlib.pyplot as plt

import autograd
from autograd import Value, draw_graph, explain
from nn import MLP, Layer, LSTMCell, NetworkReplay, draw_network, run_lstm, softmax
from nn.plots import few_ticks, readable_style

# The answer key prints 16-17 significant digits; float64 carries about 16, so a
# relative tolerance of 1e-12 allows for different rounding but not for a wrong formula.
TOL = 1e-12
readable_style()  # 120 dpi, labelled axes, a grid: plots that read well in the notebook

# %% [markdown]
# ## 1. The 2-4-2 network
#
# Four hidden units and two outputs, with ReLU $f(z) = \max(z, 0)$ on every unit and
# a softmax on top:
#
# $$
# z_i = x_1 W_{1i} + x_2 W_{2i} + W_{0i},\qquad
# u_j = \sum_i f(z_i) V_{ij} + V_{0j},\qquad
# o_j = \frac{e^{f(u_j)}}{\sum_k e^{f(u_k)}}
# $$
#
# The layers below are *linear* (`activation="linear"`), so that $z$ and $u$ can be
# looked at before $f$ is applied, as in the homework's equations.

# %%
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

# %% [markdown]
# The homework draws this network as neurons in columns, weights on the arrows. Here is
# that figure, drawn by the library with the pass for $x = (3, 14)$ on it: under each
# unit its input ($z_i$, then $u_j$) and its output $f(\cdot)$, then the softmax
# outputs: the answer key, read off the picture. The weights are the homework's $W$
# and $V$ (blue positive, red negative, grey zero), the biases $W_{0i}$ and $V_{0j}$
# are written above the units.

# %%
relu_net = MLP.from_layers([
    Layer.from_weights([row[:2] for row in W], [row[2] for row in W], activation="relu"),
    Layer.from_weights([row[:4] for row in V], [row[4] for row in V], activation="relu"),
])
homework_figure = draw_network(relu_net, inputs=[3, 14], output="softmax", symbols=["z", "u"], digits=7)
for figure in ["z = 2", "z = 13", "z = −4", "z = −15", "f(z) = 0", "u = 15", "u = −13", "f(u) = 15",
               "o1 = 0.9999997", "o2 = 3.059022e−07"]:
    assert f">{figure}<" in homework_figure.svg  # every figure of the answer key is on the picture
homework_figure

# %% [markdown]
# Backward from $o_1$, on the same picture: under each weight its gradient
# $\nabla = \partial o_1 / \partial w$, under each unit its $\delta = \partial o_1 / \partial z$.
# Units 3 and 4 and output 2 are switched off by their ReLU ($z_3, z_4, u_2 < 0$), so
# no gradient reaches their weights: their $\nabla$ is exactly 0. A ReLU that is off
# passes nothing back. (The other gradients are tiny too, for another reason: $o_1$
# is within $3 \cdot 10^{-7}$ of 1, where the softmax is flat.)

# %%
o1 = o[0]
o1.label = "o1"
o1.backward()
dead = hidden.neurons[2].parameters() + hidden.neurons[3].parameters() + output.neurons[1].parameters()
assert all(p.grad == 0 for p in dead)
softmax(relu_net([3, 14]))[0].backward()  # the same backward, through the ReLU network drawn above
assert [p.grad for p in relu_net.parameters()] == [p.grad for p in hidden.parameters() + output.parameters()]
draw_network(relu_net, inputs=[3, 14], output="softmax", grads=True, symbols=["z", "u"])


# %% [markdown]
# ## 2. Only the sum of the hidden outputs matters
#
# Every $V_{i1}$ is 1 and every $V_{i2}$ is $-1$, so with $S = f(z_1) + \dots + f(z_4)$:
# $u_1 = S$ and $u_2 = 2 - S$. The output depends on $S$ alone. The homework asks for
# $o_1$ when $S = 1$, $0$ and $3$; any split of $S$ over the four units gives the same.
# (Seed 000 left the $S = 0$ cell without an output.)

# %%
for S, expected in [(1, 0.5), (0, 0.11920292202211755), (3, 0.9525741268224333)]:
    for split in ([S, 0, 0, 0], [0, 0, 0, S], [S / 4] * 4):
        u_split = output(split)
        o1_split = softmax([uj.relu() for uj in u_split])[0]
        assert math.isclose(o1_split.data, expected, rel_tol=TOL)
    print(f"S = {S}: u = {[v.data for v in u_split]}, o1 = {o1_split.data!r}")


# %% [markdown]
# ## 3. Inverse temperature
#
# With an inverse temperature $\beta$ the softmax becomes
# $o_j = e^{\beta f(u_j)} / \sum_k e^{\beta f(u_k)}$, and
# $o_1 / o_2 = e^{\beta (f(u_1) - f(u_2))}$. So $o_1 \ge 999\, o_2$ exactly when
#
# $$ f(u_1) - f(u_2) \ge \frac{\ln 999}{\beta}. $$
#
# A larger $\beta$ makes the softmax more decisive: a smaller gap is enough. Below,
# the threshold is found numerically from `softmax(..., beta=...)` itself, by
# bisection, and compared with the formula and the answer key.

# %%
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

# %%
gaps = [k / 50 for k in range(501)]
for beta in (1.0, 3.0):
    plt.plot(gaps, [softmax([g, 0.0], beta=beta)[0].data for g in gaps], label=f"beta = {beta:g}")
    plt.axvline(math.log(999) / beta, color="gray", linestyle=":")
plt.axhline(0.999, color="gray", linestyle="--", label="o1 = 999 o2")
plt.xlabel("gap between the two inputs, f(u1) - f(u2)")
plt.ylabel("softmax output o1")
few_ticks(plt.gca())
plt.legend()
plt.title("a larger beta needs a smaller gap")
plt.show()

# %% [markdown]
# ## 4. The LSTM unit
#
# With scalar input $x_t$, memory cell $c_t$ and visible state $h_t$:
#
# $$
# \begin{aligned}
# f_t &= \sigma(W^{f,h} h_{t-1} + W^{f,x} x_t + b_f) &
# i_t &= \sigma(W^{i,h} h_{t-1} + W^{i,x} x_t + b_i) \\
# o_t &= \sigma(W^{o,h} h_{t-1} + W^{o,x} x_t + b_o) &
# c_t &= f_t c_{t-1} + i_t \tanh(W^{c,h} h_{t-1} + W^{c,x} x_t + b_c) \\
# h_t &= o_t \tanh(c_t)
# \end{aligned}
# $$
#
# With the homework's weights the forget gate is shut ($b_f = -100$), the input gate
# is open for $x_t \in \{0, 1\}$, and the output gate is half open when $x_t = 0$ and
# open when $x_t = 1$. The new cell content $\tanh(-100 h_{t-1} + 50 x_t)$ is about
# $\pm 1$, with the opposite sign of the previous state whenever $h_{t-1} \neq 0$. The
# homework rounds $h_t$ to the nearest integer after every step (`round_hidden=True`).

# %%
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

# %%
assert visible_states([1, 1, 0, 1, 1]) == [1, -1, 0, 1, -1]  # exactly the answer key

# %% [markdown]
# The homework draws the unit as a cell with its gates. Here it is with the numbers
# of one step, input 1 from the zero state: the forget gate is shut ($f = \sigma(-100)$,
# about $4 \cdot 10^{-44}$), the input and output gates are open, the candidate
# $g = \tanh(50)$ is 1, so the memory becomes $c_t = 1$ and $h_t = \tanh(1)$.

# %%
one_step = draw_network(cell, inputs=1.0, state=(0.0, 0.0), digits=4)
assert ">h(t) = 0.7616<" in one_step.svg and ">c(t) = 1<" in one_step.svg
one_step

# %% [markdown]
# The two sequences, the cell unrolled: one box per step with its gates, its memory $c$
# and its visible state $h$, rounded before the next step as the homework does. The last
# line of each box is the answer key.

# %%
draw_network(cell, inputs=[0, 0, 1, 1, 1, 0], round_hidden=True)

# %%
draw_network(cell, inputs=[1, 1, 0, 1, 1], round_hidden=True)


# %% [markdown]
# ## 5. Backpropagation by hand, checked by autograd
#
# A chain with two weights:
# $z_1 = w_1 x$, $a_1 = \mathrm{ReLU}(z_1)$, $z_2 = w_2 a_1 + b$, $y = \sigma(z_2)$,
# $C = \tfrac12 (y - t)^2$, with $t = 1$, $x = 3$, $w_1 = 0.01$, $w_2 = -5$, $b = -1$.
#
# By hand, with $\delta = \partial C / \partial z_2 = (y - t)\, \sigma'(z_2) = (y - t)\, y (1 - y)$:
#
# $$
# \frac{\partial C}{\partial b} = \delta,\qquad
# \frac{\partial C}{\partial w_2} = \delta\, a_1,\qquad
# \frac{\partial C}{\partial a_1} = \delta\, w_2,\qquad
# \frac{\partial C}{\partial w_1} = \delta\, w_2\, \mathrm{ReLU}'(z_1)\, x
# $$
#
# and $\mathrm{ReLU}'(z_1) = 1$ because $z_1 = 0.03 > 0$.

# %%
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

# %% [markdown]
# The chain, drawn from top to bottom with the local derivative on every arrow.
# Multiply the labels along the path from $C$ up to $w_1$ and you get
# $\partial C / \partial w_1$; `explain` does exactly that.

# %%
draw_graph(C, edge_grads=True, rankdir="TB")

# %% [markdown]
# The chain is a network of two neurons, one input each: a ReLU unit (weight $w_1$, no
# bias) and a sigmoid unit (weight $w_2$, bias $b$). Drawn as the homework's L-layer
# figure and replayed backward one layer at a time: the $\delta$ of each unit, then the
# gradient of each weight, each with its chain-rule product written out. Step through
# it with the buttons (or the arrow keys).

# %%
chain = MLP.from_layers([
    Layer.from_weights([[0.01]], [0.0], activation="relu"),
    Layer.from_weights([[-5.0]], [-1.0], activation="sigmoid"),
])
replay = NetworkReplay(chain, [3.0], target=1.0, symbols=["z1", "z2"])
assert math.isclose(replay.loss.data, C.data, rel_tol=TOL)
assert math.isclose(replay.delta(1, 0), b.grad, rel_tol=TOL)  # the output unit's delta is dC/db
assert math.isclose(replay.weight_grad(1, 0, 0), w2.grad, rel_tol=TOL)
assert math.isclose(replay.weight_grad(0, 0, 0), w1.grad, rel_tol=TOL)
replay

# %%
why = explain(C, w1)
assert len(why.paths) == 1 and math.isclose(why.total, w1.grad, rel_tol=TOL)
why

# %% [markdown]
# The same derivation, written by the library: `autograd.compile` traces the chain once
# and writes it out as straight-line Python, the forward pass and then one backward
# line per local derivative, each with the rule it comes from. Read `grad_z2` as the
# $\delta$ above, and `grad_w1` as the last formula of the hand derivation.


# %%
def cost(x, w1, w2, b):
    z1 = w1 * x
    z1.label = "z1"
    a1 = z1.relu()
    a1.label = "a1"
    z2 = w2 * a1 + b
    z2.label = "z2"
    y = z2.sigmoid()
    y.label = "y"
    return (y - t) ** 2 / 2


compiled_cost = autograd.compile(cost)
value, (d_x, d_w1, d_w2, d_b) = compiled_cost.value_and_grad(3.0, 0.01, -5.0, -1.0)
# the generated code does the engine's float operations in the engine's order
assert value == C.data and (d_w1, d_w2, d_b) == (w1.grad, w2.grad, b.grad)
print(compiled_cost.source)

# %% [markdown]
# Seed 000 also computes $\sigma(z_2)'\, w_2\, (y - t) = 0.6936\ldots$ without saying
# what it is: it is $\partial C / \partial a_1$, the gradient arriving at the ReLU
# (the `dC/da1` row above).
#
# ## 6. The sigmoid's derivative
#
# $\sigma'(x) = \sigma(x)(1 - \sigma(x))$ at four points, from autograd, against the
# homework's printout and against the closed form $e^{-x} / (1 + e^{-x})^2$.

# %%
for at, printed in [(-2.0, 0.10499359), (0.0, 0.25), (1.0, 0.19661193), (4.0, 0.01766271)]:
    v = Value(at)
    v.sigmoid().backward()
    closed_form = math.exp(-at) / (1 + math.exp(-at)) ** 2
    print(f"sigma'({at:+g}) = {v.grad:.8f}")
    assert abs(v.grad - printed) <= 5e-9  # printed to 8 decimals: at most half a unit of the last one off
    assert math.isclose(v.grad, closed_form, rel_tol=TOL)
