"""Optimizers: turn the gradients in ``.grad`` into updates of ``.data``.

Both follow PyTorch's update rules exactly, so results can be compared with it:

* :class:`SGD`, gradient descent with optional momentum and weight decay;
* :class:`Adam`, with bias-corrected moment estimates.

The usual loop::

    loss = mse_loss([model(x) for x in X], Y)
    optimizer.zero_grad()   # or model.zero_grad(): gradients accumulate otherwise
    loss.backward()
    optimizer.step()

``step()`` changes ``.data`` only: it records no graph and leaves ``.grad`` alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import Value
from nn._checks import finite_number


class Optimizer:
    """Holds the parameters to update; subclasses define :meth:`step`."""

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

    def _gradients(self) -> list[float]:
        """The current gradients, refusing NaN or infinity (which would silently ruin every weight)."""
        gradients = [float(p.grad) for p in self.parameters]
        for parameter, gradient in zip(self.parameters, gradients):
            if not math.isfinite(gradient):
                name = parameter.label or "a parameter"
                raise ValueError(f"{name} has gradient {gradient!r}; refusing to step (check the loss)")
        return gradients


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
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.beta1 = _fraction(betas[0], "betas[0]")
        self.beta2 = _fraction(betas[1], "betas[1]")
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


def _fraction(x: object, what: str) -> float:
    number = finite_number(x, what)
    if not 0 <= number < 1:
        raise ValueError(f"{what} must be in [0, 1), got {number!r}")
    return number
