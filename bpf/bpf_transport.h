// BpfTransport: core::Transport over a loaded qosland's BPF ring buffer
// (records in, via libbpf's ring_buffer and epoll) and user ring buffer
// (decisions out). Poll and Send must be called from one thread.
#ifndef QOSLAND_BPF_BPF_TRANSPORT_H_
#define QOSLAND_BPF_BPF_TRANSPORT_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "bpf/bpf_scheduler.h"
#include "core/status.h"
#include "core/transport.h"

struct ring_buffer;
struct user_ring_buffer;

namespace qosland::bpf {

class BpfTransport final : public core::Transport {
 public:
  static core::Result<std::unique_ptr<BpfTransport>> Create(const BpfScheduler& scheduler);
  // Over any pair of such maps, with no scheduler to tell it is alive (for
  // benchmarks: bpf/ring_bench.h).
  static core::Result<std::unique_ptr<BpfTransport>> CreateForRings(int queued_ring_fd, int dispatch_ring_fd);
  ~BpfTransport() override;
  BpfTransport(const BpfTransport&) = delete;
  BpfTransport& operator=(const BpfTransport&) = delete;

  int Poll(int timeout_ms, core::QueuedSink& sink) override;
  bool Send(const core::DispatchDecision& decision) override;
  uint64_t handled_before_ns() const override { return scheduler_ ? scheduler_->fallback_entered_ns() : 0; }

  // Records that did not decode (a wire mismatch: should stay 0).
  uint64_t bad_records() const { return bad_records_; }

 private:
  BpfTransport() = default;
  static int OnRecord(void* ctx, void* data, size_t size);

  const BpfScheduler* scheduler_ = nullptr;  // null: CreateForRings
  ring_buffer* queued_ = nullptr;
  user_ring_buffer* dispatched_ = nullptr;
  core::QueuedSink* sink_ = nullptr;
  core::QueuedTask scratch_;  // each record is decoded here, then handed to the sink
  uint64_t bad_records_ = 0;
};

}  // namespace qosland::bpf

#endif  // QOSLAND_BPF_BPF_TRANSPORT_H_
