// What the kernel says about sched_ext, from sysfs, and the checks qosland
// makes before loading. Reads files only, so it is tested against fake trees.
#ifndef QOSLAND_CORE_SCHED_EXT_SYSFS_H_
#define QOSLAND_CORE_SCHED_EXT_SYSFS_H_

#include <string>

#include "core/status.h"

namespace qosland::core {

inline constexpr const char* kSchedExtSysfs = "/sys/kernel/sched_ext";

struct SchedExtInfo {
  std::string state;  // "enabled", "disabled", "enabling", "disabling", ...
  std::string ops;    // name of the loaded scheduler; empty when none
};

// Error when the kernel has no sched_ext (no `root` directory).
Result<SchedExtInfo> ReadSchedExt(const std::string& root = kSchedExtSysfs);

// The reasons qosland cannot load, each as one sentence, checked in this
// order: the kernel lacks sched_ext, we are not root, a scheduler is loaded.
Status CheckCanLoad(const std::string& root, bool is_root, const std::string& kernel_release);

}  // namespace qosland::core

#endif  // QOSLAND_CORE_SCHED_EXT_SYSFS_H_
