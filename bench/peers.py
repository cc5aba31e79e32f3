"""What the benchmarks need from the peers they are measured against (micrograd 0.1.0).

micrograd 0.1.0 has no tanh; the benchmarks give it one written in its own style
(a ``_backward`` closure, as in micrograd's lectures), so that the same graphs can
be built in both libraries.
"""

from __future__ import annotations

import math
from typing import Any

from micrograd.engine import Value as MicrogradValue


def micrograd_tanh(v: Any) -> Any:
    """tanh for micrograd, in micrograd's own style: d tanh(x) / dx = 1 - tanh(x)**2."""
    t = math.tanh(v.data)
    out = MicrogradValue(t, (v,), "tanh")

    def _backward() -> None:
        v.grad += (1 - t * t) * out.grad

    out._backward = _backward
    return out
