# Scenario tags: runtime QoS tags, as users, admins and cooperative runtimes
# set them, applied by the running scheduler. Each CPU-share check runs two
# equal hogs side by side on CPU 1, one tagged, the other not:
#   - a user tags its own hog background by pid (qosland qos set), and may
#     not raise it above its default nor touch root's tasks;
#   - a thread tags itself background through libqosland (tagself), and
#     may not raise itself;
#   - root tags a cgroup background, and a hog moved into it follows;
#   - a tag outlives a restart of qosland (the state file);
#   - the frame pipeline under 8 x nproc hogs, tagged user-interactive,
#     then background (by its name), beside the idle machine's figures;
#   - a pair of threads that only wake each other, under the hogs,
#     untagged and tagged user-interactive: round trips.
. "$(dirname "$0")/lib.sh"
USER_UID=1000

# pair_start CMD...: a root hog on CPU 1 (PLAIN, output /tmp/pair.plain) and
# CMD on CPU 1 (OTHER, output /tmp/pair.other), 10 s each.
pair_start() {
  taskset 0x2 hog --threads 1 --seconds 10 > /tmp/pair.plain 2>&1 &
  PLAIN=$!
  taskset 0x2 "$@" > /tmp/pair.other 2>&1 &
  OTHER=$!
}
# pair_end PREFIX: waits for both and reports PREFIX_plain_* and PREFIX_other_*.
pair_end() {
  wait_pid "$PLAIN" 60
  wait_pid "$OTHER" 60
  say_file "$1_plain" /tmp/pair.plain
  say_file "$1_other" /tmp/pair.other
}
# as_user KEY CMD...: runs CMD as an ordinary user; says KEY_rc and KEY_msg.
as_user() {
  key=$1
  shift
  runas $USER_UID $USER_UID "$@" > /tmp/as_user.out 2>&1
  say "${key}_rc=$?"
  say "${key}_msg: $(head -n 1 /tmp/as_user.out)"
}

frame_pipeline --seconds 10 --loops-per-ms "$LOOPS_PER_MS" > /tmp/tidle.frames 2>&1
say_file idle /tmp/tidle.frames

rm -f /var/lib/qosland/tags.json
start_qosland --stats-interval 1
wait_enabled 60 || exit 1
sleep 1

# A user's own hog, tagged by pid.
pair_start runas $USER_UID $USER_UID hog --threads 1 --seconds 10
as_user user_lower qosland qos set --pid "$OTHER" background
as_user user_raise qosland qos set --pid "$OTHER" user-interactive
as_user user_other qosland qos set --pid "$PLAIN" background
say "get_user: $(qosland qos get --pid "$OTHER" 2>&1)"
pair_end pid

# A thread that tags itself through libqosland.
pair_start runas $USER_UID $USER_UID tagself 4 10
as_user self_raise tagself 0 0
pair_end self

# A cgroup, tagged by root; a hog moved into it.
mkdir -p /sys/fs/cgroup/build
as_user cg_user qosland qos set --cgroup /build utility
qosland qos set --cgroup /sys/fs/cgroup/build background > /tmp/cg.out 2>&1
say "cg_root_rc=$?"
say "cg_root_msg: $(head -n 1 /tmp/cg.out)"
pair_start hog --threads 1 --seconds 10
echo "$OTHER" > /sys/fs/cgroup/build/cgroup.procs
say "cg_moved=$(grep -c '^0::/build$' /proc/"$OTHER"/cgroup)"
pair_end cg

# A tag outlives a restart of qosland.
sleep 600 &
SLEEPER=$!
qosland qos set --pid "$SLEEPER" utility > /dev/null 2>&1
stop_qosland INT
say "first_qosland_rc=$QRC"
wait_state disabled 30
QLOG=/tmp/tags.second.log
start_qosland --stats-interval 1
wait_enabled 60 || exit 1
say "after_restart: $(qosland qos get --pid "$SLEEPER" 2>&1)"
say "restart_log: $(grep -m1 '^qosland: tags:' "$QLOG")"
qosland qos list > /tmp/list.out 2>&1
say "list_rc=$?"
say "list_tag_lines=$(grep -cE '^(pid|tid|cgroup|comm) .*: ' /tmp/list.out)"
kill "$SLEEPER"

# The frame pipeline, tagged by its name, under 8 x nproc hogs.
qosland qos set --comm frame_pipeline user-interactive > /dev/null 2>&1
start_load 20 ui
wait_load ui
qosland qos set --comm frame_pipeline background > /dev/null 2>&1
start_load 20 bg
wait_load bg
qosland qos clear --comm frame_pipeline > /dev/null 2>&1

# Two threads that only wake each other (no timer or device behind them:
# unrooted), under 8 x nproc hogs: untagged, then tagged user-interactive by
# root. BPF may hold an unrooted wakeup for up to a slice to batch it; never
# a tagged user-interactive task's.
pingpong_load() {
  hog --threads "$HOGS" --seconds 12 > /tmp/pp.hog 2>&1 &
  HOG_PID=$!
  sleep 1
  pingpong --seconds 10 > /tmp/pp.out 2>&1 &
  PP_PID=$!
  if [ -n "$2" ]; then
    qosland qos set --pid "$PP_PID" "$2" > /tmp/pp.tag 2>&1
    say "pp_$1_tag_rc=$?"
  fi
  wait_pid "$PP_PID" 60
  say "pp_$1_rc=$WRC"
  wait_pid "$HOG_PID" 60
  say_file "pp_$1" /tmp/pp.out
}
pingpong_load plain
pingpong_load ui user-interactive
stop_qosland INT
say "qosland_rc=$QRC"
wait_state disabled 30
# Tags outlive qosland by design: leave none for the scenarios that follow.
rm -f /var/lib/qosland/tags.json

# Without a running qosland: one clear error, and libqosland's error code.
qosland qos set --pid 1 background > /tmp/norun.out 2>&1
say "norun_rc=$?"
say "norun_msg: $(head -n 1 /tmp/norun.out)"
tagself 4 0 > /tmp/norun_self.out 2>&1
say_file norun /tmp/norun_self.out
