// Checks CPU topology reading against fake sysfs trees.
#include "core/topology.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace qosland::core {
namespace {

namespace fs = std::filesystem;

class FakeCpuSysfs : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("qosland-cpu-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text << "\n";
  }
  // A CPU with its SMT siblings and caches: {level, shared list} pairs.
  void Cpu(int cpu, const std::string& siblings, std::vector<std::pair<int, std::string>> caches) {
    const std::string d = "cpu" + std::to_string(cpu);
    Write(d + "/topology/thread_siblings_list", siblings);
    for (size_t i = 0; i < caches.size(); ++i) {
      Write(d + "/cache/index" + std::to_string(i) + "/level", std::to_string(caches[i].first));
      Write(d + "/cache/index" + std::to_string(i) + "/shared_cpu_list", caches[i].second);
    }
  }
  std::string root() const { return root_.string(); }
  fs::path root_;
};

// Checks that the kernel's CPU list syntax is understood and garbage refused.
TEST(CpuListTest, ParsesRangesAndSingles) {
  auto l = ParseCpuList("0-3,8,10-11\n");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(*l, (std::vector<uint32_t>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_TRUE(ParseCpuList("").ok());
  EXPECT_FALSE(ParseCpuList("0-x").ok());
  EXPECT_FALSE(ParseCpuList("3-1").ok());
  EXPECT_FALSE(ParseCpuList("1,,2").ok());
}

// Checks a 4-CPU machine with 2 SMT threads per core and one shared L3.
TEST_F(FakeCpuSysfs, SmtSiblingsShareACore) {
  Write("online", "0-3");
  for (int c = 0; c < 4; ++c) {
    const std::string sib = c < 2 ? "0-1" : "2-3";
    Cpu(c, sib, {{1, sib}, {2, sib}, {3, "0-3"}});
  }
  auto t = ReadCpuTopology(root());
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_TRUE(t->smt());
  EXPECT_EQ(t->nr_cpu_ids, 4u);
  ASSERT_EQ(t->core_cpus.size(), 2u);
  EXPECT_EQ(t->core_of[0], t->core_of[1]);
  EXPECT_NE(t->core_of[1], t->core_of[2]);
  ASSERT_EQ(t->llc_cpus.size(), 1u);
  EXPECT_EQ(t->llc_cpus[0], (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(t->Describe(), "4 CPUs, 2 cores with SMT, 1 last-level cache");
}

// Checks an 8-CPU machine without SMT and with two last-level caches.
TEST_F(FakeCpuSysfs, TwoLastLevelCaches) {
  Write("online", "0-7");
  for (int c = 0; c < 8; ++c) Cpu(c, std::to_string(c), {{2, std::to_string(c)}, {3, c < 4 ? "0-3" : "4-7"}});
  auto t = ReadCpuTopology(root());
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_FALSE(t->smt());
  ASSERT_EQ(t->llc_cpus.size(), 2u);
  EXPECT_EQ(t->llc_of[3], t->llc_of[0]);
  EXPECT_NE(t->llc_of[4], t->llc_of[3]);
  EXPECT_EQ(t->llc_cpus[t->llc_of[6]], (std::vector<uint32_t>{4, 5, 6, 7}));
  EXPECT_EQ(t->Describe(), "8 CPUs, 8 cores, 2 last-level caches");
}

// Checks that offline CPUs are left out and missing cache data is tolerated.
TEST_F(FakeCpuSysfs, OfflineCpusAndMissingCaches) {
  Write("online", "0,2");
  Cpu(0, "0", {});
  Cpu(2, "2", {});
  auto t = ReadCpuTopology(root());
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->nr_cpu_ids, 3u);
  EXPECT_EQ(t->core_of[1], -1);
  EXPECT_EQ(t->llc_of[1], -1);
  EXPECT_NE(t->llc_of[0], t->llc_of[2]) << "a CPU without cache data gets an LLC of its own";
}

// Checks that a broken tree gets a clear error naming the file.
TEST_F(FakeCpuSysfs, BrokenTreeIsAClearError) {
  auto missing = ReadCpuTopology(root());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/online"), std::string::npos);
  Write("online", "0-1");
  Cpu(0, "zero", {});
  auto bad = ReadCpuTopology(root());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("thread_siblings_list"), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace qosland::core
