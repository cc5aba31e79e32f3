#!/usr/bin/env bash
# Mutation testing of the core: do the tests notice when the code is wrong?
#
# cosmic-ray (https://cosmic-ray.readthedocs.io) makes "mutants" of the core files, each
# one small change such as `+` made `-`, `>` made `>=` or `1` made `2`, including in the
# derivative rules of autograd/ops.py, which are lambdas at module level. For each mutant
# it runs a fast selection of the tests: when one fails the mutant is "killed", when all
# pass it "survived": the code is wrong and no test says so. Each survivor is a missing
# test, or (more rarely) an "equivalent" mutant that computes the same thing as the
# original; those are listed by hand in scripts/mutation_equivalent.txt.
#
# Usage: scripts/mutation.sh [--files "autograd/ops.py ..."] [--tests "tests/test_ops.py ..."] [--jobs N]
# Prints the counts and the score per file; out/mutation/survivors.md lists the survivors.
# The whole core (about 2,000 mutants) takes one to two hours on 2 cores; after adding
# tests, scripts/mutation_recheck.py runs just a run's survivors again.
#
# It never changes the working tree: it tests a copy of it (your uncommitted changes
# included), in a temporary directory, and writes only to out/mutation/ (git-ignored).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
# Pinned: another version may make other mutants, or pick other tests, and give other scores.
COSMIC_RAY_VERSION="8.7.0"
COVERAGE_VERSION="7.17.3"

# The files to mutate: the core of the library.
FILES="autograd/ops.py autograd/value.py autograd/engine.py autograd/functional.py
       autograd/compiler/codegen.py autograd/compiler/expressions.py"
# The tests that each mutant must fail. They run ~2,000 times, so only the core's own
# fast tests: never the notebooks, browser or docs tests, which take seconds each. The
# strongest and quickest first, since -x stops a run at its first failure.
TESTS="tests/test_ops.py tests/test_value.py tests/test_engine.py tests/test_functional.py
       tests/test_compiler.py tests/test_gradcheck.py tests/test_modes.py tests/test_rendering.py
       tests/test_stale_graphs.py tests/test_found_bugs.py tests/test_compiler_fallback.py
       tests/cli/test_parse.py"
if [[ -e "$ROOT/tests/test_registry.py" ]]; then
    TESTS="$TESTS tests/test_registry.py"
fi
# Tests left out: this one takes 4 s, half of what every surviving mutant would cost.
DESELECT="tests/test_engine.py::test_million_node_chain_at_default_recursion_limit"
JOBS=2  # test runs at once: this machine has 2 cores

while (($#)); do
    case "$1" in
        --files) FILES="${2:?--files needs a list of files}"; shift 2 ;;
        --tests) TESTS="${2:?--tests needs a list of test files}"; shift 2 ;;
        --jobs) JOBS="${2:?--jobs needs a number}"; shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "mutation: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
for file in $FILES $TESTS; do
    [[ -e "$ROOT/$file" ]] || { echo "mutation: no such file: $file" >&2; exit 2; }
done

# Installed here, not by hand, so that every machine runs the same versions.
for package in "cosmic-ray==$COSMIC_RAY_VERSION" "coverage==$COVERAGE_VERSION"; do
    installed="$("$PY" -c "import importlib.metadata as m; print(m.version('${package%==*}'))" 2>/dev/null || true)"
    if [[ "$installed" != "${package#*==}" ]]; then
        echo "mutation: installing $package into .venv"
        "$PY" -m pip install -q "$package"
    fi
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/chaingrad-mutation.XXXXXX")"
OUT="$ROOT/out/mutation"
PIDS=()  # the processes this script starts: stopped when it ends, however it ends
finish() {
    local status=$?
    if ((${#PIDS[@]})); then
        kill "${PIDS[@]}" 2>/dev/null || true
    fi
    if ((status == 0)); then
        rm -rf "$WORK"
    else
        echo "mutation: failed; its copies and logs are kept in $WORK" >&2
    fi
}
trap finish EXIT
trap 'exit 130' INT TERM  # so that finish sees a failure
started=$SECONDS

# copy_project DIR: the project's files as they are now (tracked or new, not ignored),
# uncommitted changes included, so that you measure the code you have.
copy_project() {
    mkdir -p "$1"
    git -C "$ROOT" ls-files -z --cached --others --exclude-standard \
        | while IFS= read -r -d '' file; do
            if [[ -e "$ROOT/$file" ]]; then printf '%s\0' "$file"; fi  # skip files deleted but not committed
        done \
        | tar -C "$ROOT" --null -T - -cf - | tar -C "$1" -xf -
}

COPY="$WORK/copy1"
copy_project "$COPY"
# The tests must import the copy's autograd, which cosmic-ray mutates, and not the one in
# $ROOT that .venv's editable install points to: PYTHONPATH comes first. Checked here.
export PYTHONPATH="$COPY" HYPOTHESIS_PROFILE=deterministic  # the same examples every run
imported="$(cd "$COPY" && "$PY" -c 'import autograd; print(autograd.__file__)')"
if [[ "$imported" != "$COPY/"* ]]; then
    echo "mutation: the copy imports $imported instead of its own autograd" >&2
    exit 1
fi
# Compiled once here. "checked-hash" .pyc files are used only while the source's hash
# matches, so a mutated file is always compiled afresh, however fast mutants follow each other.
"$PY" -m compileall -q --invalidation-mode checked-hash "$COPY/autograd" "$COPY/nn" "$COPY/tests"

# The test command. "--" ends the options: what follows are the test files, which the
# workers replace by the tests that run the mutated line (see mutation_report.py).
# shellcheck disable=SC2086,SC2116  # echo puts each list on one line
PYTEST_COMMAND="python -m pytest -x -q -p no:cacheprovider --deselect $DESELECT -- $(echo $TESTS)"
echo "mutation: the tests, unmutated and under coverage.py: $PYTEST_COMMAND"
# coverage.py records which test ran each line: the test map. Its "context" for a line
# is the node id of the test (set by mutation_report.py as a pytest plugin), or "" when
# no test ran it. ctrace: the core that supports contexts on every Python version.
cat >"$WORK/coveragerc" <<EOF
[run]
data_file = $WORK/coverage.sqlite
core = ctrace
include = $(echo $FILES | tr ' ' ',')
EOF
begin=$SECONDS
# shellcheck disable=SC2086  # a list of words
(cd "$COPY" && PYTHONPATH="$COPY:$ROOT/scripts" "$PY" -m coverage run --rcfile="$WORK/coveragerc" \
    -m pytest -p mutation_report ${PYTEST_COMMAND#python -m pytest }) >"$WORK/baseline.log" 2>&1 || {
    cat "$WORK/baseline.log" >&2
    echo "mutation: the tests fail without any mutant: fix that first" >&2
    exit 1
}
# A mutant whose tests run far longer than all of them, here (slowed by coverage.py),
# probably loops forever: it is stopped (and counted as killed: the tests noticed).
# At most 240 s, under cosmic-ray's 300 s limit for a worker's answer.
TIMEOUT=$(( (SECONDS - begin) * 2 ))
TIMEOUT=$(( TIMEOUT < 60 ? 60 : TIMEOUT > 240 ? 240 : TIMEOUT ))
echo "mutation: they pass, in $((SECONDS - begin)) s; a mutant's tests are stopped after $TIMEOUT s"
MAP="$WORK/test-map.json"
(cd "$COPY" && "$PY" "$ROOT/scripts/mutation_report.py" test-map "$WORK/coverage.sqlite" "$MAP" "$FILES" "$TESTS")

# One worker per job, each in its own copy: a worker applies a mutant to its copy's file
# while its tests run, so two workers must never share a copy.
PORTS=()
for ((job = 1; job <= JOBS; job++)); do
    copy="$WORK/copy$job"
    if ((job > 1)); then cp -a "$COPY" "$copy"; fi
    port="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    (cd "$copy" && PYTHONPATH="$copy" exec "$PY" "$ROOT/scripts/mutation_report.py" worker "$port" "$MAP") \
        >"$WORK/worker$job.log" 2>&1 &
    PIDS+=($!)
    PORTS+=("$port")
done

# cosmic-ray's configuration, made here since the options change it.
CONFIG="$WORK/cosmic-ray.toml"
SESSION="$WORK/session.sqlite"
# shellcheck disable=SC2086  # FILES is a list of words
quoted_files="$(printf '"%s", ' $FILES)"
urls="$(printf '"http://127.0.0.1:%s", ' "${PORTS[@]}")"
cat >"$CONFIG" <<EOF
[cosmic-ray]
module-path = [${quoted_files%, }]
excluded-modules = []
timeout = $TIMEOUT
test-command = "$PYTEST_COMMAND"

[cosmic-ray.distributor]
name = "http"

[cosmic-ray.distributor.http]
worker-urls = [${urls%, }]
EOF

cd "$COPY"
"$PY" -m cosmic_ray.cli init "$CONFIG" "$SESSION"
"$PY" "$ROOT/scripts/mutation_report.py" skip-annotations "$SESSION"
"$PY" "$ROOT/scripts/mutation_report.py" progress "$SESSION"

# The workers are ready when they answer on their ports (they first import torch and co.).
for ((job = 1; job <= JOBS; job++)); do
    for ((tries = 0; ; tries++)); do
        if (exec 3<>"/dev/tcp/127.0.0.1/${PORTS[job - 1]}") 2>/dev/null; then break; fi
        if ((tries > 120)) || ! kill -0 "${PIDS[job - 1]}" 2>/dev/null; then
            cat "$WORK/worker$job.log" >&2
            echo "mutation: worker $job did not start" >&2
            exit 1
        fi
        sleep 1
    done
done

# The run itself, with a progress line every minute.
"$PY" -m cosmic_ray.cli exec "$CONFIG" "$SESSION" >"$WORK/exec.log" 2>&1 &
exec_pid=$!
PIDS+=("$exec_pid")
last_report=$SECONDS
while kill -0 "$exec_pid" 2>/dev/null; do
    sleep 5
    if ((SECONDS - last_report >= 60)); then
        # (a progress line may read the database while it is being written: never fatal)
        "$PY" "$ROOT/scripts/mutation_report.py" progress "$SESSION" || true
        last_report=$SECONDS
    fi
done
wait "$exec_pid" || { cat "$WORK/exec.log" >&2; echo "mutation: cosmic-ray exec failed" >&2; exit 1; }

mkdir -p "$OUT"
cp "$SESSION" "$OUT/session.sqlite"  # for cosmic-ray's own tools: cr-report, cr-html
cp "$WORK"/worker*.log "$OUT/"  # one line per mutant: how long its tests took, how many ran
"$PY" "$ROOT/scripts/mutation_report.py" report "$SESSION" "$ROOT/scripts/mutation_equivalent.txt" "$OUT" \
    | tee "$OUT/summary.txt"
echo "mutation: done in $(( (SECONDS - started) / 60 )) min" | tee -a "$OUT/summary.txt"
