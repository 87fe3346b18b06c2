#include "policy/qos_class.h"

#include <array>
#include <cctype>
#include <string>

namespace qosland::policy {
namespace {

constexpr std::array<std::string_view, kNumQosClasses> kNames = {
    "user-interactive", "user-initiated", "default", "utility", "background"};
constexpr std::array<std::string_view, kNumQosClasses> kSchedQosNames = {
    "QOS_USER_INTERACTIVE", "QOS_USER_INITIATED", "QOS_DEFAULT", "QOS_UTILITY",
    "QOS_BACKGROUND"};
// kNames without separators, the form every spelling is reduced to.
constexpr std::array<std::string_view, kNumQosClasses> kFolded = {
    "userinteractive", "userinitiated", "default", "utility", "background"};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string_view QosClassName(QosClass c) { return kNames[static_cast<size_t>(c)]; }

std::string_view SchedQosName(QosClass c) { return kSchedQosNames[static_cast<size_t>(c)]; }

std::string_view QosClassList() {
  return "user-interactive, user-initiated, default, utility, background";
}

std::string UnknownQosClass(std::string_view name) {
  return "unknown QoS class '" + std::string(name.substr(0, 64)) + "' (one of " + std::string(QosClassList()) +
         ", or Sched QoS's QOS_* names)";
}

std::optional<QosClass> ParseQosClass(std::string_view name) {
  if (name.size() > 64) return std::nullopt;
  std::string folded;
  for (const char ch : name) {
    if (ch == '-' || ch == '_' || ch == ' ') continue;
    folded += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  std::string_view f = folded;
  if (StartsWith(f, ".")) f.remove_prefix(1);            // Swift: .userInteractive
  if (StartsWith(f, "qosclass")) f.remove_prefix(8);     // Apple: QOS_CLASS_UTILITY
  else if (StartsWith(f, "qos")) f.remove_prefix(3);     // Sched QoS: QOS_UTILITY
  for (size_t i = 0; i < kFolded.size(); ++i) {
    if (kFolded[i] == f) return static_cast<QosClass>(i);
  }
  return std::nullopt;
}

}  // namespace qosland::policy
