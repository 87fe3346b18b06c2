// The dispatch path allocates nothing in steady state (issue 5: no allocation
// on the hot path). An allocation there can take the allocator's lock or fault
// in a fresh page, and the scheduler must never wait on either while the tasks
// it schedules wait on it.
//
// This binary replaces the global operator new to count allocations, runs the
// dispatch loop with each shipped policy over a transport that owns fixed
// arrays (as the BPF ring buffers are), warms it up, then counts what a steady
// stream of wakeups, preemptions, exits and new tasks allocates: nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/class_service.h"
#include "core/dispatch_loop.h"
#include "core/qos_rules.h"
#include "core/task_table.h"
#include "core/transport.h"
#include "policy/registry.h"
#include "tests/fake_proc.h"

namespace {

// Counted on the thread that runs the dispatch loop only: the class
// service's own thread reads procfs and may allocate as it likes.
thread_local bool t_counting = false;
std::atomic<uint64_t> g_allocations{0};

void* CountedAlloc(std::size_t n, std::size_t align) {
  if (t_counting) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (n == 0) n = 1;
  void* p = align > alignof(std::max_align_t) ? std::aligned_alloc(align, (n + align - 1) / align * align)
                                              : std::malloc(n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(std::size_t n) { return CountedAlloc(n, 0); }
void* operator new[](std::size_t n) { return CountedAlloc(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) { return CountedAlloc(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return CountedAlloc(n, static_cast<std::size_t>(a)); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace qosland::core {
namespace {

constexpr size_t kCapacity = 8192;

// Records in, decisions out, through arrays sized once, like the BPF ring
// buffer and user ring buffer the real transport maps.
class ArrayTransport final : public Transport {
 public:
  void Push(const QueuedTask& task) { in_[nr_in_++ % kCapacity] = task; }
  int Poll(int /*timeout_ms*/, QueuedSink& sink) override {
    const size_t n = nr_in_;
    for (size_t i = 0; i < n; ++i) sink.OnQueued(in_[i]);
    nr_in_ = 0;
    return static_cast<int>(n);
  }
  bool Send(const DispatchDecision& decision) override {
    if (nr_out_ == kCapacity) return false;
    out_[nr_out_++] = decision;
    return true;
  }
  // Copies the decisions sent since the last call into `into`; their number.
  size_t Drain(std::array<DispatchDecision, kCapacity>& into) {
    std::copy_n(out_.begin(), nr_out_, into.begin());
    return std::exchange(nr_out_, 0);
  }

 private:
  std::array<QueuedTask, kCapacity> in_{};
  std::array<DispatchDecision, kCapacity> out_{};
  size_t nr_in_ = 0;
  size_t nr_out_ = 0;
};

// A desktop in miniature: `nr_tasks` tasks, a quarter of them waking often
// for a little CPU, the rest hogging; each decided task comes straight back
// (woken, or preempted) with a new generation, and every 16th round one task
// exits and a new one (same pid, new cookie: a reused pid) takes its place.
class Workload {
 public:
  explicit Workload(int nr_tasks) : nr_tasks_(nr_tasks) {
    for (int i = 0; i < nr_tasks_; ++i) tasks_[i] = {.cookie = next_cookie_++};
  }

  void Start(ArrayTransport& t) {
    for (int i = 0; i < nr_tasks_; ++i) t.Push(Record(i, /*wakeup=*/true));
  }

  // Runs the loop a few times, sending every decided task back. Returns the
  // number of decisions.
  uint64_t Round(DispatchLoop& loop, ArrayTransport& t) {
    uint64_t decided = 0;
    for (int step = 0; step < 4; ++step) {
      if (loop.RunOnce(0) < 0) break;
      const size_t n = t.Drain(batch_);
      for (size_t k = 0; k < n; ++k) Requeue(t, batch_[k]);
      decided += n;
    }
    if (++round_ % 16 == 0) Churn(t);
    return decided;
  }
  uint64_t exits() const { return exits_; }

 private:
  struct Task {
    uint64_t cookie = 0;
    uint64_t gen = 1;
  };

  QueuedTask Record(int i, bool wakeup) {
    const Task& task = tasks_[i];
    const bool interactive = i % 4 == 0;
    const int32_t pid = 1000 + i;
    return {.pid = pid, .tgid = pid, .cookie = task.cookie, .gen = task.gen,
            .enq_ns = now_ns_ += 1000, .runtime_ns = interactive ? 200'000u : 5'000'000u,
            .prev_cpu = i % 2, .weight = i % 3 == 0 ? 335u : 100u, .nr_cpus_allowed = 2, .wakeup = wakeup,
            .avg_runtime_ns = interactive ? 200'000u : 5'000'000u, .slept_ns = interactive ? 16'000'000u : 0u,
            .wake_freq_hz = interactive ? 60u : 1u, .block_freq_hz = interactive ? 60u : 0u,
            .nr_runnable = static_cast<uint32_t>(nr_tasks_), .ident_hash = 7,
            .nice = static_cast<int8_t>(i % 3 == 0 ? -5 : 0)};
  }

  void Requeue(ArrayTransport& t, const DispatchDecision& d) {
    const int i = d.pid - 1000;
    if (i < 0 || i >= nr_tasks_ || tasks_[i].cookie != d.cookie) return;  // exited meanwhile
    ++tasks_[i].gen;
    t.Push(Record(i, /*wakeup=*/i % 4 == 0));
  }

  void Churn(ArrayTransport& t) {
    const int i = static_cast<int>((round_ / 16) % static_cast<uint64_t>(nr_tasks_));
    QueuedTask exit = Record(i, false);
    exit.kind = QueuedTask::Kind::kExit;
    t.Push(exit);
    ++exits_;
    tasks_[i] = {.cookie = next_cookie_++};
    t.Push(Record(i, /*wakeup=*/true));
  }

  std::array<Task, 4096> tasks_{};
  std::array<DispatchDecision, kCapacity> batch_{};
  int nr_tasks_;
  uint64_t next_cookie_ = 1;
  uint64_t now_ns_ = 1'000'000'000;
  uint64_t round_ = 0;
  uint64_t exits_ = 0;
};

class NoAllocTest : public ::testing::TestWithParam<std::string> {};

// Checks that once warmed up, the dispatch loop and the policy allocate
// nothing while hundreds of tasks wake, run, get preempted, exit and start.
TEST_P(NoAllocTest, SteadyStateDispatchAllocatesNothing) {
  constexpr int kTasks = 512;
  auto policy = policy::MakePolicy(GetParam(), {.nr_cpus = 2, .max_tasks = 4096, .slice_ns = 5'000'000});
  ASSERT_NE(policy, nullptr);
  auto transport = std::make_unique<ArrayTransport>();
  TaskTable table(4096);
  DispatchLoop loop(*transport, *policy, table, {.max_batch = 256, .slice_ns = 5'000'000});
  auto work = std::make_unique<Workload>(kTasks);
  work->Start(*transport);
  for (int i = 0; i < 200; ++i) work->Round(loop, *transport);  // warm-up: tables and heaps reach their size

  const uint64_t exits_before = work->exits();
  g_allocations = 0;
  t_counting = true;
  uint64_t decided = 0;
  for (int i = 0; i < 2000; ++i) decided += work->Round(loop, *transport);
  t_counting = false;

  EXPECT_EQ(g_allocations.load(), 0u) << "policy " << GetParam() << " allocated in steady state";
  EXPECT_GT(decided, 2000u * kTasks / 4) << "the steady state dispatched too little to tell";
  EXPECT_GT(work->exits() - exits_before, 100u);
}

// A fake /proc with Workload's tasks (pids 1000 on): every fourth is a
// "game", the rest "hog"s.
void AddWorkloadTasks(const test_support::FakeProcfs& proc, int nr_tasks) {
  for (int i = 0; i < nr_tasks; ++i) {
    const int pid = 1000 + i;
    const std::string comm = i % 4 == 0 ? "game" : "hog";
    proc.AddProcess(pid, comm, comm, "/usr/bin/" + comm, "0::/\n");
  }
}

// Checks the same with a rule in force: new tasks go to the class service
// and their classes come back through its queues, on the loop's thread,
// without an allocation there.
TEST(NoAllocWithClassesTest, ClassServiceQueuesAllocateNothingOnTheLoop) {
  constexpr int kTasks = 512;
  test_support::FakeProcfs proc("noalloc");
  AddWorkloadTasks(proc, kTasks);
  auto rules = QosRules::Parse(R"({"qosland": [{"comm": "game", "qos": "user-interactive"}]})", "r.json");
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  QosRules set;
  set.Add(std::move(rules).value());
  ClassService classes(std::move(set), {}, {.proc_root = proc.root()});
  auto policy = policy::MakePolicy("qos", {.nr_cpus = 2, .max_tasks = 4096, .slice_ns = 5'000'000});
  auto transport = std::make_unique<ArrayTransport>();
  TaskTable table(4096);
  DispatchLoop loop(*transport, *policy, table, {.max_batch = 256, .slice_ns = 5'000'000}, &classes);
  auto work = std::make_unique<Workload>(kTasks);
  work->Start(*transport);
  for (int i = 0; i < 200; ++i) work->Round(loop, *transport);
  // Every first task's class is back before counting starts.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (loop.stats().classes_set < static_cast<uint64_t>(kTasks) && std::chrono::steady_clock::now() < give_up) {
    work->Round(loop, *transport);
    std::this_thread::yield();
  }
  ASSERT_GE(loop.stats().classes_set, static_cast<uint64_t>(kTasks)) << "the class service never answered";

  const uint64_t classes_before = loop.stats().classes_set;
  g_allocations = 0;
  t_counting = true;
  for (int i = 0; i < 2000; ++i) {
    work->Round(loop, *transport);
    if (i % 64 == 0) std::this_thread::yield();  // let the service answer the churned tasks
  }
  t_counting = false;

  EXPECT_EQ(g_allocations.load(), 0u) << "the loop allocated with the class service in use";
  EXPECT_GT(loop.stats().classes_set, classes_before) << "no class came back while counting";
  EXPECT_EQ(classes.nr_dropped(), 0u);
}

std::vector<std::string> PolicyNames() {
  std::vector<std::string> names;
  for (const auto& info : policy::RegisteredPolicies()) names.emplace_back(info.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(EveryPolicy, NoAllocTest, ::testing::ValuesIn(PolicyNames()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace qosland::core
