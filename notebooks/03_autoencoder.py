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
# # The 8-3-8 autoencoder: two mistakes in a hand-written backprop
#
# Seed 003, one of the notebooks this project grew from, builds an autoencoder: 8
# inputs squeezed through 3 hidden units and expanded back to 8, with the activation
# $a = \sigma(z + 1)$. It runs one forward pass, prints every intermediate number,
# and then one backpropagation step written by hand. Here we reproduce its forward
# pass exactly, compare its backprop with autograd's to find its two mistakes, and
# then train the autoencoder properly.

# %%
import math

import matplotlib.pyplot as plt

from autograd import Op, Value, apply_op, check_nodes, no_grad, sum_values
from autograd.teaching import check_gradients
from nn import MLP, Adam, Layer, fit, mse_loss, one_hot_codes
from nn.plots import few_ticks, readable_style

readable_style()  # 120 dpi, labelled axes, a grid: plots that read well in the notebook

# The seed prints 8 decimals, so each number it shows is off by up to 5e-9. A hidden z
# sums 7 printed weights and a bias (<= 4e-8); an output z adds 3 weights times
# activations and a bias on top: 1e-7 covers every comparison with a printout.
PRINTED = 1e-7
# Where two computations of the same quantity are compared in full float64 (~1e-16 on
# numbers below 1), 1e-12 leaves room for rounding but not for a wrong formula.
TOL = 1e-12

# %% [markdown]
# ## The seed's numbers
#
# The weights its forward pass used (cells In [64] and In [69]) and its biases (In [61]).
# Its cell In [35] prints other hidden weights: the notebook was run out of order, and
# the forward pass agrees with In [64], so that is the one used here. The input is
# the seed's random binary vector.

# %%
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


# %% [markdown]
# ## The forward pass
#
# Linear layers give the pre-activations $z$ (`Layer.from_columns` reads NumPy's
# `x @ W` layout); the seed's activation is applied to them explicitly so that both
# $z$ and $a$ can be compared with the printout.

# %%
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

# %% [markdown]
# ## What the backprop should compute
#
# The seed's update is `W += lr * a.T @ delta` with `delta = error * slope` and
# `error = input - output`: gradient descent on
# $L = \tfrac12 \sum_j (x_j - a_j)^2$, where `delta` at a unit is
# $-\partial L / \partial z$ at that unit. Autograd computes
# $\partial L / \partial z$ for every unit in one `backward()`.

# %%
loss = sum_values([(target - a) ** 2 for target, a in zip(x, output)]) / 2
loss.backward()
print(f"L = {loss.data:.6f}")
autograd_delta_out = [-z.grad for z in output_z]
autograd_delta_hidden = [-z.grad for z in hidden_z]


# %% [markdown]
# ## Mistake 1: the sigmoid applied twice
#
# The slope a unit needs is $\partial a / \partial z = \sigma'(z + 1)$, which, since
# $a = \sigma(z + 1)$, is simply $a(1 - a)$. The seed calls its
# `activation(..., dx=True)`, i.e. $\sigma'(\cdot + 1)$, on the **activations**
# (`output_activation`, `hidden_activation`) instead of the pre-activations: it
# computes $\sigma'(a + 1)$, the sigmoid applied on top of a sigmoid.

# %%
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

# %% [markdown]
# The fixed slope agrees with autograd to the last digits; the seed's is off by as
# much as 0.04 on numbers of size 0.1. `check_nodes` finds this mistake by itself: write
# the seed's activation as an operation with the seed's derivative rule, and it
# names that operation as the culprit.

# %%
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


# %% [markdown]
# ## Mistake 2: the error sent back along the wrong weights
#
# In the forward pass, hidden unit $i$ reaches output $j$ through
# `output_weight[i][j]`. Backward, the error must come back along the same
# connections:
#
# $$
# \delta^{\text{hidden}}_i = \Big(\sum_j \delta^{\text{out}}_j \, W^{\text{out}}_{ij}\Big)\, a_i (1 - a_i),
# $$
#
# that is `delta_out @ output_weight.T`. The seed multiplies by `hidden_weight`
# instead, the weights *into* the hidden layer. NumPy did not complain because in an
# 8-3-8 network `hidden_weight` (8 x 3) happens to have the same shape as
# `output_weight.T`. The table separates the two mistakes: fixing only the slopes
# still leaves the hidden deltas wrong.

# %%
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

# %% [markdown]
# With both fixes the hidden deltas agree with autograd; the seed's have the wrong
# sign in two of the three units, so its step would push those weights the wrong way.
#
# ## Check my backprop: both mistakes named from the numbers
#
# Above, we knew what to look for. `check_gradients` does not need to: hand it the loss
# and the gradients that the seed's numbers amount to, one matrix per layer (NumPy's
# `x @ W` layout, hence `layout="columns"`). It replays the backward pass with each
# mistake that learners commonly make, and with pairs of them, and names what reproduces
# the seed's numbers. The seed *adds* `lr * a.T @ delta`, so its gradients are minus that.

# %%
def seed_gradients(inputs, deltas):
    """Minus inputs.T @ deltas (inputs x units, as the seed's weights) and minus the deltas (the biases)."""
    return [[-a * d for d in deltas] for a in inputs], [-d for d in deltas]


hidden_values = [h.data for h in hidden]
loss.label = "L"
report = check_gradients(
    loss,
    {encoder: seed_gradients(x, seed), decoder: seed_gradients(hidden_values, seed_delta_out)},
    layout="columns",
)
print(repr(report), end="\n\n")
for finding in report.findings:
    print(f"- {finding.kind}: {finding.where}, explains {finding.explained:.0%}\n  {finding.explanation}")
assert report.ok is False and {f.kind for f in report.findings} == {"derivative_at_output", "wrong_weight"}
assert all(f.explained == 1.0 for f in report.findings)
assert [row.given for row in report.rows if row.right] == [0] * 6  # the weights from the inputs that are 0

fixed = check_gradients(
    loss,
    {encoder: seed_gradients(x, both_fixed), decoder: seed_gradients(hidden_values, fixed_delta_out)},
    layout="columns",
)
print("\nwith both fixes:", fixed.summary())
assert fixed.ok

# %% [markdown]
# No single mistake reproduces all of the seed's numbers; the two found together
# reproduce every wrong one: the slope taken at the outputs, in both layers ("every
# sigmoid(z + 1)"), and the output layer's deltas sent back through the hidden layer's
# weights (layer 0). The six right numbers are the weights from the two inputs that are
# 0: their gradient is 0 whatever the deltas.
#
# ## Training the autoencoder
#
# Now the real thing: learn to pass each of the eight one-hot codes through the
# 3-unit bottleneck and back. The network is an `MLP(8, [3, 8])` with the seed's
# activation, a seeded random start, the mean squared error and Adam. A code "comes
# back" when rounding every output to 0 or 1 gives exactly the input.

# %%
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

# %% [markdown]
# The hidden layer is the code the network invented: three numbers per input.
# They tend toward the corners of the cube (a 3-bit binary code for 8 symbols)
# although nothing asked for that; all the decoder needs is that the eight codes
# are far enough apart to tell from one another.

# %%
with no_grad():
    hidden_codes = [[h.data for h in autoencoder.layers[0](code)] for code in codes]
    outputs = [[o.data for o in autoencoder(code)] for code in codes]

print("input  hidden code          output (rounded)")
for k, (code, hidden_code, out) in enumerate(zip(codes, hidden_codes, outputs)):
    shown = " ".join(f"{h:.2f}" for h in hidden_code)
    print(f"  e{k}   {shown}     {''.join(str(round(o)) for o in out)}")
    assert [round(o) for o in out] == code  # the one-hot code comes back exactly

figure, (curve, picture) = plt.subplots(1, 2, figsize=(8, 3.6), gridspec_kw={"width_ratios": [3, 2]})
curve.plot(history.loss)
curve.set_yscale("log")
curve.set_xlabel("epoch")
curve.set_ylabel("mean squared error (log scale)")
curve.set_title("training")
few_ticks(curve, integer_x=True)
curve.axvline(first, color="gray", linestyle=":", label="all codes back")
curve.legend()
image = picture.imshow(hidden_codes, cmap="viridis", vmin=0, vmax=1)
picture.set_xticks(range(3), [f"h{i + 1}" for i in range(3)])
picture.set_yticks(range(8), [f"e{k}" for k in range(8)])
picture.set_title("hidden codes")
picture.set_xlabel("hidden unit")
picture.set_ylabel("input code")
picture.grid(False)
figure.colorbar(image, ax=picture, label="activation")
figure.tight_layout()
plt.show()
