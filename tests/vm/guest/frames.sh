# Scenario frames: the frame pipeline, and cyclictest (no -p), under 8 x nproc
# hogs with the kernel's default scheduler and with each qosland policy, in
# one boot, so the figures compare (TCG timing is noisy: never compare across
# boots). Also, for reference: the pipeline and cyclictest on the idle
# machine (the emulator's own floor), and the hogs alone (their throughput
# without the pipeline's share of the CPU).
. "$(dirname "$0")/lib.sh"
SECONDS_PER_RUN=${FRAMES_SECONDS:-20}
frame_pipeline --seconds 10 --loops-per-ms "$LOOPS_PER_MS" > /tmp/idle.frames 2>&1
say_file idle /tmp/idle.frames
run_cyclictest 10 idle
start_load "$SECONDS_PER_RUN" default
wait_load default
hog --threads "$HOGS" --seconds 8 > /tmp/default_alone.hog 2>&1
say_file default_alone /tmp/default_alone.hog
hog --threads "$HOGS" --seconds 12 > /dev/null &
run_cyclictest 10 default
wait
for pol in qos vruntime; do
  QLOG=/tmp/$SCENARIO.$pol.log
  start_qosland --policy "$pol" --stats-interval 1
  wait_enabled 120 || exit 1
  sleep 2
  n0=$(nr_stats_lines)
  c0=$(qosland_ticks)
  start_load "$SECONDS_PER_RUN" "$pol"
  wait_load "$pol"
  c1=$(qosland_ticks)
  n1=$(nr_stats_lines)
  # qosland's own CPU use while the load ran, in % of one CPU.
  say "${pol}_qosland_cpu_pct=$(( (c1 - c0) * 100 / (SECONDS_PER_RUN * 100) ))"
  if [ "$pol" = qos ]; then
    hog --threads "$HOGS" --seconds 8 > /tmp/qos_alone.hog 2>&1
    say_file qos_alone /tmp/qos_alone.hog
    hog --threads "$HOGS" --seconds 12 > /dev/null &
    n2=$(nr_stats_lines)
    run_cyclictest 10 qos
    n3=$(nr_stats_lines)
    wait $!
    say "qos_cyclic_stats_before: $(stats_line "$n2")"
    say "qos_cyclic_stats_after: $(stats_line "$n3")"
  fi
  say "${pol}_stats_before: $(stats_line "$n0")"
  say "${pol}_stats_after: $(stats_line "$n1")"
  stop_qosland INT
  say "${pol}_qosland_rc=$QRC"
  wait_state disabled 30
done
