# Scenario smoke: qosland with its output on the console under the full load,
# for debugging the test bed by eye.
. "$(dirname "$0")/lib.sh"
( while :; do echo "@@ $SCENARIO mon: $(cat /proc/loadavg) $(grep procs_ /proc/stat | tr '\n' ' ') se=$(cat $SE/state)"; sleep 1; done ) &
MON=$!
qosland --stats-interval 1 -v > /tmp/smoke.q 2>&1 &
QPID=$!
sleep 8
say "state=$(cat $SE/state) ops=$(cat $SE/root/ops 2>/dev/null)"
start_load 10 load
wait_load load
kill -INT $QPID
sleep 5
kill $MON
grep -v "^libbpf\|^[0-9]*: \|^;" /tmp/smoke.q | sed "s/^/@@ $SCENARIO q: /" | head -400
say "state_end=$(cat $SE/state)"
dmesg | grep sched_ext | sed "s/^/@@ $SCENARIO dmesg: /"
