"""The README's demo writes its three pictures (a short run, to keep the suite fast)."""

from __future__ import annotations

import importlib.util
import xml.etree.ElementTree as ET
from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent / "scripts" / "demo.py"


def test_demo_writes_boundary_loss_and_graph(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("chaingrad_demo", DEMO)
    assert spec is not None and spec.loader is not None
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    demo.main(["--out", str(tmp_path), "--epochs", "3"])
    printed = capsys.readouterr().out
    for name in ("decision_boundary.png", "loss.png", "graph.svg"):
        path = tmp_path / name
        assert path.stat().st_size > 1000, name
        assert str(path.resolve()) in printed
    assert (tmp_path / "decision_boundary.png").read_bytes().startswith(b"\x89PNG")
    svg = ET.parse(tmp_path / "graph.svg").getroot()
    texts = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert "dot" in texts and "relu" in texts  # one neuron: weighted sum, bias, activation
