#include "policy/qos_class.h"

#include <array>

namespace qosland::policy {
namespace {

constexpr std::array<std::string_view, kNumQosClasses> kNames = {
    "user-interactive", "user-initiated", "default", "utility", "background"};

}  // namespace

std::string_view QosClassName(QosClass c) { return kNames[static_cast<size_t>(c)]; }

std::optional<QosClass> ParseQosClass(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<QosClass>(i);
  }
  return std::nullopt;
}

}  // namespace qosland::policy
