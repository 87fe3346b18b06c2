// The example policy of README.md ("Writing a policy"), compiled and tested
// here so the README stays true. Keep the two in sync.
#include <gtest/gtest.h>

#include <vector>

#include "core/dispatch_loop.h"
#include "core/fake_transport.h"
#include "policy/policy.h"

// --- README example begins ---
#include <algorithm>
#include <vector>

#include "policy/policy.h"

// Shortest job first: the task that ran the least per activation goes first.
class ShortestFirstPolicy final : public qosland::policy::Policy {
 public:
  explicit ShortestFirstPolicy(const qosland::policy::PolicyConfig& c) : config_(c) {
    heap_.reserve(c.max_tasks);  // no allocation after construction
  }
  std::string_view name() const override { return "shortest-first"; }
  void OnTaskNew(const qosland::policy::TaskNew&) override {}
  void OnTaskExit(qosland::policy::TaskSlot) override {}
  void OnRunnable(const qosland::policy::Runnable& e) override {
    heap_.push_back({e.avg_runtime_ns, seq_++, e.slot});
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
  }
  bool PickNext(qosland::policy::Decision* out) override {
    if (heap_.empty()) return false;
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
    const Entry e = heap_.back();
    heap_.pop_back();
    // The kernel orders by vtime across batches: keep it growing.
    *out = {.slot = e.slot, .slice_ns = config_.slice_ns, .vtime = vtime_++};
    return true;
  }
  uint32_t nr_queued() const override { return static_cast<uint32_t>(heap_.size()); }

 private:
  struct Entry {
    uint64_t runtime_ns, seq;
    qosland::policy::TaskSlot slot;
    auto operator<=>(const Entry&) const = default;
  };
  qosland::policy::PolicyConfig config_;
  std::vector<Entry> heap_;
  uint64_t seq_ = 0, vtime_ = 0;
};
// Registration (policy/registry.cc):
//   {"shortest-first", "shortest job first", &Make<ShortestFirstPolicy>},
// --- README example ends ---

namespace {

// Checks that the README's example policy runs in the real dispatch loop over
// the fake transport and decides the shortest job first.
TEST(ExamplePolicyTest, ShortestJobRunsFirst) {
  qosland::core::FakeTransport transport;
  ShortestFirstPolicy policy({.max_tasks = 16});
  qosland::core::TaskTable table(16);
  qosland::core::DispatchLoop loop(transport, policy, table, {});
  transport.Push({.pid = 10, .cookie = 1, .gen = 1, .avg_runtime_ns = 4'000'000});
  transport.Push({.pid = 11, .cookie = 2, .gen = 1, .avg_runtime_ns = 50'000});
  transport.Push({.pid = 12, .cookie = 3, .gen = 1, .avg_runtime_ns = 900'000});
  loop.RunOnce(0);
  const auto sent = transport.TakeSent();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].pid, 11);
  EXPECT_EQ(sent[1].pid, 12);
  EXPECT_EQ(sent[2].pid, 10);
  EXPECT_LT(sent[0].vtime, sent[2].vtime);
}

}  // namespace
