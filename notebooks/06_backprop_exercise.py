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
# # Backprop as an exercise
#
# Reading a backward pass is one thing; doing it is another. This notebook asks *you*
# for the gradients, one node at a time, going backward, and checks each number as
# soon as you type it. A wrong number is not just "wrong": when it is what a known
# mistake gives (a flipped sign, a forgotten factor, a derivative taken at the wrong
# place...), the page names the mistake and marks in red the arrow where it was made.
# Everything runs in the page itself, offline.
#
# First a tiny expression, then the homework's network from `01_homework`. The later
# cells play the learner, so that the notebook checks itself, and the last one hands a
# whole set of answers to `check_gradients`.

# %%
import math
import random

from autograd import Exercise, Value
from autograd.teaching import check_gradients
from nn import MLP, Layer, NetworkReplay

TOL = 1e-12  # the homework's answer key has 16-17 digits: a relative 1e-12 allows for rounding only
RIGHT, UNKNOWN = "right", "no known mistake matches"  # what the page says besides a mistake's name


def page_says(exercise, step, typed, rule):
    """Type `typed` at question `step` (from 0), as a learner would; print and return what the page says.

    `rule` says how the number was worked out. For a known mistake, also print where the
    page marks it in red.
    """
    question, verdict = exercise.questions[step], exercise.check(step, typed)
    marked = ""
    if verdict not in (RIGHT, UNKNOWN):
        candidates = [w for w in question.row.wrong if w.kind == verdict]
        mistake = min(candidates, key=lambda w: abs(w.value - float(typed)))
        marked = f"  (in red: {mistake.where})"
    print(f"{question.prompt:<22}{typed:>12}   {rule:<34} -> {verdict}{marked}")
    return verdict


# %% [markdown]
# ## 1. What backward asks at each node
#
# Backward visits the nodes from the output $L$ down. At a node $v$, every node that
# *uses* $v$ has already been visited, so its gradient $\partial L / \partial u$ (the
# "upstream" gradient) is known. The chain rule then says: over every use of $v$,
# multiply the local derivative on the arrow by the upstream gradient, and add:
#
# $$
# \frac{\partial L}{\partial v}
#   = \sum_{u \text{ uses } v} \frac{\partial u}{\partial v}\,\frac{\partial L}{\partial u}
# $$
#
# One use gives one product; a value used twice gives two terms. Try it on the tour's
# expression $L = \tanh(ab + a)$ with $a = 2$, $b = -0.75$, where $a$ is used twice:
# in $c = ab$ and in $s = c + a$.
#
# **How to use the page.** The question asked is highlighted on the drawing, with the
# arrows its gradient comes back on. Type the number (4 significant digits are enough,
# e.g. `-0.25` or `1.5e-3`) and press Enter or *Check*. A right answer is written into
# the drawing, with the chain rule that gives it. *Show the answer* moves on when you
# are stuck; *Start again* starts over. (The page needs its script to run: in Jupyter,
# run the cell or trust the notebook. `exercise.save("exercise.html")` writes it as one
# file for any browser.)

# %%
a, b = Value(2.0, label="a"), Value(-0.75, label="b")
c = a * b
c.label = "c"
s = c + a
s.label = "s"
L = s.tanh()
L.label = "L"

tiny = Exercise(L)
assert [q.prompt for q in tiny.questions] == ["dL/ds", "dL/dc", "dL/db", "dL/da"]
tiny

# %% [markdown]
# Playing the learner on the last question, $\partial L / \partial a$: the right number
# has two terms, $\partial L/\partial a = \tanh'(s)\,(b + 1)$, with
# $\tanh'(s) = 1 - \tanh^2(s)$. Counting only the path through $c$ is a known mistake
# (`missing_path`), and so, on the first question, is the derivative of tanh taken at
# its output $L$ instead of its input $s$ (`derivative_at_output`).

# %%
s_by_hand = 2.0 * -0.75 + 2.0
tanh_slope = 1 - math.tanh(s_by_hand) ** 2  # tanh'(s)
tanh_slope_at_output = 1 - math.tanh(math.tanh(s_by_hand)) ** 2  # tanh' taken at L = tanh(s)
grad_a = tanh_slope * 1 + tanh_slope * -0.75  # through s directly, and through c = a * b

assert page_says(tiny, 0, f"{tanh_slope:.4g}", "1 - tanh(s)^2") == RIGHT
assert page_says(tiny, 0, f"{tanh_slope_at_output:.4g}", "1 - tanh(L)^2") == "derivative_at_output"
assert page_says(tiny, 3, f"{grad_a:.4g}", "both uses of a") == RIGHT
assert page_says(tiny, 3, f"{tanh_slope * -0.75:.4g}", "only the use in c = a*b") == "missing_path"

# %% [markdown]
# ## 2. The homework's network, as an exercise
#
# The backpropagation exercise of `01_homework` (section 5): a ReLU unit and a sigmoid
# unit in a row,
# $z_1 = w_1 x$, $a_1 = \mathrm{ReLU}(z_1)$, $z_2 = w_2 a_1 + b$, $y = \sigma(z_2)$,
# $C = \tfrac12 (y - t)^2$, with $x = 3$, $w_1 = 0.01$, $w_2 = -5$, $b = -1$, $t = 1$.
#
# The page below asks for what the textbook's backward pass computes, layer by layer
# from the output, on the network's diagram:
#
# 1. the output neuron's $\delta = \partial C / \partial z_2 = (y - t)\, f'(z_2)$;
# 2. the gradient of each weight into it, $\partial C / \partial w = \delta \times$ the
#    input that weight multiplies;
# 3. the hidden neuron's $\delta = f'(z_1) \sum_k w_k \delta_k$ (over the neurons it feeds);
# 4. the gradient of each weight into the hidden neuron, the same way.
#
# (The bias of a neuron needs no question of its own: $\partial C/\partial b = \delta$.)
# Type each $\delta$, then the weight gradients. A wrong number that a known mistake
# gives is named, and the weight's arrow (or the neuron) where it was made turns red.

# %%
chain = MLP.from_layers([
    Layer.from_weights([[0.01]], [0.0], activation="relu"),
    Layer.from_weights([[-5.0]], [-1.0], activation="sigmoid"),
])
hidden_unit, output_unit = chain.layers[0].neurons[0], chain.layers[1].neurons[0]
hidden_unit.w[0].label, hidden_unit.b.label = "w1", "b1"
output_unit.w[0].label, output_unit.b.label = "w2", "b"

replay = NetworkReplay(chain, [3.0], target=1.0, symbols=["z1", "z2"])
exercise = replay.exercise()
for k, question in enumerate(exercise.questions):
    print(k, question.prompt)
assert [q.prompt for q in exercise.questions] == [
    "δ(y1)", "∂C/∂w (h1.1 → y1)", "δ(h1.1)", "∂C/∂w (x1 → h1.1)",
]

# %%
exercise

# %% [markdown]
# ## 3. Playing the learner
#
# *Do the exercise above first: from here on, the cells type the answers.*
#
# The numbers, by hand, with plain floats: nothing is read from the exercise. They
# match the homework's answer key.

# %%
x, w1, w2, bias, t = 3.0, 0.01, -5.0, -1.0, 1.0
z1 = w1 * x
a1 = max(z1, 0.0)
z2 = w2 * a1 + bias
y = 1 / (1 + math.exp(-z2))
sigmoid_slope = y * (1 - y)  # sigma'(z2), written with the output y
relu_slope = 1.0 if z1 > 0 else 0.0

delta_out = (y - t) * sigmoid_slope  # dC/dz2, and dC/db
grad_w2 = delta_out * a1
delta_hidden = relu_slope * w2 * delta_out  # dC/dz1
grad_w1 = delta_hidden * x

by_hand = {"δ(y1)": delta_out, "dC/dw2": grad_w2, "δ(h1.1)": delta_hidden, "dC/dw1": grad_w1}
for name, number in by_hand.items():
    print(f"{name:8}{number:24.17g}")
assert math.isclose(delta_out, -0.13872777081136367, rel_tol=TOL)  # the answer key's dC/db
assert math.isclose(grad_w2, -0.00416183312434091, rel_tol=TOL)
assert math.isclose(delta_hidden, 0.6936388540568185, rel_tol=TOL)  # the key's dC/da1 (ReLU' = 1 here)
assert math.isclose(grad_w1, 2.0809165621704553, rel_tol=TOL)

# %% [markdown]
# Typed with 4 significant digits, every one is right:

# %%
right = [
    (delta_out, "(y - t) y (1 - y)"),
    (grad_w2, "δ(y1) × a1"),
    (delta_hidden, "ReLU'(z1) × w2 × δ(y1)"),
    (grad_w1, "δ(h1.1) × x"),
]
for step, (number, rule) in enumerate(right):
    assert page_says(exercise, step, f"{number:.4g}", rule) == RIGHT

# %% [markdown]
# Now the typical wrong answers, each worked out by its own wrong rule: the error
# written $(t - y)$; the $\tfrac12$ of $C$ forgotten, so that the square's 2 stays;
# $\sigma'$ evaluated at the output $y$ rather than at $z_2$ (the sigmoid applied
# twice); $f'(z_2)$ left out; and the input forgotten in a weight's gradient.

# %%
sigmoid_at_y = 1 / (1 + math.exp(-y))
wrong = [
    (0, (t - y) * sigmoid_slope, "(t - y) y (1 - y)", "sign"),
    (0, 2 * (y - t) * sigmoid_slope, "2 (y - t) y (1 - y)", "constant_factor"),
    (0, (y - t) * sigmoid_at_y * (1 - sigmoid_at_y), "(y - t) σ(y) (1 - σ(y))", "derivative_at_output"),
    (0, y - t, "(y - t), no f'(z2)", "missing_factor"),
    (1, delta_out, "δ(y1), input a1 forgotten", "missing_factor"),
    (2, relu_slope * w2 * -delta_out, "ReLU'(z1) × w2 × (-δ(y1))", "sign"),
    (3, delta_hidden, "δ(h1.1), input x forgotten", "missing_factor"),
]
for step, number, rule, kind in wrong:
    assert page_says(exercise, step, f"{number:.4g}", rule) == kind

# %% [markdown]
# And a number no rule explains, at every step: the page says so, and asks again.

# %%
rng = random.Random(6)
for step in range(len(exercise.questions)):
    guess = f"{rng.uniform(-3, 3):.4g}"
    assert page_says(exercise, step, guess, "a random guess") == UNKNOWN

# %% [markdown]
# ## 4. More practice: the 2-4-2 network
#
# The homework's 2-4-2 ReLU network with its softmax, input $x = (3, 14)$, backward from
# the first output $o_1$ as in `01_homework`'s second figure: here $C$ is $o_1$ itself,
# which the loss box shows rounded to 1. That makes 22 numbers. They are small, because
# the softmax is saturated ($o_1$ is within $3 \cdot 10^{-7}$ of 1): type them as
# `3.059e-7`. Units $h_{1.3}$, $h_{1.4}$ and $y_2$
# are switched off by their ReLU, so their $\delta$ is exactly 0: a ReLU that is off
# passes nothing back, and forgetting its $f'(z) = 0$ is a `missing_factor`.

# %%
W = [[1, 0, -1], [0, 1, -1], [-1, 0, -1], [0, -1, -1]]  # rows (W_1i, W_2i, W_0i), as in 01_homework
V = [[1, 1, 1, 1, 0], [-1, -1, -1, -1, 2]]  # rows (V_1j, V_2j, V_3j, V_4j, V_0j)
relu_net = MLP.from_layers([
    Layer.from_weights([row[:2] for row in W], [row[2] for row in W], activation="relu"),
    Layer.from_weights([row[:4] for row in V], [row[4] for row in V], activation="relu"),
])
big = NetworkReplay(relu_net, [3, 14], loss=lambda o: o[0], output="softmax", symbols=["z", "u"]).exercise()

# by hand: f(u) = (15, 0), so o1 = e^15 / (e^15 + e^0); do1/du1 = o1 (1 - o1) and ReLU'(u1) = 1
o1 = math.exp(15) / (math.exp(15) + 1)
delta_y1, delta_y2 = o1 * (1 - o1) * 1, -o1 * (1 - o1) * 0  # u2 = -13: ReLU'(u2) = 0
assert page_says(big, 0, f"{delta_y1:.4g}", "o1 (1 - o1) × ReLU'(u1)") == RIGHT
assert page_says(big, 3, f"{delta_y1 * 13:.4g}", "δ(y1) × f(z2)") == RIGHT
assert page_says(big, 3, f"{delta_y1:.4g}", "δ(y1), input f(z2) forgotten") == "missing_factor"
assert big.questions[12].prompt == "δ(h1.3)"  # z3 = -4: switched off
assert page_says(big, 12, "0", "ReLU'(z3) = 0") == RIGHT
no_relu_slope = 1 * delta_y1 + -1 * delta_y2  # V31 δ(y1) + V32 δ(y2), without ReLU'(z3) = 0
assert page_says(big, 12, f"{no_relu_slope:.4g}", "V31 δ(y1) + V32 δ(y2), no ReLU'") == "missing_factor"
big

# %% [markdown]
# ## 5. Checking a whole set of answers
#
# The exercise checks one number at a time, each assuming the ones before it were right.
# When you have worked out all the gradients at once (on paper, or in NumPy), hand them
# together to `check_gradients`: it says which are wrong and finds the one mistake that
# explains them. Here are the four parameters of the network of section 2, derived by
# hand with one deliberate mistake: $\sigma'$ taken at the output $y$. It is made once,
# in the first $\delta$, and every number after it inherits it.

# %%
slip = (y - t) * sigmoid_at_y * (1 - sigmoid_at_y)  # should be (y - t) * sigmoid_slope
slip_hidden = relu_slope * w2 * slip
answers = {"b": slip, "w2": slip * a1, "b1": slip_hidden, "w1": slip_hidden * x}
report = check_gradients(replay.loss, answers)
print(report.summary())
assert not report.ok and len(report.wrong) == 4
assert report.findings[0].kind == "derivative_at_output" and report.findings[0].explained == 1.0
report
