// The text forms of filter values and pagination tokens, as flyteadmin reads them: integers,
// RFC3339 timestamps and durations. Each returns nullopt for text that is not of its form.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace flyte::admin {

// A decimal int64 as Go's strconv.Atoi reads it (a leading '+' is allowed; no spaces).
std::optional<int64_t> ParseInteger(std::string_view text);

// An RFC3339 time ("2024-01-01T00:00:00Z", "...+02:00") as unix milliseconds, finer digits dropped.
std::optional<int64_t> ParseTimestampMillis(std::string_view text);

// Milliseconds from a bare number of seconds ("200", "1.5") or a Go duration ("1h2m", "300ms");
// infinite or unparsable values are nullopt.
std::optional<int64_t> ParseDurationMillis(std::string_view text);

}  // namespace flyte::admin
