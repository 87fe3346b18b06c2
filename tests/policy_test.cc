// Drives the shipped policies with scripted events, as the kernel would, and
// checks what a user would notice: who runs first and who gets how much CPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "policy/fifo_policy.h"
#include "policy/registry.h"
#include "policy/vruntime_policy.h"

namespace qosland::policy {
namespace {

constexpr uint64_t kSlice = 5'000'000;

// A one-CPU machine where every task is always runnable: pick, run a full
// slice, put back. Returns the CPU time each slot received.
std::map<TaskSlot, uint64_t> RunHogs(Policy& p, const std::vector<uint32_t>& weights, int rounds) {
  std::map<TaskSlot, uint64_t> cpu;
  uint64_t now = 0;
  for (TaskSlot s = 0; s < weights.size(); ++s) {
    p.OnTaskNew({.slot = s, .pid = static_cast<int32_t>(100 + s)});
    p.OnRunnable({.slot = s, .now_ns = now, .weight = weights[s], .wakeup = true});
  }
  for (int i = 0; i < rounds; ++i) {
    Decision d;
    EXPECT_TRUE(p.PickNext(&d));
    const uint64_t ran = d.slice_ns;
    now += ran;
    cpu[d.slot] += ran;
    p.OnRunnable({.slot = d.slot, .now_ns = now, .runtime_ns = ran, .weight = weights[d.slot]});
  }
  return cpu;
}

// Checks that equal tasks share the CPU equally and weights split it in proportion.
TEST(VruntimePolicyTest, WeightsSplitCpuProportionally) {
  VruntimePolicy p({.nr_cpus = 1, .max_tasks = 16, .slice_ns = kSlice});
  const auto cpu = RunHogs(p, {100, 100, 200, 400}, 800);
  const double unit = static_cast<double>(cpu.at(0));
  EXPECT_NEAR(cpu.at(1) / unit, 1.0, 0.05);
  EXPECT_NEAR(cpu.at(2) / unit, 2.0, 0.1);
  EXPECT_NEAR(cpu.at(3) / unit, 4.0, 0.2);
}

// Checks that a task waking after a long sleep runs before the hogs, but its
// sleep buys it at most one slice of credit: the hogs are not starved.
TEST(VruntimePolicyTest, SleeperRunsFirstButCannotHoardCredit) {
  VruntimePolicy p({.nr_cpus = 1, .max_tasks = 16, .slice_ns = kSlice});
  RunHogs(p, {100, 100}, 200);  // hogs in slots 0 and 1 advance vtime_now
  p.OnTaskNew({.slot = 2, .pid = 300});
  // Slot 2 is brand new: it starts at vtime_now. Let it sleep for ages.
  p.OnRunnable({.slot = 2, .now_ns = 10'000'000'000, .runtime_ns = 0, .wakeup = true});
  Decision d;
  ASSERT_TRUE(p.PickNext(&d));
  EXPECT_EQ(d.slot, 2u) << "the waking task should run before the hogs";
  // It now runs for 2 slices: past one slice of credit it queues behind a hog.
  p.OnRunnable({.slot = 2, .now_ns = 0, .runtime_ns = 2 * kSlice});
  ASSERT_TRUE(p.PickNext(&d));
  EXPECT_NE(d.slot, 2u) << "a hog should run once the sleeper used up its credit";
}

// Checks that a task waking up among 16 hogs and a nice-19 task runs within
// about one round of the others, with the kernel side modelled as it is: every
// decision enters a vtime-ordered queue at once (the shared DSQ) and one CPU
// runs the lowest vtime for a slice. (A nice-19 task's vruntime leaps ahead;
// it must not drag waking tasks behind every hog.)
TEST(VruntimePolicyTest, WakingTaskIsNotStarvedBehindHogs) {
  VruntimePolicy p({.nr_cpus = 1, .max_tasks = 64, .slice_ns = kSlice});
  std::vector<uint32_t> weights(16, 100);
  weights.push_back(1);  // slot 16: nice 19
  const TaskSlot sleeper = 17;
  weights.push_back(100);
  std::set<std::tuple<uint64_t, uint64_t, TaskSlot>> dsq;  // (vtime, seq, slot)
  uint64_t seq = 0;
  for (TaskSlot s = 0; s < weights.size(); ++s) {
    p.OnTaskNew({.slot = s});
    if (s != sleeper) p.OnRunnable({.slot = s, .weight = weights[s], .wakeup = true});
  }
  int wake_at = 50, waited = -1, worst = 0, runs = 0;
  for (int step = 0; step < 20000; ++step) {
    if (step == wake_at) {
      p.OnRunnable({.slot = sleeper, .runtime_ns = 100'000, .weight = 100, .wakeup = true});
      waited = 0;
    }
    Decision d;
    while (p.PickNext(&d)) dsq.insert({d.vtime, seq++, d.slot});
    ASSERT_FALSE(dsq.empty());
    const TaskSlot next = std::get<2>(*dsq.begin());
    dsq.erase(dsq.begin());
    if (next == sleeper) {
      worst = std::max(worst, waited);
      waited = -1;
      ++runs;
      wake_at = step + 37;  // blocks, wakes again later
      continue;
    }
    if (waited >= 0) ++waited;
    p.OnRunnable({.slot = next, .runtime_ns = kSlice, .weight = weights[next]});
  }
  EXPECT_GT(runs, 300);
  // 17 other tasks can be ahead of it in the queue, each for one slice.
  EXPECT_LE(worst, 18) << "the waking task waited " << worst << " slices";
}

// Checks that decisions come out in non-decreasing vtime across calls, so the
// kernel's vtime-ordered queues keep the policy's order between batches.
TEST(VruntimePolicyTest, VtimesAreMonotoneAcrossPicks) {
  VruntimePolicy p({.nr_cpus = 1, .max_tasks = 64, .slice_ns = kSlice});
  for (TaskSlot s = 0; s < 32; ++s) {
    p.OnTaskNew({.slot = s});
    p.OnRunnable({.slot = s, .weight = 50 + 10 * s, .wakeup = true});
  }
  uint64_t last = 0;
  Decision d;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(p.PickNext(&d));
    EXPECT_GE(d.vtime, last);
    last = d.vtime;
    p.OnRunnable({.slot = d.slot, .runtime_ns = kSlice, .weight = 50 + 10 * d.slot});
  }
}

// Checks that FIFO runs tasks in arrival order.
TEST(FifoPolicyTest, RunsInArrivalOrder) {
  FifoPolicy p({.nr_cpus = 1, .max_tasks = 8, .slice_ns = kSlice});
  for (TaskSlot s : {3u, 1u, 2u}) p.OnRunnable({.slot = s});
  Decision d;
  std::vector<TaskSlot> order;
  while (p.PickNext(&d)) order.push_back(d.slot);
  EXPECT_EQ(order, (std::vector<TaskSlot>{3, 1, 2}));
  EXPECT_EQ(p.nr_queued(), 0u);
}

// Checks that --policy names resolve and unknown names are refused.
TEST(RegistryTest, MakesPoliciesByName) {
  for (const PolicyInfo& info : RegisteredPolicies()) {
    auto p = MakePolicy(info.name, {});
    ASSERT_NE(p, nullptr) << info.name;
    EXPECT_EQ(p->name(), info.name);
  }
  EXPECT_EQ(MakePolicy("no-such-policy", {}), nullptr);
}

}  // namespace
}  // namespace qosland::policy
