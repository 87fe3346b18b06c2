#include "policy/qos_class.h"

#include <gtest/gtest.h>

namespace qosland::policy {
namespace {

// Checks that every spelling a user of Apple's APIs or of Sched QoS would
// write names the same class, in any case.
TEST(QosClassTest, AcceptsAppleAndSchedQosSpellings) {
  for (const char* s : {"user-interactive", "user_interactive", "userInteractive",
                        "USER-INTERACTIVE", ".userInteractive", "QOS_CLASS_USER_INTERACTIVE",
                        "QOS_USER_INTERACTIVE", "qos_user_interactive"}) {
    EXPECT_EQ(ParseQosClass(s), QosClass::kUserInteractive) << s;
  }
  EXPECT_EQ(ParseQosClass("QOS_USER_INITIATED"), QosClass::kUserInitiated);
  EXPECT_EQ(ParseQosClass("QOS_CLASS_DEFAULT"), QosClass::kDefault);
  EXPECT_EQ(ParseQosClass("Utility"), QosClass::kUtility);
  EXPECT_EQ(ParseQosClass(".background"), QosClass::kBackground);
}

// Checks that names and round trips agree for every class.
TEST(QosClassTest, NamesRoundTrip) {
  for (int i = 0; i < kNumQosClasses; ++i) {
    const auto c = static_cast<QosClass>(i);
    EXPECT_EQ(ParseQosClass(QosClassName(c)), c);
    EXPECT_EQ(ParseQosClass(SchedQosName(c)), c);
  }
}

// Checks that what names no class is refused rather than guessed.
TEST(QosClassTest, RefusesWhatNamesNoClass) {
  for (const char* s : {"", "interactive", "QOS_CLASS_UNSPECIFIED", "qos", "QOS_", "fast",
                        "user-interactive-ish", "defaults"}) {
    EXPECT_FALSE(ParseQosClass(s).has_value()) << s;
  }
  EXPECT_FALSE(ParseQosClass(std::string(100, 'a')).has_value());
}

}  // namespace
}  // namespace qosland::policy
