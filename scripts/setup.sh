#!/usr/bin/env bash
# Set up everything chaingrad needs, on a fresh machine or an old checkout:
#   - Graphviz's `dot` program (apt-get when missing; otherwise says how),
#   - for the browser tests (tests/browser), Debian's chromium and chromium-driver,
#     when CHAINGRAD_REQUIRE_BROWSER=1 (the test command sets it) or with --browser;
#     the demo and the library do not need them,
#   - for the docs site (built by the test command), the npm packages it serves itself
#     (package.json: Pyodide and Graphviz-in-WebAssembly for the Playground, MathJax),
#     installed with `npm ci` into node_modules, with --docs (Node.js via apt-get when missing),
#   - a virtual environment in .venv with the package and its dev extras.
# Run by demo.sh and test.sh; safe to run again (it only refreshes).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WANT_BROWSER="${CHAINGRAD_REQUIRE_BROWSER:-0}"
WANT_DOCS=0
for argument in "$@"; do
    case "$argument" in
        --browser) WANT_BROWSER=1 ;;
        --docs) WANT_DOCS=1 ;;
        *) echo "setup: unknown option '$argument' (the options are --browser and --docs)" >&2; exit 2 ;;
    esac
done

# apt_install WHAT ELSEWHERE PACKAGE...: install Debian packages, or say how to get WHAT without apt-get.
# A plain install is tried first (fast when the package lists are fresh), then update + install.
apt_install() {
    local what="$1" elsewhere="$2"
    shift 2
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "setup: no apt-get here. Install $what yourself ($elsewhere) and rerun." >&2
        exit 1
    fi
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "setup: installing $what needs root: run 'apt-get install $*' as root and rerun" >&2
            exit 1
        fi
        sudo="sudo"
    fi
    local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@")
    $sudo "${install[@]}" >/dev/null \
        || { $sudo apt-get update -q >/dev/null && $sudo "${install[@]}" >/dev/null; } \
        || { echo "setup: 'apt-get install $*' failed; install $what yourself and rerun" >&2; exit 1; }
}

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "setup: chaingrad needs Python 3.10 or newer as '$PYTHON' (set PYTHON=/path/to/python3.x)" >&2
    exit 1
fi

if ! command -v dot >/dev/null 2>&1; then
    echo "setup: Graphviz 'dot' not found; installing the graphviz package" >&2
    apt_install "Graphviz" "brew install graphviz, conda install graphviz, or https://graphviz.org/download/" \
        graphviz
fi

# The browser tests drive Chromium through chromedriver, at these paths (tests/browser/conftest.py).
CHROMIUM="${CHAINGRAD_CHROMIUM:-/usr/bin/chromium}"
CHROMEDRIVER="${CHAINGRAD_CHROMEDRIVER:-/usr/bin/chromedriver}"
if [ "$WANT_BROWSER" != "0" ] && { [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; }; then
    echo "setup: Chromium for the browser tests not found; installing chromium and chromium-driver" >&2
    apt_install "Chromium and its driver" \
        "any Chromium with a matching chromedriver; point CHAINGRAD_CHROMIUM and CHAINGRAD_CHROMEDRIVER at them, or set CHAINGRAD_REQUIRE_BROWSER=0 to skip the browser tests" \
        --no-install-recommends chromium chromium-driver  # (the one recommended package is a sandbox the tests turn off)
fi

if [ "$WANT_DOCS" != "0" ] && ! command -v npm >/dev/null 2>&1; then
    echo "setup: npm not found (the docs site's packages are installed with it); installing nodejs and npm" >&2
    apt_install "Node.js and npm" "https://nodejs.org/ or your package manager" nodejs npm
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

# The docs site's npm packages, exactly as package-lock.json pins them; again only when the lock
# file changed since the last successful install (npm ci starts from an empty node_modules).
NPM_STAMP=node_modules/.chaingrad-installed
if [ "$WANT_DOCS" != "0" ] && { [ ! -f "$NPM_STAMP" ] || ! cmp -s package-lock.json "$NPM_STAMP"; }; then
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
    cp package-lock.json "$NPM_STAMP"
fi
