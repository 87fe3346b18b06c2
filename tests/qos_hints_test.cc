#include "core/qos_hints.h"

#include <gtest/gtest.h>

namespace qosland::core {
namespace {

constexpr uint32_t kNormal = 0, kBatch = 3, kIdle = 5;

// Checks the documented order: tag, then rule, then attributes, then
// automatic.
TEST(QosHintsTest, PrecedenceIsTagRuleAttributesAuto) {
  EXPECT_EQ(ResolveClass(QosClass::kBackground, QosClass::kUserInteractive, QosClass::kUtility),
            (ResolvedClass{QosClass::kBackground, ClassSource::kTag}));
  EXPECT_EQ(ResolveClass(std::nullopt, QosClass::kUserInteractive, QosClass::kUtility),
            (ResolvedClass{QosClass::kUserInteractive, ClassSource::kRule}));
  EXPECT_EQ(ResolveClass(std::nullopt, std::nullopt, QosClass::kUtility),
            (ResolvedClass{QosClass::kUtility, ClassSource::kAttributes}));
  EXPECT_EQ(ResolveClass(std::nullopt, std::nullopt, std::nullopt),
            (ResolvedClass{QosClass::kDefault, ClassSource::kAuto}));
  EXPECT_EQ(ClassSourceName(ClassSource::kAuto), "automatic");
}

// Checks that a task set up by the Sched QoS daemon reads as the class it
// was given, with its documented tie between default and utility resolved
// upwards.
TEST(QosHintsTest, SchedQosSettingsReadAsTheirClass) {
  EXPECT_EQ(ClassFromAttributes({.policy = kNormal, .nice = -4, .has_uclamp = true, .uclamp_max = 1024}),
            QosClass::kUserInteractive);
  EXPECT_EQ(ClassFromAttributes({.policy = kNormal, .nice = -2, .has_uclamp = true, .uclamp_max = 768}),
            QosClass::kUserInitiated);
  EXPECT_EQ(ClassFromAttributes({.policy = kBatch, .nice = 2, .has_uclamp = true, .uclamp_max = 512}),
            QosClass::kDefault);
  EXPECT_EQ(ClassFromAttributes({.policy = kBatch, .nice = 4, .has_uclamp = true, .uclamp_max = 256}),
            QosClass::kBackground);
  // Without uclamp (a kernel built without it), policy and nice decide.
  EXPECT_EQ(ClassFromAttributes({.policy = kNormal, .nice = -4}), QosClass::kUserInteractive);
}

// Checks the plain attributes: SCHED_IDLE is background, SCHED_BATCH
// utility, and an ordinary task says nothing, whatever its nice.
TEST(QosHintsTest, PlainAttributes) {
  EXPECT_EQ(ClassFromAttributes({.policy = kIdle}), QosClass::kBackground);
  EXPECT_EQ(ClassFromAttributes({.policy = kBatch, .nice = 0}), QosClass::kUtility);
  EXPECT_EQ(ClassFromAttributes({.policy = kNormal, .nice = 0}), std::nullopt);
  EXPECT_EQ(ClassFromAttributes({.policy = kNormal, .nice = -10}), std::nullopt);
  // Sched QoS's nice with another uclamp is not Sched QoS's setting.
  EXPECT_EQ(ClassFromAttributes({.policy = kNormal, .nice = -4, .has_uclamp = true, .uclamp_max = 512}),
            std::nullopt);
}

// Checks who may change what: root anything; an owner lowers freely and
// raises only back up to what the rules grant; nobody touches another
// user's task.
TEST(QosHintsTest, Authorization) {
  const TargetTask mine{.owner_uid = 1000, .current = QosClass::kDefault, .granted = QosClass::kDefault};
  EXPECT_TRUE(Authorize({.uid = 0}, mine, QosClass::kUserInteractive).allowed);
  EXPECT_TRUE(Authorize({.uid = 1000}, mine, QosClass::kBackground).allowed);
  EXPECT_TRUE(Authorize({.uid = 1000}, mine, QosClass::kDefault).allowed);

  const Authorization up = Authorize({.uid = 1000}, mine, QosClass::kUserInitiated);
  EXPECT_FALSE(up.allowed);
  EXPECT_EQ(up.refusal, "only root may raise this task above default, the class its rules grant.");

  // Lowered by mistake: back up to the granted class, not beyond.
  const TargetTask lowered{.owner_uid = 1000, .current = QosClass::kBackground,
                           .granted = QosClass::kUserInitiated};
  EXPECT_TRUE(Authorize({.uid = 1000}, lowered, QosClass::kUserInitiated).allowed);
  EXPECT_FALSE(Authorize({.uid = 1000}, lowered, QosClass::kUserInteractive).allowed);

  // Raised by root above its rules: the owner may lower it, not raise it more.
  const TargetTask raised{.owner_uid = 1000, .current = QosClass::kUserInitiated,
                          .granted = QosClass::kDefault};
  EXPECT_TRUE(Authorize({.uid = 1000}, raised, QosClass::kUtility).allowed);
  const Authorization more = Authorize({.uid = 1000}, raised, QosClass::kUserInteractive);
  EXPECT_FALSE(more.allowed);
  EXPECT_EQ(more.refusal, "only root may raise this task above user-initiated, its current class.");

  const Authorization other = Authorize({.uid = 1001}, mine, QosClass::kBackground);
  EXPECT_FALSE(other.allowed);
  EXPECT_EQ(other.refusal, "only root may change the QoS class of another user's task (it belongs to uid 1000).");
}

}  // namespace
}  // namespace qosland::core
