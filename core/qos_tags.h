// TagBook: runtime QoS tags (`qosland qos set`, the cooperative library
// libqosland), the first source of a task's class (core/qos_hints.h).
//
//   TagBook book;
//   book.Set({.kind = TagKind::kPid, .id = 812, .start = 4711, .qos = QosClass::kUserInteractive});
//   book.Set({.kind = TagKind::kCgroup, .pattern = "/user.slice/build.scope",
//             .qos = QosClass::kBackground, .owner = 1000});
//   book.Match(facts)  -> the class of the most specific tag, or nullopt
//
// A tag names its tasks one of four ways:
//   tid     one thread;
//   pid     every thread of a process, those it starts later included;
//   cgroup  every task in a cgroup v2 directory or below it;
//   comm    every process whose name matches a glob.
// The most specific wins: tid, then pid, then the deepest cgroup, then the
// comm tag set last. A pid or tid tag also keeps the task's start time, so a
// reused pid is never taken for the tagged task (after a restart, or a
// reboot with the state file kept). A cgroup or comm tag set by a user who
// is not root (owner != 0) applies only to that user's tasks.
//
// Tags persist as JSON (ToJson/FromJson) in qosland's state file, so they
// survive a restart of the scheduler.
#ifndef QOSLAND_CORE_QOS_TAGS_H_
#define QOSLAND_CORE_QOS_TAGS_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "policy/qos_class.h"

namespace qosland::core {

enum class TagKind : uint8_t { kTid, kPid, kCgroup, kComm };
inline constexpr TagKind kTagKinds[] = {TagKind::kTid, TagKind::kPid, TagKind::kCgroup, TagKind::kComm};
// "tid", "pid", "cgroup", "comm" (inline: the cooperative library uses
// these without the rest of the core).
inline std::string_view TagKindName(TagKind k) {
  constexpr std::string_view kNames[] = {"tid", "pid", "cgroup", "comm"};
  return kNames[static_cast<int>(k)];
}
inline std::optional<TagKind> ParseTagKind(std::string_view s) {
  for (TagKind k : kTagKinds) {
    if (s == TagKindName(k)) return k;
  }
  return std::nullopt;
}

struct Tag {
  TagKind kind = TagKind::kPid;
  int id = 0;          // tid or pid
  uint64_t start = 0;  // that task's start time (clock ticks since boot, /proc/ID/stat field 22)
  std::string pattern = {};  // cgroup path ("/user.slice/x.scope") or comm glob
  policy::QosClass qos = policy::QosClass::kDefault;
  uid_t owner = 0;  // who set it; not root: applies only to that user's tasks

  // "pid 812", "cgroup /user.slice/x.scope", "comm 'wine*'", for messages.
  std::string Target() const;
};

// What a tag can look at about a task. Start times are asked only when a
// pid or tid tag names the task's ids.
struct TaggedTask {
  int tid = 0, tgid = 0;
  uid_t uid = 0;                  // its real uid
  std::string_view process = {};  // its process's name (main thread's comm)
  std::string_view cgroup = {};   // its cgroup v2 path
  std::function<uint64_t(int id)> start_of = {};  // start time of a tid, 0 if gone
};

struct TagNeeds {
  bool process = false, cgroup = false, uid = false;
};

class TagBook {
 public:
  // Adds a tag, or replaces the one with the same target (kind, id/pattern).
  void Set(Tag tag);
  // Removes the tag with this target; false when there is none.
  bool Clear(TagKind kind, int id, std::string_view pattern);
  const Tag* Find(TagKind kind, int id, std::string_view pattern) const;
  // Drops pid and tid tags whose task is gone (start_of no longer gives
  // their start time). Returns how many.
  size_t Prune(const std::function<uint64_t(int id)>& start_of);

  std::optional<policy::QosClass> Match(const TaggedTask& task) const;
  const Tag* MatchTag(const TaggedTask& task) const;
  TagNeeds needs() const;
  bool empty() const { return tags_.empty(); }
  const std::vector<Tag>& tags() const { return tags_; }

  std::string ToJson() const;
  // `name` is what errors call the text: "tags.json: ..." in one sentence.
  static Result<TagBook> FromJson(std::string_view text, std::string_view name);

 private:
  std::vector<Tag> tags_;  // in the order they were set
};

// A cgroup path as tags and rules keep it: from the cgroup v2 root, with a
// leading '/', no trailing '/', and without a "/sys/fs/cgroup" prefix.
std::string NormalizeCgroupPath(std::string_view path);

}  // namespace qosland::core

#endif  // QOSLAND_CORE_QOS_TAGS_H_
