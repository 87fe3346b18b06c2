#include "core/wire_codec.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "bpf/qosland_signals.h"
#include "bpf/qosland_wire.h"

namespace qosland::core {
namespace {

std::vector<std::byte> Bytes(const qosland_queued& w) {
  std::vector<std::byte> b(sizeof(w));
  std::memcpy(b.data(), &w, sizeof(w));
  return b;
}

// Checks that every field BPF writes reaches the loop unchanged.
// Checks that a record from a kernel without uclamp says so (no value),
// and that uclamp max 0 and 1024 come through.
TEST(WireCodecTest, UclampMaxIsOptional) {
  qosland_queued w{};
  w.pid = 1;
  w.tgid = 1;
  w.cookie = 1;
  w.kind = QOSLAND_REC_QUEUED;
  EXPECT_EQ(DecodeQueued(Bytes(w))->uclamp_max, std::nullopt);
  w.flags = 1u << QOSLAND_QF_UCLAMP_SHIFT;
  EXPECT_EQ(DecodeQueued(Bytes(w))->uclamp_max, 0);
  w.flags = 129u << QOSLAND_QF_UCLAMP_SHIFT;
  EXPECT_EQ(DecodeQueued(Bytes(w))->uclamp_max, 1024);
}

TEST(WireCodecTest, DecodesAQueuedRecord) {
  qosland_queued w{};
  w.pid = 1234;
  w.tgid = 1200;
  w.cookie = 99;
  w.gen = 7;
  w.enq_ns = 5'000'000'000ull;
  w.runtime_ns = 1'500'000;
  w.kind = QOSLAND_REC_QUEUED;
  w.flags = QOSLAND_QF_WAKEUP | (3u << QOSLAND_QF_POLICY_SHIFT) | (0xfeu << QOSLAND_QF_NICE_SHIFT) |
            ((768u / 8 + 1) << QOSLAND_QF_UCLAMP_SHIFT);
  w.prev_cpu = 3;
  w.weight = 250;
  w.nr_cpus_allowed = 8;
  w.avg_runtime_ns = 2'000'000;
  w.slept_ns = 14'000'000;
  w.wake_freq_hz = 120;
  w.block_freq_hz = 60;
  w.waker_pid = 1199;
  w.nr_runnable = 21;
  w.rooted = 700;
  const auto t = DecodeQueued(Bytes(w));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->kind, QueuedTask::Kind::kQueued);
  EXPECT_EQ(t->pid, 1234);
  EXPECT_EQ(t->tgid, 1200);
  EXPECT_EQ(t->sched_policy, 3);
  EXPECT_EQ(t->nice, -2);
  EXPECT_EQ(t->uclamp_max, 768);
  EXPECT_EQ(t->cookie, 99u);
  EXPECT_EQ(t->gen, 7u);
  EXPECT_EQ(t->enq_ns, 5'000'000'000ull);
  EXPECT_EQ(t->runtime_ns, 1'500'000u);
  EXPECT_EQ(t->prev_cpu, 3);
  EXPECT_EQ(t->weight, 250u);
  EXPECT_EQ(t->nr_cpus_allowed, 8u);
  EXPECT_TRUE(t->wakeup);
  EXPECT_EQ(t->avg_runtime_ns, 2'000'000u);
  EXPECT_EQ(t->slept_ns, 14'000'000u);
  EXPECT_EQ(t->wake_freq_hz, 120u);
  EXPECT_EQ(t->block_freq_hz, 60u);
  EXPECT_EQ(t->waker_pid, 1199);
  EXPECT_EQ(t->nr_runnable, 21u);
  EXPECT_EQ(t->rooted, 700u);
  w.rooted = 5000;  // out of range: read as fully rooted, never more
  EXPECT_EQ(DecodeQueued(Bytes(w))->rooted, QOSLAND_ROOTED_ONE);
}

// Checks that records of the wrong size or kind are refused, not misread.
TEST(WireCodecTest, RefusesMalformedRecords) {
  qosland_queued w{};
  w.kind = QOSLAND_REC_QUEUED;
  auto b = Bytes(w);
  EXPECT_FALSE(DecodeQueued(std::span(b.data(), b.size() - 8)).has_value());
  w.kind = 77;
  EXPECT_FALSE(DecodeQueued(Bytes(w)).has_value());
  w.kind = QOSLAND_REC_EXIT;
  ASSERT_TRUE(DecodeQueued(Bytes(w)).has_value());
  EXPECT_EQ(DecodeQueued(Bytes(w))->kind, QueuedTask::Kind::kExit);
  w.kind = QOSLAND_REC_NUDGE;
  ASSERT_TRUE(DecodeQueued(Bytes(w)).has_value());
  EXPECT_EQ(DecodeQueued(Bytes(w))->kind, QueuedTask::Kind::kNudge);
}

// Checks that a decision for "any CPU" and its keys are encoded as BPF expects.
TEST(WireCodecTest, EncodesADecision) {
  qosland_dispatch out{};
  EncodeDispatch({.pid = 5, .cpu = -7, .cookie = 3, .gen = 9, .slice_ns = 100, .vtime = 42}, &out);
  EXPECT_EQ(out.pid, 5);
  EXPECT_EQ(out.cpu, QOSLAND_CPU_ANY);
  EXPECT_EQ(out.cookie, 3u);
  EXPECT_EQ(out.gen, 9u);
  EXPECT_EQ(out.slice_ns, 100u);
  EXPECT_EQ(out.vtime, 42u);
  EXPECT_EQ(out.flags, 0u);
}

// Checks that an urgent decision carries the flag that keeps BPF from
// holding that task's wakeups, and that the padding goes out as zero.
TEST(WireCodecTest, EncodesUrgency) {
  qosland_dispatch out;
  std::memset(&out, 0xff, sizeof(out));
  EncodeDispatch({.pid = 5, .urgent = true}, &out);
  EXPECT_EQ(out.flags, QOSLAND_DF_URGENT);
  // Without an order, every order field goes out as "none".
  EXPECT_EQ(out.order_cpu, QOSLAND_CPU_ANY);
  EXPECT_EQ(out.order_offset, 0);
  EXPECT_EQ(out.order_slice_ns, 0u);
  EXPECT_EQ(out.order_wakeups, 0u);
  EXPECT_EQ(out.order_runtime_us, 0u);
  EXPECT_EQ(out.start, 0u);
  EncodeDispatch({.pid = 5, .urgent = false}, &out);
  EXPECT_EQ(out.flags, 0u);
}

// Checks that a decision's standing order reaches BPF within the kernel
// side's caps, with its start (the kernel clock's input).
TEST(WireCodecTest, EncodesAStandingOrderWithinTheCaps) {
  qosland_dispatch out{};
  EncodeDispatch({.pid = 5, .vtime = 900, .start = 700,
                  .order = {.active = true, .cpu = 1, .offset_ns = -2500, .slice_ns = 3000,
                            .wakeups = 100, .runtime_us = 1'000'000}},
                 &out);
  EXPECT_EQ(out.flags, QOSLAND_DF_ORDER);
  EXPECT_EQ(out.start, 700u);
  EXPECT_EQ(out.order_cpu, 1);
  EXPECT_EQ(out.order_offset, -2500);
  EXPECT_EQ(out.order_slice_ns, 3000u);
  EXPECT_EQ(out.order_wakeups, QOSLAND_ORDER_MAX_WAKEUPS);
  EXPECT_EQ(out.order_runtime_us, QOSLAND_ORDER_MAX_RUNTIME_US);
}

// Checks that an order-only record says so, and that a withdrawal (no
// active order) carries no order: BPF then drops the task's order.
TEST(WireCodecTest, EncodesOrderOnlyRecords) {
  qosland_dispatch out{};
  EncodeDispatch({.kind = DispatchDecision::Kind::kOrderOnly, .pid = 5,
                  .order = {.active = true, .wakeups = 8, .runtime_us = 50'000}},
                 &out);
  EXPECT_EQ(out.flags, QOSLAND_DF_ORDER | QOSLAND_DF_ORDER_ONLY);
  EncodeDispatch({.kind = DispatchDecision::Kind::kOrderOnly, .pid = 5}, &out);
  EXPECT_EQ(out.flags, QOSLAND_DF_ORDER_ONLY);
  // An order of no wakeups is none.
  EncodeDispatch({.kind = DispatchDecision::Kind::kOrderOnly, .pid = 5,
                  .order = {.active = true, .wakeups = 0, .runtime_us = 50'000}},
                 &out);
  EXPECT_EQ(out.flags, QOSLAND_DF_ORDER_ONLY);
}

// Checks that a record of a wakeup an order dispatched says so.
TEST(WireCodecTest, DecodesAnOrderedWakeup) {
  qosland_queued w{};
  w.pid = 3;
  w.kind = QOSLAND_REC_QUEUED;
  w.flags = QOSLAND_QF_WAKEUP | QOSLAND_QF_ORDERED;
  const auto t = DecodeQueued(Bytes(w));
  ASSERT_TRUE(t.has_value());
  EXPECT_TRUE(t->wakeup);
  EXPECT_TRUE(t->ordered);
  EXPECT_FALSE(t->order_low);
  w.flags = QOSLAND_QF_WAKEUP | QOSLAND_QF_ORDERED | QOSLAND_QF_ORDER_LOW;
  EXPECT_TRUE(DecodeQueued(Bytes(w))->order_low);
  w.flags = QOSLAND_QF_WAKEUP | QOSLAND_QF_ORDER_LOW;  // only an ordered wakeup's order runs low
  EXPECT_FALSE(DecodeQueued(Bytes(w))->order_low);
  w.flags = QOSLAND_QF_WAKEUP;
  EXPECT_FALSE(DecodeQueued(Bytes(w))->ordered);
}

// Checks that per-CPU counters and gauges add up (gauges may be negative per CPU).
TEST(WireCodecTest, SumsPerCpuStats) {
  qosland_bpf_stats cpus[2]{};
  cpus[0].nr_user_dispatches = 10;
  cpus[1].nr_user_dispatches = 5;
  cpus[0].nr_queued = 4;
  cpus[1].nr_queued = -1;
  cpus[1].nr_congested = 2;
  const BpfStats s = SumBpfStats(cpus);
  EXPECT_EQ(s.user_dispatches, 15u);
  EXPECT_EQ(s.queued, 3);
  EXPECT_EQ(s.bpf_dispatches(), 2u);
}

}  // namespace
}  // namespace qosland::core
