// Cost of each policy event with N tasks runnable, for every shipped policy:
//   wake     OnRunnable of a task that woke up
//   requeue  OnRunnable of a task put back (preempted, or its slice ended)
//   pick     PickNext
// qosland's policies get no "block" event: BPF folds blocking into the
// signals each record carries (block and wake frequencies, runtime per
// activation), and a blocked task's next record is its wakeup.
//
// Each iteration times a batch of events (256, or N when smaller) against a
// queue of N tasks and restores the queue with timing paused, so the queue
// stays at N. Reports ns per event (items/s is events per second).
//
//   build/bench/qosland_bench --benchmark_filter=Policy
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/benchmarks.h"
#include "policy/registry.h"

namespace qosland {
namespace {

enum class Event { kWake, kRequeue, kPick };

policy::Runnable EventFor(policy::TaskSlot slot, uint64_t now_ns, bool wakeup, uint32_t nr_runnable) {
  const bool interactive = slot % 4 == 0;
  return {.slot = slot,
          .now_ns = now_ns,
          .runtime_ns = interactive ? 300'000u : 5'000'000u,
          .weight = slot % 3 == 0 ? 335u : 100u,
          .prev_cpu = static_cast<int32_t>(slot % 8),
          .wakeup = wakeup,
          .qos = interactive ? policy::QosClass::kUserInteractive : policy::QosClass::kDefault,
          .avg_runtime_ns = interactive ? 300'000u : 5'000'000u,
          .slept_ns = wakeup ? 16'000'000u : 0u,
          .wake_freq_hz = interactive ? 60u : 0u,
          .block_freq_hz = interactive ? 60u : 0u,
          .nr_runnable = nr_runnable};
}

void BM_Policy(benchmark::State& state, const char* name, Event event) {
  const auto n = static_cast<uint32_t>(state.range(0));
  const uint32_t batch = std::min<uint32_t>(n, 256);
  auto p = policy::MakePolicy(name, {.nr_cpus = 8, .max_tasks = n, .slice_ns = 5'000'000});
  if (!p) {
    state.SkipWithError("no such policy");
    return;
  }
  uint64_t now = 1'000'000'000;
  for (policy::TaskSlot s = 0; s < n; ++s) {
    p->OnTaskNew({.slot = s, .pid = static_cast<int32_t>(1000 + s), .tgid = static_cast<int32_t>(1000 + s)});
    p->OnRunnable(EventFor(s, now += 1000, true, n));
  }
  std::vector<policy::TaskSlot> picked(batch);
  bool short_pick = false;
  auto pick_batch = [&] {
    for (uint32_t i = 0; i < batch; ++i) {
      policy::Decision d;
      if (!p->PickNext(&d)) {
        short_pick = true;
        return;
      }
      picked[i] = d.slot;
    }
  };
  auto put_back = [&](bool wakeup) {
    for (uint32_t i = 0; i < batch; ++i) p->OnRunnable(EventFor(picked[i], now += 1000, wakeup, n));
  };
  for (auto _ : state) {
    if (event == Event::kPick) {
      pick_batch();
      state.PauseTiming();
      put_back(true);
      state.ResumeTiming();
    } else {
      state.PauseTiming();
      pick_batch();
      state.ResumeTiming();
      put_back(event == Event::kWake);
    }
    if (short_pick) break;
  }
  if (short_pick) state.SkipWithError("the policy held tasks back: PickNext returned fewer than were queued");
  ReportItems(state, static_cast<int64_t>(state.iterations()) * batch);
}

}  // namespace

// Every registered policy, so a new one is measured without editing this.
void RegisterPolicyBenchmarks() {
  static const std::array<std::pair<const char*, Event>, 3> kEvents = {
      {{"wake", Event::kWake}, {"requeue", Event::kRequeue}, {"pick", Event::kPick}}};
  for (const auto& info : policy::RegisteredPolicies()) {
    for (const auto& [event_name, event] : kEvents) {
      const std::string bench_name = "BM_Policy/" + std::string(info.name) + "_" + event_name;
      const char* policy_name = info.name.data();  // the registry's names are literals
      benchmark::RegisterBenchmark(bench_name.c_str(),
                                   [policy_name, event](benchmark::State& st) { BM_Policy(st, policy_name, event); })
          ->Apply(TaskCounts);
    }
  }
}

}  // namespace qosland
