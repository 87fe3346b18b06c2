// spawner: short-lived processes, as fast as it can, for a while; then
// waits for every one of them. For the VM test bed's flood scenario: every
// spawned task must complete, whatever the scheduler does under pressure.
//   spawner --seconds S [--parallel P]
// Prints "spawner: spawned=N reaped=N failed=F seconds=S": failed counts
// forks that failed and children that did not exit 0.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "workload_common.h"

int main(int argc, char** argv) {
  double seconds = 0;
  long parallel = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--parallel") == 0) parallel = std::atol(argv[i + 1]);
  }
  if (seconds <= 0 || parallel <= 0) {
    std::fprintf(stderr, "usage: spawner --seconds S [--parallel P]\n");
    return 2;
  }
  const uint64_t end = qosland::workloads::NowNs() + static_cast<uint64_t>(seconds * 1e9);
  unsigned long long spawned = 0, reaped = 0, failed = 0;
  long in_flight = 0;
  auto reap = [&](int flags) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, flags);
    if (pid <= 0) return false;
    --in_flight;
    ++reaped;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
    return true;
  };
  while (qosland::workloads::NowNs() < end) {
    while (in_flight >= parallel) reap(0);
    const pid_t pid = fork();
    if (pid == 0) _exit(0);
    if (pid < 0) {
      ++failed;
      reap(0);
      continue;
    }
    ++spawned;
    ++in_flight;
  }
  while (in_flight > 0 && reap(0)) {
  }
  std::printf("spawner: spawned=%llu reaped=%llu failed=%llu seconds=%.1f\n", spawned, reaped, failed, seconds);
  return failed == 0 && spawned == reaped ? 0 : 1;
}
