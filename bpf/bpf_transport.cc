#include "bpf/bpf_transport.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <span>
#include <string>

#include "bpf/qosland_wire.h"
#include "core/wire_codec.h"

namespace qosland::bpf {

core::Result<std::unique_ptr<BpfTransport>> BpfTransport::Create(const BpfScheduler& scheduler) {
  auto t = CreateForRings(scheduler.queued_ring_fd(), scheduler.dispatch_ring_fd());
  if (t.ok()) (*t)->scheduler_ = &scheduler;
  return t;
}

core::Result<std::unique_ptr<BpfTransport>> BpfTransport::CreateForRings(int queued_ring_fd, int dispatch_ring_fd) {
  std::unique_ptr<BpfTransport> t(new BpfTransport());
  t->queued_ = ring_buffer__new(queued_ring_fd, &BpfTransport::OnRecord, t.get(), nullptr);
  if (!t->queued_) {
    return core::Status::Error(std::string("could not map the BPF ring buffer: ") + std::strerror(errno));
  }
  t->dispatched_ = user_ring_buffer__new(dispatch_ring_fd, nullptr);
  if (!t->dispatched_) {
    return core::Status::Error(std::string("could not map the BPF user ring buffer: ") +
                               std::strerror(errno));
  }
  return t;
}

BpfTransport::~BpfTransport() {
  if (dispatched_) user_ring_buffer__free(dispatched_);
  if (queued_) ring_buffer__free(queued_);
}

int BpfTransport::OnRecord(void* ctx, void* data, size_t size) {
  auto* self = static_cast<BpfTransport*>(ctx);
  if (!core::DecodeQueued(std::span(static_cast<const std::byte*>(data), size), &self->scratch_)) {
    ++self->bad_records_;
    return 0;
  }
  self->sink_->OnQueued(self->scratch_);
  return 0;
}

int BpfTransport::Poll(int timeout_ms, core::QueuedSink& sink) {
  sink_ = &sink;
  // Alive, before and after a wait that may be long: BPF takes over only
  // from a user space that stopped beating (bpf/qosland.bpf.c).
  if (scheduler_) scheduler_->Heartbeat();
  const int n = timeout_ms == 0 ? ring_buffer__consume(queued_) : ring_buffer__poll(queued_, timeout_ms);
  if (timeout_ms != 0 && scheduler_) scheduler_->Heartbeat();
  sink_ = nullptr;
  return n;
}

bool BpfTransport::Send(const core::DispatchDecision& decision) {
  auto* rec = static_cast<qosland_dispatch*>(user_ring_buffer__reserve(dispatched_, sizeof(qosland_dispatch)));
  if (!rec) return false;
  core::EncodeDispatch(decision, rec);
  user_ring_buffer__submit(dispatched_, rec);
  return true;
}

}  // namespace qosland::bpf
