#!/usr/bin/env bash
# Set up everything chaingrad needs, on a fresh machine or an old checkout:
#   - Graphviz's `dot` program (apt-get when missing; otherwise says how),
#   - a virtual environment in .venv with the package and its dev extras.
# Sourced by demo.sh and test.sh; safe to run again (it only refreshes).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "setup: chaingrad needs Python 3.10 or newer as '$PYTHON' (set PYTHON=/path/to/python3.x)" >&2
    exit 1
fi

if ! command -v dot >/dev/null 2>&1; then
    echo "setup: Graphviz 'dot' not found; installing the graphviz package" >&2
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "setup: no apt-get here. Install Graphviz yourself (brew install graphviz," >&2
        echo "       conda install graphviz, or https://graphviz.org/download/) and rerun." >&2
        exit 1
    fi
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "setup: installing Graphviz needs root: run 'apt-get install graphviz' as root and rerun" >&2
            exit 1
        fi
        SUDO="sudo"
    fi
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q graphviz >/dev/null \
        || { $SUDO apt-get update -q >/dev/null && \
             $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q graphviz >/dev/null; }
fi

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
# Reinstall only when pyproject.toml changed since the last successful install.
STAMP=.venv/.chaingrad-installed
if [ ! -f "$STAMP" ] || ! cmp -s pyproject.toml "$STAMP"; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[dev]"
    cp pyproject.toml "$STAMP"
fi
