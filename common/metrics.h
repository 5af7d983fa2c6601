// The pieces of GET /metrics: Prometheus text exposition (version 0.0.4) and a fixed-bucket
// histogram. server/ counts requests, reconciler slices and commits with them (its own lock);
// api/ writes the gauges it reads from the control plane on the state strand. Plain values,
// not thread-safe by themselves.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecs {

// Cumulative buckets with fixed upper bounds, as Prometheus histograms are.
class Histogram {
 public:
  explicit Histogram(std::span<const double> bounds)
      : bounds_(bounds.begin(), bounds.end()), counts_(bounds.size() + 1, 0) {}
  void Observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  // counts()[i]: observations <= bounds()[i]; the last one: all of them (le="+Inf").
  std::vector<uint64_t> Cumulative() const;
  uint64_t count() const { return count_; }
  double sum() const { return sum_; }

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  // per bucket, not cumulative; last = above every bound
  uint64_t count_ = 0;
  double sum_ = 0;
};

// Bucket bounds for request latencies and slices (seconds), and for batch sizes (rows).
inline constexpr double kSecondsBuckets[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                             0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                             1,      2.5,     5,      10};
inline constexpr double kRowBuckets[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 20000};

using MetricLabels = std::vector<std::pair<std::string_view, std::string>>;

// Writes the text format: a family's HELP and TYPE once, then its samples.
class PrometheusWriter {
 public:
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, const MetricLabels& labels, double value);
  // The _bucket (with le), _sum and _count series of one histogram.
  void HistogramSamples(std::string_view name, const MetricLabels& labels, const Histogram& h);
  const std::string& text() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// A label value with \, " and newlines escaped, as the text format requires.
std::string EscapeLabelValue(std::string_view value);

}  // namespace ecs
