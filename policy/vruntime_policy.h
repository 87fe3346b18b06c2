// VruntimePolicy: weighted virtual runtime, the fair baseline.
//
// Each task's vruntime advances by the CPU time it used, scaled by
// kDefaultWeight / weight (a nice -5 task's clock runs about 3x slower than a
// nice 0 task's). Waiting tasks run in vruntime order, so CPU time splits in
// proportion to weight among tasks that are always runnable.
//
// Lag cap: every task that becomes runnable restarts at no less than
// vtime_now - slice_ns, where vtime_now is the largest vruntime dispatched so
// far. A task that slept (or sat behind others) runs soon, but its past buys
// it at most one slice ahead of the rest. The cap applies to every task, not
// only to sleepers: decisions leave for the kernel's queue as soon as they are
// made, so the policy cannot see the minimum over runnable tasks the way CFS
// does, and without the cap one low-weight task (whose vruntime leaps ahead)
// would push vtime_now past every hog and make each waking task wait behind
// all of them.
//
// Starvation bound: a waiting task's vtime is at most vtime_now + its own
// last charge (runtime x 100 / weight), and everyone ahead of it in the
// kernel's queue has vtime >= vtime_now - slice_ns; with N runnable tasks of
// weight >= w it waits at most about N x slice_ns x (1 + 100 / w) / nr_cpus.
//
// New tasks start at vtime_now (no credit, no debt). Decisions carry the
// vruntime as vtime, so order holds across batches in the kernel's queues.
#ifndef QOSLAND_POLICY_VRUNTIME_POLICY_H_
#define QOSLAND_POLICY_VRUNTIME_POLICY_H_

#include <cstdint>
#include <vector>

#include "policy/key_queue.h"
#include "policy/policy.h"

namespace qosland::policy {

class VruntimePolicy final : public Policy {
 public:
  explicit VruntimePolicy(const PolicyConfig& config);

  std::string_view name() const override { return "vruntime"; }
  void OnTaskNew(const TaskNew& task) override;
  void OnTaskExit(TaskSlot slot) override;
  void OnRunnable(const Runnable& event) override;
  bool PickNext(Decision* out) override;
  uint32_t nr_queued() const override { return queue_.size(); }

  uint64_t vtime_now() const { return vtime_now_; }
  uint64_t vruntime(TaskSlot slot) const { return vruntime_[slot]; }

 private:
  PolicyConfig config_;
  std::vector<uint64_t> vruntime_;  // per slot
  KeyQueue queue_;                  // by vruntime
  uint64_t vtime_now_ = 0;  // largest vruntime dispatched so far
};

}  // namespace qosland::policy

#endif  // QOSLAND_POLICY_VRUNTIME_POLICY_H_
