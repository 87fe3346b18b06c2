// qosland's transport through real BPF maps on the host kernel (no sched_ext
// needed; root, for BPF): records produced into a BPF ring buffer by a BPF
// program run with BPF_PROG_RUN, consumed and decoded by BpfTransport::Poll;
// decisions encoded and sent by BpfTransport::Send into a user ring buffer,
// drained by another BPF program (bpf/ring_bench.h). The floor, in the same
// binary over the same maps: bare libbpf, a callback that only copies each
// record out, and zeroed decisions reserved and submitted.
//
//   Batched (tasks:N): N records in and N decisions out per iteration; only
//   user space's side is timed (the BPF programs run with timing paused).
//   Per record (tasks:1): one record in and one decision out, each BPF
//   program run included in the time: a round trip through the kernel.
//
//   sudo build/bench/qosland_bench --benchmark_filter=Transport
#include <benchmark/benchmark.h>

#include <array>
#include <memory>
#include <string>

#include "bpf/bpf_transport.h"
#include "bpf/ring_bench.h"
#include "core/transport.h"

namespace qosland {
namespace {

// Keeps what the transport decoded, as the dispatch loop would read it.
class KeepSink final : public core::QueuedSink {
 public:
  void OnQueued(const core::QueuedTask& task) override { kept_[n_++ % kept_.size()] = task; }
  const core::QueuedTask& at(size_t i) const { return kept_[i % kept_.size()]; }
  void Reset() { n_ = 0; }

 private:
  std::array<core::QueuedTask, 4096> kept_{};
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

void BM_TransportQosland(benchmark::State& state) {
  const auto n = static_cast<uint32_t>(state.range(0));
  auto rb = LoadOrSkip(state);
  if (!rb) return;
  auto t = bpf::BpfTransport::CreateForRings(rb->queued_ring_fd(), rb->dispatch_ring_fd());
  if (!t.ok()) {
    state.SkipWithError(t.status().message().c_str());
    return;
  }
  auto sink = std::make_unique<KeepSink>();
  uint64_t gen = 0, moved = 0;
  const bool batched = n > 1;
  for (auto _ : state) {
    if (batched) state.PauseTiming();
    rb->Produce(n, n, ++gen);
    if (batched) state.ResumeTiming();
    sink->Reset();
    const int got = (*t)->Poll(0, *sink);
    for (int i = 0; i < got; ++i) {
      const core::QueuedTask& r = sink->at(static_cast<size_t>(i));
      (*t)->Send({.pid = r.pid, .cookie = r.cookie, .gen = r.gen, .slice_ns = 5'000'000, .vtime = r.runtime_ns});
    }
    if (batched) state.PauseTiming();
    moved += static_cast<uint64_t>(rb->Drain());
    if (batched) state.ResumeTiming();
  }
  if (moved != static_cast<uint64_t>(state.iterations()) * n) state.SkipWithError("records were lost on the way");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * n);
}

void BM_TransportFloor(benchmark::State& state) {
  const auto n = static_cast<uint32_t>(state.range(0));
  auto rb = LoadOrSkip(state);
  if (!rb) return;
  uint64_t gen = 0, moved = 0;
  const bool batched = n > 1;
  for (auto _ : state) {
    if (batched) state.PauseTiming();
    rb->Produce(n, n, ++gen);
    if (batched) state.ResumeTiming();
    const int64_t got = rb->FloorConsume();
    rb->FloorSend(static_cast<uint32_t>(got));
    if (batched) state.PauseTiming();
    moved += static_cast<uint64_t>(rb->Drain());
    if (batched) state.ResumeTiming();
  }
  if (moved != static_cast<uint64_t>(state.iterations()) * n) state.SkipWithError("records were lost on the way");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * n);
}

BENCHMARK(BM_TransportFloor)->ArgName("tasks")->Arg(1)->Arg(256)->Arg(4096);
BENCHMARK(BM_TransportQosland)->ArgName("tasks")->Arg(1)->Arg(256)->Arg(4096);

}  // namespace
}  // namespace qosland
