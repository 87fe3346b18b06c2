#include "policy/qos_policy.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "bpf/qosland_orders.h"

namespace qosland::policy {
QosPolicy::QosPolicy(const PolicyConfig& config)
    : config_(config), tasks_(config.max_tasks), queue_(config.max_tasks) {
  order_updates_.reserve(config.max_tasks);  // each slot at most once (update_pending)
}

double QosPolicy::OwnCriticality(uint32_t block_hz, uint32_t wake_hz, uint64_t avg_runtime_ns,
                                 uint64_t slice_ns) {
  const double freq = std::log2(1.0 + block_hz) + std::log2(1.0 + wake_hz);
  if (freq == 0) return 0;
  const uint64_t runtime = std::clamp<uint64_t>(avg_runtime_ns, 10'000, std::max<uint64_t>(slice_ns, 10'000));
  const double brief = std::log2(static_cast<double>(slice_ns) / static_cast<double>(runtime));
  return freq * (1.0 + std::max(0.0, brief)) / 4.0;
}

double QosPolicy::QosFactor(QosClass c) {
  switch (c) {
    case QosClass::kUserInteractive: return 4.0;
    case QosClass::kUserInitiated: return 2.0;
    case QosClass::kDefault: return 1.0;
    case QosClass::kUtility: return 0.5;
    case QosClass::kBackground: return 0.25;
  }
  return 1.0;
}

void QosPolicy::OnTaskNew(const TaskNew& task) {
  tasks_[task.slot] = TaskState{.vruntime = vtime_now_};
}

void QosPolicy::OnTaskExit(TaskSlot slot) { tasks_[slot] = TaskState{}; }

void QosPolicy::OnRunnable(const Runnable& e) {
  assert(e.slot < config_.max_tasks);
  TaskState& t = tasks_[e.slot];
  const uint64_t S = config_.slice_ns;
  const uint64_t w = std::clamp(e.weight, kMinWeight, kMaxWeight);

  // 2 (vtime_now). Its previous decision has run: its start is history now.
  // Not a start an order queued: the kernel side's clock never saw it, and
  // must not fall behind this one (8.).
  if (t.start_decided) vtime_now_ = std::max(vtime_now_, t.start);
  t.start_decided = !e.ordered;
  // 1. Virtual runtime, charged at the discount of the activation that ran.
  t.vruntime += static_cast<uint64_t>(static_cast<double>(e.runtime_ns * kDefaultWeight / w) / t.discount);
  // 2. Start, lag-capped on both sides; above by one turn of its own charge,
  // below by a sleeper's credit of up to one slice, as rooted as it is, and
  // of kWakeCredit of one at least for any wakeup.
  const double R = std::clamp(e.rooted / kRootedFull, 0.0, 1.0);
  const double credit_slices = e.wakeup ? std::max(R, kWakeCredit) : R;
  const uint64_t credit = static_cast<uint64_t>(static_cast<double>(S) * credit_slices);
  const uint64_t lo = vtime_now_ > credit ? vtime_now_ - credit : 0;
  const double charge = std::clamp(1.0 / t.discount, 1.0, kMaxDiscount);
  t.vruntime = std::clamp(t.vruntime, lo, vtime_now_ + static_cast<uint64_t>(charge * static_cast<double>(S)));
  t.start = t.vruntime;
  // 3-4. Criticality, own or inherited for this activation.
  double cri = OwnCriticality(e.block_freq_hz, e.wake_freq_hz, e.avg_runtime_ns, S) * R;
  if (e.wakeup && e.waker != kNoTask && e.waker < tasks_.size() && e.waker != e.slot) {
    cri = std::max(cri, kInheritance * tasks_[e.waker].effective_cri);
  }
  t.effective_cri = cri;
  // 5. Deadline.
  const double request = static_cast<double>(S * kDefaultWeight / w);
  const double boost = QosFactor(e.qos) * (1.0 + cri);
  const uint64_t budget = std::min(static_cast<uint64_t>(request / boost), kMaxBudgetSlices * S);
  t.discount = std::clamp(boost, 1.0 / kMaxDiscount, kMaxDiscount);
  // 7. Urgent.
  t.urgent = QosFactor(e.qos) > 1.0;
  // 8. Standing order.
  t.activation_ns = e.wakeup ? 0 : t.activation_ns + e.runtime_ns;
  const auto next_charge = static_cast<uint64_t>(static_cast<double>(e.avg_runtime_ns * kDefaultWeight / w) / t.discount);
  t.order = OrderAfter(e, t, budget, std::max(R, kWakeCredit), next_charge);
  if (e.ordered) {
    // Queued already, by its order: renew it, change it or withdraw it.
    if (!t.update_pending && OrderNeedsUpdate(t, e)) {
      t.update_pending = true;
      order_updates_.push_back(e.slot);
    }
    return;
  }
  queue_.Push(t.start + budget, e.slot);
}

bool QosPolicy::OrderNeedsUpdate(const TaskState& t, const Runnable& e) const {
  const StandingOrder& want = t.order;
  const StandingOrder& held = t.held;
  if (want.active != held.active) return true;  // withdraw it, or give one
  if (!want.active) return false;
  if (e.order_low || want.cpu != held.cpu || want.slice_ns != held.slice_ns) return true;
  // Where each lands at the policy's clock now, as the kernel side places it.
  const uint64_t a = qosland_order_vtime(vtime_now_, want.offset_ns, want.floor_vtime);
  const uint64_t b = qosland_order_vtime(vtime_now_, held.offset_ns, held.floor_vtime);
  return (a > b ? a - b : b - a) > config_.slice_ns / kOrderSlackPerSlice;
}

StandingOrder QosPolicy::OrderAfter(const Runnable& e, const TaskState& t, uint64_t budget,
                                    double credit_slices, uint64_t next_charge) const {
  const uint64_t S = config_.slice_ns;
  const double qf = QosFactor(e.qos);
  const bool rooted = e.rooted >= kRootedFull;
  // It runs long without blocking, or never blocks at all.
  const bool hog = e.avg_runtime_ns >= kOrderHogSlices * S || t.activation_ns >= kOrderHogSlices * S ||
                   e.block_freq_hz == 0;
  if (qf < 1.0 || hog || !(rooted || qf > 1.0 || t.effective_cri >= kOrderMinCri)) return {};
  // Its next wakeup's start (2.): max(its vruntime then, the clock then -
  // its credit), plus its budget (5.).
  const auto credit = static_cast<int64_t>(static_cast<double>(S) * credit_slices);
  return {.active = true,
          .cpu = kAnyCpu,
          .offset_ns = static_cast<int64_t>(budget) - credit,
          // capped one turn ahead of the clock, as a start is (2.; charge is
          // 1 for classes default and above)
          .floor_vtime = std::min(t.vruntime + next_charge, vtime_now_ + S) + budget,
          .slice_ns = S,
          .wakeups = kOrderWakeups,
          .runtime_us = kOrderRuntimeUs};
}

bool QosPolicy::PickOrder(OrderUpdate* out) {
  while (order_updates_head_ < order_updates_.size()) {
    const TaskSlot slot = order_updates_[order_updates_head_++];
    TaskState& t = tasks_[slot];
    if (!t.update_pending) continue;  // the task exited since
    t.update_pending = false;
    t.held = t.order;
    *out = OrderUpdate{.slot = slot, .order = t.order};
    return true;
  }
  order_updates_.clear();
  order_updates_head_ = 0;
  return false;
}

bool QosPolicy::PickNext(Decision* out) {
  KeyQueue::Item e;
  if (!queue_.Pop(&e)) return false;
  // 6. Slice: S.
  TaskState& t = tasks_[e.slot];
  t.held = t.order;  // each decision replaces the task's order
  *out = Decision{.slot = e.slot, .cpu = kAnyCpu, .slice_ns = config_.slice_ns, .vtime = e.key,
                  .urgent = t.urgent, .start = t.start, .order = t.order};
  return true;
}

}  // namespace qosland::policy
