# Scenario smoke: qosland under the full load with each policy, status lines,
# frame figures and a mid-run sched_ext state dump (SysRq-D) on the console,
# for debugging the test bed by eye.
. "$(dirname "$0")/lib.sh"
for pol in ${SMOKE_POLICIES:-fifo vruntime}; do
  qosland --policy "$pol" --stats-interval 1 -v > /tmp/smoke.q 2>&1 &
  QPID=$!
  wait_enabled 60
  sleep 2
  dmesg -c > /dev/null
  start_load 15 "load_$pol"
  sleep 8
  mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
  echo 1 > /sys/kernel/tracing/events/sched_ext/sched_ext_dump/enable
  echo D > /proc/sysrq-trigger
  sleep 1
  sed "s/^/@@ $SCENARIO trace_$pol: /" /sys/kernel/tracing/trace | grep -vE "^[^:]*: *#" | head -400
  echo 0 > /sys/kernel/tracing/events/sched_ext/sched_ext_dump/enable
  echo > /sys/kernel/tracing/trace
  wait_load "load_$pol"
  dmesg | sed "s/^/@@ $SCENARIO sysrq: /"
  kill -INT $QPID
  wait $QPID
  say "policy=$pol rc=$?"
  grep -v "^libbpf\|^[0-9]*: \|^;" /tmp/smoke.q | sed "s/^/@@ $SCENARIO q_$pol: /" | head -3000
  wait_state disabled 30
done
