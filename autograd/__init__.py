"""chaingrad's scalar reverse-mode autograd engine.

>>> from autograd import Value
>>> x = Value(3.0, label="x")
>>> y = x * x + 2 * x
>>> y.backward()
>>> x.grad
8.0

The package has three layers, each using only the ones below it:

* the engine core: [`ops`][autograd.ops] (the op table), [`value`][autograd.value],
  [`engine`][autograd.engine] (the chain rule), [`modes`][autograd.modes],
  [`functional`][autograd.functional] (grad, hessian, ...), [`gradcheck`][autograd.gradcheck],
  and [`compiler`][autograd.compiler] (trace a function once, replay it as generated code);
* the teaching layer, [`autograd.teaching`][autograd.teaching]: recorded backward,
  explanations, node checks, warnings;
* drawing and the command line, [`autograd.drawing`][autograd.drawing] and
  [`autograd.cli`][autograd.cli], which need the graphviz package. Their names below
  (``draw_graph``, ...) are loaded on first use, so ``import autograd`` works
  without graphviz.
"""

from __future__ import annotations

import importlib
from typing import Any

from autograd.compiler import compile
from autograd.engine import StaleGraphError, gradients, topological_order
from autograd.functional import grad, hessian, jacobian, value_and_grad
from autograd.gradcheck import GradientCheckError, central_difference, gradcheck, numerical_gradient
from autograd.modes import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from autograd.ops import Op
from autograd.teaching import (
    BackwardRecord,
    Explanation,
    NodeCheckReport,
    TeachingWarning,
    check_nodes,
    explain,
    record_backward,
)
from autograd.value import Value, apply_op, dot, sum_values

# name -> module that defines it, for the layers above the core (imported when first asked for)
_UPPER_LAYERS = {
    "draw_graph": "autograd.drawing.draw",
    "render_svg": "autograd.drawing.draw",
    "Player": "autograd.drawing.player",
    "Exercise": "autograd.drawing.exercise",
    "to_torch": "autograd.torch_bridge",
}


def __getattr__(name: str) -> Any:
    """``autograd.draw_graph``, ``autograd.to_torch``...: import those layers only when used."""
    if name in _UPPER_LAYERS:
        try:
            module = importlib.import_module(_UPPER_LAYERS[name])
        except ImportError as error:  # only the drawing layer has a dependency of its own
            raise ImportError(
                f"autograd.{name} needs the graphviz package (pip install graphviz) and Graphviz's "
                f"dot program (apt-get install graphviz / brew install graphviz): {error}"
            ) from error
        return getattr(module, name)
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")


__all__ = [
    "BackwardRecord",
    "Exercise",
    "Explanation",
    "GradientCheckError",
    "NodeCheckReport",
    "Op",
    "Player",
    "StaleGraphError",
    "TeachingWarning",
    "Value",
    "apply_op",
    "central_difference",
    "check_nodes",
    "compile",
    "detect_anomaly",
    "dot",
    "draw_graph",
    "enable_grad",
    "explain",
    "grad",
    "gradcheck",
    "gradients",
    "hessian",
    "is_grad_enabled",
    "jacobian",
    "no_grad",
    "numerical_gradient",
    "record_backward",
    "render_svg",
    "sum_values",
    "to_torch",
    "topological_order",
    "value_and_grad",
]
