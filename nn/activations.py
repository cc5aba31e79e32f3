"""Activation functions by name, or any callable from a Value to a Value.

=========  ==========================  ==============================
name       f(z)                        f'(z)
=========  ==========================  ==============================
relu       max(0, z)                   1 if z > 0 else 0
tanh       tanh(z)                     1 - tanh(z)^2
sigmoid    1 / (1 + e^-z)              sigmoid(z) (1 - sigmoid(z))
linear     z                           1
=========  ==========================  ==============================

A custom activation is any function of one Value built from Value ops, e.g. the
autoencoder seed's ``lambda z: (z + 1).sigmoid()``; autograd differentiates it.
Only named activations can be saved to a file (a function cannot be stored as JSON
without storing code, and loading a model must never run code).
"""

from __future__ import annotations

from collections.abc import Callable

from autograd import Value

ActivationFn = Callable[[Value], Value]
Activation = str | ActivationFn


def linear(z: Value) -> Value:
    """The identity: a layer without a nonlinearity (regression outputs, logits)."""
    return z


ACTIVATIONS: dict[str, ActivationFn] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "linear": linear,
}


def resolve_activation(activation: Activation) -> tuple[ActivationFn, str | None]:
    """The function for ``activation`` and its name (None for a custom callable)."""
    if isinstance(activation, str):
        if activation not in ACTIVATIONS:
            known = ", ".join(sorted(ACTIVATIONS))
            raise ValueError(f"unknown activation {activation!r}; use one of {known} or a callable")
        return ACTIVATIONS[activation], activation
    if callable(activation):
        # Value.tanh passed as a function is still the named tanh (and can be saved)
        names = [name for name, fn in ACTIVATIONS.items() if fn is activation]
        return activation, names[0] if names else None
    raise TypeError(
        f"activation must be a name or a callable on a Value, got {type(activation).__name__}: {activation!r}"
    )


def describe_activation(fn: ActivationFn, name: str | None) -> str:
    """How an activation is shown in a repr: its name, or the callable's own name."""
    return name if name is not None else getattr(fn, "__name__", repr(fn))
