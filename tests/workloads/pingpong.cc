// pingpong: two threads that only wake each other, passing a byte back and
// forth through two pipes; what a user feels of it is the round trip. No
// timer or device is behind their wakeups (a chat between two processes, a
// request to a local service), so qosland sees them as unrooted, and a
// round trip measures how long a wakeup of such a task waits under load.
//
//   pingpong --seconds S
//
// The first thread starts the next trip as soon as the answer comes: no
// sleep between trips, as a timer would wake it (and root the pair). Meant
// to run under load, where each wakeup waits; on an idle machine it keeps
// two CPUs busy. Prints
// "pingpong: trips=N p50_us=.. p90_us=.. p99_us=.. max_us=..".
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "workload_common.h"

namespace {

using qosland::workloads::NowNs;

int Usage() {
  std::fprintf(stderr, "usage: pingpong --seconds S\n");
  return 2;
}

bool ReadByte(int fd) {
  char c;
  return read(fd, &c, 1) == 1;
}
bool WriteByte(int fd) { return write(fd, "x", 1) == 1; }

}  // namespace

int main(int argc, char** argv) {
  double seconds = 0;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else {
      return Usage();
    }
  }
  if (seconds <= 0) return Usage();
  qosland::workloads::EndEarlyOnSignal();

  int ping[2], pong[2];
  if (pipe(ping) || pipe(pong)) {
    std::perror("pingpong: pipe");
    return 1;
  }
  std::thread echo([&] {
    while (ReadByte(ping[0])) {
      if (!WriteByte(pong[1])) break;
    }
  });

  std::vector<uint64_t> trips;
  trips.reserve(1 << 16);
  const uint64_t end = NowNs() + static_cast<uint64_t>(seconds * 1e9);
  bool ok = true;
  while (NowNs() < end && !qosland::workloads::EndEarly()) {
    const uint64_t t0 = NowNs();
    if (!WriteByte(ping[1]) || !ReadByte(pong[0])) {
      ok = false;
      break;
    }
    trips.push_back(NowNs() - t0);
  }
  close(ping[1]);  // the echo thread reads EOF and ends
  echo.join();
  if (!ok || trips.empty()) {
    std::fprintf(stderr, "pingpong: no round trip completed\n");
    return 1;
  }
  std::sort(trips.begin(), trips.end());
  using qosland::workloads::PercentileUs;
  std::printf("pingpong: trips=%zu p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f\n", trips.size(),
              PercentileUs(trips, 0.5), PercentileUs(trips, 0.9), PercentileUs(trips, 0.99), PercentileUs(trips, 1.0));
  return 0;
}
