// RingBench: the kernel side of qosland's transport without sched_ext, for
// benchmarks. It loads bpf/ring_bench.bpf.c (a BPF ring buffer, a user ring
// buffer and two `syscall` programs) and runs its programs with BPF_PROG_RUN:
// Produce() writes qosland_queued records as ops.enqueue does, Drain() reads
// decisions as ops.dispatch does. Needs root (CAP_BPF) and a kernel with the
// user ring buffer (5.19+); no sched_ext.
//
// It also carries the floor the transport is compared with: bare libbpf
// (ring_buffer__consume with a callback that only copies each record;
// user_ring_buffer__reserve/submit of a zeroed decision).
//
//   auto rb = RingBench::Load();                        // Result<...>
//   auto t = BpfTransport::CreateForRings((*rb)->queued_ring_fd(), (*rb)->dispatch_ring_fd());
//   (*rb)->Produce(4096, 4096, gen); (*t)->Poll(0, sink); ... (*rb)->Drain();
#ifndef QOSLAND_BPF_RING_BENCH_H_
#define QOSLAND_BPF_RING_BENCH_H_

#include <cstdint>
#include <memory>

#include "core/status.h"

struct ring_bench_bpf;
struct ring_buffer;
struct user_ring_buffer;

namespace qosland::bpf {

class RingBench {
 public:
  static core::Result<std::unique_ptr<RingBench>> Load();
  ~RingBench();
  RingBench(const RingBench&) = delete;
  RingBench& operator=(const RingBench&) = delete;

  // Produces `nr` records for `nr_tasks` tasks stamped with `gen`; returns
  // how many fit, or a negative errno.
  int64_t Produce(uint32_t nr, uint32_t nr_tasks, uint64_t gen);
  // Drains every decision waiting; returns how many, or a negative errno.
  int64_t Drain();

  int queued_ring_fd() const;
  int dispatch_ring_fd() const;

  // The floor, over the same maps: consumes every waiting record, copying
  // each out (returns how many), and sends `nr` zeroed decisions (returns
  // how many fit).
  int64_t FloorConsume();
  int64_t FloorSend(uint32_t nr);

 private:
  RingBench() = default;
  int64_t Run(int prog_fd, uint32_t nr, uint32_t nr_tasks, uint64_t gen, uint64_t* drained);

  ring_bench_bpf* skel_ = nullptr;
  ring_buffer* floor_rb_ = nullptr;
  user_ring_buffer* floor_urb_ = nullptr;
};

}  // namespace qosland::bpf

#endif  // QOSLAND_BPF_RING_BENCH_H_
