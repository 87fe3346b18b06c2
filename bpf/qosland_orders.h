/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Standing orders' arithmetic (see "Standing orders" in qosland_wire.h),
 * shared by the BPF shim and the unit tests (no kernel types, no helpers):
 * the kernel clock, where an order lands, an order's life, and the task
 * identity an order is bound to.
 */
#ifndef QOSLAND_BPF_QOSLAND_ORDERS_H_
#define QOSLAND_BPF_QOSLAND_ORDERS_H_

#ifndef __bpf__
#include <linux/types.h>
#endif

#include "qosland_wire.h"

/* The kernel clock K after a decision with this start begins to run:
 * K never decreases. */
static inline __u64 qosland_clock_advance(__u64 clock, __u64 start)
{
	return start > clock ? start : clock;
}

/* An order's key at a wakeup: max(0, K + offset, floor), without wrapping. */
static inline __u64 qosland_order_vtime(__u64 clock, __s64 offset, __u64 floor)
{
	__u64 back = 0 - (__u64)offset;  /* |offset| for a negative one, in unsigned math */
	__u64 v;

	if (offset >= 0)
		v = clock + (__u64)offset < clock ? ~0ULL : clock + (__u64)offset;
	else
		v = back >= clock ? 0 : clock - back;
	return v > floor ? v : floor;
}

/* An order's life as user space asked, within the caps; 0 wakeups means
 * no order. */
static inline __u32 qosland_order_wakeups(__u32 asked)
{
	return asked > QOSLAND_ORDER_MAX_WAKEUPS ? QOSLAND_ORDER_MAX_WAKEUPS : asked;
}

static inline __u64 qosland_order_runtime_ns(__u32 asked_us)
{
	__u32 us = asked_us > QOSLAND_ORDER_MAX_RUNTIME_US ? QOSLAND_ORDER_MAX_RUNTIME_US : asked_us;

	return (__u64)us * 1000;
}

/* Whether an order that has just dispatched a wakeup runs low, with
 * @wakeups_left wakeups and @runtime_left_ns of CPU left: at most
 * QOSLAND_ORDER_RENEW_AT wakeups or a quarter of the CPU cap. Its record
 * then carries QOSLAND_QF_ORDER_LOW and wakes user space, so that a policy
 * renews it before it runs out. */
#define QOSLAND_ORDER_RENEW_AT 2
static inline int qosland_order_low(__u32 wakeups_left, __s64 runtime_left_ns)
{
	return wakeups_left <= QOSLAND_ORDER_RENEW_AT ||
	       runtime_left_ns <= (__s64)(QOSLAND_ORDER_MAX_RUNTIME_US * 1000ULL / 4);
}
/* What a standing order is bound to: the task's name and cgroup (its
 * ident_hash), its exec count, scheduling policy, static priority (nice),
 * requested uclamp max and the size of its affinity mask. Any change makes
 * a different value (up to hash collisions, 1 in 2^32), and the order void.
 * Affinity and weight changes also void it directly (ops.set_cpumask,
 * ops.set_weight), so a move to another CPU set of the same size counts. */
static inline __u32 qosland_order_ident(__u32 ident_hash, __u64 exec_id, __u32 policy, __s32 static_prio,
					 __u32 uclamp_code, __u32 nr_cpus_allowed)
{
	__u64 h = ident_hash;

	h = (h ^ exec_id) * 0x9e3779b97f4a7c15ULL;
	h = (h ^ ((__u64)policy << 32 | (__u32)static_prio)) * 0xc2b2ae3d27d4eb4fULL;
	h = (h ^ ((__u64)uclamp_code << 32 | nr_cpus_allowed)) * 0xff51afd7ed558ccdULL;
	return (__u32)(h >> 32) ^ (__u32)h;
}

#endif /* QOSLAND_BPF_QOSLAND_ORDERS_H_ */
