// qosland's transport through real BPF maps on the host kernel (no sched_ext
// needed; root, for BPF): records produced into a BPF ring buffer by a BPF
// program run with BPF_PROG_RUN, consumed and decoded by BpfTransport::Poll;
// decisions encoded and sent by BpfTransport::Send into a user ring buffer,
// drained by another BPF program (bpf/ring_bench.h). The floor, in the same
// binary over the same maps: bare libbpf, a callback that only copies each
// record out, and zeroed decisions reserved and submitted.
//
//   tasks:N        N records in and N decisions out per iteration (1: per
//                  record; 256, 4096: batched, as under load).
//   user_only:0    the round trip: the BPF programs' runs are timed too (two
//                  BPF_PROG_RUN syscalls per iteration, the kernel's reserve,
//                  submit and drain per record). The transport's cost.
//   user_only:1    only user space's side (the BPF programs run with timing
//                  paused): qosland's decoding, encoding and calls against
//                  bare libbpf's.
//
//   sudo build/bench/qosland_bench --benchmark_filter=Transport
#include <benchmark/benchmark.h>

#include <array>
#include <memory>
#include <string>

#include "bench/benchmarks.h"
#include "bpf/bpf_transport.h"
#include "bpf/ring_bench.h"
#include "core/transport.h"

namespace qosland {
namespace {

// Keeps what a decision needs of each decoded record, as the dispatch loop
// takes what it needs into its task table.
class KeepSink final : public core::QueuedSink {
 public:
  struct Kept {
    int32_t pid;
    uint64_t cookie, gen, runtime_ns;
  };
  void OnQueued(const core::QueuedTask& task) override {
    kept_[n_++ % kept_.size()] = {task.pid, task.cookie, task.gen, task.runtime_ns};
  }
  const Kept& at(size_t i) const { return kept_[i % kept_.size()]; }
  void Reset() { n_ = 0; }

 private:
  std::array<Kept, 4096> kept_{};
  size_t n_ = 0;
};

std::unique_ptr<bpf::RingBench> LoadOrSkip(benchmark::State& state) {
  auto rb = bpf::RingBench::Load();
  if (!rb.ok()) {
    state.SkipWithError(rb.status().message().c_str());
    return nullptr;
  }
  return std::move(rb).value();
}

// One loop for both sides, so qosland and the floor are timed alike:
// `user_side` consumes what the BPF program produced and sends a decision for
// each record.
template <typename UserSide>
void RunTransport(benchmark::State& state, bpf::RingBench& rb, UserSide user_side) {
  const auto n = static_cast<uint32_t>(state.range(0));
  const bool user_only = state.range(1) != 0;
  uint64_t gen = 0, moved = 0;
  for (auto _ : state) {
    if (user_only) state.PauseTiming();
    rb.Produce(n, n, ++gen);
    if (user_only) state.ResumeTiming();
    user_side();
    if (user_only) state.PauseTiming();
    moved += static_cast<uint64_t>(rb.Drain());
    if (user_only) state.ResumeTiming();
  }
  if (moved != static_cast<uint64_t>(state.iterations()) * n) state.SkipWithError("records were lost on the way");
  ReportItems(state, static_cast<int64_t>(state.iterations()) * n);
}

void BM_TransportQosland(benchmark::State& state) {
  auto rb = LoadOrSkip(state);
  if (!rb) return;
  auto t = bpf::BpfTransport::CreateForRings(rb->queued_ring_fd(), rb->dispatch_ring_fd());
  if (!t.ok()) {
    state.SkipWithError(t.status().message().c_str());
    return;
  }
  auto sink = std::make_unique<KeepSink>();
  RunTransport(state, *rb, [&] {
    sink->Reset();
    const int got = (*t)->Poll(0, *sink);
    for (int i = 0; i < got; ++i) {
      const KeepSink::Kept& r = sink->at(static_cast<size_t>(i));
      (*t)->Send({.pid = r.pid, .cookie = r.cookie, .gen = r.gen, .slice_ns = 5'000'000, .vtime = r.runtime_ns});
    }
  });
}

void BM_TransportFloor(benchmark::State& state) {
  auto rb = LoadOrSkip(state);
  if (!rb) return;
  RunTransport(state, *rb, [&] { rb->FloorSend(static_cast<uint32_t>(rb->FloorConsume())); });
}

void TransportArgs(benchmark::internal::Benchmark* b) {
  b->ArgNames({"tasks", "user_only"});
  for (int64_t n : {1, 256, 4096}) b->Args({n, 0});
  for (int64_t n : {256, 4096}) b->Args({n, 1});
}
BENCHMARK(BM_TransportFloor)->Apply(TransportArgs);
BENCHMARK(BM_TransportQosland)->Apply(TransportArgs);

}  // namespace
}  // namespace qosland
