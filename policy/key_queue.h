// KeyQueue: the waiting tasks of a policy, lowest key first, FIFO among equal
// keys. A binary heap preallocated for `capacity` tasks: Push and Pop never
// allocate (each task waits at most once, so capacity = max_tasks is enough).
//
//   KeyQueue q(config.max_tasks);
//   q.Push(/*key=*/deadline, slot);
//   KeyQueue::Item next; if (q.Pop(&next)) ...
#ifndef QOSLAND_POLICY_KEY_QUEUE_H_
#define QOSLAND_POLICY_KEY_QUEUE_H_

#include <algorithm>
#include <cstdint>
#include <vector>

#include "policy/policy.h"

namespace qosland::policy {

class KeyQueue {
 public:
  struct Item {
    uint64_t key;
    uint64_t seq;  // arrival order, breaks ties
    TaskSlot slot;
  };

  explicit KeyQueue(uint32_t capacity) { heap_.reserve(capacity); }

  void Push(uint64_t key, TaskSlot slot) {
    heap_.push_back(Item{key, seq_++, slot});
    std::push_heap(heap_.begin(), heap_.end(), &Later);
  }
  bool Pop(Item* out) {
    if (heap_.empty()) return false;
    std::pop_heap(heap_.begin(), heap_.end(), &Later);
    *out = heap_.back();
    heap_.pop_back();
    return true;
  }
  uint32_t size() const { return static_cast<uint32_t>(heap_.size()); }

 private:
  // std's heap functions keep the "largest" on top: "later" puts the lowest key there.
  static bool Later(const Item& a, const Item& b) { return a.key != b.key ? a.key > b.key : a.seq > b.seq; }

  std::vector<Item> heap_;
  uint64_t seq_ = 0;
};

}  // namespace qosland::policy

#endif  // QOSLAND_POLICY_KEY_QUEUE_H_
