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
# # XOR: a hand-written backprop that climbs the loss
#
# Seed 002, one of the notebooks this project grew from, trains a 2-2-1 sigmoid
# network on XOR for 10,000 epochs with backprop written by hand in NumPy, and ends
# with all four outputs near 0.998, which is wrong for (0, 0) and (1, 1). Here we
# find out why, fix it, and find out what the fixed version does from the same start
# (an honest surprise), and from random ones.

# %%
from itertools import pairwise

import matplotlib.pyplot as plt
import numpy as np

from autograd import GradientCheckError, Op, Value, apply_op, gradcheck, no_grad, sum_values
from autograd.teaching import check_gradients
from nn import MLP, SGD, Layer, fit, xor
from nn.plots import few_ticks, readable_style

readable_style()  # 120 dpi, labelled axes, a grid: plots that read well in the notebook
X, Y = xor()  # inputs (0, 0), (0, 1), (1, 0), (1, 1) with targets 0, 1, 1, 0
# The seed's starting weights, in its NumPy layout s1 = X @ W1 + b0: column j of W1 feeds hidden unit j
START = {"W1": [[-1.0, 1.0], [1.0, -1.0]], "b0": [1.0, 1.0], "W2": [[1.0], [1.0]], "b1": [-1.0]}
LR, EPOCHS = 0.01, 10_000  # the seed's learning rate and number of epochs

# %% [markdown]
# ## The seed's training loop, rewritten in NumPy
#
# The seed's loss (in a comment) is $L = \tfrac12 \sum (y - \hat y)^2$ over the four
# cases, with $\hat y = \sigma(s_2)$, $s_2 = h W_2 + b_1$, $h = \sigma(X W_1 + b_0)$.
# Its backprop starts from `L_derivative = (y - y_pred) * f'(s2)` and subtracts
# `lr * h.T @ L_derivative` from $W_2$ (and likewise for the others).
# The function below computes exactly what the seed subtracts.

# %%
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


# %% [markdown]
# That reproduces the seed's printout to all 8 decimals (its outputs are those of the
# last epoch's forward pass, before the last update). And the loss went **up in every
# one of the 10,000 epochs**: the training climbed the loss.
#
# ## Why: a sign
#
# $\partial L / \partial \hat y = -(y - \hat y) = \hat y - y$. The seed's
# `L_derivative` uses $(y - \hat y)$, which is *minus* the gradient. Subtracting
# `lr` times minus the gradient is adding `lr` times the gradient: gradient
# **ascent**. Autograd's gradient at the start shows it: every one of the seed's
# nine numbers is exactly the negative of the true gradient.

# %%
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


# %% [markdown]
# ## gradcheck finds it
#
# You do not need to know the right answer to catch this. Package the seed's
# hand-written derivative as an operation (its forward rule is the seed's loss, its
# derivative rule is the seed's backprop) and ask `gradcheck` to compare it with
# finite differences. It names the first weight whose derivative is wrong. The same
# operation with the sign fixed passes.

# %%
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


# %% [markdown]
# ## Check my backprop: the mistake named
#
# `gradcheck` says *that* a derivative is wrong. `check_gradients` also says *why*.
# Hand it the loss and the nine numbers the seed's code computes (its two layers'
# matrices, in NumPy's `x @ W` layout, hence `layout="columns"`). It checks each number
# against the right gradient, then replays the backward pass once with each mistake
# that learners commonly make, and names the one that reproduces the seed's numbers.

# %%
checked = seed_start_model()
for seed_name, name in NAMES.items():  # the seed's names in the report
    dict(checked.named_parameters())[name].label = seed_name
checked_loss = half_squared_error([checked(x) for x in X], Y)
checked_loss.label = "L"
seed_numbers = seed_directions(*start)  # the seed's code, at the seed's start: W1, b0, W2, b1
seed_layers = [seed_numbers[0:2], seed_numbers[2:4]]  # one (weights, biases) pair per layer
report = check_gradients(checked_loss, seed_layers, model=checked, layout="columns")
print(report)
finding = report.findings[0]
print("\nkind:", finding.kind, f"| explains {finding.explained:.0%} of the wrong numbers")
print("the same numbers also follow from:", "; ".join(finding.alternatives))
assert report.ok is False and finding.kind == "sign" and finding.explained == 1.0
assert "sign at every - node, first input" in finding.alternatives  # the seed's (y - y_pred)

fixed_layers = [(-weights, -biases) for weights, biases in seed_layers]
fixed = check_gradients(checked_loss, fixed_layers, model=checked, layout="columns")
print("\nwith the sign fixed:", fixed.summary())
assert fixed.ok

# %% [markdown]
# One flipped sign explains all nine numbers. The report puts it at the top of the
# chain, on $L = \tfrac12 \sum (\dots)^2$, and lists the other places that give the very
# same numbers: among them the `-` of the error, where the seed wrote $(y - \hat y)$.

# %% [markdown]
# ## Training correctly, from the same start
#
# Now the same network, the same start, the same loss and the same learning rate
# (0.01) for the same 10,000 epochs, with autograd's gradients and plain gradient
# descent (`SGD`). Then once more with a learning rate 100 times larger (1.0), to see
# where the descent is heading.

# %%
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

# %% [markdown]
# Both runs go downhill in every epoch, as they should. But with the seed's learning
# rate, 10,000 epochs only bring the loss from 0.541 to 0.503: every output is still
# about 0.5. With the larger step the network settles at about **(0.67, 0.67, 0.67,
# 0.03)**: right about (1, 1), and unable to tell (0, 0) from the other two. The loss
# creeps toward $\tfrac13$ and no lower.
#
# Why? Look at the hidden layer. The two hidden units started as mirror images,
# $\sigma(-x_1 + x_2 + 1)$ and $\sigma(x_1 - x_2 + 1)$, and descent has turned them
# into the *same* unit. A network whose two hidden units are copies is a network
# with one hidden unit: its output is a function of $x_1 + x_2$ that cannot go up
# and then down again, and the best such a function can do on XOR is to answer 2/3
# for the first three cases and 0 for (1, 1), a loss of exactly $\tfrac13$. Gradient
# descent has found a poor local minimum, and it stays there.

# %%
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

# %%
epochs = range(1, EPOCHS + 1)
plt.plot(epochs, seed_losses, label="the seed's update (climbs)", color="tab:red")
plt.plot(epochs, slow_losses, label="correct, lr 0.01", color="tab:blue")
plt.plot(epochs, fast_losses, label="correct, lr 1.0", color="tab:green")
plt.axhline(1 / 3, color="gray", linestyle=":", label="1/3: the local minimum")
plt.xscale("log")
plt.xlabel("epoch (log scale)")
plt.ylabel("loss")
few_ticks(plt.gca())
plt.legend()
plt.title("same start, three trainings")
plt.show()

# %% [markdown]
# ## From random starts
#
# Small networks like this one depend on where they start. Eight seeded random
# starts, each trained the same way (learning rate 1.0, 2,000 epochs): a start
# "solves" XOR when every output lands on the right side of 0.5.

# %%
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

# %% [markdown]
# Most starts solve XOR, but not every one: a start can get stuck, as the seed's
# did. Here is what a solved network and the stuck one from the seed's start compute
# over the whole plane (the black line is where the output crosses 0.5). The stuck
# one has a single straight boundary: its output depends on $x_1 + x_2$ alone.

# %%
grid = np.linspace(-0.5, 1.5, 41)


def draw_boundary(axes, model, title):
    with no_grad():
        heights = [[model([gx, gy]).data for gx in grid] for gy in grid]
    filled = axes.contourf(grid, grid, heights, levels=np.linspace(0, 1, 11), cmap="RdBu_r")
    axes.contour(grid, grid, heights, levels=[0.5], colors="black")
    axes.scatter(X_np[:, 0], X_np[:, 1], c=Y, cmap="RdBu_r", vmin=0, vmax=1, edgecolors="black", s=80)
    axes.set_title(title)
    axes.set_xlabel("x1")
    axes.set_xticks([0, 0.5, 1])
    axes.set_yticks([0, 0.5, 1])
    axes.grid(False)  # the shading is the picture; grid lines would only cross it
    axes.set_aspect("equal")
    return filled


# constrained layout keeps the titles, labels and colour bar of the two panels apart
figure, (left, right) = plt.subplots(1, 2, figsize=(8, 3.8), sharey=True, layout="constrained")
draw_boundary(left, fast, "the seed's start: stuck")
left.set_ylabel("x2")
filled = draw_boundary(right, solved[0], "random start, seed 0: solved")
figure.colorbar(filled, ax=[left, right], label="network output")
plt.show()
