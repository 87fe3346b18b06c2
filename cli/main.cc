// qosland: run the scheduler in the foreground.
//
// Exit status: 0 after SIGINT/SIGTERM or --exit-after (qosland unloaded
// cleanly); 1 when qosland cannot start (one sentence says why) or when the
// kernel ejected it (the kernel's reason is printed). Whatever happens, tasks
// keep running: when qosland goes away the kernel's default scheduler takes
// them back.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "bpf/bpf_scheduler.h"
#include "bpf/bpf_transport.h"
#include "bpf/qosland_wire.h"
#include "core/class_resolver.h"
#include "core/class_service.h"
#include "core/control.h"
#include "core/dispatch_loop.h"
#include "core/memory.h"
#include "core/sched_ext_sysfs.h"
#include "core/stats.h"
#include "core/task_table.h"
#include "core/topology.h"
#include "policy/registry.h"

namespace {

using namespace qosland;
using Clock = std::chrono::steady_clock;

volatile sig_atomic_t g_stop = 0;
volatile sig_atomic_t g_reload = 0;

void OnSignal(int) { g_stop = 1; }
void OnHangup(int) { g_reload = 1; }

void InstallSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: the loop's epoll_wait returns EINTR at once
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sa.sa_handler = OnHangup;  // reload the rules
  sigaction(SIGHUP, &sa, nullptr);
}

std::string KernelRelease() {
  utsname u{};
  uname(&u);
  return u.release;
}

struct RunOptions {
  uint32_t slice_us = 5000;
  bool partial = false;
  std::string policy = "qos";
  double stats_interval_s = 1.0;
  double exit_after_s = 0;
  uint32_t max_tasks = 65536;
  bool verbose = false;
  std::vector<std::string> rules;  // --rules: files or directories
  std::string state_file = "/var/lib/qosland/tags.json";
  uint32_t ring_size = 1u << 20;  // bytes of the kernel -> user ring buffer
  uint32_t stall_ms = 50;
  uint32_t wakeup_defer_us = 2000;
  std::optional<uint32_t> wakeup_hold_us;  // default: a slice
  bool force_fallback = false;
  bool no_standing_orders = false;
  uint32_t order_wakeups = 32;  // see BpfOptions::order_max_wakeups
  std::string socket = core::ControlSocketPath();
};

// Rules directories read by default: qosland's own, then Sched QoS's (its
// versions keep them in different places), when present.
const std::vector<std::string> kDefaultRulesDirs = {
    "/etc/qosland/rules.d", "/etc/schedqos/app_configs", "/var/run/sched_qos", "/var/run/schedqos"};

struct RulesPaths {
  std::vector<std::string> dirs, files;
};

RulesPaths RulesPathsOf(const std::vector<std::string>& extra) {
  RulesPaths p{.dirs = kDefaultRulesDirs, .files = {}};
  for (const std::string& path : extra) {
    std::error_code ec;
    (std::filesystem::is_directory(path, ec) ? p.dirs : p.files).push_back(path);
  }
  return p;
}

core::Result<core::QosRules> LoadRules(const RulesPaths& paths) {
  auto rules = core::QosRules::Load(paths.dirs, paths.files);
  if (!rules.ok()) return core::Status::Error("bad rules: " + rules.status().message());
  return rules;
}

int Fail(const std::string& sentence) {
  std::fprintf(stderr, "qosland: %s\n", sentence.c_str());
  return 1;
}

// Runtime tags kept by an earlier run; none when the file does not exist.
// Tags of tasks that are gone are dropped.
core::Result<core::TagBook> LoadTags(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::TagBook{};
  std::stringstream text;
  text << in.rdbuf();
  auto book = core::TagBook::FromJson(text.str(), path);
  if (!book.ok()) {
    return core::Status::Error("bad state file " + book.status().message() + "; fix or remove it");
  }
  const core::QosRules none;
  const core::ClassResolver proc(none);
  const size_t gone = book->Prune([&](int id) { return proc.StartTime(id); });
  if (!book->empty() || gone > 0) {
    spdlog::info("tags: {} kept from {}, {} dropped (their tasks are gone)", book->tags().size(), path, gone);
  }
  return book;
}

std::string DescribeExit(const bpf::ExitInfo& e) {
  std::string s = e.reason.empty() ? "no reason given" : e.reason;
  if (!e.msg.empty()) s += " (" + e.msg + ")";
  return s;
}

int Run(const RunOptions& o) {
  const unsigned nr_cpus = std::max(1u, std::thread::hardware_concurrency());
  const policy::PolicyConfig pconfig{
      .nr_cpus = nr_cpus, .max_tasks = o.max_tasks, .slice_ns = uint64_t{o.slice_us} * 1000};
  std::unique_ptr<policy::Policy> policy = policy::MakePolicy(o.policy, pconfig);
  if (!policy) return Fail("unknown policy '" + o.policy + "'; see qosland --help for the list");

  if (auto st = core::CheckCanLoad(core::kSchedExtSysfs, geteuid() == 0, KernelRelease()); !st.ok()) {
    return Fail(st.message());
  }
  // Until it is enabled, qosland runs under the default scheduler, and most of
  // its start-up is the verifier's work in our own thread: at nice 0 among
  // 8 x nproc CPU hogs that takes minutes. The scheduler comes first
  // (threads started later inherit this; once enabled, BPF runs them anyway).
  if (setpriority(PRIO_PROCESS, 0, -20) != 0) {
    spdlog::warn("could not raise qosland's own priority ({}); start-up may be slow on a busy machine",
                 std::strerror(errno));
  }
  const RulesPaths paths = RulesPathsOf(o.rules);
  auto rules = LoadRules(paths);
  if (!rules.ok()) return Fail(rules.status().message());
  if (!rules->rules().empty()) {
    spdlog::info("rules: {} from {} file(s)", rules->rules().size(), rules->nr_files());
  }
  auto tags = LoadTags(o.state_file);
  if (!tags.ok()) return Fail(tags.status().message());

  // The topology only refines where BPF looks for an idle CPU: without it
  // qosland still schedules (previous CPU, then any idle CPU).
  std::vector<int32_t> cpu_llc;
  if (auto topo = core::ReadCpuTopology(); topo.ok()) {
    spdlog::info("topology: {}", topo->Describe());
    cpu_llc = topo->llc_of;
  } else {
    spdlog::warn("CPU topology unknown ({}); idle CPUs are picked without it", topo.status().message());
  }

  InstallSignalHandlers();
  auto sched = bpf::BpfScheduler::Load({.slice_ns = pconfig.slice_ns,
                                        .partial = o.partial,
                                        .queued_ring_bytes = o.ring_size,
                                        .verbose = o.verbose,
                                        .cpu_llc = std::move(cpu_llc),
                                        .stall_ns = uint64_t{o.stall_ms} * 1'000'000,
                                        .force_fallback = o.force_fallback,
                                        .wakeup_defer_ns = uint64_t{o.wakeup_defer_us} * 1000,
                                        .wakeup_hold_ns = o.wakeup_hold_us ? uint64_t{*o.wakeup_hold_us} * 1000
                                                                           : pconfig.slice_ns,
                                        .standing_orders = !o.no_standing_orders,
                                        .order_max_wakeups = o.order_wakeups});
  if (!sched.ok()) return Fail(sched.status().message());
  auto transport = bpf::BpfTransport::Create(**sched);
  if (!transport.ok()) return Fail(transport.status().message());
  core::TaskTable table(o.max_tasks);
  // Rules and tags are matched on the service's own thread (it asks about
  // no task while there are none); scheduling attributes come with every
  // record.
  core::ClassService classes(std::move(rules).value(), std::move(tags).value(),
                             {.rules_dirs = paths.dirs,
                              .rules_files = paths.files,
                              .on_reload =
                                  [](bool ok, const std::string& sentence) {
                                    if (ok) {
                                      spdlog::info("{}", sentence);
                                    } else {
                                      spdlog::error("{}", sentence);
                                    }
                                  },
                              .state_file = o.state_file,
                              .on_tag = [](const std::string& what) { spdlog::info("tag: {}", what); }});
  core::DispatchLoop loop(**transport, *policy, table,
                          {.slice_ns = pconfig.slice_ns, .standing_orders = !o.no_standing_orders}, &classes);
  // Runtime tags (`qosland qos set`, libqosland) arrive here. Without the
  // socket qosland still schedules, by rules and attributes.
  auto control = core::ControlServer::Start(
      o.socket, [&classes](const core::ControlRequest& r, const core::Peer& p) { return classes.HandleControl(r, p); });
  if (!control.ok()) spdlog::warn("runtime tags unavailable: {}", control.status().message());

  // Keep khugepaged away from our memory: collapsing it takes our mmap_lock,
  // and a page fault of ours would then wait for a kernel thread.
  prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
  if (auto st = core::LockMemory(); !st.ok()) return Fail(st.message());

  // Attach on a helper thread: while the kernel switches every task over,
  // their records already arrive and this thread must be draining them.
  std::atomic<int> attach_state{0};  // 0 pending, 1 ok, -1 failed
  core::Status attach_status;
  std::thread attacher([&] {
    attach_status = (*sched)->Attach();
    attach_state.store(attach_status.ok() ? 1 : -1, std::memory_order_release);
  });

  const auto start = Clock::now();
  // Faults are counted from the moment qosland schedules: set-up (the attach
  // thread, first-touch of buffers) is not the steady state being watched.
  uint64_t faults_base = core::PageFaults();
  const bool tty = isatty(STDOUT_FILENO);
  const auto interval = std::chrono::duration<double>(o.stats_interval_s);
  auto next_stats = start + std::chrono::duration_cast<Clock::duration>(interval);
  bool announced = false;
  std::optional<bpf::ExitInfo> ejected;

  core::BpfStats previous;
  auto status_line = [&] {
    const core::BpfStats now = (*sched)->ReadStats();
    core::StatusSnapshot snap{
        .uptime_s = std::chrono::duration<double>(Clock::now() - start).count(),
        .bpf = now,
        .loop = loop.stats(),
        .page_faults = core::PageFaults() - faults_base,
        .interval = now - previous};
    previous = now;
    return core::FormatStatusLine(snap);
  };

  while (!g_stop) {
    if (g_reload) {
      g_reload = 0;
      classes.RequestReload();
    }
    const int attached = attach_state.load(std::memory_order_acquire);
    if (attached < 0) break;
    if (attached > 0 && !announced) {
      announced = true;
      spdlog::info("qosland is scheduling with policy '{}' ({}), slice {} us", o.force_fallback ? "fallback (BPF)" : o.policy,
                   o.partial ? "tasks that ask for SCHED_EXT" : "all tasks", o.slice_us);
      faults_base = core::PageFaults();
    }
    if (auto e = (*sched)->Exited(); e && attached > 0) {
      ejected = e;
      break;
    }
    const auto now = Clock::now();
    if (o.exit_after_s > 0 && now - start >= std::chrono::duration<double>(o.exit_after_s)) break;
    int timeout_ms = 1000;
    if (o.stats_interval_s > 0) {
      if (now >= next_stats) {
        const std::string line = status_line();
        if (tty) {
          std::printf("\r\x1b[K%s", line.c_str());
        } else {
          std::printf("stats: %s\n", line.c_str());
        }
        std::fflush(stdout);
        next_stats += std::chrono::duration_cast<Clock::duration>(interval);
        if (next_stats < now) next_stats = now + std::chrono::duration_cast<Clock::duration>(interval);
      }
      timeout_ms = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(next_stats - now).count()) + 1;
    }
    const int r = loop.RunOnce(std::min(timeout_ms, 1000));
    if (r < 0 && r != -EINTR) {
      spdlog::error("reading the BPF ring buffer failed: {}", std::strerror(-r));
      break;
    }
  }
  if (tty && o.stats_interval_s > 0) std::printf("\n");

  attacher.join();
  if (attach_state.load() < 0) return Fail(attach_status.message());
  const std::string final_line = status_line();
  if (ejected) {
    std::printf("final: %s\n", final_line.c_str());
    if (o.verbose && !ejected->dump.empty()) std::fprintf(stderr, "%s\n", ejected->dump.c_str());
    return Fail("the kernel stopped qosland: " + DescribeExit(*ejected) +
                "; every task is back on the kernel's default scheduler");
  }
  const auto how = (*sched)->Detach(std::chrono::seconds(20));
  std::printf("final: %s\n", final_line.c_str());
  if (classes.nr_resolved() > 0) {
    spdlog::info("rules: {} task(s) looked up, {} answer(s), {} request(s) dropped", classes.nr_resolved(),
                 loop.stats().classes_set, classes.nr_dropped());
  }
  if (how && how->is_error()) {
    return Fail("the kernel stopped qosland: " + DescribeExit(*how));
  }
  spdlog::info("qosland unloaded; every task is back on the kernel's default scheduler");
  return 0;
}

// `qosland qos get --pid N`: the class the scheduler gives that task, and
// where it comes from: asked of the running qosland, which knows the tags;
// without one, from the rules and attributes alone.
int QosGet(int pid, const std::vector<std::string>& rules_paths, const std::string& socket) {
  std::string code;
  auto answer = core::ControlCall(socket, "get " + std::to_string(pid), 5000, &code);
  if (answer.ok()) {
    const size_t nl = answer->find('\n');
    std::printf("%s\n", nl == std::string::npos ? answer->c_str() : answer->c_str() + nl + 1);
    return 0;
  }
  if (code != "notrunning") return Fail(answer.status().message());  // it runs, and said no
  auto rules = LoadRules(RulesPathsOf(rules_paths));
  if (!rules.ok()) return Fail(rules.status().message());
  auto c = core::ClassResolver(*rules).Resolve(pid);
  if (!c.ok()) return Fail(c.status().message());
  std::printf("%s (qosland is not running: no runtime tags)\n", core::DescribeTaskClass(*c).c_str());
  return 0;
}

// `qosland qos list`: the runtime tags, then every thread whose class is not
// automatic.
int QosList(const std::vector<std::string>& rules_paths, const std::string& socket) {
  namespace fs = std::filesystem;
  std::string code;
  auto tags = core::ControlCall(socket, "tags", 5000, &code);
  const bool running = tags.ok();
  if (running) {
    std::printf("%s\n", tags->c_str());
  } else if (code != "notrunning") {
    return Fail(tags.status().message());
  } else {
    std::printf("qosland is not running: no runtime tags\n");
  }
  auto rules = LoadRules(RulesPathsOf(rules_paths));
  if (!rules.ok()) return Fail(rules.status().message());
  const core::ClassResolver resolver(*rules);
  size_t automatic = 0;
  std::error_code ec;
  for (const auto& proc : fs::directory_iterator("/proc", ec)) {
    const std::string name = proc.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::error_code tec;
    for (const auto& task : fs::directory_iterator(proc.path() / "task", tec)) {
      const int tid = std::atoi(task.path().filename().c_str());
      if (running) {  // the scheduler's view, tags included
        auto a = core::ControlCall(socket, "get " + std::to_string(tid));
        if (!a.ok()) continue;  // exited meanwhile
        const size_t nl = a->find('\n');
        if (a->find(" automatic") < nl) {
          ++automatic;
        } else {
          std::printf("%s\n", a->substr(nl + 1).c_str());
        }
        continue;
      }
      auto c = resolver.Resolve(tid);
      if (!c.ok()) continue;
      if (c->resolved.source == core::ClassSource::kAuto) {
        ++automatic;
        continue;
      }
      std::printf("%s\n", core::DescribeTaskClass(*c).c_str());
    }
  }
  std::printf("%zu other thread(s): automatic\n", automatic);
  return 0;
}

// `qosland qos set|clear (--pid|--tid|--comm|--cgroup) TARGET [CLASS]`: a
// request to the running qosland, which judges it by who asks.
struct TagTarget {
  int pid = 0, tid = 0;
  std::string comm, cgroup;
};

int QosTag(bool set, const TagTarget& t, const std::string& qos, const std::string& socket) {
  core::ControlRequest r{.op = set ? core::ControlRequest::Op::kSet : core::ControlRequest::Op::kClear};
  if (set) {
    const auto c = policy::ParseQosClass(qos);
    if (!c) {
      return Fail(policy::UnknownQosClass(qos));
    }
    r.qos = *c;
  }
  if (t.pid > 0) {
    r.kind = core::TagKind::kPid, r.target = std::to_string(t.pid);
  } else if (t.tid > 0) {
    r.kind = core::TagKind::kTid, r.target = std::to_string(t.tid);
  } else if (!t.comm.empty()) {
    r.kind = core::TagKind::kComm, r.target = t.comm;
  } else {
    r.kind = core::TagKind::kCgroup, r.target = t.cgroup;
  }
  auto answer = core::ControlCall(socket, core::FormatControlRequest(r));
  if (!answer.ok()) return Fail(answer.status().message());
  std::printf("%s\n", answer->c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  RunOptions o;
  std::string policies;
  for (const auto& p : policy::RegisteredPolicies()) {
    policies += "\n  " + std::string(p.name) + ": " + std::string(p.summary);
  }
  CLI::App app{
      "qosland: a sched_ext CPU scheduler that keeps latency-sensitive work on time under load.\n"
      "With no subcommand it runs in the foreground until Ctrl-C."};
  app.add_option("--slice-us", o.slice_us, "time slice in microseconds")
      ->check(CLI::Range(100u, 1000000u))
      ->capture_default_str();
  app.add_flag("--partial", o.partial, "schedule only tasks that ask for SCHED_EXT");
  app.add_option("--policy", o.policy, "scheduling policy:" + policies)->capture_default_str();
  app.add_option("--stats-interval", o.stats_interval_s,
                 "seconds between status lines (0: none)")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--exit-after", o.exit_after_s, "unload and exit after this many seconds")
      ->check(CLI::Range(0.0, 1e9));
  app.add_option("--max-tasks", o.max_tasks, "tasks user space keeps track of")
      ->check(CLI::Range(64u, 1u << 22))
      ->capture_default_str();
  app.add_flag("-v,--verbose", o.verbose, "debug messages, libbpf's and the verifier's logs");
  app.add_option("--ring-size", o.ring_size,
                 "bytes of the ring buffer that carries runnable tasks to user space (a power of two, "
                 "at least 4096); when it is full BPF dispatches tasks itself and counts them")
      ->check(CLI::Range(4096u, 1u << 30))
      ->capture_default_str();
  app.add_option("--stall-ms", o.stall_ms,
                 "BPF schedules on its own once tasks have waited this long for a stalled user space")
      ->check(CLI::Range(1u, 2000u))
      ->capture_default_str();
  app.add_option("--wakeup-defer-us", o.wakeup_defer_us,
                 "a task that wakes another goes on running until it blocks, or this long at most, before "
                 "the scheduler decides (0: the scheduler preempts it at once)")
      ->check(CLI::Range(0u, 10000u))
      ->capture_default_str();
  app.add_option("--wakeup-hold-us", o.wakeup_hold_us,
                 "while the CPUs are busy, a wakeup no interrupt is behind may wait this long for the scheduler "
                 "to decide it with others (default: a slice; 0: never wait)")
      ->check(CLI::Range(0u, 100000u));
  app.add_flag("--no-standing-orders", o.no_standing_orders,
               "every wakeup that finds no idle CPU waits for the policy's decision: the policy may not decide "
               "a task's next wakeups ahead (for comparison)");
  app.add_option("--order-wakeups", o.order_wakeups,
                 "the most wakeups one standing order may dispatch before the policy renews it")
      ->check(CLI::Range(1u, static_cast<uint32_t>(QOSLAND_ORDER_MAX_WAKEUPS)))
      ->capture_default_str();
  app.add_flag("--force-fallback", o.force_fallback,
               "BPF decides everything by its own deadline (for tests and benchmarks)");
  const std::string rules_help =
      "a rules file or directory, read besides /etc/qosland/rules.d and Sched QoS's directories "
      "(repeatable)";
  app.add_option("--rules", o.rules, rules_help);
  app.add_option("--state", o.state_file, "where runtime tags are kept across restarts")->capture_default_str();
  app.add_option("--socket", o.socket,
                 "the control socket, for runtime tags (also $QOSLAND_SOCKET)")
      ->capture_default_str();

  CLI::App* qos = app.add_subcommand("qos", "QoS classes of tasks");
  qos->require_subcommand(1);
  int pid = 0;
  std::vector<std::string> qos_rules;
  CLI::App* get = qos->add_subcommand("get", "show a task's class and where it comes from");
  get->add_option("--pid,--tid", pid, "the task (a thread id works too)")->required();
  get->add_option("--rules", qos_rules, rules_help);
  CLI::App* list = qos->add_subcommand("list", "show the runtime tags and every thread whose class is not automatic");
  list->add_option("--rules", qos_rules, rules_help);
  TagTarget target;
  std::string qos_class;
  auto add_target = [&](CLI::App* sub) {
    auto* g = sub->add_option_group("target", "what to tag");
    g->add_option("--pid", target.pid, "a process: all its threads, those it starts later too")
        ->check(CLI::PositiveNumber);
    g->add_option("--tid", target.tid, "one thread")->check(CLI::PositiveNumber);
    g->add_option("--comm", target.comm, "every process whose name matches this glob");
    g->add_option("--cgroup", target.cgroup, "every task in this cgroup (v2) and below it");
    g->require_option(1);
  };
  CLI::App* set = qos->add_subcommand(
      "set", "tag tasks with a class (root: any; others: their own tasks, up to what their rules grant)");
  add_target(set);
  set->add_option("class", qos_class, "user-interactive, user-initiated, default, utility or background")
      ->required();
  CLI::App* clear = qos->add_subcommand("clear", "remove a tag: rules and attributes decide again");
  add_target(clear);
  for (CLI::App* sub : {get, list, set, clear}) {
    sub->add_option("--socket", o.socket, "the running qosland's control socket");
  }
  CLI11_PARSE(app, argc, argv);

  spdlog::set_pattern("qosland: %v");
  spdlog::set_level(o.verbose ? spdlog::level::debug : spdlog::level::info);
  if (get->parsed()) return QosGet(pid, qos_rules, o.socket);
  if (list->parsed()) return QosList(qos_rules, o.socket);
  if (set->parsed()) return QosTag(true, target, qos_class, o.socket);
  if (clear->parsed()) return QosTag(false, target, "", o.socket);
  return Run(o);
}
