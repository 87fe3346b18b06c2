// DispatchLoop: the user-space half of the scheduler, one iteration at a time.
//
//   RunOnce: wait for records (or not, when work is pending), drain them all
//   into the policy, then send its decisions, up to max_batch, in its order.
//
// Under load a single iteration handles many records (batching); on an idle
// system it sleeps in Transport::Poll and costs nothing. Single-threaded: the
// loop owns the policy and the task table. No allocation after construction.
//
//   core::DispatchLoop loop(transport, policy, table, {.max_batch = 256});
//   while (!stop) loop.RunOnce(/*timeout_ms=*/1000);
#ifndef QOSLAND_CORE_DISPATCH_LOOP_H_
#define QOSLAND_CORE_DISPATCH_LOOP_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "core/stats.h"
#include "core/task_table.h"
#include "core/transport.h"
#include "policy/policy.h"

namespace qosland::core {

// Where the loop learns which runtime tag or rule class applies to a task
// (core/class_service.h), off its own thread: it reports each task it meets
// and collects answers as they come. Both calls must not block.
//
// A task's class (core/qos_hints.h): its tag's or rule's (the hint), else
// the one its scheduling policy and nice say (carried in every record, no
// procfs read), else default.
class ClassHints {
 public:
  virtual ~ClassHints() = default;
  // False while there are neither rules nor tags: the loop then asks nothing.
  virtual bool active() const = 0;
  // Changes when the rules or tags do: the loop then asks about every task
  // it knows again.
  virtual uint64_t generation() const = 0;
  // A task met for the first time, or whose name or cgroup changed (exec,
  // rename, move).
  virtual void OnNewTask(TaskSlot slot, int32_t pid, int32_t tgid, uint64_t cookie) = 0;
  // One answer since the last call (nullopt: no tag or rule names the
  // task); false when none is waiting.
  virtual bool NextClass(TaskSlot* slot, uint64_t* cookie, std::optional<policy::QosClass>* hint) = 0;
};

struct LoopOptions {
  uint32_t max_batch = 256;     // decisions per iteration at most
  uint64_t slice_ns = 5'000'000;  // for tasks the table has no room for
  int busy_retry_ms = 1;        // wait while decisions are held back
  // Send the policy's standing orders (policy/policy.h); false: strip them
  // (--no-standing-orders), so every wakeup waits for a decision.
  bool standing_orders = true;
};

class DispatchLoop final : private QueuedSink {
 public:
  DispatchLoop(Transport& transport, policy::Policy& policy, TaskTable& table,
               const LoopOptions& options, ClassHints* hints = nullptr);

  // One iteration. Waits at most timeout_ms for records, less when the policy
  // or a refused send leaves decisions pending. Returns the transport's
  // negative errno (e.g. -EINTR), else the number of decisions sent.
  int RunOnce(int timeout_ms);

  const LoopStats& stats() const { return stats_; }
  // Decisions that wait for the policy or for room in the transport.
  uint32_t nr_pending() const { return policy_.nr_queued() + (held_ ? 1 : 0); }

 private:
  void OnQueued(const QueuedTask& task) override;
  void OnExit(const QueuedTask& task);
  // Frees a slot whose task is gone, or marks it to be freed when the policy
  // lets go of it.
  void Retire(TaskSlot slot);
  int SendDecisions();
  void CollectClasses();
  // Its class changed: an order it holds was given for the old one.
  void ClassChanged(TaskSlot slot);
  // The order to send with a decision or alone for this task, or none.
  policy::StandingOrder OrderFor(const TaskEntry& e, const policy::StandingOrder& asked) const;
  // Sends d, or keeps it to send first next time; false when kept.
  bool SendOrHold(const DispatchDecision& d);

  Transport& transport_;
  policy::Policy& policy_;
  TaskTable& table_;
  LoopOptions options_;
  ClassHints* hints_;
  LoopStats stats_;
  std::optional<DispatchDecision> held_;  // refused by the transport; sent first next time
  std::vector<TaskSlot> withdraws_;        // slots whose orders to withdraw (withdraw_pending)
  uint64_t hints_generation_ = 0;
  uint64_t last_vtime_ = 0;
};

}  // namespace qosland::core

#endif  // QOSLAND_CORE_DISPATCH_LOOP_H_
