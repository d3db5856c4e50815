#include "common/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <type_traits>

namespace flyte::metrics {
namespace {

// Go's ParseFloat reads what to_chars writes (shortest round-trip form); infinities and NaN are
// spelled as the format wants them.
void AppendNumber(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buffer[32];
    const auto written = std::to_chars(buffer, buffer + sizeof(buffer), value);
    out.append(buffer, written.ptr);
  }
}

// Backslash and line feed are escaped in HELP text and label values, double quotes in label
// values only (where a value may hold anything).
void AppendEscaped(std::string& out, std::string_view text, bool quoted) {
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quoted) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// `{a="x",b="y"}`, plus an extra pair last (a histogram bucket's `le`); nothing when empty.
void AppendLabels(std::string& out, const std::vector<std::string>& names, const LabelValues& values,
                  std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    AppendEscaped(out, values[i], /*quoted=*/true);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void AppendSample(std::string& out, std::string_view name, const FamilyBase& family, const LabelValues& values,
                  double value) {
  out += name;
  AppendLabels(out, family.label_names(), values);
  out += ' ';
  AppendNumber(out, value);
  out += '\n';
}

[[noreturn]] void Misuse(const std::string& name, const char* what) {
  std::fprintf(stderr, "flyte: metric %s %s\n", name.c_str(), what);
  std::abort();
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end())) Misuse("histogram", "bounds must be ascending");
}

void Histogram::Observe(double value) {
  const auto bucket = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

void Histogram::ObserveSince(std::chrono::steady_clock::time_point start) {
  Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  snapshot.cumulative.reserve(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    snapshot.cumulative.push_back(total);
  }
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

std::vector<double> LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

FamilyBase::FamilyBase(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

template <typename Metric>
Family<Metric>::Family(std::string name, std::string help, std::vector<std::string> label_names,
                       std::vector<double> bounds)
    : FamilyBase(std::move(name), std::move(help), std::move(label_names)), bounds_(std::move(bounds)) {
  // A family without labels has its one child from the start, so it is exposed before first use.
  if (this->label_names().empty()) With({});
}

template <typename Metric>
Metric& Family<Metric>::With(const LabelValues& values) {
  if (values.size() != label_names().size()) Misuse(name(), "takes another number of label values");
  absl::MutexLock lock(&mu_);
  auto& child = children_[values];
  if (!child) child = Make();
  return *child;
}

template <typename Metric>
std::unique_ptr<Metric> Family<Metric>::Make() const {
  if constexpr (std::is_same_v<Metric, Histogram>) {
    return std::make_unique<Histogram>(bounds_);
  } else {
    return std::make_unique<Metric>();
  }
}

template <>
const char* Family<Counter>::type() const {
  return "counter";
}
template <>
const char* Family<Gauge>::type() const {
  return "gauge";
}
template <>
const char* Family<Histogram>::type() const {
  return "histogram";
}

template <typename Metric>
void Family<Metric>::WriteSamples(std::string& out) const {
  absl::MutexLock lock(&mu_);
  for (const auto& [values, child] : children_) {
    if constexpr (std::is_same_v<Metric, Histogram>) {
      const Histogram::Snapshot snapshot = child->Read();
      const std::string bucket = name() + "_bucket";
      for (size_t i = 0; i < snapshot.cumulative.size(); ++i) {
        std::string le;
        AppendNumber(le, i < bounds_.size() ? bounds_[i] : INFINITY);
        out += bucket;
        AppendLabels(out, label_names(), values, "le", le);
        out += ' ';
        AppendNumber(out, static_cast<double>(snapshot.cumulative[i]));
        out += '\n';
      }
      AppendSample(out, name() + "_sum", *this, values, snapshot.sum);
      AppendSample(out, name() + "_count", *this, values, static_cast<double>(snapshot.cumulative.back()));
    } else {
      AppendSample(out, name(), *this, values, child->Value());
    }
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

template <typename Metric>
Family<Metric>& Registry::Add(std::unique_ptr<Family<Metric>> family) {
  absl::MutexLock lock(&mu_);
  auto& slot = families_[family->name()];
  if (!slot) {
    slot = std::move(family);
    return static_cast<Family<Metric>&>(*slot);
  }
  auto* existing = dynamic_cast<Family<Metric>*>(slot.get());
  if (existing == nullptr) Misuse(family->name(), "is registered as another kind");
  if (existing->label_names() != family->label_names()) Misuse(family->name(), "is registered with other labels");
  return *existing;
}

Family<Counter>& Registry::AddCounter(const std::string& name, const std::string& help,
                                      std::vector<std::string> label_names) {
  return Add(std::make_unique<Family<Counter>>(name, help, std::move(label_names)));
}

Family<Gauge>& Registry::AddGauge(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names) {
  return Add(std::make_unique<Family<Gauge>>(name, help, std::move(label_names)));
}

Family<Histogram>& Registry::AddHistogram(const std::string& name, const std::string& help,
                                          std::vector<std::string> label_names, std::vector<double> bounds) {
  return Add(std::make_unique<Family<Histogram>>(name, help, std::move(label_names), std::move(bounds)));
}

std::string Registry::Text() const {
  std::string out;
  absl::MutexLock lock(&mu_);
  for (const auto& [name, family] : families_) {
    out += "# HELP ";
    out += name;
    out += ' ';
    AppendEscaped(out, family->help(), /*quoted=*/false);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += family->type();
    out += '\n';
    family->WriteSamples(out);
  }
  return out;
}

Registry& Default() {
  static Registry* const registry = new Registry();  // never destroyed: threads may update metrics at exit
  return *registry;
}

}  // namespace flyte::metrics
