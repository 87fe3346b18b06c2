#include "core/topology.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>

namespace qosland::core {
namespace {

bool ReadFirstLine(const std::string& path, std::string* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::getline(in, *out);
  return true;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return std::string(s);
}

bool ParseUint(std::string_view s, uint32_t* v) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Index of `cpus` in `groups`, adding it if new.
int32_t GroupIndex(std::vector<std::vector<uint32_t>>& groups, std::map<std::vector<uint32_t>, int32_t>& seen,
                   const std::vector<uint32_t>& cpus) {
  auto [it, inserted] = seen.emplace(cpus, static_cast<int32_t>(groups.size()));
  if (inserted) groups.push_back(cpus);
  return it->second;
}

}  // namespace

std::string CpuTopology::Describe() const {
  auto plural = [](size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  return plural(online.size(), "CPU", "CPUs") + ", " +
         plural(core_cpus.size(), "core", "cores") + (smt() ? " with SMT" : "") + ", " +
         plural(llc_cpus.size(), "last-level cache", "last-level caches");
}

bool CpuTopology::smt() const {
  return std::any_of(core_cpus.begin(), core_cpus.end(), [](const auto& c) { return c.size() > 1; });
}

Result<std::vector<uint32_t>> ParseCpuList(std::string_view text) {
  const std::string t = Trim(text);
  std::vector<uint32_t> cpus;
  if (t.empty()) return cpus;
  size_t pos = 0;
  while (pos <= t.size()) {
    const size_t comma = std::min(t.find(',', pos), t.size());
    const std::string_view item(t.data() + pos, comma - pos);
    const size_t dash = item.find('-');
    uint32_t lo = 0, hi = 0;
    const bool ok = dash == std::string_view::npos
                        ? ParseUint(item, &lo) && (hi = lo, true)
                        : ParseUint(item.substr(0, dash), &lo) && ParseUint(item.substr(dash + 1), &hi);
    if (!ok || hi < lo || hi >= (1u << 16)) {
      return Status::Error("'" + t + "' is not a CPU list");
    }
    for (uint32_t c = lo; c <= hi; ++c) cpus.push_back(c);
    pos = comma + 1;
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

Result<CpuTopology> ReadCpuTopology(const std::string& root) {
  std::string line;
  if (!ReadFirstLine(root + "/online", &line)) {
    return Status::Error("cannot read " + root + "/online");
  }
  auto online = ParseCpuList(line);
  if (!online.ok()) return Status::Error(root + "/online: " + online.status().message());
  if (online->empty()) return Status::Error(root + "/online lists no CPU");

  CpuTopology topo;
  topo.online = *online;
  topo.nr_cpu_ids = topo.online.back() + 1;
  topo.core_of.assign(topo.nr_cpu_ids, -1);
  topo.llc_of.assign(topo.nr_cpu_ids, -1);
  std::map<std::vector<uint32_t>, int32_t> cores_seen, llcs_seen;

  for (uint32_t cpu : topo.online) {
    const std::string dir = root + "/cpu" + std::to_string(cpu);
    // SMT siblings; a CPU without the file is a core of its own.
    std::vector<uint32_t> siblings{cpu};
    if (ReadFirstLine(dir + "/topology/thread_siblings_list", &line)) {
      auto s = ParseCpuList(line);
      if (!s.ok()) return Status::Error(dir + "/topology/thread_siblings_list: " + s.status().message());
      if (!s->empty()) siblings = *s;
    }
    topo.core_of[cpu] = GroupIndex(topo.core_cpus, cores_seen, siblings);

    // Last-level cache: the highest level among cache/index*.
    uint32_t best_level = 0;
    std::vector<uint32_t> llc{cpu};
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir + "/cache", ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("index", 0) != 0) continue;
      std::string level_text, shared_text;
      uint32_t level = 0;
      if (!ReadFirstLine(entry.path().string() + "/level", &level_text) ||
          !ParseUint(Trim(level_text), &level) ||
          !ReadFirstLine(entry.path().string() + "/shared_cpu_list", &shared_text)) {
        continue;
      }
      auto shared = ParseCpuList(shared_text);
      if (!shared.ok()) return Status::Error(entry.path().string() + "/shared_cpu_list: " + shared.status().message());
      if (level > best_level && !shared->empty()) {
        best_level = level;
        llc = *shared;
      }
    }
    topo.llc_of[cpu] = GroupIndex(topo.llc_cpus, llcs_seen, llc);
  }
  return topo;
}

}  // namespace qosland::core
