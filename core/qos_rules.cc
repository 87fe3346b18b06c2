#include "core/qos_rules.h"

#include <fnmatch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace qosland::core {
namespace {

using nlohmann::json;
using policy::QosClass;

// 1-based line of the first occurrence of "needle" (quoted) in text, or 1.
int LineOf(std::string_view text, std::string_view needle) {
  std::string quoted;
  quoted.reserve(needle.size() + 2);
  quoted.append(1, '"').append(needle).append(1, '"');
  const size_t at = text.find(quoted);
  if (at == std::string_view::npos) return 1;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

// Builds "name:line: what" errors for one file.
class FileErrors {
 public:
  FileErrors(std::string_view text, std::string_view name) : text_(text), name_(name) {}
  Status At(std::string_view needle, const std::string& what) const {
    return Status::Error(std::string(name_) + ":" + std::to_string(LineOf(text_, needle)) + ": " + what);
  }
  Status AtLine(int line, const std::string& what) const {
    return Status::Error(std::string(name_) + ":" + std::to_string(line) + ": " + what);
  }

 private:
  std::string_view text_, name_;
};

Result<QosClass> ClassOf(const json& v, std::string_view key, const FileErrors& err) {
  if (!v.is_string()) return err.At(key, "the QoS class of \"" + std::string(key) + "\" must be a string");
  const std::string s = v.get<std::string>();
  const auto c = policy::ParseQosClass(s);
  if (!c) {
    return err.At(s, policy::UnknownQosClass(s));
  }
  return *c;
}

// Reads qos, thread_qos and period into rule; unknown keys are errors only
// when `strict` (qosland's own rules; Sched QoS's may carry keys we do not use).
Status ReadSettings(const json& obj, std::string_view where, bool strict, const FileErrors& err,
                    QosRule* rule) {
  for (const auto& [key, v] : obj.items()) {
    if (key == "qos") {
      auto c = ClassOf(v, key, err);
      if (!c.ok()) return c.status();
      rule->qos = *c;
    } else if (key == "thread_qos") {
      if (!v.is_object()) return err.At(key, "\"thread_qos\" must map thread names to QoS classes");
      for (const auto& [thread, cv] : v.items()) {
        auto c = ClassOf(cv, thread, err);
        if (!c.ok()) return c.status();
        rule->thread_qos.emplace_back(thread, *c);
      }
    } else if (key == "period") {
      if (!v.is_number() || v.get<double>() <= 0) {
        return err.At(key, "\"period\" must be a positive number (milliseconds under 1000, else nanoseconds)");
      }
      const double p = v.get<double>();
      rule->period_ns = static_cast<uint64_t>(p < 1000 ? std::llround(p * 1e6) : std::llround(p));
    } else if (strict && key != "app" && key != "comm" && key != "thread" && key != "exe" &&
               key != "cgroup") {
      return err.At(key, "unknown key \"" + key + "\" in " + std::string(where) +
                             " (a rule matches on app, comm, thread, exe, cgroup and sets qos, "
                             "thread_qos, period)");
    }
  }
  if (!rule->qos && rule->thread_qos.empty()) {
    return err.AtLine(rule->line, std::string(where) + " sets no class (give \"qos\" or \"thread_qos\")");
  }
  return {};
}

// s matches the glob; an unknown (empty) fact matches nothing.
bool GlobMatches(const std::string& pattern, std::string_view s) {
  return !s.empty() && fnmatch(pattern.c_str(), std::string(s).c_str(), 0) == 0;
}

// As GlobMatches, but a rule key that is not given matches anything.
bool Glob(const std::optional<std::string>& pattern, std::string_view s) {
  return !pattern || GlobMatches(*pattern, s);
}

std::string_view Argv0Base(std::string_view cmdline) {
  std::string_view argv0 = cmdline.substr(0, cmdline.find(' '));
  const size_t slash = argv0.rfind('/');
  return slash == std::string_view::npos ? argv0 : argv0.substr(slash + 1);
}

bool Matches(const QosRule& r, const TaskFacts& t) {
  if (r.app && !(Glob(r.app, t.process) || Glob(r.app, Argv0Base(t.cmdline)) || Glob(r.app, t.cmdline))) {
    return false;
  }
  return Glob(r.comm, t.process) && Glob(r.thread, t.thread) && Glob(r.exe, t.exe) &&
         Glob(r.cgroup, t.cgroup);
}

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot read rules file " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Result<std::vector<QosRule>> QosRules::Parse(std::string_view text, std::string_view name) {
  const FileErrors err(text, name);
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    const size_t upto = std::min<size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(upto), '\n'));
    std::string why = e.what();
    const size_t colon = why.find(": ", why.find("parse error"));
    if (colon != std::string::npos) why = why.substr(colon + 2);
    return err.AtLine(line, "not valid JSON: " + why);
  } catch (const json::exception& e) {
    // A number too large for a double (out_of_range 406) and the like: no
    // position from the parser; name the number and find its line.
    std::string why = e.what();
    const size_t tick = why.find('\'');
    const std::string token = tick == std::string::npos ? "" : why.substr(tick + 1, why.find('\'', tick + 1) - tick - 1);
    const size_t at = token.empty() ? 0 : text.find(token);
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at == std::string_view::npos ? 0 : at), '\n'));
    return err.AtLine(line, "not valid JSON: a number out of range (" +
                                (token.size() > 24 ? token.substr(0, 24) + "..." : token) + ")");
  }
  if (!doc.is_object()) return err.AtLine(1, "a rules file must be a JSON object");

  std::vector<QosRule> rules;
  for (const auto& [key, v] : doc.items()) {
    if (key == "qosland") {
      if (!v.is_array()) return err.At(key, "\"qosland\" must be a list of rules");
      int n = 0;
      for (const json& r : v) {
        ++n;
        const std::string where = "qosland rule " + std::to_string(n);
        if (!r.is_object()) return err.At(key, where + " must be an object");
        QosRule rule;
        for (const char* m : {"app", "comm", "thread", "exe", "cgroup"}) {
          if (!r.contains(m)) continue;
          if (!r[m].is_string() || r[m].get<std::string>().empty()) {
            return err.At(m, "\"" + std::string(m) + "\" in " + where + " must be a non-empty string");
          }
          std::optional<std::string>* field = std::string_view(m) == "app"    ? &rule.app
                                              : std::string_view(m) == "comm" ? &rule.comm
                                              : std::string_view(m) == "thread" ? &rule.thread
                                              : std::string_view(m) == "exe"  ? &rule.exe
                                                                              : &rule.cgroup;
          *field = r[m].get<std::string>();
        }
        if (!rule.app && !rule.comm && !rule.thread && !rule.exe && !rule.cgroup) {
          return err.At(key, where + " matches nothing (give app, comm, thread, exe or cgroup)");
        }
        // Its line: that of its first match key's value.
        for (const auto* m : {&rule.app, &rule.comm, &rule.thread, &rule.exe, &rule.cgroup}) {
          if (*m) {
            rule.line = LineOf(text, **m);
            break;
          }
        }
        if (Status s = ReadSettings(r, where, /*strict=*/true, err, &rule); !s.ok()) return s;
        rule.file = std::string(name);
        rules.push_back(std::move(rule));
      }
      continue;
    }
    if (!v.is_object()) return err.At(key, "the settings of \"" + key + "\" must be an object");
    QosRule rule;
    rule.app = key;
    rule.line = LineOf(text, key);
    if (Status s = ReadSettings(v, "\"" + key + "\"", /*strict=*/false, err, &rule); !s.ok()) return s;
    rule.file = std::string(name);
    rules.push_back(std::move(rule));
  }
  return rules;
}

Result<QosRules> QosRules::Load(const std::vector<std::string>& dirs, const std::vector<std::string>& files) {
  namespace fs = std::filesystem;
  QosRules out;
  std::vector<fs::path> paths;
  for (const std::string& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> here;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".json" && entry.is_regular_file(ec)) here.push_back(entry.path());
    }
    if (ec) return Status::Error("cannot read rules directory " + dir + ": " + ec.message());
    std::sort(here.begin(), here.end());
    paths.insert(paths.end(), here.begin(), here.end());
  }
  for (const std::string& f : files) paths.emplace_back(f);
  for (const fs::path& p : paths) {
    auto text = ReadFile(p);
    if (!text.ok()) return text.status();
    auto rules = Parse(*text, p.string());
    if (!rules.ok()) return rules.status();
    out.Add(std::move(rules).value());
    ++out.nr_files_;
  }
  return out;
}

void QosRules::Add(std::vector<QosRule> rules) {
  for (QosRule& r : rules) {
    // An app matches the process name, argv[0] or the command line.
    needs_.process |= r.app.has_value() || r.comm.has_value();
    needs_.cmdline |= r.app.has_value();
    needs_.thread |= r.thread.has_value() || !r.thread_qos.empty();
    needs_.exe |= r.exe.has_value();
    needs_.cgroup |= r.cgroup.has_value();
    rules_.push_back(std::move(r));
  }
}

std::optional<RuleMatch> QosRules::Match(const TaskFacts& task) const {
  std::optional<RuleMatch> best;
  bool best_is_thread = false;
  for (const QosRule& r : rules_) {
    if (!Matches(r, task)) continue;
    // Later rules win among equals, so keep overwriting.
    for (const auto& [glob, c] : r.thread_qos) {
      if (GlobMatches(glob, task.thread)) {
        best = RuleMatch{c, &r};
        best_is_thread = true;
      }
    }
    if (r.qos && !best_is_thread) best = RuleMatch{*r.qos, &r};
  }
  return best;
}

}  // namespace qosland::core
