# Scenario hints: QoS classes from rules files, applied by the running
# scheduler. Two equal hogs share CPU 1, side by side; a Sched QoS app
# config, as Sched QoS itself reads it, tags one of them (by its name)
# background. Then rules dropped in at runtime (qosland's own format), a
# malformed file on reload, Sched QoS's attributes (uclamp included), and a
# malformed rules file at start: one sentence, a non-zero exit, and the
# kernel left alone.
. "$(dirname "$0")/lib.sh"

# start_pair PLAIN_OUT OTHER_BIN OTHER_OUT: a hog and OTHER_BIN (a copy of
# hog under another name), 10 s each, side by side on CPU 1. Sets PLAIN and
# OTHER; wait_pair waits for both.
start_pair() {
  taskset 0x2 hog --threads 1 --seconds 10 > "$1" 2>&1 &
  PLAIN=$!
  taskset 0x2 "$2" --threads 1 --seconds 10 > "$3" 2>&1 &
  OTHER=$!
}
wait_pair() {
  wait_pid "$PLAIN" 60
  wait_pid "$OTHER" 60
}

mkdir -p /etc/qosland/rules.d /etc/schedqos/app_configs
cp /usr/bin/hog /tmp/hog-bg
cat > /etc/schedqos/app_configs/hog-bg.json <<'JSON'
{
  "hog-bg": {"qos": "QOS_BACKGROUND", "period": 16}
}
JSON
start_qosland --stats-interval 1
wait_enabled 60 || exit 1
sleep 1
start_pair /tmp/plain.hog /tmp/hog-bg /tmp/bg.hog
sleep 2
say "get_bg: $(qosland qos get --pid "$OTHER" 2>&1)"
say "get_plain: $(qosland qos get --pid "$PLAIN" 2>&1)"
wait_pair
say_file plain /tmp/plain.hog
say_file bg /tmp/bg.hog
stop_qosland INT
say "qosland_rc=$QRC"
dump_log
wait_state disabled 30

# Rules dropped in at runtime: none at start, two hogs on CPU 1, then a
# rules file moved into the directory tags one of them background; qosland
# notices the change and asks about the running tasks again.
rm -f /etc/schedqos/app_configs/hog-bg.json
cp /usr/bin/hog /tmp/hog-late
QLOG=/tmp/hints.late.log
start_qosland --stats-interval 1
wait_enabled 60 || exit 1
sleep 1
start_pair /tmp/plain2.hog /tmp/hog-late /tmp/late.hog
sleep 1
echo '{"qosland": [{"comm": "hog-late", "qos": "background"}]}' > /etc/qosland/late.json
mv /etc/qosland/late.json /etc/qosland/rules.d/late.json
wait_pair
say_file plain2 /tmp/plain2.hog
say_file late /tmp/late.hog
# Then a malformed file and SIGHUP: one error, the previous rules stay in
# force, and qosland keeps scheduling.
printf '{\n  "x": {"qos": "QOS_NOPE"}\n}\n' > /etc/qosland/bad.json
mv /etc/qosland/bad.json /etc/qosland/rules.d/bad.json
kill -HUP "$QPID"
sleep 2
say "after_bad_state=$(cat $SE/state)"
say "reloads_ok=$(grep -c 'rules reloaded' "$QLOG")"
say "reload_err: $(grep 'rules not reloaded' "$QLOG" | head -n 1)"
# Standard attributes, as Sched QoS sets them: user-initiated is
# SCHED_NORMAL, nice -2, uclamp max 768. The same nice with the kernel's
# default uclamp max (1024) is somebody's nice, not a class: default. Both
# hogs weigh the same (nice -2).
taskset 0x2 setsched attrs 0 -2 768 hog --threads 1 --seconds 10 > /tmp/attr_ui.hog 2>&1 &
PLAIN=$!
taskset 0x2 setsched attrs 0 -2 1024 hog --threads 1 --seconds 10 > /tmp/attr_nice.hog 2>&1 &
OTHER=$!
sleep 2
say "get_attr: $(qosland qos get --pid "$PLAIN" 2>&1)"
say "get_nice: $(qosland qos get --pid "$OTHER" 2>&1)"
wait_pair
say_file attr_ui /tmp/attr_ui.hog
say_file attr_nice /tmp/attr_nice.hog
stop_qosland INT
say "late_qosland_rc=$QRC"
rm -f /etc/qosland/rules.d/bad.json /etc/qosland/rules.d/late.json
wait_state disabled 30

cat > /tmp/bad.json <<'JSON'
{
  "game": {"qos": "QOS_FAST"}
}
JSON
qosland --rules /tmp/bad.json > /tmp/bad.out 2>&1
say "bad_rc=$?"
say "bad_lines=$(wc -l < /tmp/bad.out)"
say "bad_msg: $(head -n 1 /tmp/bad.out)"
say "state_after_bad=$(cat $SE/state)"
qosland qos get --pid 999999 > /tmp/nopid.out 2>&1
say "nopid_rc=$?"
say "nopid_msg: $(head -n 1 /tmp/nopid.out)"
