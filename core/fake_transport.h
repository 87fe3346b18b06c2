// FakeTransport: an in-memory Transport for tests, benchmarks and simulations.
// The "kernel side" is the test: it pushes records and reads decisions.
// Not for the hot path of a real scheduler (it allocates).
//
//   FakeTransport t; t.Push({.pid = 7, .cookie = 1, .gen = 1});
//   loop.RunOnce(0); auto sent = t.TakeSent();
#ifndef QOSLAND_CORE_FAKE_TRANSPORT_H_
#define QOSLAND_CORE_FAKE_TRANSPORT_H_

#include <cstddef>
#include <deque>
#include <limits>
#include <vector>

#include "core/transport.h"

namespace qosland::core {

class FakeTransport final : public Transport {
 public:
  void Push(const QueuedTask& task) { pending_.push_back(task); }
  std::vector<DispatchDecision> TakeSent();
  // At most n decisions are accepted until the next TakeSent (models a full
  // user ring buffer).
  void set_send_capacity(size_t n) { send_capacity_ = n; }
  size_t nr_pending() const { return pending_.size(); }
  int nr_polls() const { return nr_polls_; }
  // Models the kernel side taking over from a stalled user space at t_ns.
  void set_handled_before_ns(uint64_t t_ns) { handled_before_ns_ = t_ns; }

  int Poll(int timeout_ms, QueuedSink& sink) override;
  bool Send(const DispatchDecision& decision) override;
  uint64_t handled_before_ns() const override { return handled_before_ns_; }

 private:
  std::deque<QueuedTask> pending_;
  std::vector<DispatchDecision> sent_;
  size_t send_capacity_ = std::numeric_limits<size_t>::max();
  int nr_polls_ = 0;
  uint64_t handled_before_ns_ = 0;
};

}  // namespace qosland::core

#endif  // QOSLAND_CORE_FAKE_TRANSPORT_H_
