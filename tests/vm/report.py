#!/usr/bin/env python3
"""Prints the demo's side-by-side table from its log (tests/vm/guest/demo.sh).

    report.py LOG

Rows: the frame pipeline alone, under 8 x nproc hogs with the kernel's default
scheduler, and under the same hogs with qosland, all from the same run; the
last column gives qosland's figures as ratios to the default scheduler's.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check import num, parse, user_share_between  # noqa: E402


def miss_pct(f):
    ticks = num(f, "ticks", 0)
    return 100.0 * num(f, "misses", 0) / ticks if ticks else 0.0


def ratio(a, b):
    return f"{a / b:.2f}x" if b else "n/a"


def table(title, hogs, idle, dflt, qos, hog_d, hog_q, share):
    """One chain's side-by-side table."""
    rows = [
        ("alone", idle, None, ""),
        (f"+ {hogs} hogs, default scheduler", dflt, hog_d, ""),
        (f"+ {hogs} hogs, qosland", qos, hog_q, f"{100 * share:.1f}%"),
    ]
    print(f"\n{title}\n")
    header = ("run", "frames", "missed", "missed %", "p50 ms", "p99 ms", "hog iter/s", "policy's share")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for name, f, hog, us in rows:
        hog_cell = f"{num(hog, 'iters_per_sec', 0):.0f}" if hog is not None else ""
        print(f"| {name} | {int(num(f, 'ticks', 0))} | {int(num(f, 'misses', 0))} | {miss_pct(f):.1f}% | "
              f"{num(f, 'p50_us', 0) / 1000:.1f} | {num(f, 'p99_us', 0) / 1000:.1f} | {hog_cell} | {us} |")
    print(f"| qosland / default | | {ratio(num(qos, 'misses', 0), num(dflt, 'misses', 0))} | | "
          f"{ratio(num(qos, 'p50_us', 0), num(dflt, 'p50_us', 0))} | "
          f"{ratio(num(qos, 'p99_us', 0), num(dflt, 'p99_us', 0))} | "
          f"{ratio(num(hog_q, 'iters_per_sec', 0), num(hog_d, 'iters_per_sec', 0))} | |")


def main():
    if len(sys.argv) != 2:
        print("usage: report.py LOG", file=sys.stderr)
        return 2
    text = open(sys.argv[1], errors="replace").read()
    facts, tagged, _ = parse(text, "demo")
    chains = [("", "60 Hz frame pipeline (16.7 ms deadline): main 2 ms, 2 workers of 1 ms, compositor 0.3 ms",
               "stats_before", "stats_after"),
              ("120", "120 Hz frame pipeline (8.3 ms deadline): main 1 ms, 3 workers of 0.5 ms, compositor 0.15 ms",
               "stats_after", "stats120_after")]
    for suffix, _, _, _ in chains:
        if not all(tagged.get(f"{run}{suffix}_frames") for run in ("idle", "default", "qosland")):
            print("demo: the run did not complete; see the log", sys.argv[1], file=sys.stderr)
            return 1
    print(f"\nqosland demo: {facts.get('nproc', '?')} CPUs, {facts.get('hogs', '?')} CPU hogs, "
          f"{facts.get('seconds', '?')} s per 60 Hz run, {facts.get('seconds_120hz', '?')} s per 120 Hz run")
    for suffix, title, before, after in chains:
        share, _, _ = user_share_between(tagged.get(before, {}), tagged.get(after, {}))
        table(title, facts.get("hogs", "?"), tagged[f"idle{suffix}_frames"], tagged[f"default{suffix}_frames"],
              tagged[f"qosland{suffix}_frames"], tagged.get(f"default{suffix}_hog", {}),
              tagged.get(f"qosland{suffix}_hog", {}), share)
    print("\nmissed = dropped ticks (previous frame still in flight) + frames later than their period; "
          "policy's share = the workload's dispatches that carried a decision of qosland's policy, made at once "
          "in user space or ahead as a standing order, while the hogs ran.")
    print(f"qosland exited with {facts.get('qosland_rc', '?')} on SIGINT.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
