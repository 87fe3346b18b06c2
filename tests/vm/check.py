#!/usr/bin/env python3
"""Judges one scenario of a VM test bed boot from its serial log.

    check.py LOG SCENARIO

The guest reports facts behind "@@ <scenario> " markers (tests/vm/guest/);
this script asserts what a user would notice and prints every failed
expectation. Exit 0 when the scenario passed, 1 otherwise (also when it never
ran: a VM test that cannot run fails loudly).
"""
import re
import sys


def parse(log_text, scenario):
    """Returns (facts, tagged, lines): key=value facts, {tag: {k: v}}, raw lines."""
    facts, tagged, lines = {}, {}, []
    prefix = f"@@ {scenario} "
    for raw in log_text.splitlines():
        raw = raw.rstrip("\r")
        idx = raw.find(prefix)
        if idx < 0:
            continue
        rest = raw[idx + len(prefix):]
        lines.append(rest)
        m = re.match(r"^([A-Za-z0-9_]+): ?(.*)$", rest)
        if m:
            tag, body = m.group(1), m.group(2)
            kv = dict(re.findall(r"([A-Za-z0-9_]+)=(\S*)", body))
            kv["_text"] = body
            tagged.setdefault(tag, kv)
            continue
        pairs = re.findall(r"([A-Za-z0-9_]+)=(\S*)", rest)
        if len(pairs) == 1:
            m = re.match(r"^([A-Za-z0-9_]+)=(.*)$", rest)
            if m:  # a single fact may have spaces in its value
                facts[m.group(1)] = m.group(2).strip()
        else:
            facts.update(pairs)
    return facts, tagged, lines


class Checker:
    def __init__(self, scenario):
        self.scenario = scenario
        self.failures = []

    def expect(self, cond, what):
        print(f"  {'ok  ' if cond else 'FAIL'} {what}")
        if not cond:
            self.failures.append(what)


def num(d, key, default=-1.0):
    try:
        return float(str(d.get(key, default)).rstrip("%"))
    except ValueError:
        return default


def policy_share_between(before, after):
    """Share of the workload's dispatches that carry the policy's decision,
    made at once or ahead (a standing order), between two stats lines: of
    everything but kernel threads (and the scheduler's own threads, which
    the status line's bpf= never counts)."""
    d = lambda k: num(after, k, 0) - num(before, k, 0)  # noqa: E731
    policy = d("user") + d("ordered")
    total = policy + d("bpf") - d("kthread")
    return (policy / total if total > 0 else 0.0), d("ordered")


def user_share_between(before, after):
    """policy_share_between's share, with the policy's and the rest's counts."""
    d = lambda k: num(after, k, 0) - num(before, k, 0)  # noqa: E731
    share, _ = policy_share_between(before, after)
    policy = d("user") + d("ordered")
    return share, policy, d("bpf") - d("kthread")


def check_load(c, tagged, prefix, expect_progress=True):
    hog = tagged.get(f"{prefix}_hog")
    frames = tagged.get(f"{prefix}_frames")
    c.expect(hog is not None, f"{prefix}: the hogs reported their results")
    c.expect(frames is not None, f"{prefix}: the frame pipeline reported its results")
    if hog is None or frames is None:
        return
    c.expect(num(hog, "iterations") > 0, f"{prefix}: hogs made progress ({hog.get('iterations')} iterations)")
    c.expect(num(frames, "done") > 0, f"{prefix}: frames were produced ({frames.get('done')} of {frames.get('ticks')} ticks)")
    if expect_progress:
        c.expect(num(hog, "starved") == 0,
                 f"{prefix}: every hog ran in every 5 s window ({hog.get('starved')} of {hog.get('threads')} missed one)")
        c.expect(num(frames, "starved") == 0,
                 f"{prefix}: every frame thread ran in every 5 s window ({frames.get('starved')} missed one"
                 f"{': ' + frames['starved_threads'] if 'starved_threads' in frames else ''})")


# What qosland calls a stalled user space by default (--stall-ms).
STALL_MS = 50


def expect_no_fallback(c, stats, frames, what):
    """Under multi-threaded TCG user space always gets a CPU, so BPF must never
    take over. The one excuse is a blip while the guest stood still: CI once
    saw a single takeover of under 1 ms in a run where the frame producer's
    timer fired 103 ms late (the host had frozen the guest; user space could
    not run, and the fallback did its job). So at most one takeover, and only
    in a run whose timer fired later than half the stall threshold: a guest
    that stood still that long leaves user space the other half to be
    scheduled and read (CI's shapes scenario saw one 2 ms takeover in a run
    whose timer fired 47 ms late, while the default scheduler's runs in the
    same boot saw timers 20-30 ms late). The takeover lasts until user space
    runs again: at most 20 ms (on a slow AMD EPYC host's emulator, a 119 ms
    stall of the guest was followed by a 13 ms takeover under vruntime)."""
    enters, ms = num(stats, "fallback_enters", 0), num(stats, "fallback_ms", 0)
    late_ms = num(frames, "max_timer_delay_us", 0) / 1000
    never = enters == 0 and ms == 0
    blip = enters == 1 and ms <= 20 and late_ms > STALL_MS / 2
    c.expect(never or blip,
             f"{what}: BPF never had to schedule alone, or once for at most 20 ms while the guest stood still "
             f"(fallback_enters={enters:.0f}, fallback_ms={ms:.0f}; the frame timer's latest firing: "
             f"{late_ms:.0f} ms late, half the stall threshold {STALL_MS / 2:.0f} ms)")


def scenario_a(c, facts, tagged, lines):
    c.expect(facts.get("state_started") == "enabled", f"sched_ext state is enabled after start ({facts.get('state_started')})")
    c.expect(facts.get("ops") == "qosland", f"root/ops names qosland ({facts.get('ops')})")
    check_load(c, tagged, "load")
    c.expect(facts.get("load_hog_rc") == "0" and facts.get("load_frames_rc") == "0", "the workload exited 0")
    before, after = tagged.get("stats_before", {}), tagged.get("stats_after", {})
    if facts.get("boot_tcg") == "multi":
        expect_no_fallback(c, after, tagged.get("load_frames", {}), "under load")
    else:
        # One host thread runs every vCPU in turn, and a vCPU may wait up to
        # 100 ms for its turn: then user space really does not run, and
        # BPF taking over is the fallback doing its job. It must stay rare.
        c.expect(num(after, "fallback_ms", 0) <= 200 and num(after, "fallback_enters", 0) <= 3,
                 f"BPF scheduled alone for at most 1% of the 20 s load, in at most 3 episodes, where the emulator "
                 f"ran every vCPU on one thread (fallback_enters={after.get('fallback_enters')}, "
                 f"fallback_ms={after.get('fallback_ms')})")
    share, du, db = user_share_between(before, after)
    c.expect("user" in after, "qosland printed status lines with the user/BPF split")
    c.expect(share >= 0.80, f"at least 80% of dispatches decided in user space under load ({100 * share:.1f}%: user {du:.0f}, bpf {db:.0f})")
    c.expect(facts.get("qosland_rc") == "0", f"qosland exits 0 on SIGINT ({facts.get('qosland_rc')})")
    c.expect(facts.get("state_stopped") == "disabled", f"sched_ext state is disabled after SIGINT ({facts.get('state_stopped')})")
    dmesg = [l for l in lines if l.startswith("dmesg:")]
    c.expect(any("qosland" in l and "unregistered from user space" in l for l in dmesg),
             "dmesg shows a clean unregister of qosland")
    c.expect(not any("error" in l.lower() or "stall" in l.lower() for l in dmesg), "dmesg shows no sched_ext error")


def scenario_b(c, facts, tagged, lines):
    c.expect(facts.get("state_started") == "enabled", f"sched_ext state is enabled after start ({facts.get('state_started')})")
    c.expect(facts.get("state_after_kill") == "disabled",
             f"after kill -9 the kernel reverts to its default scheduler (state {facts.get('state_after_kill')}, {facts.get('revert_ms')} ms)")
    c.expect(facts.get("qosland_rc") == "137", f"qosland died of SIGKILL ({facts.get('qosland_rc')})")
    check_load(c, tagged, "load", expect_progress=True)
    c.expect(facts.get("load_hog_rc") == "0" and facts.get("load_frames_rc") == "0", "the workload ran to the end and exited 0")
    hog = tagged.get("load_hog", {})
    c.expect(num(hog, "seconds") >= 19.5, f"the hogs ran their full 20 s ({hog.get('seconds')} s)")


def scenario_c(c, facts, tagged, lines):
    c.expect(facts.get("state_started") == "enabled", f"sched_ext state is enabled after start ({facts.get('state_started')})")
    second = tagged.get("second_msg", {}).get("_text", "")
    c.expect(facts.get("second_rc") not in (None, "0"), f"a second qosland exits non-zero ({facts.get('second_rc')})")
    c.expect(facts.get("second_lines") == "1", f"... with one line ({facts.get('second_lines')} lines)")
    c.expect("already running" in second, f"... saying qosland is already running: {second!r}")
    nonroot = tagged.get("nonroot_msg", {}).get("_text", "")
    c.expect(facts.get("nonroot_rc") not in (None, "0"), f"qosland run by a non-root user exits non-zero ({facts.get('nonroot_rc')})")
    c.expect(facts.get("nonroot_lines") == "1", f"... with one line ({facts.get('nonroot_lines')} lines)")
    c.expect("must run as root" in nonroot, f"... saying it must run as root: {nonroot!r}")
    c.expect(facts.get("state_after") == "enabled" and facts.get("ops_after") == "qosland",
             "the running qosland is undisturbed")
    c.expect(facts.get("qosland_rc") == "0", f"the running qosland exits 0 on SIGINT ({facts.get('qosland_rc')})")


def scenario_frames(c, facts, tagged, lines):
    """Issue 3's comparison; asserts only what does not depend on machine speed."""
    for pol in ("default", "qos", "vruntime"):
        check_load(c, tagged, pol)
    d, q = tagged.get("default_frames", {}), tagged.get("qos_frames", {})
    c.expect(num(q, "misses") < num(d, "misses"),
             f"qos misses fewer frames than the default scheduler ({q.get('misses')} vs {d.get('misses')} of {d.get('ticks')})")
    c.expect(num(q, "p99_us") < num(d, "p99_us"),
             f"qos has a lower p99 frame latency than the default scheduler ({q.get('p99_us')} vs {d.get('p99_us')} us)")
    share, _, _ = user_share_between(tagged.get("qos_stats_before", {}), tagged.get("qos_stats_after", {}))
    c.expect(share >= 0.80, f"qos: at least 80% of dispatches decided in user space ({100 * share:.1f}%)")
    for pol in ("qos", "vruntime"):
        expect_no_fallback(c, tagged.get(f"{pol}_stats_after", {}), tagged.get(f"{pol}_frames", {}), pol)
    for pol in ("qos", "vruntime"):
        c.expect(facts.get(f"{pol}_qosland_rc") == "0", f"{pol}: qosland exits 0 on SIGINT")
    cd, cq = tagged.get("default_cyclic", {}), tagged.get("qos_cyclic", {})
    c.expect(num(cd, "samples", 0) > 0 and num(cq, "samples", 0) > 0, "cyclictest ran under both schedulers")
    # A timer's wakeup is nobody's doing. If BPF took it for the interrupted
    # hog's, it would defer the scheduler's run (up to --wakeup-defer-us) as
    # for a task-context wakeup, about once per cyclictest sample: that is
    # what 7.3's new preempt-count layout did (1.1 per sample) until the BPF
    # learnt it. Fixed, about 0.07 remain (wakeups from task context, such as
    # ksoftirqd's).
    cb, ca = tagged.get("qos_cyclic_stats_before", {}), tagged.get("qos_cyclic_stats_after", {})
    deferred = num(ca, "self_deferred", -1) - num(cb, "self_deferred", 0)
    c.expect(num(cq, "samples", 0) > 0 and 0 <= deferred <= 0.25 * num(cq, "samples", 0),
             f"timer wakeups under hogs are not taken for the hogs' (scheduler runs deferred: {deferred:.0f} "
             f"for {num(cq, 'samples', 0):.0f} cyclictest wakeups)")
    # cyclictest's p99 is reported, not asserted: with a few thousand samples
    # in an emulated VM the two figures are too close to order reliably.
    wd, wq = tagged.get("default_sched_wakeup", {}), tagged.get("qos_sched_wakeup", {})
    c.expect(num(wd, "n", 0) > 0 and num(wq, "n", 0) > 0,
             f"cyclictest's wakeups were traced under both schedulers ({wd.get('n')}, {wq.get('n')})")
    idle, hd, hq = tagged.get("idle_frames", {}), tagged.get("default_hog", {}), tagged.get("qos_hog", {})
    ticks = num(q, "ticks", 1) or 1
    print(f"  figures: misses idle {num(idle, 'misses', 0):.0f}/{num(idle, 'ticks', 0):.0f}, "
          f"default {num(d, 'misses', 0):.0f}, qos {num(q, 'misses', 0):.0f} ({100 * num(q, 'misses', 0) / ticks:.1f}%), "
          f"vruntime {num(tagged.get('vruntime_frames', {}), 'misses', 0):.0f}; "
          f"p99 ms idle {num(idle, 'p99_us', 0) / 1000:.1f}, default {num(d, 'p99_us', 0) / 1000:.1f}, "
          f"qos {num(q, 'p99_us', 0) / 1000:.1f}; hog throughput qos/default "
          f"{num(hq, 'iters_per_sec', 0) / max(num(hd, 'iters_per_sec', 1), 1):.2f} "
          f"(hogs alone {num(tagged.get('qos_alone_hog', {}), 'iters_per_sec', 0) / max(num(tagged.get('default_alone_hog', {}), 'iters_per_sec', 1), 1):.2f}); qosland's own CPU "
          f"qos {facts.get('qos_qosland_cpu_pct', '?')}%, vruntime {facts.get('vruntime_qosland_cpu_pct', '?')}% of one CPU; "
          f"cyclictest p99 us idle {tagged.get('idle_cyclic', {}).get('p99_us')}, default {cd.get('p99_us')}, qos {cq.get('p99_us')} "
          f"(ratio {num(cq, 'p99_us', 0) / max(num(cd, 'p99_us', 1), 1):.2f}); "
          f"its scheduler wakeup latency p99 us idle {tagged.get('idle_sched_wakeup', {}).get('p99_us')}, "
          f"default {wd.get('p99_us')}, qos {wq.get('p99_us')} "
          f"(ratio {num(wq, 'p99_us', 0) / max(num(wd, 'p99_us', 1), 1):.2f})")
    # Issue 3's targets, reported (they depend on the machine; not asserted).
    thr = num(hq, 'iters_per_sec', 0) / max(num(hd, 'iters_per_sec', 1), 1)
    cyc = num(cq, 'p99_us', 0) / max(num(cd, 'p99_us', 1), 1)
    targets = [
        ("misses <= idle + 2% of frames", num(q, 'misses', 0) <= num(idle, 'misses', 0) + 0.02 * ticks),
        ("p99 <= 2 x idle", num(q, 'p99_us', 0) <= 2 * num(idle, 'p99_us', 0)),
        ("cyclictest p99 <= 0.2 x default", cyc <= 0.2),
        ("(its scheduler wakeup latency p99 <= 0.2 x default)",
         num(wq, 'p99_us', 0) <= 0.2 * num(wd, 'p99_us', 0)),
        ("hog throughput >= 0.85 x default", thr >= 0.85),
    ]
    print("  targets: " + "; ".join(f"{name}: {'met' if ok else 'NOT met'}" for name, ok in targets))
    for tag in ("idle", "default", "qos", "vruntime"):
        st = tagged.get(f"{tag}_stages")
        if st:
            print(f"  stages {tag}: " + " ".join(f"{k[:-7]}={v}" for k, v in st.items() if k.endswith("_p50_us")))


def scenario_partial(c, facts, tagged, lines):
    c.expect(facts.get("state_started") == "enabled", f"sched_ext state is enabled after start ({facts.get('state_started')})")
    start, normal, ext = (tagged.get(k, {}) for k in ("stats_start", "stats_normal", "stats_ext"))
    d_normal = num(normal, "user", 0) - num(start, "user", 0)
    d_ext = num(ext, "user", 0) - num(normal, "user", 0)
    c.expect("user" in ext, "qosland printed status lines")
    c.expect(d_normal == 0, f"hogs under the normal policy get no user-space decisions ({d_normal:.0f})")
    c.expect(d_ext > 100, f"hogs under SCHED_EXT are scheduled by qosland ({d_ext:.0f} user-space decisions)")
    c.expect(facts.get("ext_rc") == "0" and num(tagged.get("ext_hog", {}), "iterations") > 0,
             "the SCHED_EXT hogs ran to the end")
    c.expect(num(tagged.get("normal_hog", {}), "iterations") > 0, "the normal hogs ran")
    c.expect(facts.get("qosland_rc") == "0", f"qosland exits 0 on SIGINT ({facts.get('qosland_rc')})")


def expected_topology(tagged):
    """What qosland should say about the guest's CPUs, from its sysfs lines."""
    cpus = {k: v for k, v in tagged.items() if re.fullmatch(r"sysfs_cpu[0-9]+", k)}
    if not cpus:
        return None, False
    cores = {v.get("siblings") for v in cpus.values()}
    # A CPU without cache data has an LLC of its own (core/topology.h).
    llcs = {v.get("llc") if v.get("llc") != "none" else k for k, v in cpus.items()}
    smt = any("," in v.get("siblings", "") or "-" in v.get("siblings", "") for v in cpus.values())

    def plural(n, one, many):
        return f"{n} {one if n == 1 else many}"
    text = (f"{plural(len(cpus), 'CPU', 'CPUs')}, {plural(len(cores), 'core', 'cores')}"
            f"{' with SMT' if smt else ''}, {plural(len(llcs), 'last-level cache', 'last-level caches')}")
    return text, smt


def scenario_smt(c, facts, tagged, lines):
    want, smt = expected_topology(tagged)
    c.expect(want is not None, "the guest reported its sysfs CPU topology")
    c.expect(smt, f"the guest has SMT siblings, as booted with -smp ...,threads=2 ({want})")
    c.expect(facts.get("topology") == want, f"qosland reads the topology sysfs shows ({facts.get('topology')!r}, sysfs: {want!r})")
    check_load(c, tagged, "light")
    before, after = tagged.get("light_stats_before", {}), tagged.get("light_stats_after", {})
    picks = {k: num(after, k, 0) - num(before, k, 0) for k in ("idle_prev", "idle_core", "idle_any")}
    print(f"  figures: wakeups onto idle CPUs under the light load: previous CPU {picks['idle_prev']:.0f}, "
          f"idle core in the LLC {picks['idle_core']:.0f}, other idle CPU {picks['idle_any']:.0f}")
    c.expect(picks["idle_core"] > 0, f"waking tasks were placed on fully idle cores ({picks['idle_core']:.0f} times)")
    check_load(c, tagged, "pinned")
    c.expect(facts.get("pinned_hog_rc") == "0" and facts.get("pinned_frames_rc") == "0",
             "tasks pinned to CPU 0 and to CPUs 2-3 ran to the end")
    c.expect(facts.get("qosland_rc") == "0", f"qosland exits 0 on SIGINT ({facts.get('qosland_rc')})")
    dmesg = [l for l in lines if l.startswith("dmesg:")]
    c.expect(not any("error" in l.lower() or "stall" in l.lower() for l in dmesg), "dmesg shows no sched_ext error")


def scenario_hints(c, facts, tagged, lines):
    """Issue 4: a class from a rules file reaches the running scheduler."""
    get_bg = tagged.get("get_bg", {}).get("_text", "")
    c.expect("background, from rule /etc/schedqos/app_configs/hog-bg.json:2" in get_bg,
             f"a Sched QoS app config, as it is, tags what it names; qosland qos get says so: {get_bg!r}")
    get_plain = tagged.get("get_plain", {}).get("_text", "")
    c.expect("default (automatic" in get_plain, f"... and says an untagged task is automatic: {get_plain!r}")
    plain, bg = tagged.get("plain_hog", {}), tagged.get("bg_hog", {})
    rp, rb = num(plain, "iters_per_sec", 0), num(bg, "iters_per_sec", 0)
    c.expect(rp > 0 and rb > 0, f"both hogs on CPU 1 ran ({rp:.0f} and {rb:.0f} iterations/s)")
    c.expect(rb < 0.5 * rp, f"the hog tagged background by the Sched QoS file got less than half the other's CPU "
             f"({rb / max(rp, 1):.2f} of it)")
    c.expect(facts.get("qosland_rc") == "0", f"qosland exits 0 on SIGINT ({facts.get('qosland_rc')})")
    p2, late = tagged.get("plain2_hog", {}), tagged.get("late_hog", {})
    r2, rl = num(p2, "iters_per_sec", 0), num(late, "iters_per_sec", 0)
    c.expect(r2 > 0 and rl > 0 and rl < 0.5 * r2,
             f"a rules file moved in at runtime tags a running hog background: it got less than half the "
             f"other's CPU over the run ({rl / max(r2, 1):.2f} of it)")
    c.expect(num(facts, "reloads_ok", 0) >= 1, f"qosland said it reloaded the rules ({facts.get('reloads_ok')} times)")
    err = tagged.get("reload_err", {}).get("_text", "")
    c.expect("rules.d/bad.json:2: unknown QoS class 'QOS_NOPE'" in err and "previous rules stay in force" in err,
             f"a malformed file on reload: one error naming file and line, old rules kept: {err!r}")
    c.expect(facts.get("after_bad_state") == "enabled" and facts.get("late_qosland_rc") == "0",
             f"... and qosland kept scheduling (sched_ext {facts.get('after_bad_state')}, "
             f"exit {facts.get('late_qosland_rc')})")
    get_attr = tagged.get("get_attr", {}).get("_text", "")
    c.expect("user-initiated, from its scheduling attributes (policy 0, nice -2, uclamp max 768)" in get_attr,
             f"Sched QoS's attributes for user-initiated (uclamp max included) read as user-initiated: {get_attr!r}")
    get_nice = tagged.get("get_nice", {}).get("_text", "")
    c.expect("default (automatic" in get_nice, f"... and the same nice without its uclamp as no class: {get_nice!r}")
    ra, rn = num(tagged.get("attr_ui_hog", {}), "iters_per_sec", 0), num(tagged.get("attr_nice_hog", {}), "iters_per_sec", 0)
    c.expect(ra > 0 and rn > 0 and ra > 1.3 * rn,
             f"the scheduler tells them apart from its own records: the user-initiated hog got more CPU than the "
             f"plain nice -2 one of the same weight ({ra / max(rn, 1):.2f} times as much)")
    bad = tagged.get("bad_msg", {}).get("_text", "")
    c.expect(facts.get("bad_rc") not in (None, "0") and facts.get("bad_lines") == "1",
             f"a malformed rules file: non-zero exit ({facts.get('bad_rc')}), one line ({facts.get('bad_lines')})")
    c.expect("/tmp/bad.json:2: unknown QoS class 'QOS_FAST'" in bad, f"... naming the file, line and fault: {bad!r}")
    c.expect(facts.get("state_after_bad") == "disabled",
             f"... before touching the kernel (sched_ext {facts.get('state_after_bad')})")
    nopid = tagged.get("nopid_msg", {}).get("_text", "")
    c.expect(facts.get("nopid_rc") not in (None, "0") and nopid == "qosland: no task with pid 999999",
             f"qosland qos get for a pid with no task: one clear error ({nopid!r})")


def scenario_tags(c, facts, tagged, lines):
    """Issue 4: runtime tags from users, root and libqosland reach the running scheduler."""
    def text(key):
        return tagged.get(key, {}).get("_text", "")

    def share(prefix, other_tag="hog"):
        p = num(tagged.get(f"{prefix}_plain_hog", {}), "iters_per_sec", 0)
        o = num(tagged.get(f"{prefix}_other_{other_tag}", {}), "iters_per_sec", 0)
        return p, o, o / max(p, 1)

    c.expect(facts.get("user_lower_rc") == "0" and "pid " in text("user_lower_msg") and "tagged background" in text("user_lower_msg"),
             f"a user lowers its own hog to background by pid ({facts.get('user_lower_rc')}: {text('user_lower_msg')!r})")
    c.expect(facts.get("user_raise_rc") not in (None, "0") and text("user_raise_msg") ==
             "qosland: only root may raise this task above default, the class its rules grant.",
             f"... and may not raise it above default: non-zero exit, one sentence "
             f"({facts.get('user_raise_rc')}: {text('user_raise_msg')!r})")
    c.expect(facts.get("user_other_rc") not in (None, "0") and text("user_other_msg") ==
             "qosland: only root may change the QoS class of another user's task (it belongs to uid 0).",
             f"... nor touch root's hog ({facts.get('user_other_rc')}: {text('user_other_msg')!r})")
    c.expect("background, from a runtime tag on pid" in text("get_user"),
             f"qosland qos get names the tag: {text('get_user')!r}")
    p, o, r = share("pid")
    c.expect(p > 0 and o > 0 and r < 0.5,
             f"the hog its user tagged background got less than half of its untagged peer's CPU ({r:.2f} of it)")

    me = tagged.get("self_other_tagself", {})
    c.expect(me.get("set_rc") == "0" and me.get("get") == "4",
             f"a thread tags itself background through libqosland and reads it back "
             f"(set {me.get('set_rc')}, get {me.get('get')})")
    p, o, r = share("self", "tagself")
    c.expect(p > 0 and o > 0 and r < 0.5, f"... and gets less than half of its untagged peer's CPU ({r:.2f} of it)")
    raise_ = tagged.get("self_raise_msg", {}).get("_text", "")
    c.expect("set_rc=-2" in raise_ and "only root may raise this task above default" in raise_,
             f"libqosland: raising itself above default is refused with QOSLAND_ERR_DENIED and the sentence: {raise_!r}")

    c.expect(facts.get("cg_user_rc") not in (None, "0") and
             text("cg_user_msg") == "qosland: only root may tag cgroup /build: it does not belong to uid 1000.",
             f"a user may not tag a cgroup it does not own ({text('cg_user_msg')!r})")
    c.expect(facts.get("cg_root_rc") == "0" and text("cg_root_msg") == "cgroup /build tagged background",
             f"root tags a cgroup ({facts.get('cg_root_rc')}: {text('cg_root_msg')!r})")
    p, o, r = share("cg")
    c.expect(facts.get("cg_moved") == "1" and p > 0 and o > 0 and r < 0.5,
             f"a hog moved into the tagged cgroup got less than half of its peer's CPU ({r:.2f} of it)")

    c.expect("utility, from a runtime tag on pid" in text("after_restart"),
             f"a tag outlives a restart of qosland (the state file): {text('after_restart')!r}")
    c.expect("1 kept from /var/lib/qosland/tags.json" in text("restart_log") or
             "kept from /var/lib/qosland/tags.json" in text("restart_log"),
             f"... and qosland says so when it starts: {text('restart_log')!r}")
    c.expect(facts.get("list_rc") == "0" and num(facts, "list_tag_lines", 0) >= 2,
             f"qosland qos list shows the tags ({facts.get('list_tag_lines')} lines)")

    for pol in ("ui", "bg"):
        check_load(c, tagged, pol, expect_progress=(pol == "ui"))
    idle, ui, bg = tagged.get("idle_frames", {}), tagged.get("ui_frames", {}), tagged.get("bg_frames", {})
    ticks = num(ui, "ticks", 1) or 1
    idle_rate = num(idle, "misses", 0) / max(num(idle, "ticks", 1), 1)
    # Plus 5%: on an Intel host's emulator it missed 0-5 of 1199, on an AMD
    # EPYC host's (slower under TCG) 22-63; the default scheduler misses
    # nearly all of them.
    c.expect(num(ui, "misses", 1e9) <= idle_rate * ticks + 0.05 * ticks,
             f"the pipeline tagged user-interactive under {tagged.get('ui_hog', {}).get('threads')} hogs misses at most "
             f"the idle machine's share plus 5% of frames ({ui.get('misses')} of {ui.get('ticks')}; idle "
             f"{idle.get('misses')} of {idle.get('ticks')})")
    c.expect(num(ui, "misses", 1e9) < num(bg, "misses", -1),
             f"... fewer than the same pipeline tagged background ({ui.get('misses')} vs {bg.get('misses')})")
    plain, ui = tagged.get("pp_plain_pingpong", {}), tagged.get("pp_ui_pingpong", {})
    c.expect(facts.get("pp_plain_rc") == "0" and facts.get("pp_ui_rc") == "0" and facts.get("pp_ui_tag_rc") == "0",
             f"a pingpong pair runs under the hogs, untagged and tagged user-interactive "
             f"(rc {facts.get('pp_plain_rc')}, {facts.get('pp_ui_rc')}; tag rc {facts.get('pp_ui_tag_rc')})")
    # Its wakeups are unrooted: BPF may hold each for up to a slice (5 ms) to
    # batch it, unless the task is urgent, as user-interactive ones are; and
    # untagged, it still waits behind a hog's slice now and then (a quarter
    # slice's credit for any wakeup keeps it ahead of most of them: its p90
    # is about 2 ms in the emulator, its p99 25-50 ms).
    ui_p90, ui_p99, plain_p99 = num(ui, "p90_us", 1e9), num(ui, "p99_us", 1e9), num(plain, "p99_us", -1)
    c.expect(ui_p90 < 2500 and ui_p99 * 2 < plain_p99,
             f"... tagged user-interactive, 9 in 10 round trips take under half a slice, and its slowest 1% under "
             f"half the untagged pair's (p90 {ui.get('p90_us')} us; p99 {ui.get('p99_us')} us vs "
             f"{plain.get('p99_us')} us; trips {ui.get('trips')} vs {plain.get('trips')})")
    c.expect(facts.get("first_qosland_rc") == "0" and facts.get("qosland_rc") == "0", "qosland exits 0 on SIGINT")

    c.expect(facts.get("norun_rc") not in (None, "0") and
             text("norun_msg") == "qosland: qosland is not running (nothing listens on /run/qosland/control.sock)",
             f"qosland qos set without a running qosland: one clear error ({text('norun_msg')!r})")
    nr = tagged.get("norun_tagself", {})
    c.expect(nr.get("set_rc") == "-1" and nr.get("get") == "-1",
             f"libqosland without a running qosland returns QOSLAND_ERR_NOT_RUNNING ({nr.get('set_rc')}, {nr.get('get')})")


def scenario_stall(c, facts, tagged, lines):
    """Issue 5: user space stops; BPF schedules alone and hands back."""
    c.expect(facts.get("state_while_stopped") == "enabled",
             f"with qosland's user space stopped, sched_ext stays enabled ({facts.get('state_while_stopped')})")
    c.expect(facts.get("state_after") == "enabled", f"... and after kill -CONT ({facts.get('state_after')})")
    dmesg = [l for l in lines if l.startswith("dmesg:")]
    ejections = [l for l in dmesg if "disabled (" in l and "unregistered from user space" not in l]
    c.expect(not ejections and not any("error" in l.lower() for l in dmesg),
             f"dmesg shows no ejection, only qosland's own unload ({ejections or len(dmesg)})")
    check_load(c, tagged, "stop")
    start, before = tagged.get("at_start", {}), tagged.get("before_stop", {})
    after, end = tagged.get("after_cont", {}), tagged.get("at_end", {})
    c.expect(before.get("fallback_enters") == "0",
             f"no fallback while user space was well (fallback_enters={before.get('fallback_enters')}, "
             f"fallback_ms={before.get('fallback_ms')})")
    c.expect(num(after, "fallback_enters", 0) >= 1 and num(after, "rescued", 0) > 0,
             f"BPF took over and took back the waiting tasks (fallback_enters={after.get('fallback_enters')}, "
             f"rescued={after.get('rescued')})")
    c.expect(9000 <= num(after, "fallback_ms", 0) <= 12500,
             f"... for about the 10 s user space was stopped ({after.get('fallback_ms')} ms)")
    c.expect(end.get("fallback") == "0" and num(end, "user", 0) > num(after, "user", 0),
             f"after kill -CONT user space decides again (fallback={end.get('fallback')}, user dispatches "
             f"{after.get('user')} -> {end.get('user')})")
    c.expect(num(end, "stale", 0) - num(before, "stale", 0) < 100,
             f"... without a burst of stale decisions ({num(before, 'stale', 0):.0f} -> {num(end, 'stale', 0):.0f})")
    c.expect(facts.get("qosland_rc") == "0", f"qosland exits 0 on SIGINT ({facts.get('qosland_rc')})")

    check_load(c, tagged, "force")
    idle, force = tagged.get("idle_frames", {}), tagged.get("force_frames", {})
    ticks = num(force, "ticks", 1) or 1
    idle_rate = num(idle, "misses", 0) / max(num(idle, "ticks", 1), 1)
    c.expect(num(force, "misses", 1e9) <= idle_rate * ticks + 0.10 * ticks,
             f"--force-fallback: the frame pipeline under {tagged.get('force_hog', {}).get('threads')} hogs misses at "
             f"most the idle machine's share plus 10% of frames ({force.get('misses')} of {force.get('ticks')}; "
             f"idle {idle.get('misses')} of {idle.get('ticks')}; p99 {num(force, 'p99_us', 0) / 1000:.1f} ms)")
    fs = tagged.get("force_stats", {})
    c.expect(num(fs, "fallback_bpf", 0) > 0 and fs.get("user") == "0",
             f"... with every decision BPF's (fallback_bpf={fs.get('fallback_bpf')}, user={fs.get('user')})")
    c.expect(facts.get("force_qosland_rc") == "0", f"--force-fallback: qosland exits 0 ({facts.get('force_qosland_rc')})")


def scenario_flood(c, facts, tagged, lines):
    """Issue 5: a flood of short-lived tasks through a one-page ring: nothing is lost."""
    sp = tagged.get("flood_spawner", {})
    spawned, reaped = num(sp, "spawned", 0), num(sp, "reaped", -1)
    c.expect(facts.get("hackbench_rc") == "0", f"hackbench ran to its end ({facts.get('hackbench_rc')})")
    c.expect(facts.get("spawner_rc") == "0" and spawned > 0 and spawned == reaped and sp.get("failed") == "0",
             f"every spawned process completed ({sp.get('spawned')} spawned, {sp.get('reaped')} reaped, "
             f"{sp.get('failed')} failed)")
    check_load(c, tagged, "flood")
    c.expect(facts.get("hog_rc") == "0" and facts.get("frames_rc") == "0",
             f"the hogs and the frame pipeline exited 0 ({facts.get('hog_rc')}, {facts.get('frames_rc')})")
    fr = tagged.get("flood_frames", {})
    before, after = tagged.get("stats_before", {}), tagged.get("stats_after", {})
    congested = num(after, "congested", 0) - num(before, "congested", 0)
    c.expect(congested > 0, f"the one-page ring filled up and BPF dispatched those tasks itself (congested +{congested:.0f})")
    c.expect(facts.get("state_after") == "enabled" and facts.get("qosland_rc") == "0",
             f"qosland kept scheduling and exits 0 ({facts.get('state_after')}, {facts.get('qosland_rc')})")
    print(f"  figures: {spawned:.0f} processes in 20 s, frames {fr.get('done')} of {fr.get('ticks')} "
          f"(misses {fr.get('misses')}), congested {congested:.0f}, run by the starvation guard "
          f"{after.get('starved')}, policy share {after.get('policy_share')}")


def scenario_restarts(c, facts, tagged, lines):
    """Issue 5: 20 starts and stops under load leave nothing behind."""
    c.expect(facts.get("clean_runs") == "20", f"20 runs in a row enabled and disabled cleanly ({facts.get('clean_runs')})")
    c.expect(num(facts, "progs_during", 0) > num(facts, "progs_before", 0),
             f"bpftool sees qosland's programs while it runs ({facts.get('progs_before')} before, "
             f"{facts.get('progs_during')} during)")
    # No more than before: fewer is an earlier scenario's objects the kernel
    # had not freed yet when the baseline was taken.
    c.expect(facts.get("progs_before") is not None and num(facts, "progs_after", 1e9) <= num(facts, "progs_before", -1),
             f"no BPF program left behind ({facts.get('progs_before')} before -> {facts.get('progs_after')} after)")
    c.expect(facts.get("maps_before") is not None and num(facts, "maps_after", 1e9) <= num(facts, "maps_before", -1),
             f"no BPF map left behind ({facts.get('maps_before')} before -> {facts.get('maps_after')} after)")
    c.expect(facts.get("state_end") == "disabled", f"sched_ext is disabled at the end ({facts.get('state_end')})")
    check_load(c, tagged, "restarts")
    hog, fr = tagged.get("restarts_hog", {}), tagged.get("restarts_frames", {})
    c.expect(facts.get("hog_rc") == "0" and facts.get("frames_rc") == "0",
             f"the hogs and the frame pipeline exited 0 ({facts.get('hog_rc')}, {facts.get('frames_rc')})")
    c.expect(num(hog, "windows", 0) >= 1, f"the load lasted at least one full 5 s window ({hog.get('windows')})")
    print(f"  figures: 20 runs in {num(facts, 'restarts_ms', 0) / 1000:.0f} s under {hog.get('threads')} hogs, "
          f"frames {fr.get('done')} of {fr.get('ticks')} (misses {fr.get('misses')})")


def scenario_health(c, facts, tagged, lines):
    """Issue 5: no page faults in qosland's threads in steady state."""
    warm, end = tagged.get("faults_warm", {}), tagged.get("faults_end", {})
    c.expect(num(warm, "threads", 0) >= 2, f"qosland's threads were read ({warm.get('threads')})")
    c.expect(num(warm, "minor", -1) >= 0 and warm.get("minor") == end.get("minor") and warm.get("major") == end.get("major"),
             f"no minor or major faults in 20 s of hogs after warm-up (minor {warm.get('minor')} -> {end.get('minor')}, "
             f"major {warm.get('major')} -> {end.get('major')})")
    check_load(c, tagged, "load")
    c.expect(facts.get("qosland_rc") == "0", f"qosland exits 0 ({facts.get('qosland_rc')})")


SHAPES = ("30hz", "60hz", "120hz", "240hz", "audio1333", "audio5333")


def scenario_shapes(c, facts, tagged, lines):
    """Issue 18's CI checks: what does not depend on the machine's speed."""
    rows = []
    for shape in SHAPES:
        for pol in ("default", "qos"):
            check_load(c, tagged, f"{pol}_{shape}")
        d, q = tagged.get(f"default_{shape}_frames", {}), tagged.get(f"qos_{shape}_frames", {})
        before, after = tagged.get(f"qos_{shape}_stats_before", {}), tagged.get(f"qos_{shape}_stats_after", {})
        share, ordered = policy_share_between(before, after)
        c.expect(ordered > 0, f"{shape}: standing orders dispatched wakeups under hogs ({ordered:.0f})")
        c.expect(share >= 0.95, f"{shape}: the policy decided, at once or ahead, at least 95% of the workload's "
                                f"dispatches ({100 * share:.1f}%; kernel threads aside)")
        c.expect(num(q, "misses") < num(d, "misses"),
                 f"{shape}: qos misses fewer frames than the default scheduler "
                 f"({q.get('misses')} vs {d.get('misses')} of {d.get('ticks')})")
        # The status line's totals run since qosland started: this shape's own.
        during = {k: num(after, k, 0) - num(before, k, 0) for k in ("fallback_enters", "fallback_ms")}
        expect_no_fallback(c, during, q, f"{shape}")
        hd, hq = tagged.get(f"default_{shape}_hog", {}), tagged.get(f"qos_{shape}_hog", {})
        rows.append(f"{shape} misses {num(d, 'misses', 0):.0f} -> {num(q, 'misses', 0):.0f} of "
                    f"{num(d, 'ticks', 0):.0f}, p99 ms {num(d, 'p99_us', 0) / 1000:.1f} -> "
                    f"{num(q, 'p99_us', 0) / 1000:.1f}, ordered {ordered:.0f}, share {100 * share:.1f}%, hogs "
                    f"{num(hq, 'iters_per_sec', 0) / max(num(hd, 'iters_per_sec', 1), 1):.2f}x")
    c.expect(facts.get("qosland_rc") == "0", f"qosland exits 0 on SIGINT ({facts.get('qosland_rc')})")
    print("  figures (default -> qos): " + "; ".join(rows))


SCENARIOS = {"a": scenario_a, "shapes": scenario_shapes, "b": scenario_b, "c": scenario_c, "frames": scenario_frames,
             "partial": scenario_partial, "smt": scenario_smt, "hints": scenario_hints,
             "tags": scenario_tags, "stall": scenario_stall, "flood": scenario_flood,
             "restarts": scenario_restarts, "health": scenario_health}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in SCENARIOS:
        print(f"usage: check.py LOG {{{','.join(SCENARIOS)}}}", file=sys.stderr)
        return 2
    path, scenario = sys.argv[1], sys.argv[2]
    try:
        text = open(path, errors="replace").read()
    except OSError as e:
        print(f"FAIL: no VM log at {path} ({e.strerror}): the VM boot did not run or failed; see the vm_boot test")
        return 1
    boot = re.search(r"@@ boot (.*)$", text, re.M)
    print(f"scenario {scenario}: {boot.group(1) if boot else 'no boot line'}")
    end = re.search(rf"^@@ end {re.escape(scenario)} rc=(\d+)", text, re.M)
    if not end:
        print(f"FAIL: scenario {scenario} did not run to its end in {path}")
        return 1
    facts, tagged, lines = parse(text, scenario)
    for k, v in re.findall(r"(\w+)=(\S+)", boot.group(1) if boot else ""):
        facts.setdefault(f"boot_{k}", v)
    c = Checker(scenario)
    SCENARIOS[scenario](c, facts, tagged, lines)
    if c.failures:
        print(f"scenario {scenario}: {len(c.failures)} expectation(s) failed; guest lines:")
        for l in lines:
            print(f"    {l}")
        return 1
    print(f"scenario {scenario}: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
