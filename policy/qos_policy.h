// QosPolicy (`--policy qos`, the default): virtual deadlines from how a task
// behaves (wake and block rates, CPU per activation), its weight and its QoS
// class, so a game's frame chain stays on time under a pile of CPU hogs while
// every task still runs within a bound.
//
// Units: ns of virtual time ("vns": CPU ns scaled to a nice-0 task), Hz, and
// dimensionless factors. S = slice_ns of PolicyConfig (every turn's slice).
//
// 1. Virtual runtime. vruntime += runtime_ns * 100 / (w * discount), with
//    w = clamp(weight, kMinWeight, kMaxWeight) and discount = clamp(boost of
//    the activation that used the CPU (5.), 1/kMaxDiscount, kMaxDiscount).
//    Weights split CPU in proportion among tasks that are always runnable.
//    The discount lets a latency-critical task use more than its fair share
//    (a 60 Hz main thread needing 2 ms per frame among 16 hogs on one CPU
//    needs 12%, fair is 6%) without falling behind the hogs, and makes a
//    background hog pay 4x for its CPU. Both clamps keep any one task's
//    virtual clock within a constant factor of a nice-0 task's; that is what
//    makes the starvation bound below independent of what tasks do.
//
// 2. Start, with a lag cap on both sides. vtime_now = the largest start of
//    a decision (not an order, 8.) that has run (monotone; a task's next event says its previous
//    decision ran). Not of decisions merely made: qosland sends every decision
//    at once, and a far-ahead start would drag everyone's clock forward before
//    it even ran. start = clamp(vruntime, vtime_now - S * C,
//    vtime_now + S * charge), charge = clamp(1 / discount, 1, kMaxDiscount):
//    how many vns one ns of its CPU costs it beyond its weight (4 for a
//    background hog), R = min(1, rooted / kRootedFull) (see 3), C = R, or
//    max(R, kWakeCredit) for a wakeup.
//    Below: a sleeper's credit is one slice at most, and in full only for a
//    task whose wakeups trace back to an interrupt. vtime_now is the front of the
//    kernel's queue, so a credit puts a woken task ahead of nearly everyone
//    waiting. Where tasks only wake each other, that made a receiver run as
//    soon as a message came, on one message at a time: in hackbench on 6.16,
//    about 5,900 decisions a run with the credit and 4,800 without, and
//    2.44-2.53 s against 2.34-2.40 s (docs/benchmarks.md, "Rooted wakeups").
//    Any wakeup still gets a quarter slice (kWakeCredit), for its start
//    only, not its criticality (3.). The tasks waiting in the kernel's
//    queue drew their keys at the clock of their decisions, and the clock
//    has moved on with what ran since. Without it, a woken unrooted task
//    drew a key like theirs and waited behind a share of CPU hogs that had
//    waited no longer than it: two threads that
//    only wake each other (tests/workloads/pingpong) under 16 hogs on 6.16
//    took 16 ms for 1 round trip in 10, and about 2 ms with the quarter
//    slice (an eighth: 6 ms). A quarter barely reorders tasks that all wake
//    one another: hackbench made 3-5% more decisions, at the same time
//    within the emulator's noise (docs/benchmarks.md, "A quarter slice").
//    Above: a task whose clock ran far ahead (a low weight, a low class) is
//    never more than one turn of its own charge ahead, so the kernel's
//    watchdog never sees it starve; one turn, so that the class still
//    divides the CPU when only two tasks share it (with a cap of one slice,
//    a background hog beside a default one got 1/3 of the CPU, not 1/5:
//    each of its turns pushed vtime_now, and so the other task, forward).
//
// 3. Latency criticality, own (dimensionless, >= 0):
//      freq   = log2(1 + block_hz) + log2(1 + wake_hz)
//      brief  = log2(S / clamp(avg_runtime_ns, 10 us, S))
//      own    = freq * (1 + brief) / 4
//    High when a task both blocks and wakes others often (the middle of a
//    work chain) and runs briefly; 0 for a hog that never blocks. A 60 Hz
//    frame thread that wakes two others and runs 2 ms of a 5 ms slice: ~7.5.
//    It counts in full only for a task whose wakeups trace back to an
//    interrupt (Runnable::rooted >= kRootedFull), in proportion below:
//      own    = freq * (1 + brief) / 4 * R
//    A frame chain hangs off a timer or a display, audio off a sound card's
//    or a timer's interrupt, a desktop off input: their deadlines are the
//    world's. Tasks that only wake each other (hackbench's senders and
//    receivers, a build) block and wake as often and run as briefly, but
//    nobody outside waits on any one of their steps; boosting them only
//    ran receivers on a message or two at a time. In hackbench on 6.16 that
//    took 8,500-9,700 decisions a run, and 5,900 without it (vruntime order:
//    3,000); 20-30 tasks waited over a second in two runs, and none without
//    (docs/benchmarks.md, "Rooted wakeups").
//
// 4. Inheritance (along work chains). A woken task takes, for that
//    activation only, max(own, kInheritance * effective(waker)), where
//    effective(waker) is the waker's own value or what it inherited itself.
//    Each hop halves the boost, so it fades within a few hops, and it is never
//    stored as the task's own: a user-interactive task that wakes background
//    work lends it a boost once, not for good.
//
// 5. Deadline (the key the kernel orders by):
//      request = S * 100 / w                             (vns of one turn)
//      boost   = qos_factor(class) * (1 + effective criticality)
//      budget  = min(request / boost, kMaxBudgetSlices * S)
//      deadline = start + budget
//    qos_factor: user-interactive 4, user-initiated 2, default 1, utility
//    1/2, background 1/4: at equal signals a higher class gets the earlier
//    deadline; a background hog's budget is 4x a default hog's.
//    Every task asks for the same turn, as under EEVDF's default request:
//    only its class and its criticality (which already counts running
//    briefly) pull its deadline in. A request of min(avg runtime, S) put
//    every brief task ahead of the task that woke it whether it mattered or
//    not: in hackbench the receivers ran as soon as messages came, a few at a
//    time, and the machine switched tasks twice as often as under the default
//    scheduler (about 22,000 switches a run against 10,000).
//
// 6. Slice = S, however many tasks wait. A woken task rarely waits for a
//    whole turn: user space runs at once on a wakeup from an interrupt, and
//    when a waking task blocks (or 2 ms later, see defer_usersched in the
//    BPF), and that CPU then takes the earliest deadline. A slice that shrank
//    with the queue (to 0.5 ms from 80 runnable tasks on 2 CPUs) mostly cut
//    producers off at every tick.
//    With both, hackbench in the VM bench went from 0.78 of the default
//    scheduler's throughput to 1.03 on 7.3 and from 0.63 to 0.84 on 6.16,
//    with frames and cyclictest under hogs as before (docs/benchmarks.md).
//
// 7. Urgent (Decision::urgent) = class above default. The kernel side may
//    hold an unrooted task's wakeup for up to a slice while the CPUs have
//    work, to hand wakeups over in batches; a task its user ranked above
//    the rest is never held, whatever wakes it.
//
// 8. Standing orders (policy/policy.h). A task whose deadline puts it ahead
//    of CPU-bound work anyway gets an order for its next wakeups with each
//    decision, replaced after a wakeup the order dispatched only when it must
//    be (OrderNeedsUpdate): withdrawn, runs low (Runnable::order_low), or,
//    at the policy's clock V, lands more than S / kOrderSlackPerSlice away
//    from where the order it would give now lands (its floor or offset is
//    behind): each replacement is a record the kernel side drains and
//    applies. Who gets one: class default or above, and rooted (R = 1),
//    latency-critical (effective criticality >= kOrderMinCri) or of a class above default; never utility or
//    background, and never a task that runs like a hog (its activation, or
//    its average one, reaches kOrderHogSlices slices): its order is then
//    withdrawn. The order's deadline is the one a decision at its next
//    wakeup would get, after an average activation's charge c:
//    max(K - credit, vruntime + c) + budget, i.e. offset = budget - credit
//    and floor = vruntime + c + budget,
//    with the wakeup's credit and the budget of its latest class and
//    criticality, on the kernel side's clock, which is never behind
//    vtime_now (Decision::start = start). It lasts the kernel side's caps
//    (32 wakeups and 50 ms of CPU). Ordered wakeups are charged like decided
//    ones (1.), so the class shares and the bound below hold: an order's
//    key lies within the same [V - S, V + D*S + B] as a decision's, give
//    or take the slack.
//
// Starvation bound. Every key lies in [V - S, V + D*S + B] (V = vtime_now,
// D = kMaxDiscount, B = kMaxBudgetSlices * S), and V only grows. A waiting
// task with key K is passed only by tasks with smaller keys. Each of those
// advances its own vruntime by runtime * 100 / (w * discount) per run, so it
// can use at most ((D + 1)S + B) * w * discount / 100 of CPU before its key
// no longer falls below K (or its start, clamped at V + D*S at most, pushes V
// past K - S, after which no new key can undercut K). Each dispatch
// overshoots by at most one slice. With N runnable tasks on C CPUs and w_max
// the largest (clamped) weight among them, a runnable task therefore runs
// within
//      T_max = N * ((D + 2)S + B) * w_max * D / 100 / C
// e.g. S = 5 ms, B = 10 ms, D = 4, nice 0, N = 18, C = 2: 1.44 s; it depends
// only on N, the slice settings and the clamps, never on what the tasks do.
// tests/policy_test.cc checks it with 1000 hogs. Typical waits are far shorter.
#ifndef QOSLAND_POLICY_QOS_POLICY_H_
#define QOSLAND_POLICY_QOS_POLICY_H_

#include <cstdint>
#include <vector>

#include "policy/key_queue.h"
#include "policy/policy.h"

namespace qosland::policy {

class QosPolicy final : public Policy {
 public:
  static constexpr uint32_t kMinWeight = 10;    // nice ~+10
  static constexpr uint32_t kMaxWeight = 1000;  // nice ~-10
  static constexpr uint64_t kMaxBudgetSlices = 2;
  static constexpr double kInheritance = 0.5;
  static constexpr double kMaxDiscount = 4.0;
  static constexpr double kRootedFull = 0.5;
  static constexpr double kWakeCredit = 0.25;  // slices, for any wakeup (2.)
  static constexpr double kOrderMinCri = 1.0;   // 8.
  static constexpr uint64_t kOrderHogSlices = 2;
  static constexpr uint32_t kOrderWakeups = 32;  // the kernel side's cap decides
  static constexpr uint32_t kOrderRuntimeUs = 50'000;
  static constexpr uint64_t kOrderSlackPerSlice = 8;  // 8.: S / 8 either way at most

  explicit QosPolicy(const PolicyConfig& config);

  std::string_view name() const override { return "qos"; }
  void OnTaskNew(const TaskNew& task) override;
  void OnTaskExit(TaskSlot slot) override;
  void OnRunnable(const Runnable& event) override;
  bool PickNext(Decision* out) override;
  bool PickOrder(OrderUpdate* out) override;
  uint32_t nr_queued() const override { return queue_.size(); }

  // Introspection for tests and stats.
  uint64_t vtime_now() const { return vtime_now_; }
  // The task's latency criticality for its current activation (own or
  // inherited), as used in its latest deadline.
  double effective_criticality(TaskSlot slot) const { return tasks_[slot].effective_cri; }
  static double OwnCriticality(uint32_t block_hz, uint32_t wake_hz, uint64_t avg_runtime_ns,
                               uint64_t slice_ns);
  static double QosFactor(QosClass c);

 private:
  struct TaskState {
    uint64_t vruntime = 0;
    double effective_cri = 0;
    double discount = 1.0;  // of the activation whose CPU use comes next
    uint64_t start = 0;  // of its pending decision
    bool start_decided = false;  // that start went out with a decision (not an order)
    bool urgent = false;  // 7.
    uint64_t activation_ns = 0;  // CPU since it last woke, as far as events tell
    StandingOrder order = {};    // 8.: what its next decision or update carries
    StandingOrder held = {};     // 8.: the latest order it was given (decision or update)
    bool update_pending = false; // in order_updates_
  };

  // 8.: the order for a task's next wakeups after event e, or none.
  // next_charge: what an average activation adds to its vruntime (1.).
  StandingOrder OrderAfter(const Runnable& e, const TaskState& t, uint64_t budget, double credit_slices,
                           uint64_t next_charge) const;
  // 8.: whether the order the task holds must be replaced after ordered event e.
  bool OrderNeedsUpdate(const TaskState& t, const Runnable& e) const;

  PolicyConfig config_;
  std::vector<TaskState> tasks_;  // per slot
  KeyQueue queue_;                // by deadline
  uint64_t vtime_now_ = 0;
  std::vector<TaskSlot> order_updates_;  // renewals and withdrawals, in order (8.)
  size_t order_updates_head_ = 0;
};

}  // namespace qosland::policy

#endif  // QOSLAND_POLICY_QOS_POLICY_H_
