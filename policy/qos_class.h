// QoS classes, Apple's five (as Linux Sched QoS uses them), from the most to
// the least urgent. Policies read a task's class from its events.
#ifndef QOSLAND_POLICY_QOS_CLASS_H_
#define QOSLAND_POLICY_QOS_CLASS_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace qosland::policy {

enum class QosClass : uint8_t {
  kUserInteractive = 0,  // UI, animation, input, a game's frame chain
  kUserInitiated = 1,    // work the user is waiting on
  kDefault = 2,          // no information
  kUtility = 3,          // long work the user is not watching
  kBackground = 4,       // indexing, backups, builds left to run
};
inline constexpr int kNumQosClasses = 5;

// "user-interactive", "user-initiated", "default", "utility", "background".
std::string_view QosClassName(QosClass c);
// Accepts the names above; nullopt otherwise.
std::optional<QosClass> ParseQosClass(std::string_view name);

}  // namespace qosland::policy

#endif  // QOSLAND_POLICY_QOS_CLASS_H_
