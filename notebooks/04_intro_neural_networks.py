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
# # An introduction to neural networks
#
# Seed 004, the last of the notebooks this project grew from, follows Victor
# Zhou's [introduction to neural networks](https://victorzhou.com/blog/intro-to-neural-networks/):
# a neuron, a 2-2-1 network, the mean squared error, one derivative worked by hand,
# and stochastic gradient descent. The seed stops halfway through the training code;
# here the whole example is done with the library, and the hand-worked derivative
# is checked against autograd.

# %%
import math

import matplotlib.pyplot as plt

from autograd import Value, draw_graph, explain, no_grad
from autograd.teaching import check_update
from nn import MLP, SGD, Layer, Neuron, mse_loss
from nn.plots import few_ticks, readable_style

# The answer key prints 16-17 significant digits; float64 carries about 16, so a
# relative tolerance of 1e-12 allows for different rounding but not for a wrong formula.
TOL = 1e-12
readable_style()  # 120 dpi, labelled axes, a grid: plots that read well in the notebook


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


# %% [markdown]
# ## A neuron
#
# A neuron takes a weighted sum of its inputs, adds a bias, and squashes the result
# with an activation function: $\sigma(w_1 x_1 + w_2 x_2 + b)$. With weights (0, 1),
# bias 4 and input (2, 3) that is $\sigma(0 \cdot 2 + 1 \cdot 3 + 4) = \sigma(7)$.

# %%
neuron = Neuron.from_weights([0, 1], bias=4, activation="sigmoid")
out = neuron([2, 3])
print(out.data, sigmoid(7))
assert math.isclose(out.data, 0.9990889488055994, rel_tol=TOL)
assert math.isclose(sigmoid(7), 0.9990889488055994, rel_tol=TOL)


# %% [markdown]
# ## A network: two hidden neurons and an output neuron
#
# Every neuron with weights (0, 1) and bias 0; input (2, 3). Both hidden neurons
# compute $h = \sigma(3)$, and the output is $\sigma(0 \cdot h_1 + 1 \cdot h_2) = \sigma(\sigma(3))$.

# %%
def network(weights, bias):
    """The 2-2-1 network of the blog, every neuron with the same weights and bias."""
    hidden = Layer.from_weights([weights, weights], [bias, bias], activation="sigmoid")
    output = Layer.from_weights([weights], [bias], activation="sigmoid")
    return MLP.from_layers([hidden, output])


y = network([0, 1], 0)([2, 3])
print(y.data, sigmoid(sigmoid(3)))
assert math.isclose(y.data, 0.7216325609518421, rel_tol=TOL)
assert math.isclose(sigmoid(sigmoid(3)), 0.7216325609518421, rel_tol=TOL)

# %% [markdown]
# ## The loss
#
# The mean squared error: the average of $(y_{\text{true}} - y_{\text{pred}})^2$.
# Predicting 0 for everyone, with two of the four targets 1, gives $2/4 = 0.5$.

# %%
loss = mse_loss([0, 0, 0, 0], [1, 0, 0, 1])
print(loss.data)
assert loss.data == 0.5  # (1 + 0 + 0 + 1) / 4 is exact in floating point


# %% [markdown]
# ## The derivative worked by hand
#
# The blog's example: Alice, input $(-2, -1)$, target 1; every weight 1 and every
# bias 0; a single person, so $L = (1 - y_{\text{pred}})^2$. How does $L$ change
# with $w_1$, the weight from $x_1$ into $h_1$? The chain rule, backwards from the loss:
#
# $$
# \frac{\partial L}{\partial w_1}
# = \frac{\partial L}{\partial y_{\text{pred}}}
#   \cdot \frac{\partial y_{\text{pred}}}{\partial h_1}
#   \cdot \frac{\partial h_1}{\partial w_1}
# = -2(1 - y_{\text{pred}})
#   \cdot w_5\, \sigma'(w_5 h_1 + w_6 h_2 + b_3)
#   \cdot x_1\, \sigma'(w_1 x_1 + w_2 x_2 + b_1)
# $$
#
# The seed rounds each factor (-0.952, 0.248, -0.0895) and gets 0.021. Below: the
# same factors in full precision, and autograd's gradient.

# %%
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

# %% [markdown]
# The graph of Alice's loss, from the inputs at the top to $L$ at the bottom, with
# the local derivative on every arrow. Backpropagation reaches $w_1$ along one path:
# $L \to y_{\text{pred}} \to h_1 \to w_1$, and `explain` multiplies it out.

# %%
draw_graph(alice_loss, edge_grads=True, digits=3, rankdir="TB")

# %%
why = explain(alice_loss, w1)
assert len(why.paths) == 1 and math.isclose(why.total, w1.grad, rel_tol=TOL)
why

# %% [markdown]
# ## The update rule: `w -= alpha * dL/dw`
#
# $\partial L / \partial w_1 > 0$ says that the loss grows with $w_1$, so to reduce
# the loss, step $w_1$ down a little: $w \leftarrow w - \alpha\, \partial L / \partial w$.
# The seed's comment writes the update as `w += w - alpha * dL/dw`, which is
# $w \leftarrow 2w - \alpha\, \partial L / \partial w$: every step doubles every weight
# and barely depends on the gradient. One step of each, on all of Alice's weights:

# %%
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


def descent_step(w, g):
    return w - alpha * g  # w -= alpha * dL/dw


def seed_step(w, g):
    return w + (w - alpha * g)  # the seed's comment: w += w - alpha * dL/dw


descent, w1_descent = loss_after_one_step(descent_step)
seed_rule, w1_seed = loss_after_one_step(seed_step)
print(f"before:                    loss {alice_loss.data:.6f}, w1 = 1")
print(f"w -= alpha * dL/dw:        loss {descent:.6f}, w1 = {w1_descent:.6f}")
print(f"w += w - alpha * dL/dw:    loss {seed_rule:.6f}, w1 = {w1_seed:.6f}")
assert descent < alice_loss.data < seed_rule
assert math.isclose(w1_seed, 2 - alpha * w1.grad, rel_tol=TOL)

# %% [markdown]
# ## Check my update: the rule named
#
# `check_update` takes the weights before a step, after it, and their gradients, and
# checks that each weight moved to $w - \alpha\, \partial L / \partial w$. When they did
# not, it tries the update rules that learners commonly write instead, and names the
# one that reproduces the numbers. Here, the seed's step on Alice's nine parameters:

# %%
before = {p.label: p.data for p in alice.parameters()}  # w1, w2, b1, ..., b3, as in the blog
grads = {p.label: p.grad for p in alice.parameters()}  # dL/dw from alice_loss.backward() above
after = {name: seed_step(w, grads[name]) for name, w in before.items()}
report = check_update(before, after, grads, lr=alpha)
print(report)
finding = report.findings[0]
print(f"\nkind: {finding.kind} | explains {finding.explained:.0%} | rule: {report.rule}")
assert report.ok is False and finding.kind == "update_rule"
assert report.rule == "w += w - lr * g" and finding.explained == 1.0

descended = {name: descent_step(w, grads[name]) for name, w in before.items()}
right = check_update(before, descended, grads, lr=alpha)
print("\nw -= alpha * dL/dw:", right.summary())
assert right.ok

# %% [markdown]
# The three biases pass: they start at 0, and for $w = 0$ the seed's $2w - \alpha g$
# is the right step. The six weights, all 1, land near 2 instead of near 1, and the
# rule found reproduces all six of them.

# %% [markdown]
# ## Training on the four people
#
# The blog's data set: weight and height, shifted by 135 lb and 66 in, and the
# target 1 for female, 0 for male. Training is stochastic gradient descent as in the
# blog: learning rate 0.1, 1000 epochs, and within each epoch one update per person.
# The network starts from seeded random weights, so the run is reproducible.

# %%
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
plt.ylabel("mean squared error (log scale)")
few_ticks(plt.gca(), integer_x=True)
plt.title("training on Alice, Bob, Charlie and Diana")
plt.show()

# %% [markdown]
# ## Two new people
#
# Emily (128 lb, 63 in) and Frank (155 lb, 68 in), shifted the same way. The
# network has never seen them.

# %%
with no_grad():
    emily = model([-7, -3]).data
    frank = model([20, 2]).data
print(f"Emily: {emily:.3f}  (1 = female)")
print(f"Frank: {frank:.3f}  (0 = male)")
assert emily > 0.9 and frank < 0.1
