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
# # A tour of chaingrad
#
# chaingrad is a small automatic-differentiation engine for learning how
# backpropagation works. Every number you compute with it remembers *how* it was
# computed, and `backward()` walks that record from the result back to the inputs,
# applying the chain rule at each step, to find the derivative of the result with
# respect to every number it came from.
#
# This notebook shows the whole toolbox on tiny examples: values and their graphs,
# `backward`, watching backward step by step, checking gradients, second
# derivatives, and networks. The other notebooks use the same tools to redo the
# seed notebooks that the project grew from.

# %%
import math
import warnings

from autograd import (
    GradientCheckError,
    Op,
    Player,
    TeachingWarning,
    Value,
    apply_op,
    check_nodes,
    draw_graph,
    explain,
    grad,
    gradcheck,
    gradients,
    record_backward,
)
from nn import MLP

# %% [markdown]
# ## A Value remembers where it came from
#
# Wrap numbers in `Value` and compute as usual. Each result records the operation
# and its inputs, so the result is the end of a graph. A Value at the end of a cell
# draws that graph: a box per Value (its label, `data` and `grad`) and an oval per
# operation. The gradients are all 0 for now: nobody has asked for them yet.

# %%
a = Value(2.0, label="a")
b = Value(-0.75, label="b")
c = a * b
c.label = "c"
L = (c + a).tanh()
L.label = "L"
print(L)
L

# %% [markdown]
# ## backward() fills in every gradient
#
# `L.backward()` computes $\partial L / \partial v$ for every Value $v$ in the graph
# and stores it in `v.grad`. Here $L = \tanh(ab + a)$, so by hand
# $\partial L/\partial a = (1 - L^2)(b + 1)$ and $\partial L/\partial b = (1 - L^2)\,a$.
# The two must agree.

# %%
L.backward()
slope = 1 - L.data**2  # tanh'(s) = 1 - tanh(s)^2
by_hand = {"a": slope * (b.data + 1), "b": slope * a.data}
print(f"dL/da: autograd {a.grad:.15f}   by hand {by_hand['a']:.15f}")
print(f"dL/db: autograd {b.grad:.15f}   by hand {by_hand['b']:.15f}")
# the same few float operations in a different order: they can differ in the last bit or two only
assert math.isclose(a.grad, by_hand["a"], rel_tol=1e-14)
assert math.isclose(b.grad, by_hand["b"], rel_tol=1e-14)
L

# %% [markdown]
# Read the drawing from right to left and you are reading backward: each box's
# `grad` is $\partial L$ / (that box).
#
# ## Local derivatives on the arrows
#
# Backpropagation multiplies *local* derivatives: each operation only knows how its
# own output changes with each of its inputs. `edge_grads=True` writes that local
# derivative on every arrow. The colour is the sign of the gradient flowing back
# along the arrow (blue positive, red negative), and thicker arrows carry more of it.
# Unlabelled Values get names (`t0`, ...) so that the formulas can refer to them.

# %%
draw_graph(L, edge_grads=True)

# %% [markdown]
# ## Watching backward, step by step
#
# `record_backward(L)` runs `L.backward()` and writes down every step: the
# gradient that arrived at a node from above (*upstream*), the local derivative to
# each input, and what was added to that input's gradient. `a` is used twice (by
# `*` and by `+`), so it receives two contributions; its gradient is their sum.

# %%
L.zero_grad()  # start from zero: gradients of inputs add up over backward calls
steps = record_backward(L)
print(steps)
parts = steps.received(a)
print("\ncontributions to a:", [round(part.amount, 6) for part in parts], "sum:", round(a.grad, 6))
assert len(parts) == 2
assert math.isclose(sum(part.amount for part in parts), a.grad, rel_tol=1e-15)  # the same two additions

# %% [markdown]
# `Player` replays the record in Jupyter: one frame per step with the node being
# processed highlighted, and a slider. (Where scripts do not run, for example on a
# code host's preview, the frames are shown one below the other.)

# %%
Player(steps)

# %% [markdown]
# ## The chain rule, spelled out
#
# The gradient of $L$ with respect to $a$ is a sum over every path from $L$ down to
# $a$ of the product of the local derivatives along the path. `explain(L, a)` lists
# the paths and their products; the sum is `a.grad`.

# %%
why = explain(L, a)
assert len(why.paths) == 2
assert math.isclose(why.total, a.grad, rel_tol=1e-14)  # the same products, summed in another order
why


# %% [markdown]
# ## Checking a derivative: gradcheck
#
# `gradcheck(f, inputs)` compares autograd's gradient of `f` with a finite
# difference $(f(x + \varepsilon) - f(x - \varepsilon)) / 2\varepsilon$ and names
# the first input that disagrees. It is how you check a derivative you worked out
# yourself. Below, a new operation `cube` is written with a *wrong* derivative
# ($3x$ instead of $3x^2$), the kind of slip that is easy to make on paper.

# %%
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

# %% [markdown]
# ## Where is it wrong? check_nodes
#
# In a bigger expression, `check_nodes` checks the gradient at *every* node against
# a finite difference and names the operation whose local derivative is at fault.

# %%
x, w = Value(0.5, label="x"), Value(0.8, label="w")
out = (apply_op(cube, x) * w + x).sigmoid()
out.label = "out"
report = check_nodes(out)
assert not report.ok
assert report.culprit is not None and report.culprit.op == "cube"
report

# %% [markdown]
# ## Second derivatives
#
# `gradients(y, [x], create_graph=True)` returns the gradients as Values that have graphs
# of their own, so they can be differentiated again. For $y = x^3$ at $x = 1.5$:
# $y' = 3x^2 = 6.75$ and $y'' = 6x = 9$. The drawing is the graph of $y'$: the
# derivative rule of `**3`, evaluated on Values.

# %%
x = Value(1.5, label="x")
y = x**3
(dy,) = gradients(y, [x], create_graph=True)
(d2y,) = gradients(dy, [x], create_graph=True)
print("dy/dx =", dy.data, "  d2y/dx2 =", d2y.data)
# 1.5 and every product here are exact binary fractions, so the results are exact
assert dy.data == 6.75 and d2y.data == 9.0
dy.label = "dy/dx"
draw_graph(dy, show_grad=False)


# %% [markdown]
# Check the second derivative the way gradcheck does: a central difference of the
# first derivative. `gradcheck` itself accepts a function that differentiates inside
# (here, the first derivative), and `autograd.grad` does the same as a function
# transformation: `grad(grad(f))`.

# %%
def first_derivative(at: float) -> float:
    x = Value(at)
    (slope,) = gradients(x**3, [x], create_graph=True)
    return slope.data


eps = 1e-5
numeric = (first_derivative(1.5 + eps) - first_derivative(1.5 - eps)) / (2 * eps)
print("finite difference of dy/dx:", numeric)
# y' is quadratic, so the central difference has no truncation error; what is left is
# rounding, about 1e-16 * 6.75 / eps ~ 1e-10: 1e-8 is a wide margin
assert math.isclose(numeric, d2y.data, rel_tol=1e-8)
assert grad(grad(lambda x: x**3, argnums=0), argnums=0)(1.5) == 9.0
assert gradcheck(lambda v: gradients(v**3, [v], create_graph=True)[0], [1.5])

# %% [markdown]
# ## Networks: boxes around neurons
#
# The `nn` package builds networks out of Values, shaped like a small PyTorch. A
# drawing with `clusters=model` puts a box around each neuron inside each layer,
# so the graph of a network stays readable.

# %%
model = MLP(2, [2, 1], activation="tanh", seed=0)
prediction = model([Value(1.0, label="x1"), Value(-2.0, label="x2")])
prediction.label = "prediction"
prediction.backward()
print(model)
print("parameters:", [name for name, _ in model.named_parameters()])
assert len(model.parameters()) == 9  # 2 hidden neurons x (2 weights + bias) + 1 output x (2 + 1)
draw_graph(prediction, clusters=model)

# %% [markdown]
# ## Teaching warnings
#
# chaingrad warns (`TeachingWarning`) about the slips learners make most: calling
# `backward()` again without zeroing the gradients (they add up), and drawing a
# graph before `backward()` (every gradient shows 0). They are ordinary Python
# warnings, so they can be silenced with `warnings.simplefilter("ignore", TeachingWarning)`.

# %%
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

# %% [markdown]
# ## Where next
#
# - `01_homework`: a small ReLU/softmax network, inverse temperature, an LSTM unit,
#   and a backpropagation exercise worked by hand and checked by autograd.
# - `02_xor`: a hand-written backprop that climbs the loss instead of descending it.
# - `03_autoencoder`: two mistakes in a hand-written backprop, found by comparing with autograd.
# - `04_intro_neural_networks`: a first neural network, trained from scratch.
