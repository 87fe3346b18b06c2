// ClassResolver: a task's QoS class and where it comes from (core/qos_hints.h),
// read from procfs: the names and paths rules match on (core/qos_rules.h) and
// the scheduling attributes Sched QoS sets.
//
//   core::ClassResolver resolver(rules);          // "/proc", or a fake tree in tests
//   auto c = resolver.Resolve(tid);               // error: "no task with pid 123"
//   c->resolved.qos, c->resolved.source, c->rule  // the rule, when one decided
//
// Runtime tags are not kept here: callers pass the tag they hold, if any.
#ifndef QOSLAND_CORE_CLASS_RESOLVER_H_
#define QOSLAND_CORE_CLASS_RESOLVER_H_

#include <optional>
#include <string>

#include "core/qos_hints.h"
#include "core/qos_rules.h"
#include "core/status.h"

namespace qosland::core {

struct TaskClass {
  int tid = 0;
  int tgid = 0;
  std::string thread;   // comm
  std::string process;  // the main thread's comm
  ResolvedClass resolved;
  const QosRule* rule = nullptr;  // the deciding rule when resolved.source == kRule
  SchedAttributes attributes;
};

class ClassResolver {
 public:
  // `rules` must outlive the resolver.
  explicit ClassResolver(const QosRules& rules, std::string proc_root = "/proc");

  // Everything, names included (for people: `qosland qos get`).
  Result<TaskClass> Resolve(int tid, std::optional<QosClass> tag = std::nullopt) const;
  // Only what the rules look at, for a task whose process (tgid) is known:
  // one procfs read when there are no rules (the scheduler's path).
  Result<TaskClass> ResolveForScheduler(int tid, int tgid) const;

 private:
  Result<TaskClass> ResolveWith(int tid, int tgid, std::optional<QosClass> tag, const RuleNeeds& needs) const;

  const QosRules& rules_;
  std::string proc_;
};

// "pid 812 (RenderThread of game): user-interactive, from rule
// /etc/qosland/rules.d/game.json:3", for `qosland qos get`.
std::string DescribeTaskClass(const TaskClass& c);

}  // namespace qosland::core

#endif  // QOSLAND_CORE_CLASS_RESOLVER_H_
