// A small deterministic model of the kernel side, for driving policies in
// tests: one CPU, a vtime-ordered queue (the shared DSQ: decisions enter it at
// once, as BPF inserts them), and tasks that either never block (hogs) or
// wake periodically, run a fixed burst and block again. Time is simulated;
// nothing here reads a clock.
#ifndef QOSLAND_TESTS_POLICY_DRIVER_H_
#define QOSLAND_TESTS_POLICY_DRIVER_H_

#include <algorithm>
#include <cstdint>
#include <set>
#include <tuple>
#include <vector>

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
      if (tasks_[s].period_ns == 0) Enqueue(s, /*runtime_ns=*/0, /*wakeup=*/true);
      else tasks_[s].next_wake_ns = tasks_[s].period_ns;
    }
  }

  // Runs until simulated time reaches end_ns.
  void RunUntil(uint64_t end_ns) {
    while (now_ns_ < end_ns) {
      WakeDue();
      policy::Decision d;
      while (p_.PickNext(&d)) dsq_.insert({d.vtime, seq_++, d.slot, d.slice_ns});
      if (dsq_.empty()) {  // idle: jump to the next wakeup
        uint64_t next = end_ns;
        for (const SimTask& t : tasks_) if (t.period_ns && !t.queued) next = std::min(next, t.next_wake_ns);
        now_ns_ = std::max(now_ns_ + 1, next);
        continue;
      }
      const auto [vtime, seq, slot, slice] = *dsq_.begin();
      dsq_.erase(dsq_.begin());
      SimTask& t = tasks_[slot];
      t.max_wait_ns = std::max(t.max_wait_ns, now_ns_ - t.waiting_since);
      ++t.runs;
      const uint64_t grant = slice ? slice : 5'000'000;
      const uint64_t ran = t.period_ns ? std::min(grant, t.left_ns) : grant;
      now_ns_ += ran;
      t.cpu_ns += ran;
      t.queued = false;
      if (t.period_ns == 0) {
        Enqueue(slot, ran, /*wakeup=*/false);
      } else if ((t.left_ns -= ran) > 0) {
        Enqueue(slot, ran, /*wakeup=*/false);  // preempted mid-burst
      } else {
        pending_runtime_[slot] = ran;  // blocks; charged at its next wakeup
      }
    }
  }

  const std::vector<SimTask>& tasks() const { return tasks_; }
  uint64_t now_ns() const { return now_ns_; }

 private:
  void WakeDue() {
    for (policy::TaskSlot s = 0; s < tasks_.size(); ++s) {
      SimTask& t = tasks_[s];
      if (t.period_ns == 0 || t.queued || t.next_wake_ns > now_ns_) continue;
      t.left_ns = t.burst_ns;
      t.next_wake_ns += t.period_ns * ((now_ns_ - t.next_wake_ns) / t.period_ns + 1);
      Enqueue(s, pending_runtime_[s], /*wakeup=*/true);
      pending_runtime_[s] = 0;
    }
  }

  void Enqueue(policy::TaskSlot s, uint64_t runtime_ns, bool wakeup) {
    SimTask& t = tasks_[s];
    t.queued = true;
    t.waiting_since = now_ns_;
    const bool periodic = t.period_ns != 0;
    p_.OnRunnable({.slot = s,
                   .now_ns = now_ns_,
                   .runtime_ns = runtime_ns,
                   .weight = t.weight,
                   .wakeup = wakeup,
                   .qos = t.qos,
                   .avg_runtime_ns = periodic ? t.burst_ns : 5'000'000,
                   .block_freq_hz = periodic ? static_cast<uint32_t>(1'000'000'000 / t.period_ns) : 0,
                   .nr_runnable = static_cast<uint32_t>(CountRunnable()),
                   .rooted = periodic ? 1.0 : 0.0});  // a timer wakes periodic tasks
  }

  size_t CountRunnable() const {
    size_t n = 0;
    for (const SimTask& t : tasks_) n += t.queued ? 1 : 0;
    return n;
  }

  policy::Policy& p_;
  std::vector<SimTask> tasks_;
  std::vector<uint64_t> pending_runtime_ = std::vector<uint64_t>(tasks_.size(), 0);
  std::set<std::tuple<uint64_t, uint64_t, policy::TaskSlot, uint64_t>> dsq_;  // vtime, seq, slot, slice
  uint64_t seq_ = 0;
  uint64_t now_ns_ = 0;
};

}  // namespace qosland::testing

#endif  // QOSLAND_TESTS_POLICY_DRIVER_H_
