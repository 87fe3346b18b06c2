#include "policy/vruntime_policy.h"

#include <algorithm>
#include <cassert>

namespace qosland::policy {
namespace {

// std heap functions build a max-heap: "greater" puts the smallest on top.
bool Later(uint64_t a_vr, uint64_t a_seq, uint64_t b_vr, uint64_t b_seq) {
  return a_vr != b_vr ? a_vr > b_vr : a_seq > b_seq;
}

}  // namespace

VruntimePolicy::VruntimePolicy(const PolicyConfig& config)
    : config_(config), vruntime_(config.max_tasks, 0) {
  heap_.reserve(config.max_tasks);
}

void VruntimePolicy::OnTaskNew(const TaskNew& task) { vruntime_[task.slot] = vtime_now_; }

void VruntimePolicy::OnTaskExit(TaskSlot slot) { vruntime_[slot] = 0; }

void VruntimePolicy::OnRunnable(const Runnable& event) {
  assert(event.slot < config_.max_tasks);
  const uint32_t weight = std::max<uint32_t>(event.weight, 1);
  const uint64_t floor = vtime_now_ > config_.slice_ns ? vtime_now_ - config_.slice_ns : 0;
  const uint64_t vr = std::max(vruntime_[event.slot] + event.runtime_ns * kDefaultWeight / weight, floor);
  vruntime_[event.slot] = vr;
  heap_.push_back(Entry{vr, seq_++, event.slot});
  std::push_heap(heap_.begin(), heap_.end(), [](const Entry& a, const Entry& b) {
    return Later(a.vruntime, a.seq, b.vruntime, b.seq);
  });
}

bool VruntimePolicy::PickNext(Decision* out) {
  if (heap_.empty()) return false;
  std::pop_heap(heap_.begin(), heap_.end(), [](const Entry& a, const Entry& b) {
    return Later(a.vruntime, a.seq, b.vruntime, b.seq);
  });
  const Entry e = heap_.back();
  heap_.pop_back();
  vtime_now_ = std::max(vtime_now_, e.vruntime);
  *out = Decision{.slot = e.slot, .cpu = kAnyCpu, .slice_ns = config_.slice_ns, .vtime = e.vruntime};
  return true;
}

}  // namespace qosland::policy
