// Cost of the user-space decision path (records in -> policy -> decisions
// out) over the fake transport, per task, for each shipped policy, with a
// floor measured in the same binary: the same traffic with no policy or task
// table at all (records straight back out as decisions).
//
//   build/bench/qosland_bench --benchmark_filter=Loop
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "core/dispatch_loop.h"
#include "core/task_table.h"
#include "core/transport.h"
#include "policy/registry.h"

namespace qosland {
namespace {

// A transport that replays a fixed batch of records every Poll and discards
// decisions: no allocation, so the loop and the policy are what is measured.
class ReplayTransport final : public core::Transport {
 public:
  explicit ReplayTransport(uint32_t nr_tasks) {
    records_.reserve(nr_tasks);
    for (uint32_t i = 0; i < nr_tasks; ++i) {
      records_.push_back({.pid = static_cast<int32_t>(1000 + i),
                          .tgid = static_cast<int32_t>(1000 + i),
                          .cookie = i + 1u,
                          .runtime_ns = 1000u + (i * 7919u) % 5'000'000u,
                          .wakeup = (i & 1) != 0});
    }
  }
  int Poll(int, core::QueuedSink& sink) override {
    for (core::QueuedTask& r : records_) {
      ++r.gen;
      sink.OnQueued(r);
    }
    return static_cast<int>(records_.size());
  }
  bool Send(const core::DispatchDecision& d) override {
    benchmark::DoNotOptimize(d);
    ++sent_;
    return true;
  }
  uint64_t sent() const { return sent_; }

 private:
  std::vector<core::QueuedTask> records_;
  uint64_t sent_ = 0;
};

// The whole user-space path for `tasks` runnable tasks per iteration.
void BM_Loop(benchmark::State& state, const char* policy_name) {
  const auto nr_tasks = static_cast<uint32_t>(state.range(0));
  ReplayTransport transport(nr_tasks);
  auto policy = policy::MakePolicy(policy_name, {.nr_cpus = 8, .max_tasks = nr_tasks, .slice_ns = 5'000'000});
  core::TaskTable table(nr_tasks);
  core::DispatchLoop loop(transport, *policy, table, {.max_batch = nr_tasks});
  for (auto _ : state) {
    loop.RunOnce(0);
  }
  if (transport.sent() != static_cast<uint64_t>(state.iterations()) * nr_tasks) {
    state.SkipWithError("the loop did not decide every task");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * nr_tasks);
}

// Floor: the same records decoded into decisions directly.
void BM_Floor(benchmark::State& state) {
  const auto nr_tasks = static_cast<uint32_t>(state.range(0));
  ReplayTransport transport(nr_tasks);
  struct Echo final : core::QueuedSink {
    core::Transport* t;
    void OnQueued(const core::QueuedTask& r) override {
      t->Send({.pid = r.pid, .cookie = r.cookie, .gen = r.gen, .vtime = r.runtime_ns});
    }
  } echo;
  echo.t = &transport;
  for (auto _ : state) transport.Poll(0, echo);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * nr_tasks);
}

BENCHMARK(BM_Floor)->ArgName("tasks")->Arg(64)->Arg(4096)->Arg(65536);
BENCHMARK_CAPTURE(BM_Loop, qos, "qos")->ArgName("tasks")->Arg(64)->Arg(4096)->Arg(65536);
BENCHMARK_CAPTURE(BM_Loop, vruntime, "vruntime")->ArgName("tasks")->Arg(64)->Arg(4096)->Arg(65536);
BENCHMARK_CAPTURE(BM_Loop, fifo, "fifo")->ArgName("tasks")->Arg(64)->Arg(4096)->Arg(65536);

}  // namespace
}  // namespace qosland

BENCHMARK_MAIN();
