#!/usr/bin/env bash
# qosland's end-to-end benchmarks, side by side with the kernel's default
# scheduler in one run: the frame pipeline idle and under 8 x nproc hogs,
# cyclictest under hogs, hackbench's time, and hog throughput, under the
# default scheduler, each qosland policy and qosland forced into its BPF
# fallback, with qosland's own CPU use and the share of dispatches it decided
# in user space (tests/vm/guest/bench.sh); on request (--parts shapes) the
# shape matrix: the frame pipeline as 30-240 Hz game chains and audio
# callbacks under the same hogs, against the same shapes on the idle machine.
# On a kernel with sched_ext (as
# root) it runs right here; otherwise it boots each Debian sched_ext kernel in
# QEMU (one boot per kernel, a host thread per vCPU). Writes bench.json,
# bench.md (tables, ratios to the default scheduler) and frames-KERNEL.png
# (frame latency distributions) to the output directory. Installs what it
# needs (as root).
#
#   sudo bash bench/scenarios.sh [--seconds 20] [--configs "default qos bpf"]
#                                [--parts "idle frames cyclic hackbench hogs shapes"]
#                                [--shapes "30hz 60hz 120hz 240hz audio1333 audio5333"]
#                                [--kernels "7.3 6.16"] [--rounds 3] [--out DIR] [--no-build]
#   --parts: which parts run for each scheduler (default: all but shapes);
#   --shapes: the shapes of the shapes part (default: all six above), each
#   about seconds / 2 + 3 s per scheduler, plus once more on the idle machine.
#   e.g. --parts shapes --configs "default qos qos_noorders bpf"
#   --rounds R: after the parts, hackbench again in R - 1 rounds, every
#   scheduler in turn in each; its ratios are then taken round by round
#   (runs a minute apart) and the median reported with their range. The
#   emulator's speed drifts by 10-15% over minutes, as much as the 0.90
#   target's margin. Default 3.
#   QOSLAND_BENCH_VM=1 forces the VM; --no-build uses the build as it is (CI).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${QOSLAND_BUILD_DIR:-$root/build}
seconds=20 configs="" parts="" shapes="" kernels="7.3 6.16" out="" do_build=1 rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --configs) configs=$2; shift 2 ;;
    --parts) parts=$2; shift 2 ;;
    --shapes) shapes=$2; shift 2 ;;
    --kernels) kernels=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    *) echo "scenarios: unknown argument $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done
case "$seconds" in ''|*[!0-9]*|0) echo "scenarios: --seconds takes a whole number of seconds, not '$seconds'" >&2; exit 2 ;; esac
case "$rounds" in ''|*[!0-9]*|0) echo "scenarios: --rounds takes a whole number of rounds, not '$rounds'" >&2; exit 2 ;; esac
for p in $parts; do
  case "$p" in idle|frames|cyclic|hackbench|hogs|shapes) ;;
    *) echo "scenarios: unknown part '$p' (idle, frames, cyclic, hackbench, hogs or shapes)" >&2; exit 2 ;; esac
done
for s in $shapes; do
  case "$s" in 30hz|60hz|120hz|240hz|audio1333|audio5333) ;;
    *) echo "scenarios: unknown shape '$s' (30hz, 60hz, 120hz, 240hz, audio1333 or audio5333)" >&2; exit 2 ;; esac
done
out=${out:-$build/bench-results}
mkdir -p "$out"

if [ "$do_build" = 1 ]; then
  bash "$root/.ci/install-deps.sh" > /dev/null
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
  cmake --build "$build" > /dev/null
fi

package_of() {
  case "$1" in
    7.3) echo linux-binary-7.3.4+deb13-amd64 ;;
    6.16) echo linux-image-6.16.12+deb13-amd64 ;;
    linux-*) echo "$1" ;;
    *) echo "scenarios: unknown kernel '$1' (7.3, 6.16 or a Debian package name)" >&2; return 1 ;;
  esac
}

runs=()
start=$(date +%s)
if [ -z "${QOSLAND_BENCH_VM:-}" ] && [ -e /sys/kernel/sched_ext/state ] && [ "$(id -u)" -eq 0 ]; then
  echo "scenarios: this kernel has sched_ext: running here"
  log=$out/bench-host.log
  (
    export PATH="$build/cli:$build/tests/workloads:$PATH" SCENARIO=bench
    export BENCH_SECONDS=$seconds BENCH_CONFIGS=$configs BENCH_ROUNDS=$rounds BENCH_PARTS=$parts BENCH_SHAPES=$shapes
    LOOPS_PER_MS=$(frame_pipeline --calibrate | sed 's/.*loops_per_ms=//')
    export LOOPS_PER_MS
    sh "$root/tests/vm/guest/bench.sh"
  ) > "$log" 2>&1
  runs+=("host=$log")
else
  nconf=$(echo "${configs:-default qos vruntime fifo fallback bpf}" | wc -w)
  # How long it takes (est_s; the estimate shown) and how long the VM may
  # take (timeout_s), from what runs: the first five parts for each
  # scheduler, the later hackbench rounds (only with hackbench), and the
  # shapes (HALF + 3 s each for each scheduler, and once more for the idle
  # runs under the default scheduler).
  all_parts=" $(echo ${parts:-idle frames cyclic hackbench hogs}) "
  nshapes=0
  case "$all_parts" in *" shapes "*) nshapes=$(echo ${shapes:-30hz 60hz 120hz 240hz audio1333 audio5333} | wc -w) ;; esac
  est_s=$(( (nconf + 1) * nshapes * ((seconds + 1) / 2 + 3) ))
  timeout_s=$(( 300 + 2 * est_s ))
  case "$all_parts" in *" idle "*|*" frames "*|*" cyclic "*|*" hackbench "*|*" hogs "*)
    est_s=$(( est_s + nconf * (3 * seconds + 40) )); timeout_s=$(( timeout_s + nconf * (5 * seconds + 90) )) ;; esac
  hb_rounds=""
  case "$all_parts" in *" hackbench "*)
    hb_rounds=", $rounds rounds of hackbench"
    est_s=$(( est_s + (rounds - 1) * nconf * (seconds + 20) ))
    timeout_s=$(( timeout_s + (rounds - 1) * nconf * (3 * seconds + 60) )) ;; esac
  for k in $kernels; do
    pkg=$(package_of "$k")
    name=${k#linux-*-}
    log=$out/bench-$name.log
    echo "scenarios: booting $pkg in QEMU ($nconf schedulers, parts $(echo $all_parts | tr ' ' ,)$hb_rounds, about $(( est_s / 60 + 1 )) minutes)"
    bash "$root/tests/vm/run-vm.sh" --build "$build" --kernel "$pkg" --scenarios bench --log "$log" \
      --timeout "$timeout_s" --tcg-threads multi \
      --append "qosland.bench_seconds=$seconds qosland.bench_rounds=$rounds${configs:+ qosland.bench_configs=$(echo $configs | tr ' ' ,)}${parts:+ qosland.bench_parts=$(echo $parts | tr ' ' ,)}${shapes:+ qosland.bench_shapes=$(echo $shapes | tr ' ' ,)}"
    runs+=("$name=$log")
  done
fi
echo "scenarios: ran for $(( $(date +%s) - start )) s; results in $out"
python3 "$root/bench/report.py" "$out" "${runs[@]}"
