#!/usr/bin/env bash
# Builds the bench, checks every variant accepts/refuses the same tokens, then
# measures everything and prints the Markdown tables (also written to
# bench/target/results.md). Options are passed to `bench all`, e.g.
#   ./run.sh --wrk-secs 5 --runs 7 --algs RS256 --only axum-scopeguard-layer --skip-wrk
set -euo pipefail
cd "$(dirname "$0")"
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)"; exit 1; }
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }
cargo build --release --quiet
# Run a copy: a rebuild during the run must not swap the binary under it.
cp target/release/bench target/bench-run
./target/bench-run mint
./target/bench-run check > target/check.txt || { cat target/check.txt; exit 1; }
echo "check: every variant answers 200 to the valid token and refuses the 6 bad ones" >&2
./target/bench-run all "$@"
