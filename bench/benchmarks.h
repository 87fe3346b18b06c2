// Benchmarks registered at run time (they depend on what is registered or
// available), called from bench_main.cc.
#ifndef QOSLAND_BENCH_BENCHMARKS_H_
#define QOSLAND_BENCH_BENCHMARKS_H_

namespace qosland {

// Per-event cost of every registered policy (policy_bench.cc).
void RegisterPolicyBenchmarks();
// The whole user-space path with every registered policy (dispatch_loop_bench.cc).
void RegisterLoopBenchmarks();

}  // namespace qosland

#endif  // QOSLAND_BENCH_BENCHMARKS_H_
