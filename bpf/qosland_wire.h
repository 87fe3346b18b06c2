/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qosland wire format: the only description of what crosses between the BPF
 * shim (bpf/qosland.bpf.c) and user space (core/wire_codec.cc). Included by
 * both; C++ checks sizes and offsets with static_assert in core/wire_codec.cc.
 *
 * Rules: fixed-width fields only, every hole is an explicit padding field,
 * records are multiples of 8 bytes, and new fields go at the end of a record
 * (bump QOSLAND_WIRE_VERSION when a record changes).
 */
#ifndef QOSLAND_BPF_QOSLAND_WIRE_H_
#define QOSLAND_BPF_QOSLAND_WIRE_H_

#ifndef __bpf__
#include <linux/types.h>
#endif

#define QOSLAND_WIRE_VERSION 11

/* "Run this task on any CPU": the decision goes to the shared DSQ. */
#define QOSLAND_CPU_ANY (-1)

/* qosland_queued.kind */
enum qosland_record_kind {
	QOSLAND_REC_QUEUED = 1, /* the task is runnable and waits for a decision */
	QOSLAND_REC_EXIT = 2,   /* the task is gone; forget it (best effort) */
	QOSLAND_REC_NUDGE = 3,  /* no task: wakes user space to read records that
	                           were sent without waking it (only kind is set) */
};

/* qosland_queued.flags */
enum qosland_queued_flags {
	QOSLAND_QF_WAKEUP = 1u << 0, /* became runnable by a wakeup (else: preempted or slice expired) */
	QOSLAND_QF_ORDERED = 1u << 1, /* a wakeup BPF already dispatched by the task's standing
	                                 order: no decision is wanted (see "Standing orders") */
	QOSLAND_QF_ORDER_LOW = 1u << 2, /* with ORDERED: that order is spent or nearly
	                                   (qosland_order_low); renew it if the task keeps one */
};
/* qosland_queued.flags also carries the task's scheduling policy (bits 8-15:
 * SCHED_NORMAL 0, SCHED_BATCH 3, SCHED_IDLE 5...), nice (bits 16-23, two's
 * complement) and requested uclamp max (bits 24-31: uclamp_max / 8 + 1, so
 * 1024 is 129; 0 when the kernel has no uclamp), which say its class as
 * Sched QoS sets it (its uclamp values are multiples of 8). */
#define QOSLAND_QF_POLICY_SHIFT 8
#define QOSLAND_QF_NICE_SHIFT 16
#define QOSLAND_QF_UCLAMP_SHIFT 24

/*
 * Kernel -> user, through the BPF_MAP_TYPE_RINGBUF "queued". 104 bytes.
 * One record per ops.enqueue that BPF does not handle itself, and one
 * (QOSLAND_REC_EXIT) per exiting task when the ring has room.
 */
struct qosland_queued {
	__s32 pid;            /* kernel thread id (task->pid), init pid namespace */
	__s32 tgid;           /* kernel process id (task->tgid) */
	__u64 cookie;         /* unique for the task's lifetime (never reused, never 0):
	                         tells a reused pid from the task that had it before */
	__u64 gen;            /* per-task enqueue generation; echo it in the decision */
	__u64 enq_ns;         /* bpf_ktime_get_ns() (CLOCK_MONOTONIC) at enqueue */
	__u64 runtime_ns;     /* CPU time the task used since its previous record */
	__u32 kind;           /* enum qosland_record_kind */
	__u32 flags;          /* enum qosland_queued_flags */
	__s32 prev_cpu;       /* CPU the task last ran on */
	__u32 weight;         /* p->scx.weight: 100 at nice 0, 1..10000 */
	__u32 nr_cpus_allowed;/* size of the task's affinity mask */
	__u32 ident_hash;     /* a hash of the task's name (comm) and cgroup: it
	                         changes on exec, rename and cgroup move, when user
	                         space looks at the task's class again */
	/* Signals, smoothed in BPF (bpf/qosland_signals.h): */
	__u64 avg_runtime_ns; /* CPU time per activation (wakeup to block), EWMA */
	__u64 slept_ns;       /* how long it was blocked before this wakeup; 0 if
	                         this record is not a wakeup */
	__u32 wake_freq_hz;   /* how often it wakes other tasks (producer) */
	__u32 block_freq_hz;  /* how often it blocks (consumer) */
	__s32 waker_pid;      /* the task that woke it; 0 if not a wakeup, or woken
	                         from interrupt context (no task to credit) */
	__u32 nr_runnable;    /* runnable tasks under qosland at enqueue (all CPUs) */
	__u32 rooted;         /* 0..QOSLAND_ROOTED_ONE (qosland_signals.h): how much
	                         its wakeups trace back to an interrupt, EWMA */
	__u32 pad0;
};

/*
 * User -> kernel, through the BPF_MAP_TYPE_USER_RINGBUF "dispatched". 88 bytes.
 * Drained by ops.dispatch. Two kinds, by flags:
 *   - a decision (no QOSLAND_DF_ORDER_ONLY) for a task that waits: stale
 *     decisions (generation or cookie mismatch, task gone, task no longer
 *     waiting) are dropped and counted. It also replaces the task's
 *     standing order: with QOSLAND_DF_ORDER by the one it carries, else by
 *     none;
 *   - an order only (QOSLAND_DF_ORDER_ONLY), for a task in any state
 *     (running, sleeping, waiting): with QOSLAND_DF_ORDER it sets the
 *     task's standing order, without it withdraws it. See "Standing orders".
 */
struct qosland_dispatch {
	__s32 pid;            /* from qosland_queued.pid */
	__s32 cpu;            /* target CPU, or QOSLAND_CPU_ANY */
	__u64 cookie;         /* from qosland_queued.cookie */
	__u64 gen;            /* from qosland_queued.gen: the record this answers */
	__u64 slice_ns;       /* time slice to grant; 0 means the BPF default */
	__u64 vtime;          /* ordering key inside the target DSQ: lower runs first */
	__u32 flags;          /* QOSLAND_DF_* */
	__s32 order_cpu;      /* standing order: target CPU, or QOSLAND_CPU_ANY */
	__u64 start;          /* where this decision starts in the policy's virtual
	                         time (<= vtime); moves the kernel clock, below */
	__s64 order_offset;   /* standing order: deadline = kernel clock + offset */
	__u64 order_slice_ns; /* standing order: slice; 0 means the BPF default */
	__u32 order_wakeups;  /* standing order: wakeups it may dispatch, 1..QOSLAND_ORDER_MAX_WAKEUPS */
	__u32 order_runtime_us; /* standing order: CPU time (us) the task may use
	                           under it, 1..QOSLAND_ORDER_MAX_RUNTIME_US */
	__u64 order_floor;    /* standing order: its deadline is never earlier than this */
};

/* qosland_dispatch.flags */
/* Its wakeups reach user space at once, even unrooted ones, which may
 * otherwise wait while the CPUs have decided work (see record_wakeup_flags
 * in qosland.bpf.c). Holds until the task's next decision. */
#define QOSLAND_DF_URGENT (1U << 0)
/* The record carries a standing order (order_* fields). */
#define QOSLAND_DF_ORDER (1U << 1)
/* No dispatch: the record only sets (with QOSLAND_DF_ORDER) or withdraws
 * (without) the task's standing order. */
#define QOSLAND_DF_ORDER_ONLY (1U << 2)

/*
 * Standing orders: a policy decides a task's next wakeups ahead.
 *
 * With a decision, or alone (QOSLAND_DF_ORDER_ONLY), user space may leave
 * an order: where the task goes (a CPU, or any), its slice, and its
 * deadline as an offset from the kernel clock. A wakeup that finds no idle
 * CPU and a valid order is inserted at once, with
 *
 *     vtime = max(0, K + order_offset, order_floor)
 *
 * (the floor: a task that used more CPU than the clock moved on keeps the
 * later deadline its own virtual runtime gives it),  * where K, the kernel clock, is the largest `start` of the decisions that
 * have begun to run (ops.running), 0 before any: it never decreases, and it
 * is the policy's own clock as far as the kernel has seen it run (the qos
 * policy's vtime_now is the largest start it has learnt ran; K is never
 * behind it). So an order lands no earlier than the decision the policy
 * would have made with the same offset at that time, and never ahead of work
 * it queued with an earlier deadline beyond what the offset says. Its record
 * still goes to user space (QOSLAND_QF_ORDERED), without waking it.
 *
 * An order is spent after order_wakeups wakeups or order_runtime_us of CPU
 * time used under it, each at most the cap below (the CPU time cap is what
 * bounds how stale an order's floor may get). It is void (never
 * applied) after exec, a change of scheduling policy, nice, uclamp,
 * affinity, name or cgroup (the task's identity is checked at every
 * wakeup against its identity at the record the order answers), once BPF
 * takes over from a stalled user space (and while it schedules alone), and
 * when a decision without an order, or a withdrawal, replaces it. A class
 * set by user space (tags, rules) changes only there: user space withdraws
 * the order.
 *
 * Sets only apply when they answer a record no older than the task's
 * latest identity change (gen), and never one newer than the latest.
 */
/* The kernel side may cap an order's wakeups lower (qosland
 * --order-wakeups). */
#define QOSLAND_ORDER_MAX_WAKEUPS 32
#define QOSLAND_ORDER_MAX_RUNTIME_US 50000

#define QOSLAND_DELAY_BUCKETS 24

/*
 * BPF-side counters, one copy per CPU in the BPF_MAP_TYPE_PERCPU_ARRAY
 * "stats" (key 0); user space sums the copies. All counters only grow, except
 * nr_queued which is a gauge (its per-CPU copies may be negative; the sum
 * is exact). The runnable count is the global nr_runnable_all instead.
 */
struct qosland_bpf_stats {
	__u64 nr_sent;            /* records sent to user space */
	__u64 nr_user_dispatches; /* decisions from user space inserted into a DSQ */
	__u64 nr_idle_dispatches; /* wakeups sent straight to an idle CPU by BPF */
	__u64 nr_idle_prev;       /*   of which to the task's previous CPU */
	__u64 nr_idle_core;       /*   to a fully idle core in the previous CPU's LLC */
	__u64 nr_idle_any;        /*   to any other idle CPU */
	__u64 nr_kthread_dispatches; /* kernel threads, kept in BPF */
	__u64 nr_self_dispatches; /* the user-space scheduler's own threads */
	__u64 nr_congested;       /* ring buffer full: BPF dispatched the task itself */
	__u64 nr_stale;           /* decisions dropped (generation/cookie mismatch, task gone) */
	__u64 nr_bad_records;     /* decisions that could not be read */
	__u64 nr_exit_lost;       /* exit records dropped because the ring was full */
	__u64 nr_deadline_preempts; /* CPUs preempted for a pinned task with an earlier deadline */
	__u64 nr_self_moved;      /* scheduler woken on another CPU, sparing a more urgent task */
	__u64 nr_lazy_records;    /* records sent without waking user space */
	__u64 nr_nudges;          /* user space woken for records sent without a wakeup */
	__s64 nr_queued;          /* gauge: tasks waiting for a user-space decision */
	/* Round trip through user space: enqueue to decision applied, as a
	 * histogram; bucket i counts delays in [2^i, 2^(i+1)) microseconds
	 * (bucket 0 also takes < 1 us, the last bucket everything above). */
	__u64 decision_delay_hist[QOSLAND_DELAY_BUCKETS];
	/* BPF scheduling on its own while user space is stalled (fallback): */
	__u64 nr_fallback_enters; /* times it took over */
	__u64 fallback_ns;        /* time it scheduled alone, counted when it hands back */
	__u64 nr_fallback_dispatches; /* tasks it queued by its own deadline */
	__u64 nr_rescued;         /* tasks taken back from user space when it took over */
	__u64 nr_starved;         /* tasks BPF ran because they had waited a second (policy bound) */
	__u64 nr_self_deferred;   /* scheduler runs deferred until the waking task blocks (or a timer) */
	/* Standing orders (see above): */
	__u64 nr_order_dispatches; /* wakeups dispatched by an order */
	__u64 nr_order_preempts;  /*   of which preempted a CPU running a later deadline */
	__u64 nr_orders_set;      /* orders installed (with a decision or alone) */
	__u64 nr_orders_void;     /* orders found stale or spent at a wakeup */
	__u64 nr_order_stale;     /* order-only records dropped (cookie, generation) */
};

/* Filled by ops.exit; user space reads it when the kernel ejects qosland. */
#define QOSLAND_EXIT_REASON_LEN 128
#define QOSLAND_EXIT_MSG_LEN 1024
#define QOSLAND_EXIT_DUMP_LEN 32768
struct qosland_exit_info {
	__s64 kind;               /* enum scx_exit_kind; 0 while running */
	__s64 exit_code;
	char reason[QOSLAND_EXIT_REASON_LEN];
	char msg[QOSLAND_EXIT_MSG_LEN];
	char dump[QOSLAND_EXIT_DUMP_LEN]; /* the kernel's state dump on an error exit */
};

#endif /* QOSLAND_BPF_QOSLAND_WIRE_H_ */
