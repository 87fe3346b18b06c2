#include "core/stats.h"

#include <cstdio>

namespace qosland::core {

BpfStats BpfStats::operator-(const BpfStats& e) const {
  BpfStats d = *this;
  d.sent -= e.sent;
  d.user_dispatches -= e.user_dispatches;
  d.idle_dispatches -= e.idle_dispatches;
  d.kthread_dispatches -= e.kthread_dispatches;
  d.self_dispatches -= e.self_dispatches;
  d.congested -= e.congested;
  d.stale -= e.stale;
  d.bad_records -= e.bad_records;
  d.exit_lost -= e.exit_lost;
  return d;  // gauges keep their current value
}

double UserShare(const BpfStats& s) {
  const uint64_t total = s.user_dispatches + s.bpf_dispatches();
  return total == 0 ? 0.0 : static_cast<double>(s.user_dispatches) / static_cast<double>(total);
}

std::string FormatStatusLine(const StatusSnapshot& s) {
  char buf[320];
  std::snprintf(buf, sizeof(buf),
                "t=%.1f runnable=%lld queued=%lld user=%llu bpf=%llu idle=%llu kthread=%llu "
                "congested=%llu self=%llu stale=%llu faults=%llu user_share=%.1f%%",
                s.uptime_s, static_cast<long long>(s.bpf.runnable),
                static_cast<long long>(s.bpf.queued),
                static_cast<unsigned long long>(s.bpf.user_dispatches),
                static_cast<unsigned long long>(s.bpf.bpf_dispatches()),
                static_cast<unsigned long long>(s.bpf.idle_dispatches),
                static_cast<unsigned long long>(s.bpf.kthread_dispatches),
                static_cast<unsigned long long>(s.bpf.congested),
                static_cast<unsigned long long>(s.bpf.self_dispatches),
                static_cast<unsigned long long>(s.bpf.stale),
                static_cast<unsigned long long>(s.page_faults), 100.0 * UserShare(s.bpf));
  return buf;
}

}  // namespace qosland::core
