/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fallback deadline: the qos policy's idea (policy/qos_policy.h) in
 * integer math, for the BPF shim to schedule on its own while user space is
 * stalled, and always with --force-fallback. Shared by the BPF shim and the
 * unit tests (no kernel types, no helpers, no loops, no division by a value
 * that can be 0).
 *
 * Units: ns, and "vns": CPU ns scaled to a nice-0 task (weight 100). Fixed
 * point: boosts are in 1/16 (QOSLAND_FB_ONE = 1.0). S = the configured
 * slice; s = the slice of this turn, shorter when many tasks wait:
 *
 *   s       = clamp(20 ms * nr_cpus / nr_runnable, 0.5 ms, S)
 *   crit    = log2(1 + block_hz) + log2(1 + wake_hz)             (0..40)
 *   brief   = log2(S / clamp(avg_runtime, 10 us, S))             (0..~9)
 *   boost   = 1 + crit * (1 + brief) / 4
 *     High for a task that blocks and wakes others often and runs briefly
 *     (a frame chain), 1 for a CPU hog. What user space adds is missing:
 *     QoS classes (tags, rules) and inheritance along wakeup chains.
 *   charge  = runtime * 100 / (w * min(boost, 4))                (vns)
 *     vruntime += charge when the task stops running: weights split the CPU,
 *     and a latency-critical task may use up to 4x its share without falling
 *     behind (a 60 Hz chain among many hogs needs more than a fair share).
 *   start   = clamp(vruntime, vtime_now - s, vtime_now + s)
 *     A sleeper's credit is one turn at most; no task is more than one turn
 *     ahead of the clock, whatever its weight.
 *   budget  = min(min(avg_runtime, s) * 100 / w / boost, 2 s)
 *   deadline = start + budget                 (the DSQ's vtime order)
 *
 * Unlike the qos policy (policy/qos_policy.h, steps 5 and 6), this one still
 * requests the average runtime and shrinks slices with the queue. The qos
 * policy gave both up for throughput (hackbench). This is the safety net,
 * and a crowd must not stall it: among 1000 hogs on one CPU, whole 5 ms
 * slices made a 60 Hz task that had just arrived wait 5 s, and nothing checks
 * BPF's own queue for tasks that wait a second (as ops.dispatch does for the
 * queues user space fills).
 *
 * Waiting: every key lies within [vtime_now - s, vtime_now + 3 s], and
 * vtime_now follows the starts of the tasks that run, so whoever waits is
 * reached once the tasks ahead of it have each run a few turns. Among 16
 * hogs on 2 CPUs a turn comes round within tens of ms. It degrades like the
 * qos policy's when hundreds of tasks crowd one CPU (slices bottom out at
 * 0.5 ms): tests/fallback_policy_test.cc measures 1000 hogs and ten 60 Hz
 * tasks on one CPU, where the 60 Hz tasks still run within a second
 * but a nice 19 hog among nice -20 ones can wait over 10 s, past the
 * kernel watchdog's 5 s (which would hand every task back to the default
 * scheduler).
 */
#ifndef QOSLAND_BPF_QOSLAND_DEADLINE_H_
#define QOSLAND_BPF_QOSLAND_DEADLINE_H_

#ifndef __bpf__
#include <linux/types.h>
#endif

#define QOSLAND_FB_ONE 16ULL                  /* 1.0 in a boost's fixed point */
#define QOSLAND_FB_MAX_DISCOUNT 4ULL          /* charge = runtime / min(boost, this) */
#define QOSLAND_FB_MIN_RUNTIME_NS 10000ULL    /* shorter runs count as 10 us */
#define QOSLAND_FB_MIN_WEIGHT 10U             /* nice ~+10 */
#define QOSLAND_FB_MAX_WEIGHT 1000U           /* nice ~-10 */
#define QOSLAND_FB_MAX_BUDGET_SLICES 2ULL
#define QOSLAND_FB_TARGET_LATENCY_NS 20000000ULL
#define QOSLAND_FB_MIN_SLICE_NS 500000ULL

/* floor(log2(v)); 0 for v <= 1. */
static inline __u32 qosland_log2(__u64 v)
{
	__u32 r = 0;

	if (v >= (1ULL << 32)) { r += 32; v >>= 32; }
	if (v >= (1ULL << 16)) { r += 16; v >>= 16; }
	if (v >= (1ULL << 8)) { r += 8; v >>= 8; }
	if (v >= (1ULL << 4)) { r += 4; v >>= 4; }
	if (v >= (1ULL << 2)) { r += 2; v >>= 2; }
	if (v >= (1ULL << 1)) { r += 1; }
	return r;
}

static inline __u64 qosland_fb_weight(__u32 weight)
{
	if (weight < QOSLAND_FB_MIN_WEIGHT)
		return QOSLAND_FB_MIN_WEIGHT;
	if (weight > QOSLAND_FB_MAX_WEIGHT)
		return QOSLAND_FB_MAX_WEIGHT;
	return weight;
}

/* CPU per activation, as the formulas count it: unknown (0) is one slice. */
static inline __u64 qosland_fb_runtime(__u64 avg_runtime_ns, __u64 slice_ns)
{
	if (!avg_runtime_ns || avg_runtime_ns > slice_ns)
		return slice_ns;
	if (avg_runtime_ns < QOSLAND_FB_MIN_RUNTIME_NS)
		return QOSLAND_FB_MIN_RUNTIME_NS;
	return avg_runtime_ns;
}

/* The boost, in 1/16 (QOSLAND_FB_ONE: none). */
static inline __u64 qosland_fb_boost16(__u64 avg_runtime_ns, __u32 wake_hz, __u32 block_hz, __u64 slice_ns)
{
	__u64 crit = qosland_log2(1 + (__u64)block_hz) + qosland_log2(1 + (__u64)wake_hz);
	__u64 rt = qosland_fb_runtime(avg_runtime_ns, slice_ns);
	__u64 brief = qosland_log2(slice_ns / rt);

	return QOSLAND_FB_ONE + 4 * crit * (1 + brief);
}

/* vns that `runtime_ns` of CPU costs a task of this weight and boost. */
static inline __u64 qosland_fb_charge(__u64 runtime_ns, __u32 weight, __u64 boost16)
{
	__u64 discount16 = boost16 < QOSLAND_FB_ONE ? QOSLAND_FB_ONE : boost16;

	if (discount16 > QOSLAND_FB_MAX_DISCOUNT * QOSLAND_FB_ONE)
		discount16 = QOSLAND_FB_MAX_DISCOUNT * QOSLAND_FB_ONE;
	return runtime_ns * 100 * QOSLAND_FB_ONE / (qosland_fb_weight(weight) * discount16);
}

/* The start a task's next turn counts from: its vruntime within one slice
 * of the clock on either side. */
static inline __u64 qosland_fb_start(__u64 vruntime, __u64 vtime_now, __u64 slice_ns)
{
	if (vtime_now > slice_ns && vruntime < vtime_now - slice_ns)
		return vtime_now - slice_ns;
	if (vruntime > vtime_now + slice_ns)
		return vtime_now + slice_ns;
	return vruntime;
}

static inline __u64 qosland_fb_deadline(__u64 start, __u64 avg_runtime_ns, __u32 weight, __u64 boost16,
					__u64 slice_ns)
{
	__u64 request = qosland_fb_runtime(avg_runtime_ns, slice_ns) * 100 / qosland_fb_weight(weight);
	__u64 budget = request * QOSLAND_FB_ONE / (boost16 < QOSLAND_FB_ONE ? QOSLAND_FB_ONE : boost16);

	if (budget > QOSLAND_FB_MAX_BUDGET_SLICES * slice_ns)
		budget = QOSLAND_FB_MAX_BUDGET_SLICES * slice_ns;
	return start + budget;
}

static inline __u64 qosland_fb_slice(__u32 nr_cpus, __s64 nr_runnable, __u64 slice_ns)
{
	__u64 s;

	if (nr_runnable <= (__s64)nr_cpus)
		return slice_ns;
	s = QOSLAND_FB_TARGET_LATENCY_NS * nr_cpus / (__u64)nr_runnable;
	if (s < QOSLAND_FB_MIN_SLICE_NS)
		s = QOSLAND_FB_MIN_SLICE_NS;
	return s > slice_ns ? slice_ns : s;
}

#endif /* QOSLAND_BPF_QOSLAND_DEADLINE_H_ */
