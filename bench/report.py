#!/usr/bin/env python3
"""Tables and plots from scenario-runner logs (tests/vm/guest/bench.sh).

    report.py OUT_DIR NAME=LOG [NAME=LOG ...]

NAME labels a run (the kernel, e.g. 7.3). Writes OUT_DIR/bench.json (every
figure), OUT_DIR/bench.md (per run: the figures, and each scheduler's as a
ratio to the kernel's default scheduler in the same run) and, with gnuplot,
OUT_DIR/frames-NAME.png (frame latency distributions under hogs). Prints the
Markdown. Exit 1 if a run is missing or incomplete (complete: every scheduler
finished, with every part the run's setup line names: its hackbench rounds
when hackbench ran, each of its shapes when the shapes part ran).

A run with the shapes part (the shape matrix, bench.sh) gets a Shapes table:
for each shape, the idle machine's frames and then each scheduler's under
hogs, with the chain's own CPU share and the hogs' throughput, and ratios to
the idle machine (frames) and to the default scheduler (hogs); bench.json has
them under the run's "shapes": {shape: {"idle" or scheduler: {...}}}.
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "vm"))
from check import num, parse, user_share_between  # noqa: E402

LABELS = {
    "default": "default scheduler",
    "qos": "qosland qos",
    "vruntime": "qosland vruntime",
    "fifo": "qosland fifo",
    "fallback": "qosland fallback (user space)",
    "bpf": "qosland --force-fallback (BPF)",
}

# bench.sh's parts: the first five run by default, shapes on request.
DEFAULT_PARTS = ("idle", "frames", "cyclic", "hackbench", "hogs")
# Each shape's period in ms (frame_pipeline --shape), its deadline.
SHAPE_PERIOD_MS = {"30hz": 33.3, "60hz": 16.7, "120hz": 8.3, "240hz": 4.2, "audio1333": 1.3, "audio5333": 5.3}


def label(cfg):
    """A config's row name: POLICY_nodefer, POLICY_noorders, POLICY_owN,
    POLICY_deferUS and POLICY_holdUS (bench.sh) name the option they set."""
    m = re.fullmatch(r"(\w+?)_(nodefer|noorders|ow(\d+)|defer(\d+)|hold(\d+))", cfg)
    if m and m.group(1) not in ("default", "bpf"):
        if m.group(2) == "noorders":
            return f"qosland {m.group(1)}, --no-standing-orders"
        if m.group(3) is not None:
            return f"qosland {m.group(1)}, --order-wakeups {m.group(3)}"
        if m.group(5) is not None:
            return f"qosland {m.group(1)}, --wakeup-hold-us {m.group(5)}"
        return f"qosland {m.group(1)}, --wakeup-defer-us {m.group(4) or 0}"
    return LABELS.get(cfg, cfg)


# The quantiles frame_pipeline prints in frames_cdf (q_us).
QUANTILES = [q / 100 for q in range(0, 100, 5)] + [0.99, 1.0]


def figures(tagged, facts, cfg):
    """One scheduler's figures from one run, or None when it did not finish."""
    if facts.get(f"{cfg}_done") != "1":
        return None
    g = lambda tag: tagged.get(f"{cfg}_{tag}", {})  # noqa: E731
    fr, idle, hb, alone, load_hog = g("frames"), g("idle_frames"), g("hackbench"), g("alone_hog"), g("hog")
    cyc, wake = g("cyclic"), g("sched_wakeup")
    out = {
        "frames_ticks": num(fr, "ticks", 0), "frames_missed": num(fr, "misses", 0),
        "frames_p50_ms": num(fr, "p50_us", 0) / 1000, "frames_p99_ms": num(fr, "p99_us", 0) / 1000,
        "frames_starved_threads": num(fr, "starved", 0),
        "idle_ticks": num(idle, "ticks", 0), "idle_missed": num(idle, "misses", 0),
        "idle_p99_ms": num(idle, "p99_us", 0) / 1000,
        "hogs_beside_frames_iters_per_s": num(load_hog, "iters_per_sec", 0),
        "cyclictest_p99_us": num(cyc, "p99_us", 0), "cyclictest_max_us": num(cyc, "max_us", 0),
        "sched_wakeup_p99_us": num(wake, "p99_us", 0),
        "hackbench_ms": num(hb, "ms", 0), "hackbench_rc": hb.get("rc"),
        "hogs_iters_per_s": num(alone, "iters_per_sec", 0),
        "frames_latency_quantiles_us": [float(v) for v in g("frames_cdf").get("q_us", "").strip(",").split(",") if v],
    }
    # Later rounds of hackbench alone (bench_rounds), every scheduler in turn.
    round_tags = ["hackbench"] + sorted((k[len(cfg) + 1:] for k in tagged
                                         if re.fullmatch(rf"{re.escape(cfg)}_hackbench_r\d+", k)),
                                        key=lambda t: int(t.rsplit("_r", 1)[1]))
    rounds = [g(t) for t in round_tags]
    out["hackbench_round_ms"] = [num(r, "ms", 0) for r in rounds]
    out["hackbench_runs_ms"] = [float(v) for r in rounds for v in r.get("runs", "").split(",") if v]
    if len(rounds) > 1 and out["hackbench_runs_ms"]:
        out["hackbench_ms"] = statistics.median(out["hackbench_runs_ms"])
    if cfg != "default":
        # Decisions made in user space in each round's three runs: a signal
        # of how the scheduler behaved that depends less on the emulator's
        # speed than the time does.
        out["hackbench_round_user_dispatches"] = [
            user_share_between(g(f"{tag}_stats_before"), g(f"{tag}_stats_after"))[1]
            if g(f"{tag}_stats_after") else None
            for tag in round_tags]
        for p in ("idle", "frames", "cyclic", "hackbench", "hogs"):
            q = g(f"{p}_qosland")
            out[f"qosland_cpu_pct_{p}"] = num(q, "cpu_pct", -1)
            share, du, db = user_share_between(g(f"{p}_stats_before"), g(f"{p}_stats_after"))
            out[f"user_share_{p}"] = share
            out[f"user_dispatches_{p}"] = du
            out[f"bpf_dispatches_{p}"] = db
            after = g(f"{p}_stats_after")
            out[f"fallback_ms_{p}"] = num(after, "fallback_ms", 0) - num(g(f"{p}_stats_before"), "fallback_ms", 0)
    return out


def run_parts(setup):
    """The parts a run ran, from its setup line (older logs: the default five)."""
    parts = [p for p in setup.get("parts", "").split(",") if p]
    return parts or list(DEFAULT_PARTS)


def run_shapes(tagged, setup, configs):
    """The shapes a run's shapes part ran: its setup line's, then any other
    that has results (in the order they came)."""
    shapes = [s for s in setup.get("shapes", "").split(",") if s] if "shapes" in run_parts(setup) else []
    for tag in tagged:
        for pre in [f"{c}_shape_" for c in configs] + ["default_shapeidle_"]:
            if tag.startswith(pre) and tag.endswith("_frames") and len(tag) > len(pre) + len("_frames"):
                shape = tag[len(pre):-len("_frames")]
                if shape not in shapes:
                    shapes.append(shape)
    return shapes


def shape_figures(tagged, facts, pre, cfg=None, part=None):
    """One shape's figures under one scheduler (tags PRE_frames, PRE_hog), or
    None when it has none; for qosland (cfg) also its CPU use and the share of
    dispatches it decided in user space over the part (CFG_PART_*)."""
    fr = tagged.get(f"{pre}_frames")
    if fr is None:
        return None
    ticks, missed = num(fr, "ticks", 0), num(fr, "misses", 0)
    cdf = tagged.get(f"{pre}_frames_cdf", {}).get("q_us", "")
    out = {
        "ticks": ticks, "missed": missed, "missed_pct": 100 * missed / ticks if ticks else None,
        "p50_ms": num(fr, "p50_us", 0) / 1000, "p95_ms": num(fr, "p95_us", 0) / 1000,
        "p99_ms": num(fr, "p99_us", 0) / 1000, "max_ms": num(fr, "max_us", 0) / 1000,
        "chain_cpu_pct": num(fr, "cpu_pct", -1), "starved_threads": num(fr, "starved", 0),
        "frames_rc": facts.get(f"{pre}_frames_rc"),
        "latency_quantiles_us": [float(v) for v in cdf.strip(",").split(",") if v],
    }
    hog = tagged.get(f"{pre}_hog")
    if hog is not None:
        out["hog_iters_per_s"] = num(hog, "iters_per_sec", 0)
        out["hog_rc"] = facts.get(f"{pre}_hog_rc")
    if cfg and cfg != "default" and part:
        g = lambda tag: tagged.get(f"{cfg}_{part}_{tag}", {})  # noqa: E731
        out["qosland_cpu_pct"] = num(g("qosland"), "cpu_pct", -1)
        out["qosland_sys_pct"] = num(g("qosland"), "sys_pct", -1)  # of which in the kernel
        share, du, db = user_share_between(g("stats_before"), g("stats_after"))
        out["user_share"], out["user_dispatches"], out["bpf_dispatches"] = share, du, db
    return out


def shapes_of_run(tagged, facts, configs, shapes):
    """{shape: {"idle": ..., cfg: ...}} for the schedulers that ran each
    shape, the idle machine first, then the default scheduler, then the
    others in the run's order; with the ratios to the idle machine (frames)
    and to the default scheduler (hogs) in the same shape."""
    order = (["default"] if "default" in configs else []) + [c for c in configs if c != "default"]
    result = {}
    for shape in shapes:
        row = {}
        idle = shape_figures(tagged, facts, f"default_shapeidle_{shape}")
        if idle is not None:
            row["idle"] = idle
        for cfg in order:
            f = shape_figures(tagged, facts, f"{cfg}_shape_{shape}", cfg, f"shape_{shape}")
            if f is not None:
                row[cfg] = f
        d = row.get("default")
        for key, f in row.items():
            if key == "idle":
                continue
            f["missed_pct_minus_idle"] = (f["missed_pct"] - idle["missed_pct"]
                                          if idle and f["missed_pct"] is not None and idle["missed_pct"] is not None
                                          else None)
            f["p99_over_idle"] = f["p99_ms"] / idle["p99_ms"] if idle and idle["p99_ms"] else None
            f["hog_over_default"] = (f["hog_iters_per_s"] / d["hog_iters_per_s"]
                                     if d and d.get("hog_iters_per_s") and "hog_iters_per_s" in f else None)
        if row:
            result[shape] = row
    return result


def shapes_table(setup, shapes):
    """The Shapes table of one run (Markdown lines)."""
    half = (int(setup.get("seconds", "0") or 0) + 1) // 2
    lines = [f"Shapes: the frame pipeline in each shape (frame_pipeline --shape) for {half or '?'} s under "
             f"{setup.get('hogs', '?')} hogs; the idle machine: the same shape alone, under the default scheduler. "
             "Missed: frames that missed their period (the deadline), of the ticks; chain CPU: the frame "
             "pipeline's own CPU time, % of one CPU. Missed - idle: in points of % of ticks; p99 / idle p99: "
             "lower is better; hog / default: the hogs' throughput against the default scheduler's in the "
             "same shape, higher is better.", ""]
    head = ["shape", "scheduler", "frames missed (% of ticks)", "p50 ms", "p99 ms", "chain CPU %", "hog iter/s",
            "missed - idle (% of ticks)", "p99 / idle p99", "hog / default"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    opt = lambda v, f: "-" if v is None else f.format(v)  # noqa: E731
    for shape, row in shapes.items():
        name = f"{shape} ({SHAPE_PERIOD_MS[shape]} ms)" if shape in SHAPE_PERIOD_MS else shape
        for key, f in row.items():
            who = "idle machine" if key == "idle" else label(key)
            lines.append(
                f"| {name} | {who} | {f['missed']:.0f} of {f['ticks']:.0f} ({opt(f['missed_pct'], '{:.1f}%')}) | "
                f"{f['p50_ms']:.2f} | {f['p99_ms']:.2f} | {f['chain_cpu_pct']:.1f} | "
                f"{opt(f.get('hog_iters_per_s'), '{:.0f}')} | "
                f"{opt(f.get('missed_pct_minus_idle'), '{:+.1f}')} | {opt(f.get('p99_over_idle'), '{:.2f}')} | "
                f"{'-' if key in ('idle', 'default') else opt(f.get('hog_over_default'), '{:.2f}')} |")
            name = ""
    return lines


def shape_targets(setup, shapes, cfg="qos"):
    """Issue 18's targets per shape for one scheduler (Markdown lines):
    misses at most the idle machine's plus 2% of ticks and --force-fallback's
    plus 1%, p99 at most 1.5 x the idle machine's, and the hogs at least the
    default scheduler's x (1 - the chain's share of the machine - 0.03)."""
    nproc = float(setup.get("nproc", 0) or 0)
    lines = []
    for shape, row in shapes.items():
        f, idle, bpf = row.get(cfg), row.get("idle"), row.get("bpf")
        if not f or not idle:
            continue
        checks = []
        m, mi, mb = (x.get("missed_pct") if x else None for x in (f, idle, bpf))
        if m is not None and mi is not None:
            checks.append((f"missed {m:.1f}% <= idle {mi:.1f}% + 2", m <= mi + 2))
        if m is not None and mb is not None:
            checks.append((f"<= BPF {mb:.1f}% + 1", m <= mb + 1))
        if idle.get("p99_ms"):
            checks.append((f"p99 {f['p99_ms']:.1f} <= 1.5 x {idle['p99_ms']:.1f} ms", f["p99_ms"] <= 1.5 * idle["p99_ms"]))
        hod = f.get("hog_over_default")
        if hod is not None and nproc > 0 and f.get("chain_cpu_pct", -1) >= 0:
            want = 1 - f["chain_cpu_pct"] / 100 / nproc - 0.03
            checks.append((f"hogs {hod:.2f} >= {want:.2f}", hod >= want))
        if checks:
            met = sum(ok for _, ok in checks)
            lines.append(f"- {shape}: {met} of {len(checks)} met; "
                         + "; ".join(f"{text} ({'met' if ok else 'NOT met'})" for text, ok in checks))
    if lines:
        lines = ["", f"Targets per shape (issue 18), {label(cfg)}:"] + lines
    return lines


def ratio(a, b):
    return a / b if b else float("nan")


def hackbench_ratios(d, f):
    """Throughput against the default scheduler, round by round (each
    round's medians, a minute apart), and their median."""
    by_round = [ratio(a, b) for a, b in zip(d["hackbench_round_ms"], f["hackbench_round_ms"]) if a and b]
    return by_round, statistics.median(by_round) if by_round else ratio(d["hackbench_ms"], f["hackbench_ms"])


def fmt_hackbench(by_round, r):
    if len(by_round) < 2:
        return fmt_ratio(r)
    return f"{fmt_ratio(r)} ({fmt_ratio(min(by_round))}-{fmt_ratio(max(by_round))} over {len(by_round)} rounds)"


def fmt_ratio(r):
    return "n/a" if r != r else f"{r:.2f}"


def table(name, setup, runs, shapes=None):
    """One run's Markdown: the parts' table, the ratios and the targets (with
    "-" for a part the run did not run), then the Shapes table if it has one."""
    d = runs.get("default")
    ran = set(run_parts(setup))
    has = lambda *parts: any(p in ran for p in parts)  # noqa: E731
    cell = lambda part, text: text if part in ran else "-"  # noqa: E731
    title = [f"{setup.get('nproc', '?')} CPUs", f"{setup.get('hogs', '?')} hogs"]
    if has("idle", "frames", "cyclic", "hogs") or not has(*DEFAULT_PARTS, "shapes"):
        title.append(f"{setup.get('seconds', '?')} s frames runs")
    if has("hackbench"):
        title.append(f"hackbench {setup.get('hackbench', '?')} "
                     f"(3 runs{' x ' + setup['rounds'] + ' rounds' if setup.get('rounds', '1') != '1' else ''})")
    if sorted(ran) != sorted(DEFAULT_PARTS):
        title.append("parts " + ", ".join(run_parts(setup)))
    lines = [f"### {name}: {', '.join(title)}", ""]
    if has(*DEFAULT_PARTS):
        head = ["scheduler", "frames missed under hogs (idle)", "frame p99 ms", "cyclictest p99 us",
                "hackbench s", "hog iter/s", "qosland CPU % (hogs / frames)", "user-space share (hackbench / frames)"]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for cfg, f in runs.items():
            if f is None:
                lines.append(f"| {label(cfg)} | did not finish | | | | | | |")
                continue
            cpu = "" if cfg == "default" else (f"{cell('hogs', format(f['qosland_cpu_pct_hogs'], '.1f'))} / "
                                               f"{cell('frames', format(f['qosland_cpu_pct_frames'], '.1f'))}")
            pct = lambda part: cell(part, f"{100 * f['user_share_' + part]:.0f}%")  # noqa: E731
            share = "" if cfg == "default" else f"{pct('hackbench')} / {pct('frames')}"
            missed = cell("frames", f"{f['frames_missed']:.0f} of {f['frames_ticks']:.0f}")
            missed += f" ({f['idle_missed']:.0f})" if "idle" in ran else ""
            lines.append(f"| {label(cfg)} | {missed} | {cell('frames', format(f['frames_p99_ms'], '.1f'))} | "
                         f"{cell('cyclic', format(f['cyclictest_p99_us'], '.0f'))} | "
                         f"{cell('hackbench', format(f['hackbench_ms'] / 1000, '.2f'))} | "
                         f"{cell('hogs', format(f['hogs_iters_per_s'], '.0f'))} | {cpu} | {share} |")
    if d and has("frames", "cyclic", "hackbench", "hogs"):
        lines += ["", "Ratios to the default scheduler in the same run (frames and cyclictest: lower is "
                  "better; throughput: higher is better):", ""]
        head = ["scheduler", "frames missed", "frame p99", "cyclictest p99", "hackbench throughput",
                "hog throughput"]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for cfg, f in runs.items():
            if cfg == "default" or f is None:
                continue
            lines.append(f"| {label(cfg)} | "
                         f"{cell('frames', fmt_ratio(ratio(f['frames_missed'], d['frames_missed'])))} | "
                         f"{cell('frames', fmt_ratio(ratio(f['frames_p99_ms'], d['frames_p99_ms'])))} | "
                         f"{cell('cyclic', fmt_ratio(ratio(f['cyclictest_p99_us'], d['cyclictest_p99_us'])))} | "
                         f"{cell('hackbench', fmt_hackbench(f['hackbench_ratio_by_round'], f['hackbench_ratio']))} | "
                         f"{cell('hogs', fmt_ratio(ratio(f['hogs_iters_per_s'], d['hogs_iters_per_s'])))} |")
        q = runs.get("qos")
        if q:
            lines += ["", "Targets (issue 6), qos policy:"]
            if has("hackbench"):
                hb = q["hackbench_ratio"]
                lines.append(
                    f"- hackbench throughput >= 0.90 x default: {fmt_hackbench(q['hackbench_ratio_by_round'], hb)} "
                    f"({'met' if hb >= 0.90 else 'NOT met'}), with {100 * q['user_share_hackbench']:.0f}% of "
                    f"dispatches decided in user space ({q['user_dispatches_hackbench']:.0f} user, "
                    f"{q['bpf_dispatches_hackbench']:.0f} BPF"
                    + (f"; user-space decisions per round: "
                       f"{', '.join('?' if n is None else f'{n:.0f}' for n in q['hackbench_round_user_dispatches'])})"
                       if len(q["hackbench_round_user_dispatches"]) > 1 else ")"))
            if has("hogs"):
                lines.append(f"- qosland's own CPU under 8 x nproc hogs <= 5% of one CPU: "
                             f"{q['qosland_cpu_pct_hogs']:.1f}% "
                             f"({'met' if 0 <= q['qosland_cpu_pct_hogs'] <= 5 else 'NOT met'})")
            if not has("hackbench", "hogs"):
                lines.pop()
                lines.pop()
    if shapes:
        lines += ([] if lines[-1] == "" else [""]) + shapes_table(setup, shapes) + shape_targets(setup, shapes)
    return lines


def plot(out_dir, name, runs):
    """frames-NAME.png: latency (ms, log) against percentile, one line per scheduler."""
    if not shutil.which("gnuplot"):
        return None
    data = os.path.join(out_dir, f"frames-{name}.dat")
    cols = [(cfg, f["frames_latency_quantiles_us"]) for cfg, f in runs.items()
            if f and len(f["frames_latency_quantiles_us"]) == len(QUANTILES)]
    if not cols:
        return None
    with open(data, "w") as out:
        out.write("# percentile " + " ".join(c for c, _ in cols) + "\n")
        for i, q in enumerate(QUANTILES):
            out.write(f"{100 * q:g} " + " ".join(f"{max(v[i], 1) / 1000:.3f}" for _, v in cols) + "\n")
    png = os.path.join(out_dir, f"frames-{name}.png")
    plots = ", ".join(f"'{data}' using {i + 2}:1 with linespoints title '{label(c)}'"
                      for i, (c, _) in enumerate(cols))
    script = (f"set terminal pngcairo size 900,560 noenhanced; set output '{png}';"
              f"set title 'Frame latency under 8 x nproc hogs, kernel {name} (60 Hz: deadline 16.7 ms)';"
              "set xlabel 'frame latency (ms, log scale)'; set ylabel 'percentile of completed frames';"
              "set logscale x; set key bottom right; set grid; set arrow from 16.7, graph 0 to 16.7, graph 1 nohead dt 2;"
              f"plot {plots}")
    if subprocess.run(["gnuplot", "-e", script], capture_output=True).returncode != 0:
        return None
    return png


def main():
    if len(sys.argv) < 3 or any("=" not in a for a in sys.argv[2:]):
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    result, md, ok = {}, ["## qosland vs the default scheduler", ""], True
    for arg in sys.argv[2:]:
        name, log = arg.split("=", 1)
        try:
            text = open(log, errors="replace").read()
        except OSError as e:
            print(f"report: no log at {log} ({e.strerror})", file=sys.stderr)
            ok = False
            continue
        facts, tagged, _ = parse(text, "bench")
        setup = tagged.get("setup", {})
        configs = [c for c in setup.get("configs", "").split(",") if c]
        if not configs:
            print(f"report: {log} has no bench run in it", file=sys.stderr)
            ok = False
            continue
        runs = {cfg: figures(tagged, facts, cfg) for cfg in configs}
        if runs.get("default"):
            for cfg, f in runs.items():
                if f and cfg != "default":
                    f["hackbench_ratio_by_round"], f["hackbench_ratio"] = hackbench_ratios(runs["default"], f)
        ok = ok and all(runs.values())
        # What a finished scheduler must have depends on the parts that ran:
        # its rounds of hackbench only with hackbench, its shapes (and the
        # idle machine's, under the default scheduler) only with shapes.
        parts = run_parts(setup)
        want = int(setup.get("rounds", "1") or 1)
        for cfg, f in runs.items():
            if f and "hackbench" in parts and len(f["hackbench_round_ms"]) != want:
                print(f"report: {log}: {cfg} has {len(f['hackbench_round_ms'])} of {want} rounds of hackbench",
                      file=sys.stderr)
                ok = False
        shape_names = run_shapes(tagged, setup, configs)
        shapes = shapes_of_run(tagged, facts, configs, shape_names)
        if "shapes" in parts:
            for shape in [s for s in setup.get("shapes", "").split(",") if s]:
                missing = [c for c, f in runs.items() if f and c not in shapes.get(shape, {})]
                if "default" in runs and runs["default"] and "idle" not in shapes.get(shape, {}):
                    missing.append("the idle machine")
                if missing:
                    print(f"report: {log}: no results for shape {shape} from {', '.join(missing)}", file=sys.stderr)
                    ok = False
        png = plot(out_dir, name, runs)
        result[name] = {"setup": {k: v for k, v in setup.items() if k != "_text"}, "schedulers": runs,
                        "plot": os.path.basename(png) if png else None}
        if shapes:
            result[name]["shapes"] = shapes
        md += table(name, setup, runs, shapes)
        if png or "frames" in parts:
            md += ["", f"![frame latency, {name}](frames-{name}.png)" if png else "(no plot: gnuplot missing)", ""]
        else:
            md += [""]
    with open(os.path.join(out_dir, "bench.json"), "w") as out:
        json.dump(result, out, indent=1, sort_keys=True)
    with open(os.path.join(out_dir, "bench.md"), "w") as out:
        out.write("\n".join(md) + "\n")
    print("\n".join(md))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
