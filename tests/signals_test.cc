// The per-task signals BPF computes (bpf/qosland_signals.h), driven through
// wakeup sequences like the ones the kernel produces: rootedness must tell a
// frame chain hanging off a timer from tasks that only wake each other.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>

#include "bpf/qosland_signals.h"

namespace {

constexpr double kOne = QOSLAND_ROOTED_ONE;

// The sample a wakeup by `waker` contributes (what attribute_wakeup does).
__u32 ByTask(__u32 waker) { return qosland_rooted_hop(waker); }

// Checks that every stage of frame_pipeline's chain (a timer wakes main,
// main wakes two workers, the last worker wakes main, main wakes the
// compositor) settles at or above one half: each gets its criticality in
// full under the qos policy (QosPolicy::kRootedFull).
TEST(RootedTest, FrameChainFromATimerStaysRooted) {
  enum { kTimer, kMain, kWorker0, kWorker1, kCompositor, kN };
  std::array<__u32, kN> r{};
  for (int frame = 0; frame < 200; ++frame) {
    r[kTimer] = qosland_rooted_update(r[kTimer], QOSLAND_ROOTED_ONE);  // hrtimer interrupt
    r[kMain] = qosland_rooted_update(r[kMain], ByTask(r[kTimer]));
    r[kWorker0] = qosland_rooted_update(r[kWorker0], ByTask(r[kMain]));
    r[kWorker1] = qosland_rooted_update(r[kWorker1], ByTask(r[kMain]));
    r[kMain] = qosland_rooted_update(r[kMain], ByTask(r[kWorker1]));
    r[kCompositor] = qosland_rooted_update(r[kCompositor], ByTask(r[kMain]));
  }
  EXPECT_GE(r[kTimer] / kOne, 0.99);
  for (int i = kMain; i < kN; ++i) EXPECT_GE(r[i] / kOne, 0.5) << "stage " << i << ": " << r[i] / kOne;
}

// Checks that tasks that only wake each other (hackbench: senders wake
// receivers, receivers wake senders) drift to nothing, even after a few
// wakeups from interrupts (a start signal, a wakeup queued to an idle CPU
// that was taken for an interrupt's) made them look rooted.
TEST(RootedTest, TasksThatOnlyWakeEachOtherFade) {
  constexpr int kN = 40;
  std::array<__u32, kN> r{};
  for (int i = 0; i < kN; ++i)
    for (int k = 0; k < 4; ++k) r[i] = qosland_rooted_update(r[i], QOSLAND_ROOTED_ONE);
  ASSERT_GE(r[0] / kOne, 0.6);
  // Each receiver i is woken by sender (i + round) % kN, and back.
  for (int round = 0; round < 150; ++round)
    for (int i = 0; i < kN; ++i) r[i] = qosland_rooted_update(r[i], ByTask(r[(i + round + 1) % kN]));
  for (int i = 0; i < kN; ++i) EXPECT_LT(r[i] / kOne, 0.05) << "task " << i;
}

// Checks that a task a timer wakes (cyclictest, an audio thread) becomes
// rooted within a few wakeups, and one woken only by unrooted tasks is not.
TEST(RootedTest, ATimerRootsWithinAFewWakeups) {
  __u32 r = 0;
  for (int k = 0; k < 3; ++k) r = qosland_rooted_update(r, QOSLAND_ROOTED_ONE);
  EXPECT_GE(r / kOne, 0.5);
  __u32 q = 0;
  for (int k = 0; k < 100; ++k) q = qosland_rooted_update(q, ByTask(0));
  EXPECT_EQ(q, 0u);
}

}  // namespace
