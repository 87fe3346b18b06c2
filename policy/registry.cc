#include "policy/registry.h"

#include "policy/fallback_policy.h"
#include "policy/fifo_policy.h"
#include "policy/qos_policy.h"
#include "policy/vruntime_policy.h"

namespace qosland::policy {
namespace {

template <typename P>
std::unique_ptr<Policy> Make(const PolicyConfig& config) {
  return std::make_unique<P>(config);
}

constexpr PolicyInfo kPolicies[] = {
    {"qos", "deadlines from wake/block rates, runtime, weight and QoS class (default)",
     &Make<QosPolicy>},
    {"vruntime", "weighted virtual runtime: CPU time in proportion to weight",
     &Make<VruntimePolicy>},
    {"fifo", "first come, first served, one slice each", &Make<FifoPolicy>},
    {"fallback", "the deadline BPF schedules by while user space is stalled, in user space",
     &Make<FallbackPolicy>},
};

}  // namespace

std::span<const PolicyInfo> RegisteredPolicies() { return kPolicies; }

std::unique_ptr<Policy> MakePolicy(std::string_view name, const PolicyConfig& config) {
  for (const PolicyInfo& info : kPolicies) {
    if (info.name == name) return info.make(config);
  }
  return nullptr;
}

}  // namespace qosland::policy
