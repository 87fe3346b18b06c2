#!/usr/bin/env python3
"""Tables and plots from scenario-runner logs (tests/vm/guest/bench.sh).

    report.py OUT_DIR NAME=LOG [NAME=LOG ...]

NAME labels a run (the kernel, e.g. 7.3). Writes OUT_DIR/bench.json (every
figure), OUT_DIR/bench.md (per run: the figures, and each scheduler's as a
ratio to the kernel's default scheduler in the same run) and, with gnuplot,
OUT_DIR/frames-NAME.png (frame latency distributions under hogs). Prints the
Markdown. Exit 1 if a run is missing or incomplete.
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


def label(cfg):
    """A config's row name: POLICY_nodefer, POLICY_deferUS and POLICY_holdUS
    (bench.sh) name the option they set."""
    m = re.fullmatch(r"(\w+?)_(nodefer|defer(\d+)|hold(\d+))", cfg)
    if m and m.group(1) not in ("default", "bpf"):
        if m.group(4) is not None:
            return f"qosland {m.group(1)}, --wakeup-hold-us {m.group(4)}"
        return f"qosland {m.group(1)}, --wakeup-defer-us {m.group(3) or 0}"
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


def table(name, setup, runs):
    d = runs.get("default")
    lines = [f"### {name}: {setup.get('nproc', '?')} CPUs, {setup.get('hogs', '?')} hogs, "
             f"{setup.get('seconds', '?')} s frames runs, hackbench {setup.get('hackbench', '?')} "
             f"(3 runs{' x ' + setup['rounds'] + ' rounds' if setup.get('rounds', '1') != '1' else ''})", ""]
    head = ["scheduler", "frames missed under hogs (idle)", "frame p99 ms", "cyclictest p99 us",
            "hackbench s", "hog iter/s", "qosland CPU % (hogs / frames)", "user-space share (hackbench / frames)"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for cfg, f in runs.items():
        if f is None:
            lines.append(f"| {label(cfg)} | did not finish | | | | | | |")
            continue
        cpu = "" if cfg == "default" else f"{f['qosland_cpu_pct_hogs']:.1f} / {f['qosland_cpu_pct_frames']:.1f}"
        share = "" if cfg == "default" else f"{100 * f['user_share_hackbench']:.0f}% / {100 * f['user_share_frames']:.0f}%"
        lines.append(f"| {label(cfg)} | {f['frames_missed']:.0f} of {f['frames_ticks']:.0f} "
                     f"({f['idle_missed']:.0f}) | {f['frames_p99_ms']:.1f} | {f['cyclictest_p99_us']:.0f} | "
                     f"{f['hackbench_ms'] / 1000:.2f} | {f['hogs_iters_per_s']:.0f} | {cpu} | {share} |")
    if d:
        lines += ["", "Ratios to the default scheduler in the same run (frames and cyclictest: lower is "
                  "better; throughput: higher is better):", ""]
        head = ["scheduler", "frames missed", "frame p99", "cyclictest p99", "hackbench throughput",
                "hog throughput"]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for cfg, f in runs.items():
            if cfg == "default" or f is None:
                continue
            lines.append(f"| {label(cfg)} | {fmt_ratio(ratio(f['frames_missed'], d['frames_missed']))} | "
                         f"{fmt_ratio(ratio(f['frames_p99_ms'], d['frames_p99_ms']))} | "
                         f"{fmt_ratio(ratio(f['cyclictest_p99_us'], d['cyclictest_p99_us']))} | "
                         f"{fmt_hackbench(f['hackbench_ratio_by_round'], f['hackbench_ratio'])} | "
                         f"{fmt_ratio(ratio(f['hogs_iters_per_s'], d['hogs_iters_per_s']))} |")
        q = runs.get("qos")
        if q:
            hb = q["hackbench_ratio"]
            lines += ["", "Targets (issue 6), qos policy:",
                      f"- hackbench throughput >= 0.90 x default: {fmt_hackbench(q['hackbench_ratio_by_round'], hb)} "
                      f"({'met' if hb >= 0.90 else 'NOT met'}), with {100 * q['user_share_hackbench']:.0f}% of "
                      f"dispatches decided in user space ({q['user_dispatches_hackbench']:.0f} user, "
                      f"{q['bpf_dispatches_hackbench']:.0f} BPF"
                      + (f"; user-space decisions per round: "
                         f"{', '.join('?' if n is None else f'{n:.0f}' for n in q['hackbench_round_user_dispatches'])})"
                         if len(q["hackbench_round_user_dispatches"]) > 1 else ")"),
                      f"- qosland's own CPU under 8 x nproc hogs <= 5% of one CPU: "
                      f"{q['qosland_cpu_pct_hogs']:.1f}% ({'met' if 0 <= q['qosland_cpu_pct_hogs'] <= 5 else 'NOT met'})"]
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
        want = int(setup.get("rounds", "1") or 1)
        for cfg, f in runs.items():
            if f and len(f["hackbench_round_ms"]) != want:
                print(f"report: {log}: {cfg} has {len(f['hackbench_round_ms'])} of {want} rounds of hackbench",
                      file=sys.stderr)
                ok = False
        png = plot(out_dir, name, runs)
        result[name] = {"setup": {k: v for k, v in setup.items() if k != "_text"}, "schedulers": runs,
                        "plot": os.path.basename(png) if png else None}
        md += table(name, setup, runs)
        md += ["", f"![frame latency, {name}](frames-{name}.png)" if png else "(no plot: gnuplot missing)", ""]
    with open(os.path.join(out_dir, "bench.json"), "w") as out:
        json.dump(result, out, indent=1, sort_keys=True)
    with open(os.path.join(out_dir, "bench.md"), "w") as out:
        out.write("\n".join(md) + "\n")
    print("\n".join(md))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
