// setsched: run a command under a scheduling policy, or with the
// attributes Linux Sched QoS sets:
//   setsched ext|normal COMMAND [ARGS...]
//   setsched attrs POLICY NICE UCLAMP_MAX COMMAND [ARGS...]
// "ext" is SCHED_EXT (7): the tasks qosland --partial schedules. "attrs"
// sets policy (0 SCHED_NORMAL, 3 SCHED_BATCH, 5 SCHED_IDLE), nice and the
// requested uclamp max with sched_setattr(2). The command's threads inherit
// all of it.
#include <linux/sched.h>
#include <linux/sched/types.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  const bool attrs = argc >= 6 && std::strcmp(argv[1], "attrs") == 0;
  if (!attrs && (argc < 3 || (std::strcmp(argv[1], "ext") != 0 && std::strcmp(argv[1], "normal") != 0))) {
    std::fprintf(stderr,
                 "usage: setsched ext|normal COMMAND [ARGS...]\n"
                 "       setsched attrs POLICY NICE UCLAMP_MAX COMMAND [ARGS...]\n");
    return 2;
  }
  if (attrs) {
    sched_attr a{};
    a.size = sizeof(a);
    a.sched_policy = static_cast<uint32_t>(std::atoi(argv[2]));
    a.sched_nice = std::atoi(argv[3]);
    a.sched_flags = SCHED_FLAG_UTIL_CLAMP_MAX;
    a.sched_util_max = static_cast<uint32_t>(std::atoi(argv[4]));
    if (syscall(SYS_sched_setattr, 0, &a, 0) != 0) {
      std::perror("setsched: sched_setattr");
      return 2;
    }
    execvp(argv[5], argv + 5);
  } else {
    constexpr int kSchedExt = 7;
    sched_param param{};
    if (sched_setscheduler(0, std::strcmp(argv[1], "ext") == 0 ? kSchedExt : SCHED_OTHER, &param) != 0) {
      std::perror("setsched");
      return 2;
    }
    execvp(argv[2], argv + 2);
  }
  std::perror("setsched: exec");
  return 127;
}
