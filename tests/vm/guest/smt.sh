# Scenario smt (booted with -smp 4,cores=2,threads=2): qosland hands BPF the
# topology the guest's sysfs shows, and BPF uses it on the wakeup path: under
# a light load, waking tasks land on fully idle cores; tasks pinned to a few
# CPUs are still scheduled, among 8 x nproc hogs.
. "$(dirname "$0")/lib.sh"
dmesg -c > /dev/null
for d in /sys/devices/system/cpu/cpu[0-9]*; do
  llc=none
  idx=$(ls -d "$d"/cache/index* 2>/dev/null | sort | tail -1)
  [ -n "$idx" ] && llc=$(cat "$idx/shared_cpu_list")
  say "sysfs_$(basename "$d"): siblings=$(cat "$d/topology/thread_siblings_list") llc=$llc"
done
start_qosland --stats-interval 1
wait_enabled 120 || exit 1
say "topology=$(sed -n 's/.*topology: //p' "$QLOG" | head -1)"
sleep 2
n0=$(nr_stats_lines)
# Half the CPUs busy: waking frame threads find idle CPUs and idle cores.
hog --threads $((NPROC / 2)) --seconds 15 > /tmp/light.hog 2>&1 &
HOG_PID=$!
frame_pipeline --seconds 15 --loops-per-ms "$LOOPS_PER_MS" > /tmp/light.frames 2>&1 &
FRAMES_PID=$!
wait_load light
sleep 1.5
n1=$(nr_stats_lines)
# Affinity: one hog pinned to CPU 0, the pipeline to CPUs 2-3, under hogs.
hog --threads "$HOGS" --seconds 12 > /dev/null 2>&1 &
others=$!
taskset 0x1 hog --threads 1 --seconds 10 > /tmp/pinned.hog 2>&1 &
HOG_PID=$!
taskset 0xc frame_pipeline --seconds 10 --loops-per-ms "$LOOPS_PER_MS" > /tmp/pinned.frames 2>&1 &
FRAMES_PID=$!
wait_load pinned
wait_pid "$others" 60
say "light_stats_before: $(stats_line "$n0")"
say "light_stats_after: $(stats_line "$n1")"
stop_qosland INT
say "qosland_rc=$QRC"
wait_state disabled 30
dump_dmesg
