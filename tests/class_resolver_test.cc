#include "core/class_resolver.h"

#include "core/class_service.h"
#include "tests/fake_proc.h"

#include <gtest/gtest.h>
#include <linux/sched.h>
#include <linux/sched/types.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

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
class FakeProc : public ::testing::Test, protected test_support::FakeProcfs {
 protected:
  FakeProc() : FakeProcfs("proc") {}
  void SetUp() override {
    AddProcess(100, "game", std::string_view("/opt/game/bin/game\0--fullscreen\0", 32), "/opt/game/bin/game",
               "0::/user.slice/user-1000.slice/app-game.scope\n");
  }
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
    auto c = ClassResolver(rules, root()).Resolve(101);
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
  auto c = ClassResolver(none, root()).Resolve(102);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->resolved, (ResolvedClass{QosClass::kBackground, ClassSource::kAttributes}));
  EXPECT_EQ(DescribeTaskClass(*c),
            "pid 102 (worker of game): background, from its scheduling attributes (policy 3, nice 4)");

  const QosRules rules = RulesOf(R"({"game": {"qos": "QOS_UTILITY"}})");
  EXPECT_EQ(ClassResolver(rules, root()).Resolve(102)->resolved.source, ClassSource::kRule);
  TagBook tags;
  tags.Set({.kind = TagKind::kTid, .id = 102, .start = static_cast<uint64_t>(StartOf(102)),
            .qos = QosClass::kUserInitiated});
  auto tagged = ClassResolver(rules, root(), &tags).Resolve(102);
  EXPECT_EQ(tagged->resolved, (ResolvedClass{QosClass::kUserInitiated, ClassSource::kTag}));
  EXPECT_EQ(tagged->rule_class, QosClass::kUtility);  // what the rules alone would say
  EXPECT_EQ(DescribeTaskClass(*tagged), "pid 102 (worker of game): user-initiated, from a runtime tag on tid 102");

  auto plain = ClassResolver(none, root()).Resolve(100);
  EXPECT_EQ(plain->resolved, (ResolvedClass{QosClass::kDefault, ClassSource::kAuto}));
}

// Checks that the scheduler's path reads only what the rules look at: with
// no rules, a task's stat alone (its names unread), and names once a rule
// needs them.
TEST_F(FakeProc, SchedulerPathReadsOnlyWhatRulesNeed) {
  AddThread(100, 103, "worker", 4, 3);
  const QosRules none = RulesOf("{}");
  auto c = ClassResolver(none, root()).ResolveForScheduler(103, 100);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->resolved, (ResolvedClass{QosClass::kBackground, ClassSource::kAttributes}));
  EXPECT_EQ(c->thread, "");
  EXPECT_EQ(c->process, "");
  const QosRules by_thread = RulesOf(R"({"qosland": [{"thread": "worker", "qos": "user-initiated"}]})");
  EXPECT_TRUE(by_thread.needs().thread);
  EXPECT_FALSE(by_thread.needs().exe);
  c = ClassResolver(by_thread, root()).ResolveForScheduler(103, 100);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->thread, "worker");
  EXPECT_EQ(c->resolved, (ResolvedClass{QosClass::kUserInitiated, ClassSource::kRule}));
}

// Checks that a pid with no task is one clear error.
TEST_F(FakeProc, NonexistentPid) {
  const QosRules none = RulesOf("{}");
  for (int pid : {0, -5, 99999}) {
    auto c = ClassResolver(none, root()).Resolve(pid);
    ASSERT_FALSE(c.ok());
    char want[64];
    std::snprintf(want, sizeof(want), "no task with pid %d", pid);
    EXPECT_EQ(c.status().message(), want);
  }
}

// Checks that the service matches rules on its own thread and hands back
// each answer (a rule's class, or none), tagged with slot and cookie; a task
// already gone gets no answer.
TEST_F(FakeProc, ServiceHandsBackClasses) {
  AddThread(100, 101, "RenderThread", 0, 0);
  AddThread(100, 102, "worker", 0, 0);
  auto rules = QosRules::Parse(R"({"game": {"thread_qos": {"RenderThread": "QOS_USER_INTERACTIVE"}}})", "r");
  ASSERT_TRUE(rules.ok());
  QosRules set;
  set.Add(std::move(rules).value());
  ClassService service(std::move(set), {}, {.proc_root = root()});
  service.OnNewTask(7, 101, 100, 70);
  service.OnNewTask(8, 102, 100, 80);
  service.OnNewTask(9, 4242, 4242, 90);  // gone: nothing comes back
  TaskSlot slot = 0;
  uint64_t cookie = 0;
  std::optional<QosClass> qos;
  // The service's thread answers when it gets to it (in request order).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto next = [&] {
    while (!service.NextClass(&slot, &cookie, &qos)) {
      if (std::chrono::steady_clock::now() > give_up) return false;
      std::this_thread::yield();
    }
    return true;
  };
  ASSERT_TRUE(next()) << "the service never answered";
  EXPECT_EQ(slot, 7u);
  EXPECT_EQ(cookie, 70u);
  EXPECT_EQ(qos, QosClass::kUserInteractive);
  ASSERT_TRUE(next()) << "the service never answered for the second task";
  EXPECT_EQ(slot, 8u);
  EXPECT_EQ(qos, std::nullopt);  // no rule for it
  // The third request (no such task) is done once a fourth one is answered.
  service.OnNewTask(10, 100, 100, 100);
  ASSERT_TRUE(next());
  EXPECT_EQ(slot, 10u);
  EXPECT_EQ(service.nr_dropped(), 0u);
}

// Checks reloads: rules dropped into a watched directory at runtime take
// effect (the service turns active and says so), and a malformed file keeps
// the previous rules in force, with one sentence saying why.
TEST_F(FakeProc, RulesReloadWhenTheDirectoryChanges) {
  AddThread(100, 104, "render", 0, 0);
  const fs::path dir = path() / "rules.d";
  fs::create_directories(dir);
  std::vector<std::string> said;
  std::mutex mu;
  ClassService service(QosRules{}, {}, {.proc_root = root(),
                                    .rules_dirs = {dir.string()},
                                    .on_reload = [&](bool, const std::string& s) {
                                      std::lock_guard<std::mutex> lock(mu);
                                      said.push_back(s);
                                    }});
  EXPECT_FALSE(service.active());
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto wait_reloads = [&](uint64_t n) {
    while (service.nr_reloads_tried() < n) {
      if (std::chrono::steady_clock::now() > give_up) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  };
  std::ofstream(dir / "game.json") << R"({"game": {"thread_qos": {"render": "QOS_USER_INTERACTIVE"}}})";
  ASSERT_TRUE(wait_reloads(1)) << "the change was never noticed";
  EXPECT_TRUE(service.active());
  EXPECT_EQ(service.generation(), 1u);
  service.OnNewTask(1, 104, 100, 11);
  TaskSlot slot = 0;
  uint64_t cookie = 0;
  std::optional<QosClass> rule;
  while (!service.NextClass(&slot, &cookie, &rule)) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up);
    std::this_thread::yield();
  }
  EXPECT_EQ(rule, QosClass::kUserInteractive);

  std::ofstream(dir / "bad.json") << "{\n  \"x\": {\"qos\": \"QOS_NOPE\"}}";
  ASSERT_TRUE(wait_reloads(2));
  EXPECT_EQ(service.generation(), 1u);  // unchanged
  EXPECT_TRUE(service.active());
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(said.size(), 2u);
  EXPECT_EQ(said[0], "rules reloaded: 1 from 1 file(s)");
  EXPECT_EQ(said[1], "rules not reloaded: " + (dir / "bad.json").string() +
                         ":2: unknown QoS class 'QOS_NOPE' (one of user-interactive, user-initiated, default, "
                         "utility, background, or Sched QoS's QOS_* names); the previous rules stay in force");
}

// Checks that a rules directory created after the service started is
// watched from then on, and again after it is removed and made anew.
TEST_F(FakeProc, RulesDirectoryCreatedLaterIsWatched) {
  const fs::path dir = path() / "later.d";
  ClassService service(QosRules{}, {}, {.proc_root = root(), .rules_dirs = {dir.string()}});
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto wait_active = [&](bool want) {
    while (service.active() != want) {
      if (std::chrono::steady_clock::now() > give_up) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  };
  fs::create_directories(dir);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // seen empty: nothing to load yet
  std::ofstream(dir / "a.json") << R"({"game": {"qos": "QOS_UTILITY"}})";
  ASSERT_TRUE(wait_active(true)) << "a file in a directory made after start was never read";
  fs::remove_all(dir);
  ASSERT_TRUE(wait_active(false)) << "removing the directory did not drop its rules";
  fs::create_directories(dir);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  std::ofstream(dir / "b.json") << R"({"game": {"qos": "QOS_UTILITY"}})";
  EXPECT_TRUE(wait_active(true)) << "the directory made again was not watched";
}

// Checks who may tag what (core/qos_hints.h Authorize, as the control
// channel applies it): root anything; a user lowers its own tasks, raises
// them back only as far as their rules grant, never touches another user's;
// every refusal is one sentence with its code.
TEST_F(FakeProc, TagsAreAuthorizedByWhoAsks) {
  AddThread(100, 102, "worker", 0, 0);
  AddProcess(200, "daemon", std::string_view("daemon\0", 7), "/usr/sbin/daemon", "0::/system.slice\n", 0);
  fs::create_directories(path() / "cg" / "build.slice");
  QosRules rules = RulesOf(R"({"game": {"qos": "QOS_USER_INITIATED"}})");
  const std::string state = (path() / "state" / "tags.json").string();
  ClassService service(std::move(rules), {},
                       {.proc_root = root(), .state_file = state, .cgroup_root = (path() / "cg").string()});
  auto ask = [&](const std::string& line, uid_t uid) {
    auto r = ParseControlRequest(line);
    EXPECT_TRUE(r.ok()) << line;
    return r.ok() ? service.HandleControl(*r, {.pid = 1, .uid = uid, .gid = uid}) : std::string();
  };
  EXPECT_EQ(ask("set background pid 100", 1000), "ok pid 100 tagged background");
  EXPECT_TRUE(service.active());
  EXPECT_EQ(ask("get 100", 1000).substr(0, 26), "ok background tag\npid 100 ");
  EXPECT_EQ(ask("set user-interactive pid 100", 1000),
            "err denied only root may raise this task above user-initiated, the class its rules grant.");
  EXPECT_EQ(ask("set user-initiated pid 100", 1000), "ok pid 100 tagged user-initiated");
  EXPECT_EQ(ask("set background pid 100", 1001),
            "err denied only root may change the QoS class of another user's task (it belongs to uid 1000).");
  EXPECT_EQ(ask("set background pid 102", 1000),
            "err invalid 102 is a thread of process 100: tag it with --tid, or its process with --pid 100.");
  EXPECT_EQ(ask("set background tid 102", 1000), "ok tid 102 tagged background");
  EXPECT_EQ(ask("set background pid 4242", 0), "err notask no task with pid 4242.");
  EXPECT_EQ(ask("set user-interactive pid 200", 0), "ok pid 200 tagged user-interactive");
  EXPECT_EQ(ask("clear pid 200", 1000),
            "err denied only root may change the QoS class of another user's task (it belongs to uid 0).");
  // A user's comm and cgroup tags: lower only, and only a cgroup it owns.
  EXPECT_EQ(ask("set user-initiated comm gam*", 1000),
            "err denied only root may raise this task above default, the class its rules grant.");
  EXPECT_EQ(ask("set utility comm gam*", 1000), "ok comm 'gam*' tagged utility");
  EXPECT_EQ(ask("set background cgroup /nope", 0), "err notask no cgroup /nope (under " + (path() / "cg").string() + ").");
  EXPECT_EQ(ask("set background cgroup /build.slice", 4321),
            "err denied only root may tag cgroup /build.slice: it does not belong to uid 4321.");
  EXPECT_EQ(ask("set background cgroup /sys/fs/cgroup/build.slice/", 0), "ok cgroup /build.slice tagged background");
  EXPECT_EQ(ask("clear comm gam*", 0), "ok comm 'gam*' untagged");  // root clears anyone's
  EXPECT_EQ(ask("clear comm gam*", 1000), "err notask no tag on comm gam*.");
  const std::string tags = ask("tags", 1000);
  EXPECT_EQ(tags, "ok 4 tag(s)\npid 100: user-initiated (set by uid 1000, for its tasks only)\n"
                  "tid 102: background (set by uid 1000, for its tasks only)\npid 200: user-interactive\n"
                  "cgroup /build.slice: background") << tags;

  // The scheduler hears the tag's class for each task it asks about again.
  const uint64_t g = service.generation();
  EXPECT_GE(g, 6u);
  service.OnNewTask(3, 102, 100, 33);
  TaskSlot slot = 0;
  uint64_t cookie = 0;
  std::optional<QosClass> hint;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!service.NextClass(&slot, &cookie, &hint)) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up);
    std::this_thread::yield();
  }
  EXPECT_EQ(cookie, 33u);
  EXPECT_EQ(hint, QosClass::kBackground);

  // The state file keeps them for the next qosland.
  std::ifstream in(state);
  std::stringstream text;
  text << in.rdbuf();
  auto kept = TagBook::FromJson(text.str(), state);
  ASSERT_TRUE(kept.ok()) << kept.status().message();
  EXPECT_EQ(kept->tags().size(), 4u);
  const QosRules none;
  auto c = ClassResolver(none, root(), &*kept).Resolve(102);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->resolved, (ResolvedClass{QosClass::kBackground, ClassSource::kTag}));
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

// Checks that a thread set the way Sched QoS sets background (SCHED_BATCH,
// nice 4, uclamp max 256) reads as background from the real kernel, uclamp
// included when the kernel has it.
TEST(ClassResolverTest, ReadsSchedQosAttributesFromTheKernel) {
  std::thread t([] {
    sched_attr a{};
    a.size = sizeof(a);
    a.sched_policy = SCHED_BATCH;
    a.sched_nice = 4;
    a.sched_flags = SCHED_FLAG_UTIL_CLAMP_MAX;
    a.sched_util_max = 256;
    bool uclamp = syscall(SYS_sched_setattr, 0, &a, 0) == 0;
    if (!uclamp) {  // a kernel without uclamp: the rest still counts
      ASSERT_EQ(errno, EOPNOTSUPP) << "sched_setattr failed: " << std::strerror(errno);
      a.sched_flags = 0;
      ASSERT_EQ(syscall(SYS_sched_setattr, 0, &a, 0), 0) << std::strerror(errno);
    }
    const QosRules none;
    auto c = ClassResolver(none).Resolve(static_cast<int>(gettid()));
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ(c->resolved, (ResolvedClass{QosClass::kBackground, ClassSource::kAttributes}));
    EXPECT_EQ(c->attributes.has_uclamp, uclamp);
    if (uclamp) {
      EXPECT_EQ(c->attributes.uclamp_max, 256u);
      EXPECT_NE(DescribeTaskClass(*c).find("(policy 3, nice 4, uclamp max 256)"), std::string::npos)
          << DescribeTaskClass(*c);
    }
  });
  t.join();
}

}  // namespace
}  // namespace qosland::core
