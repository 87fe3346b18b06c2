// Benchmarks registered at run time (they depend on what is registered or
// available), called from bench_main.cc.
#ifndef QOSLAND_BENCH_BENCHMARKS_H_
#define QOSLAND_BENCH_BENCHMARKS_H_

#include <benchmark/benchmark.h>

#include <cstdint>

namespace qosland {

// Reports `items` (tasks, events or records) done over the whole run: as
// items_per_second, and as time_per_item (seconds, printed with an SI
// prefix: "35.2n" is 35.2 ns).
inline void ReportItems(benchmark::State& state, int64_t items) {
  state.SetItemsProcessed(items);
  state.counters["time_per_item"] =
      benchmark::Counter(static_cast<double>(items), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// The task counts the policy and loop benchmarks run at.
inline void TaskCounts(benchmark::internal::Benchmark* b) { b->ArgName("tasks")->Arg(64)->Arg(4096)->Arg(65536); }

// Per-event cost of every registered policy (policy_bench.cc).
void RegisterPolicyBenchmarks();
// The whole user-space path with every registered policy (dispatch_loop_bench.cc).
void RegisterLoopBenchmarks();

}  // namespace qosland

#endif  // QOSLAND_BENCH_BENCHMARKS_H_
