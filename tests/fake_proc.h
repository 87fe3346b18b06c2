// A fake /proc in a temporary directory, for the code that reads tasks'
// names, owners and start times from procfs (core/class_resolver.h): pass
// root() as its proc root. Removed when it goes out of scope.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace qosland::test_support {

class FakeProcfs {
 public:
  explicit FakeProcfs(const std::string& name)
      : root_(std::filesystem::temp_directory_path() / ("qosland-" + name + "-" + std::to_string(getpid()))) {
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
  }
  ~FakeProcfs() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  FakeProcfs(const FakeProcfs&) = delete;
  FakeProcfs& operator=(const FakeProcfs&) = delete;

  const std::filesystem::path& path() const { return root_; }
  std::string root() const { return root_.string(); }

  // /proc/TGID of a process and of its main thread.
  void AddProcess(int tgid, const std::string& comm, std::string_view cmdline, const std::string& exe,
                  const std::string& cgroup, uid_t uid = 1000) const {
    const std::filesystem::path p = root_ / std::to_string(tgid);
    std::filesystem::create_directories(p);
    std::ofstream(p / "comm") << comm << "\n";
    std::ofstream(p / "cmdline").write(cmdline.data(), static_cast<std::streamsize>(cmdline.size()));
    std::ofstream(p / "cgroup") << cgroup;
    std::filesystem::create_symlink(exe, p / "exe");
    AddThread(tgid, tgid, comm, 0, 0, uid);
  }

  // /proc/TID as the kernel shows a thread: status with its Tgid and uids,
  // stat with nice (field 19), start time (field 22: StartOf(tid)) and
  // policy (field 41).
  void AddThread(int tgid, int tid, const std::string& comm, int nice, int policy, uid_t uid = 1000) const {
    const std::filesystem::path p = root_ / std::to_string(tid);
    std::filesystem::create_directories(p);
    if (tid != tgid) std::ofstream(p / "comm") << comm << "\n";
    std::ofstream(p / "status") << "Name:\t" << comm << "\nUmask:\t0022\nState:\tS\nTgid:\t" << tgid
                                << "\nNgid:\t0\nPid:\t" << tid << "\nPPid:\t1\nTracerPid:\t0\nUid:\t" << uid << "\t"
                                << uid << "\t" << uid << "\t" << uid << "\n";
    std::ofstream stat(p / "stat");
    stat << tid << " (" << comm << ") S";
    for (int field = 4; field <= 52; ++field) {
      stat << ' ' << (field == 19 ? nice : field == 22 ? StartOf(tid) : field == 41 ? policy : 0);
    }
    stat << "\n";
  }
  static int StartOf(int tid) { return 5000 + tid; }

 private:
  std::filesystem::path root_;
};

}  // namespace qosland::test_support
