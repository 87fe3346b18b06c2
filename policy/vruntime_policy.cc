#include "policy/vruntime_policy.h"

#include <algorithm>
#include <cassert>

namespace qosland::policy {
VruntimePolicy::VruntimePolicy(const PolicyConfig& config)
    : config_(config), vruntime_(config.max_tasks, 0), queue_(config.max_tasks) {}

void VruntimePolicy::OnTaskNew(const TaskNew& task) { vruntime_[task.slot] = vtime_now_; }

void VruntimePolicy::OnTaskExit(TaskSlot slot) { vruntime_[slot] = 0; }

void VruntimePolicy::OnRunnable(const Runnable& event) {
  assert(event.slot < config_.max_tasks);
  const uint32_t weight = std::max<uint32_t>(event.weight, 1);
  const uint64_t floor = vtime_now_ > config_.slice_ns ? vtime_now_ - config_.slice_ns : 0;
  const uint64_t vr = std::max(vruntime_[event.slot] + event.runtime_ns * kDefaultWeight / weight, floor);
  vruntime_[event.slot] = vr;
  queue_.Push(vr, event.slot);
}

bool VruntimePolicy::PickNext(Decision* out) {
  KeyQueue::Item e;
  if (!queue_.Pop(&e)) return false;
  vtime_now_ = std::max(vtime_now_, e.key);
  *out = Decision{.slot = e.slot, .cpu = kAnyCpu, .slice_ns = config_.slice_ns, .vtime = e.key};
  return true;
}

}  // namespace qosland::policy
