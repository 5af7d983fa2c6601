// Prometheus text exposition pieces (common/metrics.h).
#include "common/metrics.h"

#include <catch2/catch.hpp>

namespace ecs {
namespace {

TEST_CASE("histogram buckets are cumulative with +Inf last", "[metrics]") {
  static constexpr double kBounds[] = {1, 5};
  Histogram h(kBounds);
  h.Observe(0.5);
  h.Observe(1);  // on a bound: counted in it (le = less or equal)
  h.Observe(3);
  h.Observe(9);
  CHECK(h.Cumulative() == std::vector<uint64_t>{2, 3, 4});
  CHECK(h.count() == 4);
  CHECK(h.sum() == Approx(13.5));
}

TEST_CASE("the text format: HELP and TYPE once, escaped labels, histogram series", "[metrics]") {
  static constexpr double kBounds[] = {0.5};
  Histogram h(kBounds);
  h.Observe(0.25);
  PrometheusWriter w;
  w.Family("x_total", "counter", "Things.");
  w.Sample("x_total", {{"op", "a\"b\\c\nd"}}, 3);
  w.Family("lat", "histogram", "Latency.");
  w.HistogramSamples("lat", {{"op", "A"}}, h);
  CHECK(w.text() ==
        "# HELP x_total Things.\n"
        "# TYPE x_total counter\n"
        "x_total{op=\"a\\\"b\\\\c\\nd\"} 3\n"
        "# HELP lat Latency.\n"
        "# TYPE lat histogram\n"
        "lat_bucket{op=\"A\",le=\"0.5\"} 1\n"
        "lat_bucket{op=\"A\",le=\"+Inf\"} 1\n"
        "lat_sum{op=\"A\"} 0.25\n"
        "lat_count{op=\"A\"} 1\n");
}

}  // namespace
}  // namespace ecs
