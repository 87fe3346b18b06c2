// Drives the qos policy with scripted events and with the kernel model of
// tests/policy_driver.h, and checks what a user would notice.
#include "policy/qos_policy.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/policy_driver.h"

namespace qosland::policy {
namespace {

using qosland::testing::PolicyDriver;
using qosland::testing::SimTask;

constexpr uint64_t kSlice = 5'000'000;
constexpr uint64_t kMs = 1'000'000;

QosPolicy Make(uint32_t nr_cpus = 1, uint32_t max_tasks = 64) {
  return QosPolicy({.nr_cpus = nr_cpus, .max_tasks = max_tasks, .slice_ns = kSlice});
}

Runnable Hog(TaskSlot slot) {
  return {.slot = slot, .runtime_ns = kSlice, .avg_runtime_ns = kSlice, .nr_runnable = 2};
}
// Runs a hog in slot 0 for 100 turns: the clock moves 100 slices forward.
void AdvanceClock(QosPolicy& p) {
  for (int i = 0; i < 100; ++i) {
    p.OnRunnable(Hog(0));
    Decision d;
    ASSERT_TRUE(p.PickNext(&d));
  }
}
Runnable ChainMember(TaskSlot slot) {  // a 60 Hz frame thread that wakes two others
  return {.slot = slot, .runtime_ns = 2 * kMs, .wakeup = true, .avg_runtime_ns = 2 * kMs,
          .wake_freq_hz = 120, .block_freq_hz = 60, .nr_runnable = 2};
}

// Checks that a task that wakes and blocks often (the middle of a frame
// chain) is ordered before a CPU hog queued at the same moment.
TEST(QosPolicyTest, WakerBlockerRunsBeforeAHog) {
  QosPolicy p = Make();
  p.OnTaskNew({.slot = 0});
  p.OnTaskNew({.slot = 1});
  p.OnRunnable(Hog(0));
  p.OnRunnable(ChainMember(1));
  Decision first, second;
  ASSERT_TRUE(p.PickNext(&first));
  ASSERT_TRUE(p.PickNext(&second));
  EXPECT_EQ(first.slot, 1u);
  EXPECT_LT(first.vtime, second.vtime);
}

// Checks that at equal signals user-interactive is ordered before background.
TEST(QosPolicyTest, UserInteractiveBeatsBackground) {
  QosPolicy p = Make();
  p.OnTaskNew({.slot = 0});
  p.OnTaskNew({.slot = 1});
  Runnable bg = Hog(0);
  bg.qos = QosClass::kBackground;
  Runnable ui = Hog(1);
  ui.qos = QosClass::kUserInteractive;
  p.OnRunnable(bg);
  p.OnRunnable(ui);
  Decision d;
  ASSERT_TRUE(p.PickNext(&d));
  EXPECT_EQ(d.slot, 1u);
}

// Checks that weights split CPU in proportion among hogs, and that equal
// hogs get equal shares.
TEST(QosPolicyTest, WeightsSplitCpuProportionally) {
  QosPolicy p = Make();
  PolicyDriver drv(p, {SimTask{.weight = 100}, SimTask{.weight = 100}, SimTask{.weight = 200},
                       SimTask{.weight = 400}});
  drv.RunUntil(20'000 * kMs);
  const auto& t = drv.tasks();
  const double unit = static_cast<double>(t[0].cpu_ns);
  EXPECT_NEAR(t[1].cpu_ns / unit, 1.0, 0.05);
  EXPECT_NEAR(t[2].cpu_ns / unit, 2.0, 0.15);
  EXPECT_NEAR(t[3].cpu_ns / unit, 4.0, 0.3);
}

// Checks that background and utility hogs still get CPU under pressure from
// default-class hogs, less than them but not nothing.
TEST(QosPolicyTest, BackgroundStillRunsUnderPressure) {
  QosPolicy p = Make();
  std::vector<SimTask> tasks(8, SimTask{});
  tasks.push_back(SimTask{.qos = QosClass::kUtility});
  tasks.push_back(SimTask{.qos = QosClass::kBackground});
  PolicyDriver drv(p, tasks);
  drv.RunUntil(10'000 * kMs);
  const auto& t = drv.tasks();
  EXPECT_GT(t[8].cpu_ns, 0u);
  EXPECT_GT(t[9].cpu_ns, 0u);
  EXPECT_LE(t[9].cpu_ns, t[0].cpu_ns);
}

// Checks the starvation bound of qos_policy.h with 1000 hogs (of every class
// and of extreme weights) plus periodic tasks: every task runs, and none
// waits longer than T_max = N * ((D + 2)S + B) * w_max * D / 100 / C, with
// D = kMaxDiscount.
TEST(QosPolicyTest, StarvationBoundHoldsWith1000Hogs) {
  QosPolicy p = Make(/*nr_cpus=*/1, /*max_tasks=*/1100);
  std::vector<SimTask> tasks;
  for (int i = 0; i < 1000; ++i) {
    SimTask t;
    t.qos = static_cast<QosClass>(i % kNumQosClasses);
    t.weight = i % 50 == 0 ? 1 : (i % 50 == 1 ? 10000 : 100);
    tasks.push_back(t);
  }
  for (int i = 0; i < 10; ++i) tasks.push_back(SimTask{.period_ns = 16 * kMs, .burst_ns = kMs});
  PolicyDriver drv(p, tasks);
  drv.RunUntil(120'000 * kMs);
  const uint64_t n = tasks.size();
  const uint64_t bound = static_cast<uint64_t>(
      n * ((QosPolicy::kMaxDiscount + 2) * kSlice + QosPolicy::kMaxBudgetSlices * kSlice) *
      QosPolicy::kMaxWeight / kDefaultWeight *
      QosPolicy::kMaxDiscount / 1);
  uint64_t worst = 0;
  for (const SimTask& t : drv.tasks()) {
    EXPECT_GT(t.runs, 0u);
    worst = std::max(worst, t.max_wait_ns);
  }
  EXPECT_LE(worst, bound) << "worst wait " << worst / kMs << " ms, bound " << bound / kMs << " ms";
  // Every hog ran several times in two minutes (a round of 1000 whole
  // slices on one CPU takes seconds): nobody is parked.
  for (int i = 0; i < 1000; ++i) EXPECT_GE(drv.tasks()[i].runs, 3u) << "hog " << i;
}

// Checks that a boost passed along a work chain fades with each hop and
// lasts one activation: a user-interactive task that wakes background work
// does not promote it for good.
TEST(QosPolicyTest, InheritanceDecaysAndDoesNotStick) {
  QosPolicy p = Make();
  for (TaskSlot s = 0; s < 3; ++s) p.OnTaskNew({.slot = s});
  Runnable a = ChainMember(0);
  a.qos = QosClass::kUserInteractive;
  p.OnRunnable(a);
  const double a_cri = p.effective_criticality(0);
  ASSERT_GT(a_cri, 1.0);
  // B: background work with no signals of its own, woken by A.
  p.OnRunnable({.slot = 1, .wakeup = true, .qos = QosClass::kBackground, .avg_runtime_ns = kSlice, .waker = 0});
  EXPECT_DOUBLE_EQ(p.effective_criticality(1), QosPolicy::kInheritance * a_cri);
  // C, woken by B: half again.
  p.OnRunnable({.slot = 2, .wakeup = true, .avg_runtime_ns = kSlice, .waker = 1});
  EXPECT_DOUBLE_EQ(p.effective_criticality(2), QosPolicy::kInheritance * QosPolicy::kInheritance * a_cri);
  Decision d;
  while (p.PickNext(&d)) {
  }
  // B's next activation, woken by nobody: no boost left.
  p.OnRunnable({.slot = 1, .wakeup = true, .qos = QosClass::kBackground, .avg_runtime_ns = kSlice});
  EXPECT_DOUBLE_EQ(p.effective_criticality(1), 0.0);
}

// Checks that only wakeups tracing back to an interrupt make a task urgent:
// a task that blocks and wakes others as often as a frame thread, but is
// only ever woken by other tasks (a hackbench receiver), is not ordered
// ahead of a hog queued at the same moment, so it runs on a whole batch of
// messages rather than on each one; halfway rooted, half the criticality.
TEST(QosPolicyTest, OnlyChainsRootedInAnInterruptAreBoosted) {
  QosPolicy p = Make();
  for (TaskSlot s = 0; s < 4; ++s) p.OnTaskNew({.slot = s});
  Runnable pipeline = ChainMember(0);
  pipeline.rooted = 0;
  pipeline.runtime_ns = kSlice;  // charged as much as the hog, to compare at equal start
  p.OnRunnable(pipeline);
  p.OnRunnable(Hog(1));
  Runnable frame = ChainMember(2);
  frame.rooted = QosPolicy::kRootedFull;
  p.OnRunnable(frame);
  Runnable half = ChainMember(3);
  half.rooted = QosPolicy::kRootedFull / 2;
  p.OnRunnable(half);
  EXPECT_EQ(p.effective_criticality(0), 0.0);
  EXPECT_GT(p.effective_criticality(2), 1.0);
  EXPECT_DOUBLE_EQ(p.effective_criticality(3), p.effective_criticality(2) / 2);
  Decision d[4];
  for (Decision& x : d) ASSERT_TRUE(p.PickNext(&x));
  EXPECT_EQ(d[0].slot, 2u);
  EXPECT_EQ(d[1].slot, 3u);
  EXPECT_EQ(d[2].vtime, d[3].vtime) << "the unrooted pipeline task and the hog share a deadline";
}

// Checks that the wakeups of tasks their user ranked above default (and only
// theirs) are marked urgent, so the kernel side never holds them back to
// batch them, whatever woke the task; and that the mark follows the class
// the task has now, not the one it had.
TEST(QosPolicyTest, OnlyClassesAboveDefaultAreUrgent) {
  QosPolicy p = Make(1, 8);
  for (TaskSlot s = 0; s < kNumQosClasses; ++s) {
    p.OnTaskNew({.slot = s});
    Runnable r = Hog(s);
    r.qos = static_cast<QosClass>(s);
    r.rooted = 0;
    p.OnRunnable(r);
  }
  std::vector<bool> urgent(kNumQosClasses);
  Decision d;
  while (p.PickNext(&d)) urgent[d.slot] = d.urgent;
  for (TaskSlot s = 0; s < kNumQosClasses; ++s) {
    const auto c = static_cast<QosClass>(s);
    EXPECT_EQ(urgent[s], c == QosClass::kUserInteractive || c == QosClass::kUserInitiated) << QosClassName(c);
  }
  Runnable demoted = Hog(0);
  demoted.qos = QosClass::kUtility;
  ASSERT_TRUE(urgent[0]);
  p.OnRunnable(demoted);
  ASSERT_TRUE(p.PickNext(&d));
  EXPECT_FALSE(d.urgent);
}

// Checks that a sleeper's full credit goes only to tasks whose wakeups
// trace back to an interrupt: after a long sleep, a rooted task and an
// unrooted one woken at the same moment are three quarters of a slice
// apart, the unrooted one starting only kWakeCredit (a quarter slice) below
// the clock, behind every task woken with full credit before it, rather
// than at the front of the queue (where a hackbench receiver ran on each
// message as it came).
TEST(QosPolicyTest, FullSleeperCreditOnlyForRootedTasks) {
  QosPolicy p = Make();
  for (TaskSlot s = 0; s < 3; ++s) p.OnTaskNew({.slot = s});
  ASSERT_NO_FATAL_FAILURE(AdvanceClock(p));  // a hog moves the clock forward
  ASSERT_GT(p.vtime_now(), 10 * kSlice);
  const Runnable sleeper{.slot = 1, .wakeup = true, .avg_runtime_ns = kSlice};
  Runnable unrooted = sleeper;
  unrooted.rooted = 0;
  Runnable rooted = sleeper;
  rooted.slot = 2;
  p.OnRunnable(unrooted);
  p.OnRunnable(rooted);
  Decision first, second;
  ASSERT_TRUE(p.PickNext(&first));
  ASSERT_TRUE(p.PickNext(&second));
  EXPECT_EQ(first.slot, 2u);
  EXPECT_EQ(second.slot, 1u);
  EXPECT_EQ(second.vtime - first.vtime, kSlice - kSlice / 4);
  EXPECT_EQ(second.vtime, p.vtime_now() - kSlice / 4 + kSlice) << "unrooted: a quarter slice below the clock";
}

// Checks that any woken task goes ahead of a CPU-bound task queued at the
// same clock: two threads that only wake each other (unrooted) beside hogs
// would otherwise draw the hogs' own keys and wait behind a share of them
// (a round trip's p90 of 16 ms under 16 hogs in the VM, about 2 ms with
// the quarter slice). A task that was not woken (its slice ran out) gets
// no such credit.
TEST(QosPolicyTest, AnyWakeupGoesAheadOfAHogAtTheSameClock) {
  QosPolicy p = Make();
  for (TaskSlot s = 0; s < 4; ++s) p.OnTaskNew({.slot = s});
  ASSERT_NO_FATAL_FAILURE(AdvanceClock(p));  // a hog moves the clock forward
  Runnable hog = Hog(1);  // its turn ended: queued at the clock, first
  hog.rooted = 0;
  p.OnRunnable(hog);
  const Runnable woken{.slot = 2, .wakeup = true, .avg_runtime_ns = 20'000, .rooted = 0};
  p.OnRunnable(woken);
  Runnable expired = woken;  // the same, had its turn ended instead
  expired.slot = 3;
  expired.wakeup = false;
  p.OnRunnable(expired);
  Decision a, b, c;
  ASSERT_TRUE(p.PickNext(&a));
  ASSERT_TRUE(p.PickNext(&b));
  ASSERT_TRUE(p.PickNext(&c));
  EXPECT_EQ(a.slot, 2u) << "the woken task first";
  EXPECT_EQ(b.slot, 1u) << "then the hog, queued before the task whose turn ended";
  EXPECT_EQ(c.slot, 3u);
  EXPECT_EQ(b.vtime - a.vtime, kSlice / 4);
}

// Checks that a task keeps a whole slice however many tasks wait: a
// producer among a crowd of consumers (hackbench's 160 tasks on 2 CPUs) is
// not preempted at every tick.
TEST(QosPolicyTest, TurnsStayWholeInACrowd) {
  QosPolicy p = Make(/*nr_cpus=*/2);
  p.OnTaskNew({.slot = 0});
  for (uint32_t runnable : {2u, 40u, 1000u}) {
    Runnable r = Hog(0);
    r.nr_runnable = runnable;
    p.OnRunnable(r);
    Decision d;
    ASSERT_TRUE(p.PickNext(&d));
    EXPECT_EQ(d.slice_ns, kSlice) << runnable << " runnable";
  }
}

// Checks that running briefly alone does not move a task ahead: two tasks
// that neither wake others nor block often, one using 50 us per turn and one
// a whole slice, queued at the same moment, get the same deadline. (Brevity
// counts only through criticality, for tasks that also block or wake often.)
TEST(QosPolicyTest, BriefWithoutOtherSignalsIsNotAhead) {
  QosPolicy p = Make();
  p.OnTaskNew({.slot = 0});
  p.OnTaskNew({.slot = 1});
  p.OnRunnable({.slot = 0, .wakeup = true, .avg_runtime_ns = 50'000});
  p.OnRunnable({.slot = 1, .wakeup = true, .avg_runtime_ns = kSlice});
  Decision a, b;
  ASSERT_TRUE(p.PickNext(&a));
  ASSERT_TRUE(p.PickNext(&b));
  EXPECT_EQ(a.vtime, b.vtime);
}

// Checks the frame-chain scenario end to end in the model: 16 hogs and a
// 60 Hz chain member on one CPU; the chain member waits far less than a
// frame period at worst, while the hogs keep almost all the CPU.
TEST(QosPolicyTest, FrameThreadStaysOnTimeAmongHogs) {
  QosPolicy p = Make();
  std::vector<SimTask> tasks(16, SimTask{});
  tasks.push_back(SimTask{.period_ns = 16'666'667, .burst_ns = 2 * kMs});
  PolicyDriver drv(p, tasks);
  drv.RunUntil(10'000 * kMs);
  const SimTask& frame = drv.tasks().back();
  EXPECT_GT(frame.runs, 550u);
  EXPECT_LT(frame.max_wait_ns, 16 * kMs) << "max wait " << frame.max_wait_ns / 1000 << " us";
}

// Checks that a class still divides the CPU when only two hogs share it: a
// background hog gets a quarter of a default hog's share (its CPU costs it 4x
// in virtual time), as it does among many.
TEST(QosPolicyTest, BackgroundBesideOneDefaultHogGetsAQuarter) {
  QosPolicy p = Make();
  PolicyDriver drv(p, {SimTask{}, SimTask{.qos = QosClass::kBackground}});
  drv.RunUntil(20'000 * kMs);
  const auto& t = drv.tasks();
  EXPECT_NEAR(static_cast<double>(t[1].cpu_ns) / static_cast<double>(t[0].cpu_ns), 0.25, 0.05);
}

// Checks the other direction: a user-initiated hog beside a default one of
// the same weight gets twice its CPU (qos_factor 2).
TEST(QosPolicyTest, UserInitiatedBesideOneDefaultHogGetsTwice) {
  QosPolicy p = Make();
  PolicyDriver drv(p, {SimTask{}, SimTask{.qos = QosClass::kUserInitiated}});
  drv.RunUntil(20'000 * kMs);
  const auto& t = drv.tasks();
  EXPECT_NEAR(static_cast<double>(t[1].cpu_ns) / static_cast<double>(t[0].cpu_ns), 2.0, 0.2);
}

// Standing orders (qos_policy.h, 8.).

Runnable Rooted(Runnable e, QosClass qos = QosClass::kDefault) {
  e.rooted = 1.0;
  e.qos = qos;
  return e;
}
Runnable Unrooted(Runnable e) {
  e.rooted = 0.0;
  return e;
}

// Checks who gets an order with its decision: a rooted frame thread of class
// default or above does; a hog, a task of class utility or background, and
// tasks that only wake each other (hackbench's) do not.
TEST(QosPolicyTest, OrdersOnlyForTasksAheadOfHogsAnyway) {
  QosPolicy p = Make(1, 8);
  for (TaskSlot s = 0; s < 6; ++s) p.OnTaskNew({.slot = s});
  p.OnRunnable(Rooted(ChainMember(0)));
  p.OnRunnable(Rooted(ChainMember(1), QosClass::kUserInteractive));
  p.OnRunnable(Rooted(ChainMember(2), QosClass::kUtility));
  p.OnRunnable(Rooted(ChainMember(3), QosClass::kBackground));
  p.OnRunnable(Unrooted(ChainMember(4)));
  p.OnRunnable(Rooted(Hog(5)));
  bool ordered[6] = {};
  Decision d;
  while (p.PickNext(&d)) {
    ordered[d.slot] = d.order.active;
    if (d.order.active) {
      EXPECT_EQ(d.order.wakeups, QosPolicy::kOrderWakeups);
      EXPECT_EQ(d.order.runtime_us, QosPolicy::kOrderRuntimeUs);
      EXPECT_EQ(d.order.slice_ns, kSlice);
    }
  }
  EXPECT_TRUE(ordered[0]);
  EXPECT_TRUE(ordered[1]);
  EXPECT_FALSE(ordered[2]) << "utility";
  EXPECT_FALSE(ordered[3]) << "background";
  EXPECT_FALSE(ordered[4]) << "unrooted";
  EXPECT_FALSE(ordered[5]) << "hog";
  // An unrooted task of a class above default is ordered: its user ranked it.
  Runnable ui = Unrooted(ChainMember(4));
  ui.qos = QosClass::kUserInitiated;
  p.OnRunnable(ui);
  ASSERT_TRUE(p.PickNext(&d));
  EXPECT_TRUE(d.order.active);
}

// Checks that a wakeup an order queued is not picked again, and that the
// policy renews the order once the kernel side says it runs low.
TEST(QosPolicyTest, OrderedWakeupIsNotPickedButRenewed) {
  QosPolicy p = Make(1, 4);
  p.OnTaskNew({.slot = 0});
  p.OnRunnable(Rooted(ChainMember(0)));
  Decision d;
  ASSERT_TRUE(p.PickNext(&d));
  ASSERT_TRUE(d.order.active);
  Runnable again = Rooted(ChainMember(0));
  again.ordered = true;
  again.order_low = true;
  again.now_ns = 16 * kMs;
  p.OnRunnable(again);
  EXPECT_EQ(p.nr_queued(), 0u);
  EXPECT_FALSE(p.PickNext(&d));
  OrderUpdate u;
  ASSERT_TRUE(p.PickOrder(&u));
  EXPECT_EQ(u.slot, 0u);
  EXPECT_TRUE(u.order.active);
  EXPECT_FALSE(p.PickOrder(&u)) << "one update per event";
}

// Checks that a task that turns into a hog loses its order: its next
// decision carries none, and an ordered wakeup that then runs whole slices
// leads to a withdrawal.
TEST(QosPolicyTest, TaskThatTurnsIntoAHogLosesItsOrder) {
  QosPolicy p = Make(1, 4);
  p.OnTaskNew({.slot = 0});
  Runnable wake = Rooted(ChainMember(0));
  wake.ordered = true;
  wake.order_low = true;
  p.OnRunnable(wake);
  OrderUpdate u;
  ASSERT_TRUE(p.PickOrder(&u));
  ASSERT_TRUE(u.order.active);
  // It runs on, slice after slice, without blocking.
  Decision d;
  for (int i = 0; i < 2; ++i) {
    Runnable turn = Rooted(ChainMember(0));
    turn.wakeup = false;
    turn.runtime_ns = kSlice;
    p.OnRunnable(turn);
    ASSERT_TRUE(p.PickNext(&d));
  }
  EXPECT_FALSE(d.order.active);
  // Given an order again, it is withdrawn once its activation runs long.
  p.OnRunnable(wake);
  ASSERT_TRUE(p.PickOrder(&u));
  Runnable hog = Rooted(ChainMember(0));
  hog.avg_runtime_ns = 3 * kSlice;
  hog.ordered = true;
  p.OnRunnable(hog);
  ASSERT_TRUE(p.PickOrder(&u));
  EXPECT_FALSE(u.order.active);
}

// Checks the kernel clock's contract in the model of tests/policy_driver.h:
// an order lands where the policy's own decision at that wakeup would, or
// later, give or take the slack of an order the policy did not replace
// (QosPolicy, 8.: its floor moves on with each run, and a held order's
// floor falls behind by up to S / 8 before it is replaced); and with
// orders the frame thread keeps its bound among hogs while nearly all its
// wakeups go through orders, which are replaced only when they must be.
TEST(QosPolicyTest, OrdersLandWhereTheDecisionWouldWithinTheSlack) {
  const uint64_t slack = kSlice / QosPolicy::kOrderSlackPerSlice;
  QosPolicy p = Make();
  std::vector<SimTask> tasks(16, SimTask{});
  tasks.push_back(SimTask{.period_ns = 16'666'667, .burst_ns = 2 * kMs});
  PolicyDriver drv(p, tasks);
  int checked = 0;
  drv.on_order = [&](const Runnable& e, uint64_t key) {
    QosPolicy decided = p;  // the same policy, deciding this wakeup itself
    Runnable plain = e;
    plain.ordered = false;
    decided.OnRunnable(plain);
    Decision d;
    while (decided.PickNext(&d) && d.slot != e.slot) {
    }
    ASSERT_EQ(d.slot, e.slot);
    // The kernel clock is never behind the policy's: the order is no
    // earlier than the decision, less the slack.
    EXPECT_GE(key + slack, d.vtime) << "K=" << drv.clock() << " V=" << p.vtime_now();
    // Once its lag is steady (behind the clock by its credit), later only
    // by the kernel clock's lead over the policy's, and the slack of an
    // order not replaced (QosPolicy, 8.).
    if (e.now_ns > 1'000 * kMs && key >= d.vtime) {
      EXPECT_LE(key - d.vtime, drv.clock() - std::min(drv.clock(), p.vtime_now()) + slack + 1);
    }
    ++checked;
  };
  drv.RunUntil(10'000 * kMs);
  const SimTask& frame = drv.tasks().back();
  EXPECT_GT(checked, 500);
  EXPECT_GT(frame.ordered, frame.runs * 9 / 10);
  // Orders are replaced only when they must be: here when the floor falls
  // behind by the slack (its vruntime moves 0.5 ms a run, the policy's
  // clock hardly: every second wakeup), not at each wakeup (each
  // replacement is a record the kernel side drains).
  EXPECT_LT(drv.order_updates(), drv.orders_applied() / 2)
      << drv.order_updates() << " updates for " << drv.orders_applied() << " ordered wakeups";
  EXPECT_LT(frame.max_wait_ns, 16 * kMs) << "max wait " << frame.max_wait_ns / 1000 << " us";
}

// Checks that orders keep the class shares of the hogs and that a rooted
// periodic task of class background never gets one.
TEST(QosPolicyTest, BackgroundPeriodicTaskNeverOrdered) {
  QosPolicy p = Make();
  std::vector<SimTask> tasks(4, SimTask{});
  tasks.push_back(SimTask{.qos = QosClass::kBackground, .period_ns = 10 * kMs, .burst_ns = kMs});
  PolicyDriver drv(p, tasks);
  drv.RunUntil(2'000 * kMs);
  EXPECT_GT(drv.tasks().back().runs, 0u);
  EXPECT_EQ(drv.tasks().back().ordered, 0u);
}

}  // namespace
}  // namespace qosland::policy
