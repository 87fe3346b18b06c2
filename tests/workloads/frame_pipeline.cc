// frame_pipeline: a game's frame chain, to measure what a player would feel.
//
// Every period (16.7 ms, 60 Hz) a timer thread wakes the main thread, which
// does 2 ms of CPU work, wakes 2 workers (1 ms each) and waits for both, then
// wakes the compositor (0.3 ms). Frame latency is timer expiry to compositor
// done; a frame misses when its latency exceeds the period. A tick that comes
// while the previous frame is still in flight is dropped (a game cannot start
// a frame before it finished the last) and counts as a miss, and so does a
// tick that passes while the timer thread itself waits to run (ticks follow
// the clock, as a display's vblank does, not the timer thread).
//
//   frame_pipeline --calibrate                  # on an idle machine
//   frame_pipeline --seconds S --loops-per-ms L [--period-us P]
//   (SIGTERM or SIGINT ends it early, with results over the time it ran)
//
// CPU work is calibrated where the pipeline runs (in the VM), never on the host.
//
// A second line, "stages:", profiles the completed frames: the median time
// of each step of the chain, wakeups (from the post that woke a thread to
// the thread running) and CPU work (stretched when the thread is preempted),
// so a slow frame can be traced to the hop that made it slow.
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "workload_common.h"

namespace {

using namespace qosland::workloads;

constexpr uint64_t kWindowNs = 5'000'000'000ull;
enum Thread { kTimer, kMain, kWorker0, kWorker1, kCompositor, kNrThreads };
const char* const kThreadNames[kNrThreads] = {"timer", "main", "worker0", "worker1", "compositor"};

// When each step of one frame happened (ns, CLOCK_MONOTONIC).
struct FrameTimes {
  uint64_t expiry = 0, timer_woke = 0, main_start = 0, workers_posted = 0;
  uint64_t worker_start[2] = {}, worker_done[2] = {};
  uint64_t main_resumed = 0, compositor_start = 0, done = 0;
};

struct Pipeline {
  uint64_t loops_per_ms = 0;
  uint64_t period_ns = 16'666'667;
  uint64_t start_ns = 0;
  std::atomic<bool> stop{false};  // timer -> main: no more frames
  std::atomic<bool> quit{false};  // main -> the others: exit (set after main's last frame)
  std::atomic<uint64_t> compose_requests{0};
  std::atomic<bool> in_flight{false};
  uint64_t frame_expiry_ns = 0;  // handed over through the semaphores
  sem_t go_main, go_worker[2], worker_done, go_compositor;
  ProgressWindows progress[kNrThreads];
  std::vector<uint64_t> latencies_ns;  // completed frames
  FrameTimes current;                  // the frame in flight (one at a time)
  std::vector<FrameTimes> frames;      // completed frames
  uint64_t ticks = 0, dropped = 0;
  uint64_t max_wake_delay_ns = 0;  // timer expiry to the timer thread running

  // CPU work of `us` microseconds, marking progress as it goes.
  void Work(Thread who, uint64_t us) {
    const uint64_t total = loops_per_ms * us / 1000;
    constexpr uint64_t kChunk = 2000;
    for (uint64_t done = 0; done < total; done += kChunk) {
      Burn(std::min(kChunk, total - done), done);
      progress[who].Mark(start_ns, kWindowNs, NowNs());
    }
  }
};

// Names the calling thread "fp-<name>" (seen in top, ps -L and traces).
void Name(Thread t) {
  char name[16];
  std::snprintf(name, sizeof(name), "fp-%s", kThreadNames[t]);
  pthread_setname_np(pthread_self(), name);
}

void Wait(sem_t* s) {
  while (sem_wait(s) != 0) {
  }
}

void TimerThread(Pipeline& p, uint64_t end_ns) {
  Name(kTimer);
  uint64_t next = p.start_ns + p.period_ns;
  while (next <= end_ns && !EndEarly()) {
    timespec ts{static_cast<time_t>(next / 1'000'000'000ull), static_cast<long>(next % 1'000'000'000ull)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
    }
    const uint64_t woke = NowNs();
    p.progress[kTimer].Mark(p.start_ns, kWindowNs, woke);
    p.max_wake_delay_ns = std::max(p.max_wake_delay_ns, woke - next);
    // Like a display's vblank, ticks do not wait for a late timer thread:
    // the ones that passed while it was not running are missed frames.
    const uint64_t passed = (woke - next) / p.period_ns;
    const uint64_t expiry = next + passed * p.period_ns;
    if (expiry > end_ns) break;
    p.ticks += passed + 1;
    p.dropped += passed;
    if (p.in_flight.load(std::memory_order_acquire)) {
      ++p.dropped;
    } else {
      p.in_flight.store(true, std::memory_order_relaxed);
      p.frame_expiry_ns = expiry;
      p.current = FrameTimes{.expiry = expiry, .timer_woke = woke};
      sem_post(&p.go_main);
    }
    next = expiry + p.period_ns;
  }
  p.stop = true;
  sem_post(&p.go_main);
}

void MainThread(Pipeline& p) {
  Name(kMain);
  for (;;) {
    Wait(&p.go_main);
    if (p.stop) break;
    p.current.main_start = NowNs();
    p.progress[kMain].Mark(p.start_ns, kWindowNs, p.current.main_start);
    p.Work(kMain, 2000);
    p.current.workers_posted = NowNs();
    sem_post(&p.go_worker[0]);
    sem_post(&p.go_worker[1]);
    Wait(&p.worker_done);
    Wait(&p.worker_done);
    p.current.main_resumed = NowNs();
    p.compose_requests.fetch_add(1, std::memory_order_release);
    sem_post(&p.go_compositor);
  }
  // Only now may the others exit: every frame main started has been through
  // the workers, so a worker never sees quit with a frame pending.
  p.quit = true;
  sem_post(&p.go_worker[0]);
  sem_post(&p.go_worker[1]);
  sem_post(&p.go_compositor);
}

void WorkerThread(Pipeline& p, int i) {
  const Thread me = i == 0 ? kWorker0 : kWorker1;
  Name(me);
  for (;;) {
    Wait(&p.go_worker[i]);
    if (p.quit) break;
    p.current.worker_start[i] = NowNs();
    p.progress[me].Mark(p.start_ns, kWindowNs, p.current.worker_start[i]);
    p.Work(me, 1000);
    p.current.worker_done[i] = NowNs();
    sem_post(&p.worker_done);
  }
}

void CompositorThread(Pipeline& p) {
  // The last frame's post may arrive after quit is set: compose every frame
  // main asked for, and exit on the post that carries no frame.
  Name(kCompositor);
  for (uint64_t composed = 0;; ++composed) {
    Wait(&p.go_compositor);
    if (composed == p.compose_requests.load(std::memory_order_acquire)) break;
    p.current.compositor_start = NowNs();
    p.progress[kCompositor].Mark(p.start_ns, kWindowNs, p.current.compositor_start);
    p.Work(kCompositor, 300);
    p.current.done = NowNs();
    p.latencies_ns.push_back(p.current.done - p.frame_expiry_ns);
    p.frames.push_back(p.current);
    p.in_flight.store(false, std::memory_order_release);
  }
}

// Median of one step over the completed frames, in microseconds.
template <typename F>
double StageMedianUs(const std::vector<FrameTimes>& frames, F step) {
  std::vector<uint64_t> v;
  v.reserve(frames.size());
  for (const FrameTimes& f : frames) v.push_back(step(f));
  std::sort(v.begin(), v.end());
  return PercentileUs(v, 0.5);
}

// ns from `from` to `to`; 0 if `to` came first (a step that never happened).
uint64_t Between(uint64_t from, uint64_t to) { return to > from ? to - from : 0; }

void PrintStages(const std::vector<FrameTimes>& frames) {
  struct Step {
    const char* name;
    uint64_t (*of)(const FrameTimes&);
  };
  static const Step kSteps[] = {
      {"timer_wake", [](const FrameTimes& f) { return Between(f.expiry, f.timer_woke); }},
      {"main_wake", [](const FrameTimes& f) { return Between(f.timer_woke, f.main_start); }},
      {"main_run", [](const FrameTimes& f) { return Between(f.main_start, f.workers_posted); }},
      {"worker0_wake", [](const FrameTimes& f) { return Between(f.workers_posted, f.worker_start[0]); }},
      {"worker1_wake", [](const FrameTimes& f) { return Between(f.workers_posted, f.worker_start[1]); }},
      {"worker_run", [](const FrameTimes& f) {
         return std::max(Between(f.worker_start[0], f.worker_done[0]), Between(f.worker_start[1], f.worker_done[1]));
       }},
      {"main_rewake", [](const FrameTimes& f) {
         return Between(std::max(f.worker_done[0], f.worker_done[1]), f.main_resumed);
       }},
      {"compositor_wake", [](const FrameTimes& f) { return Between(f.main_resumed, f.compositor_start); }},
      {"compositor_run", [](const FrameTimes& f) { return Between(f.compositor_start, f.done); }},
  };
  std::printf("stages: frames=%zu", frames.size());
  for (const Step& s : kSteps) std::printf(" %s_p50_us=%.0f", s.name, StageMedianUs(frames, s.of));
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 0;
  uint64_t loops_per_ms = 0;
  uint64_t period_us = 16667;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--calibrate")) {
      std::printf("calibrate: loops_per_ms=%llu\n", static_cast<unsigned long long>(CalibrateLoopsPerMs()));
      return 0;
    }
    if (i + 1 >= argc) break;
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--loops-per-ms")) loops_per_ms = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--period-us")) period_us = std::strtoull(argv[++i], nullptr, 10);
  }
  if (seconds <= 0 || loops_per_ms == 0 || period_us == 0) {
    std::fprintf(stderr, "usage: frame_pipeline --calibrate | --seconds S --loops-per-ms L [--period-us P]\n");
    return 2;
  }
  EndEarlyOnSignal();
  Pipeline p;
  p.loops_per_ms = loops_per_ms;
  p.period_ns = period_us * 1000;
  p.latencies_ns.reserve(static_cast<size_t>(seconds * 1e9 / static_cast<double>(p.period_ns)) + 16);
  p.frames.reserve(p.latencies_ns.capacity());
  sem_init(&p.go_main, 0, 0);
  sem_init(&p.go_worker[0], 0, 0);
  sem_init(&p.go_worker[1], 0, 0);
  sem_init(&p.worker_done, 0, 0);
  sem_init(&p.go_compositor, 0, 0);
  p.start_ns = NowNs();
  const uint64_t end_ns = p.start_ns + static_cast<uint64_t>(seconds * 1e9);

  std::thread compositor(CompositorThread, std::ref(p));
  std::thread w0(WorkerThread, std::ref(p), 0);
  std::thread w1(WorkerThread, std::ref(p), 1);
  std::thread main_thread(MainThread, std::ref(p));
  std::thread timer(TimerThread, std::ref(p), end_ns);
  timer.join();
  main_thread.join();
  w0.join();
  w1.join();
  compositor.join();

  std::vector<uint64_t> sorted = p.latencies_ns;
  std::sort(sorted.begin(), sorted.end());
  uint64_t late = 0;
  for (uint64_t l : sorted) late += l > p.period_ns ? 1 : 0;
  const uint64_t ran_ns = std::min(NowNs(), end_ns) - p.start_ns;
  const int full_windows = static_cast<int>(ran_ns / kWindowNs);
  int starved = 0;
  std::string starved_names;
  for (int t = 0; t < kNrThreads; ++t) {
    if (p.progress[t].Missing(full_windows) > 0) {
      ++starved;
      starved_names += std::string(starved_names.empty() ? "" : ",") + kThreadNames[t];
    }
  }
  std::printf(
      "frames: ticks=%llu done=%zu dropped=%llu late=%llu misses=%llu p50_us=%.0f p95_us=%.0f "
      "p99_us=%.0f max_us=%.0f max_timer_delay_us=%.0f windows=%d starved=%d%s%s\n",
      static_cast<unsigned long long>(p.ticks), sorted.size(), static_cast<unsigned long long>(p.dropped),
      static_cast<unsigned long long>(late), static_cast<unsigned long long>(p.dropped + late),
      PercentileUs(sorted, 0.50), PercentileUs(sorted, 0.95), PercentileUs(sorted, 0.99),
      sorted.empty() ? 0.0 : static_cast<double>(sorted.back()) / 1000.0,
      static_cast<double>(p.max_wake_delay_ns) / 1000.0, full_windows, starved,
      starved ? " starved_threads=" : "", starved_names.c_str());
  PrintStages(p.frames);
  // The latency distribution, for plots: the 0th, 5th, ..., 95th, 99th and
  // 100th percentiles of completed frames, in us (dropped ticks are not in it).
  std::printf("frames_cdf: n=%zu q_us=", sorted.size());
  for (int q = 0; q < 100; q += 5) std::printf("%.0f,", PercentileUs(sorted, q / 100.0));
  std::printf("%.0f,%.0f\n", PercentileUs(sorted, 0.99), PercentileUs(sorted, 1.0));
  return 0;
}
