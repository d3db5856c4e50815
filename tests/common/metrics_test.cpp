#include "common/metrics.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

namespace flyte::metrics {
namespace {

TEST_CASE("Text writes HELP and TYPE, then a line per child, families by name and children by label values") {
  Registry registry;
  auto& requests = registry.AddCounter("zz_requests_total", "Requests served.", {"method", "code"});
  registry.AddGauge("aa_depth", "Commands waiting.").With({}).Set(3);
  requests.With({"Get", "OK"}).Increment();
  requests.With({"Create", "OK"}).Increment(2);
  requests.With({"Get", "OK"}).Increment();
  CHECK(registry.Text() ==
        "# HELP aa_depth Commands waiting.\n"
        "# TYPE aa_depth gauge\n"
        "aa_depth 3\n"
        "# HELP zz_requests_total Requests served.\n"
        "# TYPE zz_requests_total counter\n"
        "zz_requests_total{method=\"Create\",code=\"OK\"} 2\n"
        "zz_requests_total{method=\"Get\",code=\"OK\"} 2\n");
}

TEST_CASE("A family without labels is exposed at zero before its first use; one with labels only once used") {
  Registry registry;
  registry.AddCounter("plain_total", "Plain.");
  registry.AddCounter("labelled_total", "Labelled.", {"phase"});
  const std::string text = registry.Text();
  CHECK(text.find("plain_total 0\n") != std::string::npos);
  CHECK(text.find("# TYPE labelled_total counter\n") != std::string::npos);
  CHECK(text.find("labelled_total{") == std::string::npos);
}

TEST_CASE("Label values escape backslash, double quote and line feed; HELP escapes backslash and line feed") {
  Registry registry;
  registry.AddGauge("g", "a \\ b\nc \"quoted\"", {"v"}).With({"x\\y\"z\nw"}).Set(1);
  CHECK(registry.Text() ==
        "# HELP g a \\\\ b\\nc \"quoted\"\n"
        "# TYPE g gauge\n"
        "g{v=\"x\\\\y\\\"z\\nw\"} 1\n");
}

TEST_CASE("Histogram buckets are cumulative, inclusive of their bound, end with +Inf equal to the count") {
  Registry registry;
  auto& latency = registry.AddHistogram("lat_seconds", "Latency.", {"route"}, {0.1, 1, 2.5});
  auto& child = latency.With({"/api"});
  for (double value : {0.05, 0.1, 0.7, 3.0, 100.0}) child.Observe(value);
  CHECK(registry.Text() ==
        "# HELP lat_seconds Latency.\n"
        "# TYPE lat_seconds histogram\n"
        "lat_seconds_bucket{route=\"/api\",le=\"0.1\"} 2\n"
        "lat_seconds_bucket{route=\"/api\",le=\"1\"} 3\n"
        "lat_seconds_bucket{route=\"/api\",le=\"2.5\"} 3\n"
        "lat_seconds_bucket{route=\"/api\",le=\"+Inf\"} 5\n"
        "lat_seconds_sum{route=\"/api\"} 103.85\n"
        "lat_seconds_count{route=\"/api\"} 5\n");
}

TEST_CASE("A histogram without labels writes le as its only label") {
  Registry registry;
  registry.AddHistogram("h", "H.", {}, {0.5}).With({}).Observe(0.25);
  CHECK(registry.Text() ==
        "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 0.25\nh_count 1\n");
}

TEST_CASE("Adding a name again returns the family added first") {
  Registry registry;
  auto& first = registry.AddCounter("c_total", "C.", {"a"});
  auto& again = registry.AddCounter("c_total", "C.", {"a"});
  CHECK(&first == &again);
  CHECK(&first.With({"x"}) == &again.With({"x"}));
}

TEST_CASE("Counters and histograms lose no update under concurrent writers") {
  Registry registry;
  auto& counter = registry.AddCounter("n_total", "N.").With({});
  auto& histogram = registry.AddHistogram("d_seconds", "D.", {}, LatencyBuckets()).With({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter.Increment();
        histogram.Observe(0.001);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(counter.Value() == 40000);
  CHECK(histogram.Read().cumulative.back() == 40000);
  CHECK(histogram.Read().sum == doctest::Approx(40.0));
}

}  // namespace
}  // namespace flyte::metrics
