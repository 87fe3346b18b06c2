#include "core/task_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace qosland::core {
namespace {

// Checks that a task keeps its slot across lookups and that a new task gets a new one.
TEST(TaskTableTest, FindsTheSameTaskInTheSameSlot) {
  TaskTable t(8);
  const auto a = t.FindOrInsert(100, 100, 1);
  ASSERT_NE(a.slot, kNoSlot);
  EXPECT_TRUE(a.is_new);
  const auto again = t.FindOrInsert(100, 100, 1);
  EXPECT_EQ(again.slot, a.slot);
  EXPECT_FALSE(again.is_new);
  const auto b = t.FindOrInsert(101, 100, 2);
  EXPECT_NE(b.slot, a.slot);
  EXPECT_EQ(t.Find(101, 2), b.slot);
  EXPECT_EQ(t.size(), 2u);
}

// Checks that a recycled pid (new cookie) is a new task and the old one is reported.
TEST(TaskTableTest, RecycledPidIsANewTask) {
  TaskTable t(8);
  const auto old_task = t.FindOrInsert(42, 42, 7);
  const auto new_task = t.FindOrInsert(42, 42, 8);
  EXPECT_TRUE(new_task.is_new);
  EXPECT_EQ(new_task.replaced, old_task.slot);
  EXPECT_NE(new_task.slot, old_task.slot);
  EXPECT_EQ(t.Find(42, 7), kNoSlot);
  EXPECT_EQ(t.Find(42, 8), new_task.slot);
}

// Checks that a full table says so instead of overwriting a task.
TEST(TaskTableTest, FullTableRefusesNewTasks) {
  TaskTable t(2);
  ASSERT_NE(t.FindOrInsert(1, 1, 1).slot, kNoSlot);
  ASSERT_NE(t.FindOrInsert(2, 2, 2).slot, kNoSlot);
  EXPECT_EQ(t.FindOrInsert(3, 3, 3).slot, kNoSlot);
  t.Release(t.Find(1, 1));
  EXPECT_NE(t.FindOrInsert(3, 3, 3).slot, kNoSlot);
}

// Checks the index against a reference map under random churn (deletions
// must not hide tasks further along a probe run).
TEST(TaskTableTest, MatchesAReferenceMapUnderChurn) {
  constexpr uint32_t kCapacity = 512;
  TaskTable t(kCapacity);
  std::map<int32_t, std::pair<uint64_t, TaskSlot>> ref;
  std::mt19937 rng(12345);
  uint64_t cookie = 1;
  for (int step = 0; step < 200000; ++step) {
    const int32_t pid = static_cast<int32_t>(rng() % 2048);
    if (rng() % 3 != 0) {
      auto it = ref.find(pid);
      const uint64_t c = it != ref.end() ? it->second.first : cookie++;
      const auto f = t.FindOrInsert(pid, pid, c);
      if (it != ref.end()) {
        ASSERT_EQ(f.slot, it->second.second);
      } else if (ref.size() < kCapacity) {
        ASSERT_NE(f.slot, kNoSlot);
        ref[pid] = {c, f.slot};
      } else {
        ASSERT_EQ(f.slot, kNoSlot);
      }
    } else if (auto it = ref.find(pid); it != ref.end()) {
      t.Release(it->second.second);
      ref.erase(it);
    }
    if (step % 1000 == 0) {
      for (const auto& [p, v] : ref) ASSERT_EQ(t.Find(p, v.first), v.second) << "pid " << p;
      ASSERT_EQ(t.size(), ref.size());
    }
  }
}

}  // namespace
}  // namespace qosland::core
