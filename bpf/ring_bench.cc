#include "bpf/ring_bench.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "bpf/qosland_wire.h"
#include "bpf/ring_bench_wire.h"
#include "ring_bench.skel.h"

namespace qosland::bpf {
namespace {

int QuietLibbpf(enum libbpf_print_level level, const char* fmt, va_list args) {
  return level == LIBBPF_WARN ? std::vfprintf(stderr, fmt, args) : 0;
}

// The floor's callback: a copy out of the ring, as any consumer must make.
int CopyRecord(void* ctx, void* data, size_t size) {
  if (size == sizeof(qosland_queued)) std::memcpy(ctx, data, sizeof(qosland_queued));
  return 0;
}

}  // namespace

core::Result<std::unique_ptr<RingBench>> RingBench::Load() {
  libbpf_set_print(QuietLibbpf);
  std::unique_ptr<RingBench> rb(new RingBench());
  rb->skel_ = ring_bench_bpf__open_and_load();
  if (!rb->skel_) {
    const int err = errno;
    return core::Status::Error(std::string("could not load the ring-buffer benchmark's BPF programs (") +
                               std::strerror(err) +
                               (err == EPERM ? "): run it as root"
                                              : "): the kernel needs BPF user ring buffers (5.19+)"));
  }
  static qosland_queued sink;
  rb->floor_rb_ = ring_buffer__new(rb->queued_ring_fd(), CopyRecord, &sink, nullptr);
  rb->floor_urb_ = user_ring_buffer__new(rb->dispatch_ring_fd(), nullptr);
  if (!rb->floor_rb_ || !rb->floor_urb_) {
    return core::Status::Error(std::string("could not map the benchmark's ring buffers: ") + std::strerror(errno));
  }
  return rb;
}

RingBench::~RingBench() {
  if (floor_urb_) user_ring_buffer__free(floor_urb_);
  if (floor_rb_) ring_buffer__free(floor_rb_);
  if (skel_) ring_bench_bpf__destroy(skel_);
}

int RingBench::queued_ring_fd() const { return bpf_map__fd(skel_->maps.queued); }
int RingBench::dispatch_ring_fd() const { return bpf_map__fd(skel_->maps.dispatched); }

int64_t RingBench::Run(int prog_fd, uint32_t nr, uint32_t nr_tasks, uint64_t gen, uint64_t* drained) {
  qosland_ring_bench_args args = {};
  args.nr = nr;
  args.nr_tasks = nr_tasks == 0 ? 1 : nr_tasks;
  args.gen = gen;
  // A syscall program's context is copied back into ctx_in (ctx_out is refused).
  LIBBPF_OPTS(bpf_test_run_opts, opts);
  opts.ctx_in = &args;
  opts.ctx_size_in = sizeof(args);
  if (bpf_prog_test_run_opts(prog_fd, &opts) != 0) return -errno;
  if (drained) *drained = args.drained;
  return args.produced;
}

int64_t RingBench::Produce(uint32_t nr, uint32_t nr_tasks, uint64_t gen) {
  return Run(bpf_program__fd(skel_->progs.produce), nr, nr_tasks, gen, nullptr);
}

int64_t RingBench::Drain() {
  uint64_t drained = 0;
  const int64_t rc = Run(bpf_program__fd(skel_->progs.drain), 0, 1, 0, &drained);
  return rc < 0 ? rc : static_cast<int64_t>(drained);
}

int64_t RingBench::FloorConsume() { return ring_buffer__consume(floor_rb_); }

int64_t RingBench::FloorSend(uint32_t nr) {
  for (uint32_t i = 0; i < nr; ++i) {
    void* rec = user_ring_buffer__reserve(floor_urb_, sizeof(qosland_dispatch));
    if (!rec) return i;
    std::memset(rec, 0, sizeof(qosland_dispatch));
    user_ring_buffer__submit(floor_urb_, rec);
  }
  return nr;
}

}  // namespace qosland::bpf
