// The policy interface: plain C++ values in, decisions out.
//
// A policy never sees a wire record, a file descriptor or a clock; time arrives
// in events. So every policy runs unchanged under the real BPF scheduler, in
// unit tests, benchmarks and simulations (see core/fake_transport.h).
//
// Contract, per task (identified by its slot, 0 <= slot < PolicyConfig::max_tasks):
//   OnTaskNew   once, before the first OnRunnable of the task in that slot;
//   OnRunnable  the task waits for a decision; never called again for the same
//               task until PickNext has returned it;
//   PickNext    returns waiting tasks in the order the policy wants them run;
//               returning false leaves the rest waiting (the caller asks again
//               soon, so a policy may hold tasks back on purpose);
//   OnTaskExit  the slot is free again; never called for a task the policy
//               still holds (the caller waits until PickNext releases it).
//   PickOrder   standing orders to set or withdraw now, apart from decisions
//               (optional; see "Standing orders" below).
// Calls come from one thread; no method may block or allocate after
// construction (preallocate from PolicyConfig::max_tasks).
//
// Who picks the CPU: BPF, on the wakeup path (an idle CPU, kernel threads, the
// scheduler itself). A policy orders everything else and may name a CPU.
//
// Standing orders: a policy may decide a task's next wakeups ahead. With a
// decision (Decision::order), or alone (PickOrder), it leaves an order: the
// kernel side then queues a wakeup that finds no idle CPU at once, at the
// deadline max(clock() + offset_ns, floor_vtime), where clock() is the largest
// Decision::start among decisions that have begun to run, as the kernel
// saw them. The wakeup still comes to OnRunnable, with ordered = true: the
// task is already queued, so the policy updates its accounting and may give
// a new order, but PickNext must not return it for that event. An order
// lasts for `wakeups` wakeups and `runtime_us` of CPU time (each capped by
// the kernel side: 32 and 50 ms), and is void after exec, a change of nice,
// scheduling policy, affinity, name, cgroup or class, and while the kernel
// side schedules alone. Each decision replaces the task's order (none:
// withdrawn). A policy that gives none behaves as before.
//   Decision d{.slot = s, .vtime = start + budget, .start = start,
//              .order = {.active = true, .offset_ns = budget - credit, .wakeups = 8, .runtime_us = 50000}};
//
// Example:
//   VruntimePolicy p(PolicyConfig{.nr_cpus = 2, .max_tasks = 1024});
//   p.OnTaskNew({.slot = 0, .pid = 42});
//   p.OnRunnable({.slot = 0, .now_ns = 1000, .weight = 100, .wakeup = true});
//   Decision d; while (p.PickNext(&d)) Send(d);
#ifndef QOSLAND_POLICY_POLICY_H_
#define QOSLAND_POLICY_POLICY_H_

#include <cstdint>
#include <limits>
#include <string_view>

#include "policy/qos_class.h"

namespace qosland::policy {

using TaskSlot = uint32_t;
// "No task": e.g. the waker of a task woken from interrupt context.
inline constexpr TaskSlot kNoTask = std::numeric_limits<TaskSlot>::max();

// Any CPU the task may run on (the BPF side keeps the task's affinity).
inline constexpr int32_t kAnyCpu = -1;
// Weight of a nice-0 task (the kernel's sched_ext scale: 1..10000).
inline constexpr uint32_t kDefaultWeight = 100;

struct PolicyConfig {
  uint32_t nr_cpus = 1;
  uint32_t max_tasks = 65536;     // slots are in [0, max_tasks)
  uint64_t slice_ns = 5'000'000;  // the slice a policy grants by default
};

struct TaskNew {
  TaskSlot slot = 0;
  int32_t pid = 0;   // thread id
  int32_t tgid = 0;  // process id
};

// The task became runnable (wakeup) or was put back (preempted, slice used up)
// and waits for a decision.
struct Runnable {
  TaskSlot slot = 0;
  uint64_t now_ns = 0;      // monotonic time of the event
  uint64_t runtime_ns = 0;  // CPU time used since the task's previous Runnable
  uint32_t weight = kDefaultWeight;
  int32_t prev_cpu = -1;    // CPU it last ran on
  bool wakeup = false;      // true: woke up; false: preempted or slice expired
  // A wakeup the kernel side already queued by the task's standing order:
  // update the accounting, perhaps give a new order (PickOrder), but do not
  // pick the task for it.
  bool ordered = false;
  // With ordered: that order is spent, or has few wakeups or little CPU
  // time left. A policy that wants the task to keep an order renews it now.
  bool order_low = false;
  QosClass qos = QosClass::kDefault;

  // Behaviour, smoothed over recent events by the kernel side:
  uint64_t avg_runtime_ns = 0;  // CPU time per activation (wakeup to block)
  uint64_t slept_ns = 0;        // blocked time before this wakeup (0 if !wakeup)
  uint32_t wake_freq_hz = 0;    // how often it wakes other tasks (producer)
  uint32_t block_freq_hz = 0;   // how often it blocks (consumer)
  TaskSlot waker = kNoTask;     // the task that woke it, when known
  uint32_t nr_runnable = 0;     // runnable tasks on the machine, all CPUs
  // How much of its wakeups trace back to an interrupt (a timer, a device)
  // rather than only to other tasks, in [0, 1]: about 1 for a task a timer
  // or a device wakes, fading by 1/8 per task along a chain of wakeups, 0
  // for tasks that only wake each other (hackbench, a build). 1 when
  // unknown. What makes a frame chain's deadline matter and a pipeline's not.
  double rooted = 1.0;
};

// A standing order for a task's next wakeups (see the top of the file).
struct StandingOrder {
  bool active = false;      // false: none (withdraws the task's order)
  int32_t cpu = kAnyCpu;    // a CPU, or kAnyCpu
  int64_t offset_ns = 0;    // deadline = max(the kernel side's clock + offset, floor_vtime)
  uint64_t floor_vtime = 0;
  uint64_t slice_ns = 0;    // 0: the scheduler's default slice
  uint32_t wakeups = 0;     // wakeups it may dispatch (the kernel side caps it: 32 at most)
  uint32_t runtime_us = 0;  // CPU time it covers (the kernel caps it at 50 ms)
};

// An order to set or withdraw apart from a decision (Policy::PickOrder).
struct OrderUpdate {
  TaskSlot slot = 0;
  StandingOrder order = {};  // order.active = false: withdraw
};

struct Decision {
  TaskSlot slot = 0;
  int32_t cpu = kAnyCpu;  // a CPU, or kAnyCpu
  uint64_t slice_ns = 0;  // 0: the scheduler's default slice
  // Ordering key in the kernel's queue: lower runs first. Keys of different
  // PickNext calls are compared with each other, so keep them monotone in
  // the policy's virtual time.
  uint64_t vtime = 0;
  // The task's wakeups must reach the policy at once. Without it, the kernel
  // side may hold a wakeup of an unrooted task (Runnable::rooted < 1/8: it
  // was woken by tasks that were themselves only woken by tasks) while the
  // CPUs have decided work, and hand it over with others in a batch: for up
  // to one slice, and never past the start of a task that takes whole
  // slices. Holds until the task's next decision.
  bool urgent = false;
  // Where this decision starts in the policy's virtual time (<= vtime).
  // The kernel side's clock for standing orders follows the starts of the
  // decisions that run; 0 moves it not.
  uint64_t start = 0;
  // Replaces the task's standing order (inactive: none).
  StandingOrder order = {};
};

class Policy {
 public:
  virtual ~Policy() = default;

  virtual std::string_view name() const = 0;
  virtual void OnTaskNew(const TaskNew& task) = 0;
  virtual void OnTaskExit(TaskSlot slot) = 0;
  virtual void OnRunnable(const Runnable& event) = 0;
  virtual bool PickNext(Decision* out) = 0;
  // Orders to set or withdraw apart from decisions, one per call; false
  // when none is left. Called after PickNext, like it, until false.
  virtual bool PickOrder(OrderUpdate* /*out*/) { return false; }
  // Tasks the policy holds (OnRunnable'd and not yet picked).
  virtual uint32_t nr_queued() const = 0;
};

}  // namespace qosland::policy

#endif  // QOSLAND_POLICY_POLICY_H_
