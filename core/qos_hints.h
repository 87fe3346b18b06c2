// Where a task's QoS class comes from, and who may change it.
//
// A task's class is the first of, in this order:
//   1. a runtime tag (`qosland qos set`, the cooperative library, a cgroup tag);
//   2. a rule (rules files, core/qos_rules.h);
//   3. its standard scheduling attributes (policy, nice, uclamp), read the way
//      Linux Sched QoS writes them, so a system it tagged works unchanged;
//   4. automatic: none of the above; the policy goes by the task's signals
//      alone, at the class `default`.
//
//   ClassFromAttributes({.policy = SCHED_BATCH, .nice = 4, .uclamp_max = 256})
//     -> background
//   ResolveClass(std::nullopt, QosClass::kUtility, QosClass::kBackground)
//     -> {utility, ClassSource::kRule}
//   Authorize({.uid = 1000}, {.owner_uid = 1000, .current = kDefault,
//              .granted = kDefault}, kUserInteractive)
//     -> refused, with the sentence that says why
#ifndef QOSLAND_CORE_QOS_HINTS_H_
#define QOSLAND_CORE_QOS_HINTS_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "policy/qos_class.h"

namespace qosland::core {

using policy::QosClass;

enum class ClassSource : uint8_t { kTag, kRule, kAttributes, kAuto };
// "tag", "rule", "attributes", "automatic".
std::string_view ClassSourceName(ClassSource s);

struct ResolvedClass {
  QosClass qos = QosClass::kDefault;
  ClassSource source = ClassSource::kAuto;
  bool operator==(const ResolvedClass&) const = default;
};

// The precedence above.
ResolvedClass ResolveClass(std::optional<QosClass> tag, std::optional<QosClass> rule,
                           std::optional<QosClass> attributes);

// A task's scheduling attributes, as sched_getattr(2) reports them.
struct SchedAttributes {
  uint32_t policy = 0;  // SCHED_NORMAL (0), SCHED_BATCH (3), SCHED_IDLE (5), SCHED_EXT (7)...
  int nice = 0;
  bool has_uclamp = false;  // the kernel reported uclamp values
  uint32_t uclamp_min = 0;
  uint32_t uclamp_max = 1024;
};

// The class these attributes say, or nullopt when they say nothing:
//   - exactly Sched QoS's settings for a class (policy, nice and, when known,
//     uclamp max): that class. Sched QoS gives default and utility the same
//     settings (SCHED_BATCH, nice 2, uclamp max 512): that reads as default,
//     the higher of the two, so no task is demoted by the ambiguity;
//   - otherwise SCHED_IDLE: background; SCHED_BATCH: utility;
//   - anything else (SCHED_NORMAL at any nice, SCHED_EXT...): nothing; nice
//     already sets the task's weight.
std::optional<QosClass> ClassFromAttributes(const SchedAttributes& a);

// Who asks (from SO_PEERCRED), and the task asked about.
struct Requester {
  uid_t uid = 0;
};
struct TargetTask {
  uid_t owner_uid = 0;  // the task's real uid
  QosClass current = QosClass::kDefault;
  QosClass granted = QosClass::kDefault;  // what its rules give it (default: default)
};

struct Authorization {
  bool allowed = false;
  std::string refusal = {};  // one sentence when not allowed
};

// Root may set anything. Anyone else only on their own tasks: lower the
// class as far as they like, and raise it back up only as far as the larger
// of its current class and the class its rules grant. So only root can put a
// task above what its rules grant, and a user who lowered a task by mistake
// can undo it.
Authorization Authorize(const Requester& who, const TargetTask& task, QosClass wanted);

// Higher is more urgent: user-interactive 4 ... background 0.
int Urgency(QosClass c);

}  // namespace qosland::core

#endif  // QOSLAND_CORE_QOS_HINTS_H_
