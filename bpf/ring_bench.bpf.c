// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of qosland's transport, without sched_ext: two BPF programs
 * of type `syscall`, run with BPF_PROG_RUN, produce qosland_queued records
 * into a BPF ring buffer as ops.enqueue does, and drain qosland_dispatch
 * decisions from a user ring buffer as ops.dispatch does. The benchmarks
 * (bench/transport_bench.cc) time user space's half against those real maps
 * on any kernel with BPF (5.19+ for the user ring buffer), root only.
 */
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>

#include "qosland_wire.h"
#include "ring_bench_wire.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, QOSLAND_RING_BENCH_BYTES);
} queued SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, QOSLAND_RING_BENCH_BYTES);
} dispatched SEC(".maps");

static long produce_one(__u32 i, void *ctx)
{
	struct qosland_ring_bench_args *args = ctx;
	struct qosland_queued *q;

	q = bpf_ringbuf_reserve(&queued, sizeof(*q), 0);
	if (!q)
		return 1; /* full: stop */
	q->pid = 1000 + (i % args->nr_tasks);
	q->tgid = q->pid;
	q->cookie = 1 + (i % args->nr_tasks);
	q->gen = args->gen;
	q->enq_ns = bpf_ktime_get_ns();
	q->runtime_ns = 1000 + (i * 7919) % 5000000;
	q->kind = QOSLAND_REC_QUEUED;
	q->flags = (i & 1) ? QOSLAND_QF_WAKEUP : 0;
	q->prev_cpu = i & 7;
	q->weight = 100;
	q->nr_cpus_allowed = 8;
	q->ident_hash = 7;
	q->avg_runtime_ns = q->runtime_ns;
	q->slept_ns = (i & 1) ? 16000000 : 0;
	q->wake_freq_hz = (i & 3) ? 0 : 60;
	q->block_freq_hz = (i & 3) ? 0 : 60;
	q->waker_pid = 0;
	q->nr_runnable = args->nr_tasks;
	/* As ops.enqueue does under load: user space polls, no wakeup per record. */
	bpf_ringbuf_submit(q, BPF_RB_NO_WAKEUP);
	args->produced++;
	return 0;
}

SEC("syscall")
int produce(struct qosland_ring_bench_args *args)
{
	/* bpf_loop's callback context must live on the stack. */
	struct qosland_ring_bench_args a = *args;

	a.produced = 0;
	/* The mask also clears the register's upper half: the compiler may load
	 * nr together with nr_tasks as one 64-bit word, and the verifier's
	 * inlined bpf_loop compares all 64 bits against its limit (-E2BIG). */
	bpf_loop(a.nr & 0xfffff, produce_one, &a, 0);
	args->produced = a.produced;
	return 0;
}

static long drain_one(struct bpf_dynptr *dynptr, void *ctx)
{
	struct qosland_ring_bench_args *args = ctx;
	struct qosland_dispatch d;

	if (bpf_dynptr_read(&d, sizeof(d), dynptr, 0, 0))
		return 1;
	args->checksum += d.gen + d.cookie;
	return 0;
}

SEC("syscall")
int drain(struct qosland_ring_bench_args *args)
{
	struct qosland_ring_bench_args a = *args;
	long n;

	a.checksum = 0;
	n = bpf_user_ringbuf_drain(&dispatched, drain_one, &a, 0);
	args->checksum = a.checksum;
	args->drained = n < 0 ? 0 : n;
	return 0;
}
