// qosland_bench's main: Google Benchmark's, plus the CPU model in the
// context (Google Benchmark reports the cache sizes and clock, not the name),
// so every figure it prints names the machine it was measured on.
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>

#include "bench/benchmarks.h"

namespace {

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown";
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::AddCustomContext("cpu_model", CpuModel());
  qosland::RegisterPolicyBenchmarks();
  qosland::RegisterLoopBenchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
