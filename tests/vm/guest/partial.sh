# Scenario partial: qosland --partial schedules only tasks that ask for
# SCHED_EXT. Hogs under the normal policy get no decisions from qosland; the
# same hogs under SCHED_EXT get them, and run.
. "$(dirname "$0")/lib.sh"
start_qosland --partial --stats-interval 1
wait_enabled 120 || exit 1
say "state_started=$(cat $SE/state)"
sleep 2
n0=$(nr_stats_lines)
hog --threads 4 --seconds 6 > /tmp/partial.normal 2>&1
sleep 1.5
n1=$(nr_stats_lines)
setsched ext hog --threads 4 --seconds 6 > /tmp/partial.ext 2>&1
say "ext_rc=$?"
sleep 1.5
n2=$(nr_stats_lines)
say "normal_$(cat /tmp/partial.normal)"
say "ext_$(cat /tmp/partial.ext)"
say "stats_start: $(stats_line "$n0")"
say "stats_normal: $(stats_line "$n1")"
say "stats_ext: $(stats_line "$n2")"
stop_qosland INT
say "qosland_rc=$QRC"
