// Runs every benchmark, then prints each sluice figure beside its physical limit measured in
// the same run (see bench_util.h), so the ratios survive a noisy machine.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "bench_util.h"

namespace sluice::bench {
namespace {

std::vector<std::pair<std::string, std::string>>& Comparisons() {
  static std::vector<std::pair<std::string, std::string>> c;
  return c;
}

struct Figure {
  double ns_per_op = 0;
  double items_per_second = 0;
  double allocs_per_op = -1;
};

// Forwards to the console reporter and keeps each run's figures for the summary.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& run : runs) {
      if (run.run_type != Run::RT_Iteration && run.aggregate_name != "median") continue;
      if (run.error_occurred) continue;
      Figure f;
      f.ns_per_op = run.GetAdjustedRealTime() * NsPerUnit(run.time_unit);
      if (auto it = run.counters.find("items_per_second"); it != run.counters.end())
        f.items_per_second = it->second.value;
      if (auto it = run.counters.find("allocs/op"); it != run.counters.end())
        f.allocs_per_op = it->second.value;
      std::string name = run.run_name.str();
      figures_[name] = f;
    }
  }
  const std::map<std::string, Figure>& figures() const { return figures_; }

 private:
  static double NsPerUnit(benchmark::TimeUnit u) {
    switch (u) {
      case benchmark::kNanosecond: return 1;
      case benchmark::kMicrosecond: return 1e3;
      case benchmark::kMillisecond: return 1e6;
      case benchmark::kSecond: return 1e9;
    }
    return 1;
  }
  std::map<std::string, Figure> figures_;
};

void PrintSummary(const std::map<std::string, Figure>& figures) {
  std::printf("\n%-44s %12s %14s %10s  %-36s %12s %8s\n", "sluice", "ns/op", "packets/s",
              "allocs/op", "limit (same run)", "ns/op", "ratio");
  for (const auto& [ours, limit] : Comparisons()) {
    auto a = figures.find(ours);
    auto b = figures.find(limit);
    if (a == figures.end() || b == figures.end()) continue;  // filtered out of this run
    // ratio = limit time / our time: 1.0 means we run at the limit, 0.5 at half its speed.
    double ratio = b->second.ns_per_op / a->second.ns_per_op;
    std::printf("%-44s %12.1f %14.0f %10.2f  %-36s %12.1f %8.2f\n", ours.c_str(),
                a->second.ns_per_op, a->second.items_per_second, a->second.allocs_per_op,
                limit.c_str(), b->second.ns_per_op, ratio);
  }
}

}  // namespace

bool RegisterComparison(const std::string& ours, const std::string& limit) {
  Comparisons().emplace_back(ours, limit);
  return true;
}

}  // namespace sluice::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  sluice::bench::CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  sluice::bench::PrintSummary(reporter.figures());
  benchmark::Shutdown();
  return 0;
}
