#include "bpf/bpf_scheduler.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>
#include <algorithm>
#include <thread>
#include <time.h>

#include "bpf/qosland_wire.h"
#include "core/wire_codec.h"
#include "qosland.skel.h"

namespace qosland::bpf {
namespace {

constexpr uint64_t kScxOpsSwitchPartial = 1ull << 3;  // SCX_OPS_SWITCH_PARTIAL

bool g_verbose = false;

int PrintLibbpf(enum libbpf_print_level level, const char* fmt, va_list args) {
  if (level == LIBBPF_DEBUG && !g_verbose) return 0;
  if (level == LIBBPF_INFO && !g_verbose) return 0;
  return std::vfprintf(stderr, fmt, args);
}

std::string Errno(int err) { return std::strerror(err < 0 ? -err : err); }

bool IsPowerOfTwo(uint32_t v) { return v >= 4096 && (v & (v - 1)) == 0; }

// CLOCK_MONOTONIC in ns: bpf_ktime_get_ns()'s clock.
uint64_t MonotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

core::Result<std::unique_ptr<BpfScheduler>> BpfScheduler::Load(const BpfOptions& options) {
  if (!IsPowerOfTwo(options.queued_ring_bytes) || !IsPowerOfTwo(options.dispatch_ring_bytes)) {
    return core::Status::Error("ring buffer sizes must be powers of two of at least 4096 bytes");
  }
  if (options.stall_ns < 1'000'000) return core::Status::Error("the stall threshold must be at least 1 ms");
  g_verbose = options.verbose;
  libbpf_set_print(PrintLibbpf);

  std::unique_ptr<BpfScheduler> s(new BpfScheduler());
  s->options_ = options;
  s->skel_ = qosland_bpf__open();
  if (!s->skel_) {
    return core::Status::Error("could not open the BPF scheduler: " + Errno(errno));
  }
  qosland_bpf* skel = s->skel_;
  skel->rodata->usersched_tgid = static_cast<uint32_t>(getpid());
  skel->rodata->default_slice_ns = options.slice_ns;
  skel->rodata->stall_ns = options.stall_ns;
  skel->rodata->force_fallback = options.force_fallback;
  skel->rodata->switch_partial = options.partial;
  skel->rodata->queued_ring_half = options.queued_ring_bytes / 2;
  skel->rodata->wakeup_defer_ns = options.wakeup_defer_ns;
  skel->rodata->wakeup_hold_ns = options.wakeup_hold_ns;
  skel->rodata->standing_orders = options.standing_orders;
  skel->rodata->order_max_wakeups = options.order_max_wakeups;
  constexpr size_t kMaxCpus = sizeof(skel->rodata->cpu_llc) / sizeof(skel->rodata->cpu_llc[0]);
  if (options.cpu_llc.size() > kMaxCpus) {
    return core::Status::Error("qosland supports at most " + std::to_string(kMaxCpus) + " CPUs");
  }
  int32_t nr_llcs = 0;
  for (size_t cpu = 0; cpu < options.cpu_llc.size(); ++cpu) {
    // An offline CPU may come online later: give it an LLC of its own.
    skel->rodata->cpu_llc[cpu] = options.cpu_llc[cpu];
    nr_llcs = std::max(nr_llcs, options.cpu_llc[cpu] + 1);
  }
  for (size_t cpu = 0; cpu < kMaxCpus; ++cpu) {
    if (cpu >= options.cpu_llc.size() || options.cpu_llc[cpu] < 0) {
      skel->rodata->cpu_llc[cpu] = -1;
    }
  }
  skel->rodata->nr_llcs = static_cast<uint32_t>(nr_llcs);
  if (options.partial) skel->struct_ops.qosland_ops->flags |= kScxOpsSwitchPartial;
  bpf_map__set_max_entries(skel->maps.queued, options.queued_ring_bytes);
  bpf_map__set_max_entries(skel->maps.dispatched, options.dispatch_ring_bytes);

  if (int err = qosland_bpf__load(skel); err) {
    return core::Status::Error("the kernel refused qosland's BPF programs (" + Errno(err) +
                               "); run with -v to see the verifier's log");
  }
  const int nr_cpus = libbpf_num_possible_cpus();
  s->per_cpu_.resize(nr_cpus > 0 ? static_cast<size_t>(nr_cpus) : 1);
  return s;
}

core::Status BpfScheduler::Attach() {
  bpf_link* link = bpf_map__attach_struct_ops(skel_->maps.qosland_ops);
  if (!link) {
    const int err = errno;
    if (err == EEXIST || err == EBUSY) {
      return core::Status::Error("another sched_ext scheduler was loaded while qosland started");
    }
    return core::Status::Error("the kernel refused to enable qosland (" + Errno(err) +
                               "); see dmesg for the reason");
  }
  link_ = link;
  return core::Status();
}

BpfScheduler::~BpfScheduler() {
  if (link_) bpf_link__destroy(link_);
  if (skel_) qosland_bpf__destroy(skel_);
}

void BpfScheduler::Heartbeat() const { skel_->bss->usersched_beat_ns = MonotonicNs(); }

uint64_t BpfScheduler::fallback_entered_ns() const { return skel_->bss->fallback_entered_ns; }

int BpfScheduler::queued_ring_fd() const { return bpf_map__fd(skel_->maps.queued); }
int BpfScheduler::dispatch_ring_fd() const { return bpf_map__fd(skel_->maps.dispatched); }

core::BpfStats BpfScheduler::ReadStats() {
  const uint32_t key = 0;
  if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.stats), &key, per_cpu_.data()) != 0) {
    return core::BpfStats{};
  }
  core::BpfStats s = core::SumBpfStats(per_cpu_);
  s.runnable = skel_->bss->nr_runnable_all;
  s.fallback = options_.force_fallback || skel_->bss->fallback_on != 0;
  if (s.fallback && !options_.force_fallback) {
    // The current spell is counted when it ends; add it so far.
    const uint64_t since = skel_->bss->fallback_entered_ns, now = MonotonicNs();
    if (now > since) s.fallback_ns += now - since;
  }
  return s;
}

std::optional<ExitInfo> BpfScheduler::Exited() const {
  const volatile qosland_exit_info* info = &skel_->bss->exit_info;
  const int64_t kind = info->kind;
  if (kind == 0) return std::nullopt;
  __atomic_thread_fence(__ATOMIC_ACQUIRE);  // pairs with the BPF side writing kind last
  ExitInfo e;
  e.kind = kind;
  e.exit_code = info->exit_code;
  e.reason.assign(const_cast<const char*>(info->reason),
                  strnlen(const_cast<const char*>(info->reason), sizeof(info->reason)));
  e.msg.assign(const_cast<const char*>(info->msg),
               strnlen(const_cast<const char*>(info->msg), sizeof(info->msg)));
  e.dump.assign(const_cast<const char*>(info->dump),
                strnlen(const_cast<const char*>(info->dump), sizeof(info->dump)));
  return e;
}

std::optional<ExitInfo> BpfScheduler::Detach(std::chrono::milliseconds wait) {
  if (link_) {
    bpf_link__destroy(link_);
    link_ = nullptr;
  }
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto e = Exited()) return e;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Exited();
}

}  // namespace qosland::bpf
