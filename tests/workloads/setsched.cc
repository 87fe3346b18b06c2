// setsched: run a command under a scheduling policy: setsched ext|normal
// COMMAND [ARGS...]. "ext" is SCHED_EXT (7): the tasks qosland --partial
// schedules. The policy is inherited by the command's threads.
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc < 3 || (std::strcmp(argv[1], "ext") != 0 && std::strcmp(argv[1], "normal") != 0)) {
    std::fprintf(stderr, "usage: setsched ext|normal COMMAND [ARGS...]\n");
    return 2;
  }
  constexpr int kSchedExt = 7;
  sched_param param{};
  if (sched_setscheduler(0, std::strcmp(argv[1], "ext") == 0 ? kSchedExt : SCHED_OTHER, &param) != 0) {
    std::perror("setsched");
    return 2;
  }
  execvp(argv[2], argv + 2);
  std::perror("setsched: exec");
  return 127;
}
