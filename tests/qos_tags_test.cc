#include "core/qos_tags.h"

#include <gtest/gtest.h>

#include <map>

namespace qosland::core {
namespace {

using policy::QosClass;

// A task as tags see it; start times from a table (a missing id: gone).
struct Task {
  std::map<int, uint64_t> starts = {{812, 4711}, {813, 4712}};
  TaggedTask Of(int tid, int tgid, uid_t uid, std::string_view comm, std::string_view cgroup) const {
    return {.tid = tid, .tgid = tgid, .uid = uid, .process = comm, .cgroup = cgroup, .start_of = [this](int id) {
              const auto it = starts.find(id);
              return it == starts.end() ? uint64_t{0} : it->second;
            }};
  }
};

// Checks the order among tags that all name one thread: its own tag, then
// its process's, then the deepest cgroup's, then the newest comm tag.
TEST(TagBookTest, MostSpecificTagWins) {
  Task tasks;
  const TaggedTask render = tasks.Of(813, 812, 1000, "game", "/user.slice/app-game.scope/sub");
  TagBook book;
  EXPECT_EQ(book.Match(render), std::nullopt);
  book.Set({.kind = TagKind::kComm, .pattern = "ga*", .qos = QosClass::kUtility});
  EXPECT_EQ(book.Match(render), QosClass::kUtility);
  book.Set({.kind = TagKind::kComm, .pattern = "game", .qos = QosClass::kUserInitiated});
  EXPECT_EQ(book.Match(render), QosClass::kUserInitiated);  // the newer comm tag
  book.Set({.kind = TagKind::kCgroup, .pattern = "/user.slice/app-game.scope", .qos = QosClass::kBackground});
  EXPECT_EQ(book.Match(render), QosClass::kBackground);
  book.Set({.kind = TagKind::kCgroup, .pattern = "/user.slice", .qos = QosClass::kDefault});
  EXPECT_EQ(book.Match(render), QosClass::kBackground);  // the deeper cgroup, though older
  book.Set({.kind = TagKind::kPid, .id = 812, .start = 4711, .qos = QosClass::kUtility});
  EXPECT_EQ(book.Match(render), QosClass::kUtility);
  book.Set({.kind = TagKind::kTid, .id = 813, .start = 4712, .qos = QosClass::kUserInteractive});
  EXPECT_EQ(book.Match(render), QosClass::kUserInteractive);
  // The process's other threads keep the process's tag.
  EXPECT_EQ(book.Match(tasks.Of(812, 812, 1000, "game", "/user.slice/app-game.scope")), QosClass::kUtility);
  // Clearing the thread's tag gives it back its process's.
  EXPECT_TRUE(book.Clear(TagKind::kTid, 813, ""));
  EXPECT_FALSE(book.Clear(TagKind::kTid, 813, ""));
  EXPECT_EQ(book.Match(render), QosClass::kUtility);
}

// Checks that a cgroup tag covers its directory and those below it, and
// nothing that only shares a prefix of its name.
TEST(TagBookTest, CgroupTagCoversItsSubtree) {
  Task tasks;
  TagBook book;
  book.Set({.kind = TagKind::kCgroup, .pattern = "/build.slice", .qos = QosClass::kBackground});
  EXPECT_EQ(book.Match(tasks.Of(1, 1, 0, "make", "/build.slice")), QosClass::kBackground);
  EXPECT_EQ(book.Match(tasks.Of(1, 1, 0, "cc1", "/build.slice/job-3.scope")), QosClass::kBackground);
  EXPECT_EQ(book.Match(tasks.Of(1, 1, 0, "x", "/build.slicer")), std::nullopt);
  EXPECT_EQ(book.Match(tasks.Of(1, 1, 0, "x", "")), std::nullopt);
  EXPECT_EQ(NormalizeCgroupPath("/sys/fs/cgroup/build.slice/"), "/build.slice");
  EXPECT_EQ(NormalizeCgroupPath("build.slice"), "/build.slice");
  EXPECT_EQ(NormalizeCgroupPath("/sys/fs/cgroup"), "/");
  EXPECT_EQ(NormalizeCgroupPath("/sys/fs/cgroupx"), "/sys/fs/cgroupx");
}

// Checks that a pid tag never lands on a task that reuses the pid (another
// start time), and that Prune drops tags whose task is gone.
TEST(TagBookTest, ReusedPidIsNotTheTaggedTask) {
  Task tasks;
  TagBook book;
  book.Set({.kind = TagKind::kPid, .id = 812, .start = 4711, .qos = QosClass::kBackground});
  book.Set({.kind = TagKind::kTid, .id = 900, .start = 1, .qos = QosClass::kBackground});
  EXPECT_EQ(book.Match(tasks.Of(812, 812, 0, "game", "")), QosClass::kBackground);
  tasks.starts[812] = 9999;  // pid 812 is another process now
  EXPECT_EQ(book.Match(tasks.Of(812, 812, 0, "game", "")), std::nullopt);
  tasks.starts[812] = 4711;
  EXPECT_EQ(book.Prune(tasks.Of(0, 0, 0, "", "").start_of), 1u);  // tid 900 is gone
  ASSERT_EQ(book.tags().size(), 1u);
  EXPECT_EQ(book.tags()[0].id, 812);
}

// Checks that a user's comm or cgroup tag reaches only that user's tasks,
// and root's reaches everyone's.
TEST(TagBookTest, UserTagsCoverOnlyTheirOwnTasks) {
  Task tasks;
  TagBook book;
  book.Set({.kind = TagKind::kComm, .pattern = "indexer", .qos = QosClass::kBackground, .owner = 1000});
  EXPECT_EQ(book.Match(tasks.Of(5, 5, 1000, "indexer", "")), QosClass::kBackground);
  EXPECT_EQ(book.Match(tasks.Of(6, 6, 1001, "indexer", "")), std::nullopt);
  EXPECT_TRUE(book.needs().uid);
  EXPECT_TRUE(book.needs().process);
  EXPECT_FALSE(book.needs().cgroup);
  book.Set({.kind = TagKind::kComm, .pattern = "indexer", .qos = QosClass::kUtility, .owner = 0});
  EXPECT_EQ(book.tags().size(), 1u);  // same target: replaced
  EXPECT_EQ(book.Match(tasks.Of(6, 6, 1001, "indexer", "")), QosClass::kUtility);
  EXPECT_FALSE(book.needs().uid);
}

// Checks that the state file's text gives back the same tags, in order.
TEST(TagBookTest, JsonRoundTrip) {
  TagBook book;
  book.Set({.kind = TagKind::kPid, .id = 812, .start = 4711, .qos = QosClass::kUserInteractive, .owner = 1000});
  book.Set({.kind = TagKind::kCgroup, .pattern = "/build.slice", .qos = QosClass::kBackground});
  book.Set({.kind = TagKind::kComm, .pattern = "wine*", .qos = QosClass::kUserInitiated, .owner = 1000});
  auto back = TagBook::FromJson(book.ToJson(), "tags.json");
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->tags().size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const Tag &a = book.tags()[i], &b = back->tags()[i];
    EXPECT_EQ(a.Target(), b.Target());
    EXPECT_EQ(a.qos, b.qos);
    EXPECT_EQ(a.owner, b.owner);
    EXPECT_EQ(a.start, b.start);
  }
  EXPECT_EQ(back->tags()[2].Target(), "comm 'wine*'");
}

// Checks that each malformed state file is one sentence naming the file.
TEST(TagBookTest, MalformedStateFile) {
  const std::pair<const char*, const char*> cases[] = {
      {"{", "tags.json: not JSON (byte 2)"},
      {"[]", "tags.json: expected an object with a \"tags\" array"},
      {R"({"tags": [{"kind": "pid", "qos": "background"}]})", "tags.json: tag 1 is malformed"},
      {R"({"tags": [{"kind": "pid", "id": 1, "start": 2, "qos": "fast"}]})", "tags.json: tag 1 is malformed"},
      {R"({"tags": [{"kind": "user", "pattern": "x", "qos": "utility"}]})", "tags.json: tag 1 is malformed"},
      {R"({"tags": [{"kind": "comm", "pattern": "a", "qos": "utility"}, {"kind": "comm", "qos": "utility"}]})",
       "tags.json: tag 2 is malformed"},
      {R"({"tags": [{"kind": "comm", "pattern": "a", "qos": "utility", "owner": -1}]})",
       "tags.json: tag 1 is malformed"},
      {R"({"tags": [{"kind": "pid", "id": 4294967297, "start": 1, "qos": "utility"}]})",
       "tags.json: tag 1 is malformed"},
      {R"({"tags": [{"kind": "pid", "id": 1e99999, "start": 1, "qos": "utility"}]})",
       "tags.json: not JSON (a number out of range)"},
  };
  for (const auto& [text, want] : cases) {
    auto book = TagBook::FromJson(text, "tags.json");
    ASSERT_FALSE(book.ok()) << text;
    EXPECT_EQ(book.status().message(), want) << text;
  }
}

}  // namespace
}  // namespace qosland::core
