# Scenario stall: qosland's user space stops (kill -STOP) for 10 s
# (max(10 s, 2 x timeout_ms)) under 8 x nproc hogs and the frame pipeline.
# BPF must notice, schedule alone, keep every task running and the
# scheduler loaded, and hand back to user space after kill -CONT. Then
# --force-fallback (BPF decides everything) under the same load, beside the
# idle machine's frames.
. "$(dirname "$0")/lib.sh"

frame_pipeline --seconds 10 --loops-per-ms "$LOOPS_PER_MS" > /tmp/sidle.frames 2>&1
say_file idle /tmp/sidle.frames

start_qosland --stats-interval 1
wait_enabled 60 || exit 1
sleep 2
n0=$(nr_stats_lines)
start_load 30 stop
sleep 6
n1=$(nr_stats_lines)
kill -STOP "$QPID"
say "stopped_at=$(now_ms)"
sleep 5
say "state_while_stopped=$(cat $SE/state)"
sleep 5
kill -CONT "$QPID"
say "continued_at=$(now_ms)"
sleep 4
n2=$(nr_stats_lines)
wait_load stop
sleep 1
n3=$(nr_stats_lines)
say "state_after=$(cat $SE/state)"
say "before_stop: $(stats_line "$n1")"
say "after_cont: $(stats_line "$n2")"
say "at_end: $(stats_line "$n3")"
say "at_start: $(stats_line "$n0")"
stop_qosland INT
say "qosland_rc=$QRC"
wait_state disabled 30
dump_dmesg

# BPF alone.
QLOG=/tmp/stall.force.log
start_qosland --force-fallback --stats-interval 1
wait_enabled 60 || exit 1
sleep 2
start_load 20 force
wait_load force
say "force_stats: $(stats_line "$(nr_stats_lines)")"
stop_qosland INT
say "force_qosland_rc=$QRC"
wait_state disabled 30
