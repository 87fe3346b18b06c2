# Scenario health: qosland's own threads take no page faults in steady
# state. Under 8 x nproc hogs and the frame pipeline, after 10 s of
# warm-up, the minor and major fault counts of every qosland thread
# (/proc/PID/task/*/stat fields 10 and 12) must not grow over 20 s.
. "$(dirname "$0")/lib.sh"
# faults: minor + major faults of all of qosland's threads, and their number.
faults() {
  cat /proc/"$QPID"/task/*/stat 2>/dev/null |
    awk '{ sub(/^.*\) /, ""); minor += $8; major += $10; n++ } END { printf "minor=%d major=%d threads=%d\n", minor, major, n }'
}
start_qosland --stats-interval 1
wait_enabled 120 || exit 1
start_load 32 load
sleep 10
say "faults_warm: $(faults)"
n0=$(nr_stats_lines)
sleep 20
say "faults_end: $(faults)"
n1=$(nr_stats_lines)
wait_load load
say "stats_warm: $(stats_line "$n0")"
say "stats_end: $(stats_line "$n1")"
stop_qosland INT
say "qosland_rc=$QRC"
wait_state disabled 30
