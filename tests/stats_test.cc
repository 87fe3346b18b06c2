#include "core/stats.h"

#include <gtest/gtest.h>

namespace qosland::core {
namespace {

// Checks that the policy's share counts the workload's dispatches only
// (neither kernel threads nor the scheduler's own threads are workload),
// and counts wakeups its standing orders dispatched as its own.
TEST(StatsTest, PolicyShareCountsOrdersAndOnlyTheWorkload) {
  BpfStats s;
  s.user_dispatches = 60;
  s.order_dispatches = 30;
  s.idle_dispatches = 4;
  s.kthread_dispatches = 500;
  s.congested = 6;
  s.self_dispatches = 1000;
  EXPECT_DOUBLE_EQ(PolicyShare(s), 0.9);
  EXPECT_DOUBLE_EQ(PolicyShare(BpfStats{}), 0.0);
}

// Checks that the status line carries the figures the issue promises a user.
TEST(StatsTest, StatusLineShowsEveryFigure) {
  StatusSnapshot snap;
  snap.bpf.runnable = 18;
  snap.bpf.queued = 2;
  snap.bpf.user_dispatches = 97;
  snap.bpf.order_dispatches = 3;
  snap.bpf.idle_dispatches = 3;
  snap.bpf.kthread_dispatches = 7;
  snap.bpf.congested = 0;
  snap.bpf.stale = 4;
  snap.page_faults = 0;
  const std::string line = FormatStatusLine(snap);
  for (const char* part : {"runnable=18", "queued=2", "user=97", "ordered=3", "bpf=10", "congested=0",
                           "stale=4", "faults=0", "policy_share=97.1%"}) {
    EXPECT_NE(line.find(part), std::string::npos) << part << " missing from: " << line;
  }
}

// Checks that the decision-delay quantile reads the histogram as upper bounds
// of power-of-two buckets, and that a quiet interval reports 0.
TEST(StatsTest, DecisionDelayQuantileIsAnUpperBound) {
  BpfStats s;
  EXPECT_EQ(s.DecisionDelayQuantileUs(0.99), 0u);
  s.decision_delay_hist[3] = 98;  // [8, 16) us
  s.decision_delay_hist[10] = 2;  // [1024, 2048) us
  EXPECT_EQ(s.DecisionDelayQuantileUs(0.5), 16u);
  EXPECT_EQ(s.DecisionDelayQuantileUs(0.99), 2048u);
  BpfStats later = s;
  later.decision_delay_hist[3] += 10;
  EXPECT_EQ((later - s).DecisionDelayQuantileUs(0.99), 16u) << "an interval counts only its own decisions";
}

}  // namespace
}  // namespace qosland::core
