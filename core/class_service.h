// ClassService: the rule class of each task the dispatch loop meets, found on
// a thread of its own (procfs reads and rule matching stay off the loop's
// thread), handed back through lock-free queues (moodycamel::ConcurrentQueue,
// preallocated: a full queue drops the request, which leaves the task
// without its rule, and counts it; it never allocates or blocks the loop).
// Needed only when there are rules: attributes come with every record.
//
//   core::ClassService classes(std::move(rules), {.proc_root = "/proc"});
//   core::DispatchLoop loop(transport, policy, table, options, &classes);
//
// The service's thread belongs to qosland's process, so the BPF side runs it
// like the scheduler's own threads, never queued behind what it schedules.
#ifndef QOSLAND_CORE_CLASS_SERVICE_H_
#define QOSLAND_CORE_CLASS_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "core/class_resolver.h"
#include "core/dispatch_loop.h"
#include "core/qos_rules.h"

namespace qosland::core {

struct ClassServiceOptions {
  std::string proc_root = "/proc";
  size_t queue_capacity = 4096;  // requests, and results, in flight
};

class ClassService final : public ClassHints {
 public:
  ClassService(QosRules rules, const ClassServiceOptions& options = {});
  ~ClassService() override;  // stops and joins the thread
  ClassService(const ClassService&) = delete;
  ClassService& operator=(const ClassService&) = delete;

  // ClassHints, for the dispatch loop's thread only.
  void OnNewTask(TaskSlot slot, int32_t pid, int32_t tgid, uint64_t cookie) override;
  bool NextClass(TaskSlot* slot, uint64_t* cookie, std::optional<policy::QosClass>* rule) override;

  uint64_t nr_resolved() const { return resolved_.load(std::memory_order_relaxed); }
  uint64_t nr_dropped() const { return dropped_.load(std::memory_order_relaxed); }
  const QosRules& rules() const { return rules_; }

 private:
  struct Impl;
  void Run();

  QosRules rules_;
  ClassResolver resolver_;
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> resolved_{0}, dropped_{0};
  std::thread thread_;
};

}  // namespace qosland::core

#endif  // QOSLAND_CORE_CLASS_SERVICE_H_
