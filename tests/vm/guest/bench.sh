# Scenario bench: qosland against the kernel's default scheduler, side by
# side in one boot (bench/scenarios.sh runs it and writes the tables and
# plots). For each scheduler, in turn, the parts (all but shapes by default):
#   idle        the frame pipeline alone
#   frames      the frame pipeline under 8 x nproc CPU hogs
#   cyclic      cyclictest (no -p) under the same hogs
#   hackbench   hackbench's fixed work: its time (median of 3 runs), so throughput compares
#   hogs        8 x nproc hogs alone: their iterations per second
#   shapes      the shape matrix: the frame pipeline in each of the shapes
#               (frame_pipeline --shape: 30hz ... 240hz game chains, audio
#               callbacks) under 8 x nproc hogs, half as long as frames, one
#               shape after another; its frames and the hogs' throughput as
#               CFG_shape_SHAPE_frames / CFG_shape_SHAPE_hog. Under the
#               default scheduler each shape also runs on the idle machine
#               first (default_shapeidle_SHAPE_frames), the baseline.
# Schedulers: default (sched_ext off), each qosland policy, and qosland with
# --force-fallback (BPF decides everything); on request also POLICY_nodefer
# (--wakeup-defer-us 0: the scheduler preempts a waking task at once),
# POLICY_noorders (--no-standing-orders), POLICY_owN (--order-wakeups N,
# e.g. qos_ow32), POLICY_deferUS (--wakeup-defer-us
# US, e.g. qos_defer2000) and POLICY_holdUS (--wakeup-hold-us US, e.g.
# qos_hold5000). For qosland, its own CPU time is read during each part (each
# shape is a part of its own, shape_SHAPE), and its status lines around each
# part (the share of dispatches decided in user space).
#
# Knobs (kernel command line, or the environment on a host with sched_ext):
#   qosland.bench_seconds=S   length of the frames part (default 20; the
#                             others are half as long)
#   qosland.bench_configs=a,b which schedulers (default: all of them)
#   qosland.bench_parts=a,b   which parts, run in the order above whatever
#                             the order given (default: idle, frames,
#                             cyclic, hackbench, hogs)
#   qosland.bench_shapes=a,b  the shapes of the shapes part (default: 30hz,
#                             60hz, 120hz, 240hz, audio1333, audio5333)
#   qosland.bench_rounds=R    hackbench again in R - 1 more rounds after
#                             the parts, every scheduler in turn in each
#                             (default 1): the ratio to the default
#                             scheduler is then taken within each round,
#                             from runs a minute apart rather than many;
#                             only when hackbench is among the parts
# In the environment they are BENCH_SECONDS, BENCH_CONFIGS, BENCH_PARTS,
# BENCH_SHAPES and BENCH_ROUNDS, lists separated by spaces.
. "$(dirname "$0")/lib.sh"
arg() { sed -n "s/.*qosland\.$1=\([^ ]*\).*/\1/p" /proc/cmdline 2>/dev/null; }
S=${BENCH_SECONDS:-$(arg bench_seconds)}
S=${S:-20}
HALF=$(( (S + 1) / 2 ))
CONFIGS=${BENCH_CONFIGS:-$(arg bench_configs | tr , ' ')}
CONFIGS=${CONFIGS:-default qos vruntime fifo fallback bpf}
PARTS=${BENCH_PARTS:-$(arg bench_parts | tr , ' ')}
PARTS=${PARTS:-idle frames cyclic hackbench hogs}
SHAPES=${BENCH_SHAPES:-$(arg bench_shapes | tr , ' ')}
SHAPES=${SHAPES:-30hz 60hz 120hz 240hz audio1333 audio5333}
R=${BENCH_ROUNDS:-$(arg bench_rounds)}
R=${R:-1}
# has_part NAME: true if NAME is among the parts to run.
has_part() {
  case " $(echo $PARTS) " in *" $1 "*) return 0 ;; esac
  return 1
}
for p in $PARTS; do
  case "$p" in idle|frames|cyclic|hackbench|hogs|shapes) ;; *) say "unknown_part=$p" ;; esac
done
has_part hackbench || R=1  # the later rounds are hackbench's
# hackbench: 4 groups of 10 senders and 10 receivers (80 tasks waking one
# another), loops scaled with S so a short smoke run stays short.
HB_LOOPS=$(( S * 10 ))
say "setup: nproc=$NPROC hogs=$HOGS seconds=$S configs=$(echo $CONFIGS | tr ' ' ,) hackbench=-g4,-l$HB_LOOPS rounds=$R parts=$(echo $PARTS | tr ' ' ,) shapes=$(echo $SHAPES | tr ' ' ,)"

# part NAME COMMAND...: runs one part; for qosland, its CPU use (% of one
# CPU) and its status lines before and after.
part() {
  name=$1
  shift
  if [ -n "$QPID" ]; then
    n0=$(nr_stats_lines)
    c0=$(qosland_ticks)
    s0=$(qosland_sys_ticks)
  fi
  t0=$(now_ms)
  "$@"
  if [ -n "$QPID" ]; then
    sleep 1.1  # one more status line, covering the end of the part
    t1=$(now_ms)
    c1=$(qosland_ticks)
    s1=$(qosland_sys_ticks)
    n1=$(nr_stats_lines)
    ms=$((t1 - t0))
    [ "$ms" -gt 0 ] || ms=1
    say "${cfg}_${name}_qosland: cpu_pct=$(( (c1 - c0) * 10 * 100 / ms )).$(( (c1 - c0) * 10 * 1000 / ms % 10 )) sys_pct=$(( (s1 - s0) * 10 * 100 / ms )).$(( (s1 - s0) * 10 * 1000 / ms % 10 )) ms=$ms"
    say "${cfg}_${name}_stats_before: $(stats_line "$n0")"
    say "${cfg}_${name}_stats_after: $(stats_line "$n1")"
  fi
}

p_idle() {
  frame_pipeline --seconds "$HALF" --loops-per-ms "$LOOPS_PER_MS" > /tmp/b.frames 2>&1
  say_file "${cfg}_idle" /tmp/b.frames
}
p_frames() {
  start_load "$S" "$cfg"
  wait_load "$cfg"
}
p_cyclic() {
  hog --threads "$HOGS" --seconds $((HALF + 2)) > /dev/null 2>&1 &
  hp=$!
  run_cyclictest "$HALF" "${cfg}"
  wait "$hp"
}
# Three runs, and the median: one run varied by 5-10% within a boot, which
# was as much as the difference the target is about.
p_hackbench() {
  tag=${1:-hackbench} rc=0 runs=""
  for _ in 1 2 3; do
    h0=$(now_ms)
    hackbench -g 4 -l "$HB_LOOPS" > /tmp/b.hackbench 2>&1 || rc=$?
    h1=$(now_ms)
    runs="$runs $((h1 - h0))"
  done
  med=$(printf '%s\n' $runs | sort -n | sed -n 2p)
  say "${cfg}_$tag: rc=$rc ms=$med runs=$(echo $runs | tr ' ' ,) loops=$HB_LOOPS groups=4"
}
p_hogs() {
  hog --threads "$HOGS" --seconds "$HALF" > /tmp/b.hog 2>&1
  say_file "${cfg}_alone" /tmp/b.hog
}
# p_shape SHAPE: the frame pipeline in that shape under 8 x nproc hogs
# (prefix CFG_shape_SHAPE).
p_shape() {
  start_load "$HALF" "${cfg}_shape_$1" "$1"
  wait_load "${cfg}_shape_$1"
}
# p_shape_idle SHAPE: the same shape on the idle machine (the baseline, under
# the default scheduler only).
p_shape_idle() {
  pre="${cfg}_shapeidle_$1"
  frame_pipeline --shape "$1" --seconds "$HALF" --loops-per-ms "$LOOPS_PER_MS" > "/tmp/$pre.frames" 2>&1
  say "${pre}_frames_rc=$?"
  say_file "$pre" "/tmp/$pre.frames"
}
# The shapes part: each shape a part of its own (for qosland, its CPU use
# and status lines per shape); the idle baselines first.
p_shapes() {
  if [ "$cfg" = default ]; then
    for shape in $SHAPES; do p_shape_idle "$shape"; done
  fi
  for shape in $SHAPES; do part "shape_$shape" p_shape "$shape"; done
}

# start_config CFG: starts qosland as CFG names it (none for default);
# false if it did not come up.
start_config() {
  QPID=""
  case "$1" in
    default) ;;
    bpf) QLOG=/tmp/bench.$1.log; start_qosland --force-fallback --stats-interval 1 ;;
    *_nodefer) QLOG=/tmp/bench.$1.log; start_qosland --policy "${1%_nodefer}" --wakeup-defer-us 0 --stats-interval 1 ;;
    *_noorders) QLOG=/tmp/bench.$1.log; start_qosland --policy "${1%_noorders}" --no-standing-orders --stats-interval 1 ;;
    *_ow[0-9]*) QLOG=/tmp/bench.$1.log; start_qosland --policy "${1%_ow*}" --order-wakeups "${1##*_ow}" --stats-interval 1 ;;
    *_defer[0-9]*) QLOG=/tmp/bench.$1.log; start_qosland --policy "${1%_defer*}" --wakeup-defer-us "${1##*_defer}" --stats-interval 1 ;;
    *_hold[0-9]*) QLOG=/tmp/bench.$1.log; start_qosland --policy "${1%_hold*}" --wakeup-hold-us "${1##*_hold}" --stats-interval 1 ;;
    *) QLOG=/tmp/bench.$1.log; start_qosland --policy "$1" --stats-interval 1 ;;
  esac
  if [ -n "$QPID" ]; then
    wait_enabled 120 || return 1
    sleep 2
  fi
  return 0
}
stop_config() {
  if [ -n "$QPID" ]; then
    stop_qosland INT
    say "${cfg}_${1}qosland_rc=$QRC"
    wait_state disabled 30
  fi
}

for cfg in $CONFIGS; do
  if ! start_config "$cfg"; then
    say "${cfg}_failed=1"
    continue
  fi
  has_part idle && part idle p_idle
  has_part frames && part frames p_frames
  has_part cyclic && part cyclic p_cyclic
  has_part hackbench && part hackbench p_hackbench
  has_part hogs && part hogs p_hogs
  has_part shapes && p_shapes
  stop_config ""
  say "${cfg}_done=1"
done
# Round r starts with the r-th scheduler and goes round, so that no
# scheduler always runs right after another: in a same-boot A/B of two
# qosland configs, the one that ran second came out ahead, whichever it was
# (docs/benchmarks.md, "A hold of two slices").
r=2
while [ "$r" -le "$R" ]; do
  order=$(echo $CONFIGS | awk -v k=$((r - 1)) '{ for (i = 0; i < NF; i++) printf "%s ", $((i + k) % NF + 1) }')
  for cfg in $order; do
    if start_config "$cfg"; then
      part "hackbench_r$r" p_hackbench "hackbench_r$r"
      stop_config "r${r}_"
    else
      say "${cfg}_r${r}_failed=1"
    fi
  done
  r=$((r + 1))
done
