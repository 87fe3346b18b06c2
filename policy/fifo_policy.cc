#include "policy/fifo_policy.h"

#include <cassert>

namespace qosland::policy {

FifoPolicy::FifoPolicy(const PolicyConfig& config) : config_(config), ring_(config.max_tasks) {}

void FifoPolicy::OnRunnable(const Runnable& event) {
  assert(count_ < ring_.size());
  ring_[(head_ + count_) % ring_.size()] = event.slot;
  ++count_;
}

bool FifoPolicy::PickNext(Decision* out) {
  if (count_ == 0) return false;
  const TaskSlot slot = ring_[head_];
  head_ = (head_ + 1) % ring_.size();
  --count_;
  *out = Decision{.slot = slot, .cpu = kAnyCpu, .slice_ns = config_.slice_ns, .vtime = seq_++};
  return true;
}

}  // namespace qosland::policy
