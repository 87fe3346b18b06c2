// A small deterministic model of the kernel side, for driving policies in
// tests: one CPU, a vtime-ordered queue (the shared DSQ: decisions enter it at
// once, as BPF inserts them), and tasks that either never block (hogs) or
// wake periodically, run a fixed burst and block again. Time is simulated;
// nothing here reads a clock.
//
// Standing orders (policy/policy.h) are applied as the BPF side does: the
// clock K follows the starts of decisions that run (bpf/qosland_orders.h),
// and a periodic task that wakes with a valid order enters the queue at once
// at K + offset, its event reaching the policy with ordered = true.
#ifndef QOSLAND_TESTS_POLICY_DRIVER_H_
#define QOSLAND_TESTS_POLICY_DRIVER_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <set>
#include <tuple>
#include <vector>

#include "bpf/qosland_orders.h"
#include "policy/policy.h"

namespace qosland::testing {

struct SimTask {
  uint32_t weight = policy::kDefaultWeight;
  policy::QosClass qos = policy::QosClass::kDefault;
  uint64_t period_ns = 0;  // 0: a hog, always runnable
  uint64_t burst_ns = 0;   // CPU per activation (periodic tasks)
  // Measured:
  uint64_t cpu_ns = 0;
  uint64_t max_wait_ns = 0;
  uint64_t runs = 0;
  uint64_t ordered = 0;    // wakeups its standing order queued
  // State:
  uint64_t next_wake_ns = 0;
  uint64_t waiting_since = 0;
  uint64_t left_ns = 0;   // of the current burst
  bool queued = false;    // in the policy or the DSQ
};

class PolicyDriver {
 public:
  PolicyDriver(policy::Policy& p, std::vector<SimTask> tasks) : p_(p), tasks_(std::move(tasks)) {
    for (policy::TaskSlot s = 0; s < tasks_.size(); ++s) {
      p_.OnTaskNew({.slot = s, .pid = static_cast<int32_t>(100 + s)});
      if (tasks_[s].period_ns == 0) Enqueue(s, /*runtime_ns=*/0, /*wakeup=*/true, /*ordered=*/false);
      else tasks_[s].next_wake_ns = tasks_[s].period_ns;
    }
  }

  // Runs until simulated time reaches end_ns.
  void RunUntil(uint64_t end_ns) {
    while (now_ns_ < end_ns) {
      WakeDue();
      policy::Decision d;
      while (p_.PickNext(&d)) {
        dsq_.insert({d.vtime, seq_++, d.slot, d.slice_ns, d.start});
        SetOrder(d.slot, d.order);  // each decision replaces the order
      }
      policy::OrderUpdate u;
      while (p_.PickOrder(&u)) {
        SetOrder(u.slot, u.order);
        ++order_updates_;
      }
      if (dsq_.empty()) {  // idle: jump to the next wakeup
        uint64_t next = end_ns;
        for (const SimTask& t : tasks_) if (t.period_ns && !t.queued) next = std::min(next, t.next_wake_ns);
        now_ns_ = std::max(now_ns_ + 1, next);
        continue;
      }
      const auto [vtime, seq, slot, slice, start] = *dsq_.begin();
      dsq_.erase(dsq_.begin());
      clock_ = qosland_clock_advance(clock_, start);
      SimTask& t = tasks_[slot];
      t.max_wait_ns = std::max(t.max_wait_ns, now_ns_ - t.waiting_since);
      ++t.runs;
      const uint64_t grant = slice ? slice : 5'000'000;
      const uint64_t ran = t.period_ns ? std::min(grant, t.left_ns) : grant;
      now_ns_ += ran;
      t.cpu_ns += ran;
      orders_[slot].runtime_left -= static_cast<int64_t>(ran);
      t.queued = false;
      if (t.period_ns == 0) {
        Enqueue(slot, ran, /*wakeup=*/false, /*ordered=*/false);
      } else if ((t.left_ns -= ran) > 0) {
        Enqueue(slot, ran, /*wakeup=*/false, /*ordered=*/false);  // preempted mid-burst
      } else {
        pending_runtime_[slot] = ran;  // blocks; charged at its next wakeup
      }
    }
  }

  const std::vector<SimTask>& tasks() const { return tasks_; }
  uint64_t now_ns() const { return now_ns_; }
  uint64_t clock() const { return clock_; }
  uint64_t orders_applied() const { return orders_applied_; }  // wakeups orders queued
  uint64_t order_updates() const { return order_updates_; }    // PickOrder's updates
  // Called before an order queues a wakeup, with the event the policy will
  // get and the key the order gives it.
  std::function<void(const policy::Runnable&, uint64_t key)> on_order;

 private:
  struct Order {
    policy::StandingOrder o;
    uint32_t wakeups_left = 0;
    int64_t runtime_left = 0;
  };

  void SetOrder(policy::TaskSlot s, const policy::StandingOrder& o) {
    orders_[s] = {.o = o,
                  .wakeups_left = o.active ? qosland_order_wakeups(o.wakeups) : 0,
                  .runtime_left = o.active ? static_cast<int64_t>(qosland_order_runtime_ns(o.runtime_us)) : 0};
  }

  void WakeDue() {
    for (policy::TaskSlot s = 0; s < tasks_.size(); ++s) {
      SimTask& t = tasks_[s];
      if (t.period_ns == 0 || t.queued || t.next_wake_ns > now_ns_) continue;
      t.left_ns = t.burst_ns;
      t.next_wake_ns += t.period_ns * ((now_ns_ - t.next_wake_ns) / t.period_ns + 1);
      Order& o = orders_[s];
      const bool ordered = o.o.active && o.wakeups_left > 0 && o.runtime_left > 0;
      Enqueue(s, pending_runtime_[s], /*wakeup=*/true, ordered);
      pending_runtime_[s] = 0;
    }
  }

  void Enqueue(policy::TaskSlot s, uint64_t runtime_ns, bool wakeup, bool ordered) {
    SimTask& t = tasks_[s];
    t.queued = true;
    t.waiting_since = now_ns_;
    const bool periodic = t.period_ns != 0;
    uint64_t key = 0;
    bool low = false;
    if (ordered) {
      Order& o = orders_[s];
      key = qosland_order_vtime(clock_, o.o.offset_ns, o.o.floor_vtime);
      if (--o.wakeups_left == 0) o.o.active = false;
      low = !o.o.active || qosland_order_low(o.wakeups_left, o.runtime_left);
    }
    const policy::Runnable e{.slot = s,
                   .now_ns = now_ns_,
                   .runtime_ns = runtime_ns,
                   .weight = t.weight,
                   .wakeup = wakeup,
                   .ordered = ordered,
                   .order_low = low,
                   .qos = t.qos,
                   .avg_runtime_ns = periodic ? t.burst_ns : 5'000'000,
                   .block_freq_hz = periodic ? static_cast<uint32_t>(1'000'000'000 / t.period_ns) : 0,
                   .nr_runnable = static_cast<uint32_t>(CountRunnable()),
                   .rooted = periodic ? 1.0 : 0.0};  // a timer wakes periodic tasks
    if (ordered) {
      if (on_order) on_order(e, key);
      dsq_.insert({key, seq_++, s, orders_[s].o.slice_ns, 0});
      ++t.ordered;
      ++orders_applied_;
    }
    p_.OnRunnable(e);
  }

  size_t CountRunnable() const {
    size_t n = 0;
    for (const SimTask& t : tasks_) n += t.queued ? 1 : 0;
    return n;
  }

  policy::Policy& p_;
  std::vector<SimTask> tasks_;
  std::vector<uint64_t> pending_runtime_ = std::vector<uint64_t>(tasks_.size(), 0);
  std::vector<Order> orders_ = std::vector<Order>(tasks_.size());
  // vtime, seq, slot, slice, start (0 for an order's)
  std::set<std::tuple<uint64_t, uint64_t, policy::TaskSlot, uint64_t, uint64_t>> dsq_;
  uint64_t clock_ = 0;
  uint64_t seq_ = 0;
  uint64_t orders_applied_ = 0;
  uint64_t order_updates_ = 0;
  uint64_t now_ns_ = 0;
};

}  // namespace qosland::testing

#endif  // QOSLAND_TESTS_POLICY_DRIVER_H_
