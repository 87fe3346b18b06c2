# Scenario shapes: frame chains of every shape (frame_pipeline --shape:
# 30 Hz heavy, 60, 120 and 240 Hz, audio-like every 1.33 and 5.33 ms)
# under 8 x nproc hogs, first under the kernel's default scheduler, then
# under qosland's qos policy with its standing orders, in one boot. The
# host (check.py) asserts only what does not depend on the machine's speed:
# orders dispatched the chain's wakeups, the policy decided (at once or
# ahead) at least 95% of the workload's dispatches, BPF never fell back,
# and qos missed fewer frames than the default scheduler in every shape.
# bench/scenarios.sh --parts shapes measures the same, with the idle
# machine, --no-standing-orders and --force-fallback beside it.
. "$(dirname "$0")/lib.sh"
SHAPES=${SHAPES_LIST:-30hz 60hz 120hz 240hz audio1333 audio5333}
D=${SHAPES_SECONDS:-5}

# run_shape PREFIX SHAPE: the shape under hogs; lines PREFIX_<shape>_...
run_shape() {
  start_load "$D" "$1_$2" "$2"
  wait_load "$1_$2"
}

for shape in $SHAPES; do run_shape default "$shape"; done

QLOG=/tmp/shapes.qos.log
start_qosland --policy qos --stats-interval 1
wait_enabled 120 || exit 1
sleep 2
for shape in $SHAPES; do
  n0=$(nr_stats_lines)
  run_shape qos "$shape"
  sleep 1.1  # one more status line, covering the end of the run
  n1=$(nr_stats_lines)
  say "qos_${shape}_stats_before: $(stats_line "$n0")"
  say "qos_${shape}_stats_after: $(stats_line "$n1")"
done
stop_qosland INT
say "qosland_rc=$QRC"
wait_state disabled 30
