// libqosland: the C API of include/qosland/qosland.h, over the control
// channel (core/control.h). Exported: only the qosland_* functions.
#include <unistd.h>

#include <exception>
#include <string>

#include "core/control.h"
#include "qosland/qosland.h"

namespace {

using qosland::core::ControlCall;
using qosland::core::ControlSocketPath;

thread_local std::string last_error;

int CodeOf(const std::string& code) {
  if (code == "notrunning") return QOSLAND_ERR_NOT_RUNNING;
  if (code == "denied") return QOSLAND_ERR_DENIED;
  if (code == "invalid") return QOSLAND_ERR_INVALID;
  if (code == "notask") return QOSLAND_ERR_NO_TASK;
  return QOSLAND_ERR_IO;
}

// One request; the answer after "ok " in *answer.
int Call(const std::string& request, std::string* answer = nullptr) noexcept {
  try {
    std::string code;
    auto r = ControlCall(ControlSocketPath(), request, 5000, &code);
    if (!r.ok()) {
      last_error = r.status().message();
      return CodeOf(code);
    }
    if (answer) *answer = std::move(r).value();
    return QOSLAND_OK;
  } catch (const std::exception& e) {  // std::bad_alloc: never across the C boundary
    last_error = e.what();
    return QOSLAND_ERR_IO;
  }
}

std::string Tid() { return std::to_string(gettid()); }

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int qosland_set_thread_qos(int qos) {
  if (qos < QOSLAND_QOS_USER_INTERACTIVE || qos > QOSLAND_QOS_BACKGROUND) {
    last_error = "not a QoS class";
    return QOSLAND_ERR_INVALID;
  }
  const auto name = qosland::policy::QosClassName(static_cast<qosland::policy::QosClass>(qos));
  return Call("set " + std::string(name) + " tid " + Tid());
}

__attribute__((visibility("default"))) int qosland_get_thread_qos(void) {
  std::string answer;
  const int rc = Call("get " + Tid(), &answer);
  if (rc != QOSLAND_OK) return rc;
  // "CLASS SOURCE\n<description>"
  const auto qos = qosland::policy::ParseQosClass(answer.substr(0, answer.find(' ')));
  if (!qos) {
    last_error = "qosland answered something unexpected";
    return QOSLAND_ERR_IO;
  }
  return static_cast<int>(*qos);
}

__attribute__((visibility("default"))) int qosland_clear_thread_qos(void) { return Call("clear tid " + Tid()); }

__attribute__((visibility("default"))) const char* qosland_strerror(int result) {
  switch (result) {
    case QOSLAND_OK: return "ok";
    case QOSLAND_ERR_NOT_RUNNING: return "qosland is not running";
    case QOSLAND_ERR_DENIED: return "only root may do that";
    case QOSLAND_ERR_INVALID: return "invalid request";
    case QOSLAND_ERR_NO_TASK: return "no such task or tag";
    case QOSLAND_ERR_IO: return "qosland did not answer";
  }
  return "unknown result";
}

__attribute__((visibility("default"))) const char* qosland_last_error(void) { return last_error.c_str(); }

}  // extern "C"
