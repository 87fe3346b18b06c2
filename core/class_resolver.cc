#include "core/class_resolver.h"

#include <fcntl.h>
#include <linux/sched/types.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

namespace qosland::core {
namespace {

// The whole of a small procfs file (4 KiB at most: stat, comm, cgroup...).
std::optional<std::string> ReadText(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  char buf[4096];
  const ssize_t n = read(fd, buf, sizeof(buf));
  close(fd);
  if (n < 0) return std::nullopt;
  return std::string(buf, static_cast<size_t>(n));
}

std::string FirstLine(std::string s) {
  const size_t nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  return s;
}

// A number field of /proc/TID/status ("\nTgid:", "\nUid:"), or -1.
long StatusField(const std::string& status, const char* key) {
  const size_t at = status.find(key);
  return at == std::string::npos ? -1 : std::atol(status.c_str() + at + std::strlen(key));
}

// Policy (field 41) and nice (field 19) from a stat line, counting fields
// after the command name, which may hold spaces and parentheses.
struct StatFields {
  SchedAttributes attributes;
  uint64_t start_time = 0;  // field 22
};
std::optional<StatFields> ParseStat(const std::string& stat) {
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream in(stat.substr(close + 1));
  std::vector<std::string> fields;  // fields[0] is field 3 (state)
  for (std::string f; in >> f;) fields.push_back(f);
  if (fields.size() < 39) return std::nullopt;
  StatFields f;
  f.start_time = std::strtoull(fields[22 - 3].c_str(), nullptr, 10);
  f.attributes.nice = std::atoi(fields[19 - 3].c_str());
  f.attributes.policy = static_cast<uint32_t>(std::strtoul(fields[41 - 3].c_str(), nullptr, 10));
  return f;
}

// The cgroup v2 path from /proc/PID/cgroup ("0::/path"); empty if none.
std::string CgroupPath(const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("0::", 0) == 0) return line.substr(3);
  }
  return "";
}

// The uclamp max a task asked for, from the kernel itself (sched_getattr);
// nullopt without uclamp (a kernel built without it reports 0 and 0).
std::optional<uint32_t> UclampMax(int tid) {
  sched_attr attr{};
  if (syscall(SYS_sched_getattr, tid, &attr, sizeof(attr), 0) != 0) return std::nullopt;
  if (attr.size < SCHED_ATTR_SIZE_VER1 || (attr.sched_util_min == 0 && attr.sched_util_max == 0)) {
    return std::nullopt;
  }
  return attr.sched_util_max;
}

}  // namespace

ClassResolver::ClassResolver(const QosRules& rules, std::string proc_root, const TagBook* tags)
    : rules_(rules), proc_(std::move(proc_root)), tags_(tags) {}

std::optional<std::pair<int, uid_t>> ClassResolver::TgidAndUid(int tid) const {
  const auto status = tid > 0 ? ReadText(proc_ + "/" + std::to_string(tid) + "/status") : std::nullopt;
  if (!status) return std::nullopt;
  const long tgid = StatusField(*status, "\nTgid:"), uid = StatusField(*status, "\nUid:");
  if (tgid <= 0 || uid < 0) return std::nullopt;
  return std::pair(static_cast<int>(tgid), static_cast<uid_t>(uid));
}

uint64_t ClassResolver::StartTime(int tid) const {
  const auto stat = tid > 0 ? ReadText(proc_ + "/" + std::to_string(tid) + "/stat") : std::nullopt;
  const auto a = stat ? ParseStat(*stat) : std::nullopt;
  return a ? a->start_time : 0;
}

ClassResolver::Needs ClassResolver::AllNeeds() const {
  return {.rules = {.thread = true, .process = true, .cmdline = true, .exe = true, .cgroup = true}, .uid = true};
}

Result<TaskClass> ClassResolver::Resolve(int tid) const {
  const auto ids = TgidAndUid(tid);
  return ResolveWith(tid, ids ? ids->first : 0, tags_, AllNeeds());
}

Result<TaskClass> ClassResolver::ResolveWithoutTags(int tid) const {
  const auto ids = TgidAndUid(tid);
  return ResolveWith(tid, ids ? ids->first : 0, nullptr, AllNeeds());
}

Result<TaskClass> ClassResolver::ResolveForScheduler(int tid, int tgid) const {
  Needs needs{.rules = rules_.needs()};
  if (tags_ && !tags_->empty()) {
    const TagNeeds t = tags_->needs();
    needs.rules.process |= t.process;
    needs.rules.cgroup |= t.cgroup;
    needs.uid = t.uid;
  }
  return ResolveWith(tid, tgid, tags_, needs);
}

Result<TaskClass> ClassResolver::ResolveWith(int tid, int tgid, const TagBook* tags, Needs needs) const {
  std::string no_task = "no task with pid ";
  no_task += std::to_string(tid);
  if (tid <= 0 || tgid <= 0) return Status::Error(no_task);
  const std::string dir = proc_ + "/" + std::to_string(tid);
  const auto stat = ReadText(dir + "/stat");
  if (!stat) return Status::Error(no_task);
  TaskClass c;
  c.tid = tid;
  c.tgid = tgid;
  const std::string proc = proc_ + "/" + std::to_string(tgid);
  if (needs.rules.thread) c.thread = FirstLine(ReadText(dir + "/comm").value_or(""));
  if (needs.rules.process) c.process = FirstLine(ReadText(proc + "/comm").value_or(""));
  std::string cmdline, exe_path;
  if (needs.rules.cmdline) {
    cmdline = ReadText(proc + "/cmdline").value_or("");
    while (!cmdline.empty() && cmdline.back() == '\0') cmdline.pop_back();
    for (char& ch : cmdline) {
      if (ch == '\0') ch = ' ';
    }
  }
  if (needs.rules.exe) {
    char exe[4096];
    const ssize_t n = readlink((proc + "/exe").c_str(), exe, sizeof(exe) - 1);
    if (n > 0) exe_path.assign(exe, static_cast<size_t>(n));
  }
  if (needs.rules.cgroup) c.cgroup = CgroupPath(ReadText(proc + "/cgroup").value_or(""));
  if (needs.uid) {
    if (const auto ids = TgidAndUid(tid)) c.uid = ids->second;
  }

  std::optional<QosClass> attr;
  uint64_t start_time = 0;
  if (const auto f = ParseStat(*stat)) {
    c.attributes = f->attributes;
    start_time = f->start_time;
    // sched_getattr asks the kernel, not proc_: only for the real procfs.
    if (proc_ == "/proc") {
      if (const auto u = UclampMax(tid)) {
        c.attributes.has_uclamp = true;
        c.attributes.uclamp_max = *u;
      }
    }
    attr = ClassFromAttributes(c.attributes);
  }
  const auto match = rules_.rules().empty()
                         ? std::nullopt
                         : rules_.Match({.thread = c.thread, .process = c.process, .cmdline = cmdline,
                                         .exe = exe_path, .cgroup = c.cgroup});
  if (match) c.rule_class = match->qos;
  if (tags && !tags->empty()) {
    c.tag = tags->MatchTag({.tid = tid,
                            .tgid = tgid,
                            .uid = c.uid,
                            .process = c.process,
                            .cgroup = c.cgroup,
                            .start_of = [&](int id) {
                              return id == tid ? start_time : StartTime(id);
                            }});
  }
  c.resolved = ResolveClass(c.tag ? std::optional(c.tag->qos) : std::nullopt, c.rule_class, attr);
  if (c.resolved.source == ClassSource::kRule) c.rule = match->rule;
  if (c.resolved.source != ClassSource::kTag) c.tag = nullptr;
  return c;
}

std::string DescribeTaskClass(const TaskClass& c) {
  std::string s = "pid ";
  s += std::to_string(c.tid) + " (" + c.thread;
  if (c.tid != c.tgid) s += " of " + c.process;
  s += "): " + std::string(policy::QosClassName(c.resolved.qos));
  switch (c.resolved.source) {
    case ClassSource::kTag: s += ", from a runtime tag" + (c.tag ? " on " + c.tag->Target() : std::string()); break;
    case ClassSource::kRule:
      s += ", from rule " + (c.rule ? c.rule->file + ":" + std::to_string(c.rule->line) : std::string("?"));
      break;
    case ClassSource::kAttributes:
      s += ", from its scheduling attributes (policy " + std::to_string(c.attributes.policy) + ", nice " +
           std::to_string(c.attributes.nice);
      if (c.attributes.has_uclamp) s += ", uclamp max " + std::to_string(c.attributes.uclamp_max);
      s += ")";
      break;
    case ClassSource::kAuto: s += " (automatic: no tag, rule or attribute says otherwise)"; break;
  }
  return s;
}

}  // namespace qosland::core
