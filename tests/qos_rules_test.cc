#include "core/qos_rules.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace qosland::core {
namespace {

using policy::QosClass;

std::vector<QosRule> ParseOk(std::string_view text) {
  auto r = QosRules::Parse(text, "t.json");
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : std::vector<QosRule>{};
}

std::string ParseError(std::string_view text) {
  auto r = QosRules::Parse(text, "t.json");
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

QosRules Of(std::string_view text) {
  QosRules rules;
  rules.Add(ParseOk(text));
  return rules;
}

// Checks that Sched QoS's app configs, as its documentation writes them,
// tag what they name, including per-thread classes and both period units.
TEST(QosRulesTest, ReadsSchedQosAppConfigs) {
  const QosRules rules = Of(R"({
    "supertuxkart": {"qos": "QOS_USER_INITIATED",
                     "thread_qos": {"RenderThread": "QOS_USER_INTERACTIVE", "Audio*": "QOS_USER_INTERACTIVE"},
                     "period": 16},
    "indexer*": {"qos": "QOS_BACKGROUND", "period": 16000000}
  })");
  ASSERT_EQ(rules.rules().size(), 2u);
  EXPECT_EQ(rules.rules()[0].period_ns, 16'000'000u);
  EXPECT_EQ(rules.rules()[1].period_ns, 16'000'000u);

  auto main = rules.Match({.thread = "supertuxkart", .process = "supertuxkart"});
  ASSERT_TRUE(main.has_value());
  EXPECT_EQ(main->qos, QosClass::kUserInitiated);
  EXPECT_EQ(main->rule->line, 2);
  EXPECT_EQ(rules.Match({.thread = "RenderThread", .process = "supertuxkart"})->qos, QosClass::kUserInteractive);
  EXPECT_EQ(rules.Match({.thread = "AudioMixer", .process = "supertuxkart"})->qos, QosClass::kUserInteractive);
  // The app name also matches argv[0]'s base name and the command line.
  EXPECT_EQ(rules.Match({.thread = "w", .process = "x", .cmdline = "/usr/bin/indexer-daemon --all"})->qos,
            QosClass::kBackground);
  EXPECT_FALSE(rules.Match({.thread = "bash", .process = "bash", .cmdline = "bash"}).has_value());
}

// Checks qosland's own rules: each match key, all keys of a rule required.
TEST(QosRulesTest, QoslandRulesMatchOnEveryKey) {
  const QosRules rules = Of(R"({"qosland": [
    {"comm": "make", "qos": "background"},
    {"thread": "fp-main", "qos": "user-interactive"},
    {"exe": "/usr/lib/steam/*", "qos": "user-initiated"},
    {"cgroup": "/user.slice/*/app-game*.scope", "qos": "user-interactive"},
    {"comm": "cc1*", "exe": "/usr/libexec/*", "qos": "utility"}
  ]})");
  EXPECT_EQ(rules.Match({.thread = "make", .process = "make"})->qos, QosClass::kBackground);
  EXPECT_EQ(rules.Match({.thread = "fp-main", .process = "frame_pipeline"})->qos, QosClass::kUserInteractive);
  EXPECT_EQ(rules.Match({.thread = "t", .process = "steam", .exe = "/usr/lib/steam/steam"})->qos,
            QosClass::kUserInitiated);
  EXPECT_EQ(rules.Match({.thread = "t", .process = "p", .cgroup = "/user.slice/user-1000.slice/app-game-1.scope"})
                ->qos,
            QosClass::kUserInteractive);
  EXPECT_EQ(rules.Match({.thread = "cc1plus", .process = "cc1plus", .exe = "/usr/libexec/gcc/cc1plus"})->qos,
            QosClass::kUtility);
  // One key of two matching is not enough; an unknown fact matches nothing.
  EXPECT_FALSE(rules.Match({.thread = "cc1plus", .process = "cc1plus", .exe = "/opt/cc1plus"}).has_value());
  EXPECT_FALSE(rules.Match({.thread = "t", .process = "p"}).has_value());
}

// Checks precedence among rules: a thread's own entry beats a whole-process
// class even when written earlier; otherwise the later rule wins.
TEST(QosRulesTest, ThreadEntriesThenLaterRulesWin) {
  const QosRules rules = Of(R"({
    "game": {"thread_qos": {"render": "QOS_USER_INTERACTIVE"}},
    "qosland": [{"comm": "game", "qos": "background"}, {"comm": "game", "qos": "utility"}]
  })");
  EXPECT_EQ(rules.Match({.thread = "render", .process = "game"})->qos, QosClass::kUserInteractive);
  EXPECT_EQ(rules.Match({.thread = "other", .process = "game"})->qos, QosClass::kUtility);
}

// Checks each malformed case: one sentence naming the file and the line.
TEST(QosRulesTest, MalformedFilesNameFileAndLine) {
  EXPECT_EQ(ParseError("{\n  \"a\": {\"qos\": \"QOS_FAST\"}\n}"),
            "t.json:2: unknown QoS class 'QOS_FAST' (one of user-interactive, user-initiated, default, "
            "utility, background, or Sched QoS's QOS_* names)");
  // A number no double holds (found by fuzz_rules: it once escaped as an
  // exception and would have killed qosland on a bad file).
  EXPECT_EQ(ParseError("{\n  \"a\": {\"period\": 1e99999}\n}"),
            "t.json:2: not valid JSON: a number out of range (1e99999)");
  const std::string syntax = ParseError("{\n  \"a\": {\"qos\": \"QOS_UTILITY\",}\n}");
  EXPECT_EQ(syntax.rfind("t.json:2: not valid JSON: ", 0), 0u) << syntax;
  EXPECT_EQ(ParseError("[1, 2]"), "t.json:1: a rules file must be a JSON object");
  EXPECT_EQ(ParseError("{\"a\": \"QOS_UTILITY\"}"), "t.json:1: the settings of \"a\" must be an object");
  EXPECT_EQ(ParseError("{\n\"a\": {\"period\": 16}}"),
            "t.json:2: \"a\" sets no class (give \"qos\" or \"thread_qos\")");
  EXPECT_EQ(ParseError("{\"a\": {\"qos\": 3}}"), "t.json:1: the QoS class of \"qos\" must be a string");
  EXPECT_EQ(ParseError("{\"a\": {\"qos\": \"QOS_UTILITY\", \"period\": -1}}"),
            "t.json:1: \"period\" must be a positive number (milliseconds under 1000, else nanoseconds)");
  EXPECT_EQ(ParseError("{\"a\": {\"thread_qos\": [\"x\"]}}"),
            "t.json:1: \"thread_qos\" must map thread names to QoS classes");
  EXPECT_EQ(ParseError("{\"qosland\": {}}"), "t.json:1: \"qosland\" must be a list of rules");
  EXPECT_EQ(ParseError("{\"qosland\": [{\"qos\": \"utility\"}]}"),
            "t.json:1: qosland rule 1 matches nothing (give app, comm, thread, exe or cgroup)");
  EXPECT_EQ(ParseError("{\"qosland\": [\n{\"comm\": \"x\",\n \"qoss\": \"utility\"}]}"),
            "t.json:3: unknown key \"qoss\" in qosland rule 1 (a rule matches on app, comm, thread, exe, "
            "cgroup and sets qos, thread_qos, period)");
  EXPECT_EQ(ParseError("{\"qosland\": [{\"comm\": 5, \"qos\": \"utility\"}]}"),
            "t.json:1: \"comm\" in qosland rule 1 must be a non-empty string");
  EXPECT_EQ(ParseError("").rfind("t.json:1: not valid JSON: ", 0), 0u);  // empty: an error, not a crash
  // Unknown keys in Sched QoS's entries are its business: accepted.
  EXPECT_EQ(ParseOk("{\"a\": {\"qos\": \"QOS_UTILITY\", \"future_key\": 1}}").size(), 1u);
}

class RulesDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("qosland-rules-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::filesystem::path dir_;
};

// Checks that a directory is read in name order (later files win), that
// other files are ignored, and that one bad file loads nothing and says
// which file it was.
TEST_F(RulesDirTest, LoadsInNameOrderAllOrNothing) {
  Write("20-late.json", R"({"game": {"qos": "QOS_UTILITY"}})");
  Write("10-early.json", R"({"game": {"qos": "QOS_BACKGROUND"}})");
  Write("README", "not json");
  auto rules = QosRules::Load({dir_.string(), "/nonexistent-qosland-dir"}, {});
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  EXPECT_EQ(rules->nr_files(), 2u);
  EXPECT_EQ(rules->Match({.thread = "game", .process = "game"})->qos, QosClass::kUtility);

  Write("30-bad.json", "{\n\n  \"game\": {\"qos\": \"QOS_NOPE\"}}");
  auto bad = QosRules::Load({dir_.string()}, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().rfind((dir_ / "30-bad.json").string() + ":3: unknown QoS class 'QOS_NOPE'", 0),
            0u)
      << bad.status().message();

  auto missing = QosRules::Load({}, {(dir_ / "none.json").string()});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "cannot read rules file " + (dir_ / "none.json").string());
}

}  // namespace
}  // namespace qosland::core
