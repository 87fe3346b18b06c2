#include "core/dispatch_loop.h"

#include <algorithm>

#include "bpf/qosland_signals.h"
#include "core/qos_hints.h"

namespace qosland::core {

DispatchLoop::DispatchLoop(Transport& transport, policy::Policy& policy, TaskTable& table,
                           const LoopOptions& options, ClassHints* hints)
    : transport_(transport), policy_(policy), table_(table), options_(options), hints_(hints) {
  // Each slot is in it at most once until sent (withdraw_pending), and a
  // slot freed meanwhile leaves a dead entry: twice the table is room enough.
  withdraws_.reserve(2 * static_cast<size_t>(table_.capacity()));
}

void DispatchLoop::ClassChanged(TaskSlot slot) {
  TaskEntry& e = table_[slot];
  // Orders the policy gives from records up to now were for the old class.
  e.no_orders_through_gen = e.gen;
  if (e.has_order && !e.withdraw_pending && withdraws_.size() < withdraws_.capacity()) {
    e.withdraw_pending = true;
    withdraws_.push_back(slot);
  }
}

policy::StandingOrder DispatchLoop::OrderFor(const TaskEntry& e, const policy::StandingOrder& asked) const {
  if (!options_.standing_orders || !asked.active || e.gen <= e.no_orders_through_gen) return {};
  return asked;
}

bool DispatchLoop::SendOrHold(const DispatchDecision& d) {
  if (transport_.Send(d)) return true;
  ++stats_.send_full;
  held_ = d;
  return false;
}

void DispatchLoop::CollectClasses() {
  if (!hints_) return;
  if (const uint64_t g = hints_->generation(); g != hints_generation_) {
    // New rules or tags: every known task may have another class now.
    hints_generation_ = g;
    const bool active = hints_->active();
    for (TaskSlot s = 0; s < table_.capacity(); ++s) {
      TaskEntry& e = table_[s];
      if (!e.in_use || e.exited) continue;
      if (active) {
        hints_->OnNewTask(s, e.pid, e.tgid, e.cookie);
      } else if (e.hint_qos) {
        e.hint_qos.reset();
        ClassChanged(s);
      }
    }
  }
  TaskSlot slot;
  uint64_t cookie;
  std::optional<policy::QosClass> hint;
  while (hints_->NextClass(&slot, &cookie, &hint)) {
    // The slot may have changed hands since: the cookie tells.
    if (slot < table_.capacity() && table_[slot].in_use && table_[slot].cookie == cookie) {
      if (table_[slot].hint_qos != hint) ClassChanged(slot);
      table_[slot].hint_qos = hint;
      ++stats_.classes_set;
    }
  }
}

int DispatchLoop::RunOnce(int timeout_ms) {
  // Do not sleep on records while decisions are ready to go out.
  const bool backlog = policy_.nr_queued() > 0 || held_.has_value();
  const int wait_ms = backlog ? (held_ ? options_.busy_retry_ms : 0) : timeout_ms;
  CollectClasses();
  const int n = transport_.Poll(wait_ms, *this);
  if (n < 0) return n;
  return SendDecisions();
}

void DispatchLoop::OnQueued(const QueuedTask& task) {
  if (task.kind == QueuedTask::Kind::kExit) {
    OnExit(task);
    return;
  }
  if (task.kind == QueuedTask::Kind::kNudge) return;  // only woke us up
  ++stats_.records;
  const TaskTable::Found found = table_.FindOrInsert(task.pid, task.tgid, task.cookie);
  if (found.replaced != kNoSlot) Retire(found.replaced);
  if (found.slot == kNoSlot) {
    ++stats_.table_full;
    if (task.ordered) return;  // queued already, by an order given before the table filled
    // No room to track it: never lose a task, dispatch it behind what we sent.
    const DispatchDecision d{.pid = task.pid, .cpu = -1, .cookie = task.cookie, .gen = task.gen,
                             .slice_ns = options_.slice_ns, .vtime = last_vtime_};
    if (!transport_.Send(d)) ++stats_.send_full;  // BPF keeps it; its watchdog is the backstop
    return;
  }
  TaskEntry& e = table_[found.slot];
  e.gen = task.gen;
  e.enq_ns = task.enq_ns;
  if (found.is_new || e.ident_hash != task.ident_hash) {
    // New, or it ran exec or renamed itself: its class may differ now.
    e.ident_hash = task.ident_hash;
    if (hints_ && hints_->active()) hints_->OnNewTask(found.slot, task.pid, task.tgid, task.cookie);
  }
  if (found.is_new) {
    policy_.OnTaskNew({.slot = found.slot, .pid = task.pid, .tgid = task.tgid});
  }
  if (task.enq_ns < transport_.handled_before_ns()) {
    // Sent before the kernel side took over from a stalled user space,
    // which has scheduled the task itself since: nothing to decide.
    ++stats_.fallback_stale;
    return;
  }
  if (e.queued) {
    // Dequeued and queued again before we decided: the policy keeps its
    // place for it; the decision will carry the new generation.
    ++stats_.requeued;
    return;
  }
  // A wakeup its standing order queued: the policy only takes note.
  if (task.ordered) {
    ++stats_.ordered;
  } else {
    e.queued = true;
  }
  const TaskSlot waker = task.waker_pid > 0 ? table_.FindByPid(task.waker_pid) : kNoSlot;
  policy_.OnRunnable({.slot = found.slot,
                      .now_ns = task.enq_ns,
                      .runtime_ns = task.runtime_ns,
                      .weight = task.weight,
                      .prev_cpu = task.prev_cpu,
                      .wakeup = task.wakeup,
                      .ordered = task.ordered,
                      .order_low = task.order_low,
                      .qos = ResolveClass(std::nullopt, e.hint_qos,
                                          ClassFromAttributes({.policy = task.sched_policy,
                                                               .nice = task.nice,
                                                               .has_uclamp = task.uclamp_max.has_value(),
                                                               .uclamp_max = task.uclamp_max.value_or(1024)}))
                                 .qos,
                      .avg_runtime_ns = task.avg_runtime_ns,
                      .slept_ns = task.slept_ns,
                      .wake_freq_hz = task.wake_freq_hz,
                      .block_freq_hz = task.block_freq_hz,
                      .waker = waker,
                      .nr_runnable = task.nr_runnable,
                      .rooted = std::min(task.rooted, QOSLAND_ROOTED_ONE) / double{QOSLAND_ROOTED_ONE}});
}

void DispatchLoop::OnExit(const QueuedTask& task) {
  ++stats_.exits;
  const TaskSlot slot = table_.Find(task.pid, task.cookie);
  if (slot != kNoSlot) Retire(slot);
}

void DispatchLoop::Retire(TaskSlot slot) {
  TaskEntry& e = table_[slot];
  table_.Unindex(slot);
  if (e.queued) {
    e.exited = true;  // released in SendDecisions when the policy picks it
    return;
  }
  policy_.OnTaskExit(slot);
  table_.Release(slot);
}

int DispatchLoop::SendDecisions() {
  int sent = 0;
  if (held_) {
    if (!transport_.Send(*held_)) {
      ++stats_.send_full;
      return 0;
    }
    held_.reset();
    ++sent;
  }
  // Withdrawals first: a decision or order sent after them is for the new class.
  size_t w = 0;
  for (; w < withdraws_.size(); ++w) {
    TaskEntry& e = table_[withdraws_[w]];
    if (!e.withdraw_pending) continue;  // sent already, or the slot was freed
    e.withdraw_pending = false;
    if (!e.in_use || e.exited || !e.has_order) continue;
    e.has_order = false;
    ++stats_.orders_sent;
    if (!SendOrHold({.kind = DispatchDecision::Kind::kOrderOnly, .pid = e.pid, .cookie = e.cookie, .gen = e.gen})) {
      ++w;
      break;
    }
    ++sent;
  }
  withdraws_.erase(withdraws_.begin(), withdraws_.begin() + static_cast<std::ptrdiff_t>(w));
  if (held_) return sent;
  policy::Decision pd;
  while (static_cast<uint32_t>(sent) < options_.max_batch && policy_.PickNext(&pd)) {
    TaskEntry& e = table_[pd.slot];
    e.queued = false;
    if (e.exited) {
      ++stats_.dropped_exited;
      policy_.OnTaskExit(pd.slot);
      table_.Release(pd.slot);
      continue;
    }
    if (e.enq_ns < transport_.handled_before_ns()) {
      ++stats_.fallback_stale;  // the kernel side took this task over (see OnQueued)
      continue;
    }
    const policy::StandingOrder order = OrderFor(e, pd.order);
    const DispatchDecision d{.pid = e.pid, .cpu = pd.cpu, .cookie = e.cookie, .gen = e.gen,
                             .slice_ns = pd.slice_ns, .vtime = pd.vtime, .urgent = pd.urgent,
                             .start = pd.start, .order = order};
    e.has_order = order.active;  // the decision replaces any order the task had
    last_vtime_ = std::max(last_vtime_, pd.vtime);
    ++stats_.decisions;
    if (!SendOrHold(d)) break;
    ++sent;
  }
  // Orders apart from decisions (renewals, changes, withdrawals).
  policy::OrderUpdate u;
  while (!held_ && policy_.PickOrder(&u)) {
    TaskEntry& e = table_[u.slot];
    if (!e.in_use || e.exited || e.enq_ns < transport_.handled_before_ns()) continue;
    const policy::StandingOrder order = OrderFor(e, u.order);
    if (!order.active && !e.has_order) continue;  // nothing to withdraw
    e.has_order = order.active;
    ++stats_.orders_sent;
    if (!SendOrHold({.kind = DispatchDecision::Kind::kOrderOnly, .pid = e.pid, .cookie = e.cookie, .gen = e.gen,
                     .order = order})) {
      break;
    }
    ++sent;
  }
  return sent;
}

}  // namespace qosland::core
