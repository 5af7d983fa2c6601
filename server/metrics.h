// What the server measures for GET /metrics: requests by operation (or emulator route) and
// outcome with their latency, reconciler slices, and group-commit batches. The control plane's
// own numbers (tasks by state, placements, deployments) are read by api/ when scraped.
//
// THREADING: thread-safe (one mutex); requests are recorded from every connection strand, slices
// from the state strand and batches from the writer thread.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "common/metrics.h"

namespace ecs::server {

class ServerMetrics {
 public:
  // `name`: the ECS operation, or the route ("GET /_emulator/clock"); `outcome`: "success" or
  // the error type (ClusterNotFoundException, ...).
  void RecordRequest(const std::string& name, const std::string& outcome, double seconds);
  void RecordSlice(double seconds);
  void RecordBatch(size_t rows, double seconds, bool ok);
  // The Prometheus text of everything above.
  std::string Render() const;

 private:
  struct Requests {
    Histogram latency{kSecondsBuckets};
    std::map<std::string, uint64_t> by_outcome;
  };
  mutable std::mutex mu_;
  std::map<std::string, Requests> requests_;  // by operation or route
  Histogram slice_seconds_{kSecondsBuckets};
  Histogram batch_rows_{kRowBuckets};
  Histogram batch_seconds_{kSecondsBuckets};
  uint64_t failed_batches_ = 0;
};

}  // namespace ecs::server
