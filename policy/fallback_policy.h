// FallbackPolicy (`--policy fallback`): the deadline BPF schedules by on its
// own while user space is stalled (and with --force-fallback), run in user
// space. The math is bpf/qosland_deadline.h itself, the very header the BPF
// shim compiles, so what the kernel side does alone can be simulated, tested
// and compared with the other policies without a kernel.
//
// What it lacks next to `qos` is what only user space knows: QoS classes
// (tags, rules; events' qos is ignored) and boosts inherited along wakeup
// chains.
//
// Time: the BPF shim charges CPU when a task stops running and moves its
// clock when a task starts; here both happen at the task's next event, the
// earliest point user space learns of them (as in QosPolicy).
#ifndef QOSLAND_POLICY_FALLBACK_POLICY_H_
#define QOSLAND_POLICY_FALLBACK_POLICY_H_

#include <cstdint>
#include <vector>

#include "policy/key_queue.h"
#include "policy/policy.h"

namespace qosland::policy {

class FallbackPolicy final : public Policy {
 public:
  explicit FallbackPolicy(const PolicyConfig& config);

  std::string_view name() const override { return "fallback"; }
  void OnTaskNew(const TaskNew& task) override;
  void OnTaskExit(TaskSlot slot) override;
  void OnRunnable(const Runnable& event) override;
  bool PickNext(Decision* out) override;
  uint32_t nr_queued() const override { return queue_.size(); }

 private:
  struct Task {
    uint64_t vruntime = 0;
    uint64_t start = 0;
    uint64_t boost16 = 16;
    uint64_t slice_ns = 0;
    bool picked = false;  // its latest decision was handed out (so it ran)
  };
  PolicyConfig config_;
  std::vector<Task> tasks_;  // per slot
  KeyQueue queue_;           // by deadline
  uint64_t vtime_now_ = 0;
};

}  // namespace qosland::policy

#endif  // QOSLAND_POLICY_FALLBACK_POLICY_H_
