// Process metrics for Prometheus: counters, gauges and histograms with labels, kept in one
// registry every layer reaches (metrics::Default()), written in the text exposition format 0.0.4
// (`/metrics`). Updating a metric is a few relaxed atomic operations, never a lock; finding a
// labelled child takes its family's mutex, so hot paths find theirs once and keep the reference
// (children live as long as the registry).
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace flyte::metrics {

// Label values, in the order of their family's label names.
using LabelValues = std::vector<std::string>;

class Counter {
 public:
  void Increment(double by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Counts observations into buckets by upper bound (inclusive, as Prometheus's `le`); the +Inf
// bucket is implied.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);

  void Observe(double value);
  // Seconds since `start`.
  void ObserveSince(std::chrono::steady_clock::time_point start);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf (== count)
    double sum = 0;
  };
  // Bucket counts read one by one while others may observe: the cumulative counts and the total
  // are consistent with each other, the sum may be a few observations ahead or behind.
  Snapshot Read() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  const std::vector<double> bounds_;
  const std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket, not cumulative; +Inf last
  std::atomic<double> sum_{0};
};

// Upper bounds for latencies in seconds: 0.5 ms to 10 s.
std::vector<double> LatencyBuckets();

// What every family writes: its header, then a line per child (a histogram: several).
class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, std::vector<std::string> label_names);
  virtual ~FamilyBase() = default;
  virtual const char* type() const = 0;
  virtual void WriteSamples(std::string& out) const = 0;

  const std::string& name() const { return name_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  const std::string& help() const { return help_; }

 private:
  const std::string name_, help_;
  const std::vector<std::string> label_names_;
};

// The children of one metric name, one per combination of label values, made on first use.
template <typename Metric>
class Family final : public FamilyBase {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names, std::vector<double> bounds = {});

  // The child for `values` (as many as there are label names).
  Metric& With(const LabelValues& values);

  const char* type() const override;
  void WriteSamples(std::string& out) const override;

 private:
  std::unique_ptr<Metric> Make() const;

  const std::vector<double> bounds_;  // histograms
  mutable absl::Mutex mu_;
  std::map<LabelValues, std::unique_ptr<Metric>> children_ ABSL_GUARDED_BY(mu_);  // written in label order
};

template <>
const char* Family<Counter>::type() const;
template <>
const char* Family<Gauge>::type() const;
template <>
const char* Family<Histogram>::type() const;
extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

// Threads: any thread may add families, update metrics and write the text.
class Registry {
 public:
  // Adding a name twice returns the family added first; a name added again as another kind or with
  // other labels is a programming error, which stops the process naming the metric.
  Family<Counter>& AddCounter(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names, std::vector<double> bounds);

  // Every family, by name, in the text exposition format 0.0.4.
  std::string Text() const;

 private:
  template <typename Metric>
  Family<Metric>& Add(std::unique_ptr<Family<Metric>> family);

  mutable absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<FamilyBase>> families_ ABSL_GUARDED_BY(mu_);
};

// The process's registry: what GET /metrics serves.
Registry& Default();

// The HTTP content type of Registry::Text().
inline constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace flyte::metrics
