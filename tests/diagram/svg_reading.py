"""What a diagram's SVG shows, read back as XML (no test lives here).

The diagrams are plain SVG written by ``nn.diagram``: every text is a
``<text>`` (its box estimated by ``nn.diagram.svg.text_box``), shapes are
``<circle>``, ``<line>``, ``<polygon>`` and ``<rect>``, and the parts a replay
restyles are ``<g>`` groups with a ``class`` and a ``data-key``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

SVG = "{http://www.w3.org/2000/svg}"


@dataclass
class Text:
    """One ``<text>``: what it says, where, and its class and key."""

    text: str
    x: float
    y: float
    size: float
    anchor: str
    css_class: str
    key: str
    color: str


def parse(svg: str) -> ET.Element:
    """The SVG as XML; raises if it is not well-formed (unescaped text would make it so)."""
    return ET.fromstring(svg)


def texts(svg: str) -> list[Text]:
    """Every text of the drawing, in drawing order (tspans joined)."""
    found = []
    for element in parse(svg).iter(f"{SVG}text"):
        found.append(
            Text(
                "".join(element.itertext()),
                float(element.get("x", "nan")),
                float(element.get("y", "nan")),
                float(element.get("font-size", "nan")),
                element.get("text-anchor", ""),
                element.get("class", ""),
                element.get("data-key", ""),
                element.get("fill", ""),
            )
        )
    return found


def strings(svg: str) -> list[str]:
    """What every text says."""
    return [t.text for t in texts(svg)]


def groups(svg: str, css_class: str) -> dict[str, ET.Element]:
    """The ``<g>`` groups of one class, by their ``data-key``."""
    return {
        g.get("data-key", ""): g
        for g in parse(svg).iter(f"{SVG}g")
        if css_class in (g.get("class") or "").split()
    }


def count(svg: str, tag: str) -> int:
    """How many elements of one kind (``circle``, ``line``...) the drawing has."""
    return sum(1 for _ in parse(svg).iter(f"{SVG}{tag}"))


def minus(text: str) -> str:
    """A number as the diagrams write it: with a real minus sign."""
    return text.replace("-", "−")
