#include "core/task_table.h"

#include <bit>
#include <cassert>

namespace qosland::core {

TaskTable::TaskTable(uint32_t capacity) : entries_(capacity) {
  const uint32_t buckets = std::bit_ceil(std::max<uint32_t>(capacity, 1) * 2u);
  index_.assign(buckets, kNoSlot);
  mask_ = buckets - 1;
  free_.reserve(capacity);
  for (uint32_t i = capacity; i > 0; --i) free_.push_back(i - 1);  // slot 0 first
}

uint32_t TaskTable::Home(int32_t pid) const {
  // Fibonacci hashing: pids are dense and sequential; spread them.
  return static_cast<uint32_t>((static_cast<uint64_t>(static_cast<uint32_t>(pid)) * 0x9E3779B97F4A7C15ull) >> 32) & mask_;
}

uint32_t TaskTable::Probe(int32_t pid) const {
  uint32_t b = Home(pid);
  while (index_[b] != kNoSlot && entries_[index_[b]].pid != pid) b = (b + 1) & mask_;
  return b;
}

TaskTable::Found TaskTable::FindOrInsert(int32_t pid, int32_t tgid, uint64_t cookie) {
  Found found;
  uint32_t b = Probe(pid);
  if (index_[b] != kNoSlot) {
    const TaskSlot slot = index_[b];
    if (entries_[slot].cookie == cookie) {
      found.slot = slot;
      return found;
    }
    found.replaced = slot;
    Unindex(slot);
    b = Probe(pid);
  }
  if (free_.empty()) return found;
  const TaskSlot slot = free_.back();
  free_.pop_back();
  entries_[slot] = TaskEntry{.pid = pid, .tgid = tgid, .cookie = cookie, .in_use = true, .indexed = true};
  index_[b] = slot;
  found.slot = slot;
  found.is_new = true;
  return found;
}

TaskSlot TaskTable::Find(int32_t pid, uint64_t cookie) const {
  const TaskSlot slot = index_[Probe(pid)];
  return slot != kNoSlot && entries_[slot].cookie == cookie ? slot : kNoSlot;
}

TaskSlot TaskTable::FindByPid(int32_t pid) const { return index_[Probe(pid)]; }

void TaskTable::Unindex(TaskSlot slot) {
  TaskEntry& e = entries_[slot];
  if (!e.indexed) return;
  e.indexed = false;
  uint32_t hole = Probe(e.pid);
  assert(index_[hole] == slot);
  // Backward-shift deletion: pull later members of the probe run into the
  // hole when their home bucket does not lie between the hole and them.
  for (uint32_t b = (hole + 1) & mask_; index_[b] != kNoSlot; b = (b + 1) & mask_) {
    const uint32_t home = Home(entries_[index_[b]].pid);
    const bool home_in_gap = ((b - home) & mask_) < ((b - hole) & mask_);
    if (!home_in_gap) {
      index_[hole] = index_[b];
      hole = b;
    }
  }
  index_[hole] = kNoSlot;
}

void TaskTable::Release(TaskSlot slot) {
  assert(entries_[slot].in_use);
  Unindex(slot);
  entries_[slot] = TaskEntry{};
  free_.push_back(slot);
}

}  // namespace qosland::core
