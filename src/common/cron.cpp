#include "common/cron.h"

#include <array>
#include <charconv>
#include <chrono>
#include <string>
#include <vector>

namespace flyte {
namespace {

struct FieldSpec {
  const char* name;
  int low, high;
  std::vector<std::string_view> names;  // names[i] means low + i
};

const std::array<FieldSpec, 5> kFields = {{
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day of month", 1, 31, {}},
    {"month", 1, 12, {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
    {"day of week", 0, 6, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
}};

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

Status FieldError(const FieldSpec& field, std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError("cron " + std::string(field.name) + " field \"" + std::string(text) +
                                    "\": " + std::string(why));
}

StatusOr<int> Value(const FieldSpec& field, std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (size_t i = 0; i < field.names.size(); ++i) {
    if (lower == field.names[i]) return field.low + static_cast<int>(i);
  }
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return FieldError(field, text, "not a number" + std::string(field.names.empty() ? "" : " or a name"));
  }
  // robfig/cron accepts 7 for Sunday too.
  if (field.high == 6 && value == 7) value = 0;
  if (value < field.low || value > field.high) {
    return FieldError(field, text, "out of range " + std::to_string(field.low) + "-" + std::to_string(field.high));
  }
  return value;
}

// Sets the bits one comma-separated part of a field stands for.
template <size_t N>
Status ParsePart(const FieldSpec& field, std::string_view part, std::bitset<N>& bits) {
  const std::vector<std::string_view> step_split = Split(part, '/');
  if (step_split.size() > 2) return FieldError(field, part, "more than one '/'");
  int step = 1;
  if (step_split.size() == 2) {
    const auto [end, error] = std::from_chars(step_split[1].data(), step_split[1].data() + step_split[1].size(), step);
    if (step_split[1].empty() || error != std::errc() || end != step_split[1].data() + step_split[1].size() ||
        step <= 0) {
      return FieldError(field, part, "the step must be a positive number");
    }
  }
  const std::string_view range = step_split[0];
  int low = field.low, high = field.high;
  if (range != "*" && range != "?") {
    const std::vector<std::string_view> bounds = Split(range, '-');
    if (bounds.size() > 2) return FieldError(field, part, "more than one '-'");
    ASSIGN_OR_RETURN(low, Value(field, bounds[0]));
    if (bounds.size() == 2) {
      ASSIGN_OR_RETURN(high, Value(field, bounds[1]));
    } else if (step_split.size() == 1) {
      high = low;  // a single value; "a/n" runs from a to the end
    }
    if (low > high) return FieldError(field, part, "the range ends before it starts");
  }
  // 64 bits: the step may be as large as an int, and adding it to a value must not overflow.
  for (int64_t value = low; value <= high; value += step) bits.set(static_cast<size_t>(value));
  return absl::OkStatus();
}

template <size_t N>
Status ParseField(const FieldSpec& field, std::string_view text, std::bitset<N>& bits) {
  if (text.empty()) return FieldError(field, text, "empty");
  for (std::string_view part : Split(text, ',')) RETURN_IF_ERROR(ParsePart(field, part, bits));
  return absl::OkStatus();
}

std::string_view Descriptor(std::string_view expression) {
  if (expression == "@yearly" || expression == "@annually") return "0 0 1 1 *";
  if (expression == "@monthly") return "0 0 1 * *";
  if (expression == "@weekly") return "0 0 * * 0";
  if (expression == "@daily" || expression == "@midnight") return "0 0 * * *";
  if (expression == "@hourly") return "0 * * * *";
  return {};
}

// Rounds toward minus infinity, so times before the epoch fall in the right minute, hour and day.
int64_t FloorDiv(int64_t value, int64_t unit) { return value / unit - (value % unit < 0 ? 1 : 0); }

}  // namespace

StatusOr<CronExpression> CronExpression::Parse(std::string_view expression) {
  if (!expression.empty() && expression.front() == '@') {
    const std::string_view expanded = Descriptor(expression);
    if (expanded.empty()) {
      return absl::InvalidArgumentError("unknown cron descriptor \"" + std::string(expression) +
                                        "\" (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, "
                                        "@hourly)");
    }
    expression = expanded;
  }
  std::vector<std::string_view> fields;
  for (std::string_view field : Split(expression, ' ')) {
    if (!field.empty()) fields.push_back(field);
  }
  if (fields.size() != 5) {
    return absl::InvalidArgumentError("cron expression \"" + std::string(expression) + "\" has " +
                                      std::to_string(fields.size()) +
                                      " fields; expected 5: minute hour day-of-month month day-of-week");
  }
  CronExpression cron;
  RETURN_IF_ERROR(ParseField(kFields[0], fields[0], cron.minutes_));
  RETURN_IF_ERROR(ParseField(kFields[1], fields[1], cron.hours_));
  RETURN_IF_ERROR(ParseField(kFields[2], fields[2], cron.days_of_month_));
  RETURN_IF_ERROR(ParseField(kFields[3], fields[3], cron.months_));
  RETURN_IF_ERROR(ParseField(kFields[4], fields[4], cron.days_of_week_));
  cron.any_day_of_month_ = fields[2] == "*" || fields[2] == "?";
  cron.any_day_of_week_ = fields[4] == "*" || fields[4] == "?";
  return cron;
}

bool CronExpression::DayMatches(int64_t days_since_epoch) const {
  using namespace std::chrono;
  const sys_days day{days{days_since_epoch}};
  const year_month_day date{day};
  const bool month_day = days_of_month_.test(static_cast<unsigned>(date.day()));
  const bool week_day = days_of_week_.test(weekday{day}.c_encoding());
  if (any_day_of_month_ || any_day_of_week_) return month_day && week_day;
  return month_day || week_day;
}

int64_t CronExpression::Next(int64_t after) const {
  constexpr int64_t kMinute = 60, kHour = 3600, kDay = 86400;
  int64_t t = (FloorDiv(after, kMinute) + 1) * kMinute;  // the next whole minute
  const int64_t limit = after + 5 * 366 * kDay;
  while (t <= limit) {
    using namespace std::chrono;
    const int64_t day_number = FloorDiv(t, kDay);
    const year_month_day date{sys_days{days{day_number}}};
    if (!months_.test(static_cast<unsigned>(date.month()))) {
      const year_month first_of_next = year_month{date.year(), date.month()} + months{1};
      t = sys_days{first_of_next / 1}.time_since_epoch().count() * kDay;
      continue;
    }
    if (!DayMatches(day_number)) {
      t = (day_number + 1) * kDay;
      continue;
    }
    if (!hours_.test(static_cast<size_t>((t - day_number * kDay) / kHour))) {
      t = (FloorDiv(t, kHour) + 1) * kHour;
      continue;
    }
    if (!minutes_.test(static_cast<size_t>((t - FloorDiv(t, kHour) * kHour) / kMinute))) {
      t += kMinute;
      continue;
    }
    return t;
  }
  return -1;
}

}  // namespace flyte
