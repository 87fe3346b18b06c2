// Counters of both halves of the scheduler and the status line built from them.
#ifndef QOSLAND_CORE_STATS_H_
#define QOSLAND_CORE_STATS_H_

#include <array>
#include <cstdint>
#include <string>

namespace qosland::core {

// The BPF half (summed over CPUs). See struct qosland_bpf_stats.
struct BpfStats {
  uint64_t sent = 0;                // records sent to user space
  uint64_t user_dispatches = 0;     // decided by user space
  uint64_t idle_dispatches = 0;     // BPF: wakeup onto an idle CPU
  uint64_t idle_prev = 0;           //   of which its previous CPU
  uint64_t idle_core = 0;           //   a fully idle core in the same LLC
  uint64_t idle_any = 0;            //   any other idle CPU
  uint64_t kthread_dispatches = 0;  // BPF: kernel threads
  uint64_t self_dispatches = 0;     // BPF: the scheduler's own threads
  uint64_t congested = 0;           // BPF: ring buffer full
  uint64_t stale = 0;               // decisions dropped as stale
  uint64_t bad_records = 0;
  uint64_t exit_lost = 0;
  uint64_t deadline_preempts = 0;   // CPUs preempted for a pinned task's earlier deadline
  uint64_t self_moved = 0;          // scheduler woken elsewhere to spare a more urgent task
  uint64_t self_deferred = 0;       // scheduler run deferred until the waking task blocked
  uint64_t lazy_records = 0;        // records sent without waking user space
  uint64_t nudges = 0;              // user space woken by an idle CPU for those
  uint64_t fallback_enters = 0;     // BPF took over from a stalled user space
  uint64_t fallback_ns = 0;         // time it scheduled alone (the current spell included)
  uint64_t fallback_dispatches = 0; // BPF: queued by its own deadline (fallback)
  uint64_t rescued = 0;             // tasks taken back from user space on takeover
  uint64_t starved = 0;             // BPF: run because they had waited a second (policy bound)
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
};

struct StatusSnapshot {
  double uptime_s = 0;
  BpfStats bpf;
  LoopStats loop;
  uint64_t page_faults = 0;  // since qosland started scheduling
  BpfStats interval;         // the counters' change since the previous line
};

// Share of the workload's dispatches decided in user space, in [0, 1]
// (0 when nothing was dispatched).
double UserShare(const BpfStats& s);

// One line of key=value pairs, for people and for scripts, e.g.
// "t=3.0 runnable=18 queued=2 user=1200 bpf=40 idle=3 idle_prev=2 idle_core=1
//  idle_any=0 kthread=37 congested=0 self=310 self_moved=2 lazy=120
//  nudge=1 stale=0 preempt=3 faults=0
//  user_share=96.8% delay_p99_us=2048". Totals are
// since start; delay_p99_us (enqueue to decision applied, an upper bound at
// power-of-two resolution) is over the last interval.
std::string FormatStatusLine(const StatusSnapshot& s);

}  // namespace qosland::core

#endif  // QOSLAND_CORE_STATS_H_
