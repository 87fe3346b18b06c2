#include "core/wire_codec.h"

#include <algorithm>

#include <cstddef>
#include <cstring>
#include <tuple>

#include "bpf/qosland_orders.h"
#include "bpf/qosland_signals.h"
#include "bpf/qosland_wire.h"

namespace qosland::core {

// The layout BPF writes and reads; a change here is a wire change.
static_assert(sizeof(qosland_queued) == 104);
static_assert(offsetof(qosland_queued, cookie) == 8);
static_assert(offsetof(qosland_queued, gen) == 16);
static_assert(offsetof(qosland_queued, enq_ns) == 24);
static_assert(offsetof(qosland_queued, runtime_ns) == 32);
static_assert(offsetof(qosland_queued, kind) == 40);
static_assert(offsetof(qosland_queued, flags) == 44);
static_assert(offsetof(qosland_queued, prev_cpu) == 48);
static_assert(offsetof(qosland_queued, weight) == 52);
static_assert(offsetof(qosland_queued, nr_cpus_allowed) == 56);
static_assert(offsetof(qosland_queued, ident_hash) == 60);
static_assert(offsetof(qosland_queued, avg_runtime_ns) == 64);
static_assert(offsetof(qosland_queued, slept_ns) == 72);
static_assert(offsetof(qosland_queued, wake_freq_hz) == 80);
static_assert(offsetof(qosland_queued, block_freq_hz) == 84);
static_assert(offsetof(qosland_queued, waker_pid) == 88);
static_assert(offsetof(qosland_queued, nr_runnable) == 92);
static_assert(offsetof(qosland_queued, rooted) == 96);
static_assert(sizeof(qosland_dispatch) == 88);
static_assert(offsetof(qosland_dispatch, order_floor) == 80);
static_assert(offsetof(qosland_dispatch, cpu) == 4);
static_assert(offsetof(qosland_dispatch, cookie) == 8);
static_assert(offsetof(qosland_dispatch, gen) == 16);
static_assert(offsetof(qosland_dispatch, slice_ns) == 24);
static_assert(offsetof(qosland_dispatch, vtime) == 32);
static_assert(offsetof(qosland_dispatch, flags) == 40);
static_assert(offsetof(qosland_dispatch, order_cpu) == 44);
static_assert(offsetof(qosland_dispatch, start) == 48);
static_assert(offsetof(qosland_dispatch, order_offset) == 56);
static_assert(offsetof(qosland_dispatch, order_slice_ns) == 64);
static_assert(offsetof(qosland_dispatch, order_wakeups) == 72);
static_assert(offsetof(qosland_dispatch, order_runtime_us) == 76);
static_assert(sizeof(qosland_bpf_stats) == (28 + QOSLAND_DELAY_BUCKETS) * 8);
static_assert(QOSLAND_DELAY_BUCKETS == std::tuple_size_v<decltype(BpfStats::decision_delay_hist)>);

namespace {

// One field of a wire record, read in place (records are only 8-byte aligned
// by contract, so through memcpy, which compiles to a plain load).
template <typename T>
T Field(const std::byte* record, size_t offset) {
  T v;
  std::memcpy(&v, record + offset, sizeof(v));
  return v;
}
#define QOSLAND_FIELD(rec, name) Field<decltype(qosland_queued::name)>(rec, offsetof(qosland_queued, name))

}  // namespace

bool DecodeQueued(std::span<const std::byte> record, QueuedTask* out) {
  if (record.size() != sizeof(qosland_queued)) return false;
  const std::byte* r = record.data();
  QueuedTask& t = *out;
  switch (QOSLAND_FIELD(r, kind)) {
    case QOSLAND_REC_QUEUED: t.kind = QueuedTask::Kind::kQueued; break;
    case QOSLAND_REC_EXIT: t.kind = QueuedTask::Kind::kExit; break;
    case QOSLAND_REC_NUDGE: t = QueuedTask{.kind = QueuedTask::Kind::kNudge}; return true;
    default: return false;
  }
  const uint32_t flags = QOSLAND_FIELD(r, flags);
  t.pid = QOSLAND_FIELD(r, pid);
  t.tgid = QOSLAND_FIELD(r, tgid);
  t.cookie = QOSLAND_FIELD(r, cookie);
  t.gen = QOSLAND_FIELD(r, gen);
  t.enq_ns = QOSLAND_FIELD(r, enq_ns);
  t.runtime_ns = QOSLAND_FIELD(r, runtime_ns);
  t.prev_cpu = QOSLAND_FIELD(r, prev_cpu);
  t.weight = QOSLAND_FIELD(r, weight);
  t.nr_cpus_allowed = QOSLAND_FIELD(r, nr_cpus_allowed);
  t.wakeup = (flags & QOSLAND_QF_WAKEUP) != 0;
  t.ordered = (flags & QOSLAND_QF_ORDERED) != 0;
  t.order_low = t.ordered && (flags & QOSLAND_QF_ORDER_LOW) != 0;
  t.sched_policy = static_cast<uint8_t>(flags >> QOSLAND_QF_POLICY_SHIFT);
  t.nice = static_cast<int8_t>(static_cast<uint8_t>(flags >> QOSLAND_QF_NICE_SHIFT));
  if (const uint32_t u = (flags >> QOSLAND_QF_UCLAMP_SHIFT) & 0xff; u != 0) {
    t.uclamp_max = static_cast<uint16_t>(std::min<uint32_t>((u - 1) << 3, 1024));
  } else {
    t.uclamp_max.reset();
  }
  t.avg_runtime_ns = QOSLAND_FIELD(r, avg_runtime_ns);
  t.slept_ns = QOSLAND_FIELD(r, slept_ns);
  t.wake_freq_hz = QOSLAND_FIELD(r, wake_freq_hz);
  t.block_freq_hz = QOSLAND_FIELD(r, block_freq_hz);
  t.ident_hash = QOSLAND_FIELD(r, ident_hash);
  t.waker_pid = QOSLAND_FIELD(r, waker_pid);
  t.nr_runnable = QOSLAND_FIELD(r, nr_runnable);
  t.rooted = std::min<uint32_t>(QOSLAND_FIELD(r, rooted), QOSLAND_ROOTED_ONE);
  return true;
}
#undef QOSLAND_FIELD

std::optional<QueuedTask> DecodeQueued(std::span<const std::byte> record) {
  QueuedTask t;
  if (!DecodeQueued(record, &t)) return std::nullopt;
  return t;
}

void EncodeDispatch(const DispatchDecision& d, qosland_dispatch* out) {
  out->pid = d.pid;
  out->cpu = d.cpu < 0 ? QOSLAND_CPU_ANY : d.cpu;
  out->cookie = d.cookie;
  out->gen = d.gen;
  out->slice_ns = d.slice_ns;
  out->vtime = d.vtime;
  const bool order = d.order.active && d.order.wakeups > 0 && d.order.runtime_us > 0;
  out->flags = (d.urgent ? QOSLAND_DF_URGENT : 0) | (order ? QOSLAND_DF_ORDER : 0) |
               (d.kind == DispatchDecision::Kind::kOrderOnly ? QOSLAND_DF_ORDER_ONLY : 0);
  out->start = d.start;
  out->order_cpu = order && d.order.cpu >= 0 ? d.order.cpu : QOSLAND_CPU_ANY;
  out->order_offset = order ? d.order.offset_ns : 0;
  out->order_slice_ns = order ? d.order.slice_ns : 0;
  out->order_floor = order ? d.order.floor_vtime : 0;
  out->order_wakeups = order ? qosland_order_wakeups(d.order.wakeups) : 0;
  out->order_runtime_us = order ? std::min<uint32_t>(d.order.runtime_us, QOSLAND_ORDER_MAX_RUNTIME_US) : 0;
}

BpfStats SumBpfStats(std::span<const qosland_bpf_stats> per_cpu) {
  BpfStats s;
  for (const qosland_bpf_stats& c : per_cpu) {
#define QOSLAND_BPF_COUNTER_ADD(name, bpf_name, what) s.name += c.bpf_name;
    QOSLAND_BPF_COUNTERS(QOSLAND_BPF_COUNTER_ADD)
#undef QOSLAND_BPF_COUNTER_ADD
    s.queued += c.nr_queued;
    for (size_t i = 0; i < s.decision_delay_hist.size(); ++i) {
      s.decision_delay_hist[i] += c.decision_delay_hist[i];
    }
  }
  return s;
}

}  // namespace qosland::core
