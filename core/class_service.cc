#include "core/class_service.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
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
    std::optional<policy::QosClass> hint;  // a tag's or a rule's class
  };
  explicit Impl(size_t capacity) : requests(capacity), results(capacity) {}
  moodycamel::BlockingConcurrentQueue<Request, SleepAtOnce> requests;
  moodycamel::ConcurrentQueue<Found> results;
};

ClassService::ClassService(QosRules rules, TagBook tags, const ClassServiceOptions& options)
    : options_(options),
      rules_(std::move(rules)),
      tags_(std::move(tags)),
      resolver_(rules_, options.proc_root, &tags_),
      impl_(std::make_unique<Impl>(options.queue_capacity)) {
  UpdateActive();
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
  watched_.assign(options_.rules_dirs.size(), false);
  WatchNewDirs();
}

bool ClassService::WatchNewDirs() {
  bool added = false;
  for (size_t i = 0; i < options_.rules_dirs.size(); ++i) {
    if (watched_[i]) continue;
    // Not IN_CREATE: a file being written is read once it is closed.
    // IN_DELETE_SELF: the directory itself goes; watched again if it returns.
    watched_[i] = inotify_add_watch(inotify_fd_, options_.rules_dirs[i].c_str(),
                                    IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF |
                                        IN_MOVE_SELF) >= 0;
    added |= watched_[i];
  }
  return added;
}

bool ClassService::DirsChanged() {
  if (inotify_fd_ < 0) return false;
  alignas(inotify_event) char buf[4096];
  bool changed = false;
  ssize_t n;
  while ((n = read(inotify_fd_, buf, sizeof(buf))) > 0) {  // drain every event
    changed = true;
    for (ssize_t at = 0; at < n;) {
      const auto* e = reinterpret_cast<const inotify_event*>(buf + at);
      if (e->mask & (IN_IGNORED | IN_MOVE_SELF)) {
        // A directory is gone (or moved away): look for each again (adding
        // a watch that exists only returns it).
        if (e->mask & IN_MOVE_SELF) inotify_rm_watch(inotify_fd_, e->wd);
        watched_.assign(watched_.size(), false);
      }
      at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
    }
  }
  // A rules directory that did not exist (at start, or since it went) and
  // does now: its files count from now on. Looked for at most every
  // kWatchPeriod, not for every request.
  const auto now = std::chrono::steady_clock::now();
  if (now >= next_dir_check_ && std::find(watched_.begin(), watched_.end(), false) != watched_.end()) {
    next_dir_check_ = now + kWatchPeriod;
    changed |= WatchNewDirs();
  }
  return changed;
}

void ClassService::RequestReload() {
  reload_.store(true, std::memory_order_release);
  impl_->requests.try_enqueue({0, 0, 0, 0});  // wake the thread; if full, it wakes anyway
}

void ClassService::UpdateActive() {
  active_.store(!rules_.rules().empty() || !tags_.empty(), std::memory_order_release);
}

void ClassService::Reload() {
  auto fresh = QosRules::Load(options_.rules_dirs, options_.rules_files);
  std::lock_guard lock(mu_);
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
    UpdateActive();
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  reloads_tried_.fetch_add(1, std::memory_order_acq_rel);
}

void ClassService::OnNewTask(TaskSlot slot, int32_t pid, int32_t tgid, uint64_t cookie) {
  // try_enqueue: never allocates beyond the preallocated capacity.
  if (!impl_->requests.try_enqueue({slot, pid, tgid, cookie})) dropped_.fetch_add(1, std::memory_order_relaxed);
}

bool ClassService::NextClass(TaskSlot* slot, uint64_t* cookie, std::optional<policy::QosClass>* hint) {
  Impl::Found f;
  if (!impl_->results.try_dequeue(f)) return false;
  *slot = f.slot;
  *cookie = f.cookie;
  *hint = f.hint;
  return true;
}

void ClassService::Run() {
  Impl::Request r{};
  for (;;) {
    const bool got = impl_->requests.wait_dequeue_timed(r, kWatchPeriod);
    if (stop_.load(std::memory_order_relaxed)) return;
    if (DirsChanged() || reload_.exchange(false, std::memory_order_acq_rel)) Reload();
    if (!got || r.pid == 0) continue;
    std::optional<policy::QosClass> hint;
    {
      std::lock_guard lock(mu_);
      auto c = resolver_.ResolveForScheduler(r.pid, r.tgid);
      if (!c.ok()) continue;  // gone already
      const ClassSource src = c->resolved.source;
      if (src == ClassSource::kTag || src == ClassSource::kRule) hint = c->resolved.qos;
    }
    resolved_.fetch_add(1, std::memory_order_relaxed);
    // No match is an answer too: the task may have had a rule before its exec.
    if (!impl_->results.try_enqueue({r.slot, r.cookie, hint})) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

namespace {
std::string Err(std::string_view code, std::string_view sentence) {
  return "err " + std::string(code) + " " + std::string(sentence);
}
}  // namespace

std::string ClassService::HandleControl(const ControlRequest& r, const Peer& peer) {
  std::lock_guard lock(mu_);
  switch (r.op) {
    case ControlRequest::Op::kGet: {
      auto c = resolver_.Resolve(r.tid);
      if (!c.ok()) return Err("notask", c.status().message());
      return "ok " + std::string(policy::QosClassName(c->resolved.qos)) + " " +
             std::string(ClassSourceName(c->resolved.source)) + "\n" + DescribeTaskClass(*c);
    }
    case ControlRequest::Op::kTags: {
      std::string out = "ok " + std::to_string(tags_.tags().size()) + " tag(s)";
      for (const Tag& t : tags_.tags()) {
        out += '\n';
        out += t.Target();
        out += ": ";
        out += policy::QosClassName(t.qos);
        if (t.owner != 0) out += " (set by uid " + std::to_string(t.owner) + ", for its tasks only)";
      }
      return out;
    }
    case ControlRequest::Op::kSet: return SetTag(r, peer);
    case ControlRequest::Op::kClear: return ClearTag(r, peer);
  }
  return Err("invalid", "unknown request.");
}

// With mu_ held.
std::string ClassService::SetTag(const ControlRequest& r, const Peer& peer) {
  Tag tag{.kind = r.kind, .qos = r.qos, .owner = peer.uid};
  Authorization ok{.allowed = true};
  if (r.kind == TagKind::kPid || r.kind == TagKind::kTid) {
    tag.id = std::atoi(r.target.c_str());
    const auto ids = resolver_.TgidAndUid(tag.id);
    const std::string name(TagKindName(r.kind));
    if (!ids) return Err("notask", "no task with " + name + " " + r.target + ".");
    if (r.kind == TagKind::kPid && ids->first != tag.id) {
      return Err("invalid", r.target + " is a thread of process " + std::to_string(ids->first) +
                                ": tag it with --tid, or its process with --pid " + std::to_string(ids->first) + ".");
    }
    auto c = resolver_.Resolve(tag.id);
    if (!c.ok()) return Err("notask", c.status().message());
    ok = Authorize({.uid = peer.uid},
                   {.owner_uid = ids->second, .current = c->resolved.qos, .granted = c->rule_class.value_or(QosClass::kDefault)},
                   r.qos);
    tag.start = resolver_.StartTime(tag.id);
    if (tag.start == 0) return Err("notask", "no task with " + name + " " + r.target + ".");
  } else {
    tag.pattern = r.kind == TagKind::kCgroup ? NormalizeCgroupPath(r.target) : r.target;
    if (r.kind == TagKind::kCgroup) {
      struct stat st {};
      const std::string dir = options_.cgroup_root + (tag.pattern == "/" ? "" : tag.pattern);
      if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return Err("notask", "no cgroup " + tag.pattern + " (under " + options_.cgroup_root + ").");
      }
      if (peer.uid != 0 && st.st_uid != peer.uid) {
        return Err("denied", "only root may tag cgroup " + tag.pattern + ": it does not belong to uid " +
                                 std::to_string(peer.uid) + ".");
      }
    }
    // A user's cgroup or comm tag covers only that user's tasks, and may
    // not put them above the class anyone gets by default.
    ok = Authorize({.uid = peer.uid}, {.owner_uid = peer.uid}, r.qos);
    if (peer.uid == 0) tag.owner = 0;
  }
  if (!ok.allowed) return Err("denied", ok.refusal);
  const std::string what = tag.Target() + " tagged " + std::string(policy::QosClassName(tag.qos));
  tags_.Prune([this](int id) { return resolver_.StartTime(id); });
  tags_.Set(std::move(tag));
  return TagsChanged(what);
}

// With mu_ held.
std::string ClassService::ClearTag(const ControlRequest& r, const Peer& peer) {
  const int id = std::atoi(r.target.c_str());
  const std::string pattern = r.kind == TagKind::kCgroup ? NormalizeCgroupPath(r.target) : r.target;
  const Tag* tag = tags_.Find(r.kind, id, pattern);
  if (!tag) return Err("notask", "no tag on " + std::string(TagKindName(r.kind)) + " " + pattern + ".");
  if (peer.uid != 0) {
    if (r.kind == TagKind::kPid || r.kind == TagKind::kTid) {
      // Clearing gives the task the class it would have without the tag:
      // judged like setting that class.
      const auto ids = resolver_.TgidAndUid(id);
      auto without = resolver_.ResolveWithoutTags(id);
      auto with = resolver_.Resolve(id);
      if (ids && without.ok() && with.ok()) {
        const Authorization ok =
            Authorize({.uid = peer.uid},
                      {.owner_uid = ids->second, .current = with->resolved.qos,
                       .granted = with->rule_class.value_or(QosClass::kDefault)},
                      without->resolved.qos);
        if (!ok.allowed) return Err("denied", ok.refusal);
      }  // else the task is gone: its tag may go too
    } else if (tag->owner != peer.uid) {
      return Err("denied", "only root may clear a tag " +
                               std::string(tag->owner == 0 ? "root set." : "another user set."));
    }
  }
  const std::string what = tag->Target() + " untagged";
  tags_.Clear(r.kind, id, pattern);
  return TagsChanged(what);
}

// With mu_ held.
std::string ClassService::TagsChanged(const std::string& what) {
  UpdateActive();
  generation_.fetch_add(1, std::memory_order_acq_rel);  // every task is looked up again
  impl_->requests.try_enqueue({0, 0, 0, 0});
  std::string answer = "ok " + what;
  if (!options_.state_file.empty()) {
    // Written whole, then renamed over the old file: a crash leaves one or
    // the other, never half of one.
    const std::string tmp = options_.state_file + ".tmp";
    const std::string text = tags_.ToJson();
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(options_.state_file).parent_path(), ec);
    bool saved = false;
    if (const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644); fd >= 0) {
      bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && fsync(fd) == 0;
      written = close(fd) == 0 && written;
      saved = written && rename(tmp.c_str(), options_.state_file.c_str()) == 0;
    }
    if (!saved) {
      answer += " (not saved to " + options_.state_file + ": " + std::strerror(errno) +
                "; the tag lasts until qosland stops)";
    }
  }
  if (options_.on_tag) options_.on_tag(what);
  return answer;
}

std::string ClassService::TagsJson() const {
  std::lock_guard lock(mu_);
  return tags_.ToJson();
}

}  // namespace qosland::core
