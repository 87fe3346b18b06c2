// tagself: a thread tags itself through libqosland, as a cooperative
// runtime would, then burns CPU like hog. For the VM test bed.
//   tagself CLASS SECONDS   (CLASS: 0 user-interactive ... 4 background)
// Prints "tagself: set_rc=R get=G msg='...' iters_per_sec=N": R and G as
// qosland_set_thread_qos and qosland_get_thread_qos returned them (G: the
// class qosland gives the thread, or an error), msg: qosland's sentence
// when R is an error; N in hog's iterations.
#include <qosland/qosland.h>

#include <cstdio>
#include <cstdlib>

#include "workload_common.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: tagself CLASS SECONDS\n");
    return 2;
  }
  const int qos = std::atoi(argv[1]);
  const double seconds = std::atof(argv[2]);
  const int set_rc = qosland_set_thread_qos(qos);
  const int get = qosland_get_thread_qos();
  const uint64_t t0 = qosland::workloads::NowNs();
  const uint64_t end = t0 + static_cast<uint64_t>(seconds * 1e9);
  uint64_t iterations = 0, sink = 0;
  while (qosland::workloads::NowNs() < end) {
    sink += qosland::workloads::Burn(qosland::workloads::kHogLoopsPerIteration, iterations);
    ++iterations;
  }
  const double elapsed = static_cast<double>(qosland::workloads::NowNs() - t0) / 1e9;
  std::printf("tagself: set_rc=%d get=%d msg='%s' iters_per_sec=%.0f sink=%llu\n", set_rc, get,
              set_rc == QOSLAND_OK ? "" : qosland_last_error(), elapsed > 0 ? static_cast<double>(iterations) / elapsed : 0,
              static_cast<unsigned long long>(sink & 1));
  return 0;
}
