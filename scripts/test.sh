#!/usr/bin/env bash
# Set up (see setup.sh), then run every check: lint, the test suite with the
# notebooks, and the docs build. Exits non-zero when anything fails.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
.venv/bin/ruff check .
.venv/bin/python -m pytest -n 2 "$@"
