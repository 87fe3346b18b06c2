#include "core/class_service.h"

#include <pthread.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <concurrentqueue/blockingconcurrentqueue.h>
#include <concurrentqueue/concurrentqueue.h>
#include <utility>

namespace qosland::core {

namespace {
// Requests are rare (a task's first record, its exec): the service's thread
// sleeps on the semaphore at once instead of spinning first (10000 spins by
// default, which cost whole percents of a CPU in an emulated guest).
struct SleepAtOnce : moodycamel::ConcurrentQueueDefaultTraits {
  static const int MAX_SEMA_SPINS = 0;
};
// How often the thread looks for changed rules directories while idle.
constexpr auto kWatchPeriod = std::chrono::milliseconds(500);
}  // namespace

struct ClassService::Impl {
  struct Request {
    TaskSlot slot;
    int32_t pid;  // 0: no task (stop, reload)
    int32_t tgid;
    uint64_t cookie;
  };
  struct Found {
    TaskSlot slot;
    uint64_t cookie;
    std::optional<policy::QosClass> rule;
  };
  explicit Impl(size_t capacity) : requests(capacity), results(capacity) {}
  moodycamel::BlockingConcurrentQueue<Request, SleepAtOnce> requests;
  moodycamel::ConcurrentQueue<Found> results;
};

ClassService::ClassService(QosRules rules, const ClassServiceOptions& options)
    : options_(options),
      rules_(std::move(rules)),
      resolver_(rules_, options.proc_root),
      impl_(std::make_unique<Impl>(options.queue_capacity)) {
  active_.store(!rules_.rules().empty(), std::memory_order_release);
  WatchDirs();
  thread_ = std::thread([this] { Run(); });
  pthread_setname_np(thread_.native_handle(), "qosland-class");
}

ClassService::~ClassService() {
  stop_.store(true, std::memory_order_relaxed);
  impl_->requests.enqueue({0, 0, 0, 0});  // wakes the thread (may allocate: at exit only)
  thread_.join();
  if (inotify_fd_ >= 0) close(inotify_fd_);
}

void ClassService::WatchDirs() {
  if (options_.rules_dirs.empty()) return;
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) return;
  for (const std::string& dir : options_.rules_dirs) {
    // A directory that does not exist yet is not watched: SIGHUP reads it.
    // Not IN_CREATE: a file being written is read once it is closed.
    inotify_add_watch(inotify_fd_, dir.c_str(),
                      IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE);
  }
}

bool ClassService::DirsChanged() {
  if (inotify_fd_ < 0) return false;
  alignas(inotify_event) char buf[4096];
  bool changed = false;
  while (read(inotify_fd_, buf, sizeof(buf)) > 0) changed = true;  // drain every event
  return changed;
}

void ClassService::RequestReload() {
  reload_.store(true, std::memory_order_release);
  impl_->requests.try_enqueue({0, 0, 0, 0});  // wake the thread; if full, it wakes anyway
}

void ClassService::Reload() {
  auto fresh = QosRules::Load(options_.rules_dirs, options_.rules_files);
  if (!fresh.ok()) {
    if (options_.on_reload) {
      options_.on_reload(false, "rules not reloaded: " + fresh.status().message() +
                                    "; the previous rules stay in force");
    }
  } else {
    rules_ = std::move(fresh).value();  // resolver_ refers to rules_ itself
    if (options_.on_reload) {
      options_.on_reload(true, "rules reloaded: " + std::to_string(rules_.rules().size()) + " from " +
                                   std::to_string(rules_.nr_files()) + " file(s)");
    }
    active_.store(!rules_.rules().empty(), std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  reloads_tried_.fetch_add(1, std::memory_order_acq_rel);
}

void ClassService::OnNewTask(TaskSlot slot, int32_t pid, int32_t tgid, uint64_t cookie) {
  // try_enqueue: never allocates beyond the preallocated capacity.
  if (!impl_->requests.try_enqueue({slot, pid, tgid, cookie})) dropped_.fetch_add(1, std::memory_order_relaxed);
}

bool ClassService::NextClass(TaskSlot* slot, uint64_t* cookie, std::optional<policy::QosClass>* rule) {
  Impl::Found f;
  if (!impl_->results.try_dequeue(f)) return false;
  *slot = f.slot;
  *cookie = f.cookie;
  *rule = f.rule;
  return true;
}

void ClassService::Run() {
  Impl::Request r{};
  for (;;) {
    const bool got = impl_->requests.wait_dequeue_timed(r, kWatchPeriod);
    if (stop_.load(std::memory_order_relaxed)) return;
    if (DirsChanged() || reload_.exchange(false, std::memory_order_acq_rel)) Reload();
    if (!got || r.pid == 0) continue;
    auto c = resolver_.ResolveForScheduler(r.pid, r.tgid);
    if (!c.ok()) continue;  // gone already
    resolved_.fetch_add(1, std::memory_order_relaxed);
    // No match is an answer too: the task may have had a rule before its exec.
    const bool by_rule = c->resolved.source == ClassSource::kRule;
    if (!impl_->results.try_enqueue({r.slot, r.cookie, by_rule ? std::optional(c->resolved.qos) : std::nullopt})) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

}  // namespace qosland::core
