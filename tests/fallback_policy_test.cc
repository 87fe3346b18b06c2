// The BPF fallback's deadline (bpf/qosland_deadline.h): its integer pieces,
// and the whole of it as FallbackPolicy under the kernel model of
// tests/policy_driver.h, checked for what a user would notice while BPF
// schedules alone.
#include "policy/fallback_policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "bpf/qosland_deadline.h"
#include "tests/policy_driver.h"

namespace qosland::policy {
namespace {

using qosland::testing::PolicyDriver;
using qosland::testing::SimTask;

constexpr uint64_t kSlice = 5'000'000;
constexpr uint64_t kMs = 1'000'000;

FallbackPolicy Make(uint32_t nr_cpus = 1, uint32_t max_tasks = 64) {
  return FallbackPolicy({.nr_cpus = nr_cpus, .max_tasks = max_tasks, .slice_ns = kSlice});
}

// Checks the integer pieces against their definitions.
TEST(FallbackDeadlineTest, IntegerPieces) {
  EXPECT_EQ(qosland_log2(0), 0u);
  EXPECT_EQ(qosland_log2(1), 0u);
  EXPECT_EQ(qosland_log2(2), 1u);
  EXPECT_EQ(qosland_log2(1023), 9u);
  EXPECT_EQ(qosland_log2(1ULL << 40), 40u);
  EXPECT_EQ(qosland_log2(~0ULL), 63u);
  // A hog: no boost; its CPU costs it in proportion to 100 / weight.
  EXPECT_EQ(qosland_fb_boost16(kSlice, 0, 0, kSlice), QOSLAND_FB_ONE);
  EXPECT_EQ(qosland_fb_charge(kSlice, 100, QOSLAND_FB_ONE), kSlice);
  EXPECT_EQ(qosland_fb_charge(kSlice, 200, QOSLAND_FB_ONE), kSlice / 2);
  EXPECT_EQ(qosland_fb_charge(kSlice, 1, QOSLAND_FB_ONE), kSlice * 10);  // weights clamp at 10
  // A 60 Hz frame thread that wakes two others and runs 2 ms: crit =
  // log2(61) + log2(121) = 5 + 6, brief = log2(5 / 2) = 1: boost 1 + 11 * 2 / 4.
  const uint64_t b = qosland_fb_boost16(2 * kMs, 120, 60, kSlice);
  EXPECT_EQ(b, QOSLAND_FB_ONE + 4 * 11 * 2);
  EXPECT_EQ(qosland_fb_charge(4 * kMs, 100, b), kMs);  // discount capped at 4
  EXPECT_LT(qosland_fb_deadline(1000, 2 * kMs, 100, b, kSlice),
            qosland_fb_deadline(1000, kSlice, 100, QOSLAND_FB_ONE, kSlice));
  // Lag caps: one slice either side of the clock.
  EXPECT_EQ(qosland_fb_start(0, 100 * kMs, kSlice), 95 * kMs);
  EXPECT_EQ(qosland_fb_start(500 * kMs, 100 * kMs, kSlice), 105 * kMs);
  EXPECT_EQ(qosland_fb_start(101 * kMs, 100 * kMs, kSlice), 101 * kMs);
  EXPECT_EQ(qosland_fb_start(0, 1000, kSlice), 0u);  // near boot: no underflow
  // Slices shrink as the queue grows: 20 ms over 2 CPUs among 18 tasks.
  EXPECT_EQ(qosland_fb_slice(2, 18, kSlice), 20 * kMs * 2 / 18);
  EXPECT_EQ(qosland_fb_slice(2, 1000, kSlice), QOSLAND_FB_MIN_SLICE_NS);
  EXPECT_EQ(qosland_fb_slice(2, 2, kSlice), kSlice);
}

// Checks that a 60 Hz frame thread among 16 hogs on one CPU runs every
// frame, soon after it wakes.
TEST(FallbackPolicyTest, FrameThreadStaysOnTimeAmongHogs) {
  FallbackPolicy p = Make();
  std::vector<SimTask> tasks(16, SimTask{});
  tasks.push_back(SimTask{.period_ns = 16'666'667, .burst_ns = 2 * kMs});
  PolicyDriver drv(p, tasks);
  drv.RunUntil(10'000 * kMs);
  const SimTask& frame = drv.tasks().back();
  EXPECT_GT(frame.runs, 590u);
  EXPECT_LT(frame.max_wait_ns, 8 * kMs) << "max wait " << frame.max_wait_ns / 1000 << " us";
}

// Checks that weights split the CPU in proportion among hogs.
TEST(FallbackPolicyTest, WeightsSplitCpuProportionally) {
  FallbackPolicy p = Make();
  PolicyDriver drv(p, {SimTask{.weight = 100}, SimTask{.weight = 200}, SimTask{.weight = 100}});
  drv.RunUntil(20'000 * kMs);
  const auto& t = drv.tasks();
  EXPECT_NEAR(static_cast<double>(t[1].cpu_ns) / static_cast<double>(t[0].cpu_ns), 2.0, 0.2);
  EXPECT_NEAR(static_cast<double>(t[2].cpu_ns) / static_cast<double>(t[0].cpu_ns), 1.0, 0.1);
}

// Checks that with 1000 hogs of extreme weights and ten 60 Hz tasks on
// one CPU nobody is parked: every hog runs several times a minute, and the
// 60 Hz tasks still run within a second of waking (half of that at the start, when 1000 hogs arrive at once). The worst wait of a
// hog is printed: with weights 1 and 10000 among them it exceeds the
// watchdog's 5 s (see bpf/qosland_deadline.h; the qos policy does the same).
TEST(FallbackPolicyTest, NobodyIsParkedAmong1000Hogs) {
  FallbackPolicy p = Make(/*nr_cpus=*/1, /*max_tasks=*/1100);
  std::vector<SimTask> tasks;
  for (int i = 0; i < 1000; ++i) {
    tasks.push_back(SimTask{.weight = i % 50 == 0 ? 1u : (i % 50 == 1 ? 10000u : 100u)});
  }
  for (int i = 0; i < 10; ++i) tasks.push_back(SimTask{.period_ns = 16 * kMs, .burst_ns = kMs});
  PolicyDriver drv(p, tasks);
  drv.RunUntil(60'000 * kMs);
  uint64_t worst_hog = 0, worst_periodic = 0;
  for (size_t i = 0; i < drv.tasks().size(); ++i) {
    const SimTask& t = drv.tasks()[i];
    if (i < 1000) {
      EXPECT_GE(t.runs, 3u) << "hog " << i;
      worst_hog = std::max(worst_hog, t.max_wait_ns);
    } else {
      EXPECT_GT(t.runs, 200u) << "60 Hz task " << i;  // their fair share, times 4 at most, among 1000 hogs
      worst_periodic = std::max(worst_periodic, t.max_wait_ns);
    }
  }
  EXPECT_LT(worst_periodic, 1000 * kMs) << "worst wait of a 60 Hz task " << worst_periodic / kMs << " ms";
  std::printf("worst wait: hogs %llu ms, 60 Hz tasks %llu ms\n", static_cast<unsigned long long>(worst_hog / kMs),
              static_cast<unsigned long long>(worst_periodic / kMs));
}

}  // namespace
}  // namespace qosland::policy
