"""Optimizers: turn the gradients in ``.grad`` into updates of ``.data``.

Both follow PyTorch's update rules exactly, so results can be compared with it:

* [`SGD`][nn.optim.SGD], gradient descent with optional momentum and weight decay;
* [`Adam`][nn.optim.Adam], with bias-corrected moment estimates.

The usual loop::

    loss = mse_loss([model(x) for x in X], Y)
    optimizer.zero_grad()   # or model.zero_grad(): gradients accumulate otherwise
    loss.backward()
    optimizer.step()

``step()`` changes ``.data`` only: it records no graph and leaves ``.grad`` alone.

An optimizer's running statistics (SGD's velocities, Adam's step count and moments)
are part of training: ``state_dict()`` returns them with the settings as plain numbers,
``load_state_dict()`` puts them back, and ``save(path)`` / ``load(path)`` keep them in a
JSON file ([`nn.serialize`][]). To pause and resume training exactly::

    model.save("model.json"); optimizer.save("adam.json")
    ...
    model = MLP.load("model.json")
    optimizer = Adam(model.parameters())
    optimizer.load("adam.json")      # lr, betas, ... and the moments, as they were
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from autograd import Value
from nn._checks import count, finite_number, require_keys, sequence
from nn.serialize import MAX_FILE_BYTES, PathLike, load_optimizer, save_optimizer


class Optimizer:
    """Holds the parameters to update; subclasses define [`step`][nn.optim.Optimizer.step]."""

    def __init__(self, parameters: Iterable[Value]) -> None:
        if isinstance(parameters, Value):
            raise TypeError("parameters must be an iterable of Values, e.g. model.parameters()")
        self.parameters = list(parameters)
        if not self.parameters:
            raise ValueError("the optimizer got no parameters to update")
        for i, parameter in enumerate(self.parameters):
            if not isinstance(parameter, Value):
                raise TypeError(f"parameters[{i}] must be a Value, got {type(parameter).__name__}")
        if len({id(p) for p in self.parameters}) != len(self.parameters):
            raise ValueError("a parameter appears more than once; it would be updated twice per step")

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0."""
        for parameter in self.parameters:
            parameter.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its gradient."""
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        """The settings and running statistics, as numbers and lists of numbers (one per parameter)."""
        raise NotImplementedError

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set the settings and statistics from a [`state_dict`][nn.optim.Optimizer.state_dict].

        Everything is checked first.
        """
        raise NotImplementedError

    def save(self, path: PathLike) -> None:
        """Write [`state_dict`][nn.optim.Optimizer.state_dict] to ``path`` as JSON.

        See [`nn.serialize.save_optimizer`][].
        """
        save_optimizer(self, path)

    def load(self, path: PathLike, *, max_bytes: int = MAX_FILE_BYTES) -> None:
        """Load this optimizer's state from a file written by [`save`][nn.optim.Optimizer.save]
        of the same class.

        Unlike ``Module.load`` this loads *into* an existing optimizer: one is tied to the
        parameters it updates, which the file does not hold. On any error nothing changes.
        """
        load_optimizer(self, path, max_bytes=max_bytes)

    def _gradients(self) -> list[float]:
        """The current gradients, refusing NaN or infinity (which would silently ruin every weight)."""
        gradients = [float(p.grad) for p in self.parameters]
        for parameter, gradient in zip(self.parameters, gradients):
            if not math.isfinite(gradient):
                name = parameter.label or "a parameter"
                raise ValueError(f"{name} has gradient {gradient!r}; refusing to step (check the loss)")
        return gradients

    def _per_parameter(self, numbers: object, what: str) -> list[float]:
        """``numbers`` as floats, after checking there is one finite number per parameter."""
        items = sequence(numbers, what)
        if len(items) != len(self.parameters):
            updates = f"this optimizer updates {len(self.parameters)} parameters"
            raise ValueError(f"{what} has {len(items)} entries but {updates}")
        return [finite_number(x, f"{what}[{i}]") for i, x in enumerate(items)]


class SGD(Optimizer):
    """Stochastic gradient descent: ``p <- p - lr * g``.

    With ``weight_decay`` wd, ``g = grad + wd * p`` (the gradient of an extra
    ``wd/2 * p^2`` in the loss). With ``momentum`` mu, a running velocity
    ``b <- mu * b + g`` (starting at b = 0) replaces g in the update, which smooths
    the direction and speeds travel along shallow valleys.
    """

    def __init__(
        self, parameters: Iterable[Value], lr: float = 0.01, momentum: float = 0.0, weight_decay: float = 0.0
    ) -> None:
        super().__init__(parameters)
        self.lr = _positive(lr, "lr")
        self.momentum = _fraction(momentum, "momentum")
        self.weight_decay = _non_negative(weight_decay, "weight_decay")
        self.velocity = [0.0] * len(self.parameters)

    def step(self) -> None:
        for i, (parameter, gradient) in enumerate(zip(self.parameters, self._gradients())):
            gradient += self.weight_decay * parameter.data
            if self.momentum:
                self.velocity[i] = self.momentum * self.velocity[i] + gradient
                gradient = self.velocity[i]
            parameter.data -= self.lr * gradient

    def state_dict(self) -> dict[str, Any]:
        """``{"lr", "momentum", "weight_decay", "velocity": [b per parameter]}``."""
        return {"lr": self.lr, "momentum": self.momentum, "weight_decay": self.weight_decay,
                "velocity": list(self.velocity)}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set everything from a [`state_dict`][nn.optim.SGD.state_dict]; on any error nothing changes.

        Raises:
            TypeError, ValueError: naming the entry (a wrong key, a bad number, or a
                velocity list whose length is not this optimizer's parameter count).
        """
        require_keys(state, ("lr", "momentum", "weight_decay", "velocity"), "SGD state")
        lr = _positive(state["lr"], "SGD state lr")
        momentum = _fraction(state["momentum"], "SGD state momentum")
        weight_decay = _non_negative(state["weight_decay"], "SGD state weight_decay")
        velocity = self._per_parameter(state["velocity"], "SGD state velocity")
        self.lr, self.momentum, self.weight_decay, self.velocity = lr, momentum, weight_decay, velocity


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): a step size per parameter from running gradient statistics.

    At step t, with g = grad (+ weight_decay * p):

        m <- beta1 m + (1 - beta1) g          (mean of g)
        v <- beta2 v + (1 - beta2) g^2        (mean of g^2)
        m_hat = m / (1 - beta1^t),  v_hat = v / (1 - beta2^t)
        p <- p - lr * m_hat / (sqrt(v_hat) + eps)

    m and v start at 0, which biases them toward 0 in early steps; dividing by
    ``1 - beta^t`` removes that bias. The step is about ``lr`` in size whatever the
    gradient's scale.
    """

    def __init__(
        self,
        parameters: Iterable[Value],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(parameters)
        self.lr = _positive(lr, "lr")
        self.beta1, self.beta2 = _betas(betas, "betas")
        self.eps = _positive(eps, "eps")
        self.weight_decay = _non_negative(weight_decay, "weight_decay")
        self.t = 0
        self.m = [0.0] * len(self.parameters)
        self.v = [0.0] * len(self.parameters)

    def step(self) -> None:
        gradients = self._gradients()
        self.t += 1
        correction1 = 1 - self.beta1**self.t
        correction2 = 1 - self.beta2**self.t
        for i, (parameter, gradient) in enumerate(zip(self.parameters, gradients)):
            gradient += self.weight_decay * parameter.data
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * gradient
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * gradient * gradient
            m_hat = self.m[i] / correction1
            v_hat = self.v[i] / correction2
            parameter.data -= self.lr * m_hat / (math.sqrt(v_hat) + self.eps)

    def state_dict(self) -> dict[str, Any]:
        """``{"lr", "betas", "eps", "weight_decay", "t": steps taken, "m": [...], "v": [...]}``.

        ``m`` and ``v`` hold one running mean per parameter, in the optimizer's parameter order.
        """
        return {"lr": self.lr, "betas": [self.beta1, self.beta2], "eps": self.eps,
                "weight_decay": self.weight_decay, "t": self.t, "m": list(self.m), "v": list(self.v)}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set everything from a [`state_dict`][nn.optim.Adam.state_dict]; on any error nothing changes.

        Raises:
            TypeError, ValueError: naming the entry (a wrong key, a bad number, a negative
                ``v``, or ``m``/``v`` lists whose length is not this optimizer's parameter count).
        """
        require_keys(state, ("lr", "betas", "eps", "weight_decay", "t", "m", "v"), "Adam state")
        lr = _positive(state["lr"], "Adam state lr")
        betas = _betas(state["betas"], "Adam state betas")
        eps = _positive(state["eps"], "Adam state eps")
        weight_decay = _non_negative(state["weight_decay"], "Adam state weight_decay")
        t = count(state["t"], "Adam state t")
        m = self._per_parameter(state["m"], "Adam state m")
        v = self._per_parameter(state["v"], "Adam state v")
        for i, second_moment in enumerate(v):
            if second_moment < 0:  # a mean of squares; step() would take its square root
                raise ValueError(f"Adam state v[{i}] must be >= 0, got {second_moment!r}")
        self.lr, (self.beta1, self.beta2), self.eps, self.weight_decay = lr, betas, eps, weight_decay
        self.t, self.m, self.v = t, m, v


def _positive(x: object, what: str) -> float:
    number = finite_number(x, what)
    if number <= 0:
        raise ValueError(f"{what} must be positive, got {number!r}")
    return number


def _non_negative(x: object, what: str) -> float:
    number = finite_number(x, what)
    if number < 0:
        raise ValueError(f"{what} must be >= 0, got {number!r}")
    return number


def _betas(x: object, what: str) -> tuple[float, float]:
    if isinstance(x, (str, bytes)) or not isinstance(x, Sequence) or len(x) != 2:
        raise TypeError(f"{what} must be a pair (beta1, beta2), got {x!r}")
    return _fraction(x[0], f"{what}[0]"), _fraction(x[1], f"{what}[1]")


def _fraction(x: object, what: str) -> float:
    number = finite_number(x, what)
    if not 0 <= number < 1:
        raise ValueError(f"{what} must be in [0, 1), got {number!r}")
    return number
