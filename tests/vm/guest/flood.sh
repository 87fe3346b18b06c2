# Scenario flood: short-lived processes spawned as fast as possible for
# 20 s, beside 8 x nproc hogs, the frame pipeline and hackbench (hundreds of
# tasks waking one another), with a ring buffer of one page (--ring-size 4096, about 40
# records): the ring fills, BPF dispatches what does not fit itself
# (congested), and every spawned process completes.
. "$(dirname "$0")/lib.sh"
dmesg -c > /dev/null
start_qosland --ring-size 4096 --stats-interval 1 -v
wait_enabled 120 || exit 1
sleep 1
n0=$(nr_stats_lines)
hog --threads "$HOGS" --seconds 25 > /tmp/flood.hog 2>&1 &
HOG_PID=$!
frame_pipeline --seconds 25 --loops-per-ms "$LOOPS_PER_MS" > /tmp/flood.frames 2>&1 &
FRAMES_PID=$!
hackbench -g 10 -f 20 -l 300 > /tmp/flood.hackbench 2>&1 &
HB_PID=$!
spawner --seconds 20 --parallel 32 > /tmp/flood.spawn 2>&1
say "spawner_rc=$?"
wait_pid "$HB_PID" 120
say "hackbench_rc=$WRC"
say_file flood /tmp/flood.spawn
wait_pid "$HOG_PID" 120
say "hog_rc=$WRC"
say_file flood /tmp/flood.hog
wait_pid "$FRAMES_PID" 120
say "frames_rc=$WRC"
say_file flood /tmp/flood.frames
n1=$(nr_stats_lines)
say "state_after=$(cat $SE/state)"
say "stats_before: $(stats_line "$n0")"
say "stats_after: $(stats_line "$n1")"
stop_qosland INT
say "qosland_rc=$QRC"
wait_state disabled 30
dump_log
dump_dmesg
