// TaskTable: the tasks user space knows, in a fixed number of slots.
//
// Preallocated at construction; no allocation afterwards. A slot is a small
// index policies use for their per-task state. Tasks are found by pid through
// an open-addressing index (linear probing, backward-shift deletion, at most
// half full), and told apart from a previous owner of the same pid by the
// cookie BPF assigns per task lifetime.
//
// Lifecycle: FindOrInsert -> (queued/unqueued any number of times) ->
// Unindex (pid no longer leads here) -> Release (slot free for reuse).
// Single-threaded: only the dispatch loop touches it.
#ifndef QOSLAND_CORE_TASK_TABLE_H_
#define QOSLAND_CORE_TASK_TABLE_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "policy/policy.h"

namespace qosland::core {

using policy::TaskSlot;
inline constexpr TaskSlot kNoSlot = policy::kNoTask;

struct TaskEntry {
  int32_t pid = 0;
  int32_t tgid = 0;
  uint64_t cookie = 0;
  uint64_t gen = 0;       // generation of the latest record
  uint64_t enq_ns = 0;    // when the latest record was enqueued
  std::optional<policy::QosClass> hint_qos = {};  // from a tag or rule (ClassHints), when one names the task
  uint32_t ident_hash = 0;  // of the record that last had its class looked up
  bool in_use = false;
  bool indexed = false;   // pid lookups lead here
  bool queued = false;    // the policy holds it (OnRunnable'd, not yet picked)
  bool exited = false;    // gone; release the slot when the policy lets go
  // Standing orders (policy/policy.h): the kernel side may hold one for it
  // (the latest decision or order sent carried one), a withdrawal waits to
  // be sent, and orders answering records up to this generation are not
  // sent (its class changed after them).
  bool has_order = false;
  bool withdraw_pending = false;
  uint64_t no_orders_through_gen = 0;
};

class TaskTable {
 public:
  explicit TaskTable(uint32_t capacity);

  struct Found {
    TaskSlot slot = kNoSlot;      // kNoSlot: the table is full
    bool is_new = false;          // slot was just taken for this task
    TaskSlot replaced = kNoSlot;  // an earlier task with this pid, now unindexed
  };
  // The slot of task (pid, cookie), taking a free one if it is new. A different
  // task still indexed under this pid (its exit went unseen) is unindexed and
  // reported in `replaced`; the caller releases it.
  Found FindOrInsert(int32_t pid, int32_t tgid, uint64_t cookie);
  // The slot of (pid, cookie), or kNoSlot.
  TaskSlot Find(int32_t pid, uint64_t cookie) const;
  // The slot of the task that has this pid now, or kNoSlot.
  TaskSlot FindByPid(int32_t pid) const;
  void Unindex(TaskSlot slot);
  void Release(TaskSlot slot);  // unindexes too

  TaskEntry& operator[](TaskSlot slot) { return entries_[slot]; }
  const TaskEntry& operator[](TaskSlot slot) const { return entries_[slot]; }
  uint32_t capacity() const { return static_cast<uint32_t>(entries_.size()); }
  uint32_t size() const { return capacity() - static_cast<uint32_t>(free_.size()); }

 private:
  uint32_t Home(int32_t pid) const;
  // Index bucket holding pid, or the empty bucket where it would go.
  uint32_t Probe(int32_t pid) const;

  std::vector<TaskEntry> entries_;
  std::vector<TaskSlot> free_;   // stack of free slots
  std::vector<TaskSlot> index_;  // buckets: slot or kNoSlot; size a power of two
  uint32_t mask_ = 0;
};

}  // namespace qosland::core

#endif  // QOSLAND_CORE_TASK_TABLE_H_
