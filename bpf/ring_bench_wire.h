/* SPDX-License-Identifier: GPL-2.0 */
/* The context of the ring-buffer benchmark's BPF programs
 * (bpf/ring_bench.bpf.c), in and out through BPF_PROG_RUN. */
#ifndef QOSLAND_BPF_RING_BENCH_WIRE_H_
#define QOSLAND_BPF_RING_BENCH_WIRE_H_

#ifndef __bpf__
#include <linux/types.h>
#endif

/* Each ring: room for 64K records of 96 bytes (plus headers). */
#define QOSLAND_RING_BENCH_BYTES (16u << 20)

struct qosland_ring_bench_args {
	__u32 nr;        /* in: records to produce */
	__u32 nr_tasks;  /* in: distinct tasks they are for */
	__u64 gen;       /* in: generation to stamp */
	__u32 produced;  /* out: records produced (fewer when the ring is full) */
	__u32 pad;
	__u64 drained;   /* out: decisions drained */
	__u64 checksum;  /* out: keeps the drain honest */
};

#endif /* QOSLAND_BPF_RING_BENCH_WIRE_H_ */
