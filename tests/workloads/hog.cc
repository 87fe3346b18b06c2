// hog: CPU hogs that count their loop iterations.
//   hog --threads N --seconds S   (SIGTERM or SIGINT: results so far)
// Prints one line: threads, iterations, hog throughput (iterations per second
// over all hogs), and how many hogs missed a 5 s window (starved).
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "workload_common.h"

namespace {

using namespace qosland::workloads;

constexpr uint64_t kWindowNs = 5'000'000'000ull;

struct alignas(64) Hog {
  std::atomic<uint64_t> iterations{0};
  ProgressWindows progress;
};

}  // namespace

int main(int argc, char** argv) {
  int threads = 0;
  double seconds = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
  }
  if (threads <= 0 || seconds <= 0) {
    std::fprintf(stderr, "usage: hog --threads N --seconds S\n");
    return 2;
  }
  EndEarlyOnSignal();
  std::vector<std::unique_ptr<Hog>> hogs;
  for (int i = 0; i < threads; ++i) hogs.push_back(std::make_unique<Hog>());
  std::atomic<bool> stop{false};
  const uint64_t start = NowNs();
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&, i] {
      Hog& h = *hogs[i];
      uint64_t x = static_cast<uint64_t>(i);
      while (!stop.load(std::memory_order_relaxed)) {
        x = Burn(kHogLoopsPerIteration, x);
        h.iterations.fetch_add(1, std::memory_order_relaxed);
        h.progress.Mark(start, kWindowNs, NowNs());
      }
    });
  }
  const uint64_t end = start + static_cast<uint64_t>(seconds * 1e9);
  while (NowNs() < end && !EndEarly()) usleep(static_cast<useconds_t>(std::min<uint64_t>((end - NowNs()) / 1000 + 1, 100'000)));
  stop = true;
  const double elapsed = static_cast<double>(NowNs() - start) / 1e9;
  for (auto& t : pool) t.join();

  const int full_windows = static_cast<int>(elapsed * 1e9 / kWindowNs);
  uint64_t total = 0;
  int starved = 0;
  for (auto& h : hogs) {
    total += h->iterations.load();
    starved += h->progress.Missing(full_windows) > 0 ? 1 : 0;
  }
  std::printf("hog: threads=%d seconds=%.1f iterations=%llu iters_per_sec=%.0f windows=%d starved=%d\n",
              threads, elapsed, static_cast<unsigned long long>(total),
              static_cast<double>(total) / elapsed, full_windows, starved);
  return 0;
}
