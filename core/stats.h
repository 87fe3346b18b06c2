// Counters of both halves of the scheduler and the status line built from them.
#ifndef QOSLAND_CORE_STATS_H_
#define QOSLAND_CORE_STATS_H_

#include <array>
#include <cstdint>
#include <string>

namespace qosland::core {

// Every counter of the BPF half: its name here, its name in struct
// qosland_bpf_stats, what it counts. One list, so the struct, the sum over
// CPUs and the difference between two snapshots never leave one out.
#define QOSLAND_BPF_COUNTERS(X) \
  X(sent, nr_sent, "records sent to user space") \
  X(user_dispatches, nr_user_dispatches, "decided by user space") \
  X(idle_dispatches, nr_idle_dispatches, "BPF: wakeup onto an idle CPU") \
  X(idle_prev, nr_idle_prev, "of which its previous CPU") \
  X(idle_core, nr_idle_core, "a fully idle core in the same LLC") \
  X(idle_any, nr_idle_any, "any other idle CPU") \
  X(kthread_dispatches, nr_kthread_dispatches, "BPF: kernel threads") \
  X(self_dispatches, nr_self_dispatches, "BPF: the scheduler's own threads") \
  X(congested, nr_congested, "BPF: ring buffer full") \
  X(stale, nr_stale, "decisions dropped as stale") \
  X(bad_records, nr_bad_records, "decisions BPF could not read") \
  X(exit_lost, nr_exit_lost, "exit records the full ring refused") \
  X(deadline_preempts, nr_deadline_preempts, "CPUs preempted for a pinned task's earlier deadline") \
  X(self_moved, nr_self_moved, "scheduler woken elsewhere to spare a more urgent task") \
  X(self_deferred, nr_self_deferred, "scheduler run deferred until the waking task blocked") \
  X(lazy_records, nr_lazy_records, "records sent without waking user space") \
  X(nudges, nr_nudges, "user space woken for records sent without a wakeup") \
  X(fallback_enters, nr_fallback_enters, "BPF took over from a stalled user space") \
  X(fallback_ns, fallback_ns, "time it scheduled alone (the current spell included)") \
  X(fallback_dispatches, nr_fallback_dispatches, "BPF: queued by its own deadline (fallback)") \
  X(rescued, nr_rescued, "tasks taken back from user space on takeover") \
  X(starved, nr_starved, "BPF: run because they had waited a second (policy bound)") \
  X(order_dispatches, nr_order_dispatches, "wakeups dispatched by the policy's standing orders") \
  X(order_preempts, nr_order_preempts, "of which preempted a CPU running a later deadline") \
  X(orders_set, nr_orders_set, "standing orders installed") \
  X(orders_void, nr_orders_void, "standing orders found stale or spent at a wakeup") \
  X(order_stale, nr_order_stale, "order-only records dropped as stale")

// The BPF half (summed over CPUs). See struct qosland_bpf_stats.
struct BpfStats {
#define QOSLAND_BPF_COUNTER_FIELD(name, bpf_name, what) uint64_t name = 0;
  QOSLAND_BPF_COUNTERS(QOSLAND_BPF_COUNTER_FIELD)
#undef QOSLAND_BPF_COUNTER_FIELD
  int64_t runnable = 0;             // gauge
  int64_t queued = 0;               // gauge: waiting for a user-space decision
  bool fallback = false;            // gauge: BPF schedules alone now
  // Enqueue -> decision applied, log2 buckets of microseconds (see
  // struct qosland_bpf_stats).
  std::array<uint64_t, 24> decision_delay_hist{};

  // Dispatches of other tasks decided by BPF (the scheduler's own threads
  // are not counted: they are not workload).
  uint64_t bpf_dispatches() const {
    return idle_dispatches + kthread_dispatches + congested + fallback_dispatches + starved;
  }
  BpfStats operator-(const BpfStats& earlier) const;
  // Upper bound, in microseconds, of the q-quantile of the decision delay
  // (0 when there were no decisions).
  uint64_t DecisionDelayQuantileUs(double q) const;
};

// The user-space half (core/dispatch_loop.h).
struct LoopStats {
  uint64_t records = 0;         // queued records received
  uint64_t exits = 0;           // exit records received
  uint64_t decisions = 0;       // decisions sent
  uint64_t send_full = 0;       // user ring buffer full: decision held back
  uint64_t table_full = 0;      // no free slot: dispatched without the policy
  uint64_t requeued = 0;        // newer record for a task the policy still held
  uint64_t dropped_exited = 0;  // picked after it exited: not sent
  uint64_t classes_set = 0;     // QoS classes learnt from ClassHints
  uint64_t fallback_stale = 0;  // records and decisions dropped: BPF took those tasks over
  uint64_t ordered = 0;         // records of wakeups a standing order dispatched
  uint64_t orders_sent = 0;     // order-only records sent (renewals, changes, withdrawals)
};

struct StatusSnapshot {
  double uptime_s = 0;
  BpfStats bpf;
  LoopStats loop;
  uint64_t page_faults = 0;  // since qosland started scheduling
  BpfStats interval;         // the counters' change since the previous line
};

// Share of the workload's dispatches that carry a decision of the policy,
// made at once (user_dispatches) or ahead (order_dispatches), in [0, 1]
// (0 when nothing was dispatched). Kernel threads and the scheduler's own
// threads are not workload: BPF runs them, whatever the policy.
double PolicyShare(const BpfStats& s);

// One line of key=value pairs, for people and for scripts, e.g.
// "t=3.0 runnable=18 queued=2 user=1200 ordered=300 bpf=40 idle=3 idle_prev=2 idle_core=1
//  idle_any=0 kthread=37 congested=0 self=310 self_moved=2 lazy=120
//  nudge=1 stale=0 preempt=3 faults=0
//  policy_share=96.8% delay_p99_us=2048". Totals are
// since start; delay_p99_us (enqueue to decision applied, an upper bound at
// power-of-two resolution) is over the last interval.
std::string FormatStatusLine(const StatusSnapshot& s);

}  // namespace qosland::core

#endif  // QOSLAND_CORE_STATS_H_
