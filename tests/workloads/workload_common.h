// Shared by the VM workloads: a calibrated CPU burn, monotonic time, and the
// "makes progress" bookkeeping (did this thread run in every 5 s window?).
#ifndef QOSLAND_TESTS_WORKLOADS_WORKLOAD_COMMON_H_
#define QOSLAND_TESTS_WORKLOADS_WORKLOAD_COMMON_H_

#include <signal.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <vector>

namespace qosland::workloads {

inline uint64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// SIGTERM or SIGINT ends a run early, with its results over the time it ran
// (for scenarios that cannot know in advance how long the load must last).
inline std::atomic<bool> g_end_early{false};
inline void EndEarlyOnSignal() {
  struct sigaction sa = {};
  sa.sa_handler = [](int) { g_end_early.store(true, std::memory_order_relaxed); };
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
}
inline bool EndEarly() { return g_end_early.load(std::memory_order_relaxed); }

// One hog iteration (hog, tagself): their iterations per second compare.
inline constexpr uint64_t kHogLoopsPerIteration = 20'000;

// A loop the compiler cannot remove or vectorize away; `loops` sets the work.
inline uint64_t Burn(uint64_t loops, uint64_t seed = 1) {
  uint64_t x = seed;
  for (uint64_t i = 0; i < loops; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    asm volatile("" : "+r"(x));
  }
  return x;
}

// Loops of Burn per millisecond on this (idle) machine: the best of several
// trials, so a preemption during one trial does not skew it.
inline uint64_t CalibrateLoopsPerMs() {
  constexpr uint64_t kLoops = 2'000'000;
  uint64_t best_ns = UINT64_MAX;
  for (int i = 0; i < 15; ++i) {
    const uint64_t t0 = NowNs();
    Burn(kLoops, static_cast<uint64_t>(i));
    best_ns = std::min(best_ns, NowNs() - t0);
  }
  return std::max<uint64_t>(1, kLoops * 1'000'000ull / std::max<uint64_t>(best_ns, 1));
}

// Nearest-rank percentile (q in [0, 1]) of sorted nanoseconds, in
// microseconds; 0 for no samples.
inline double PercentileUs(const std::vector<uint64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t idx = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  idx = std::clamp<size_t>(idx, 1, sorted.size()) - 1;
  return static_cast<double>(sorted[idx]) / 1000.0;
}

// Which windows (of window_ns each, counted from start_ns) a thread ran in.
class ProgressWindows {
 public:
  static constexpr int kMaxWindows = 64;

  void Mark(uint64_t start_ns, uint64_t window_ns, uint64_t now_ns) {
    const uint64_t w = (now_ns - start_ns) / window_ns;
    if (w < kMaxWindows) mask_.fetch_or(1ull << w, std::memory_order_relaxed);
  }
  // Number of the first `full_windows` windows this thread never ran in.
  int Missing(int full_windows) const {
    const uint64_t m = mask_.load(std::memory_order_relaxed);
    int missing = 0;
    for (int w = 0; w < std::min(full_windows, kMaxWindows); ++w) missing += ((m >> w) & 1) ? 0 : 1;
    return missing;
  }

 private:
  std::atomic<uint64_t> mask_{0};
};

}  // namespace qosland::workloads

#endif  // QOSLAND_TESTS_WORKLOADS_WORKLOAD_COMMON_H_
