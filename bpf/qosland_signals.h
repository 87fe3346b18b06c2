/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-task signal math shared by the BPF shim and the unit tests (no kernel
 * types, no helpers): integer EWMAs of event intervals and the rates derived
 * from them. Cheap on purpose: a shift and an add per event.
 */
#ifndef QOSLAND_BPF_QOSLAND_SIGNALS_H_
#define QOSLAND_BPF_QOSLAND_SIGNALS_H_

#ifndef __bpf__
#include <linux/types.h>
#endif

/* A new sample weighs 1/4: a task's behaviour shows after a few events, and
 * one odd interval moves the average by a quarter at most. */
#define QOSLAND_EWMA_SHIFT 2
/* Intervals longer than this count as this long: one long sleep must not
 * take many events to forget, and rates under 1 Hz all mean "rarely". */
#define QOSLAND_MAX_INTERVAL_NS 1000000000ULL
#define QOSLAND_MAX_RATE_HZ 1000000U

static inline __u64 qosland_ewma_step(__u64 avg, __u64 sample)
{
	return avg - (avg >> QOSLAND_EWMA_SHIFT) + (sample >> QOSLAND_EWMA_SHIFT);
}

/* The first sample is taken as it is (0 means "none yet"). */
static inline __u64 qosland_ewma(__u64 avg, __u64 sample)
{
	return avg ? qosland_ewma_step(avg, sample) : sample;
}

/* Folds the interval between two events into the average interval. */
static inline __u64 qosland_interval_update(__u64 avg_ns, __u64 last_ns, __u64 now_ns)
{
	__u64 sample;

	if (!last_ns || now_ns <= last_ns)
		return avg_ns;
	sample = now_ns - last_ns;
	if (sample > QOSLAND_MAX_INTERVAL_NS)
		sample = QOSLAND_MAX_INTERVAL_NS;
	return qosland_ewma(avg_ns, sample);
}

/* Events per second. An event that is overdue (more time has passed since
 * the last one than the average interval) lowers the rate at once, so a task
 * that stopped waking others does not stay a "producer" for ever. 0 when the
 * event never happened. */
static inline __u32 qosland_rate_hz(__u64 avg_interval_ns, __u64 last_ns, __u64 now_ns)
{
	__u64 interval = avg_interval_ns, hz;

	if (!avg_interval_ns || !last_ns)
		return 0;
	if (now_ns > last_ns && now_ns - last_ns > interval)
		interval = now_ns - last_ns;
	if (interval > QOSLAND_MAX_INTERVAL_NS)
		interval = QOSLAND_MAX_INTERVAL_NS;
	hz = 1000000000ULL / interval;
	return hz > QOSLAND_MAX_RATE_HZ ? QOSLAND_MAX_RATE_HZ : (__u32)hz;
}

/*
 * Rootedness: how much of a task's wakeups trace back to an interrupt (a
 * timer, a device: a display's vblank, a sound card, input, the network)
 * rather than only to other tasks, in [0, QOSLAND_ROOTED_ONE]. A wakeup
 * from an interrupt, the idle task, a kernel thread or a task sched_ext
 * does not schedule (real-time ones; with --partial, all but SCHED_EXT
 * ones) is a sample of ONE;
 * a wakeup by a task passes on 7/8 of that task's own value, so it fades
 * along a chain of tasks and dies out where tasks only wake each other.
 * A game's frame chain (timer -> main -> workers -> main -> compositor)
 * settles at 1 for the timer thread and 0.6-0.7 for the others (as a
 * fraction of ONE); hackbench's senders and receivers, or a build's make
 * and compilers, at 0. Averaged like the other signals (1/4 a sample), but
 * from 0 for a new task.
 */
#define QOSLAND_ROOTED_ONE 1024U

static inline __u32 qosland_rooted_hop(__u32 waker_rooted)
{
	return waker_rooted - (waker_rooted >> 3);
}

/* Starts from 0, not from the first sample: a new task has to earn it. */
static inline __u32 qosland_rooted_update(__u32 avg, __u32 sample)
{
	return (__u32)qosland_ewma_step(avg, sample);
}

#endif /* QOSLAND_BPF_QOSLAND_SIGNALS_H_ */
