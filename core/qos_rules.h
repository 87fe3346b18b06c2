// Rules files: which tasks get which QoS class, written by admins and users.
//
// A rules file is JSON. Linux Sched QoS's app configs are read as they are:
// each top-level key is an application name (a glob, matched against the
// process's name, the base name of its argv[0], and its whole command line),
// with a class for every thread (`qos`), classes per thread name
// (`thread_qos`, globs) and an optional `period` (a value under 1000 is read
// as milliseconds, else as nanoseconds: Sched QoS's own examples use both):
//
//   {"game": {"qos": "QOS_USER_INITIATED",
//             "thread_qos": {"RenderThread": "QOS_USER_INTERACTIVE"},
//             "period": 16}}
//
// qosland's own rules go in the reserved top-level key "qosland", a list of
// objects that match on any of `comm` (the process's name), `thread` (the
// thread's name), `exe` (the executable's path), `cgroup` (the cgroup v2
// path) and `app` (as above); every key given must match. Each sets `qos`
// and/or `thread_qos`:
//
//   {"qosland": [{"cgroup": "/user.slice/*/app-steam*.scope", "qos": "user-interactive"},
//                {"exe": "/usr/bin/make", "qos": "background"}]}
//
// Globs are fnmatch(3) patterns; `*` also matches `/`. Class names take any
// spelling policy::ParseQosClass accepts.
//
// Precedence among rules: a `thread_qos` entry that names the thread beats a
// whole-process `qos`; between equals, the later rule wins (files are read in
// name order, rules in file order), as with drop-in directories.
#ifndef QOSLAND_CORE_QOS_RULES_H_
#define QOSLAND_CORE_QOS_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "policy/qos_class.h"

namespace qosland::core {

// What rules match a thread on. Empty fields are unknown: a rule that needs
// one does not match.
struct TaskFacts {
  std::string_view thread = {};   // the thread's name (comm)
  std::string_view process = {};  // the process's name (its main thread's comm)
  std::string_view cmdline = {};  // argv joined with spaces
  std::string_view exe = {};      // path of the executable
  std::string_view cgroup = {};   // cgroup v2 path, from the root: "/user.slice/..."
};

struct QosRule {
  std::string file;  // where it was written, for `qosland qos get`
  int line = 0;
  // Matches (globs); nullopt: any.
  std::optional<std::string> app, comm, thread, exe, cgroup;
  std::optional<policy::QosClass> qos;  // every thread of the process
  std::vector<std::pair<std::string, policy::QosClass>> thread_qos;  // by thread name
  std::optional<uint64_t> period_ns;
};

// Which facts any rule looks at (what a resolver must read).
struct RuleNeeds {
  bool thread = false, process = false, cmdline = false, exe = false, cgroup = false;
};

struct RuleMatch {
  policy::QosClass qos = policy::QosClass::kDefault;
  const QosRule* rule = nullptr;
};

class QosRules {
 public:
  // Parses one file's text; `name` is what errors call it. On error, one
  // sentence naming the file and line: "game.json:3: unknown QoS class ...".
  static Result<std::vector<QosRule>> Parse(std::string_view text, std::string_view name);
  // Reads every *.json file of each directory (missing directories are
  // skipped), in name order, then each extra file (which must exist). All or
  // nothing: the first error is returned and nothing is loaded.
  static Result<QosRules> Load(const std::vector<std::string>& dirs,
                               const std::vector<std::string>& files);

  void Add(std::vector<QosRule> rules);
  std::optional<RuleMatch> Match(const TaskFacts& task) const;
  const RuleNeeds& needs() const { return needs_; }
  const std::vector<QosRule>& rules() const { return rules_; }
  size_t nr_files() const { return nr_files_; }

 private:
  std::vector<QosRule> rules_;
  RuleNeeds needs_;
  size_t nr_files_ = 0;
};

}  // namespace qosland::core

#endif  // QOSLAND_CORE_QOS_RULES_H_
