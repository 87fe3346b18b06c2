#!/usr/bin/env bash
# Runs every test qosland has: installs what they need, builds, then runs the
# unit tests (also built with clang-19 under AddressSanitizer and
# UndefinedBehaviorSanitizer), the libFuzzer targets for 60 s each, the
# benchmark smoke run and the VM scenarios on both kernels (ctest; the VM
# boots run one at a time). Prints each phase's duration and
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

phase "sanitized build (clang-19: AddressSanitizer, UndefinedBehaviorSanitizer, libFuzzer)"
san=${build}-sanitize
cmake -S "$root" -B "$san" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  -DQOSLAND_BUILD_BPF=OFF -DQOSLAND_BUILD_BENCH=OFF -DQOSLAND_SANITIZE=ON -DQOSLAND_FUZZ=ON
cmake --build "$san"
phase_end "sanitized build (clang-19: AddressSanitizer, UndefinedBehaviorSanitizer, libFuzzer)"

phase "configure and build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DQOSLAND_SANITIZED_BUILD_DIR="$san"
cmake --build "$build"
phase_end "configure and build"

phase "tests"
cd "$build"
ctest --output-on-failure "$@"
phase_end "tests"
