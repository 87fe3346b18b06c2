// FifoPolicy: first come, first served, one slice each. The simplest correct
// policy; a baseline for benchmarks and a template for new policies.
#ifndef QOSLAND_POLICY_FIFO_POLICY_H_
#define QOSLAND_POLICY_FIFO_POLICY_H_

#include <cstdint>
#include <vector>

#include "policy/policy.h"

namespace qosland::policy {

class FifoPolicy final : public Policy {
 public:
  explicit FifoPolicy(const PolicyConfig& config);

  std::string_view name() const override { return "fifo"; }
  void OnTaskNew(const TaskNew&) override {}
  void OnTaskExit(TaskSlot) override {}
  void OnRunnable(const Runnable& event) override;
  bool PickNext(Decision* out) override;
  uint32_t nr_queued() const override { return count_; }

 private:
  PolicyConfig config_;
  std::vector<TaskSlot> ring_;  // capacity max_tasks: each task waits at most once
  uint32_t head_ = 0;
  uint32_t count_ = 0;
  uint64_t seq_ = 0;
};

}  // namespace qosland::policy

#endif  // QOSLAND_POLICY_FIFO_POLICY_H_
