// libFuzzer target: the rules parser (core/qos_rules.h), which reads files
// users and packages drop into rules directories, and the other text
// qosland takes from outside: state files (core/qos_tags.h) and control
// requests (core/control.h). Any input must parse or give one error
// sentence; never crash, never hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/control.h"
#include "core/qos_rules.h"
#include "core/qos_tags.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rules = qosland::core::QosRules::Parse(text, "fuzz.json");
  if (!rules.ok() && rules.status().message().empty()) __builtin_trap();  // an error always says why
  if (rules.ok()) {
    qosland::core::QosRules set;
    set.Add(std::move(rules).value());
    (void)set.Match({.thread = "RenderThread", .process = "game", .cmdline = "game --x", .exe = "/usr/bin/game",
                     .cgroup = "/user.slice/app.scope"});
  }
  auto tags = qosland::core::TagBook::FromJson(text, "tags.json");
  if (tags.ok()) {
    auto again = qosland::core::TagBook::FromJson(tags->ToJson(), "tags.json");
    if (!again.ok() || again->tags().size() != tags->tags().size()) __builtin_trap();  // round trip
  }
  const size_t nl = text.find('\n');
  (void)qosland::core::ParseControlRequest(text.substr(0, nl));
  return 0;
}
