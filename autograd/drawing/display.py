"""Rich display in Jupyter: a Value shows its graph.

``Value._repr_mimebundle_`` (in the engine core) calls :func:`mimebundle` here;
this module is the only part of the library that the core calls up to, and the
core falls back to text when it cannot be imported.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from contextlib import suppress

import graphviz

from autograd.drawing.draw import GraphTooLargeError, GraphvizNotFoundError, render_svg
from autograd.teaching.mistakes import TeachingWarning
from autograd.value import Value

SVG_MIMETYPE = "image/svg+xml"


def mimebundle(
    root: Value, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None
) -> dict[str, str]:
    """Jupyter's rich display of a Value: its graph as SVG, plus its ``repr`` as text.

    The text alone is returned when the front end does not want SVG (a terminal
    IPython asks only for text/plain), when the graph is over
    :data:`DEFAULT_MAX_NODES`, or when Graphviz is missing or fails: showing a
    Value must never raise.
    """
    bundle = {"text/plain": repr(root)}
    wanted = include is None or SVG_MIMETYPE in include
    unwanted = exclude is not None and SVG_MIMETYPE in exclude
    if wanted and not unwanted:
        # the text form is the fallback when there is no picture to show
        with (
            suppress(GraphTooLargeError, GraphvizNotFoundError, graphviz.CalledProcessError),
            warnings.catch_warnings(),
        ):
            # showing a Value before backward is normal in a notebook: no teaching warning here
            warnings.simplefilter("ignore", TeachingWarning)
            bundle[SVG_MIMETYPE] = render_svg(root)
    return bundle
