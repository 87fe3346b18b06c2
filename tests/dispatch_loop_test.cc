// Runs the dispatch loop over the fake transport and checks what the kernel
// side would receive.
#include "core/dispatch_loop.h"

#include <gtest/gtest.h>

#include "core/fake_transport.h"
#include "policy/fifo_policy.h"
#include "policy/qos_policy.h"
#include "policy/vruntime_policy.h"

#include <algorithm>
#include <vector>

namespace qosland::core {
namespace {

QueuedTask Rec(int32_t pid, uint64_t cookie, uint64_t gen, uint64_t runtime_ns = 0) {
  return {.pid = pid, .tgid = pid, .cookie = cookie, .gen = gen, .runtime_ns = runtime_ns, .wakeup = true};
}

struct Harness {
  explicit Harness(uint32_t max_tasks = 64, uint32_t max_batch = 256)
      : policy({.nr_cpus = 2, .max_tasks = max_tasks, .slice_ns = 1000}),
        table(max_tasks),
        loop(transport, policy, table, {.max_batch = max_batch, .slice_ns = 1000}) {}
  FakeTransport transport;
  policy::FifoPolicy policy;
  TaskTable table;
  DispatchLoop loop;
};

// Checks that every queued task comes back as a decision carrying its pid,
// cookie and generation, in the policy's order.
TEST(DispatchLoopTest, EveryQueuedTaskGetsADecision) {
  Harness h;
  h.transport.Push(Rec(10, 1, 5));
  h.transport.Push(Rec(11, 2, 1));
  EXPECT_EQ(h.loop.RunOnce(0), 2);
  const auto sent = h.transport.TakeSent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].pid, 10);
  EXPECT_EQ(sent[0].cookie, 1u);
  EXPECT_EQ(sent[0].gen, 5u);
  EXPECT_EQ(sent[1].pid, 11);
  EXPECT_EQ(sent[1].slice_ns, 1000u);
}

// Checks that a task re-queued before its decision went out is decided once,
// with the newest generation (so BPF does not drop it as stale).
TEST(DispatchLoopTest, RequeuedTaskIsDecidedOnceWithTheNewGeneration) {
  Harness h(64, /*max_batch=*/1);
  h.transport.Push(Rec(20, 1, 1));
  h.transport.Push(Rec(21, 2, 1));
  h.transport.Push(Rec(21, 2, 2));  // dequeued and queued again
  h.loop.RunOnce(0);
  h.loop.RunOnce(0);
  h.loop.RunOnce(0);
  const auto sent = h.transport.TakeSent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].pid, 21);
  EXPECT_EQ(sent[1].gen, 2u);
  EXPECT_EQ(h.loop.stats().requeued, 1u);
}

// Checks that a task that exits while waiting is not dispatched and its slot
// is reused.
TEST(DispatchLoopTest, ExitedTaskIsNotDispatchedAndItsSlotIsFreed) {
  Harness h(64, /*max_batch=*/0);  // hold everything this round
  h.transport.Push(Rec(30, 1, 1));
  h.loop.RunOnce(0);
  EXPECT_EQ(h.table.size(), 1u);
  QueuedTask exit = Rec(30, 1, 0);
  exit.kind = QueuedTask::Kind::kExit;
  h.transport.Push(exit);
  h.loop.RunOnce(0);
  EXPECT_TRUE(h.transport.TakeSent().empty());
  // Let the policy release it: it must be dropped, not sent.
  DispatchLoop drain(h.transport, h.policy, h.table, {.max_batch = 16});
  drain.RunOnce(0);
  EXPECT_TRUE(h.transport.TakeSent().empty());
  EXPECT_EQ(h.table.size(), 0u);
  EXPECT_EQ(drain.stats().dropped_exited, 1u);
}

// Checks that a nudge (BPF waking user space for records it sent without a
// wakeup) decides nothing and takes no slot, while the records around it are
// decided as usual.
TEST(DispatchLoopTest, NudgeOnlyWakesTheLoop) {
  Harness h;
  h.transport.Push(Rec(40, 1, 1));
  QueuedTask nudge{};
  nudge.kind = QueuedTask::Kind::kNudge;
  h.transport.Push(nudge);
  h.transport.Push(Rec(41, 2, 1));
  h.loop.RunOnce(0);
  const auto sent = h.transport.TakeSent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(h.table.size(), 2u);
  EXPECT_EQ(h.loop.stats().records, 2u);
}

// A policy that runs tasks first come, first served and remembers the class
// each Runnable carried.
class ClassRecorder final : public policy::Policy {
 public:
  std::string_view name() const override { return "recorder"; }
  void OnTaskNew(const policy::TaskNew&) override {}
  void OnTaskExit(TaskSlot) override {}
  void OnRunnable(const policy::Runnable& e) override {
    seen.push_back(e.qos);
    queue.push_back(e.slot);
  }
  bool PickNext(policy::Decision* out) override {
    if (queue.empty()) return false;
    *out = {.slot = queue.front()};
    queue.erase(queue.begin());
    return true;
  }
  uint32_t nr_queued() const override { return static_cast<uint32_t>(queue.size()); }
  std::vector<policy::QosClass> seen;
  std::vector<TaskSlot> queue;
};

// Hands out one class for whichever slot it was told about last.
class OneClass final : public ClassHints {
 public:
  bool active() const override { return true; }
  uint64_t generation() const override { return 0; }
  void OnNewTask(TaskSlot slot, int32_t, int32_t, uint64_t cookie) override {
    slot_ = slot;
    cookie_ = cookie;
    ready_ = true;
  }
  bool NextClass(TaskSlot* slot, uint64_t* cookie, std::optional<policy::QosClass>* rule) override {
    if (!ready_) return false;
    ready_ = false;
    *slot = slot_;
    *cookie = cookie_ + stale_by;
    *rule = policy::QosClass::kBackground;
    return true;
  }
  uint64_t stale_by = 0;

 private:
  TaskSlot slot_ = 0;
  uint64_t cookie_ = 0;
  bool ready_ = false;
};

// Checks that a class learnt from the hints reaches the policy from the
// task's next event on, and that a class for a slot's previous owner (an
// older cookie) is ignored.
TEST(DispatchLoopTest, ClassesFromHintsReachThePolicy) {
  for (const uint64_t stale_by : {0, 1}) {
    FakeTransport transport;
    ClassRecorder policy;
    TaskTable table(8);
    OneClass hints;
    hints.stale_by = stale_by;
    DispatchLoop loop(transport, policy, table, {.max_batch = 16}, &hints);
    transport.Push(Rec(50, 5, 1));
    loop.RunOnce(0);
    transport.Push(Rec(50, 5, 2));
    loop.RunOnce(0);
    ASSERT_EQ(policy.seen.size(), 2u);
    EXPECT_EQ(policy.seen[0], policy::QosClass::kDefault);  // not known yet
    EXPECT_EQ(policy.seen[1], stale_by ? policy::QosClass::kDefault : policy::QosClass::kBackground);
    EXPECT_EQ(loop.stats().classes_set, stale_by ? 0u : 1u);
  }
}

// Checks that the scheduling attributes carried by each record give the
// class when no rule does (Sched QoS's background: SCHED_BATCH, nice 4), and
// that a rule beats them.
TEST(DispatchLoopTest, AttributesGiveTheClassUnlessARuleDoes) {
  FakeTransport transport;
  ClassRecorder policy;
  TaskTable table(8);
  DispatchLoop plain(transport, policy, table, {.max_batch = 16});
  QueuedTask r = Rec(70, 7, 1);
  r.sched_policy = 3;
  r.nice = 4;
  transport.Push(r);
  plain.RunOnce(0);
  ASSERT_EQ(policy.seen.size(), 1u);
  EXPECT_EQ(policy.seen[0], policy::QosClass::kBackground);
  r.sched_policy = 5;  // SCHED_IDLE
  r.nice = 0;
  r.gen = 2;
  transport.Push(r);
  plain.RunOnce(0);
  EXPECT_EQ(policy.seen[1], policy::QosClass::kBackground);
  // Sched QoS's user-initiated is nice -2 with uclamp max 768: nice -2 with
  // the kernel's default uclamp (1024) is somebody's nice, not a class.
  r.sched_policy = 0;
  r.nice = -2;
  r.uclamp_max = 768;
  r.gen = 3;
  transport.Push(r);
  plain.RunOnce(0);
  r.uclamp_max = 1024;
  r.gen = 4;
  transport.Push(r);
  plain.RunOnce(0);
  ASSERT_EQ(policy.seen.size(), 4u);
  EXPECT_EQ(policy.seen[2], policy::QosClass::kUserInitiated);
  EXPECT_EQ(policy.seen[3], policy::QosClass::kDefault);

  FakeTransport t2;
  ClassRecorder p2;
  TaskTable table2(8);
  OneClass hints;  // a rule says background
  DispatchLoop ruled(t2, p2, table2, {.max_batch = 16}, &hints);
  QueuedTask u = Rec(71, 8, 1);
  u.sched_policy = 0;
  u.nice = -4;  // Sched QoS's user-interactive, without uclamp
  t2.Push(u);
  ruled.RunOnce(0);
  u.gen = 2;
  t2.Push(u);
  ruled.RunOnce(0);
  ASSERT_EQ(p2.seen.size(), 2u);
  EXPECT_EQ(p2.seen[0], policy::QosClass::kUserInteractive);  // attributes, until the rule is known
  EXPECT_EQ(p2.seen[1], policy::QosClass::kBackground);
}

// Checks that the policy's urgency reaches the kernel side with the
// decision: under qos, a task whose attributes say user-interactive (Sched
// QoS: nice -4) is urgent, so BPF never holds its wakeups; a default one is not.
TEST(DispatchLoopTest, UrgencyReachesTheKernelSide) {
  FakeTransport transport;
  policy::QosPolicy policy({.nr_cpus = 2, .max_tasks = 8, .slice_ns = 1000});
  TaskTable table(8);
  DispatchLoop loop(transport, policy, table, {.max_batch = 16});
  QueuedTask ui = Rec(80, 8, 1);
  ui.nice = -4;
  transport.Push(ui);
  transport.Push(Rec(81, 9, 1));
  loop.RunOnce(0);
  const auto sent = transport.TakeSent();
  ASSERT_EQ(sent.size(), 2u);
  for (const DispatchDecision& d : sent) EXPECT_EQ(d.urgent, d.pid == 80) << d.pid;
}

// Checks that new rules (a reload) make the loop ask about every task it
// knows again, and that while there are no rules it asks about none.
TEST(DispatchLoopTest, ReloadAsksAboutEveryKnownTask) {
  struct Switchable final : ClassHints {
    bool active() const override { return on; }
    uint64_t generation() const override { return gen; }
    void OnNewTask(TaskSlot, int32_t pid, int32_t, uint64_t) override { asked.push_back(pid); }
    bool NextClass(TaskSlot*, uint64_t*, std::optional<policy::QosClass>*) override { return false; }
    bool on = false;
    uint64_t gen = 0;
    std::vector<int32_t> asked;
  } hints;
  FakeTransport transport;
  ClassRecorder policy;
  TaskTable table(8);
  DispatchLoop loop(transport, policy, table, {.max_batch = 16}, &hints);
  transport.Push(Rec(80, 1, 1));
  transport.Push(Rec(81, 2, 1));
  loop.RunOnce(0);
  EXPECT_TRUE(hints.asked.empty());  // no rules: nothing asked
  hints.on = true;
  hints.gen = 1;
  loop.RunOnce(0);
  std::sort(hints.asked.begin(), hints.asked.end());
  EXPECT_EQ(hints.asked, (std::vector<int32_t>{80, 81}));
}

// Checks that a task is looked at again when its name changes (exec,
// rename), and not on every record.
TEST(DispatchLoopTest, NameChangeAsksForTheClassAgain) {
  struct Counting final : ClassHints {
    bool active() const override { return true; }
    uint64_t generation() const override { return 0; }
    void OnNewTask(TaskSlot, int32_t, int32_t, uint64_t) override { ++asked; }
    bool NextClass(TaskSlot*, uint64_t*, std::optional<policy::QosClass>*) override { return false; }
    int asked = 0;
  } hints;
  FakeTransport transport;
  ClassRecorder policy;
  TaskTable table(8);
  DispatchLoop loop(transport, policy, table, {.max_batch = 16}, &hints);
  QueuedTask r = Rec(60, 6, 1);
  r.ident_hash = 111;
  for (uint64_t gen = 1; gen <= 3; ++gen) {
    r.gen = gen;
    transport.Push(r);
    loop.RunOnce(0);
  }
  EXPECT_EQ(hints.asked, 1);
  r.ident_hash = 222;  // exec, or a move to another cgroup
  r.gen = 4;
  transport.Push(r);
  loop.RunOnce(0);
  EXPECT_EQ(hints.asked, 2);
}

// Checks that decisions refused by a full transport are kept and sent later,
// none lost and none duplicated.
TEST(DispatchLoopTest, FullTransportLosesNothing) {
  Harness h;
  for (int i = 0; i < 10; ++i) h.transport.Push(Rec(100 + i, 1 + i, 1));
  h.transport.set_send_capacity(3);
  h.loop.RunOnce(0);
  auto first = h.transport.TakeSent();
  EXPECT_EQ(first.size(), 3u);
  h.transport.set_send_capacity(100);
  h.loop.RunOnce(0);
  auto rest = h.transport.TakeSent();
  first.insert(first.end(), rest.begin(), rest.end());
  ASSERT_EQ(first.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(first[i].pid, 100 + i);
  EXPECT_GE(h.loop.stats().send_full, 1u);
}

// Checks that tasks beyond the table's capacity still get dispatched.
TEST(DispatchLoopTest, TasksBeyondCapacityAreStillDispatched) {
  Harness h(/*max_tasks=*/2);
  for (int i = 0; i < 5; ++i) h.transport.Push(Rec(200 + i, 1 + i, 1));
  h.loop.RunOnce(0);
  EXPECT_EQ(h.transport.TakeSent().size(), 5u);
  EXPECT_EQ(h.loop.stats().table_full, 3u);
}

// FIFO that records the lifecycle calls it gets.
class RecordingPolicy final : public policy::Policy {
 public:
  RecordingPolicy() : fifo_({.max_tasks = 8}) {}
  std::string_view name() const override { return "recording"; }
  void OnTaskNew(const policy::TaskNew& t) override { news.push_back(t.slot); }
  void OnTaskExit(policy::TaskSlot slot) override { exits.push_back(slot); }
  void OnRunnable(const policy::Runnable& e) override { fifo_.OnRunnable(e); }
  bool PickNext(policy::Decision* out) override { return fifo_.PickNext(out); }
  uint32_t nr_queued() const override { return fifo_.nr_queued(); }
  std::vector<policy::TaskSlot> news, exits;

 private:
  policy::FifoPolicy fifo_;
};

// Checks that a recycled pid is a new task to the policy: the old task's slot
// is retired first, so no state leaks from one to the other.
TEST(DispatchLoopTest, RecycledPidStartsAfresh) {
  FakeTransport transport;
  RecordingPolicy policy;
  TaskTable table(8);
  DispatchLoop loop(transport, policy, table, {});
  transport.Push(Rec(40, 1, 1));
  loop.RunOnce(0);
  transport.Push(Rec(40, 1, 2));  // same task again: nothing new
  loop.RunOnce(0);
  transport.Push(Rec(40, 9, 1));  // same pid, new task (its predecessor's exit went unseen)
  loop.RunOnce(0);
  const auto sent = transport.TakeSent();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[2].cookie, 9u);
  ASSERT_EQ(policy.news.size(), 2u);
  ASSERT_EQ(policy.exits.size(), 1u);
  EXPECT_EQ(policy.exits[0], policy.news[0]);
  EXPECT_EQ(table.size(), 1u);
}

// Checks that an idle loop waits in the transport instead of spinning.
TEST(DispatchLoopTest, IdleLoopWaitsInTheTransport) {
  Harness h;
  EXPECT_EQ(h.loop.RunOnce(100), 0);
  EXPECT_EQ(h.transport.nr_polls(), 1);
  EXPECT_EQ(h.loop.nr_pending(), 0u);
}

}  // namespace
}  // namespace qosland::core

namespace qosland::core {
namespace {

// Checks that once the kernel side took over from a stalled user space,
// the loop sends nothing for what it learnt before then: neither a decision
// it still held nor one for a record read late. Newer records are decided.
TEST(DispatchLoopTest, NoStaleBurstAfterAFallback) {
  Harness h(64, /*max_batch=*/1);
  QueuedTask a = Rec(10, 1, 1), b = Rec(11, 2, 1);
  a.enq_ns = 100;
  b.enq_ns = 200;
  h.transport.Push(a);
  h.transport.Push(b);
  h.loop.RunOnce(0);
  ASSERT_EQ(h.transport.TakeSent().size(), 1u);  // pid 11's decision is still held
  h.transport.set_handled_before_ns(300);         // the kernel side took over at t=300
  QueuedTask late = Rec(12, 3, 1), fresh = Rec(13, 4, 1);
  late.enq_ns = 250;
  fresh.enq_ns = 400;
  h.transport.Push(late);
  h.transport.Push(fresh);
  std::vector<int32_t> sent;
  for (int i = 0; i < 5; ++i) {
    h.loop.RunOnce(0);
    for (const DispatchDecision& d : h.transport.TakeSent()) sent.push_back(d.pid);
  }
  EXPECT_EQ(sent, std::vector<int32_t>{13});
  EXPECT_EQ(h.loop.stats().fallback_stale, 2u);
}

// Standing orders (policy/policy.h): a rooted frame thread's record, as
// the kernel side sends it.
QueuedTask FrameRec(int32_t pid, uint64_t cookie, uint64_t gen, bool ordered = false, bool order_low = false) {
  QueuedTask t = Rec(pid, cookie, gen, 2'000'000);
  t.avg_runtime_ns = 2'000'000;
  t.wake_freq_hz = 120;
  t.block_freq_hz = 60;
  t.rooted = 1024;
  t.ordered = ordered;
  t.order_low = order_low;
  return t;
}

// Checks the round trip of an order through the loop: the decision carries
// it with its start; a wakeup the order queued gets no decision, and once
// the kernel side says the order runs low, the renewal goes out alone,
// answering that wakeup's record.
TEST(DispatchLoopTest, OrderedWakeupGetsARenewalNotADecision) {
  FakeTransport transport;
  policy::QosPolicy policy({.nr_cpus = 2, .max_tasks = 8, .slice_ns = 5'000'000});
  TaskTable table(8);
  DispatchLoop loop(transport, policy, table, {.max_batch = 16});
  transport.Push(FrameRec(90, 9, 1));
  loop.RunOnce(0);
  auto sent = transport.TakeSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].kind, DispatchDecision::Kind::kDispatch);
  EXPECT_TRUE(sent[0].order.active);
  EXPECT_LE(sent[0].start, sent[0].vtime);
  transport.Push(FrameRec(90, 9, 2, /*ordered=*/true, /*order_low=*/true));
  loop.RunOnce(0);
  sent = transport.TakeSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].kind, DispatchDecision::Kind::kOrderOnly);
  EXPECT_TRUE(sent[0].order.active);
  EXPECT_EQ(sent[0].gen, 2u);
  EXPECT_EQ(sent[0].cookie, 9u);
  EXPECT_EQ(loop.stats().ordered, 1u);
  EXPECT_EQ(policy.nr_queued(), 0u);
}

// Checks --no-standing-orders: the same task's decisions carry no order,
// and nothing goes out alone.
TEST(DispatchLoopTest, NoStandingOrdersStripsThem) {
  FakeTransport transport;
  policy::QosPolicy policy({.nr_cpus = 2, .max_tasks = 8, .slice_ns = 5'000'000});
  TaskTable table(8);
  DispatchLoop loop(transport, policy, table, {.max_batch = 16, .standing_orders = false});
  transport.Push(FrameRec(91, 9, 1));
  loop.RunOnce(0);
  auto sent = transport.TakeSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_FALSE(sent[0].order.active);
}

// Checks that a class learnt after an order was given (a rule that says
// background) withdraws the order, and that an order the policy still
// gives from the record before it is not sent.
TEST(DispatchLoopTest, ClassChangeWithdrawsTheOrder) {
  FakeTransport transport;
  policy::QosPolicy policy({.nr_cpus = 2, .max_tasks = 8, .slice_ns = 5'000'000});
  TaskTable table(8);
  OneClass hints;  // background, once asked about the task
  DispatchLoop loop(transport, policy, table, {.max_batch = 16}, &hints);
  transport.Push(FrameRec(92, 9, 1));
  loop.RunOnce(0);  // the decision carries an order (the class is not known yet)
  auto sent = transport.TakeSent();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_TRUE(sent[0].order.active);
  loop.RunOnce(0);  // the rule's class arrives
  sent = transport.TakeSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].kind, DispatchDecision::Kind::kOrderOnly);
  EXPECT_FALSE(sent[0].order.active) << "a withdrawal";
  // The task's next wakeup is background: no order any more.
  transport.Push(FrameRec(92, 9, 2));
  loop.RunOnce(0);
  sent = transport.TakeSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_FALSE(sent[0].order.active);
}

// Checks that the fifo and vruntime policies give no orders, so a
// researcher sees what orders change.
TEST(DispatchLoopTest, FifoAndVruntimeGiveNoOrders) {
  FakeTransport t1, t2;
  policy::FifoPolicy fifo({.nr_cpus = 2, .max_tasks = 8, .slice_ns = 5'000'000});
  policy::VruntimePolicy vr({.nr_cpus = 2, .max_tasks = 8, .slice_ns = 5'000'000});
  TaskTable tab1(8), tab2(8);
  DispatchLoop l1(t1, fifo, tab1, {.max_batch = 16}), l2(t2, vr, tab2, {.max_batch = 16});
  t1.Push(FrameRec(93, 9, 1));
  t2.Push(FrameRec(93, 9, 1));
  l1.RunOnce(0);
  l2.RunOnce(0);
  for (const auto& d : t1.TakeSent()) EXPECT_FALSE(d.order.active);
  for (const auto& d : t2.TakeSent()) EXPECT_FALSE(d.order.active);
}

}  // namespace
}  // namespace qosland::core
