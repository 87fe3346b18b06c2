# Scenario restarts: qosland started and stopped 20 times in a row under
# 8 x nproc hogs and the frame pipeline: each run enables and then disables
# cleanly, nothing gets stuck, every hog and frame thread runs throughout,
# and the kernel holds no more BPF programs or maps afterwards than before
# the first run.
. "$(dirname "$0")/lib.sh"
progs() { bpftool prog show 2>/dev/null | grep -c '^[0-9]*:'; }
maps() { bpftool map show 2>/dev/null | grep -c '^[0-9]*:'; }
# settle: the kernel frees a scheduler's maps some time after it is gone
# (an earlier scenario's may still be going): wait until both counts hold
# still for a second (15 s at most).
settle() {
  last="" n=0
  while [ $n -lt 15 ]; do
    now="$(progs) $(maps)"
    [ "$now" = "$last" ] && return
    last=$now
    n=$((n + 1))
    sleep 1
  done
}
bpftool prog show > /tmp/bpftool.out 2>&1 || say "bpftool_failed: $(head -n 1 /tmp/bpftool.out)"
wait_state disabled 30
settle
say "progs_before=$(progs)"
say "maps_before=$(maps)"
# The load lasts as long as the restarts do: SIGTERM ends both with their
# results so far.
hog --threads "$HOGS" --seconds 900 > /tmp/restarts.hog 2>&1 &
HOG_PID=$!
frame_pipeline --seconds 900 --loops-per-ms "$LOOPS_PER_MS" > /tmp/restarts.frames 2>&1 &
FRAMES_PID=$!
ok=0
t0=$(now_ms)
for run in $(seq 1 20); do
  QLOG=/tmp/restarts.$run.log
  start_qosland --stats-interval 0
  if ! wait_enabled 120; then
    say "run_${run}_not_enabled=1"
    break
  fi
  sleep 0.5
  [ "$run" = 20 ] && say "progs_during=$(progs)" && say "maps_during=$(maps)"
  stop_qosland INT
  if [ "$QRC" != 0 ] || ! wait_state disabled 30; then
    say "run_${run}_rc=$QRC state=$(cat $SE/state)"
    dump_log
    break
  fi
  ok=$((ok + 1))
done
say "clean_runs=$ok"
say "restarts_ms=$(( $(now_ms) - t0 ))"
kill -TERM "$HOG_PID" "$FRAMES_PID" 2>/dev/null
wait_pid "$HOG_PID" 60
say "hog_rc=$WRC"
wait_pid "$FRAMES_PID" 60
say "frames_rc=$WRC"
say_file restarts /tmp/restarts.hog
say_file restarts /tmp/restarts.frames
settle
say "progs_after=$(progs)"
say "maps_after=$(maps)"
say "state_end=$(cat $SE/state)"
