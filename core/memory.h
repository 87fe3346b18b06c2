// The scheduler's own memory hygiene. A page fault in the scheduler can wait
// on a kernel thread that waits on the scheduler, so after setup qosland
// locks all its memory (present and future) and counts faults: the count
// should stay at 0 in steady state.
#ifndef QOSLAND_CORE_MEMORY_H_
#define QOSLAND_CORE_MEMORY_H_

#include <cstdint>

#include "core/status.h"

namespace qosland::core {

// mlockall(MCL_CURRENT | MCL_FUTURE) and pre-faults `stack_bytes` of stack.
Status LockMemory(uint64_t stack_bytes = 256 * 1024);
// Minor + major page faults of the whole process so far (getrusage).
uint64_t PageFaults();

}  // namespace qosland::core

#endif  // QOSLAND_CORE_MEMORY_H_
