#!/usr/bin/env bash
# Set up (see setup.sh), then run every check: lint, type check, the test suite
# with the notebooks, and the docs build. Exits non-zero when anything fails.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# the browser tests must run here (CI), not skip: setup installs Chromium, and a missing one fails
export CHAINGRAD_REQUIRE_BROWSER="${CHAINGRAD_REQUIRE_BROWSER:-1}"
# --docs: the npm packages that the docs build copies into the site (the Playground)
bash "$ROOT/scripts/setup.sh" --docs
cd "$ROOT"
.venv/bin/ruff check .
.venv/bin/mypy
# property tests draw a fixed sequence of examples here, so every run checks the same ones
HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-deterministic}" .venv/bin/python -m pytest -n 2 "$@"
# the docs must build without a warning (broken links, bad references). No --quiet: with it,
# mkdocs 1.6 exits 0 even when strict mode aborts (tests/test_docs.py checks this line fails).
SITE="$(mktemp -d)"
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --site-dir "$SITE"
rm -rf "$SITE"
echo "test.sh: all checks passed"
