#include "core/stats.h"

#include <gtest/gtest.h>

namespace qosland::core {
namespace {

// Checks that the user-space share counts the workload's dispatches only
// (the scheduler's own threads are not workload).
TEST(StatsTest, UserShareIgnoresTheSchedulersOwnDispatches) {
  BpfStats s;
  s.user_dispatches = 90;
  s.idle_dispatches = 4;
  s.kthread_dispatches = 5;
  s.congested = 1;
  s.self_dispatches = 1000;
  EXPECT_DOUBLE_EQ(UserShare(s), 0.9);
  EXPECT_DOUBLE_EQ(UserShare(BpfStats{}), 0.0);
}

// Checks that the status line carries the figures the issue promises a user.
TEST(StatsTest, StatusLineShowsEveryFigure) {
  StatusSnapshot snap;
  snap.bpf.runnable = 18;
  snap.bpf.queued = 2;
  snap.bpf.user_dispatches = 97;
  snap.bpf.kthread_dispatches = 3;
  snap.bpf.congested = 0;
  snap.bpf.stale = 4;
  snap.page_faults = 0;
  const std::string line = FormatStatusLine(snap);
  for (const char* part : {"runnable=18", "queued=2", "user=97", "bpf=3", "congested=0", "stale=4",
                           "faults=0", "user_share=97.0%"}) {
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
