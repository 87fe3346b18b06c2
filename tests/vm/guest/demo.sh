# The demo: the game-like frame pipeline alone, then under 8 x nproc CPU hogs
# with the kernel's default scheduler, then under the same hogs with qosland.
# Runs in the VM or, on a kernel with sched_ext, on the host (bench/demo.sh).
. "$(dirname "$0")/lib.sh"
SECONDS_PER_RUN=${DEMO_SECONDS:-20}
say "nproc=$NPROC hogs=$HOGS seconds=$SECONDS_PER_RUN"

frame_pipeline --seconds 10 --loops-per-ms "$LOOPS_PER_MS" > /tmp/idle.frames 2>&1
say_file idle /tmp/idle.frames

start_load "$SECONDS_PER_RUN" default
wait_load default

start_qosland --stats-interval 1
wait_enabled 120 || exit 1
sleep 2
n0=$(nr_stats_lines)
start_load "$SECONDS_PER_RUN" qosland
wait_load qosland
n1=$(nr_stats_lines)
say "stats_before: $(stats_line "$n0")"
say "stats_after: $(stats_line "$n1")"
stop_qosland INT
say "qosland_rc=$QRC"
