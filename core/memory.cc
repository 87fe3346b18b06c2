#include "core/memory.h"

#include <sys/mman.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace qosland::core {
namespace {

// Touch the stack so that its pages are present (and then locked).
__attribute__((noinline)) void PrefaultStack(uint64_t bytes) {
  constexpr uint64_t kChunk = 4096;
  char page[kChunk];
  std::memset(page, 0, sizeof(page));
  asm volatile("" : : "r"(page) : "memory");  // keep the stores
  if (bytes > kChunk) PrefaultStack(bytes - kChunk);
}

}  // namespace

Status LockMemory(uint64_t stack_bytes) {
  PrefaultStack(stack_bytes);
  if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0) {
    return Status::Error(std::string("could not lock qosland's memory (mlockall: ") +
                         std::strerror(errno) + "); raise RLIMIT_MEMLOCK or run as root");
  }
  return Status();
}

uint64_t PageFaults() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<uint64_t>(ru.ru_minflt) + static_cast<uint64_t>(ru.ru_majflt);
}

}  // namespace qosland::core
