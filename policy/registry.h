// The policies `qosland --policy NAME` can run. Adding one is one line in
// registry.cc (an explicit list: a static registrar in a static library would
// be dropped by the linker when nothing else references its file).
//
//   auto p = MakePolicy("vruntime", PolicyConfig{.nr_cpus = 4});
//   if (!p) { /* unknown name: see RegisteredPolicies() */ }
#ifndef QOSLAND_POLICY_REGISTRY_H_
#define QOSLAND_POLICY_REGISTRY_H_

#include <memory>
#include <span>
#include <string_view>

#include "policy/policy.h"

namespace qosland::policy {

struct PolicyInfo {
  std::string_view name;
  std::string_view summary;
  std::unique_ptr<Policy> (*make)(const PolicyConfig& config);
};

std::span<const PolicyInfo> RegisteredPolicies();
// nullptr when no policy has that name.
std::unique_ptr<Policy> MakePolicy(std::string_view name, const PolicyConfig& config);

}  // namespace qosland::policy

#endif  // QOSLAND_POLICY_REGISTRY_H_
