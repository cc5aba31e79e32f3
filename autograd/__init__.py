"""chaingrad's scalar reverse-mode autograd engine.

>>> from autograd import Value
>>> x = Value(3.0, label="x")
>>> y = x * x + 2 * x
>>> y.backward()
>>> x.grad
8.0
"""

from autograd.anomaly import AnomalyError, detect_anomaly
from autograd.draw import draw_graph
from autograd.engine import topological_order
from autograd.explain import Explanation
from autograd.functional import grad, hessian, jacobian, value_and_grad
from autograd.gradcheck import GradientCheckError, gradcheck, numerical_gradient
from autograd.nodecheck import NodeCheckReport, check_nodes
from autograd.ops import Op
from autograd.record import BackwardRecord
from autograd.teaching import TeachingWarning
from autograd.value import Value, apply_op, dot, no_grad, sum_values

__all__ = [
    "AnomalyError",
    "BackwardRecord",
    "Explanation",
    "GradientCheckError",
    "NodeCheckReport",
    "Op",
    "TeachingWarning",
    "Value",
    "apply_op",
    "check_nodes",
    "detect_anomaly",
    "dot",
    "draw_graph",
    "grad",
    "gradcheck",
    "hessian",
    "jacobian",
    "no_grad",
    "numerical_gradient",
    "sum_values",
    "topological_order",
    "value_and_grad",
]
