#include "core/class_resolver.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
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

// Tgid from /proc/TID/status, or 0.
int ReadTgid(const std::string& status) {
  const size_t at = status.find("\nTgid:");
  return at == std::string::npos ? 0 : std::atoi(status.c_str() + at + 6);
}

// Policy (field 41) and nice (field 19) from a stat line, counting fields
// after the command name, which may hold spaces and parentheses.
std::optional<SchedAttributes> ParseStat(const std::string& stat) {
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream in(stat.substr(close + 1));
  std::vector<std::string> fields;  // fields[0] is field 3 (state)
  for (std::string f; in >> f;) fields.push_back(f);
  if (fields.size() < 39) return std::nullopt;
  SchedAttributes a;
  a.nice = std::atoi(fields[19 - 3].c_str());
  a.policy = static_cast<uint32_t>(std::strtoul(fields[41 - 3].c_str(), nullptr, 10));
  return a;
}

// The cgroup v2 path from /proc/PID/cgroup ("0::/path"); empty if none.
std::string CgroupPath(const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("0::", 0) == 0) return line.substr(3);
  }
  return "";
}

}  // namespace

ClassResolver::ClassResolver(const QosRules& rules, std::string proc_root)
    : rules_(rules), proc_(std::move(proc_root)) {}

Result<TaskClass> ClassResolver::Resolve(int tid, std::optional<QosClass> tag) const {
  const auto status = tid > 0 ? ReadText(proc_ + "/" + std::to_string(tid) + "/status") : std::nullopt;
  return ResolveWith(tid, status ? ReadTgid(*status) : 0, tag,
                     {.thread = true, .process = true, .cmdline = true, .exe = true, .cgroup = true});
}

Result<TaskClass> ClassResolver::ResolveForScheduler(int tid, int tgid) const {
  return ResolveWith(tid, tgid, std::nullopt, rules_.needs());
}

Result<TaskClass> ClassResolver::ResolveWith(int tid, int tgid, std::optional<QosClass> tag,
                                             const RuleNeeds& needs) const {
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
  if (needs.thread) c.thread = FirstLine(ReadText(dir + "/comm").value_or(""));
  if (needs.process) c.process = FirstLine(ReadText(proc + "/comm").value_or(""));
  std::string cmdline, exe_path, cgroup;
  if (needs.cmdline) {
    cmdline = ReadText(proc + "/cmdline").value_or("");
    while (!cmdline.empty() && cmdline.back() == '\0') cmdline.pop_back();
    for (char& ch : cmdline) {
      if (ch == '\0') ch = ' ';
    }
  }
  if (needs.exe) {
    char exe[4096];
    const ssize_t n = readlink((proc + "/exe").c_str(), exe, sizeof(exe) - 1);
    if (n > 0) exe_path.assign(exe, static_cast<size_t>(n));
  }
  if (needs.cgroup) cgroup = CgroupPath(ReadText(proc + "/cgroup").value_or(""));

  std::optional<QosClass> attr;
  if (const auto a = ParseStat(*stat)) {
    c.attributes = *a;
    attr = ClassFromAttributes(*a);
  }
  const auto match = rules_.rules().empty()
                         ? std::nullopt
                         : rules_.Match({.thread = c.thread, .process = c.process, .cmdline = cmdline,
                                         .exe = exe_path, .cgroup = cgroup});
  c.resolved = ResolveClass(tag, match ? std::optional(match->qos) : std::nullopt, attr);
  if (c.resolved.source == ClassSource::kRule) c.rule = match->rule;
  return c;
}

std::string DescribeTaskClass(const TaskClass& c) {
  std::string s = "pid ";
  s += std::to_string(c.tid) + " (" + c.thread;
  if (c.tid != c.tgid) s += " of " + c.process;
  s += "): " + std::string(policy::QosClassName(c.resolved.qos));
  switch (c.resolved.source) {
    case ClassSource::kTag: s += ", from a runtime tag"; break;
    case ClassSource::kRule:
      s += ", from rule " + (c.rule ? c.rule->file + ":" + std::to_string(c.rule->line) : std::string("?"));
      break;
    case ClassSource::kAttributes:
      s += ", from its scheduling attributes (policy " + std::to_string(c.attributes.policy) + ", nice " +
           std::to_string(c.attributes.nice) + ")";
      break;
    case ClassSource::kAuto: s += " (automatic: no tag, rule or attribute says otherwise)"; break;
  }
  return s;
}

}  // namespace qosland::core
