#!/usr/bin/env bash
# Runs every test qosland has: installs what they need, builds, then runs the
# unit tests, the benchmark smoke run and the VM scenarios on both kernels
# (ctest; the VM boots run one at a time). Prints each phase's duration and
# ctest's summary. Extra arguments go to ctest (e.g. -L unit, -L vm).
#   sudo bash tests/run_all.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${QOSLAND_BUILD_DIR:-$root/build}

phase() { printf '\n=== %s\n' "$1"; phase_start=$(date +%s); }
phase_end() { printf '=== %s: %d s\n' "$1" $(( $(date +%s) - phase_start )); }

phase "install dependencies"
bash "$root/.ci/install-deps.sh"
phase_end "install dependencies"

phase "configure and build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build"
phase_end "configure and build"

phase "tests"
cd "$build"
ctest --output-on-failure "$@"
phase_end "tests"
