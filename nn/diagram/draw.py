"""[draw_network][nn.diagram.draw.draw_network]: the one front door to every diagram of a model.

It checks what it is given (a clear error here beats a traceback from deep in
the layout), runs the forward pass when numbers are asked for, and hands over
to [nn.diagram.network][] (MLPs, layers, neurons) or [nn.diagram.lstm_cell][]
(LSTM cells, one step or unrolled).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd.teaching.naming import printable
from nn.diagram.lstm_cell import draw_lstm
from nn.diagram.network import NetworkNumbers, NetworkStyle, render_network
from nn.diagram.numbers import check_output, layers_of, trace_forward
from nn.diagram.picture import Diagram
from nn.diagram.svg import shorten
from nn.layers import Layer
from nn.lstm import LSTMCell

__all__ = ["MAX_NAME_CHARS", "check_digits", "checked_names", "draw_network", "model_html"]

MAX_NAME_CHARS = 16
"""Names given for inputs and outputs are cut to this many characters."""


def draw_network(
    model: Any,
    *,
    inputs: Any = None,
    grads: bool = False,
    output: str | None = None,
    state: Any = None,
    round_hidden: bool = False,
    unroll: bool | None = None,
    digits: int = 3,
    input_names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
    symbols: Sequence[str] | None = None,
    title: str | None = None,
) -> Diagram:
    """The diagram of a model as a textbook draws it, with the numbers of a pass through it if asked.

    For an [MLP][nn.layers.MLP], a [Layer][nn.layers.Layer] or a
    [Neuron][nn.layers.Neuron]: the architecture (see [nn.diagram.network][]).
    For an [LSTMCell][nn.lstm.LSTMCell]: the gate diagram of one step, or the
    cell unrolled over a sequence (see [nn.diagram.lstm_cell][]).

    Args:
        model: what to draw.
        inputs: numbers to run through the model. For a network, one input
            (``nin`` numbers): every neuron then shows its pre-activation ``z``
            and activation ``f(z)``. For an LSTM cell, one step's input (a number,
            or ``input_size`` numbers) draws the gate diagram of that step; a
            sequence of them (``[0, 0, 1, 1, 1, 0]``) draws the cell unrolled.
        grads: (networks) show each weight's gradient ``∂C/∂w`` (its ``.grad``)
            and each neuron's ``δ = ∂C/∂z``, read from its bias's ``.grad``
            (``∂C/∂b = δ``: exact for a loss of one sample). Run ``backward`` first.
        output: (networks) ``"softmax"`` draws a softmax after the last layer,
            and its outputs ``o1, o2, ...``.
        state: (LSTM) the state ``(h, c)`` before the first step; zeros by default.
        round_hidden: (LSTM, unrolled) round h to the nearest integer before the
            next step, as the homework does (and ``run_lstm(round_hidden=True)``).
        unroll: (LSTM) force the unrolled drawing (True) or the one-step one
            (False); by default a sequence is unrolled and a single input is not.
        digits: significant digits of the numbers written (1 to 17).
        input_names: names of the inputs (default ``x1, x2, ...``).
        output_names: names of the outputs after ``output`` (default ``o1, o2, ...``).
        symbols: the letter of each layer's pre-activation (default ``z``):
            ``("z", "u")`` writes the homework's ``u`` and ``f(u)`` in its second layer.
        title: a line of text above the drawing.

    Returns:
        A [Diagram][nn.diagram.picture.Diagram]: it shows itself in Jupyter, and
        ``.save("net.svg")`` writes it. The same model and options always give
        the same SVG.

    Raises:
        TypeError: ``model`` is not something this draws, or an option has the wrong type.
        ValueError: ``inputs`` has the wrong number of entries, or an option is out of range.

    >>> from nn import MLP
    >>> diagram = draw_network(MLP(2, [3, 1], seed=0), inputs=[0.5, -1.0])
    >>> diagram.svg.count("<circle")    # 2 inputs, 3 hidden neurons, 1 output
    6
    """
    _check_common(grads, digits, round_hidden, unroll)
    names = checked_names(input_names, "input_names"), checked_names(output_names, "output_names")
    letters = checked_names(symbols, "symbols")
    heading = shorten(printable(_text(title, "title")), 80) if title is not None else ""
    if isinstance(model, LSTMCell):
        if grads or output is not None or output_names is not None or symbols is not None:
            raise ValueError(
                "grads, output, output_names and symbols draw networks of neurons; an LSTM cell's "
                "diagram takes inputs, state, round_hidden, unroll, digits, input_names and title"
            )
        return draw_lstm(
            model, inputs, state=state, round_hidden=round_hidden, unroll=unroll, digits=digits, title=heading
        )
    layers = layers_of(model)
    if state is not None or round_hidden or unroll is not None:
        raise ValueError("state, round_hidden and unroll are for an LSTMCell; this is a network of neurons")
    output = check_output(output)
    _check_counts(layers, output, *names, letters)
    numbers = _network_numbers(layers, inputs, grads, output)
    style = NetworkStyle(
        digits=digits,
        output=output,
        input_names=names[0],
        output_names=names[1],
        symbols=letters,
        title=heading,
    )
    placed = render_network(layers, numbers, style)
    sizes = " → ".join(str(size) for size in [layers[0].nin, *(layer.nout for layer in layers)])
    return Diagram(placed.svg, placed.width, placed.height, f"network {sizes}")


def model_html(model: Any) -> str | None:
    """What a model shows in Jupyter: its diagram as HTML; None (its text form) if it cannot be drawn.

    The models' ``_repr_html_`` calls this. A display hook must never raise, so
    any error gives the text form instead.
    """
    try:
        return draw_network(model)._repr_html_()
    except Exception:
        return None


def _network_numbers(layers: list[Layer], inputs: Any, grads: bool, output: str | None) -> NetworkNumbers:
    """The forward pass for ``inputs`` (if given) and the gradients in ``.grad`` (if asked for)."""
    trace = trace_forward(layers, inputs, output) if inputs is not None else None
    weight_grads = deltas = None
    if grads:
        weight_grads = [[[w.grad for w in neuron.w] for neuron in layer.neurons] for layer in layers]
        deltas = [[neuron.b.grad for neuron in layer.neurons] for layer in layers]
    return NetworkNumbers(
        inputs=[v.data for v in trace.inputs] if trace else None,
        z=trace.numbers(trace.z) if trace else None,
        a=trace.numbers(trace.a) if trace else None,
        outputs=[v.data for v in trace.outputs] if trace and output else None,
        deltas=deltas,
        weight_grads=weight_grads,
    )


def _check_counts(
    layers: list[Layer], output: str | None, inputs: list[str], outputs: list[str], symbols: list[str]
) -> None:
    """Names given for inputs, outputs and layers must not outnumber them."""
    if len(inputs) > layers[0].nin:
        raise ValueError(f"input_names has {len(inputs)} names but the model has {layers[0].nin} inputs")
    if outputs and output is None:
        raise ValueError('output_names name the outputs of output="softmax"; without it, there are none')
    if len(outputs) > layers[-1].nout:
        raise ValueError(f"output_names has {len(outputs)} names but the model has {layers[-1].nout} outputs")
    if len(symbols) > len(layers):
        raise ValueError(f"symbols has {len(symbols)} letters but the model has {len(layers)} layers")


def _check_common(grads: Any, digits: Any, round_hidden: Any, unroll: Any) -> None:
    for name, flag in (("grads", grads), ("round_hidden", round_hidden)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    if unroll is not None and not isinstance(unroll, bool):
        raise TypeError(f"unroll must be True, False or None, got {unroll!r}")
    check_digits(digits)


def check_digits(digits: Any) -> int:
    """``digits`` if it is an int from 1 to 17 (a float carries at most 17 digits), else ValueError."""
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"digits must be an int from 1 to 17, got {digits!r}")
    return digits


def checked_names(names: Any, what: str) -> list[str]:
    """Names someone chose, checked to be strings, made printable and cut to ``MAX_NAME_CHARS``."""
    if names is None:
        return []
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise TypeError(f"{what} must be a list of strings, got {type(names).__name__}: {names!r}")
    return [shorten(printable(_text(name, f"{what}[{k}]")), MAX_NAME_CHARS) for k, name in enumerate(names)]


def _text(text: Any, what: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{what} must be a string, got {type(text).__name__}: {text!r}")
    return text
