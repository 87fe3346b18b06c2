// Cost of the whole user-space decision path (wire records decoded -> task
// table -> policy -> decisions encoded to the wire) over an in-memory
// transport, per task, for each shipped policy, with a floor measured in the
// same binary: the same traffic decoded and encoded with no policy or task
// table at all (records straight back out as decisions).
//
//   build/bench/qosland_bench --benchmark_filter=Loop
#include <benchmark/benchmark.h>

#include <array>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bench/benchmarks.h"
#include "bpf/qosland_wire.h"
#include "core/wire_codec.h"
#include "core/dispatch_loop.h"
#include "core/task_table.h"
#include "core/transport.h"
#include "policy/registry.h"

namespace qosland {
namespace {

// A transport that replays a fixed batch of wire records every Poll (each
// decoded, as BpfTransport does) and encodes each decision to the wire:
// no allocation, so decoding, the loop, the policy and encoding are what is
// measured.
class ReplayTransport final : public core::Transport {
 public:
  explicit ReplayTransport(uint32_t nr_tasks) : records_(nr_tasks) {
    for (uint32_t i = 0; i < nr_tasks; ++i) {
      qosland_queued& w = records_[i];
      w.pid = static_cast<int32_t>(1000 + i);
      w.tgid = w.pid;
      w.cookie = i + 1u;
      w.kind = QOSLAND_REC_QUEUED;
      w.flags = (i & 1) != 0 ? QOSLAND_QF_WAKEUP : 0;
      w.runtime_ns = 1000u + (i * 7919u) % 5'000'000u;
      w.avg_runtime_ns = w.runtime_ns;
      w.weight = 100;
      w.nr_cpus_allowed = 8;
      w.wake_freq_hz = (i & 3) != 0 ? 0 : 60;
      w.block_freq_hz = w.wake_freq_hz;
      w.nr_runnable = nr_tasks;
    }
  }
  int Poll(int, core::QueuedSink& sink) override {
    for (qosland_queued& w : records_) {
      ++w.gen;
      if (core::DecodeQueued(std::as_bytes(std::span(&w, 1)), &scratch_)) sink.OnQueued(scratch_);
    }
    return static_cast<int>(records_.size());
  }
  bool Send(const core::DispatchDecision& d) override {
    core::EncodeDispatch(d, &out_[sent_++ % out_.size()]);
    return true;
  }
  uint64_t sent() const { return sent_; }

 private:
  std::vector<qosland_queued> records_;
  core::QueuedTask scratch_;
  std::array<qosland_dispatch, 256> out_{};
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
  ReportItems(state, static_cast<int64_t>(state.iterations()) * nr_tasks);
}

// Floor: the same records decoded, and encoded straight back as decisions.
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
  ReportItems(state, static_cast<int64_t>(state.iterations()) * nr_tasks);
}

BENCHMARK(BM_Floor)->Apply(TaskCounts);

}  // namespace

void RegisterLoopBenchmarks() {
  for (const auto& info : policy::RegisteredPolicies()) {
    const char* name = info.name.data();  // the registry's names are literals
    benchmark::RegisterBenchmark(("BM_Loop/" + std::string(info.name)).c_str(),
                                 [name](benchmark::State& st) { BM_Loop(st, name); })
        ->Apply(TaskCounts);
  }
}

}  // namespace qosland

