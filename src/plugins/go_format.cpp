#include "plugins/go_format.h"

#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

namespace flyte::plugins {
namespace {

struct CivilTime {
  int64_t year;
  int month, day, hour, minute, second;
};

// Days since 1970-01-01 → proleptic Gregorian date (Howard Hinnant's civil_from_days).
CivilTime ToCivil(int64_t unix_seconds) {
  int64_t days = unix_seconds / 86400;
  int64_t rest = unix_seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;
  const int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  const int month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  const int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  return {
      year, month, day, static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60)};
}

// ".999999999" layout: trailing zeros dropped, nothing at all for a whole second.
std::string GoFraction(int32_t nanos) {
  if (nanos == 0) return "";
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, ".%09d", static_cast<int>(nanos));
  std::string fraction = buffer;
  while (fraction.back() == '0') fraction.pop_back();
  return fraction;
}

// time.Time.Format(time.RFC3339Nano) in UTC (or String() with `go_string`), seconds since the epoch.
std::string GoTime(int64_t seconds, int32_t nanos, bool go_string) {
  const CivilTime t = ToCivil(seconds);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer,
                go_string ? "%04" PRId64 "-%02d-%02d %02d:%02d:%02d" : "%04" PRId64 "-%02d-%02dT%02d:%02d:%02d", t.year,
                t.month, t.day, t.hour, t.minute, t.second);
  return std::string(buffer) + GoFraction(nanos) + (go_string ? " +0000 UTC" : "Z");
}

// Map keys of mixed types sort by type in Go (a machine-dependent order); this order is what Go
// printed here. Equal types sort by value.
enum class GoKind { kString, kNegativeInt, kInt, kFloat, kBool, kNil, kTime, kSlice, kMap };

struct GoValue {
  GoKind kind = GoKind::kNil;
  std::string text;  // the %v rendering
  int64_t negative = 0;
  uint64_t unsigned_value = 0;
  double real = 0;
};

bool KeyLess(const GoValue& a, const GoValue& b) {
  if (a.kind != b.kind) return a.kind < b.kind;
  switch (a.kind) {
    case GoKind::kNegativeInt:
      return a.negative < b.negative;
    case GoKind::kInt:
      return a.unsigned_value < b.unsigned_value;
    case GoKind::kFloat:
      return a.real < b.real;
    default:
      return a.text < b.text;
  }
}

GoValue Signed(int64_t value) { return {GoKind::kNegativeInt, std::to_string(value), value, 0, 0}; }
GoValue Unsigned(uint64_t value) { return {GoKind::kInt, std::to_string(value), 0, value, 0}; }
GoValue Text(GoKind kind, std::string text) { return {kind, std::move(text), 0, 0, 0}; }

Status Invalid(const MsgpackValue& value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "invalid code %x decoding as interface", static_cast<uint8_t>(value.encoded[0]));
  return absl::InvalidArgumentError(buffer);
}

// []byte prints as its numbers: "[1 2 3]".
GoValue Bytes(std::string_view bytes) {
  std::string text = "[";
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) text += ' ';
    text += std::to_string(static_cast<uint8_t>(bytes[i]));
  }
  return Text(GoKind::kSlice, text + "]");
}

uint64_t BigEndian(std::string_view bytes) {
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<uint8_t>(c);
  return value;
}

// The timestamp extension (type -1, as fixext 4, fixext 8 or ext 8 of 12 bytes) becomes a
// time.Time, printed by its String(). Other extensions are not decodable into `any`.
StatusOr<GoValue> Timestamp(const MsgpackValue& value) {
  const auto code = static_cast<uint8_t>(value.encoded[0]);
  const size_t size = value.bytes.size();
  const bool timestamp_encoding = (code == 0xd6 || code == 0xd7 || (code == 0xc7 && size == 12));
  if (!timestamp_encoding || value.ext_type != -1) return Invalid(value);
  int64_t seconds = 0;
  uint64_t nanos = 0;
  if (size == 4) {
    seconds = static_cast<int64_t>(BigEndian(value.bytes));
  } else if (size == 8) {
    const uint64_t bits = BigEndian(value.bytes);
    nanos = bits >> 34;
    seconds = static_cast<int64_t>(bits & 0x3ffffffffULL);
  } else {
    nanos = BigEndian(value.bytes.substr(0, 4));
    seconds = static_cast<int64_t>(BigEndian(value.bytes.substr(4)));
  }
  seconds += static_cast<int64_t>(nanos / 1000000000);  // time.Unix normalises
  nanos %= 1000000000;
  return Text(GoKind::kTime, GoTime(seconds, static_cast<int32_t>(nanos), /*go_string=*/true));
}

StatusOr<GoValue> ToGo(const MsgpackValue& value);

StatusOr<GoValue> Array(const MsgpackValue& value) {
  std::string text = "[";
  for (size_t i = 0; i < value.items.size(); ++i) {
    ASSIGN_OR_RETURN(GoValue element, ToGo(value.items[i]));
    if (i > 0) text += ' ';
    text += element.text;
  }
  return Text(GoKind::kSlice, text + "]");
}

// map[k:v k:v] with keys sorted as fmt sorts them; a repeated key keeps its last value.
StatusOr<GoValue> Map(const MsgpackValue& value) {
  std::vector<std::pair<GoValue, std::string>> entries;
  for (size_t i = 0; i + 1 < value.items.size(); i += 2) {
    const MsgpackValue& key_value = value.items[i];
    ASSIGN_OR_RETURN(GoValue key, ToGo(key_value));
    if (key.kind == GoKind::kSlice || key.kind == GoKind::kMap) {
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, "can not set slice or map as map key. code: %x",
                    static_cast<uint8_t>(key_value.encoded[0]));
      return absl::InvalidArgumentError(buffer);
    }
    ASSIGN_OR_RETURN(GoValue element, ToGo(value.items[i + 1]));
    auto same = std::find_if(entries.begin(), entries.end(), [&](const auto& entry) {
      return entry.first.kind == key.kind && entry.first.text == key.text;
    });
    if (same != entries.end()) {
      same->second = std::move(element.text);
    } else {
      entries.emplace_back(std::move(key), std::move(element.text));
    }
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return KeyLess(a.first, b.first); });
  std::string text = "map[";
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) text += ' ';
    text += entries[i].first.text + ":" + entries[i].second;
  }
  return Text(GoKind::kMap, text + "]");
}

StatusOr<GoValue> ToGo(const MsgpackValue& value) {
  switch (value.kind) {
    case MsgpackKind::kNil:
      return Text(GoKind::kNil, "<nil>");
    case MsgpackKind::kBool:
      return Text(GoKind::kBool, value.boolean ? "true" : "false");
    case MsgpackKind::kInt:
      return Signed(value.int_value);
    case MsgpackKind::kUint:
      return Unsigned(value.uint_value);
    case MsgpackKind::kFloat:
      return GoValue{GoKind::kFloat, GoFloat(value.float_value, value.float32), 0, 0, value.float_value};
    case MsgpackKind::kStr:
      return Text(GoKind::kString, std::string(value.bytes));
    case MsgpackKind::kBin:
      return Bytes(value.bytes);
    case MsgpackKind::kExt:
      return Timestamp(value);
    case MsgpackKind::kArray:
      return Array(value);
    case MsgpackKind::kMap:
      return Map(value);
  }
  return Invalid(value);
}

}  // namespace

// The shortest digits that round-trip, in %e form
// when the exponent is < -4 or >= 6 (strconv's 'g' with shortest precision decides with 6), the
// exponent with at least two digits: 100000, 1e+06, 1.5e-05, +Inf, NaN.
std::string GoFloat(double value, bool single) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  const auto result =
      single ? std::to_chars(buffer, buffer + sizeof buffer, static_cast<float>(value), std::chars_format::scientific)
             : std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string_view text(buffer, static_cast<size_t>(result.ptr - buffer));  // "-d.ddde+XX"
  std::string out;
  if (text.front() == '-') {
    out = "-";
    text.remove_prefix(1);
  }
  const size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::string_view exponent_text = text.substr(e + 1);
  const bool negative_exponent = exponent_text.front() == '-';
  exponent_text.remove_prefix(1);
  std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(), exponent);
  if (negative_exponent) exponent = -exponent;

  if (exponent < -4 || exponent >= 6) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    const int magnitude = std::abs(exponent);
    out += negative_exponent ? "e-" : "e+";
    if (magnitude < 10) out += '0';
    return out + std::to_string(magnitude);
  }
  const int point = exponent + 1;  // digits before the decimal point
  const int count = static_cast<int>(digits.size());
  if (point <= 0) return out + "0." + std::string(static_cast<size_t>(-point), '0') + digits;
  if (point >= count) return out + digits + std::string(static_cast<size_t>(point - count), '0');
  return out + digits.substr(0, static_cast<size_t>(point)) + "." + digits.substr(static_cast<size_t>(point));
}

std::string SecondsNanosText(int64_t seconds, int32_t nanos) {
  std::string text;
  if (seconds != 0) text = "seconds:" + std::to_string(seconds);
  if (nanos != 0) text += (text.empty() ? "" : " ") + std::string("nanos:") + std::to_string(nanos);
  return text;
}

std::string TimestampString(const google::protobuf::Timestamp& ts) {
  constexpr int64_t kMinValidSeconds = -62135596800;  // 0001-01-01T00:00:00Z
  constexpr int64_t kMaxValidSeconds = 253402300800;  // 10000-01-01T00:00:00Z
  const std::string text = SecondsNanosText(ts.seconds(), ts.nanos());
  if (ts.seconds() < kMinValidSeconds) return "(timestamp: " + text + " before 0001-01-01)";
  if (ts.seconds() >= kMaxValidSeconds) return "(timestamp: " + text + " after 10000-01-01)";
  if (ts.nanos() < 0 || ts.nanos() >= 1000000000) return "(timestamp: " + text + ": nanos not in range [0, 1e9))";
  return GoTime(ts.seconds(), ts.nanos(), /*go_string=*/false);
}

StatusOr<std::string> GoMsgpackText(const MsgpackValue& value) {
  ASSIGN_OR_RETURN(GoValue go, ToGo(value));
  return std::move(go.text);
}

}  // namespace flyte::plugins
