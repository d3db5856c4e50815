// How flyteadmin reads filter and token values; see filter_values.h.
#include "admin/filter_values.h"

#include <absl/time/time.h>

#include <charconv>
#include <cmath>
#include <string>

namespace flyte::admin {

std::optional<int64_t> ParseInteger(std::string_view text) {
  // strconv.Atoi, which flyteadmin uses for tokens, accepts a leading '+'.
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return std::nullopt;
  }
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int64_t> ParseTimestampMillis(std::string_view text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &time, &error)) return std::nullopt;
  // The store keeps milliseconds, so finer digits are dropped (rounded toward the past).
  return absl::ToUnixMillis(time);
}

std::optional<int64_t> ParseDurationMillis(std::string_view text) {
  double seconds = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  absl::Duration duration;
  if (!text.empty() && error == std::errc() && end == text.data() + text.size()) {
    if (!std::isfinite(seconds)) return std::nullopt;
    duration = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(std::string(text), &duration)) {
    return std::nullopt;
  }
  if (duration == absl::InfiniteDuration() || duration == -absl::InfiniteDuration()) return std::nullopt;
  return absl::ToInt64Milliseconds(duration);
}

}  // namespace flyte::admin
