#include "core/class_resolver.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace qosland::core {
namespace {

namespace fs = std::filesystem;
using policy::QosClass;

QosRules RulesOf(std::string_view json) {
  QosRules rules;
  auto r = QosRules::Parse(json, "r.json");
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (r.ok()) rules.Add(std::move(r).value());
  return rules;
}

// A fake /proc with one process (tgid 100) and its threads.
class FakeProc : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("qosland-proc-" + std::to_string(getpid()));
    fs::remove_all(root_);
    AddProcess(100, "game", std::string_view("/opt/game/bin/game\0--fullscreen\0", 32), "/opt/game/bin/game",
               "0::/user.slice/user-1000.slice/app-game.scope\n");
  }
  void TearDown() override { fs::remove_all(root_); }

  void AddProcess(int tgid, const std::string& comm, std::string_view cmdline, const std::string& exe,
                  const std::string& cgroup) {
    const fs::path p = root_ / std::to_string(tgid);
    fs::create_directories(p);
    std::ofstream(p / "comm") << comm << "\n";
    std::ofstream(p / "cmdline").write(cmdline.data(), static_cast<std::streamsize>(cmdline.size()));
    std::ofstream(p / "cgroup") << cgroup;
    fs::create_symlink(exe, p / "exe");
    AddThread(tgid, tgid, comm, 0, 0);
  }
  // /proc/TID as the kernel shows a thread: status with its Tgid, stat with
  // nice (field 19) and policy (field 41).
  void AddThread(int tgid, int tid, const std::string& comm, int nice, int policy) {
    const fs::path p = root_ / std::to_string(tid);
    fs::create_directories(p);
    if (tid != tgid) std::ofstream(p / "comm") << comm << "\n";
    std::ofstream(p / "status") << "Name:\t" << comm << "\nUmask:\t0022\nState:\tS\nTgid:\t" << tgid << "\n";
    std::ofstream stat(p / "stat");
    stat << tid << " (" << comm << ") S";
    for (int field = 4; field <= 52; ++field) stat << ' ' << (field == 19 ? nice : field == 41 ? policy : 0);
    stat << "\n";
  }

  fs::path root_;
};

// Checks that each fact a rule can match on is read from procfs: thread
// name, process name, command line, executable, cgroup.
TEST_F(FakeProc, RulesMatchWhatProcfsSays) {
  AddThread(100, 101, "RenderThread", 0, 0);
  for (const char* rule : {R"({"qosland": [{"thread": "RenderThread", "qos": "user-interactive"}]})",
                           R"({"qosland": [{"comm": "game", "qos": "user-interactive"}]})",
                           R"({"qosland": [{"exe": "/opt/game/*", "qos": "user-interactive"}]})",
                           R"({"qosland": [{"cgroup": "*/app-game.scope", "qos": "user-interactive"}]})",
                           R"({"*--fullscreen*": {"qos": "QOS_USER_INTERACTIVE"}})"}) {
    const QosRules rules = RulesOf(rule);
    auto c = ClassResolver(rules, root_.string()).Resolve(101);
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ(c->resolved, (ResolvedClass{QosClass::kUserInteractive, ClassSource::kRule})) << rule;
    EXPECT_EQ(c->tgid, 100);
    EXPECT_EQ(DescribeTaskClass(*c), "pid 101 (RenderThread of game): user-interactive, from rule r.json:1");
  }
}

// Checks the precedence end to end: a tag beats a rule, a rule beats the
// attributes, and attributes alone give their class.
TEST_F(FakeProc, PrecedenceAndAttributes) {
  AddThread(100, 102, "worker", 4, 3);  // Sched QoS's background: SCHED_BATCH, nice 4
  const QosRules none = RulesOf("{}");
  auto c = ClassResolver(none, root_.string()).Resolve(102);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->resolved, (ResolvedClass{QosClass::kBackground, ClassSource::kAttributes}));
  EXPECT_EQ(DescribeTaskClass(*c),
            "pid 102 (worker of game): background, from its scheduling attributes (policy 3, nice 4)");

  const QosRules rules = RulesOf(R"({"game": {"qos": "QOS_UTILITY"}})");
  EXPECT_EQ(ClassResolver(rules, root_.string()).Resolve(102)->resolved.source, ClassSource::kRule);
  EXPECT_EQ(ClassResolver(rules, root_.string()).Resolve(102, QosClass::kUserInitiated)->resolved,
            (ResolvedClass{QosClass::kUserInitiated, ClassSource::kTag}));

  auto plain = ClassResolver(none, root_.string()).Resolve(100);
  EXPECT_EQ(plain->resolved, (ResolvedClass{QosClass::kDefault, ClassSource::kAuto}));
}

// Checks that a pid with no task is one clear error.
TEST_F(FakeProc, NonexistentPid) {
  const QosRules none = RulesOf("{}");
  for (int pid : {0, -5, 99999}) {
    auto c = ClassResolver(none, root_.string()).Resolve(pid);
    ASSERT_FALSE(c.ok());
    char want[64];
    std::snprintf(want, sizeof(want), "no task with pid %d", pid);
    EXPECT_EQ(c.status().message(), want);
  }
}

// Checks the real /proc: this test's own thread, matched by its name.
TEST(ClassResolverTest, ReadsTheRealProcfs) {
  std::string comm;
  std::getline(std::ifstream("/proc/self/comm"), comm);
  const QosRules rules = RulesOf(R"({"qosland": [{"thread": ")" + comm + R"(", "qos": "utility"}]})");
  auto c = ClassResolver(rules).Resolve(static_cast<int>(gettid()));
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->resolved, (ResolvedClass{QosClass::kUtility, ClassSource::kRule}));
  EXPECT_EQ(c->tgid, getpid());
  EXPECT_EQ(c->attributes.policy, static_cast<uint32_t>(sched_getscheduler(0)));
}

}  // namespace
}  // namespace qosland::core
