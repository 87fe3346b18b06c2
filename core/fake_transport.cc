#include "core/fake_transport.h"

namespace qosland::core {

std::vector<DispatchDecision> FakeTransport::TakeSent() {
  std::vector<DispatchDecision> out;
  out.swap(sent_);
  return out;
}

int FakeTransport::Poll(int /*timeout_ms*/, QueuedSink& sink) {
  ++nr_polls_;
  int n = 0;
  while (!pending_.empty()) {
    const QueuedTask task = pending_.front();
    pending_.pop_front();
    sink.OnQueued(task);
    ++n;
  }
  return n;
}

bool FakeTransport::Send(const DispatchDecision& decision) {
  if (sent_.size() >= send_capacity_) return false;
  sent_.push_back(decision);
  return true;
}

}  // namespace qosland::core
