// Cron expressions: which minutes they match, and the messages for bad ones.
#include "common/cron.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

namespace flyte {
namespace {

int64_t Utc(int y, unsigned m, unsigned d, int hour = 0, int minute = 0) {
  using namespace std::chrono;
  const sys_days date = year{y} / month{m} / std::chrono::day{d};
  return date.time_since_epoch().count() * 86400 + hour * 3600 + minute * 60;
}

int64_t NextOf(const std::string& expression, int64_t after) {
  StatusOr<CronExpression> cron = CronExpression::Parse(expression);
  REQUIRE_MESSAGE(cron.ok(), cron.status().message());
  return cron->Next(after);
}

TEST_CASE("cron: the next matching minute, strictly after the given time") {
  const int64_t new_year = Utc(2026, 1, 1);
  CHECK(NextOf("* * * * *", new_year) == Utc(2026, 1, 1, 0, 1));
  CHECK(NextOf("* * * * *", new_year + 30) == Utc(2026, 1, 1, 0, 1));
  CHECK(NextOf("*/15 * * * *", new_year) == Utc(2026, 1, 1, 0, 15));
  CHECK(NextOf("5-10/5 * * * *", Utc(2026, 1, 1, 0, 5)) == Utc(2026, 1, 1, 0, 10));
  CHECK(NextOf("5/20 * * * *", Utc(2026, 1, 1, 0, 45)) == Utc(2026, 1, 1, 1, 5));
  CHECK(NextOf("0,30 9-17 * * *", Utc(2026, 1, 1, 17, 30)) == Utc(2026, 1, 2, 9, 0));
  CHECK(NextOf("0 0 1 * *", new_year) == Utc(2026, 2, 1));
  CHECK(NextOf("0 12 * JAN-MAR MON", new_year) == Utc(2026, 1, 5, 12, 0));
}

TEST_CASE("cron: month ends, leap days and years without a match") {
  CHECK(NextOf("0 0 31 * *", Utc(2026, 1, 31)) == Utc(2026, 3, 31));  // February has no 31st
  CHECK(NextOf("0 0 29 2 *", Utc(2026, 1, 1)) == Utc(2028, 2, 29));
  CHECK(NextOf("0 0 30 2 *", Utc(2026, 1, 1)) == -1);
  CHECK(NextOf("59 23 31 12 *", Utc(2026, 12, 31, 23, 59)) == Utc(2027, 12, 31, 23, 59));
}

TEST_CASE("cron: a step as large as an int keeps its first value (adding it once overflowed an int)") {
  CHECK(NextOf("5/2147483647 * * * *", Utc(2026, 1, 1)) == Utc(2026, 1, 1, 0, 5));
  CHECK(NextOf("0 23/2147483647 * * *", Utc(2026, 1, 1)) == Utc(2026, 1, 1, 23, 0));
}

TEST_CASE("cron: times before the epoch round down to their minute, hour and day") {
  CHECK(NextOf("* * * * *", -30) == 0);
  CHECK(NextOf("* * * * *", -60) == 0);
  CHECK(NextOf("0 12 * * *", -86400) == -43200);  // 1969-12-31 12:00
  CHECK(NextOf("30 * * * *", -3601) == -1800);    // 1969-12-31 23:30
}

TEST_CASE("cron: day of month and day of week") {
  const int64_t new_year = Utc(2026, 1, 1);  // a Thursday
  CHECK(NextOf("0 0 13 * *", new_year) == Utc(2026, 1, 13));
  CHECK(NextOf("0 0 * * 5", new_year) == Utc(2026, 1, 2));
  CHECK(NextOf("0 0 13 * 5", new_year) == Utc(2026, 1, 2));   // both set: either matches
  CHECK(NextOf("0 0 13 * ?", new_year) == Utc(2026, 1, 13));  // '?' is '*'
  CHECK(NextOf("0 0 * * 7", new_year) == Utc(2026, 1, 4));    // 7 is Sunday too
  CHECK(NextOf("0 0 * * sat,sun", new_year) == Utc(2026, 1, 3));
}

TEST_CASE("cron: descriptors") {
  const int64_t t = Utc(2026, 5, 17, 10, 30);  // a Sunday
  CHECK(NextOf("@hourly", t) == Utc(2026, 5, 17, 11, 0));
  CHECK(NextOf("@daily", t) == Utc(2026, 5, 18));
  CHECK(NextOf("@midnight", t) == Utc(2026, 5, 18));
  CHECK(NextOf("@weekly", t) == Utc(2026, 5, 24));
  CHECK(NextOf("@monthly", t) == Utc(2026, 6, 1));
  CHECK(NextOf("@yearly", t) == Utc(2027, 1, 1));
  CHECK(NextOf("@annually", t) == Utc(2027, 1, 1));
}

TEST_CASE("cron: bad expressions name the field and the problem") {
  auto error = [](const std::string& expression) {
    StatusOr<CronExpression> cron = CronExpression::Parse(expression);
    REQUIRE_FALSE(cron.ok());
    CHECK(absl::IsInvalidArgument(cron.status()));
    return std::string(cron.status().message());
  };
  CHECK(error("* * * *").find("has 4 fields") != std::string::npos);
  CHECK(error("60 * * * *").find("minute field \"60\": out of range 0-59") != std::string::npos);
  CHECK(error("* 24 * * *").find("hour") != std::string::npos);
  CHECK(error("* * 0 * *").find("day of month") != std::string::npos);
  CHECK(error("* * * 13 *").find("month") != std::string::npos);
  CHECK(error("* * * * funday").find("not a number or a name") != std::string::npos);
  CHECK(error("*/0 * * * *").find("positive") != std::string::npos);
  CHECK(error("10-5 * * * *").find("ends before it starts") != std::string::npos);
  CHECK(error("@every 5m").find("unknown cron descriptor") != std::string::npos);
  CHECK(error("1,,2 * * * *").find("not a number") != std::string::npos);
}

}  // namespace
}  // namespace flyte
