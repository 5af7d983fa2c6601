#include "server/metrics.h"

namespace ecs::server {

void ServerMetrics::RecordRequest(const std::string& name, const std::string& outcome,
                                  double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  Requests& r = requests_[name];
  r.latency.Observe(seconds);
  ++r.by_outcome[outcome];
}

void ServerMetrics::RecordSlice(double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  slice_seconds_.Observe(seconds);
}

void ServerMetrics::RecordBatch(size_t rows, double seconds, bool ok) {
  std::lock_guard<std::mutex> lock(mu_);
  batch_rows_.Observe(static_cast<double>(rows));
  batch_seconds_.Observe(seconds);
  if (!ok) ++failed_batches_;
}

std::string ServerMetrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  PrometheusWriter w;
  w.Family("ecs_emulator_requests_total", "counter",
           "Requests answered, by ECS operation (or emulator route) and outcome.");
  for (const auto& [name, r] : requests_) {
    for (const auto& [outcome, n] : r.by_outcome) {
      w.Sample("ecs_emulator_requests_total", {{"operation", name}, {"outcome", outcome}},
               static_cast<double>(n));
    }
  }
  w.Family("ecs_emulator_request_duration_seconds", "histogram",
           "Time from a whole request read to its reply ready, by operation (or route).");
  for (const auto& [name, r] : requests_) {
    w.HistogramSamples("ecs_emulator_request_duration_seconds", {{"operation", name}}, r.latency);
  }
  w.Family("ecs_emulator_reconciler_slice_seconds", "histogram",
           "Time one reconciler slice held the state strand (lifecycle steps and services).");
  w.HistogramSamples("ecs_emulator_reconciler_slice_seconds", {}, slice_seconds_);
  w.Family("ecs_emulator_commit_batch_rows", "histogram",
           "Rows written by one group-commit transaction.");
  w.HistogramSamples("ecs_emulator_commit_batch_rows", {}, batch_rows_);
  w.Family("ecs_emulator_commit_seconds", "histogram",
           "Time one group-commit transaction took to write (SQLite, on the writer thread).");
  w.HistogramSamples("ecs_emulator_commit_seconds", {}, batch_seconds_);
  w.Family("ecs_emulator_commit_failures_total", "counter", "Group-commit batches that failed.");
  w.Sample("ecs_emulator_commit_failures_total", {}, static_cast<double>(failed_batches_));
  return w.Take();
}

}  // namespace ecs::server
