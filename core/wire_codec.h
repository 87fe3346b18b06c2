// The one place that converts between the wire records of bpf/qosland_wire.h
// and the domain types of core/transport.h and core/stats.h.
#ifndef QOSLAND_CORE_WIRE_CODEC_H_
#define QOSLAND_CORE_WIRE_CODEC_H_

#include <cstddef>
#include <optional>
#include <span>

#include "core/stats.h"
#include "core/transport.h"

struct qosland_dispatch;
struct qosland_bpf_stats;

namespace qosland::core {

// Decodes into *out, every field of it; false (and *out unspecified) for a
// record of the wrong size or an unknown kind. The transport's hot path: no
// temporary, no zero-fill before the fields are written.
bool DecodeQueued(std::span<const std::byte> record, QueuedTask* out);
// The same, as a value: nullopt for a record that does not decode.
std::optional<QueuedTask> DecodeQueued(std::span<const std::byte> record);
void EncodeDispatch(const DispatchDecision& decision, qosland_dispatch* out);
// Sums the per-CPU copies of the BPF counters (all but `runnable`, which BPF
// keeps in one global).
BpfStats SumBpfStats(std::span<const qosland_bpf_stats> per_cpu);

}  // namespace qosland::core

#endif  // QOSLAND_CORE_WIRE_CODEC_H_
