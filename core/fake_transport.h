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

  int Poll(int timeout_ms, QueuedSink& sink) override;
  bool Send(const DispatchDecision& decision) override;

 private:
  std::deque<QueuedTask> pending_;
  std::vector<DispatchDecision> sent_;
  size_t send_capacity_ = std::numeric_limits<size_t>::max();
  int nr_polls_ = 0;
};

}  // namespace qosland::core

#endif  // QOSLAND_CORE_FAKE_TRANSPORT_H_
