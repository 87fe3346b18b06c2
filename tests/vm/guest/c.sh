# Scenario c: the clear-error cases. A second qosland while one is loaded, and
# qosland run by a user who is not root: one sentence, non-zero exit, and the
# running qosland is not disturbed.
. "$(dirname "$0")/lib.sh"
dmesg -c > /dev/null
start_qosland --stats-interval 1
wait_enabled 120 || exit 1
say "state_started=$(cat $SE/state)"
qosland --exit-after 5 > /tmp/c.second 2>&1
say "second_rc=$?"
say "second_lines=$(wc -l < /tmp/c.second)"
say "second_msg: $(head -n1 /tmp/c.second)"
runas 65534 65534 qosland --exit-after 5 > /tmp/c.nonroot 2>&1
say "nonroot_rc=$?"
say "nonroot_lines=$(wc -l < /tmp/c.nonroot)"
say "nonroot_msg: $(head -n1 /tmp/c.nonroot)"
say "state_after=$(cat $SE/state)"
say "ops_after=$(cat $SE/root/ops 2>/dev/null)"
stop_qosland INT
say "qosland_rc=$QRC"
dump_dmesg
