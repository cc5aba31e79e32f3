"""[Diagram][nn.diagram.picture.Diagram]: a finished drawing, as Jupyter shows it and as a file.

Every diagram of [`nn.diagram`][nn.diagram] is one SVG document with a fixed
size in px and a ``viewBox``. In a notebook it is put inline in a block that
lets it shrink to the output's width (``max-width: 100%``) but never grow, as
the computation graphs of [`autograd.drawing.display`][autograd.drawing.display] are.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

__all__ = ["Diagram", "fitted"]


class Diagram:
    """A drawing made by [draw_network][nn.diagram.draw.draw_network]: SVG text and its size.

    In Jupyter it shows itself (``_repr_html_``, ``_repr_svg_``);
    ``save("net.svg")`` writes the SVG file, ``save("net.html")`` a web page that shows it.

    Attributes:
        svg: the SVG document (deterministic: the same model and options give the same text).
        width: its natural width in CSS px.
        height: its natural height in CSS px.
        description: one line saying what it shows (the text form of the diagram).
    """

    def __init__(self, svg: str, width: float, height: float, description: str) -> None:
        self.svg = svg
        self.width = width
        self.height = height
        self.description = description

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_html_(self) -> str:
        return fitted(self.svg)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the diagram to ``path`` (SVG for ``.svg``, a web page for ``.html``); returns the path."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".svg":
            path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + self.svg + "\n", encoding="utf-8")
        elif suffix in (".html", ".htm"):
            title = html.escape(self.description)
            path.write_text(
                '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f"<title>{title}</title>\n"
                "<style>body { margin: 16px; font-family: system-ui, sans-serif; }</style>\n"
                f"</head>\n<body>\n{fitted(self.svg)}\n</body>\n</html>\n",
                encoding="utf-8",
            )
        else:
            raise ValueError(f"save writes .svg or .html files, got {str(path)!r}")
        return path

    def __repr__(self) -> str:
        return f"<Diagram: {self.description} ({self.width:.0f} × {self.height:.0f} px)>"


def fitted(svg: str) -> str:
    """The SVG in a block that shrinks it to the container's width (keeping its shape), never grows it."""
    scaled = re.sub(r"^<svg ", '<svg style="max-width:100%;height:auto;display:block" ', svg, count=1)
    return f'<div class="chaingrad-diagram" style="max-width:100%">{scaled}</div>'
