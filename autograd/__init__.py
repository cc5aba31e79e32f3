"""chaingrad's scalar reverse-mode autograd engine.

>>> from autograd import Value
>>> x = Value(3.0, label="x")
>>> y = x * x + 2 * x
>>> y.backward()
>>> x.grad
8.0
"""

from autograd.engine import topological_order
from autograd.gradcheck import GradientCheckError, gradcheck, numerical_gradient
from autograd.ops import Op
from autograd.value import Value, dot, no_grad, sum_values

__all__ = [
    "GradientCheckError",
    "Op",
    "Value",
    "dot",
    "gradcheck",
    "no_grad",
    "numerical_gradient",
    "sum_values",
    "topological_order",
]
