// BpfScheduler: the loaded BPF half of qosland (RAII over the libbpf skeleton
// and the struct_ops link). Destroying it detaches qosland; the kernel then
// moves every task back to its default scheduler.
//
// Load and Attach are separate so that the dispatch loop can already drain
// the ring buffer while the kernel switches every task over during Attach
// (which blocks for seconds on a slow machine).
//
//   auto s = BpfScheduler::Load({.slice_ns = 5'000'000});
//   if (!s.ok()) { print(s.status().message()); return 1; }
//   std::thread([&] { attached = (*s)->Attach(); });  // loop runs meanwhile
//   ... (*s)->ReadStats(); if (auto e = (*s)->Exited()) ...
#ifndef QOSLAND_BPF_BPF_SCHEDULER_H_
#define QOSLAND_BPF_BPF_SCHEDULER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/stats.h"
#include "core/status.h"

struct qosland_bpf;
struct bpf_link;
struct qosland_bpf_stats;

namespace qosland::bpf {

struct BpfOptions {
  uint64_t slice_ns = 5'000'000;  // slice of tasks BPF dispatches itself
  bool partial = false;           // only tasks that ask for SCHED_EXT
  uint32_t queued_ring_bytes = 1u << 20;    // kernel -> user, power of two (--ring-size)
  uint32_t dispatch_ring_bytes = 1u << 18;  // user -> kernel, power of two
  bool verbose = false;           // libbpf's messages, the verifier's log
  // Last-level cache of each CPU id (core::CpuTopology::llc_of, -1: offline);
  // empty: unknown, BPF skips its same-LLC step when picking an idle CPU.
  std::vector<int32_t> cpu_llc;
  // BPF schedules on its own once tasks have waited this long for a user
  // space that shows no progress (bpf/qosland.bpf.c), and always with
  // force_fallback (for tests and benchmarks).
  uint64_t stall_ns = 50'000'000;
  bool force_fallback = false;
  // A wakeup queued by the task running on a CPU runs the user-space
  // scheduler there when that task blocks, or after this long at the latest,
  // instead of preempting it at once (bpf/qosland.bpf.c, defer_usersched).
  // 0: always preempt at once.
  uint64_t wakeup_defer_ns = 250'000;
  // While the CPUs are full of decided work, an unrooted wakeup's record may
  // wait this long for user space to read it with others (bpf/qosland.bpf.c,
  // record_wakeup_flags). 0: never hold a wakeup.
  uint64_t wakeup_hold_ns = 5'000'000;
  // Apply user space's standing orders (bpf/qosland_wire.h); false: none is
  // installed, every wakeup waits for a decision.
  bool standing_orders = true;
  // The most wakeups one standing order may dispatch before the policy
  // renews it (at most QOSLAND_ORDER_MAX_WAKEUPS, 32). 32 rather than 8:
  // an order that runs low wakes user space to renew it, and at 8 that
  // was most of qosland's runs beside a fast chain; at 32, in one boot,
  // qosland's CPU fell by a quarter to a half and the 240 Hz chain's
  // misses by half (docs/benchmarks.md, "How long an order lasts").
  uint32_t order_max_wakeups = 32;
};

struct ExitInfo {
  int64_t kind = 0;  // enum scx_exit_kind
  int64_t exit_code = 0;
  std::string reason;
  std::string msg;
  std::string dump;  // the kernel's state dump (error exits only)
  // The kernel ejected qosland because of an error (not an unregistration).
  bool is_error() const { return kind >= 1024; }
};

class BpfScheduler {
 public:
  // Opens and loads the BPF programs and maps; does not enable them yet.
  static core::Result<std::unique_ptr<BpfScheduler>> Load(const BpfOptions& options);
  // Enables qosland: the kernel switches tasks to it. Blocks until done.
  // May be called from another thread than the loop's, once.
  core::Status Attach();
  ~BpfScheduler();
  BpfScheduler(const BpfScheduler&) = delete;
  BpfScheduler& operator=(const BpfScheduler&) = delete;

  // User space is alive: called by the transport at each loop iteration.
  void Heartbeat() const;
  // When BPF last took over from a stalled user space (CLOCK_MONOTONIC ns;
  // 0: never): records enqueued before then are stale.
  uint64_t fallback_entered_ns() const;

  int queued_ring_fd() const;
  int dispatch_ring_fd() const;
  // Sums the per-CPU counters (one syscall; not for the hot path).
  core::BpfStats ReadStats();
  // Set once the kernel has disabled qosland (ops.exit ran).
  std::optional<ExitInfo> Exited() const;
  // Detaches and waits up to `wait` for the kernel to finish disabling.
  // Returns how it ended, if the kernel said so in time.
  std::optional<ExitInfo> Detach(std::chrono::milliseconds wait);

 private:
  BpfScheduler() = default;

  BpfOptions options_;
  qosland_bpf* skel_ = nullptr;
  bpf_link* link_ = nullptr;
  std::vector<qosland_bpf_stats> per_cpu_;
};

}  // namespace qosland::bpf

#endif  // QOSLAND_BPF_BPF_SCHEDULER_H_
