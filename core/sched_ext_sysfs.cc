#include "core/sched_ext_sysfs.h"

#include <fstream>
#include <sys/stat.h>

namespace qosland::core {
namespace {

std::string ReadLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

}  // namespace

Result<SchedExtInfo> ReadSchedExt(const std::string& root) {
  if (!Exists(root + "/state")) {
    return Status::Error(root + "/state does not exist");
  }
  SchedExtInfo info;
  info.state = ReadLine(root + "/state");
  // 6.16 and later: root/ops; 6.12-6.15: ops at the top level.
  info.ops = Exists(root + "/root/ops") ? ReadLine(root + "/root/ops") : ReadLine(root + "/ops");
  return info;
}

Status CheckCanLoad(const std::string& root, bool is_root, const std::string& kernel_release) {
  auto info = ReadSchedExt(root);
  if (!info.ok()) {
    return Status::Error("this kernel (" + kernel_release + ") has no sched_ext: " + root +
                         "/state does not exist; qosland needs Linux 6.12 or newer built with "
                         "CONFIG_SCHED_CLASS_EXT=y (for example a Debian trixie-backports kernel), "
                         "or run it in the bundled VM with: bash bench/demo.sh");
  }
  if (!is_root) {
    return Status::Error(
        "qosland must run as root: loading a BPF scheduler needs CAP_SYS_ADMIN and CAP_BPF");
  }
  if (info->state != "disabled") {
    const std::string who = info->ops.empty() ? "unknown" : info->ops;
    if (who == "qosland") {
      return Status::Error("another qosland is already running (" + root + "/state is '" +
                           info->state + "'); stop it before starting a new one");
    }
    return Status::Error("another sched_ext scheduler, '" + who + "', is already loaded (" + root +
                         "/state is '" + info->state + "'); stop it before starting qosland");
  }
  return Status();
}

}  // namespace qosland::core
