#!/usr/bin/env bash
# qosland's demo: a game-like 60 Hz frame pipeline, and a 120 Hz one, under
# 8 x nproc CPU hogs, first with the kernel's default scheduler, then with
# qosland, side by side.
# On a kernel with sched_ext (as root) it runs right here; otherwise it boots
# a Debian sched_ext kernel in QEMU and runs there. Installs what it needs.
#   sudo bash bench/demo.sh            # QOSLAND_DEMO_VM=1 forces the VM
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${QOSLAND_BUILD_DIR:-$root/build}
kernel=${QOSLAND_DEMO_KERNEL:-linux-binary-7.3.4+deb13-amd64}

bash "$root/.ci/install-deps.sh" >/dev/null
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" >/dev/null
log=$build/demo.log

if [ -z "${QOSLAND_DEMO_VM:-}" ] && [ -e /sys/kernel/sched_ext/state ] && [ "$(id -u)" -eq 0 ]; then
  echo "demo: this kernel has sched_ext: running here (about 2 minutes)"
  export PATH="$build/cli:$build/tests/workloads:$PATH"
  LOOPS_PER_MS=$(frame_pipeline --calibrate | sed 's/.*loops_per_ms=//')
  export LOOPS_PER_MS SCENARIO=demo
  sh "$root/tests/vm/guest/demo.sh" | tee "$log" | grep --line-buffered -E '^@@ demo (idle|default|qosland)(120)?_frames' || true
else
  echo "demo: this kernel has no sched_ext: booting $kernel in QEMU (about 3 minutes)"
  # A host thread per vCPU: latencies are then the scheduler's, not the
  # emulator's (see tests/vm/run-vm.sh).
  bash "$root/tests/vm/run-vm.sh" --build "$build" --kernel "$kernel" --scenarios demo --log "$log" \
    --timeout 900 --tcg-threads multi
fi
python3 "$root/tests/vm/report.py" "$log"
