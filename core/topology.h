// CPU topology as sysfs describes it: which CPUs are SMT siblings (one
// physical core) and which share a last-level cache. Read by user space at
// start and handed to BPF for CPU selection on the wakeup path. Reads files
// only, so it is tested against fake sysfs trees.
//
//   auto topo = ReadCpuTopology();  // /sys/devices/system/cpu
//   if (topo.ok()) for (auto& llc : topo->llc_cpus) ...
#ifndef QOSLAND_CORE_TOPOLOGY_H_
#define QOSLAND_CORE_TOPOLOGY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace qosland::core {

inline constexpr const char* kSysfsCpuRoot = "/sys/devices/system/cpu";

struct CpuTopology {
  uint32_t nr_cpu_ids = 0;             // highest online CPU id + 1
  std::vector<uint32_t> online;        // online CPU ids, ascending
  std::vector<int32_t> core_of;        // per CPU id: index into core_cpus, -1 if offline
  std::vector<int32_t> llc_of;         // per CPU id: index into llc_cpus, -1 if offline
  std::vector<std::vector<uint32_t>> core_cpus;  // SMT siblings of each physical core
  std::vector<std::vector<uint32_t>> llc_cpus;   // CPUs sharing each last-level cache

  bool smt() const;  // some core has more than one CPU
  // For people: "4 CPUs, 2 cores with SMT, 1 last-level cache".
  std::string Describe() const;
};

// Parses a kernel CPU list ("0-3,8,10-11"); error on anything else.
Result<std::vector<uint32_t>> ParseCpuList(std::string_view text);

// Reads <root>/online, <root>/cpuN/topology/thread_siblings_list and the
// highest-level cache in <root>/cpuN/cache/index*/ (its shared_cpu_list).
// A CPU without cache information gets an LLC of its own.
Result<CpuTopology> ReadCpuTopology(const std::string& root = kSysfsCpuRoot);

}  // namespace qosland::core

#endif  // QOSLAND_CORE_TOPOLOGY_H_
