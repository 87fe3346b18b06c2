# Scenario b: kill -9 qosland under load: the kernel reverts to its default
# scheduler and the workload runs to the end.
. "$(dirname "$0")/lib.sh"
dmesg -c > /dev/null
start_qosland --stats-interval 1 -v
wait_enabled 120 || exit 1
say "state_started=$(cat $SE/state)"
start_load 20 load
sleep 8
t0=$(now_ms)
kill -9 "$QPID"
wait_state disabled 30
say "state_after_kill=$(cat $SE/state)"
say "revert_ms=$(($(now_ms) - t0))"
wait "$QPID"
say "qosland_rc=$?"
wait_load load
dump_dmesg
