// QoS classes, Apple's five (as Linux Sched QoS uses them), from the most to
// the least urgent. Policies read a task's class from its events.
#ifndef QOSLAND_POLICY_QOS_CLASS_H_
#define QOSLAND_POLICY_QOS_CLASS_H_

#include <cstdint>
#include <optional>
#include <string>
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
// Sched QoS's spelling: "QOS_USER_INTERACTIVE", ... (its rules files).
std::string_view SchedQosName(QosClass c);
// Accepts every common spelling, in any case: the names above, with '-',
// '_' or nothing between the words ("user_interactive", "userInteractive",
// Swift's ".userInteractive"), Apple's C constants ("QOS_CLASS_UTILITY") and
// Sched QoS's ("QOS_UTILITY"). Nullopt otherwise, e.g. for Apple's
// "QOS_CLASS_UNSPECIFIED", which names no class.
std::optional<QosClass> ParseQosClass(std::string_view name);
// "user-interactive, user-initiated, default, utility, background", for
// error messages.
std::string_view QosClassList();
// "unknown QoS class 'fast' (one of user-interactive, ..., or Sched QoS's
// QOS_* names)": what every caller of ParseQosClass says when it fails.
std::string UnknownQosClass(std::string_view name);

}  // namespace qosland::policy

#endif  // QOSLAND_POLICY_QOS_CLASS_H_
