#include "core/qos_tags.h"

#include <fnmatch.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

namespace qosland::core {

using policy::QosClass;

namespace {
bool ById(TagKind k) { return k == TagKind::kTid || k == TagKind::kPid; }

bool SameTarget(const Tag& t, TagKind kind, int id, std::string_view pattern) {
  return t.kind == kind && (ById(kind) ? t.id == id : t.pattern == pattern);
}

// A cgroup tag covers its directory and everything below it.
bool CgroupCovers(std::string_view tag, std::string_view task) {
  if (task.empty()) return false;
  if (tag == "/") return true;
  return task.substr(0, tag.size()) == tag && (task.size() == tag.size() || task[tag.size()] == '/');
}
}  // namespace

std::string Tag::Target() const {
  std::string s(TagKindName(kind));
  if (ById(kind)) return s + " " + std::to_string(id);
  if (kind == TagKind::kComm) return s + " '" + pattern + "'";
  return s + " " + pattern;
}

std::string NormalizeCgroupPath(std::string_view path) {
  constexpr std::string_view kMount = "/sys/fs/cgroup";
  if (path.substr(0, kMount.size()) == kMount &&
      (path.size() == kMount.size() || path[kMount.size()] == '/')) {
    path.remove_prefix(kMount.size());
  }
  std::string s(path);
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  if (s.empty() || s.front() != '/') s.insert(s.begin(), '/');
  return s;
}

void TagBook::Set(Tag tag) {
  Clear(tag.kind, tag.id, tag.pattern);
  tags_.push_back(std::move(tag));  // last: the newest comm tag wins among comm tags
}

bool TagBook::Clear(TagKind kind, int id, std::string_view pattern) {
  const auto it = std::find_if(tags_.begin(), tags_.end(),
                               [&](const Tag& t) { return SameTarget(t, kind, id, pattern); });
  if (it == tags_.end()) return false;
  tags_.erase(it);
  return true;
}

const Tag* TagBook::Find(TagKind kind, int id, std::string_view pattern) const {
  for (const Tag& t : tags_) {
    if (SameTarget(t, kind, id, pattern)) return &t;
  }
  return nullptr;
}

size_t TagBook::Prune(const std::function<uint64_t(int id)>& start_of) {
  const size_t before = tags_.size();
  std::erase_if(tags_, [&](const Tag& t) { return ById(t.kind) && start_of(t.id) != t.start; });
  return before - tags_.size();
}

const Tag* TagBook::MatchTag(const TaggedTask& task) const {
  const Tag* best = nullptr;
  int best_rank = 0;  // tid 4, pid 3, cgroup 2, comm 1
  size_t best_depth = 0;
  for (const Tag& t : tags_) {
    int rank = 0;
    switch (t.kind) {
      case TagKind::kTid:
        if (t.id == task.tid && task.start_of && task.start_of(task.tid) == t.start) rank = 4;
        break;
      case TagKind::kPid:
        if (t.id == task.tgid && task.start_of && task.start_of(task.tgid) == t.start) rank = 3;
        break;
      case TagKind::kCgroup:
        if ((t.owner == 0 || t.owner == task.uid) && CgroupCovers(t.pattern, task.cgroup)) rank = 2;
        break;
      case TagKind::kComm:
        if ((t.owner == 0 || t.owner == task.uid) && !task.process.empty() &&
            fnmatch(t.pattern.c_str(), std::string(task.process).c_str(), 0) == 0) {
          rank = 1;
        }
        break;
    }
    if (rank == 0 || rank < best_rank) continue;
    // Among cgroup tags the deepest wins; among comm tags the newest (later
    // in the list), as among rules.
    if (rank == best_rank && rank == 2 && t.pattern.size() < best_depth) continue;
    best = &t;
    best_rank = rank;
    best_depth = t.pattern.size();
  }
  return best;
}

std::optional<QosClass> TagBook::Match(const TaggedTask& task) const {
  const Tag* t = MatchTag(task);
  return t ? std::optional(t->qos) : std::nullopt;
}

TagNeeds TagBook::needs() const {
  TagNeeds n;
  for (const Tag& t : tags_) {
    if (t.kind == TagKind::kComm) n.process = true;
    if (t.kind == TagKind::kCgroup) n.cgroup = true;
    if (!ById(t.kind) && t.owner != 0) n.uid = true;
  }
  return n;
}

std::string TagBook::ToJson() const {
  nlohmann::json tags = nlohmann::json::array();
  for (const Tag& t : tags_) {
    nlohmann::json j = {{"kind", TagKindName(t.kind)}, {"qos", policy::QosClassName(t.qos)}, {"owner", t.owner}};
    if (ById(t.kind)) {
      j["id"] = t.id;
      j["start"] = t.start;
    } else {
      j["pattern"] = t.pattern;
    }
    tags.push_back(std::move(j));
  }
  return nlohmann::json{{"version", 1}, {"tags", std::move(tags)}}.dump(2) + "\n";
}

Result<TagBook> TagBook::FromJson(std::string_view text, std::string_view name) {
  const std::string where(name);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::Error(where + ": not JSON (byte " + std::to_string(e.byte) + ")");
  } catch (const nlohmann::json::exception&) {  // a number out of range, and the like
    return Status::Error(where + ": not JSON (a number out of range)");
  }
  if (!doc.is_object() || !doc.contains("tags") || !doc["tags"].is_array()) {
    return Status::Error(where + ": expected an object with a \"tags\" array");
  }
  TagBook book;
  int n = 0;
  for (const nlohmann::json& j : doc["tags"]) {
    ++n;
    const std::string bad = where + ": tag " + std::to_string(n) + " is malformed";
    if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string() || !j.contains("qos") ||
        !j["qos"].is_string()) {
      return Status::Error(bad);
    }
    const auto kind = ParseTagKind(j["kind"].get<std::string>());
    const auto qos = policy::ParseQosClass(j["qos"].get<std::string>());
    if (!kind || !qos) return Status::Error(bad);
    Tag t{.kind = *kind, .qos = *qos};
    if (j.contains("owner")) {
      if (!j["owner"].is_number_unsigned() || j["owner"].get<uint64_t>() > std::numeric_limits<uid_t>::max()) {
        return Status::Error(bad);
      }
      t.owner = j["owner"].get<uid_t>();
    }
    if (ById(*kind)) {
      if (!j.contains("id") || !j["id"].is_number_unsigned() || !j.contains("start") ||
          !j["start"].is_number_unsigned() || j["id"].get<uint64_t>() == 0 ||
          j["id"].get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int>::max())) {
        return Status::Error(bad);
      }
      t.id = j["id"].get<int>();
      t.start = j["start"].get<uint64_t>();
    } else {
      if (!j.contains("pattern") || !j["pattern"].is_string()) return Status::Error(bad);
      t.pattern = j["pattern"].get<std::string>();
      if (t.pattern.empty()) return Status::Error(bad);
      if (*kind == TagKind::kCgroup) t.pattern = NormalizeCgroupPath(t.pattern);
    }
    book.Set(std::move(t));
  }
  return book;
}

}  // namespace qosland::core
