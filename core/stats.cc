#include "core/stats.h"

#include <cstdio>

namespace qosland::core {

BpfStats BpfStats::operator-(const BpfStats& e) const {
  BpfStats d = *this;
#define QOSLAND_BPF_COUNTER_SUB(name, bpf_name, what) d.name -= e.name;
  QOSLAND_BPF_COUNTERS(QOSLAND_BPF_COUNTER_SUB)
#undef QOSLAND_BPF_COUNTER_SUB
  for (size_t i = 0; i < d.decision_delay_hist.size(); ++i) {
    d.decision_delay_hist[i] -= e.decision_delay_hist[i];
  }
  return d;  // gauges keep their current value
}

uint64_t BpfStats::DecisionDelayQuantileUs(double q) const {
  uint64_t total = 0;
  for (uint64_t n : decision_delay_hist) total += n;
  if (total == 0) return 0;
  const auto rank = static_cast<uint64_t>(q * static_cast<double>(total));
  uint64_t seen = 0;
  for (size_t i = 0; i < decision_delay_hist.size(); ++i) {
    seen += decision_delay_hist[i];
    if (seen > rank) return uint64_t{2} << i;  // bucket i holds [2^i, 2^(i+1)) us
  }
  return uint64_t{2} << (decision_delay_hist.size() - 1);
}

double PolicyShare(const BpfStats& s) {
  const uint64_t policy = s.user_dispatches + s.order_dispatches;
  const uint64_t total = policy + s.bpf_dispatches() - s.kthread_dispatches;
  return total == 0 ? 0.0 : static_cast<double>(policy) / static_cast<double>(total);
}

std::string FormatStatusLine(const StatusSnapshot& s) {
  char buf[1000];
  std::snprintf(buf, sizeof(buf),
                "t=%.1f runnable=%lld queued=%lld user=%llu ordered=%llu order_preempt=%llu orders_set=%llu "
                "orders_void=%llu bpf=%llu idle=%llu idle_prev=%llu "
                "idle_core=%llu idle_any=%llu kthread=%llu "
                "congested=%llu self=%llu self_moved=%llu self_deferred=%llu lazy=%llu nudge=%llu stale=%llu preempt=%llu "
                "fallback=%d fallback_ms=%llu fallback_enters=%llu fallback_bpf=%llu rescued=%llu starved=%llu "
                "faults=%llu policy_share=%.1f%% delay_p99_us=%llu",
                s.uptime_s, static_cast<long long>(s.bpf.runnable),
                static_cast<long long>(s.bpf.queued),
                static_cast<unsigned long long>(s.bpf.user_dispatches),
                static_cast<unsigned long long>(s.bpf.order_dispatches),
                static_cast<unsigned long long>(s.bpf.order_preempts),
                static_cast<unsigned long long>(s.bpf.orders_set),
                static_cast<unsigned long long>(s.bpf.orders_void),
                static_cast<unsigned long long>(s.bpf.bpf_dispatches()),
                static_cast<unsigned long long>(s.bpf.idle_dispatches),
                static_cast<unsigned long long>(s.bpf.idle_prev),
                static_cast<unsigned long long>(s.bpf.idle_core),
                static_cast<unsigned long long>(s.bpf.idle_any),
                static_cast<unsigned long long>(s.bpf.kthread_dispatches),
                static_cast<unsigned long long>(s.bpf.congested),
                static_cast<unsigned long long>(s.bpf.self_dispatches),
                static_cast<unsigned long long>(s.bpf.self_moved),
                static_cast<unsigned long long>(s.bpf.self_deferred),
                static_cast<unsigned long long>(s.bpf.lazy_records),
                static_cast<unsigned long long>(s.bpf.nudges),
                static_cast<unsigned long long>(s.bpf.stale),
                static_cast<unsigned long long>(s.bpf.deadline_preempts), s.bpf.fallback ? 1 : 0,
                static_cast<unsigned long long>(s.bpf.fallback_ns / 1'000'000),
                static_cast<unsigned long long>(s.bpf.fallback_enters),
                static_cast<unsigned long long>(s.bpf.fallback_dispatches),
                static_cast<unsigned long long>(s.bpf.rescued),
                static_cast<unsigned long long>(s.bpf.starved),
                static_cast<unsigned long long>(s.page_faults), 100.0 * PolicyShare(s.bpf),
                static_cast<unsigned long long>(s.interval.DecisionDelayQuantileUs(0.99)));
  return buf;
}

}  // namespace qosland::core
