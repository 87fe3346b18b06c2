# Scenario a: qosland schedules through user space under 8 x nproc hogs plus
# the frame pipeline, then unloads cleanly on SIGINT.
. "$(dirname "$0")/lib.sh"
dmesg -c > /dev/null
start_qosland --stats-interval 1 -v
wait_enabled 120 || exit 1
say "state_started=$(cat $SE/state)"
say "ops=$(cat $SE/root/ops 2>/dev/null)"
sleep 2
n0=$(nr_stats_lines)
start_load 20 load
wait_load load
n1=$(nr_stats_lines)
say "stats_before: $(stats_line "$n0")"
say "stats_after: $(stats_line "$n1")"
stop_qosland INT
say "qosland_rc=$QRC"
wait_state disabled 30
say "state_stopped=$(cat $SE/state)"
dump_dmesg
dump_log
