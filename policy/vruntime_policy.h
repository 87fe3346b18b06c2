// VruntimePolicy: weighted virtual runtime, the fair baseline.
//
// Each task's vruntime advances by the CPU time it used, scaled by
// kDefaultWeight / weight (a nice -5 task's clock runs about 3x slower than a
// nice 0 task's). Waiting tasks run in vruntime order, so CPU time splits in
// proportion to weight among tasks that are always runnable.
//
// Sleeper credit: a task that wakes after a long sleep restarts at
// max(its vruntime, min_vruntime - slice_ns): it runs soon (it is behind) but
// cannot claim the CPU for longer than one slice on the strength of its sleep.
//
// New tasks start at min_vruntime (no credit, no debt). Decisions carry the
// vruntime as vtime, so order holds across batches in the kernel's queues.
#ifndef QOSLAND_POLICY_VRUNTIME_POLICY_H_
#define QOSLAND_POLICY_VRUNTIME_POLICY_H_

#include <cstdint>
#include <vector>

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
  uint32_t nr_queued() const override { return static_cast<uint32_t>(heap_.size()); }

  uint64_t min_vruntime() const { return min_vruntime_; }
  uint64_t vruntime(TaskSlot slot) const { return vruntime_[slot]; }

 private:
  struct Entry {
    uint64_t vruntime;
    uint64_t seq;  // FIFO among equal vruntimes
    TaskSlot slot;
  };

  PolicyConfig config_;
  std::vector<uint64_t> vruntime_;  // per slot
  std::vector<Entry> heap_;         // min-heap on (vruntime, seq); capacity max_tasks
  uint64_t min_vruntime_ = 0;
  uint64_t seq_ = 0;
};

}  // namespace qosland::policy

#endif  // QOSLAND_POLICY_VRUNTIME_POLICY_H_
