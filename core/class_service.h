// ClassService: the tag or rule class of each task the dispatch loop meets,
// found on a thread of its own (procfs reads and matching stay off the
// loop's thread), handed back through lock-free queues
// (moodycamel::ConcurrentQueue, preallocated: a full queue drops the
// request, which leaves the task without its class, and counts it; it never
// allocates or blocks the loop). Needed only when there are rules or tags:
// attributes come with every record.
//
// It also keeps the runtime tags and answers the control channel
// (core/control.h): HandleControl() judges who asks (core/qos_hints.h
// Authorize), sets the tag, saves the state file and has every task looked
// up again. Tags and rules are guarded by a mutex shared by the service's
// thread and the control thread only; the dispatch loop never takes it.
//
//   core::ClassService classes(std::move(rules), std::move(tags), {.state_file = path});
//   core::DispatchLoop loop(transport, policy, table, options, &classes);
//   auto server = core::ControlServer::Start(path, [&](auto& r, auto& p) { return classes.HandleControl(r, p); });
//
// The service's thread belongs to qosland's process, so the BPF side runs it
// like the scheduler's own threads, never queued behind what it schedules.
#ifndef QOSLAND_CORE_CLASS_SERVICE_H_
#define QOSLAND_CORE_CLASS_SERVICE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/class_resolver.h"
#include "core/control.h"
#include "core/dispatch_loop.h"
#include "core/qos_rules.h"
#include "core/qos_tags.h"

namespace qosland::core {

struct ClassServiceOptions {
  std::string proc_root = "/proc";
  size_t queue_capacity = 4096;  // requests, and results, in flight
  // Where the rules came from (QosRules::Load), to read them again on
  // RequestReload() and whenever a file in one of the directories changes.
  std::vector<std::string> rules_dirs = {}, rules_files = {};
  // Told each reload's outcome (ok, one sentence), on the service's thread.
  std::function<void(bool ok, const std::string& sentence)> on_reload = {};
  // Where runtime tags are kept across restarts; empty: not kept.
  std::string state_file = {};
  // Where cgroup tags' paths are checked (owner, existence).
  std::string cgroup_root = "/sys/fs/cgroup";
  // Told each change of tags (one sentence), on the control thread.
  std::function<void(const std::string& sentence)> on_tag = {};
};

class ClassService final : public ClassHints {
 public:
  ClassService(QosRules rules, TagBook tags = {}, const ClassServiceOptions& options = {});
  ~ClassService() override;  // stops and joins the thread
  ClassService(const ClassService&) = delete;
  ClassService& operator=(const ClassService&) = delete;

  // ClassHints, for the dispatch loop's thread only.
  bool active() const override { return active_.load(std::memory_order_acquire); }
  uint64_t generation() const override { return generation_.load(std::memory_order_acquire); }
  void OnNewTask(TaskSlot slot, int32_t pid, int32_t tgid, uint64_t cookie) override;
  bool NextClass(TaskSlot* slot, uint64_t* cookie, std::optional<policy::QosClass>* hint) override;

  // Reads the rules again (SIGHUP), on the service's thread. If they are
  // malformed the previous rules stay in force and the error is logged.
  void RequestReload();

  // One control request, from any thread but the dispatch loop's:
  // "ok ..." or "err CODE <sentence>" (core/control.h).
  std::string HandleControl(const ControlRequest& request, const Peer& peer);
  // The tags now, as the state file keeps them.
  std::string TagsJson() const;

  uint64_t nr_resolved() const { return resolved_.load(std::memory_order_relaxed); }
  uint64_t nr_dropped() const { return dropped_.load(std::memory_order_relaxed); }
  uint64_t nr_reloads_tried() const { return reloads_tried_.load(std::memory_order_acquire); }

 private:
  struct Impl;
  void Run();
  void WatchDirs();
  bool WatchNewDirs();  // true when a directory is watched that was not
  bool DirsChanged();
  void Reload();
  std::string SetTag(const ControlRequest& r, const Peer& peer);
  std::string ClearTag(const ControlRequest& r, const Peer& peer);
  // After a change of tags, with mu_ held: save, and have tasks asked about again.
  std::string TagsChanged(const std::string& what);
  void UpdateActive();

  ClassServiceOptions options_;
  mutable std::mutex mu_;  // rules_ and tags_: the service's and the control thread
  QosRules rules_;
  TagBook tags_;
  ClassResolver resolver_;
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> resolved_{0}, dropped_{0}, reloads_tried_{0}, generation_{0};
  std::atomic<bool> active_{false}, reload_{false};
  int inotify_fd_ = -1;
  std::vector<bool> watched_;  // by rules_dirs index (the service's thread)
  std::chrono::steady_clock::time_point next_dir_check_ = {};
  std::thread thread_;
};

}  // namespace qosland::core

#endif  // QOSLAND_CORE_CLASS_SERVICE_H_
