#include "core/class_service.h"

#include <pthread.h>

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
}  // namespace

struct ClassService::Impl {
  struct Request {
    TaskSlot slot;
    int32_t pid;
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
    : rules_(std::move(rules)),
      resolver_(rules_, options.proc_root),
      impl_(std::make_unique<Impl>(options.queue_capacity)),
      thread_([this] { Run(); }) {
  pthread_setname_np(thread_.native_handle(), "qosland-class");
}

ClassService::~ClassService() {
  stop_.store(true, std::memory_order_relaxed);
  impl_->requests.enqueue({0, 0, 0, 0});  // wakes the thread (may allocate: at exit only)
  thread_.join();
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
  Impl::Request r;
  for (;;) {
    impl_->requests.wait_dequeue(r);
    if (stop_.load(std::memory_order_relaxed)) return;
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
