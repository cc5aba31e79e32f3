"""A tiny SVG writer for the diagrams, and the bookkeeping that keeps their labels apart.

The diagrams are drawn by the library itself, not by Graphviz: every shape and
every text is placed here at coordinates computed in Python. Two things make
that work:

* **Text sizes are known in advance.** The diagrams ask for the DejaVu Sans
  font (the browser's own sans-serif on Linux; Verdana, which has the same
  proportions, elsewhere) and estimate each text's width from the advance
  widths of its characters (``text_width``). A narrower font only leaves more
  room, so the estimate errs on the wide side.
* **Every label reserves its box.** [Canvas][nn.diagram.svg.Canvas] remembers
  the box of each text it writes; [Canvas.is_free][nn.diagram.svg.Canvas.is_free]
  says whether a new box would overlap one of them, which is how weight labels
  find a free spot along their arrow.

The output is deterministic: coordinates are rounded to 0.1 px and written in
one fixed way, there are no ids (a page may show many diagrams) and nothing
depends on time or chance, so the same model always gives the same SVG bytes.
All text goes through ``xml_text``: printable, escaped for XML.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from autograd.teaching.naming import printable

FONT_FAMILY = "DejaVu Sans, Verdana, sans-serif"

# Advance widths of DejaVu Sans, in ems (font size = 1), rounded up to 0.01.
# Characters not listed count as 1 em: wider than any listed, so never too narrow.
_WIDTHS: dict[str, float] = {
    **dict.fromkeys("0123456789", 0.64),
    **dict.fromkeys("abdeghnopqu", 0.64),
    **dict.fromkeys("ckvxyδσ", 0.6),
    **dict.fromkeys("sz∂", 0.53),
    **dict.fromkeys("ijlI|'", 0.3),
    **dict.fromkeys("ft()[]!r-", 0.43),
    **dict.fromkeys(" .,:;·/\\`", 0.35),
    **dict.fromkeys('ELPFTYSJ$_*?{}"', 0.65),
    **dict.fromkeys("ABCKRVXZ", 0.71),
    **dict.fromkeys("DGHNOQU", 0.8),
    **dict.fromkeys("mwMW%@#&", 1.0),
    **dict.fromkeys("+=<>~^−×→←⊕⊗≈∇Σ", 0.85),
    "…": 1.0,
}
_BOLD_FACTOR = 1.12  # DejaVu Sans Bold is about this much wider

# Where a line of text sits around its baseline, in ems: DejaVu Sans rises 0.93
# above it and drops 0.24 below (the box a browser's getBBox gives a text).
ASCENT = 0.93
DESCENT = 0.24
LINE_HEIGHT = 1.3  # baseline to baseline: the boxes of stacked lines never touch

MAX_TEXT_CHARS = 40
"""Longer texts (a name someone chose) are cut with an ellipsis."""


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width in px of ``text`` in DejaVu Sans at ``size`` px: the sum of its characters' advances."""
    ems = sum(_WIDTHS.get(character, 1.0) for character in text)
    return ems * size * (_BOLD_FACTOR if bold else 1.0)


def xml_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """``text`` ready for XML, between tags or in an attribute: printable, short, escaped.

    Control characters are written as Python writes them (``\\n``), since XML
    forbids most of them; ``<&>"'`` become entities, so a name such as
    ``<script>`` is shown, never run.
    """
    return html.escape(shorten(printable(text), limit), quote=True)


def shorten(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis when longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number(x: float) -> str:
    """A coordinate as written in the SVG: one decimal, no ``-0``, no trailing ``.0``."""
    rounded = round(x, 1) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = f"{rounded:.1f}"
    return text[:-2] if text.endswith(".0") else text


class Box(NamedTuple):
    """An axis-aligned rectangle: ``left <= x <= right``, ``top <= y <= bottom`` (y grows downward)."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        """Do the two boxes overlap, or come closer than ``gap``?"""
        return (
            self.left < other.right + gap
            and other.left < self.right + gap
            and self.top < other.bottom + gap
            and other.top < self.bottom + gap
        )

    def crosses(self, x1: float, y1: float, x2: float, y2: float) -> bool:
        """Does the segment from (x1, y1) to (x2, y2) pass through the box? (Liang-Barsky clipping)"""
        low, high = 0.0, 1.0
        dx, dy = x2 - x1, y2 - y1
        # the segment is x1 + t dx, y1 + t dy for t in [0, 1]; each side of the box cuts that range
        for p, q in (
            (-dx, x1 - self.left),
            (dx, self.right - x1),
            (-dy, y1 - self.top),
            (dy, self.bottom - y1),
        ):
            if p == 0:
                if q < 0:
                    return False  # parallel to this edge and outside it
                continue
            t = q / p
            if p < 0:
                low = max(low, t)
            else:
                high = min(high, t)
            if low > high:
                return False
        return True

    def grown(self, margin: float) -> Box:
        """The box with ``margin`` px added on every side."""
        return Box(self.left - margin, self.top - margin, self.right + margin, self.bottom + margin)


def text_box(
    x: float, y: float, text: str, size: float, *, anchor: str = "middle", bold: bool = False
) -> Box:
    """The box a text covers, written at (x, y) (the baseline) with ``text-anchor`` ``anchor``."""
    width = text_width(text, size, bold=bold)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return Box(left, y - ASCENT * size, left + width, y + DESCENT * size)


def baseline_for_middle(y: float, size: float) -> float:
    """The baseline that puts a line of text's box centred on ``y``."""
    return y + (ASCENT - DESCENT) * size / 2


class Canvas:
    """SVG elements in drawing order, with the box of every text written so far.

    Shapes and texts are added with ``line``, ``circle``, ``rect``, ``polygon``
    and ``text``; ``group`` wraps some of them in a ``<g>`` (with a class and a
    ``data-key`` that a replay's script can find); ``render`` gives the document.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.labels: list[Box] = []  # the box of every text, for is_free and the tests
        self.obstacles: list[Box] = []  # shapes that labels must not cover (circles, boxes)
        self.segments: list[tuple[float, float, float, float]] = []  # arrows, for crossings
        self._taken = _Grid()  # the boxes of labels and obstacles, found by where they are
        self._arrows = _Grid()  # the box around each arrow

    # -- bookkeeping ---------------------------------------------------------

    def is_free(self, box: Box, gap: float = 3.0) -> bool:
        """True when ``box`` keeps ``gap`` px away from every text and shape reserved so far."""
        return not any(box.overlaps(other, gap) for other in self._taken.near(box.grown(gap)))

    def crossings(self, box: Box, ignore: tuple[float, float, float, float] | None = None) -> int:
        """How many arrows (other than ``ignore``) pass through ``box``."""
        arrows = self._arrows
        return sum(
            1
            for k in arrows.indices_near(box)
            if box.overlaps(arrows.boxes[k]) and self.segments[k] != ignore and box.crosses(*self.segments[k])
        )

    def reserve(self, box: Box) -> None:
        """Keep labels out of ``box`` (a shape drawn later, or room kept for a text)."""
        self.obstacles.append(box)
        self._taken.add(box)

    # -- elements --------------------------------------------------------------

    @contextmanager
    def group(self, css_class: str = "", key: str = "", **attributes: str) -> Iterator[None]:
        """Everything drawn inside the ``with`` goes into one ``<g class=... data-key=...>``."""
        self.parts.append(f"<g{_attributes(css_class, key, attributes)}>")
        try:
            yield
        finally:
            self.parts.append("</g>")

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        *,
        color: str,
        width: float = 1.0,
        dashed: bool = False,
    ) -> None:
        """A straight line."""
        dash = ' stroke-dasharray="4 3"' if dashed else ""
        self.parts.append(
            f'<line x1="{number(x1)}" y1="{number(y1)}" x2="{number(x2)}" y2="{number(y2)}" '
            f'stroke="{color}" stroke-width="{number_fine(width)}"{dash}/>'
        )

    def arrow(
        self, x1: float, y1: float, x2: float, y2: float, *, color: str, width: float = 1.2, head: float = 7.0
    ) -> None:
        """A line from (x1, y1) with an arrowhead at (x2, y2); the arrow is kept for ``crossings``.

        The head is a triangle drawn here (no ``<marker>``: markers need ids, and
        ids must be unique in a page that shows several diagrams).
        """
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        head = head + width  # a thick arrow needs a bigger head to show
        base_x, base_y = x2 - ux * head, y2 - uy * head
        self.line(x1, y1, base_x + ux, base_y + uy, color=color, width=width)
        half = head * 0.45
        points = [
            (x2, y2),
            (base_x - uy * half, base_y + ux * half),
            (base_x + uy * half, base_y - ux * half),
        ]
        self.polygon(points, fill=color)
        self.segments.append((x1, y1, x2, y2))
        self._arrows.add(Box(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)))

    def polygon(self, points: list[tuple[float, float]], *, fill: str, stroke: str = "none") -> None:
        """A closed polygon through ``points``."""
        joined = " ".join(f"{number(x)},{number(y)}" for x, y in points)
        self.parts.append(f'<polygon points="{joined}" fill="{fill}" stroke="{stroke}"/>')

    def circle(
        self,
        x: float,
        y: float,
        r: float,
        *,
        fill: str,
        stroke: str,
        width: float = 1.5,
        reserve: bool = True,
    ) -> None:
        """A circle centred on (x, y); its square is reserved, so no label covers it."""
        self.parts.append(
            f'<circle cx="{number(x)}" cy="{number(y)}" r="{number(r)}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{number_fine(width)}"/>'
        )
        if reserve:
            self.reserve(Box(x - r, y - r, x + r, y + r))

    def rect(
        self,
        box: Box,
        *,
        fill: str,
        stroke: str,
        width: float = 1.2,
        radius: float = 6.0,
        dashed: bool = False,
        reserve: bool = False,
        css_class: str = "",
        key: str = "",
    ) -> None:
        """A rectangle with rounded corners; ``reserve`` keeps labels out of it."""
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        extra = _attributes(css_class, key, {})
        self.parts.append(
            f'<rect x="{number(box.left)}" y="{number(box.top)}" width="{number(box.right - box.left)}" '
            f'height="{number(box.bottom - box.top)}" rx="{number(radius)}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{number_fine(width)}"{dash}{extra}/>'
        )
        if reserve:
            self.reserve(box)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float,
        anchor: str = "middle",
        bold: bool = False,
        italic: bool = False,
        color: str = "#222",
        halo: bool = False,
        css_class: str = "",
        key: str = "",
        limit: int | None = None,
    ) -> Box:
        """One line of text with its baseline at (x, y); returns (and reserves) the box it covers.

        ``limit`` cuts a text someone chose (a name) to that many characters.
        ``halo`` draws a white outline under the letters, so that a text laid on
        arrows stays readable where lines pass under it.
        """
        shown = printable(text) if limit is None else shorten(printable(text), limit)
        box = text_box(x, y, shown, size, anchor=anchor, bold=bold)
        style = ""
        if bold:
            style += ' font-weight="bold"'
        if italic:
            style += ' font-style="italic"'
        if halo:
            style += ' stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
        extra = _attributes(css_class, key, {})
        self.parts.append(
            f'<text x="{number(x)}" y="{number(y)}" font-size="{number(size)}" text-anchor="{anchor}" '
            f'fill="{color}"{style}{extra}>{html.escape(shown, quote=False)}</text>'
        )
        self.labels.append(box)
        self._taken.add(box)
        return box

    def rich_text(self, x: float, y: float, pieces: list[tuple[str, str]], *, size: float) -> Box:
        """One line of text in coloured pieces, ``(text, colour)`` each, from (x, y); returns its box."""
        whole = "".join(text for text, _ in pieces)
        box = text_box(x, y, printable(whole), size, anchor="start")
        spans = "".join(
            f'<tspan fill="{color}">{html.escape(printable(text), quote=False)}</tspan>'
            for text, color in pieces
        )
        self.parts.append(
            f'<text x="{number(x)}" y="{number(y)}" font-size="{number(size)}" text-anchor="start" '
            f'xml:space="preserve">{spans}</text>'
        )
        self.labels.append(box)
        self._taken.add(box)
        return box

    def raw(self, markup: str) -> None:
        """Markup made elsewhere (already escaped), added as it is."""
        self.parts.append(markup)

    # -- the document ----------------------------------------------------------

    def render(self, width: float, height: float, *, title: str, css_class: str, style: str = "") -> str:
        """The SVG document, ``width`` x ``height`` px, with a ``<title>`` for screen readers."""
        w, h = math.ceil(width), math.ceil(height)
        css = f"<style>{style}</style>" if style else ""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" width="{w}px" height="{h}px" '
            f'viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}" role="img">'
            f"<title>{xml_text(title, 200)}</title>{css}"
            f'<rect x="0" y="0" width="{w}" height="{h}" fill="#fff"/>' + "".join(self.parts) + "</svg>"
        )


class _Grid:
    """Boxes filed by the 40 px squares they cover, so that a search looks only at the boxes nearby.

    A diagram checks hundreds of candidate spots against hundreds of boxes;
    looking only in the squares a spot covers makes that quick.
    """

    CELL = 40.0

    def __init__(self) -> None:
        self.boxes: list[Box] = []
        self.cells: dict[tuple[int, int], list[int]] = {}

    def _cells(self, box: Box) -> Iterator[tuple[int, int]]:
        for i in range(math.floor(box.left / self.CELL), math.floor(box.right / self.CELL) + 1):
            for j in range(math.floor(box.top / self.CELL), math.floor(box.bottom / self.CELL) + 1):
                yield i, j

    def add(self, box: Box) -> None:
        index = len(self.boxes)
        self.boxes.append(box)
        for cell in self._cells(box):
            self.cells.setdefault(cell, []).append(index)

    def indices_near(self, box: Box) -> list[int]:
        """The boxes filed in a square that ``box`` covers, each once, in the order they were added."""
        found = {k for cell in self._cells(box) for k in self.cells.get(cell, ())}
        return sorted(found)

    def near(self, box: Box) -> list[Box]:
        return [self.boxes[k] for k in self.indices_near(box)]


def number_fine(x: float) -> str:
    """A stroke width: two decimals, no trailing zeros."""
    text = f"{round(x, 2) + 0.0:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _attributes(css_class: str, key: str, more: dict[str, str]) -> str:
    parts = []
    if css_class:
        parts.append(f' class="{xml_text(css_class, 200)}"')
    if key:
        parts.append(f' data-key="{xml_text(key, 200)}"')
    for name, value in more.items():
        parts.append(f' {name.replace("_", "-")}="{xml_text(value, 200)}"')
    return "".join(parts)
