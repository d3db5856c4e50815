#include "admin/filter_values.h"

#include <doctest/doctest.h>

namespace flyte::admin {
namespace {

TEST_CASE("ParseInteger reads as strconv.Atoi") {
  CHECK(ParseInteger("42") == 42);
  CHECK(ParseInteger("+5") == 5);
  CHECK(ParseInteger("-7") == -7);
  for (std::string_view bad : {"", "+", "+-1", " 1", "1 ", "1.5", "abc", "99999999999999999999"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseInteger(bad).has_value());
  }
}

TEST_CASE("ParseTimestampMillis reads RFC3339") {
  CHECK(ParseTimestampMillis("2024-01-01T00:00:00Z") == 1704067200000);
  CHECK(ParseTimestampMillis("2024-01-01T02:00:00.5+02:00") == 1704067200500);
  CHECK_FALSE(ParseTimestampMillis("2024-01-01").has_value());
}

TEST_CASE("ParseDurationMillis reads seconds or Go durations") {
  CHECK(ParseDurationMillis("1.5") == 1500);
  CHECK(ParseDurationMillis("1m30s") == 90000);
  CHECK_FALSE(ParseDurationMillis("inf").has_value());
  CHECK_FALSE(ParseDurationMillis("").has_value());
}

}  // namespace
}  // namespace flyte::admin
