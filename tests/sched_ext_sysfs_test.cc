// Checks the sentences qosland prints when it cannot start, against fake
// /sys/kernel/sched_ext trees.
#include "core/sched_ext_sysfs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace qosland::core {
namespace {

namespace fs = std::filesystem;

class FakeSysfs : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("qosland-sysfs-" + std::to_string(getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text << "\n";
  }
  std::string root() const { return root_.string(); }
  fs::path root_;
};

// Checks that a kernel without sched_ext is named, with what was checked and what is needed.
TEST_F(FakeSysfs, KernelWithoutSchedExtSaysWhatIsNeeded) {
  const Status s = CheckCanLoad(root(), /*is_root=*/true, "6.1.0-test");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("6.1.0-test"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(root() + "/state"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("CONFIG_SCHED_CLASS_EXT"), std::string::npos) << s.message();
}

// Checks that a user who is not root is told so.
TEST_F(FakeSysfs, NotRootIsRefused) {
  Write("state", "disabled");
  Write("root/ops", "");
  const Status s = CheckCanLoad(root(), /*is_root=*/false, "7.3.4");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("must run as root"), std::string::npos) << s.message();
}

// Checks that another scheduler already loaded is named.
TEST_F(FakeSysfs, AnotherSchedulerIsNamed) {
  Write("state", "enabled");
  Write("root/ops", "lavd_1.0.0_x86_64");
  const Status s = CheckCanLoad(root(), /*is_root=*/true, "7.3.4");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'lavd_1.0.0_x86_64'"), std::string::npos) << s.message();
}

// Checks that a second qosland is told that one is already running.
TEST_F(FakeSysfs, SecondQoslandIsRefused) {
  Write("state", "enabled");
  Write("root/ops", "qosland");
  const Status s = CheckCanLoad(root(), /*is_root=*/true, "7.3.4");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("already running"), std::string::npos) << s.message();
}

// Checks that a kernel with sched_ext and no scheduler lets root load qosland.
TEST_F(FakeSysfs, ReadyKernelIsAccepted) {
  Write("state", "disabled");
  Write("root/ops", "");
  EXPECT_TRUE(CheckCanLoad(root(), /*is_root=*/true, "7.3.4").ok());
  auto info = ReadSchedExt(root());
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->state, "disabled");
}

}  // namespace
}  // namespace qosland::core
