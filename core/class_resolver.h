// ClassResolver: a task's QoS class and where it comes from (core/qos_hints.h),
// read from procfs: the names and paths rules match on (core/qos_rules.h) and
// the scheduling attributes Sched QoS sets.
//
//   core::ClassResolver resolver(rules, "/proc", &tags);  // a fake tree in tests
//   auto c = resolver.Resolve(tid);               // error: "no task with pid 123"
//   c->resolved.qos, c->resolved.source, c->rule  // the rule, when one decided
//
// Runtime tags (core/qos_tags.h) are kept by the caller, which must hold
// whatever guards them (and the rules) while the resolver runs.
#ifndef QOSLAND_CORE_CLASS_RESOLVER_H_
#define QOSLAND_CORE_CLASS_RESOLVER_H_

#include <optional>
#include <string>

#include "core/qos_hints.h"
#include "core/qos_rules.h"
#include "core/qos_tags.h"
#include "core/status.h"

namespace qosland::core {

struct TaskClass {
  int tid = 0;
  int tgid = 0;
  std::string thread;   // comm
  std::string process;  // the main thread's comm
  std::string cgroup;   // when tags or rules look at it
  uid_t uid = 0;        // real uid, when tags look at it
  ResolvedClass resolved;
  const QosRule* rule = nullptr;  // the deciding rule when resolved.source == kRule
  const Tag* tag = nullptr;       // the deciding tag when resolved.source == kTag
  std::optional<QosClass> rule_class;  // what the rules alone say, tag or not
  SchedAttributes attributes;
};

class ClassResolver {
 public:
  // `rules` and `tags` (none: no runtime tags) must outlive the resolver.
  explicit ClassResolver(const QosRules& rules, std::string proc_root = "/proc", const TagBook* tags = nullptr);

  // Everything, names included (for people: `qosland qos get`).
  Result<TaskClass> Resolve(int tid) const;
  // The same as if the task had no runtime tag.
  Result<TaskClass> ResolveWithoutTags(int tid) const;
  // Only what the rules and tags look at, for a task whose process (tgid)
  // is known: one procfs read when there are neither (the scheduler's path).
  Result<TaskClass> ResolveForScheduler(int tid, int tgid) const;

  // A task's start time (/proc/TID/stat field 22, clock ticks since boot),
  // 0 when there is no such task: with the id, it names a task for good.
  uint64_t StartTime(int tid) const;
  // Tgid and real uid from /proc/TID/status; nullopt when there is no task.
  std::optional<std::pair<int, uid_t>> TgidAndUid(int tid) const;

 private:
  struct Needs {
    RuleNeeds rules;
    bool uid = false;
  };
  Result<TaskClass> ResolveWith(int tid, int tgid, const TagBook* tags, Needs needs) const;
  Needs AllNeeds() const;

  const QosRules& rules_;
  std::string proc_;
  const TagBook* tags_;
};

// "pid 812 (RenderThread of game): user-interactive, from rule
// /etc/qosland/rules.d/game.json:3", for `qosland qos get`.
std::string DescribeTaskClass(const TaskClass& c);

}  // namespace qosland::core

#endif  // QOSLAND_CORE_CLASS_RESOLVER_H_
