#include "policy/fallback_policy.h"

#include <algorithm>
#include <cassert>

#include "bpf/qosland_deadline.h"

namespace qosland::policy {

FallbackPolicy::FallbackPolicy(const PolicyConfig& config)
    : config_(config), tasks_(config.max_tasks), queue_(config.max_tasks) {}

void FallbackPolicy::OnTaskNew(const TaskNew& task) { tasks_[task.slot] = Task{}; }

void FallbackPolicy::OnTaskExit(TaskSlot slot) { tasks_[slot] = Task{}; }

void FallbackPolicy::OnRunnable(const Runnable& e) {
  assert(e.slot < config_.max_tasks);
  Task& t = tasks_[e.slot];
  const uint64_t s = config_.slice_ns;
  if (t.picked) vtime_now_ = std::max(vtime_now_, t.start);  // it ran: the clock moves to its start
  t.picked = false;
  t.vruntime += qosland_fb_charge(e.runtime_ns, e.weight, t.boost16);
  t.boost16 = qosland_fb_boost16(e.avg_runtime_ns, e.wake_freq_hz, e.block_freq_hz, s);
  t.slice_ns = qosland_fb_slice(config_.nr_cpus, e.nr_runnable, s);
  t.start = qosland_fb_start(t.vruntime, vtime_now_, t.slice_ns);
  t.vruntime = t.start;
  queue_.Push(qosland_fb_deadline(t.start, e.avg_runtime_ns, e.weight, t.boost16, t.slice_ns), e.slot);
}

bool FallbackPolicy::PickNext(Decision* out) {
  KeyQueue::Item e;
  if (!queue_.Pop(&e)) return false;
  Task& t = tasks_[e.slot];
  t.picked = true;
  *out = Decision{.slot = e.slot, .cpu = kAnyCpu, .slice_ns = t.slice_ns, .vtime = e.key};
  return true;
}

}  // namespace qosland::policy
