"""MkDocs hook: put the pictures the library draws into the pages that describe them.

A page asks for a picture with an HTML comment on a line of its own, naming a
Python expression over the names its ```python examples define::

    <!-- picture: draw_graph(L, edge_grads=True) -->
    <!-- replay: Player(steps), backprop.html -->

When the site is built, the page's examples run (top to bottom, in one
namespace, in a scratch folder, as ``tests/test_docs.py`` runs them) and each
comment is replaced by what its expression draws:

* ``picture:`` a [ValueGraph][autograd.drawing.draw.ValueGraph] (what ``draw_graph``
  returns), rendered by Graphviz to SVG, or a [Diagram][nn.diagram.picture.Diagram]
  (what ``draw_network`` returns, SVG already), put inline, scaled to the page's width;
* ``replay:`` a [Player][autograd.drawing.player.Player] or a
  [NetworkReplay][nn.diagram.replay.NetworkReplay], or their exercise
  ([Exercise][autograd.drawing.exercise.Exercise]), saved as the named
  self-contained HTML file next to the page, shown in a frame and linked.

So the pictures are always the ones the code on the page makes with the library
as it is now; nothing generated is kept in the repository. Elsewhere (on GitHub,
in an editor) the comments are invisible. A block that raises, a warning, or an
expression that does not draw fails the build with the page and the reason.
"""

from __future__ import annotations

import html
import io
import os
import re
import tempfile
import warnings
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any, cast

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
MARKER = re.compile(r"^<!-- (picture|replay): (.+?) -->$", re.MULTILINE)

# Replay pages to write once the site is built: path in the site -> HTML.
_replays: dict[str, str] = {}


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Replace each picture or replay comment of a page with what it draws."""
    if not MARKER.search(markdown):
        return markdown
    namespace = _run_examples(markdown, page.file.src_uri)
    folder = os.path.dirname(page.file.dest_uri)

    def drawn(marker: re.Match[str]) -> str:
        kind, request = marker.group(1), marker.group(2)
        where = f"{page.file.src_uri}, <!-- {kind}: {request} -->"
        if kind == "picture":
            return _inline_svg(_evaluate(request, namespace, where), where)
        expression, _, name = request.rpartition(",")
        player = _evaluate(expression, namespace, where)
        _replays[os.path.join(folder, name.strip())] = _saved_page(player, where)
        return _replay_frame(name.strip(), player)

    return MARKER.sub(drawn, markdown)


def on_post_build(config: MkDocsConfig) -> None:
    """Write the replay pages into the built site, beside the pages that show them."""
    for path, page in _replays.items():
        target = Path(config.site_dir) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
    _replays.clear()


def _run_examples(markdown: str, source: str) -> dict[str, Any]:
    """Run every ```python block of a page in one namespace, in a scratch folder."""
    namespace: dict[str, Any] = {"__name__": f"docs_{Path(source).stem}"}
    here = os.getcwd()
    printed = io.StringIO()  # what the examples print is for readers running them, not for the build log
    with tempfile.TemporaryDirectory() as scratch, warnings.catch_warnings(), redirect_stdout(printed):
        warnings.simplefilter("error")  # as in tests/test_docs.py: an example must not warn
        os.chdir(scratch)  # examples write files (dot.render("L")): not into the repository
        try:
            for number, code in enumerate(BLOCK.findall(markdown), 1):
                try:
                    exec(compile(code, f"{source}[block {number}]", "exec"), namespace)
                except Exception as error:
                    problem = f"{type(error).__name__}: {error}"
                    raise PluginError(f"{source}, block {number} raised {problem}") from None
        finally:
            os.chdir(here)
    return namespace


def _evaluate(expression: str, namespace: dict[str, Any], where: str) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return eval(expression, namespace)  # the docs' own text, as trusted as their examples
    except Exception as error:
        raise PluginError(f"{where}: {type(error).__name__}: {error}") from None


def _inline_svg(graph: Any, where: str) -> str:
    """The drawing as inline SVG in a block that scales it down to the page's width."""
    from autograd.drawing.draw import ValueGraph
    from nn.diagram.picture import Diagram

    if isinstance(graph, Diagram):
        svg = graph.svg  # drawn by the library itself: no Graphviz
    elif isinstance(graph, ValueGraph):
        try:
            svg = cast(str, graph.pipe(format="svg", encoding="utf-8"))  # runs dot, under a time limit
        except Exception as error:  # Graphviz missing, failing or too slow: its message says what to do
            raise PluginError(f"{where}: {type(error).__name__}: {error}") from None
    else:
        raise PluginError(
            f"{where}: expected what draw_graph or draw_network returns, got {type(graph).__name__}"
        )
    svg = svg[svg.index("<svg") :]  # inline SVG must not carry the XML declaration and DOCTYPE
    # One line: Markdown ends a raw HTML block at a blank line, and dot's output has comments.
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    svg = " ".join(svg.split())
    return f'<div class="chaingrad-picture">{svg}</div>'


def _saved_page(player: Any, where: str) -> str:
    """The replay as the self-contained page that ``Player.save`` (or ``NetworkReplay.save``) writes."""
    from autograd.drawing.exercise import Exercise
    from autograd.drawing.player import Player
    from nn.diagram.exercise import NetworkExercise
    from nn.diagram.replay import NetworkReplay

    if not isinstance(player, (Player, NetworkReplay, Exercise, NetworkExercise)):
        raise PluginError(
            f"{where}: expected a Player, a NetworkReplay or their exercise, got {type(player).__name__}"
        )
    with tempfile.TemporaryDirectory() as scratch:
        saved = Path(scratch) / "replay.html"
        player.save(saved)  # the very file a reader's save() writes
        return saved.read_text(encoding="utf-8")


def _replay_frame(name: str, player: Any) -> str:
    """The saved replay, shown in a frame on the page, with a link to open it on its own."""
    src = html.escape(name, quote=True)
    # A frame does not grow to fit its page: start from the drawing's height at the
    # page's width, then (where the browser allows reading the frame) measure it.
    fit = "try{this.style.height=this.contentDocument.documentElement.scrollHeight+'px'}catch(e){}"
    height = _frame_height(player.svg)
    if hasattr(player, "questions"):  # an exercise: its feedback grows as answers come in
        noun, title = "exercise", "backward, as an exercise"
        count = f"{len(player.questions)} gradients to find"
        height += FEEDBACK_PX
    else:
        noun, count, title = "replay", f"{len(player.frames) - 1} steps", "backward, step by step"  # 0: start
    return (
        f'<div class="chaingrad-replay"><iframe src="{src}" title="{title}" '
        f'style="height: {height}px" onload="{fit}"></iframe>'
        f'<p><a href="{src}">Open the {noun} on its own page</a> ({count}; the file works offline, '
        "as save() writes it).</p></div>"
    )


PAGE_WIDTH_PX = 720  # the text column of the docs' theme on a laptop screen, about
PLAYER_CONTROLS_PX = 140  # the replay's heading, buttons and caption above the drawing
FEEDBACK_PX = 120  # an exercise's explanation of a wrong answer, above the drawing


def _frame_height(svg: str) -> int:
    """Pixels of height the replay needs: its drawing at the page's width (or smaller), and its controls."""
    box = re.search(r'viewBox="[\d.-]+ [\d.-]+ ([\d.]+) ([\d.]+)"', svg)
    if box is None:
        return 600
    width, height = float(box.group(1)), float(box.group(2))
    # Graphviz's units are points, 4/3 of a CSS pixel; the network diagrams' are pixels
    in_px = re.search(r'<svg[^>]* width="[\d.]+px"', svg) is not None
    natural_px = height if in_px else height * 4 / 3
    scaled_px = PAGE_WIDTH_PX * height / width
    return round(min(natural_px, scaled_px) + PLAYER_CONTROLS_PX)
