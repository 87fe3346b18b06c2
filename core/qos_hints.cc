#include "core/qos_hints.h"

#include <array>
#include <cstdio>

namespace qosland::core {
namespace {

constexpr uint32_t kSchedNormal = 0;
constexpr uint32_t kSchedBatch = 3;
constexpr uint32_t kSchedIdle = 5;

// Sched QoS's documented default settings per class, most urgent first so
// that default (listed before utility) wins their tie.
struct SchedQosSetting {
  QosClass qos;
  uint32_t policy;
  int nice;
  uint32_t uclamp_max;
};
constexpr std::array<SchedQosSetting, 5> kSchedQosSettings = {{
    {QosClass::kUserInteractive, kSchedNormal, -4, 1024},
    {QosClass::kUserInitiated, kSchedNormal, -2, 768},
    {QosClass::kDefault, kSchedBatch, 2, 512},
    {QosClass::kUtility, kSchedBatch, 2, 512},
    {QosClass::kBackground, kSchedBatch, 4, 256},
}};

}  // namespace

std::string_view ClassSourceName(ClassSource s) {
  switch (s) {
    case ClassSource::kTag: return "tag";
    case ClassSource::kRule: return "rule";
    case ClassSource::kAttributes: return "attributes";
    case ClassSource::kAuto: return "automatic";
  }
  return "automatic";
}

ResolvedClass ResolveClass(std::optional<QosClass> tag, std::optional<QosClass> rule,
                           std::optional<QosClass> attributes) {
  if (tag) return {*tag, ClassSource::kTag};
  if (rule) return {*rule, ClassSource::kRule};
  if (attributes) return {*attributes, ClassSource::kAttributes};
  return {QosClass::kDefault, ClassSource::kAuto};
}

std::optional<QosClass> ClassFromAttributes(const SchedAttributes& a) {
  for (const SchedQosSetting& s : kSchedQosSettings) {
    if (a.policy == s.policy && a.nice == s.nice && (!a.has_uclamp || a.uclamp_max == s.uclamp_max)) {
      return s.qos;
    }
  }
  if (a.policy == kSchedIdle) return QosClass::kBackground;
  if (a.policy == kSchedBatch) return QosClass::kUtility;
  return std::nullopt;
}

int Urgency(QosClass c) { return policy::kNumQosClasses - 1 - static_cast<int>(c); }

Authorization Authorize(const Requester& who, const TargetTask& task, QosClass wanted) {
  if (who.uid == 0) return {.allowed = true};
  if (who.uid != task.owner_uid) {
    char buf[160];
    std::snprintf(buf, sizeof(buf),
                  "only root may change the QoS class of another user's task (it belongs to uid %u).",
                  static_cast<unsigned>(task.owner_uid));
    return {.allowed = false, .refusal = buf};
  }
  const bool by_rules = Urgency(task.granted) >= Urgency(task.current);
  const QosClass ceiling = by_rules ? task.granted : task.current;
  if (Urgency(wanted) <= Urgency(ceiling)) return {.allowed = true};
  return {.allowed = false,
          .refusal = "only root may raise this task above " + std::string(policy::QosClassName(ceiling)) +
                     (by_rules ? ", the class its rules grant." : ", its current class.")};
}

}  // namespace qosland::core
