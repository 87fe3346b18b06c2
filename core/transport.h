// Transport: how the dispatch loop talks to the kernel side of the scheduler.
//
// Two implementations: BpfTransport (bpf/bpf_transport.h: the BPF ring buffer
// and user ring buffer of a loaded qosland) and FakeTransport
// (core/fake_transport.h: in memory, for tests, benchmarks and simulations).
// Both speak in the domain types below; only core/wire_codec.cc knows the
// wire records behind them.
#ifndef QOSLAND_CORE_TRANSPORT_H_
#define QOSLAND_CORE_TRANSPORT_H_

#include <cstdint>
#include <optional>

#include "policy/policy.h"

namespace qosland::core {

// A record from the kernel side.
struct QueuedTask {
  enum class Kind : uint8_t { kQueued, kExit, kNudge };
  Kind kind = Kind::kQueued;
  int32_t pid = 0;
  int32_t tgid = 0;
  uint64_t cookie = 0;      // unique per task lifetime
  uint64_t gen = 0;         // echo in the decision
  uint64_t enq_ns = 0;      // monotonic
  uint64_t runtime_ns = 0;  // CPU used since the previous record
  int32_t prev_cpu = -1;
  uint32_t weight = 100;
  uint32_t nr_cpus_allowed = 0;
  bool wakeup = false;
  // A wakeup the kernel side already dispatched by the task's standing
  // order (DispatchDecision::order): no decision is wanted.
  bool ordered = false;
  // With ordered: that order is spent or nearly (QOSLAND_QF_ORDER_LOW).
  bool order_low = false;
  // Signals, smoothed in BPF (see struct qosland_queued).
  uint64_t avg_runtime_ns = 0;
  uint64_t slept_ns = 0;
  uint32_t wake_freq_hz = 0;
  uint32_t block_freq_hz = 0;
  int32_t waker_pid = 0;  // 0: none
  uint32_t nr_runnable = 0;
  // How much its wakeups trace back to an interrupt, 0..1024 (see
  // QOSLAND_ROOTED_ONE); 1024 unless a kernel side says otherwise.
  uint32_t rooted = 1024;
  uint32_t ident_hash = 0;  // changes with the task's name and cgroup (exec, rename, move)
  uint8_t sched_policy = 0;  // SCHED_NORMAL 0, SCHED_BATCH 3, SCHED_IDLE 5...
  int8_t nice = 0;
  std::optional<uint16_t> uclamp_max = {};  // requested; nullopt: a kernel without uclamp
};

// A standing order for a task's next wakeups, as the policy gives it
// (policy/policy.h; on the wire: bpf/qosland_wire.h, "Standing orders").
// With kOrderOnly, an inactive one withdraws the task's order.
using StandingOrder = policy::StandingOrder;

// A decision for the kernel side.
struct DispatchDecision {
  enum class Kind : uint8_t {
    kDispatch,   // run the waiting task; its order (or none) replaces the old
    kOrderOnly,  // only set (order.active) or withdraw the task's order
  };
  Kind kind = Kind::kDispatch;
  int32_t pid = 0;
  int32_t cpu = -1;  // -1: any CPU
  uint64_t cookie = 0;
  uint64_t gen = 0;
  uint64_t slice_ns = 0;
  uint64_t vtime = 0;
  // Read this task's next wakeup at once, even if unrooted (see
  // policy::Decision::urgent).
  bool urgent = false;
  // Where the decision starts in the policy's virtual time: the kernel
  // clock for orders follows the starts of decisions that run.
  uint64_t start = 0;
  StandingOrder order = {};
};

class QueuedSink {
 public:
  virtual void OnQueued(const QueuedTask& task) = 0;

 protected:
  ~QueuedSink() = default;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Waits up to timeout_ms (0: not at all, <0: forever) until records are
  // available, then hands each available record to sink, in order. Returns
  // the number of records, or a negative errno (-EINTR: a signal came).
  virtual int Poll(int timeout_ms, QueuedSink& sink) = 0;
  // Queues a decision for the kernel side; false when there is no room now
  // (the caller keeps it and retries). Never blocks.
  virtual bool Send(const DispatchDecision& decision) = 0;
  // Records enqueued before this time (enq_ns's clock) were handled by the
  // kernel side itself, which took over while user space was stalled:
  // decisions for them would be stale, so the loop drops them. 0: never.
  virtual uint64_t handled_before_ns() const { return 0; }
};

}  // namespace qosland::core

#endif  // QOSLAND_CORE_TRANSPORT_H_
