// libFuzzer target: the wire-record decoder (core/wire_codec.h), which
// reads whatever the kernel side put in the ring buffer. Any input must
// decode or be refused; never crash, never read out of bounds.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/wire_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto task = qosland::core::DecodeQueued(std::span(reinterpret_cast<const std::byte*>(data), size));
  if (task && task->uclamp_max && *task->uclamp_max > 1024) __builtin_trap();  // decoded values stay in range
  return 0;
}
