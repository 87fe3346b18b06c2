/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qosland: the BPF half of a sched_ext scheduler whose decisions are made in
 * user space (core/dispatch_loop.cc, policy/).
 *
 * What goes to user space: every ops.enqueue of a normal task. BPF writes a
 * struct qosland_queued record into the ring buffer "queued" and keeps the task
 * in its custody (in no DSQ) until a decision comes back.
 *
 * What comes back: struct qosland_dispatch records in the user ring buffer
 * "dispatched", drained by ops.dispatch on whichever CPU dispatches next. Each
 * decision names a CPU (its per-CPU DSQ) or "any" (the shared DSQ) and a vtime;
 * both DSQs are vtime-ordered, so user space's order holds across batches.
 *
 * What never goes to user space (the hot paths):
 *   - a wakeup that finds an idle CPU: ops.select_cpu inserts the task into
 *     that CPU's local DSQ at once. It looks, within the task's affinity, for
 *     its previous CPU if idle (warm caches), else a fully idle core (every
 *     SMT sibling idle) sharing the previous CPU's last-level cache, else any
 *     idle CPU. The LLCs come from sysfs, read by user space before load
 *     (core/topology.h) and handed over in cpu_llc[]; SMT siblings are the
 *     kernel's own (its idle-core mask). No idle CPU: the task goes to user
 *     space through ops.enqueue;
 *   - kernel threads: user space may be waiting on any of them (khugepaged
 *     holding qosland's mmap_lock while qosland takes a page fault, kworkers
 *     doing its I/O or memory reclaim): queued behind user space they would
 *     deadlock until the watchdog fires. Per-CPU ones go to their CPU's local
 *     DSQ, the others to the fallback DSQ;
 *   - the user-space scheduler's own threads: inserted into the local DSQ with
 *     SCX_ENQ_PREEMPT, so the scheduler never waits behind what it schedules;
 *     when no CPU is idle, on the CPU that woke it (see qosland_select_cpu);
 *   - any task when the ring buffer is full (congestion): it goes to the FIFO
 *     fallback DSQ, which every CPU drains first, and is counted.
 * What BPF dispatches itself is counted (idle, kthread, self, congested), so
 * the share of dispatches decided in user space is always visible.
 *
 * A decision for a task that may not run on the CPU draining it (a thread
 * pinned to another CPU, like cyclictest's) goes to its own CPU's DSQ instead
 * of the shared one, which only CPUs it may use would look at; if that CPU
 * runs a task with a later deadline (the vtime of the decision that put it
 * there, cpu_cur_key[]), the task goes first into that CPU's local DSQ and
 * preempts, as an earliest-deadline-first scheduler would. Otherwise the
 * pinned task would wait for that task's slice to end, a timer tick or more.
 *
 * Records that can wait: a CPU-bound task whose turn ended, while enough
 * decided work waits for the CPUs, is sent without waking user space (see
 * record_wakeup_flags); such records are read with the next wakeup, or when
 * a CPU runs out of work (a nudge).
 *
 * Stale decisions: every enqueue bumps the task's generation; a decision whose
 * (cookie, generation) no longer matches, or whose task was dequeued in the
 * meantime (ops.dequeue: affinity change, exit), is dropped and counted. The
 * cookie is unique per task lifetime, so a recycled pid cannot take a decision
 * meant for its predecessor. The kernel itself also drops a dispatch of a task
 * that left BPF custody after we checked (its qseq changed), so the remaining
 * race (dequeue on another CPU between our check and the insert) is harmless.
 *
 * Standing orders (qosland_wire.h): a decision may leave an order for the
 * task's next wakeups. A wakeup that finds no idle CPU and a valid order
 * is queued at once, by the order's deadline on the kernel clock, and its
 * record goes to user space without waking it (apply_order). It preempts
 * where the scheduler would have run for it: the CPU of the wakeup (or the
 * task's own), if that CPU runs a later deadline; a task that woke it from
 * that CPU keeps it until it blocks or wakeup_defer_ns pass, as it would
 * keep it against the scheduler (see defer_usersched).
 *
 * When user space stalls (stopped, swapped out, stuck): BPF notices that
 * tasks wait for decisions while user space shows no progress (it read no
 * record, applied no decision and wrote no heartbeat) for stall_ns, and
 * schedules on its own (fallback): it takes every waiting task back (a scan
 * of all threads, in batches, from ops.dispatch), and queues every task it
 * meets by the integer deadline of qosland_deadline.h in BPF_DSQ, until user
 * space shows progress again. User space then drops what it still held for
 * those tasks (records older than fallback_entered_ns), so no burst of stale
 * decisions follows. A timer looks every stall_ns / 2, so an idle machine
 * with waiting tasks notices too. --force-fallback keeps BPF in charge for
 * good (tests, benchmarks). The sched_ext watchdog (timeout_ms below) stays
 * the last resort: if a task still waits longer, the kernel ejects qosland
 * and every task returns to the default scheduler.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "qosland_deadline.h"
#include "qosland_orders.h"
#include "qosland_signals.h"
#include "qosland_wire.h"

char _license[] SEC("license") = "GPL";

#define QOSLAND_OPS(name, args...) SEC("struct_ops/" #name) BPF_PROG(name, ##args)
#define QOSLAND_OPS_SLEEPABLE(name, args...) SEC("struct_ops.s/" #name) BPF_PROG(name, ##args)

#define PF_KTHREAD 0x00200000
#define E2BIG 7
#define ENOMEM 12
#define MAX_CPUS 1024
/* User DSQ ids: 0..nr_cpu_ids-1 are the per-CPU DSQs. */
#define SHARED_DSQ ((u64)MAX_CPUS)
#define FALLBACK_DSQ ((u64)MAX_CPUS + 1)
/* Tasks BPF queued by its own deadline (fallback), vtime-ordered. */
#define BPF_DSQ ((u64)MAX_CPUS + 2)
/* Waiting tasks taken back per ops.dispatch when BPF takes over; with what
 * that call may insert besides, within .dispatch_max_batch. */
#define RESCUE_BATCH 32
#define RESCUE_MORE (~0ULL)
#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC 1
#endif
/* Insertions per ops.dispatch; must not exceed .dispatch_max_batch. */
#define DISPATCH_BATCH 64

/* Set by user space before load. */
const volatile __u32 usersched_tgid;
const volatile __u64 default_slice_ns = 5000000;
/* BPF schedules on its own once tasks have waited this long for a user
 * space that shows no progress (--stall-ms); always with force_fallback. */
const volatile __u64 stall_ns = 50000000;
const volatile bool force_fallback;
const volatile bool switch_partial;  /* --partial: only SCHED_EXT tasks are ours */
/* See defer_usersched(); 0: always preempt at once. */
const volatile __u64 wakeup_defer_ns = 2000000;
/* How long a held wakeup record may wait at most; 0: none is held. */
const volatile __u64 wakeup_hold_ns = 5000000;
/* Topology (core/topology.h): the last-level cache of each CPU id, as an
 * index in [0, nr_llcs); nr_llcs = 0: unknown, skip the same-LLC step. */
const volatile __s32 cpu_llc[MAX_CPUS];
const volatile __u32 nr_llcs;
/* Half the size of the ring "queued" (--ring-size), fixed at load: see
 * record_wakeup_flags. */
const volatile __u64 queued_ring_half = (1 << 18) / 2;
/* --no-standing-orders: no order is installed or applied. */
const volatile bool standing_orders = true;
/* --order-wakeups: the most wakeups one order may dispatch (at most
 * QOSLAND_ORDER_MAX_WAKEUPS). */
const volatile __u32 order_max_wakeups = QOSLAND_ORDER_MAX_WAKEUPS;

struct qosland_exit_info exit_info;
/* Runnable tasks, all CPUs: one shared counter, read by every record (how
 * crowded the machine is) and by the status line. */
__s64 nr_runnable_all;
__u64 next_cookie = 1;
/* Per CPU: the deadline (decision vtime) of the task running there; 0 when
 * BPF dispatched it itself (never preempted for a deadline); KEY_USERSCHED
 * while the user-space scheduler runs there: later than any deadline, so a
 * pinned task's decision preempts it (see apply_one). */
__u64 cpu_cur_key[MAX_CPUS];
/* Per CPU: the running task just queued a wakeup record from task context
 * (cleared when another task starts running there), and a deferred
 * scheduler run is pending there (see defer_usersched). */
__u8 cpu_task_woke[MAX_CPUS];
__u8 cpu_defer_armed[MAX_CPUS];
#define KEY_USERSCHED (~0ULL)

/* Fallback (see the top of the file). */
__u64 usersched_beat_ns;     /* written by user space each loop iteration (CLOCK_MONOTONIC) */
__u64 last_progress_ns;      /* user space read records, sent decisions or beat */
__u64 wake_pending_ns;       /* since when user space owes a read: a record or nudge that
				woke it has not been followed by progress; 0: none */
__u64 last_cons_pos;         /* of the ring "queued", when last seen */
__s64 nr_waiting;            /* tasks in user space's hands (all CPUs) */
__u64 fallback_on;           /* BPF schedules on its own now (64 bits: for the compare-and-swap) */
__u32 rescue_pending;        /* waiting tasks remain to be taken back */
__u64 fallback_entered_ns;   /* when it last took over; user space drops older records */
__u64 fb_vtime_now;          /* the fallback deadlines' clock */
__u64 starve_scan;           /* the timer asks ops.dispatch to look for starving tasks */
__u64 enabled_at_ns;         /* ops.init: no takeover in the first STALL_GRACE_NS */
/* Standing orders: the kernel clock K (qosland_wire.h), and the epoch of
 * valid orders (a takeover starts a new one: every order is void). */
__u64 order_clock;
__u64 order_epoch;
__u64 watch_ticks;

struct task_ctx {
	u64 cookie;
	u64 gen;
	u64 last_run_at;  /* ns; when the task last started running */
	u64 runtime_acc;  /* ns of CPU used since the last record */
	u64 enq_at;       /* ns; when the last record was sent */
	/* Signals (see qosland_signals.h and struct qosland_queued). */
	u64 wake_avg;       /* ns between its wakeups of other tasks */
	u64 last_wake_at;   /* ns; when it last woke another task */
	u64 block_avg;      /* ns between its blocks */
	u64 last_block_at;  /* ns; when it last blocked */
	u64 run_activation; /* CPU ns since it last woke up */
	u64 runtime_avg;    /* CPU ns per activation */
	u64 slept_ns;       /* blocked time before the latest wakeup */
	s32 waker_pid;      /* who woke it last; 0: none (interrupt, not a wakeup) */
	u32 rooted;         /* see qosland_rooted_update */
	/* The wakeup in progress, as ops.select_cpu saw it from the waker's
	 * side (see attribute_wakeup); ops.runnable takes it over. */
	s32 pend_waker_pid;
	u32 pend_rooted;
	bool pend_valid;
	bool waiting;     /* in user space's hands: a decision may apply */
	bool user_decided; /* its latest dispatch came from a user-space decision */
	bool bpf_decided; /* its latest dispatch came from the fallback deadline */
	bool urgent;      /* its latest decision had QOSLAND_DF_URGENT */
	u64 key;          /* that decision's vtime */
	/* Fallback deadline (qosland_deadline.h), kept up to date always, so a
	 * takeover starts from what each task really used. */
	u64 fb_vruntime;
	u64 fb_start;
	u64 fb_boost16;
	/* Standing orders (qosland_wire.h). */
	u64 start;        /* its latest decision's start: moves the kernel clock when it runs */
	u32 rec_ident;    /* its identity (qosland_order_ident) at its latest record */
	u64 ident_gen;    /* the generation of the record where that identity (and epoch) began */
	u64 ord_epoch_seen; /* order_epoch at its latest record */
	bool ord_valid;   /* it has an order */
	s32 ord_cpu;
	u32 ord_wakeups;  /* wakeups the order may still dispatch */
	u32 ord_ident;    /* the identity it is bound to */
	u64 ord_epoch;
	s64 ord_offset;
	u64 ord_floor;
	u64 ord_slice_ns;
	s64 ord_runtime_left; /* ns of CPU it may still cover */
};

struct watch_timer {
	struct bpf_timer timer;
};

/* Per CPU: tasks taken back in the current rescue_waiting() call. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} rescue_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct watch_timer);
} watch SEC(".maps");

struct defer_timer {
	struct bpf_timer timer;
	s32 cpu;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_CPUS);
	__type(key, u32);
	__type(value, struct defer_timer);
} defer_timers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctx_stor SEC(".maps");

/* Sizes are set by user space before load (bpf_map__set_max_entries). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 18);
} queued SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 1 << 18);
} dispatched SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct qosland_bpf_stats);
} stats SEC(".maps");

/* A CPU mask owned by BPF, stored in an array map (built in ops.init). */
struct mask_slot {
	struct bpf_cpumask __kptr *mask;
};

/* llc_masks[l]: the CPUs of last-level cache l. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_CPUS);
	__type(key, u32);
	__type(value, struct mask_slot);
} llc_masks SEC(".maps");

/* scratch_masks[cpu]: working space for ops.select_cpu running on that CPU
 * (it runs with preemption off, so one per CPU is enough). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_CPUS);
	__type(key, u32);
	__type(value, struct mask_slot);
} scratch_masks SEC(".maps");

static struct qosland_bpf_stats *get_stats(void)
{
	u32 zero = 0;

	return bpf_map_lookup_elem(&stats, &zero);
}

#define STAT_ADD(field, v)                              \
	do {                                            \
		struct qosland_bpf_stats *__s = get_stats(); \
		if (__s)                                \
			__s->field += (v);              \
	} while (0)

static struct task_ctx *lookup_task_ctx(struct task_struct *p)
{
	return bpf_task_storage_get(&task_ctx_stor, p, 0, 0);
}

/*
 * Wakeups from interrupt context (a timer, a device) are nobody's doing: the
 * task that happens to be running must not be credited as a waker. The
 * kernel exports no kfunc for this on 6.16, so read this CPU's preempt count
 * through the typeless per-CPU symbols; without them, assume task context.
 * Its layout changed when the kernel added counted interrupt disabling (the
 * per-CPU local_interrupt_disable_state, present on 7.3, absent on 6.16):
 * eight HARDIRQ_DISABLE bits now sit at bit 16, moving the hardirq count from
 * bit 16 to bit 24. With the old masks on 7.3, every timer wakeup was taken
 * for the interrupted task's doing (a bpf_printk trace in the guest read
 * 0x01000003 in hardirq context); the scheduler's run was then deferred as
 * if that task had woken someone (see defer_usersched), and the task was
 * credited with the wakeup rate of whatever the timers woke.
 */
extern const void __preempt_count __ksym __weak;
extern const void __per_cpu_offset __ksym __weak;
extern const void local_interrupt_disable_state __ksym __weak;
#define QOSLAND_SOFTIRQ_OFFSET 0x00000100U
#define QOSLAND_HARDIRQ_MASK 0x000f0000U
#define QOSLAND_NMI_MASK 0x00f00000U
#define QOSLAND_HARDIRQ_MASK_COUNTED 0x0f000000U  /* with HARDIRQ_DISABLE bits */

static bool in_interrupt_context(void)
{
	u64 cpu = bpf_get_smp_processor_id();
	unsigned long offset = 0;
	u32 count = 0;

	if (!bpf_ksym_exists(&__preempt_count) || !bpf_ksym_exists(&__per_cpu_offset))
		return false;
	if (bpf_probe_read_kernel(&offset, sizeof(offset),
				  (const char *)&__per_cpu_offset + cpu * sizeof(offset)))
		return false;
	if (bpf_probe_read_kernel(&count, sizeof(count), (const char *)&__preempt_count + offset))
		return false;
	/* NMIs wake no task: only the hardirq and softirq counts matter. */
	if (bpf_ksym_exists(&local_interrupt_disable_state))
		return count & (QOSLAND_HARDIRQ_MASK_COUNTED | QOSLAND_SOFTIRQ_OFFSET);
	return count & (QOSLAND_NMI_MASK | QOSLAND_HARDIRQ_MASK | QOSLAND_SOFTIRQ_OFFSET);
}

/* A 32-bit hash of p->comm and the id of p's cgroup (v2): user space looks
 * at a task's name, executable, cgroup and class again when it changes
 * (exec, rename, a move to another cgroup). Probe reads: p->cgroups is
 * RCU-protected, and a torn read only costs one needless look. */
static u32 ident_hash(struct task_struct *p)
{
	u64 c[2] = {};
	u64 cgid = BPF_CORE_READ(p, cgroups, dfl_cgrp, kn, id);

	bpf_probe_read_kernel(c, sizeof(c), p->comm);
	c[0] = (c[0] ^ (c[1] * 0x9e3779b97f4a7c15ULL) ^ (cgid * 0xc2b2ae3d27d4eb4fULL)) * 0xff51afd7ed558ccdULL;
	return (u32)(c[0] >> 32) ^ (u32)c[0];
}

/* The uclamp max p asked for (sched_setattr), coded for the record's flags
 * (QOSLAND_QF_UCLAMP_SHIFT); 0 on a kernel built without uclamp. */
static u32 uclamp_max_code(struct task_struct *p)
{
	if (!bpf_core_field_exists(p->uclamp_req))
		return 0;
	return ((u32)BPF_CORE_READ_BITFIELD_PROBED(p, uclamp_req[1].value) >> 3) + 1;
}

static bool is_usersched(const struct task_struct *p)
{
	return usersched_tgid && p->tgid == usersched_tgid;
}

static bool is_kthread(const struct task_struct *p)
{
	return p->flags & PF_KTHREAD;
}

/* Wake an idle CPU that may run @p, so a task inserted into a shared DSQ does
 * not wait for a busy CPU's slice to end. */
static void kick_idle_cpu_for(struct task_struct *p)
{
	s32 cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);

	if (cpu >= 0)
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
}

/* Indexes a per-CPU array with a bound the verifier can see: false for a
 * CPU id out of range. */
static bool cpu_index(s32 cpu, u32 *idx)
{
	u32 c = cpu;

	if (c >= MAX_CPUS)
		return false;
	/* Hide the check from the compiler, which would drop the mask the
	 * verifier needs to see. */
	barrier_var(c);
	*idx = c & (MAX_CPUS - 1);
	return true;
}

/* cpu_llc[cpu]; -1 for an unknown CPU. */
static s32 llc_of(s32 cpu)
{
	u32 i;

	return cpu_index(cpu, &i) ? cpu_llc[i] : -1;
}

/* &cpu_cur_key[cpu], or NULL for an unknown CPU. */
static u64 *cur_key_slot(s32 cpu)
{
	u32 i;

	return cpu_index(cpu, &i) ? &cpu_cur_key[i] : NULL;
}

static const struct cpumask *cast_mask(struct bpf_cpumask *mask)
{
	return (const struct cpumask *)mask;
}

enum idle_pick { PICK_NONE, PICK_PREV, PICK_CORE, PICK_ANY };

/* Claims an idle CPU that @p may run on (see the top of the file for the
 * order), or returns -1 and leaves every CPU as it was. */
static s32 pick_idle_cpu(struct task_struct *p, s32 prev_cpu, enum idle_pick *how)
{
	const struct cpumask *allowed = p->cpus_ptr;
	struct bpf_cpumask *llc, *scratch;
	struct mask_slot *slot;
	u32 here, l;
	s32 cpu;

	if (prev_cpu >= 0 && bpf_cpumask_test_cpu(prev_cpu, allowed) &&
	    scx_bpf_test_and_clear_cpu_idle(prev_cpu)) {
		*how = PICK_PREV;
		return prev_cpu;
	}
	if (p->nr_cpus_allowed == 1)
		return -1;
	if (nr_llcs) {
		l = llc_of(prev_cpu);
		slot = l < MAX_CPUS ? bpf_map_lookup_elem(&llc_masks, &l) : NULL;
		llc = slot ? slot->mask : NULL;
		here = bpf_get_smp_processor_id();
		slot = bpf_map_lookup_elem(&scratch_masks, &here);
		scratch = slot ? slot->mask : NULL;
		if (llc && scratch) {
			bpf_cpumask_and(scratch, cast_mask(llc), allowed);
			/* Without SMT every idle CPU is an idle core. */
			cpu = scx_bpf_pick_idle_cpu(cast_mask(scratch), SCX_PICK_IDLE_CORE);
			if (cpu >= 0) {
				*how = PICK_CORE;
				return cpu;
			}
		}
	}
	cpu = scx_bpf_pick_idle_cpu(allowed, 0);
	if (cpu >= 0)
		*how = PICK_ANY;
	return cpu;
}

/*
 * Where the scheduler runs when no CPU is idle (ops.enqueue preempts the task
 * running there). Records wake it from the CPU that queued them, so by
 * default right here, without interrupting another CPU; this is usually the
 * waker about to block, or a hog an interrupt came in on. But if this CPU
 * runs a task with an earlier deadline than the one on the CPU the scheduler
 * last ran on (a latency-critical thread that just got the CPU), preempt
 * that one instead.
 */
static s32 usersched_cpu(struct task_struct *p, s32 prev_cpu)
{
	s32 cpu = bpf_get_smp_processor_id();
	u64 *here, *there;

	if (!bpf_cpumask_test_cpu(cpu, p->cpus_ptr))
		return prev_cpu;
	if (prev_cpu == cpu || !bpf_cpumask_test_cpu(prev_cpu, p->cpus_ptr))
		return cpu;
	here = cur_key_slot(cpu);
	there = cur_key_slot(prev_cpu);
	if (here && there && *here && *here != KEY_USERSCHED && *there > *here) {
		STAT_ADD(nr_self_moved, 1);
		return prev_cpu;
	}
	return cpu;
}

/*
 * Whether sched_ext, and so qosland, schedules t: only then does t's own
 * rootedness follow its wakeups (ops.runnable). Real-time and deadline tasks
 * never are ours (PipeWire's data thread, woken by a sound card or a timer,
 * wakes its clients from SCHED_FIFO); with --partial only SCHED_EXT ones are
 * (a compositor left to the kernel wakes the game).
 */
#define QOSLAND_SCHED_NORMAL 0
#define QOSLAND_SCHED_BATCH 3
#define QOSLAND_SCHED_IDLE 5
#define QOSLAND_SCHED_EXT 7

static bool under_qosland(const struct task_struct *t)
{
	u32 policy = t->policy;

	if (policy == QOSLAND_SCHED_EXT)
		return true;
	return !switch_partial && (policy == QOSLAND_SCHED_NORMAL || policy == QOSLAND_SCHED_BATCH ||
				   policy == QOSLAND_SCHED_IDLE);
}

/*
 * Who is behind a wakeup, seen from the waking side: the task to credit
 * (0 for none) and the rootedness sample (qosland_signals.h). Called by
 * ops.select_cpu, which runs in the waker's context. ops.runnable may not:
 * a wakeup onto an idle CPU is queued to that CPU and enqueued from its
 * interrupt (the kernel's wake list), where the waker is another CPU's
 * current task, and the wakeup would pass for a timer's. Only a task that
 * skips ops.select_cpu (bound to one CPU) is attributed in ops.runnable.
 * A kernel thread is credited as the waker (it may defer the scheduler's
 * run, see defer_usersched) but roots the chain like an interrupt: it works
 * for a device or a timer (softirqs, interrupt threads, I/O completion). So
 * does a task qosland does not schedule (under_qosland): its rootedness is
 * unknown, and counting it as 0 would cut every chain that passes through it.
 */
static void attribute_wakeup(struct task_struct *p, struct task_ctx *tctx, u64 now)
{
	struct task_struct *waker;
	struct task_ctx *wctx;

	tctx->pend_valid = true;
	tctx->pend_waker_pid = 0;
	tctx->pend_rooted = QOSLAND_ROOTED_ONE;
	if (in_interrupt_context())
		return;
	waker = bpf_get_current_task_btf();
	if (!waker->pid)  /* the idle task */
		return;
	/* A task waking itself, or one without a context, tells nothing. */
	wctx = waker != p ? lookup_task_ctx(waker) : NULL;
	if (!wctx) {
		tctx->pend_rooted = tctx->rooted;
		return;
	}
	wctx->wake_avg = qosland_interval_update(wctx->wake_avg, wctx->last_wake_at, now);
	wctx->last_wake_at = now;
	tctx->pend_waker_pid = waker->pid;
	if (!is_kthread(waker) && under_qosland(waker))
		tctx->pend_rooted = qosland_rooted_hop(wctx->rooted);
}

s32 QOSLAND_OPS(qosland_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	enum idle_pick how = PICK_NONE;
	s32 cpu;

	if (wake_flags & SCX_WAKE_TTWU) {
		struct task_ctx *tctx = lookup_task_ctx(p);

		if (tctx)
			attribute_wakeup(p, tctx, bpf_ktime_get_ns());
	}

	cpu = pick_idle_cpu(p, prev_cpu, &how);
	if (cpu < 0 && is_usersched(p))
		return usersched_cpu(p, prev_cpu);
	if (cpu < 0)
		return prev_cpu;  /* ops.enqueue sends it to user space */
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, default_slice_ns, 0);
	if (is_usersched(p)) {
		STAT_ADD(nr_self_dispatches, 1);
		return cpu;
	}
	STAT_ADD(nr_idle_dispatches, 1);
	if (how == PICK_PREV)
		STAT_ADD(nr_idle_prev, 1);
	else if (how == PICK_CORE)
		STAT_ADD(nr_idle_core, 1);
	else
		STAT_ADD(nr_idle_any, 1);
	return cpu;
}

/*
 * Waking user space for every record costs a switch to the scheduler and
 * back on a busy CPU. Some records can wait for the next wakeup while
 * enough decided work (two tasks per CPU) waits for the CPUs:
 * - a CPU-bound task whose turn just ended (no wakeup, and it has run
 *   LAZY_MIN_RUN_NS since it last woke up) is in no hurry;
 * - an unrooted wakeup (rooted < LAZY_ROOTED_MAX: the task's wakeups trace
 *   back to other tasks, not to an interrupt), unless its latest decision
 *   said urgent (QOSLAND_DF_URGENT), for at most wakeup_hold_ns (a slice
 *   by default, --wakeup-hold-us) from the first such record, and never once a task
 *   that takes whole slices starts to run (see qosland_running): a woken
 *   task then waits for user space's decision, not behind a hog. Tasks
 *   that only wake each other (hackbench, a build) wake the scheduler after
 *   nearly every message; read in batches, each woken task also finds more
 *   work waiting when it runs. In hackbench on 6.16 that took the
 *   scheduler's runs from about 700 to 300 a run, and decisions from 4,800
 *   to 3,600 (docs/benchmarks.md, "Held wakeups"). Two slices did no
 *   better in the runner's same-boot comparison ("A hold of two slices").
 * Every other record wakes user space, forcibly when unread records wait
 * (the ring's own rule wakes only a reader that has read everything, so
 * after a lazy record it would stay silent). A CPU about to go idle while
 * unread records wait sends a nudge, and so does any CPU that schedules
 * once the oldest lazy wakeup has waited its bound (see qosland_dispatch).
 */
#define LAZY_MIN_RUN_NS (20ULL * 1000 * 1000)
#define LAZY_ROOTED_MAX (QOSLAND_ROOTED_ONE / 8)
/* When the oldest unread lazy wakeup record was sent; 0: none. */
__u64 lazy_wake_since_ns;

static bool lazy_wakeup_overdue(u64 now)
{
	u64 since = lazy_wake_since_ns;

	return since && now > since && now - since >= wakeup_hold_ns;
}

static u64 record_wakeup_flags(struct task_ctx *tctx, u64 enq_flags, u64 now)
{
	u64 avail = bpf_ringbuf_query(&queued, BPF_RB_AVAIL_DATA);

	/* Nothing is held in a ring half full: a full ring refuses the nudge
	 * that would wake user space, so it must have been woken before. (A
	 * one-page ring full of held records once left user space asleep for
	 * good, and every task went through the congested path.) */
	if (avail < queued_ring_half &&
	    scx_bpf_dsq_nr_queued(SHARED_DSQ) >= 2 * (s32)scx_bpf_nr_cpu_ids()) {
		if (!(enq_flags & SCX_ENQ_WAKEUP)) {
			if (tctx->run_activation >= LAZY_MIN_RUN_NS)
				return BPF_RB_NO_WAKEUP;
		} else if (wakeup_hold_ns && tctx->rooted < LAZY_ROOTED_MAX && !tctx->urgent && !lazy_wakeup_overdue(now)) {
			if (!lazy_wake_since_ns)
				lazy_wake_since_ns = now;
			return BPF_RB_NO_WAKEUP;
		}
	}
	return avail ? BPF_RB_FORCE_WAKEUP : 0;
}

static void note_progress(u64 now)
{
	if (now > last_progress_ns)
		last_progress_ns = now;
	wake_pending_ns = 0;
}

/* A record or nudge that wakes user space: from now on it owes a read. */
static void note_wakeup_sent(void)
{
	lazy_wake_since_ns = 0;  /* user space reads them all now */
	if (!wake_pending_ns)
		wake_pending_ns = bpf_ktime_get_ns();
}

/* Wakes user space with a record that names no task. */
static void nudge_user_space(void)
{
	struct qosland_queued *rec = bpf_ringbuf_reserve(&queued, sizeof(*rec), 0);

	if (!rec)
		return;  /* full: user space is behind, and awake */
	__builtin_memset(rec, 0, sizeof(*rec));
	rec->kind = QOSLAND_REC_NUDGE;
	bpf_ringbuf_submit(rec, BPF_RB_FORCE_WAKEUP);
	note_wakeup_sent();
	STAT_ADD(nr_nudges, 1);
}

/* Wakes user space if records it has not read wait in the ring (some were
 * sent without a wakeup, see record_wakeup_flags). */
static void nudge_if_unread(void)
{
	if (bpf_ringbuf_query(&queued, BPF_RB_AVAIL_DATA))
		nudge_user_space();
}

/* The fallback boost (qosland_deadline.h). A global function: its three
 * branchy log2s are verified once, not on every path of every caller. */
__noinline u64 fb_boost16(u64 avg_runtime_ns, u32 wake_hz, u32 block_hz)
{
	return qosland_fb_boost16(avg_runtime_ns, wake_hz, block_hz, default_slice_ns);
}

/* Queues @p by its fallback deadline (BPF schedules it, not user space). */
static void fallback_enqueue(struct task_struct *p, struct task_ctx *tctx, u64 enq_flags)
{
	u64 now = bpf_ktime_get_ns();
	u64 avg = tctx->runtime_avg ?: tctx->run_activation;
	u64 boost = fb_boost16(avg, qosland_rate_hz(tctx->wake_avg, tctx->last_wake_at, now),
			       qosland_rate_hz(tctx->block_avg, tctx->last_block_at, now));
	u64 slice = qosland_fb_slice(scx_bpf_nr_cpu_ids(), nr_runnable_all, default_slice_ns);
	u64 start = qosland_fb_start(tctx->fb_vruntime, fb_vtime_now, slice);

	tctx->fb_vruntime = start;
	tctx->fb_start = start;
	tctx->fb_boost16 = boost;
	tctx->bpf_decided = true;
	scx_bpf_dsq_insert_vtime(p, BPF_DSQ, slice, qosland_fb_deadline(start, avg, p->scx.weight, boost, slice),
				 enq_flags);
	kick_idle_cpu_for(p);
	STAT_ADD(nr_fallback_dispatches, 1);
}

/*
 * Looks at user space's health at @now: takes over when tasks wait for a
 * user space that shows no progress, hands back once it does. Returns
 * whether BPF schedules on its own. Several CPUs may run this at once: the
 * compare-and-swaps let one of them switch.
 *
 * Stalled means: tasks wait for decisions, user space has shown no progress
 * (read no record, applied no decision, wrote no heartbeat) for stall_ns,
 * and either it was woken stall_ns ago and has not read since, or nothing
 * at all has happened for 10 x stall_ns (it read records, then stopped, and
 * the nudge below found the ring full).
 *
 * Records sent without a wakeup (lazy, see record_wakeup_flags; ordered,
 * see ordered_record_flags) do not start the clock: user space rightly
 * sleeps on them while the CPUs have decided work. But a task must not wait
 * on a sleeping user space for long: once tasks have waited stall_ns with
 * no progress and no wakeup sent, user space is nudged, and the clock
 * starts there. (Without it, user space asleep on lazy records until its
 * poll timeout was taken over after 10 x stall_ns, and the takeover, which
 * sends no records, lasted until that timeout: 827 ms in a CI run on a
 * slow emulator.) A takeover nudges user space too, so that one that was
 * merely slow to wake takes back as soon as it runs.
 */
/* While the kernel switches every task over (seconds in an emulator), user
 * space competes with the switch itself: no takeover in that time (a CI
 * run once fell back for 8 ms there). */
#define STALL_GRACE_NS (2000ULL * 1000 * 1000)

static bool update_fallback(u64 now)
{
	u64 cons, beat, woken;

	if (force_fallback)
		return true;
	cons = bpf_ringbuf_query(&queued, BPF_RB_CONS_POS);
	if (cons != last_cons_pos) {
		last_cons_pos = cons;
		note_progress(now);
	}
	beat = usersched_beat_ns;
	if (beat > last_progress_ns && beat <= now) {
		last_progress_ns = beat;
		if (beat > wake_pending_ns)  /* it came back from its wait after the wakeup */
			wake_pending_ns = 0;
	}
	if (fallback_on) {
		if (last_progress_ns > fallback_entered_ns &&
		    __sync_val_compare_and_swap(&fallback_on, 1ULL, 0ULL) == 1)
			STAT_ADD(fallback_ns, now - fallback_entered_ns);
		return fallback_on;
	}
	woken = wake_pending_ns;
	if (nr_waiting <= 0 || now <= enabled_at_ns + STALL_GRACE_NS || now <= last_progress_ns + stall_ns)
		return false;
	if (!woken && now <= last_progress_ns + 10 * stall_ns) {
		nudge_user_space();  /* asleep on lazy records: wake it, the clock starts */
		return false;
	}
	if (((woken && now > woken + stall_ns) || now > last_progress_ns + 10 * stall_ns) &&
	    __sync_val_compare_and_swap(&fallback_on, 0ULL, 1ULL) == 0) {
		fallback_entered_ns = now;
		order_epoch++;  /* every standing order is void */
		rescue_pending = 1;
		STAT_ADD(nr_fallback_enters, 1);
		nudge_user_space();
	}
	return fallback_on;
}

/*
 * Takes back up to RESCUE_BATCH tasks that wait in user space's hands and
 * queues them by their fallback deadline; what is left waits for the next
 * ops.dispatch, which the kick makes come soon.
 */
/*
 * Takes back up to RESCUE_BATCH tasks that wait in user space's hands and
 * queues them by their fallback deadline. Returns 1 when some remain (the
 * next ops.dispatch goes on), 0 when none do. A global function: the
 * verifier checks it once, on its own, not on every path of ops.dispatch;
 * and the count lives in a map, so the verifier does not follow each of its
 * values through the loop.
 */
__noinline int rescue_batch(s32 cpu)
{
	struct task_struct *p;
	struct task_ctx *tctx;
	u32 zero = 0;
	u64 *n = bpf_map_lookup_elem(&rescue_count, &zero);

	if (!n)
		return 0;
	*n = 0;
	bpf_for_each(task, p, NULL, BPF_TASK_ITER_ALL_THREADS) {
		tctx = bpf_task_storage_get(&task_ctx_stor, p, 0, 0);
		if (!tctx || !tctx->waiting)
			continue;
		if (*n >= RESCUE_BATCH) {
			*n = RESCUE_MORE;
			break;
		}
		tctx->waiting = false;
		tctx->gen++;  /* whatever user space decided for it is stale now */
		__sync_fetch_and_sub(&nr_waiting, 1);
		STAT_ADD(nr_queued, -1);
		STAT_ADD(nr_rescued, 1);
		fallback_enqueue(p, tctx, 0);
		*n += 1;
	}
	return *n == RESCUE_MORE ? 1 : 0;
}

static void rescue_waiting(s32 cpu)
{
	int more = rescue_batch(cpu);

	barrier_var(more);
	if (more)
		scx_bpf_kick_cpu(cpu, 0);
	else
		rescue_pending = 0;
}

/*
 * A task that wakes another from task context (a write to a pipe or a
 * socket, a futex wake) usually blocks right after, or goes on producing.
 * Preempting it at once to run the scheduler costs a switch each time, and a
 * producer waking consumers one message at a time (hackbench) then hands its
 * CPU over for every message. So when the record that woke the scheduler came
 * from the task running on this CPU, the scheduler goes first in this CPU's
 * local DSQ without preempting it: it runs when that task blocks (at once in
 * a chain like a game's frame threads, each of which wakes the next and
 * waits), or after wakeup_defer_ns at the latest, when a timer kicks the CPU.
 * Wakeups from interrupts (timers, devices) still preempt at once.
 *
 * The bound (2 ms by default) is about what the kernel's EEVDF lets a
 * running task keep its CPU against a waking one on a machine of 2 to 8 CPUs
 * (its base slice, 0.75 ms x (1 + log2 CPUs)). At 250 us, hackbench in the
 * emulator ran at a fifth of the default scheduler's throughput: each kick
 * stopped a producer after a message or two, and the consumers it had woken
 * (earlier deadlines) then ran first. At 2 ms it ran at about 0.75 of it
 * (with the qos policy of the time; docs/benchmarks.md has the latest), and
 * cyclictest under hogs, woken by timer interrupts, did not notice.
 */
static int defer_fn(void *map, int *key, struct defer_timer *t)
{
	u32 i;

	if (cpu_index(t->cpu, &i) && cpu_defer_armed[i]) {
		cpu_defer_armed[i] = 0;
		scx_bpf_kick_cpu(t->cpu, SCX_KICK_PREEMPT);
	}
	return 0;
}

/* Kicks CPU @i (preempting) wakeup_defer_ns from now, unless a task starts
 * running there first (qosland_running disarms it); a pending timer's
 * bound holds. False when it cannot be armed. */
static bool arm_defer_timer(u32 i)
{
	struct defer_timer *t;

	if (i >= MAX_CPUS)
		return false;
	if (cpu_defer_armed[i])
		return true;
	t = bpf_map_lookup_elem(&defer_timers, &i);
	if (!t)
		return false;
	cpu_defer_armed[i] = 1;
	if (bpf_timer_start(&t->timer, wakeup_defer_ns, 0)) {
		cpu_defer_armed[i] = 0;
		return false;
	}
	return true;
}

static bool defer_usersched(struct task_struct *p)
{
	s32 cpu = bpf_get_smp_processor_id();
	struct task_struct *cur;
	u32 i;

	if (!wakeup_defer_ns || scx_bpf_task_cpu(p) != cpu || !cpu_index(cpu, &i) || !cpu_task_woke[i])
		return false;
	cpu_task_woke[i] = 0;
	cur = bpf_get_current_task_btf();
	if (!cur->pid || is_usersched(cur))
		return false;
	return arm_defer_timer(i);
}

static bool rec_waker_is_current(u64 enq_flags, struct task_ctx *tctx)
{
	struct task_struct *cur;

	if (!(enq_flags & SCX_ENQ_WAKEUP) || !tctx->waker_pid)
		return false;
	cur = bpf_get_current_task_btf();
	return cur->pid == tctx->waker_pid;
}

/* The task's identity now, which a standing order is bound to. */
static u32 task_ident(struct task_struct *p, u32 ihash)
{
	return qosland_order_ident(ihash, p->self_exec_id, p->policy, p->static_prio, uclamp_max_code(p),
				   p->nr_cpus_allowed);
}

/* Whether @tctx's standing order may dispatch this wakeup; a stale or
 * spent one is dropped (qosland_wire.h, "Standing orders"). */
static bool order_usable(struct task_ctx *tctx, u32 ident)
{
	if (!tctx->ord_valid)
		return false;
	if (tctx->ord_epoch == order_epoch && tctx->ord_ident == ident && tctx->ord_wakeups > 0 &&
	    tctx->ord_runtime_left > 0)
		return true;
	tctx->ord_valid = false;
	STAT_ADD(nr_orders_void, 1);
	return false;
}

/*
 * Queues a waking @p by its standing order: at K + offset (qosland_wire.h)
 * in its CPU's DSQ or the shared one. It preempts where the scheduler would
 * have run to decide for it (see the top of the file): the CPU of the
 * wakeup if @p may run there, else its own CPU, when that CPU runs a later
 * deadline; the scheduler itself is never preempted for it (it decides
 * and runs the earliest deadline next). A task that woke @p from this CPU
 * keeps it until it blocks, or wakeup_defer_ns at the latest, as against
 * the scheduler (defer_usersched).
 */
static void apply_order(struct task_struct *p, struct task_ctx *tctx, u64 enq_flags)
{
	u64 vtime = qosland_order_vtime(order_clock, tctx->ord_offset, tctx->ord_floor);
	u64 slice = tctx->ord_slice_ns ?: default_slice_ns;
	s32 here = bpf_get_smp_processor_id(), target, ocpu = tctx->ord_cpu;
	u64 dsq = SHARED_DSQ, *cur;
	u32 i;

	if (ocpu >= 0 && ocpu < MAX_CPUS && (u32)ocpu < scx_bpf_nr_cpu_ids() && bpf_cpumask_test_cpu(ocpu, p->cpus_ptr))
		dsq = ocpu;
	tctx->ord_wakeups -= 1;
	if (!tctx->ord_wakeups)
		tctx->ord_valid = false;
	tctx->user_decided = true;
	tctx->key = vtime;
	tctx->start = 0;  /* an order moves no clock: only decisions do */
	STAT_ADD(nr_order_dispatches, 1);

	if (dsq != SHARED_DSQ) {
		target = dsq;
	} else if (bpf_cpumask_test_cpu(here, p->cpus_ptr)) {
		target = here;
	} else {
		/* It may not run here: its own CPU's DSQ, as for a decision
		 * (see the top of the file). */
		target = scx_bpf_task_cpu(p);
		if (target >= 0 && target < MAX_CPUS && bpf_cpumask_test_cpu(target, p->cpus_ptr))
			dsq = target;
	}
	cur = cur_key_slot(target);
	if (cur && *cur != KEY_USERSCHED && *cur > vtime) {
		if (target == here && wakeup_defer_ns && rec_waker_is_current(enq_flags, tctx) &&
		    cpu_index(here, &i) && arm_defer_timer(i)) {
			scx_bpf_dsq_insert_vtime(p, dsq, slice, vtime, enq_flags);
			return;
		}
		*cur = vtime;
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | target, slice, enq_flags | SCX_ENQ_HEAD | SCX_ENQ_PREEMPT);
		STAT_ADD(nr_order_preempts, 1);
		return;
	}
	scx_bpf_dsq_insert_vtime(p, dsq, slice, vtime, enq_flags);
	if (dsq == SHARED_DSQ)
		kick_idle_cpu_for(p);
	else
		scx_bpf_kick_cpu(dsq, SCX_KICK_IDLE);
}

/* Whether the order that dispatched a wakeup runs low (qosland_order_low):
 * spent already, or nearly. */
static bool order_runs_low(struct task_ctx *tctx)
{
	return !tctx->ord_valid || qosland_order_low(tctx->ord_wakeups, tctx->ord_runtime_left);
}

/*
 * The record of a wakeup an order dispatched: user space needs it for its
 * accounting, not to decide, so it is read with the next batch; but while
 * the order runs low, the record says so (QOSLAND_QF_ORDER_LOW) and wakes
 * user space, which may renew the order before it runs out. A ring half
 * full wakes it too (see record_wakeup_flags).
 */
static u64 ordered_record_flags(bool low)
{
	u64 avail = bpf_ringbuf_query(&queued, BPF_RB_AVAIL_DATA);

	if (avail < queued_ring_half && !low)
		return BPF_RB_NO_WAKEUP;
	return avail ? BPF_RB_FORCE_WAKEUP : 0;
}

void QOSLAND_OPS(qosland_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct qosland_queued *rec;
	struct task_ctx *tctx;
	u64 rb_flags, now;
	bool ordered = false, order_low;
	u32 ihash = 0, ident = 0;

	if (is_usersched(p)) {
		if (defer_usersched(p)) {
			scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, default_slice_ns, enq_flags | SCX_ENQ_HEAD);
			STAT_ADD(nr_self_deferred, 1);
		} else {
			scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, default_slice_ns, enq_flags | SCX_ENQ_PREEMPT);
		}
		STAT_ADD(nr_self_dispatches, 1);
		return;
	}
	if (is_kthread(p)) {
		if (p->nr_cpus_allowed == 1) {
			scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, default_slice_ns, enq_flags);
		} else {
			scx_bpf_dsq_insert(p, FALLBACK_DSQ, default_slice_ns, enq_flags);
			kick_idle_cpu_for(p);
		}
		STAT_ADD(nr_kthread_dispatches, 1);
		return;
	}

	tctx = lookup_task_ctx(p);
	if (tctx && (force_fallback || fallback_on)) {
		fallback_enqueue(p, tctx, enq_flags);
		return;
	}
	now = bpf_ktime_get_ns();
	if (tctx) {
		ihash = ident_hash(p);
		ident = task_ident(p, ihash);
		if ((enq_flags & SCX_ENQ_WAKEUP) && order_usable(tctx, ident)) {
			apply_order(p, tctx, enq_flags);
			ordered = true;
		}
	}
	order_low = ordered && order_runs_low(tctx);
	rb_flags = !tctx ? 0 : ordered ? ordered_record_flags(order_low) : record_wakeup_flags(tctx, enq_flags, now);
	rec = tctx ? bpf_ringbuf_reserve(&queued, sizeof(*rec), 0) : NULL;
	if (!rec && ordered) {
		/* Dispatched already (and counted); its CPU time goes with its
		 * next record. */
		return;
	}
	if (!rec) {
		/* Congested (or a task we never saw in init_task): never lose it. */
		scx_bpf_dsq_insert(p, FALLBACK_DSQ, default_slice_ns, enq_flags);
		kick_idle_cpu_for(p);
		STAT_ADD(nr_congested, 1);
		return;
	}

	tctx->gen++;
	/* Orders answer records no older than the task's current identity
	 * and epoch (qosland_wire.h). */
	if (ident != tctx->rec_ident || tctx->ord_epoch_seen != order_epoch) {
		tctx->rec_ident = ident;
		tctx->ord_epoch_seen = order_epoch;
		tctx->ident_gen = tctx->gen;
	}
	if (!ordered) {
		tctx->waiting = true;
		__sync_fetch_and_add(&nr_waiting, 1);
	}
	rec->pid = p->pid;
	rec->tgid = p->tgid;
	rec->cookie = tctx->cookie;
	rec->gen = tctx->gen;
	rec->enq_ns = now;
	tctx->enq_at = now;
	rec->runtime_ns = tctx->runtime_acc;
	rec->kind = QOSLAND_REC_QUEUED;
	rec->flags = ((enq_flags & SCX_ENQ_WAKEUP) ? QOSLAND_QF_WAKEUP : 0) | (ordered ? QOSLAND_QF_ORDERED : 0) |
		     (order_low ? QOSLAND_QF_ORDER_LOW : 0) |
		     ((p->policy & 0xff) << QOSLAND_QF_POLICY_SHIFT) |
		     (((u32)(p->static_prio - 120) & 0xff) << QOSLAND_QF_NICE_SHIFT) |
		     ((uclamp_max_code(p) & 0xff) << QOSLAND_QF_UCLAMP_SHIFT);
	rec->prev_cpu = scx_bpf_task_cpu(p);
	rec->weight = p->scx.weight;
	rec->nr_cpus_allowed = p->nr_cpus_allowed;
	rec->ident_hash = ihash;
	rec->avg_runtime_ns = tctx->runtime_avg ?: tctx->run_activation;
	rec->slept_ns = (enq_flags & SCX_ENQ_WAKEUP) ? tctx->slept_ns : 0;
	rec->wake_freq_hz = qosland_rate_hz(tctx->wake_avg, tctx->last_wake_at, rec->enq_ns);
	rec->block_freq_hz = qosland_rate_hz(tctx->block_avg, tctx->last_block_at, rec->enq_ns);
	rec->waker_pid = (enq_flags & SCX_ENQ_WAKEUP) ? tctx->waker_pid : 0;
	rec->nr_runnable = nr_runnable_all > 0 ? (u32)nr_runnable_all : 0;
	rec->rooted = tctx->rooted;
	rec->pad0 = 0;
	tctx->runtime_acc = 0;
	bpf_ringbuf_submit(rec, rb_flags);

	if (rb_flags == BPF_RB_NO_WAKEUP) {  /* counted once sent, not when congested */
		STAT_ADD(nr_lazy_records, 1);
	} else {
		note_wakeup_sent();
		/* Woken by the task running here, from task context (a wakeup
		 * from an interrupt credits no waker, and one from another CPU
		 * credits a task that is not current here). */
		if (!ordered && rec_waker_is_current(enq_flags, tctx)) {
			u32 i;

			if (cpu_index(bpf_get_smp_processor_id(), &i))
				cpu_task_woke[i] = 1;
		}
	}
	STAT_ADD(nr_sent, 1);
	if (!ordered)
		STAT_ADD(nr_queued, 1);
}

void QOSLAND_OPS(qosland_dequeue, struct task_struct *p, u64 deq_flags)
{
	struct task_ctx *tctx = lookup_task_ctx(p);

	/* Any decision already in flight for this task is now stale. */
	if (tctx && tctx->waiting) {
		tctx->waiting = false;
		tctx->gen++;
		__sync_fetch_and_sub(&nr_waiting, 1);
		STAT_ADD(nr_queued, -1);
	}
}

static void record_decision_delay(u64 delay_ns)
{
	struct qosland_bpf_stats *s = get_stats();
	u64 us = delay_ns / 1000;
	u32 b = 0;

	if (!s)
		return;
	/* floor(log2(us)), capped at the last bucket; no loop for the verifier. */
	if (us >= (1ULL << 16)) { b += 16; us >>= 16; }
	if (us >= (1ULL << 8)) { b += 8; us >>= 8; }
	if (us >= (1ULL << 4)) { b += 4; us >>= 4; }
	if (us >= (1ULL << 2)) { b += 2; us >>= 2; }
	if (us >= (1ULL << 1)) { b += 1; }
	if (b >= QOSLAND_DELAY_BUCKETS)
		b = QOSLAND_DELAY_BUCKETS - 1;
	s->decision_delay_hist[b]++;
}

struct drain_ctx {
	u32 nr;
};

/* Replaces @tctx's standing order by the one @d carries, or by none
 * (qosland_wire.h). Only for a record that answers the task's current
 * identity and epoch (the caller checks the generation). */
static void install_order(struct task_ctx *tctx, const struct qosland_dispatch *d)
{
	u32 n = qosland_order_wakeups(d->order_wakeups);

	if (n > order_max_wakeups)
		n = order_max_wakeups;

	if (!standing_orders || !(d->flags & QOSLAND_DF_ORDER) || !n || !d->order_runtime_us ||
	    tctx->ord_epoch_seen != order_epoch || force_fallback || fallback_on) {
		tctx->ord_valid = false;
		return;
	}
	tctx->ord_cpu = d->order_cpu;
	tctx->ord_wakeups = n;
	tctx->ord_runtime_left = (s64)qosland_order_runtime_ns(d->order_runtime_us);
	tctx->ord_offset = d->order_offset;
	tctx->ord_floor = d->order_floor;
	tctx->ord_slice_ns = d->order_slice_ns;
	tctx->ord_ident = tctx->rec_ident;
	tctx->ord_epoch = order_epoch;
	tctx->ord_valid = true;
	STAT_ADD(nr_orders_set, 1);
}

/* An order-only record: sets or withdraws the task's order, whatever the
 * task is doing. A set must answer a record no older than the task's
 * current identity (ident_gen) and no newer than its latest. */
static void apply_order_only(const struct qosland_dispatch *d)
{
	struct task_struct *p = bpf_task_from_pid(d->pid);
	struct task_ctx *tctx;

	if (!p) {
		STAT_ADD(nr_order_stale, 1);
		return;
	}
	tctx = lookup_task_ctx(p);
	if (!tctx || tctx->cookie != d->cookie ||
	    ((d->flags & QOSLAND_DF_ORDER) && (d->gen < tctx->ident_gen || d->gen > tctx->gen))) {
		STAT_ADD(nr_order_stale, 1);
	} else {
		install_order(tctx, d);
	}
	bpf_task_release(p);
}

/*
 * Applies one decision; returns 1 once DISPATCH_BATCH decisions were
 * inserted. A global function: the verifier checks it once, on its own, and
 * sees neither the count nor the result as a constant in the drain loop that
 * calls it (else it walks that loop once per value and gives up).
 */
__noinline int apply_one(struct qosland_dispatch *dp, struct drain_ctx *dctx)
{
	struct qosland_dispatch d;
	struct task_struct *p;
	struct task_ctx *tctx;
	u64 dsq = SHARED_DSQ, *cur = NULL;
	s32 home;

	if (!dp || !dctx)
		return 1;
	d = *dp;
	if (d.flags & QOSLAND_DF_ORDER_ONLY) {
		apply_order_only(&d);
		return 0;
	}
	p = bpf_task_from_pid(d.pid);
	if (!p) {
		STAT_ADD(nr_stale, 1);
		return 0;
	}
	tctx = lookup_task_ctx(p);
	if (!tctx || !tctx->waiting || tctx->cookie != d.cookie || tctx->gen != d.gen) {
		STAT_ADD(nr_stale, 1);
		bpf_task_release(p);
		return 0;
	}
	tctx->waiting = false;
	__sync_fetch_and_sub(&nr_waiting, 1);
	STAT_ADD(nr_queued, -1);
	record_decision_delay(bpf_ktime_get_ns() - tctx->enq_at);

	if (d.cpu >= 0 && d.cpu < MAX_CPUS && (u32)d.cpu < scx_bpf_nr_cpu_ids() &&
	    bpf_cpumask_test_cpu(d.cpu, p->cpus_ptr))
		dsq = d.cpu;
	tctx->user_decided = true;
	tctx->key = d.vtime;
	tctx->start = d.start;
	tctx->urgent = d.flags & QOSLAND_DF_URGENT;
	install_order(tctx, &d);
	/* ops.dispatch drains on the CPU that is about to pick a task. */
	if (dsq == SHARED_DSQ && !bpf_cpumask_test_cpu(bpf_get_smp_processor_id(), p->cpus_ptr)) {
		/* It may not run here (see the top of the file). */
		home = scx_bpf_task_cpu(p);
		cur = cur_key_slot(home);
		if (cur && bpf_cpumask_test_cpu(home, p->cpus_ptr))
			dsq = home;
		else
			cur = NULL;
	}
	if (cur && *cur > d.vtime) {
		/*
		 * Its deadline is earlier than that of the task running on its
		 * CPU: put it first in that CPU's local DSQ and preempt. The
		 * kernel does both under that CPU's lock when this insert is
		 * flushed, so it holds whatever that CPU is doing meanwhile: a
		 * CPU in the middle of picking a task (perhaps having found the
		 * user ring buffer busy with this very drain) then picks this one.
		 * A kick after a plain insert could land on the task being
		 * switched out and be lost, leaving this one a slice behind.
		 */
		*cur = d.vtime;
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | dsq, d.slice_ns ?: default_slice_ns,
				   SCX_ENQ_HEAD | SCX_ENQ_PREEMPT);
		STAT_ADD(nr_deadline_preempts, 1);
		goto out;
	}
	scx_bpf_dsq_insert_vtime(p, dsq, d.slice_ns ?: default_slice_ns, d.vtime, 0);
	if (dsq == SHARED_DSQ) {
		kick_idle_cpu_for(p);
	} else {
		scx_bpf_kick_cpu(dsq, SCX_KICK_IDLE);
	}
out:
	bpf_task_release(p);
	STAT_ADD(nr_user_dispatches, 1);
	return ++dctx->nr >= DISPATCH_BATCH;
}

static long apply_decision(struct bpf_dynptr *dynptr, void *data)
{
	struct qosland_dispatch d;
	int full;

	if (bpf_dynptr_read(&d, sizeof(d), dynptr, 0, 0)) {
		STAT_ADD(nr_bad_records, 1);
		return 0;
	}
	full = apply_one(&d, data);
	/* The compiler knows full is 0 or 1 and would return it as is; the
	 * verifier does not and wants to see it. */
	barrier_var(full);
	return full ? 1 : 0;
}

/* The vtime of the first task in DSQ @dsq_id; ~0 when it is empty. */
static u64 dsq_head_vtime(u64 dsq_id)
{
	struct task_struct *p;
	u64 vtime = ~0ULL;

	bpf_for_each(scx_dsq, p, dsq_id, 0) {
		vtime = p->scx.dsq_vtime;
		break;
	}
	return vtime;
}

/* Consecutive dispatches from BPF's own DSQs, per CPU (see qosland_dispatch). */
#define BPF_STREAK_MAX 4
__u32 bpf_streak[MAX_CPUS];

/* What a fallback left (BPF_DSQ) first: nothing adds to it while user space
 * is in charge, whereas a flood through a full ring keeps FALLBACK_DSQ fed,
 * and once starved a task left in BPF_DSQ past the watchdog's 5 s. */
static bool move_bpf_owned(void)
{
	return scx_bpf_dsq_move_to_local(BPF_DSQ) || scx_bpf_dsq_move_to_local(FALLBACK_DSQ);
}

/* Moves the earlier head of this CPU's own DSQ and the shared one (both in
 * user space's order) to the local DSQ. */
static bool move_user_decided(s32 cpu)
{
	if (scx_bpf_dsq_nr_queued(cpu) > 0 && dsq_head_vtime(cpu) <= dsq_head_vtime(SHARED_DSQ))
		return scx_bpf_dsq_move_to_local(cpu) || scx_bpf_dsq_move_to_local(SHARED_DSQ);
	return scx_bpf_dsq_move_to_local(SHARED_DSQ) || scx_bpf_dsq_move_to_local(cpu);
}

/*
 * Whatever a policy decides, no task waits in a user-decided DSQ for more
 * than STARVE_NS: a task that has waited that long since it became runnable
 * is moved to this CPU at once. A policy's own bound may be far larger
 * (qos, with hundreds of tasks that wake one another beside CPU hogs,
 * starved a hog for over 7 s: the watchdog ejected qosland at 5 s). Looked
 * for every STARVE_SCAN_NS, by the timer's request, on one CPU: a scan of
 * the shared DSQ and of this CPU's own. A global function: the verifier
 * checks it once. Returns 1 when it moved a task.
 */
#define STARVE_NS (1000ULL * 1000 * 1000)
#define STARVE_SCAN_NS (250ULL * 1000 * 1000)
#define BPF_FOR_EACH_ITER (&___it)

__noinline int run_starved(s32 cpu, u64 dsq_id, u64 now)
{
	struct task_struct *p;
	struct task_ctx *tctx;

	bpf_for_each(scx_dsq, p, dsq_id, 0) {
		tctx = bpf_task_storage_get(&task_ctx_stor, p, 0, 0);
		if (!tctx || now < tctx->enq_at + STARVE_NS || !bpf_cpumask_test_cpu(cpu, p->cpus_ptr))
			continue;
		if (scx_bpf_dsq_move(BPF_FOR_EACH_ITER, p, SCX_DSQ_LOCAL, 0)) {
			STAT_ADD(nr_starved, 1);
			return 1;
		}
	}
	return 0;
}

void QOSLAND_OPS(qosland_dispatch, s32 cpu, struct task_struct *prev)
{
	struct drain_ctx dctx = {};
	u64 now = bpf_ktime_get_ns();
	bool alone = update_fallback(now);
	long drained;
	u32 si;

	/* A lazy wakeup record has waited its bound (see record_wakeup_flags). */
	if (!alone && lazy_wakeup_overdue(now))
		nudge_if_unread();
	if (rescue_pending) {
		/* Uses this call's dispatch slots: decisions wait for the next. */
		rescue_waiting(cpu);
	} else {
		/* No wakeup for the writer: user space never waits for room in
		 * this ring (a decision that finds it full is held and sent on
		 * its next pass), and each wakeup is an irq_work, an interrupt
		 * this CPU sends itself, per drain. Without them hackbench ran
		 * 4-5% faster in the VM (docs/benchmarks.md). */
		drained = bpf_user_ringbuf_drain(&dispatched, apply_decision, &dctx, BPF_RB_NO_WAKEUP);
		if (drained > 0)
			note_progress(now);
		/* A full batch means more decisions may wait: make sure a CPU comes back. */
		if (dctx.nr >= DISPATCH_BATCH)
			scx_bpf_kick_cpu(cpu, 0);
	}

	if (starve_scan && __sync_val_compare_and_swap(&starve_scan, 1ULL, 0ULL) == 1) {
		int moved = run_starved(cpu, SHARED_DSQ, now);

		barrier_var(moved);
		if (!moved)
			moved = run_starved(cpu, cpu, now);
		barrier_var(moved);
		if (moved) {
			starve_scan = 1;  /* there may be more: look again next time */
			return;
		}
	}
	if (alone) {
		/* Kernel threads, what user space decided before it stalled, then
		 * BPF's own. */
		if (!scx_bpf_dsq_move_to_local(FALLBACK_DSQ) && !move_user_decided(cpu))
			scx_bpf_dsq_move_to_local(BPF_DSQ);
		return;
	}
	/*
	 * BPF's own queues first (kernel threads, tasks that found the ring
	 * full, what a fallback left), as they must not wait or have waited
	 * longest; but at most BPF_STREAK_MAX in a row on a CPU while
	 * user-decided tasks wait: a flood of tasks waking one another through
	 * a full ring once starved a hog past the watchdog's 5 s.
	 */
	if (!cpu_index(cpu, &si))
		si = 0;  /* a CPU id past MAX_CPUS cannot run qosland (ops.init refused) */
	if (bpf_streak[si & (MAX_CPUS - 1)] < BPF_STREAK_MAX && move_bpf_owned()) {
		bpf_streak[si & (MAX_CPUS - 1)] += 1;
		return;
	}
	if (move_user_decided(cpu)) {
		bpf_streak[si & (MAX_CPUS - 1)] = 0;
		return;
	}
	if (move_bpf_owned())
		return;
	/* Nothing decided for this CPU: user space must not sleep on records
	 * sent without a wakeup (see record_wakeup_flags). */
	nudge_if_unread();
}

void QOSLAND_OPS(qosland_runnable, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx;
	u64 now;

	__sync_fetch_and_add(&nr_runnable_all, 1);
	if (!(enq_flags & SCX_ENQ_WAKEUP))
		return;
	tctx = lookup_task_ctx(p);
	if (!tctx)
		return;
	now = bpf_ktime_get_ns();
	tctx->slept_ns = tctx->last_block_at && now > tctx->last_block_at ? now - tctx->last_block_at : 0;
	tctx->run_activation = 0;
	if (!tctx->pend_valid)  /* no ops.select_cpu (a task bound to one CPU) */
		attribute_wakeup(p, tctx, now);
	tctx->pend_valid = false;
	tctx->waker_pid = tctx->pend_waker_pid;
	tctx->rooted = qosland_rooted_update(tctx->rooted, tctx->pend_rooted);
}

void QOSLAND_OPS(qosland_quiescent, struct task_struct *p, u64 deq_flags)
{
	struct task_ctx *tctx;
	u64 now;

	__sync_fetch_and_sub(&nr_runnable_all, 1);
	if (!(deq_flags & SCX_DEQ_SLEEP))
		return;
	tctx = lookup_task_ctx(p);
	if (!tctx)
		return;
	now = bpf_ktime_get_ns();
	tctx->block_avg = qosland_interval_update(tctx->block_avg, tctx->last_block_at, now);
	tctx->last_block_at = now;
	tctx->runtime_avg = qosland_ewma(tctx->runtime_avg, tctx->run_activation);
}

/* K = max(K, @start) (qosland_wire.h), with several CPUs at it: a
 * compare-and-swap, so K never goes back; tried a few times, after which
 * another CPU has moved K at least as far as a start being run. */
static void advance_clock(u64 start)
{
	u64 old = order_clock, seen;
	int k;

	for (k = 0; k < 4 && start > old; k++) {
		seen = __sync_val_compare_and_swap(&order_clock, old, qosland_clock_advance(old, start));
		if (seen == old)
			break;
		old = seen;
	}
}

void QOSLAND_OPS(qosland_running, struct task_struct *p)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	bool usersched = is_usersched(p);
	u32 i;

	/* This CPU's slots: what runs here now, and no wakeup by the task
	 * before it is pending any more. */
	if (cpu_index(bpf_get_smp_processor_id(), &i)) {
		cpu_cur_key[i] = usersched ? KEY_USERSCHED : tctx && tctx->user_decided ? tctx->key : 0;
		cpu_task_woke[i] = 0;
		/* A task switched in: what a deferral waited for (the scheduler,
		 * or a task queued by its order) has its turn; the timer need
		 * not kick. */
		cpu_defer_armed[i] = 0;
	}
	if (!tctx)
		return;
	if (tctx->user_decided && tctx->start)
		advance_clock(tctx->start);
	if (tctx->bpf_decided && tctx->fb_start > fb_vtime_now)
		fb_vtime_now = tctx->fb_start;
	tctx->user_decided = false;  /* until the next decision */
	tctx->bpf_decided = false;
	tctx->last_run_at = bpf_ktime_get_ns();
	/* A held wakeup never waits behind a task that takes whole slices
	 * (see record_wakeup_flags): user space decides it now. */
	if (lazy_wake_since_ns && !usersched && (tctx->runtime_avg ?: tctx->run_activation) >= default_slice_ns)
		nudge_if_unread();
}

void QOSLAND_OPS(qosland_stopping, struct task_struct *p, bool runnable)
{
	struct task_ctx *tctx = lookup_task_ctx(p);

	u64 delta;

	if (!tctx || !tctx->last_run_at)
		return;
	delta = bpf_ktime_get_ns() - tctx->last_run_at;
	tctx->runtime_acc += delta;
	tctx->run_activation += delta;
	tctx->fb_vruntime += qosland_fb_charge(delta, p->scx.weight, tctx->fb_boost16 ?: QOSLAND_FB_ONE);
	if (tctx->ord_valid)
		tctx->ord_runtime_left -= (s64)delta;
}

/* A new affinity or weight (nice) voids the task's standing order. */
void QOSLAND_OPS(qosland_set_cpumask, struct task_struct *p, const struct cpumask *cpumask)
{
	struct task_ctx *tctx = lookup_task_ctx(p);

	if (tctx)
		tctx->ord_valid = false;
}

void QOSLAND_OPS(qosland_set_weight, struct task_struct *p, u32 weight)
{
	struct task_ctx *tctx = lookup_task_ctx(p);

	if (tctx)
		tctx->ord_valid = false;
}

s32 QOSLAND_OPS(qosland_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct task_ctx *tctx;

	tctx = bpf_task_storage_get(&task_ctx_stor, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!tctx)
		return -ENOMEM;
	tctx->cookie = __sync_fetch_and_add(&next_cookie, 1);
	return 0;
}

void QOSLAND_OPS(qosland_exit_task, struct task_struct *p, struct scx_exit_task_args *args)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	struct qosland_queued *rec;

	if (!tctx)
		return;
	/* Let user space free the task's slot; if the ring is full it will
	 * recognise the recycled pid by its cookie instead. */
	rec = bpf_ringbuf_reserve(&queued, sizeof(*rec), 0);
	if (!rec) {
		STAT_ADD(nr_exit_lost, 1);
		return;
	}
	__builtin_memset(rec, 0, sizeof(*rec));
	rec->pid = p->pid;
	rec->tgid = p->tgid;
	rec->cookie = tctx->cookie;
	rec->kind = QOSLAND_REC_EXIT;
	bpf_ringbuf_submit(rec, 0);
}

/* Stores @mask in @map[@key]; takes the reference (releases it on error). */
static s32 store_mask(void *map, u32 key, struct bpf_cpumask *mask)
{
	struct mask_slot *slot = bpf_map_lookup_elem(map, &key);

	if (!slot) {
		bpf_cpumask_release(mask);
		return -E2BIG;
	}
	mask = bpf_kptr_xchg(&slot->mask, mask);
	if (mask)
		bpf_cpumask_release(mask);
	return 0;
}

/* How often the timer looks at user space's health: twice per stall_ns, so
 * a stall is noticed within 1.5 x stall_ns even on an idle machine. */
static u64 watch_period_ns(void)
{
	return stall_ns / 2 > 1000000 ? stall_ns / 2 : 1000000;
}

static int watch_fn(void *map, int *key, struct bpf_timer *timer)
{
	watch_ticks++;
	if (watch_ticks * watch_period_ns() >= STARVE_SCAN_NS) {
		watch_ticks = 0;
		starve_scan = 1;
	}
	if (!force_fallback && update_fallback(bpf_ktime_get_ns()) && rescue_pending)
		/* Waiting tasks to take back: make this CPU run ops.dispatch. */
		scx_bpf_kick_cpu(bpf_get_smp_processor_id(), SCX_KICK_PREEMPT);
	bpf_timer_start(timer, watch_period_ns(), 0);
	return 0;
}

static s32 start_watch(void)
{
	u32 zero = 0;
	struct watch_timer *w = bpf_map_lookup_elem(&watch, &zero);
	s32 err;

	if (!w)
		return -E2BIG;
	err = bpf_timer_init(&w->timer, &watch, CLOCK_MONOTONIC);
	if (err)
		return err;
	err = bpf_timer_set_callback(&w->timer, watch_fn);
	if (err)
		return err;
	return bpf_timer_start(&w->timer, watch_period_ns(), 0);
}

static s32 init_defer_timer(u32 cpu)
{
	struct defer_timer *t = bpf_map_lookup_elem(&defer_timers, &cpu);
	s32 err;

	if (!t)
		return -E2BIG;
	t->cpu = cpu;
	err = bpf_timer_init(&t->timer, &defer_timers, CLOCK_MONOTONIC);
	if (err)
		return err;
	return bpf_timer_set_callback(&t->timer, defer_fn);
}

s32 QOSLAND_OPS_SLEEPABLE(qosland_init)
{
	u32 nr_cpus = scx_bpf_nr_cpu_ids();
	struct bpf_cpumask *mask;
	s32 err;
	int i, j;

	if (nr_cpus > MAX_CPUS || nr_llcs > MAX_CPUS)
		return -E2BIG;
	enabled_at_ns = bpf_ktime_get_ns();
	/* Open-coded iterators: the verifier need not walk every CPU. */
	bpf_for(i, 0, nr_cpus) {
		err = scx_bpf_create_dsq(i, -1);
		if (err)
			return err;
		mask = bpf_cpumask_create();
		if (!mask)
			return -ENOMEM;
		err = store_mask(&scratch_masks, i, mask);
		if (err)
			return err;
		err = init_defer_timer(i);
		if (err)
			return err;
	}
	bpf_for(i, 0, nr_llcs) {
		mask = bpf_cpumask_create();
		if (!mask)
			return -ENOMEM;
		bpf_for(j, 0, nr_cpus) {
			if (llc_of(j) == i)
				bpf_cpumask_set_cpu(j, mask);
		}
		err = store_mask(&llc_masks, i, mask);
		if (err)
			return err;
	}
	err = scx_bpf_create_dsq(SHARED_DSQ, -1);
	if (err)
		return err;
	err = scx_bpf_create_dsq(FALLBACK_DSQ, -1);
	if (err)
		return err;
	err = scx_bpf_create_dsq(BPF_DSQ, -1);
	if (err)
		return err;
	return start_watch();
}

void QOSLAND_OPS(qosland_exit, struct scx_exit_info *ei)
{
	bpf_probe_read_kernel_str(exit_info.reason, sizeof(exit_info.reason), ei->reason);
	bpf_probe_read_kernel_str(exit_info.msg, sizeof(exit_info.msg), ei->msg);
	if (ei->dump)
		bpf_probe_read_kernel_str(exit_info.dump, sizeof(exit_info.dump), ei->dump);
	exit_info.exit_code = ei->exit_code;
	/* Written last: user space polls kind, then reads the strings. x86 keeps
	 * stores in order; the barrier keeps the compiler from reordering them. */
	asm volatile("" ::: "memory");
	exit_info.kind = ei->kind;
}

/*
 * timeout_ms: a runnable task that is not run within this time makes the kernel
 * eject qosland and hand every task back to the default scheduler. 5 s is far
 * above the worst wait qosland itself causes (runnable tasks x slice / CPUs:
 * 18 tasks x 5 ms / 2 CPUs = 45 ms in the VM scenarios, user-space round trips
 * included), even in a slow emulated VM, yet short enough that a wedged
 * scheduler gives the desktop back within seconds instead of the kernel's 30 s
 * maximum.
 */
SEC(".struct_ops.link")
struct sched_ext_ops qosland_ops = {
	.select_cpu = (void *)qosland_select_cpu,
	.enqueue = (void *)qosland_enqueue,
	.dequeue = (void *)qosland_dequeue,
	.dispatch = (void *)qosland_dispatch,
	.runnable = (void *)qosland_runnable,
	.running = (void *)qosland_running,
	.stopping = (void *)qosland_stopping,
	.quiescent = (void *)qosland_quiescent,
	.set_weight = (void *)qosland_set_weight,
	.set_cpumask = (void *)qosland_set_cpumask,
	.init_task = (void *)qosland_init_task,
	.exit_task = (void *)qosland_exit_task,
	.init = (void *)qosland_init,
	.exit = (void *)qosland_exit,
	.dispatch_max_batch = DISPATCH_BATCH,
	.timeout_ms = 5000,
	.exit_dump_len = QOSLAND_EXIT_DUMP_LEN,
	.name = "qosland",
};
