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
# # Graduating to PyTorch: the same model, exported and checked
#
# chaingrad computes with one number at a time, so that you can watch every step.
# PyTorch computes with whole arrays (tensors) at once, which is what real networks
# need. The two do the same mathematics, and this notebook shows it: we train a
# network on the two-moons data with chaingrad, export it to PyTorch with one call,
# check that PyTorch computes the same loss and the same gradients (to 12 decimals),
# and then let PyTorch continue the training.
#
# This notebook needs PyTorch: `pip install 'chaingrad[torch]'`.

# %%
import matplotlib.pyplot as plt
import torch

from autograd import Value, gradients
from autograd.torch_bridge import to_torch
from nn import MLP, Adam, accuracy, fit, make_moons, mse_loss
from nn.torch_export import gradients_from_torch

# For a network this small, one thread is fastest: splitting tiny matrix products
# between threads costs more time than it saves.
torch.set_num_threads(1)
# Both engines compute in float64 but in different orders (PyTorch adds a weighted sum
# its own way) and with their own exp and tanh: results differ by ~1e-16. A wrong weight
# or formula would differ in the first decimals; 1e-12 tells the two apart.
TOL = 1e-12

# %% [markdown]
# ## Training in chaingrad
#
# 60 points in two interleaving half moons, labelled -1 and +1, and a network with
# two hidden layers of 16 ReLU units and one output. The loss is the mean squared
# error and the optimizer Adam; 30 epochs (full passes) take a second or two.

# %%
X, labels = make_moons(60, noise=0.1, seed=0)
Y = [2.0 * label - 1 for label in labels]  # -1 / +1: the output's sign is the class
LR, BETAS, EPS = 0.01, (0.9, 0.999), 1e-8  # Adam's settings, used on both sides
CHAINGRAD_EPOCHS, TORCH_EPOCHS = 30, 300

model = MLP(2, [16, 16, 1], seed=0)
history = fit(model, X, Y, loss=mse_loss, optimizer=Adam(model.parameters(), lr=LR, betas=BETAS, eps=EPS),
              epochs=CHAINGRAD_EPOCHS)
print(f"chaingrad, after {CHAINGRAD_EPOCHS} epochs: loss {history.loss[-1]:.4f}, "
      f"accuracy {history.accuracy[-1]:.3f}")

# %% [markdown]
# ## Export: one call
#
# `model.to_torch()` returns a `torch.nn.Sequential` of `Linear` layers and activation
# modules, in float64, holding the same weights: neuron j of a layer is row j of the
# `Linear` layer's `weight`. PyTorch modules take a whole batch at once, one example
# per row, and return one row per example: shape (60, 1) here, so we `squeeze` it to
# (60,) to line it up with the targets.

# %%
torch_model = model.to_torch()
print(torch_model)
X_t = torch.tensor(X, dtype=torch.float64)
Y_t = torch.tensor(Y, dtype=torch.float64)
print("output shape:", tuple(torch_model(X_t).shape))
handover = MLP.from_torch(torch_model)  # a chaingrad copy of the weights at the hand-over, for later

# %% [markdown]
# ## The same loss and the same gradients
#
# Now the first step of PyTorch training, up to the update: the loss of the exported
# model, and its gradients by `loss.backward()`. chaingrad computes the same at the
# same weights. `gradients_from_torch` reads PyTorch's gradients under chaingrad's
# parameter names (`layers.0.neurons.3.w.1` is `weight[3, 1]` of the first `Linear`),
# so the 337 gradients can be compared one by one.

# %%
torch_optimizer = torch.optim.Adam(torch_model.parameters(), lr=LR, betas=BETAS, eps=EPS)


def torch_loss_and_gradients():
    """The loss of the PyTorch model on the whole data set, with its gradients in .grad."""
    torch_optimizer.zero_grad()
    loss = torch.nn.functional.mse_loss(torch_model(X_t).squeeze(1), Y_t)
    loss.backward()
    return loss


first_loss = torch_loss_and_gradients()

model.zero_grad()
loss = mse_loss([model(x) for x in X], Y)
loss.backward()
ours = {name: p.grad for name, p in model.named_parameters()}
theirs = gradients_from_torch(model, torch_model)
worst = max(ours, key=lambda name: abs(ours[name] - theirs[name]))
print(f"loss: chaingrad {loss.data:.17f}\n      PyTorch   {first_loss.item():.17f}")
print(f"largest of {len(ours)} gradient differences: {abs(ours[worst] - theirs[worst]):.1e} ({worst})")
assert abs(first_loss.item() - loss.data) <= TOL
assert all(abs(ours[name] - theirs[name]) <= TOL for name in ours)

# %% [markdown]
# ## PyTorch takes over
#
# A PyTorch Adam with the same settings takes the step, and carries on for 300 epochs,
# which take less time than a handful of chaingrad's. (A new optimizer starts its
# running averages from zero, as chaingrad's did at epoch 1.)

# %%
torch_optimizer.step()
torch_losses = [first_loss.item()]
for _ in range(TORCH_EPOCHS - 1):
    torch_losses.append(torch_loss_and_gradients().item())
    torch_optimizer.step()
with torch.no_grad():
    scores = torch_model(X_t).squeeze(1).tolist()
print(f"PyTorch, {TORCH_EPOCHS} more epochs: loss {torch_losses[-1]:.4f}, accuracy {accuracy(scores, Y):.3f}")

# %% [markdown]
# Did PyTorch train the way chaingrad would have? At the hand-over we read the exported
# model back into chaingrad (`MLP.from_torch`): give that copy a new chaingrad Adam with
# the same settings and train it for 10 epochs: its losses are PyTorch's.

# %%
assert handover.state_dict() == model.state_dict()  # exactly the weights chaingrad handed over
twin_losses = fit(handover, X, Y, loss=mse_loss, metric=None, epochs=10,
                  optimizer=Adam(handover.parameters(), lr=LR, betas=BETAS, eps=EPS)).loss
differences = [abs(a - b) for a, b in zip(twin_losses, torch_losses)]
print(f"largest loss difference over 10 epochs: {max(differences):.1e}")
assert max(differences) <= TOL

# %%
figure, axis = plt.subplots(figsize=(6.5, 3.5), dpi=100)
chaingrad_epochs = range(1, CHAINGRAD_EPOCHS + 1)
torch_epochs = range(CHAINGRAD_EPOCHS + 1, CHAINGRAD_EPOCHS + TORCH_EPOCHS + 1)
axis.plot(chaingrad_epochs, history.loss, color="tab:blue", label="chaingrad")
axis.plot(torch_epochs, torch_losses, color="tab:orange", label="PyTorch (exported model)")
axis.plot(torch_epochs[: len(twin_losses)], twin_losses, color="black", linestyle=":",
          label="chaingrad, continued the same way")
axis.axvline(CHAINGRAD_EPOCHS + 0.5, color="gray", linewidth=0.8)
axis.set_yscale("log")
axis.set_xlabel("epoch")
axis.set_ylabel("loss (mean squared error)")
axis.set_title("two-moons MLP: trained in chaingrad, continued in PyTorch")
axis.legend()
figure.tight_layout()
plt.show()

# %% [markdown]
# ## And back
#
# `MLP.from_torch` reads the trained PyTorch model into chaingrad, checking every
# shape on the way, and the scalar engine computes the same predictions.

# %%
trained = MLP.from_torch(torch_model)
ours = [trained(x).data for x in X]
print(trained)
print(f"largest prediction difference: {max(abs(a - b) for a, b in zip(ours, scores)):.1e}")
assert all(abs(a - b) <= TOL for a, b in zip(ours, scores))

# %% [markdown]
# ## Checking any expression against PyTorch
#
# `to_torch(f)` turns a function of Values into a function of tensors: it runs `f`
# with chaingrad, records the graph, and evaluates that graph again with PyTorch's
# ops. So any gradient can be checked against PyTorch's in one line.

# %%
def f(x, y):
    return (x * y + x.exp()).tanh() / (1 + y * y)


x, y = Value(0.5), Value(-1.5)
chaingrad_grads = gradients(f(x, y), [x, y])
x_t = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
y_t = torch.tensor(-1.5, dtype=torch.float64, requires_grad=True)
torch_grads = torch.autograd.grad(to_torch(f)(x_t, y_t), [x_t, y_t])
print("chaingrad:", chaingrad_grads)
print("PyTorch:  ", tuple(g.item() for g in torch_grads))
assert all(abs(a - b.item()) <= TOL for a, b in zip(chaingrad_grads, torch_grads))
