# Helpers for the guest scenarios (sourced). Every result goes out as a line
# "@@ <scenario> <key>=<value>" or "@@ <scenario> <tag>: k=v ..." for the host
# (tests/vm/check.py) to judge; scenarios report facts, the host decides.
SE=/sys/kernel/sched_ext
NPROC=$(nproc)
HOGS=$((8 * NPROC))
QLOG=/tmp/$SCENARIO.qosland.log

say() { echo "@@ $SCENARIO $*"; }
# say_file PREFIX FILE: each line of a workload's report, as "PREFIX_<line>".
say_file() { while read -r l; do say "$1_$l"; done < "$2"; }

now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# wait_state STATE SECONDS: until /sys/kernel/sched_ext/state reads STATE.
wait_state() {
  i=0
  while [ "$(cat $SE/state 2>/dev/null)" != "$1" ]; do
    i=$((i + 1))
    [ $i -gt $(($2 * 10)) ] && return 1
    sleep 0.1
  done
  return 0
}

# wait_enabled SECONDS: until qosland is enabled; gives up early if it died.
wait_enabled() {
  i=0
  while [ "$(cat $SE/state 2>/dev/null)" != "enabled" ]; do
    i=$((i + 1))
    kill -0 "$QPID" 2>/dev/null || { say "qosland_died_at_start=1"; dump_log; return 1; }
    [ $i -gt $(($1 * 10)) ] && return 1
    sleep 0.1
  done
  return 0
}

start_qosland() {
  # Runtime tags persist across runs (/var/lib/qosland/tags.json): a scenario
  # that sets them (tags) removes them; no other scenario starts with any.
  [ "$SCENARIO" = tags ] || rm -f /var/lib/qosland/tags.json
  qosland "$@" > "$QLOG" 2>&1 &
  QPID=$!
}

# stop_qosland SIGNAL: signal it, wait up to 60 s, then kill -9. Sets QRC.
stop_qosland() {
  kill -"$1" "$QPID" 2>/dev/null
  wait_pid "$QPID" 60
  QRC=$WRC
}

# CPU time qosland has used so far, in clock ticks (utime + stime; 100 per s).
qosland_ticks() { awk '{ print $14 + $15 }' "/proc/$QPID/stat" 2>/dev/null || echo 0; }
# Of which in the kernel (stime): system calls, and the sched_ext callbacks
# that run in its context (a CPU it leaves drains the decisions it sent).
qosland_sys_ticks() { awk '{ print $15 }' "/proc/$QPID/stat" 2>/dev/null || echo 0; }

# The n-th "stats:" line of qosland's log, without the prefix (n >= 1).
stats_line() {
  grep '^stats:' "$QLOG" | sed -n "${1}p" | sed 's/^stats: //'
}
nr_stats_lines() { grep -c '^stats:' "$QLOG"; }

# start_load SECONDS PREFIX [SHAPE]: 8 x nproc hogs and the frame pipeline
# (60 Hz, or frame_pipeline's --shape SHAPE), in the background; results in
# /tmp/PREFIX.hog and /tmp/PREFIX.frames.
start_load() {
  hog --threads "$HOGS" --seconds "$1" > "/tmp/$2.hog" 2>&1 &
  HOG_PID=$!
  frame_pipeline --seconds "$1" --loops-per-ms "$LOOPS_PER_MS" ${3:+--shape "$3"} > "/tmp/$2.frames" 2>&1 &
  FRAMES_PID=$!
}
# wait_pid PID SECONDS: waits for a background job; kill -9 after SECONDS
# (reported as <name>_hung=1). Sets WRC to its exit status.
wait_pid() {
  i=0
  while kill -0 "$1" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt $(($2 * 10)) ]; then
      say "pid_$1_hung=1"
      kill -9 "$1"
      break
    fi
    sleep 0.1
  done
  wait "$1"
  WRC=$?
}

# wait_load PREFIX: waits for both (bounded), reports their lines and exit codes.
wait_load() {
  wait_pid "$HOG_PID" 120; hog_rc=$WRC
  wait_pid "$FRAMES_PID" 120; frames_rc=$WRC
  say "$1_hog_rc=$hog_rc"
  say "$1_frames_rc=$frames_rc"
  say_file "$1" "/tmp/$1.hog"
  say_file "$1" "/tmp/$1.frames"
}

# run_cyclictest SECONDS PREFIX: wakeup latency of a periodic (1 ms) thread,
# never with -p: a real-time cyclictest is not scheduled by sched_ext, so it
# would measure nothing. Reports avg, p99 (from a 1 us histogram, overflows
# counted above it) and max, in microseconds. cyclictest pads its numbers
# with zeros, which busybox awk would read as octal: dec() strips them.
#
# cyclictest's latency runs from when its timer was due, so it includes how
# late the timer fired, which is the emulator's doing, not the scheduler's.
# The scheduler's own share is traced at the same time (PREFIX_sched_wakeup):
# from the kernel's sched_waking of cyclictest's thread to its sched_switch
# onto a CPU.
run_cyclictest() {
  cyclictest -t1 -i 1000 -D "$1" -q -h 50000 > /tmp/cyclic.out 2>/dev/null &
  cpid=$!
  trace_wakeups_start "$cpid"
  wait "$cpid"
  trace_wakeups_stop "$2"
  awk -v tag="$2" '
    function dec(s) { sub(/^0+/, "", s); return s + 0 }
    /^[0-9]+[ \t]+[0-9]+/ { n[dec($1)] = dec($2); total += dec($2) }
    /^# Avg Latencies:/ { avg = dec($4) }
    /^# Max Latencies:/ { max = dec($4) }
    /^# Histogram Overflows:/ { over = dec($4) }
    END {
      total += over; want = total * 0.99; seen = 0; p99 = -1
      for (us = 0; us < 50000 && p99 < 0; us++) { seen += n[us]; if (seen >= want) p99 = us }
      if (p99 < 0) p99 = max
      printf "%s_cyclic: samples=%d avg_us=%d p99_us=%d max_us=%d\n", tag, total, avg, p99, max
    }' /tmp/cyclic.out | while read -r l; do say "$l"; done
}

TRACE=/sys/kernel/tracing
# trace_wakeups_start PID: traces the wakeups of PID's second thread (the
# one cyclictest measures with).
trace_wakeups_start() {
  [ -d $TRACE/events ] || mount -t tracefs nodev $TRACE 2>/dev/null
  TRACED_TID=""
  i=0
  while [ -z "$TRACED_TID" ] && [ $i -lt 50 ]; do
    TRACED_TID=$(ls /proc/"$1"/task 2>/dev/null | grep -vx "$1" | head -n1)
    i=$((i + 1))
    [ -z "$TRACED_TID" ] && sleep 0.05
  done
  [ -n "$TRACED_TID" ] && [ -d $TRACE/events/sched ] || return 0
  echo 0 > $TRACE/tracing_on
  echo > $TRACE/trace
  echo 4096 > $TRACE/buffer_size_kb
  echo "pid == $TRACED_TID" > $TRACE/events/sched/sched_waking/filter
  echo "next_pid == $TRACED_TID" > $TRACE/events/sched/sched_switch/filter
  echo 1 > $TRACE/events/sched/sched_waking/enable
  echo 1 > $TRACE/events/sched/sched_switch/enable
  echo 1 > $TRACE/tracing_on
}

# trace_wakeups_stop PREFIX: says PREFIX_sched_wakeup: n, p50, p99 and max
# in microseconds (n=0 when tracing was unavailable).
trace_wakeups_stop() {
  if [ -z "$TRACED_TID" ] || [ ! -d $TRACE/events/sched ]; then
    say "$1_sched_wakeup: n=0"
    return
  fi
  echo 0 > $TRACE/tracing_on
  echo 0 > $TRACE/events/sched/sched_waking/enable
  echo 0 > $TRACE/events/sched/sched_switch/enable
  echo 0 > $TRACE/events/sched/sched_waking/filter
  echo 0 > $TRACE/events/sched/sched_switch/filter
  grep -v '^#' $TRACE/trace | awk '
    { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { ts = substr($i, 1, length($i) - 1); break } }
    / sched_waking: / { w = ts; next }
    / sched_switch: / && w != "" { printf "%d\n", (ts - w) * 1000000; w = "" }' |
    sort -n > /tmp/wakeups.us
  echo > $TRACE/trace
  awk -v tag="$1" '{ v[NR] = $1 }
    END {
      if (NR == 0) { printf "%s_sched_wakeup: n=0\n", tag; exit }
      printf "%s_sched_wakeup: n=%d p50_us=%d p99_us=%d max_us=%d\n", tag, NR,
        v[int((NR + 1) * 0.5)], v[int(NR * 0.99) > 0 ? int(NR * 0.99) : 1], v[NR]
    }' /tmp/wakeups.us | while read -r l; do say "$l"; done
}

dump_dmesg() {
  dmesg | grep -i 'sched_ext' | while read -r l; do say "dmesg: $l"; done
}
# qosland's log without libbpf's load-time chatter (-v): status lines, exit
# reason and, after an error exit, the kernel's state dump.
dump_log() {
  grep -v '^libbpf: ' "$QLOG" | while read -r l; do say "log: $l"; done
}
