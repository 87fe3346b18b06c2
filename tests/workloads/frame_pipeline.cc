// frame_pipeline: a game's frame chain, to measure what a player would feel.
//
// Every period (16.7 ms, 60 Hz by default) a timer thread wakes the main
// thread, which does 2 ms of CPU work, wakes 2 workers (1 ms each) and waits
// for both, then wakes the compositor (0.3 ms). Frame latency is timer expiry
// to compositor done; a frame misses when its latency exceeds the period. A
// tick that comes while the previous frame is still in flight is dropped (a
// game cannot start a frame before it finished the last) and counts as a miss,
// and so does a tick that passes while the timer thread itself waits to run
// (ticks follow the clock, as a display's vblank does, not the timer thread).
//
//   frame_pipeline --calibrate                  # on an idle machine
//   frame_pipeline --seconds S --loops-per-ms L [--shape NAME]
//                  [--period-us P] [--main-us M] [--workers N] [--worker-us W] [--compositor-us C]
//   (SIGTERM or SIGINT ends it early, with results over the time it ran)
//
// Shapes (--shape; the default is 60hz), all in microseconds:
//   shape       period   main   workers        compositor
//   30hz        33333    6000   4 x 3000       1000
//   60hz        16667    2000   2 x 1000        300   (the default chain)
//   120hz        8333    1000   3 x 500         150
//   240hz        4167     500   3 x 250          75
//   audio1333    1333     200   1 x 100          50   (an audio callback's
//   audio5333    5333     200   1 x 100          50    three hops of work)
// --period-us, --main-us, --workers (1 to 8), --worker-us and --compositor-us
// override the shape's figures, after it; the run is then named "custom".
// Each worker is woken by main, and main waits for all of them.
//
// CPU work is calibrated where the pipeline runs (in the VM), never on the host.
//
// The "frames:" line ends with cpu_pct, the CPU time of the whole process
// over the run in percent of one CPU's wall time (what the chain itself
// costs), and shape, the shape's name.
//
// A second line, "stages:", profiles the completed frames: the median time
// of each step of the chain, wakeups (from the post that woke a thread to
// the thread running) and CPU work (stretched when the thread is preempted),
// so a slow frame can be traced to the hop that made it slow. Its keys do not
// change with the shape: worker0_wake and worker1_wake are the first two
// workers' wakeups (worker1_wake is 0 with one worker), worker_run is the
// slowest worker's run and main_rewake runs from the last worker done.
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "workload_common.h"

namespace {

using namespace qosland::workloads;

constexpr uint64_t kWindowNs = 5'000'000'000ull;
constexpr int kMaxWorkers = 8;
// Thread indices: the timer, main, workers 0..kMaxWorkers-1, the compositor.
constexpr int kTimer = 0, kMain = 1, kWorker0 = 2, kCompositor = kWorker0 + kMaxWorkers, kNrThreads = kCompositor + 1;
const char* const kThreadNames[kNrThreads] = {"timer",   "main",    "worker0", "worker1", "worker2",   "worker3",
                                              "worker4", "worker5", "worker6", "worker7", "compositor"};

// A frame chain: its period and each hop's CPU work, in microseconds.
struct Shape {
  const char* name;
  uint64_t period_us, main_us;
  int workers;
  uint64_t worker_us, compositor_us;
};
constexpr Shape kShapes[] = {
    {"30hz", 33333, 6000, 4, 3000, 1000},
    {"60hz", 16667, 2000, 2, 1000, 300},
    {"120hz", 8333, 1000, 3, 500, 150},
    {"240hz", 4167, 500, 3, 250, 75},
    {"audio1333", 1333, 200, 1, 100, 50},
    {"audio5333", 5333, 200, 1, 100, 50},
};

// When each step of one frame happened (ns, CLOCK_MONOTONIC).
struct FrameTimes {
  uint64_t expiry = 0, timer_woke = 0, main_start = 0, workers_posted = 0;
  uint64_t worker_start[kMaxWorkers] = {}, worker_done[kMaxWorkers] = {};
  uint64_t main_resumed = 0, compositor_start = 0, done = 0;
};

struct Pipeline {
  uint64_t loops_per_ms = 0;
  uint64_t period_ns = 16'666'667;
  uint64_t main_us = 2000, worker_us = 1000, compositor_us = 300;
  int workers = 2;
  uint64_t start_ns = 0;
  std::atomic<bool> stop{false};  // timer -> main: no more frames
  std::atomic<bool> quit{false};  // main -> the others: exit (set after main's last frame)
  std::atomic<uint64_t> compose_requests{0};
  std::atomic<bool> in_flight{false};
  uint64_t frame_expiry_ns = 0;  // handed over through the semaphores
  sem_t go_main, go_worker[kMaxWorkers], worker_done, go_compositor;
  ProgressWindows progress[kNrThreads];
  std::vector<uint64_t> latencies_ns;  // completed frames
  FrameTimes current;                  // the frame in flight (one at a time)
  std::vector<FrameTimes> frames;      // completed frames
  uint64_t ticks = 0, dropped = 0;
  uint64_t max_wake_delay_ns = 0;  // timer expiry to the timer thread running

  // CPU work of `us` microseconds, marking progress as it goes.
  void Work(int who, uint64_t us) {
    const uint64_t total = loops_per_ms * us / 1000;
    constexpr uint64_t kChunk = 2000;
    for (uint64_t done = 0; done < total; done += kChunk) {
      Burn(std::min(kChunk, total - done), done);
      progress[who].Mark(start_ns, kWindowNs, NowNs());
    }
  }
};

// Names the calling thread "fp-<name>" (seen in top, ps -L and traces).
void Name(int t) {
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
    p.Work(kMain, p.main_us);
    p.current.workers_posted = NowNs();
    for (int i = 0; i < p.workers; ++i) sem_post(&p.go_worker[i]);
    for (int i = 0; i < p.workers; ++i) Wait(&p.worker_done);
    p.current.main_resumed = NowNs();
    p.compose_requests.fetch_add(1, std::memory_order_release);
    sem_post(&p.go_compositor);
  }
  // Only now may the others exit: every frame main started has been through
  // the workers, so a worker never sees quit with a frame pending.
  p.quit = true;
  for (int i = 0; i < p.workers; ++i) sem_post(&p.go_worker[i]);
  sem_post(&p.go_compositor);
}

void WorkerThread(Pipeline& p, int i) {
  const int me = kWorker0 + i;
  Name(me);
  for (;;) {
    Wait(&p.go_worker[i]);
    if (p.quit) break;
    p.current.worker_start[i] = NowNs();
    p.progress[me].Mark(p.start_ns, kWindowNs, p.current.worker_start[i]);
    p.Work(me, p.worker_us);
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
    p.Work(kCompositor, p.compositor_us);
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

// The workers that did not run (beyond --workers) have zero times, so the
// max over all kMaxWorkers is the max over the ones that ran.
uint64_t SlowestWorkerRun(const FrameTimes& f) {
  uint64_t m = 0;
  for (int i = 0; i < kMaxWorkers; ++i) m = std::max(m, Between(f.worker_start[i], f.worker_done[i]));
  return m;
}
uint64_t LastWorkerDone(const FrameTimes& f) { return *std::max_element(f.worker_done, f.worker_done + kMaxWorkers); }

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
      {"worker_run", [](const FrameTimes& f) { return SlowestWorkerRun(f); }},
      {"main_rewake", [](const FrameTimes& f) { return Between(LastWorkerDone(f), f.main_resumed); }},
      {"compositor_wake", [](const FrameTimes& f) { return Between(f.main_resumed, f.compositor_start); }},
      {"compositor_run", [](const FrameTimes& f) { return Between(f.compositor_start, f.done); }},
  };
  std::printf("stages: frames=%zu", frames.size());
  for (const Step& s : kSteps) std::printf(" %s_p50_us=%.0f", s.name, StageMedianUs(frames, s.of));
  std::printf("\n");
}

uint64_t ProcessCpuNs() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

constexpr char kUsage[] =
    "usage: frame_pipeline --calibrate | --seconds S --loops-per-ms L [--shape "
    "30hz|60hz|120hz|240hz|audio1333|audio5333] [--period-us P] [--main-us M] [--workers 1-8] "
    "[--worker-us W] [--compositor-us C]\n";

// A whole positive number, or false.
bool ParsePositive(const char* s, uint64_t* out) {
  if (*s < '0' || *s > '9') return false;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0' || v == 0) return false;
  *out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 0;
  uint64_t loops_per_ms = 0;
  Shape shape = kShapes[1];  // 60hz, the default
  // Overrides (0: not given), applied after the shape wherever they stand.
  uint64_t period_us = 0, main_us = 0, workers = 0, worker_us = 0, compositor_us = 0;
  struct Override {
    const char* opt;
    uint64_t* value;
  };
  const Override kOverrides[] = {{"--period-us", &period_us}, {"--main-us", &main_us}, {"--workers", &workers},
                                 {"--worker-us", &worker_us}, {"--compositor-us", &compositor_us}};
  for (int i = 1; i < argc; ++i) {
    const char* opt = argv[i];
    if (!std::strcmp(opt, "--calibrate")) {
      std::printf("calibrate: loops_per_ms=%llu\n", static_cast<unsigned long long>(CalibrateLoopsPerMs()));
      return 0;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "frame_pipeline: %s needs a value.\n", opt);
      return 2;
    }
    const char* val = argv[++i];
    const Override* over = nullptr;
    for (const Override& o : kOverrides) over = !std::strcmp(o.opt, opt) ? &o : over;
    if (!std::strcmp(opt, "--seconds")) {
      seconds = std::atof(val);
      if (!(seconds > 0)) {
        std::fprintf(stderr, "frame_pipeline: --seconds takes a time above 0, not '%s'.\n", val);
        return 2;
      }
    } else if (!std::strcmp(opt, "--loops-per-ms")) {
      if (!ParsePositive(val, &loops_per_ms)) {
        std::fprintf(stderr,
                     "frame_pipeline: --loops-per-ms takes a whole number above 0 (from --calibrate), not '%s'.\n",
                     val);
        return 2;
      }
    } else if (!std::strcmp(opt, "--shape")) {
      const Shape* found = nullptr;
      for (const Shape& s : kShapes) found = !std::strcmp(s.name, val) ? &s : found;
      if (!found) {
        std::fprintf(stderr,
                     "frame_pipeline: unknown shape '%s' (30hz, 60hz, 120hz, 240hz, audio1333 or audio5333).\n",
                     val);
        return 2;
      }
      shape = *found;
    } else if (over) {
      if (!ParsePositive(val, over->value)) {
        std::fprintf(stderr, "frame_pipeline: %s takes a whole number above 0, not '%s'.\n", opt, val);
        return 2;
      }
    } else {
      std::fprintf(stderr, "frame_pipeline: unknown option '%s' (see the comment at the top of frame_pipeline.cc).\n",
                   opt);
      return 2;
    }
  }
  if (seconds <= 0 || loops_per_ms == 0) {
    std::fprintf(stderr, "%s", kUsage);
    return 2;
  }
  if (workers > kMaxWorkers) {
    std::fprintf(stderr, "frame_pipeline: --workers takes 1 to %d workers, not %llu.\n", kMaxWorkers,
                 static_cast<unsigned long long>(workers));
    return 2;
  }
  const bool custom = period_us || main_us || workers || worker_us || compositor_us;
  if (period_us) shape.period_us = period_us;
  if (main_us) shape.main_us = main_us;
  if (workers) shape.workers = static_cast<int>(workers);
  if (worker_us) shape.worker_us = worker_us;
  if (compositor_us) shape.compositor_us = compositor_us;
  const char* shape_name = custom ? "custom" : shape.name;
  EndEarlyOnSignal();
  Pipeline p;
  p.loops_per_ms = loops_per_ms;
  p.period_ns = shape.period_us * 1000;
  p.main_us = shape.main_us;
  p.workers = shape.workers;
  p.worker_us = shape.worker_us;
  p.compositor_us = shape.compositor_us;
  p.latencies_ns.reserve(static_cast<size_t>(seconds * 1e9 / static_cast<double>(p.period_ns)) + 16);
  p.frames.reserve(p.latencies_ns.capacity());
  sem_init(&p.go_main, 0, 0);
  for (sem_t& s : p.go_worker) sem_init(&s, 0, 0);
  sem_init(&p.worker_done, 0, 0);
  sem_init(&p.go_compositor, 0, 0);
  const uint64_t cpu0_ns = ProcessCpuNs();
  p.start_ns = NowNs();
  const uint64_t end_ns = p.start_ns + static_cast<uint64_t>(seconds * 1e9);

  std::thread compositor(CompositorThread, std::ref(p));
  std::vector<std::thread> worker_threads;
  for (int i = 0; i < p.workers; ++i) worker_threads.emplace_back(WorkerThread, std::ref(p), i);
  std::thread main_thread(MainThread, std::ref(p));
  std::thread timer(TimerThread, std::ref(p), end_ns);
  timer.join();
  main_thread.join();
  for (std::thread& w : worker_threads) w.join();
  compositor.join();
  const uint64_t cpu_ns = ProcessCpuNs() - cpu0_ns;
  const uint64_t wall_ns = std::max<uint64_t>(NowNs() - p.start_ns, 1);

  std::vector<uint64_t> sorted = p.latencies_ns;
  std::sort(sorted.begin(), sorted.end());
  uint64_t late = 0;
  for (uint64_t l : sorted) late += l > p.period_ns ? 1 : 0;
  const uint64_t ran_ns = std::min(NowNs(), end_ns) - p.start_ns;
  const int full_windows = static_cast<int>(ran_ns / kWindowNs);
  int starved = 0;
  std::string starved_names;
  for (int t = 0; t < kNrThreads; ++t) {
    if (t >= kWorker0 + p.workers && t < kCompositor) continue;  // workers this shape does not have
    if (p.progress[t].Missing(full_windows) > 0) {
      ++starved;
      starved_names += std::string(starved_names.empty() ? "" : ",") + kThreadNames[t];
    }
  }
  std::printf(
      "frames: ticks=%llu done=%zu dropped=%llu late=%llu misses=%llu p50_us=%.0f p95_us=%.0f "
      "p99_us=%.0f max_us=%.0f max_timer_delay_us=%.0f windows=%d starved=%d%s%s cpu_pct=%.1f shape=%s\n",
      static_cast<unsigned long long>(p.ticks), sorted.size(), static_cast<unsigned long long>(p.dropped),
      static_cast<unsigned long long>(late), static_cast<unsigned long long>(p.dropped + late),
      PercentileUs(sorted, 0.50), PercentileUs(sorted, 0.95), PercentileUs(sorted, 0.99),
      sorted.empty() ? 0.0 : static_cast<double>(sorted.back()) / 1000.0,
      static_cast<double>(p.max_wake_delay_ns) / 1000.0, full_windows, starved,
      starved ? " starved_threads=" : "", starved_names.c_str(),
      100.0 * static_cast<double>(cpu_ns) / static_cast<double>(wall_ns), shape_name);
  PrintStages(p.frames);
  // The latency distribution, for plots: the 0th, 5th, ..., 95th, 99th and
  // 100th percentiles of completed frames, in us (dropped ticks are not in it).
  std::printf("frames_cdf: n=%zu q_us=", sorted.size());
  for (int q = 0; q < 100; q += 5) std::printf("%.0f,", PercentileUs(sorted, q / 100.0));
  std::printf("%.0f,%.0f\n", PercentileUs(sorted, 0.99), PercentileUs(sorted, 1.0));
  return 0;
}
