"""The docs page about network diagrams: its examples run, and the docs build hook draws its pictures.

The hook (scripts/docs_pictures.py) is called here on docs/networks.md directly,
as ``mkdocs build`` calls it (tests/test_docs.py builds the whole site).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "networks.md"


def docs_hook() -> ModuleType:
    pytest.importorskip("mkdocs")
    spec = importlib.util.spec_from_file_location("docs_pictures", ROOT / "scripts" / "docs_pictures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_picture_of_the_networks_page_is_drawn():
    hook = docs_hook()
    markdown = PAGE.read_text()
    namespace = hook._run_examples(markdown, "networks.md")
    markers = hook.MARKER.findall(markdown)
    assert [kind for kind, _ in markers].count("picture") == 7 and (
        "replay",
        "replay, network-backprop.html",
    ) in markers
    for kind, request in markers:
        if kind == "picture":
            block = hook._inline_svg(hook._evaluate(request, namespace, request), request)
            assert block.startswith('<div class="chaingrad-picture"><svg') and "\n" not in block
        else:
            expression, _, name = request.rpartition(",")
            replay = hook._evaluate(expression, namespace, request)
            page = hook._saved_page(replay, request)
            assert page.startswith("<!DOCTYPE html>") and "cg-network-player" in page
            frame = hook._replay_frame(name.strip(), replay)
            assert f"({len(replay.frames) - 1} steps;" in frame


def test_the_frame_height_reads_pixels_and_points():
    hook = docs_hook()
    in_pt = '<svg width="300pt" height="150pt" viewBox="0 0 300 150">'
    in_px = '<svg width="300px" height="150px" viewBox="0 0 300 150">'
    assert hook._frame_height(in_pt) == 200 + hook.PLAYER_CONTROLS_PX  # 150 pt = 200 px
    assert hook._frame_height(in_px) == 150 + hook.PLAYER_CONTROLS_PX


def test_the_page_is_in_the_navigation():
    assert "Drawing networks: networks.md" in (ROOT / "mkdocs.yml").read_text()
