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


def main():
    if len(sys.argv) != 2:
        print("usage: report.py LOG", file=sys.stderr)
        return 2
    text = open(sys.argv[1], errors="replace").read()
    facts, tagged, _ = parse(text, "demo")
    idle, dflt, qos = tagged.get("idle_frames"), tagged.get("default_frames"), tagged.get("qosland_frames")
    if not (idle and dflt and qos):
        print("demo: the run did not complete; see the log", sys.argv[1], file=sys.stderr)
        return 1
    hog_d, hog_q = tagged.get("default_hog", {}), tagged.get("qosland_hog", {})
    share, _, _ = user_share_between(tagged.get("stats_before", {}), tagged.get("stats_after", {}))

    def miss_pct(f):
        ticks = num(f, "ticks", 0)
        return 100.0 * num(f, "misses", 0) / ticks if ticks else 0.0

    def ratio(a, b):
        return f"{a / b:.2f}x" if b else "n/a"

    rows = [
        ("frame pipeline alone", idle, None, ""),
        (f"+ {facts.get('hogs', '?')} hogs, default scheduler", dflt, hog_d, ""),
        (f"+ {facts.get('hogs', '?')} hogs, qosland", qos, hog_q, f"{100 * share:.1f}%"),
    ]
    print(f"\nqosland demo: {facts.get('nproc', '?')} CPUs, {facts.get('seconds', '?')} s per run, "
          "60 Hz frame pipeline (16.7 ms deadline)\n")
    header = ("run", "frames", "missed", "missed %", "p50 ms", "p99 ms", "hog iter/s", "user-space share")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for name, f, hog, us in rows:
        print(f"| {name} | {int(num(f, 'ticks', 0))} | {int(num(f, 'misses', 0))} | {miss_pct(f):.1f}% | "
              f"{num(f, 'p50_us', 0) / 1000:.1f} | {num(f, 'p99_us', 0) / 1000:.1f} | "
              f"{num(hog, 'iters_per_sec', 0):.0f} | {us} |" if hog is not None else
              f"| {name} | {int(num(f, 'ticks', 0))} | {int(num(f, 'misses', 0))} | {miss_pct(f):.1f}% | "
              f"{num(f, 'p50_us', 0) / 1000:.1f} | {num(f, 'p99_us', 0) / 1000:.1f} | | |")
    print(f"| qosland / default | | {ratio(num(qos, 'misses', 0), num(dflt, 'misses', 0))} | | "
          f"{ratio(num(qos, 'p50_us', 0), num(dflt, 'p50_us', 0))} | "
          f"{ratio(num(qos, 'p99_us', 0), num(dflt, 'p99_us', 0))} | "
          f"{ratio(num(hog_q, 'iters_per_sec', 0), num(hog_d, 'iters_per_sec', 0))} | |")
    print("\nmissed = dropped ticks (previous frame still in flight) + frames later than 16.7 ms; "
          "user-space share = workload dispatches decided by qosland's user-space policy while the hogs ran.")
    print(f"qosland exited with {facts.get('qosland_rc', '?')} on SIGINT.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
