# The demo: a game's 60 Hz frame pipeline, and a 120 Hz one beside it (a
# faster game: half the work in half the period, three workers), each alone,
# then under 8 x nproc CPU hogs with the kernel's default scheduler, then
# under the same hogs with qosland. Runs in the VM or, on a kernel with
# sched_ext, on the host (bench/demo.sh).
. "$(dirname "$0")/lib.sh"
SECONDS_PER_RUN=${DEMO_SECONDS:-20}
HALF=$(( (SECONDS_PER_RUN + 1) / 2 ))
say "nproc=$NPROC hogs=$HOGS seconds=$SECONDS_PER_RUN seconds_120hz=$HALF"

frame_pipeline --seconds 10 --loops-per-ms "$LOOPS_PER_MS" > /tmp/idle.frames 2>&1
say_file idle /tmp/idle.frames
frame_pipeline --seconds "$HALF" --shape 120hz --loops-per-ms "$LOOPS_PER_MS" > /tmp/idle120.frames 2>&1
say_file idle120 /tmp/idle120.frames

start_load "$SECONDS_PER_RUN" default
wait_load default
start_load "$HALF" default120 120hz
wait_load default120

start_qosland --stats-interval 1
wait_enabled 120 || exit 1
sleep 2
n0=$(nr_stats_lines)
start_load "$SECONDS_PER_RUN" qosland
wait_load qosland
n1=$(nr_stats_lines)
start_load "$HALF" qosland120 120hz
wait_load qosland120
sleep 1.1  # one more status line, covering the end of the run
n2=$(nr_stats_lines)
say "stats_before: $(stats_line "$n0")"
say "stats_after: $(stats_line "$n1")"
say "stats120_after: $(stats_line "$n2")"
stop_qosland INT
say "qosland_rc=$QRC"
