#include "plugins/template_args.h"

#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>

namespace flyte::plugins {
namespace {

namespace core = flyteidl::core;

// ---------------------------------------------------------------------------------------------
// Matching `(?i){{\s*[\.$]Keyword\s*}}` by hand: the patterns are fixed and tiny, and a scanner is
// far cheaper than building regexes for every task start.

// Go's `\s` (RE2 Perl class): tab, newline, form feed, carriage return and space; not \v.
bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

size_t SkipBlanks(std::string_view text, size_t pos) {
  while (pos < text.size() && IsBlank(text[pos])) ++pos;
  return pos;
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Bytes of text[pos...] matching the ASCII letter `c` under Go's (?i), 0 if none. Go folds case by
// Unicode rules, so KELVIN SIGN (U+212A) matches k and LONG S (U+017F) matches s.
size_t MatchFolded(std::string_view text, size_t pos, char c) {
  if (pos < text.size() && AsciiLower(text[pos]) == AsciiLower(c)) return 1;
  const char lower = AsciiLower(c);
  if (lower == 'k' && text.substr(pos, 3) == "\xE2\x84\xAA") return 3;
  if (lower == 's' && text.substr(pos, 2) == "\xC5\xBF") return 2;
  return 0;
}

// Position after `{{\s*[.$]<keyword>` at `pos`, or npos.
size_t MatchOpening(std::string_view text, size_t pos, std::string_view keyword) {
  if (text.substr(pos, 2) != "{{") return std::string_view::npos;
  pos = SkipBlanks(text, pos + 2);
  if (pos >= text.size() || (text[pos] != '.' && text[pos] != '$')) return std::string_view::npos;
  ++pos;
  for (char c : keyword) {
    const size_t matched = MatchFolded(text, pos, c);
    if (matched == 0) return std::string_view::npos;
    pos += matched;
  }
  return pos;
}

// Position after `\s*}}` at `pos`, or npos.
size_t MatchClosing(std::string_view text, size_t pos) {
  pos = SkipBlanks(text, pos);
  return text.substr(pos, 2) == "}}" ? pos + 2 : std::string_view::npos;
}

// Length of `{{\s*[.$]<keyword>\s*}}` at `pos`, 0 if it does not match there.
size_t MatchKeyword(std::string_view text, size_t pos, std::string_view keyword) {
  const size_t after_keyword = MatchOpening(text, pos, keyword);
  if (after_keyword == std::string_view::npos) return 0;
  const size_t end = MatchClosing(text, after_keyword);
  return end == std::string_view::npos ? 0 : end - pos;
}

struct InputReference {
  size_t length = 0;  // 0: no match
  std::string_view name;
};

// `{{\s*[.$]Inputs\.([^}\s]+)\s*}}` at `pos`. The name cannot contain `}` or a blank, so the greedy
// run is the only candidate: no backtracking is needed to agree with the regex.
InputReference MatchInputReference(std::string_view text, size_t pos) {
  const size_t name_begin = MatchOpening(text, pos, "Inputs.");
  if (name_begin == std::string_view::npos) return {};
  size_t name_end = name_begin;
  while (name_end < text.size() && text[name_end] != '}' && !IsBlank(text[name_end])) ++name_end;
  if (name_end == name_begin) return {};
  const size_t end = MatchClosing(text, name_end);
  if (end == std::string_view::npos) return {};
  return {end - pos, text.substr(name_begin, name_end - name_begin)};
}

// Go's Regexp.ReplaceAllString for one keyword: leftmost, non-overlapping matches. (Go would also
// expand `$name` inside `value`; paths here never contain `$`, and expanding them would corrupt a
// path that did, so values are inserted verbatim.)
std::string ReplaceKeyword(std::string_view text, std::string_view keyword, std::string_view value) {
  std::string out;
  size_t copied = 0;
  for (size_t pos = text.find('{'); pos != std::string_view::npos; pos = text.find('{', pos)) {
    const size_t length = MatchKeyword(text, pos, keyword);
    if (length == 0) {
      ++pos;
      continue;
    }
    out.append(text.substr(copied, pos - copied)).append(value);
    pos += length;
    copied = pos;
  }
  if (copied == 0) return std::string(text);
  out.append(text.substr(copied));
  return out;
}

bool ContainsKeyword(std::string_view text, std::string_view keyword) {
  for (size_t pos = text.find('{'); pos != std::string_view::npos; pos = text.find('{', pos + 1)) {
    if (MatchKeyword(text, pos, keyword) != 0) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Printing values the way Go's fmt and time packages do.

// fmt's %v of a float64 (or float32 when `single`): the shortest digits that round-trip, in %e form
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

// `%v` of a google.protobuf.Timestamp/Duration in Go: the compact text format, zero fields omitted.
std::string SecondsNanosText(int64_t seconds, int32_t nanos) {
  std::string text;
  if (seconds != 0) text = "seconds:" + std::to_string(seconds);
  if (nanos != 0) text += (text.empty() ? "" : " ") + std::string("nanos:") + std::to_string(nanos);
  return text;
}

// golang/protobuf's ptypes.TimestampString: RFC 3339 with nanoseconds, or the validation error in
// parentheses for a timestamp outside [0001-01-01, 10000-01-01) or with bad nanos.
std::string TimestampString(const google::protobuf::Timestamp& ts) {
  constexpr int64_t kMinValidSeconds = -62135596800;  // 0001-01-01T00:00:00Z
  constexpr int64_t kMaxValidSeconds = 253402300800;  // 10000-01-01T00:00:00Z
  const std::string text = SecondsNanosText(ts.seconds(), ts.nanos());
  if (ts.seconds() < kMinValidSeconds) return "(timestamp: " + text + " before 0001-01-01)";
  if (ts.seconds() >= kMaxValidSeconds) return "(timestamp: " + text + " after 10000-01-01)";
  if (ts.nanos() < 0 || ts.nanos() >= 1000000000) return "(timestamp: " + text + ": nanos not in range [0, 1e9))";
  return GoTime(ts.seconds(), ts.nanos(), /*go_string=*/false);
}

// ---------------------------------------------------------------------------------------------
// MessagePack, decoded as github.com/shamaton/msgpack/v2 does into `any` and printed with %v.

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

class MsgpackDecoder {
 public:
  explicit MsgpackDecoder(std::string_view data) : data_(data) {}

  StatusOr<std::string> DecodeAll() {
    ASSIGN_OR_RETURN(GoValue value, Next(0));
    if (pos_ != data_.size()) {
      return absl::InvalidArgumentError("data has left over size=" + std::to_string(data_.size() - pos_));
    }
    return value.text;
  }

 private:
  static constexpr int kMaxDepth = 256;

  static Status Invalid(uint8_t code) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "invalid code %x decoding as interface", code);
    return absl::InvalidArgumentError(buffer);
  }

  StatusOr<std::string_view> Take(uint64_t size) {
    if (size > data_.size() - pos_) return absl::InvalidArgumentError("data length lacks");
    std::string_view bytes = data_.substr(pos_, static_cast<size_t>(size));
    pos_ += static_cast<size_t>(size);
    return bytes;
  }

  StatusOr<uint64_t> BigEndian(int size) {
    ASSIGN_OR_RETURN(std::string_view bytes, Take(static_cast<uint64_t>(size)));
    uint64_t value = 0;
    for (char c : bytes) value = (value << 8) | static_cast<uint8_t>(c);
    return value;
  }

  static GoValue Signed(int64_t value) {
    if (value >= 0) return Unsigned(static_cast<uint64_t>(value));
    return {GoKind::kNegativeInt, std::to_string(value), value, 0, 0};
  }
  static GoValue Unsigned(uint64_t value) { return {GoKind::kInt, std::to_string(value), 0, value, 0}; }
  static GoValue Float(double value, bool single) { return {GoKind::kFloat, GoFloat(value, single), 0, 0, value}; }
  static GoValue Text(GoKind kind, std::string text) { return {kind, std::move(text), 0, 0, 0}; }

  StatusOr<GoValue> Next(int depth) {
    if (depth > kMaxDepth) return absl::InvalidArgumentError("msgpack value nested too deeply");
    ASSIGN_OR_RETURN(uint64_t code_value, BigEndian(1));
    const auto code = static_cast<uint8_t>(code_value);
    if (code <= 0x7f) return Unsigned(code);
    if (code >= 0xe0) return Signed(static_cast<int8_t>(code));
    if (code >= 0xa0 && code <= 0xbf) return String(code & 0x1f);
    if (code >= 0x90 && code <= 0x9f) return Array(code & 0x0f, depth);
    if (code >= 0x80 && code <= 0x8f) return Map(code & 0x0f, depth);
    switch (code) {
      case 0xc0:
        return Text(GoKind::kNil, "<nil>");
      case 0xc2:
        return Text(GoKind::kBool, "false");
      case 0xc3:
        return Text(GoKind::kBool, "true");
      case 0xcc:
      case 0xcd:
      case 0xce:
      case 0xcf: {
        ASSIGN_OR_RETURN(uint64_t value, BigEndian(1 << (code - 0xcc)));
        return Unsigned(value);
      }
      case 0xd0:
        return SignedOfSize(1);
      case 0xd1:
        return SignedOfSize(2);
      case 0xd2:
        return SignedOfSize(4);
      case 0xd3:
        return SignedOfSize(8);
      case 0xca: {
        ASSIGN_OR_RETURN(uint64_t bits, BigEndian(4));
        const auto bits32 = static_cast<uint32_t>(bits);
        float value;
        std::memcpy(&value, &bits32, sizeof value);
        return Float(value, /*single=*/true);
      }
      case 0xcb: {
        ASSIGN_OR_RETURN(uint64_t bits, BigEndian(8));
        double value;
        std::memcpy(&value, &bits, sizeof value);
        return Float(value, /*single=*/false);
      }
      case 0xd9:
      case 0xda:
      case 0xdb: {
        ASSIGN_OR_RETURN(uint64_t size, BigEndian(1 << (code - 0xd9)));
        return String(size);
      }
      case 0xc4:
      case 0xc5:
      case 0xc6: {
        ASSIGN_OR_RETURN(uint64_t size, BigEndian(1 << (code - 0xc4)));
        return Bytes(size);
      }
      case 0xdc:
      case 0xdd: {
        ASSIGN_OR_RETURN(uint64_t size, BigEndian(code == 0xdc ? 2 : 4));
        return Array(size, depth);
      }
      case 0xde:
      case 0xdf: {
        ASSIGN_OR_RETURN(uint64_t size, BigEndian(code == 0xde ? 2 : 4));
        return Map(size, depth);
      }
      case 0xd6:
      case 0xd7:
      case 0xc7:
        return Timestamp(code);
      default:
        return Invalid(code);
    }
  }

  StatusOr<GoValue> SignedOfSize(int size) {
    ASSIGN_OR_RETURN(uint64_t bits, BigEndian(size));
    const int shift = 64 - 8 * size;  // sign-extend
    return Signed(static_cast<int64_t>(bits << shift) >> shift);
  }

  StatusOr<GoValue> String(uint64_t size) {
    ASSIGN_OR_RETURN(std::string_view bytes, Take(size));
    return Text(GoKind::kString, std::string(bytes));
  }

  // []byte prints as its numbers: "[1 2 3]".
  StatusOr<GoValue> Bytes(uint64_t size) {
    ASSIGN_OR_RETURN(std::string_view bytes, Take(size));
    std::string text = "[";
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (i > 0) text += ' ';
      text += std::to_string(static_cast<uint8_t>(bytes[i]));
    }
    return Text(GoKind::kSlice, text + "]");
  }

  StatusOr<GoValue> Array(uint64_t size, int depth) {
    if (size > data_.size() - pos_) return absl::InvalidArgumentError("data length lacks to create slice");
    std::string text = "[";
    for (uint64_t i = 0; i < size; ++i) {
      ASSIGN_OR_RETURN(GoValue element, Next(depth + 1));
      if (i > 0) text += ' ';
      text += element.text;
    }
    return Text(GoKind::kSlice, text + "]");
  }

  // map[k:v k:v] with keys sorted as fmt sorts them; a repeated key keeps its last value.
  StatusOr<GoValue> Map(uint64_t size, int depth) {
    if (size > (data_.size() - pos_) / 2) return absl::InvalidArgumentError("data length lacks to create map");
    std::vector<std::pair<GoValue, std::string>> entries;
    for (uint64_t i = 0; i < size; ++i) {
      const uint8_t key_code = pos_ < data_.size() ? static_cast<uint8_t>(data_[pos_]) : 0;
      ASSIGN_OR_RETURN(GoValue key, Next(depth + 1));
      if (key.kind == GoKind::kSlice || key.kind == GoKind::kMap) {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "can not set slice or map as map key. code: %x", key_code);
        return absl::InvalidArgumentError(buffer);
      }
      ASSIGN_OR_RETURN(GoValue value, Next(depth + 1));
      auto same = std::find_if(entries.begin(), entries.end(), [&](const auto& entry) {
        return entry.first.kind == key.kind && entry.first.text == key.text;
      });
      if (same != entries.end()) {
        same->second = std::move(value.text);
      } else {
        entries.emplace_back(std::move(key), std::move(value.text));
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

  // The timestamp extension (type -1) becomes a time.Time, printed by its String() (in UTC here;
  // Go would use the server's local zone). Other extensions are not decodable into `any`.
  StatusOr<GoValue> Timestamp(uint8_t code) {
    uint64_t size = code == 0xd6 ? 4 : 8;
    if (code == 0xc7) {
      ASSIGN_OR_RETURN(size, BigEndian(1));
      if (size != 12) return Invalid(code);
    }
    ASSIGN_OR_RETURN(uint64_t type, BigEndian(1));
    if (static_cast<int8_t>(type) != -1) return Invalid(code);
    int64_t seconds = 0;
    uint32_t nanos = 0;
    if (size == 4) {
      ASSIGN_OR_RETURN(uint64_t value, BigEndian(4));
      seconds = static_cast<int64_t>(value);
    } else if (size == 8) {
      ASSIGN_OR_RETURN(uint64_t value, BigEndian(8));
      nanos = static_cast<uint32_t>(value >> 34);
      seconds = static_cast<int64_t>(value & 0x3ffffffffULL);
    } else {
      ASSIGN_OR_RETURN(uint64_t nanos_value, BigEndian(4));
      ASSIGN_OR_RETURN(uint64_t seconds_value, BigEndian(8));
      nanos = static_cast<uint32_t>(nanos_value);
      seconds = static_cast<int64_t>(seconds_value);
    }
    if (nanos >= 1000000000) {  // time.Unix normalises
      seconds += nanos / 1000000000;
      nanos %= 1000000000;
    }
    return Text(GoKind::kTime, GoTime(seconds, static_cast<int32_t>(nanos), /*go_string=*/true));
  }

  std::string_view data_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Literal → the string template.go substitutes for {{.inputs.x}}.

constexpr std::string_view kMessagePackTag = "msgpack";

StatusOr<std::string> SerializePrimitive(const core::Primitive& primitive) {
  switch (primitive.value_case()) {
    case core::Primitive::kInteger:
      return std::to_string(primitive.integer());
    case core::Primitive::kBoolean:
      return std::string(primitive.boolean() ? "true" : "false");
    case core::Primitive::kDatetime:
      return TimestampString(primitive.datetime());
    case core::Primitive::kDuration:
      return SecondsNanosText(primitive.duration().seconds(), primitive.duration().nanos());
    case core::Primitive::kFloatValue:
      return GoFloat(primitive.float_value(), /*single=*/false);
    case core::Primitive::kStringValue:
      return primitive.string_value();
    case core::Primitive::VALUE_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("received an unexpected primitive type [<nil>]");
}

std::string ScalarTypeName(const core::Scalar& scalar) {
  switch (scalar.value_case()) {
    case core::Scalar::kNoneType:
      return "*core.Scalar_NoneType";
    case core::Scalar::kError:
      return "*core.Scalar_Error";
    case core::Scalar::kGeneric:
      return "*core.Scalar_Generic";
    case core::Scalar::kStructuredDataset:
      return "*core.Scalar_StructuredDataset";
    case core::Scalar::kUnion:
      return "*core.Scalar_Union";
    default:
      return "<nil>";
  }
}

StatusOr<std::string> SerializeScalar(const core::Scalar& scalar) {
  switch (scalar.value_case()) {
    case core::Scalar::kPrimitive:
      return SerializePrimitive(scalar.primitive());
    case core::Scalar::kBlob:
      return scalar.blob().uri();
    case core::Scalar::kSchema:
      return scalar.schema().uri();
    case core::Scalar::kBinary: {
      if (scalar.binary().tag() != kMessagePackTag) {
        return absl::InvalidArgumentError("unsupported binary tag [" + scalar.binary().tag() + "]");
      }
      StatusOr<std::string> decoded = MsgpackDecoder(scalar.binary().value()).DecodeAll();
      if (!decoded.ok()) {
        return absl::InvalidArgumentError("failed to unmarshal messagepack bytes, err:[" +
                                          std::string(decoded.status().message()) + "]");
      }
      return decoded;
    }
    default:
      return absl::InvalidArgumentError("received an unexpected scalar type [" + ScalarTypeName(scalar) + "]");
  }
}

StatusOr<std::string> SerializeLiteral(const core::Literal& literal) {
  switch (literal.value_case()) {
    case core::Literal::kScalar:
      return SerializeScalar(literal.scalar());
    case core::Literal::kCollection: {
      std::string text = "[";
      for (int i = 0; i < literal.collection().literals_size(); ++i) {
        ASSIGN_OR_RETURN(std::string element, SerializeLiteral(literal.collection().literals(i)));
        if (i > 0) text += ',';
        text += element;
      }
      return text + "]";
    }
    case core::Literal::kMap:
      return absl::InvalidArgumentError("received an unexpected primitive type [*core.Literal_Map]");
    case core::Literal::kOffloadedMetadata:
      return absl::InvalidArgumentError("received an unexpected primitive type [*core.Literal_OffloadedMetadata]");
    case core::Literal::VALUE_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("received an unexpected primitive type [<nil>]");
}

StatusOr<std::string> InputValue(std::string_view name, const core::LiteralMap& inputs) {
  const auto found = inputs.literals().find(std::string(name));
  if (found == inputs.literals().end()) {
    return absl::InvalidArgumentError("requested input is not found [" + std::string(name) + "]");
  }
  StatusOr<std::string> value = SerializeLiteral(found->second);
  if (!value.ok()) {
    return absl::InvalidArgumentError("failed to bind a value to inputName [" + std::string(name) +
                                      "]: " + std::string(value.status().message()));
  }
  return value;
}

// ReplaceAllStringFunc of the inputs regex; every failing reference is reported, as Go collects them.
StatusOr<std::string> ReplaceInputReferences(std::string_view text, const core::LiteralMap& inputs) {
  std::string out;
  std::string errors;
  size_t copied = 0;
  for (size_t pos = text.find('{'); pos != std::string_view::npos; pos = text.find('{', pos)) {
    const InputReference reference = MatchInputReference(text, pos);
    if (reference.length == 0) {
      ++pos;
      continue;
    }
    out.append(text.substr(copied, pos - copied));
    StatusOr<std::string> value = InputValue(reference.name, inputs);
    if (value.ok()) {
      out.append(*value);
    } else {
      if (!errors.empty()) errors += "; ";
      errors += "input template [" + std::string(text.substr(pos, reference.length)) +
                "]: " + std::string(value.status().message());
    }
    pos += reference.length;
    copied = pos;
  }
  if (!errors.empty()) return absl::InvalidArgumentError(errors);
  out.append(text.substr(copied));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Per-attempt values.

// flyteplugins/go/tasks/pluginmachinery/encoding: base32 with this alphabet, no padding.
std::string Base32Lowercase(const uint8_t* bytes, size_t size) {
  constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz123456";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | bytes[i];
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 0x1f];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 0x1f];
  return out;
}

uint32_t Fnv32a(std::string_view text) {
  uint32_t hash = 2166136261u;
  for (char c : text) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 16777619u;
  }
  return hash;
}

// template.go: a leading run of characters other than letters and `_` becomes "a", then every run
// of characters other than letters, digits and `_` becomes "_".
std::string PerRetryUniqueKey(std::string_view generated_name) {
  auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  auto is_alnum = [&](char c) { return is_alpha(c) || (c >= '0' && c <= '9'); };
  std::string key;
  size_t start = 0;
  while (start < generated_name.size() && !is_alpha(generated_name[start])) ++start;
  if (start > 0) key = "a";
  for (size_t i = start; i < generated_name.size(); ++i) {
    if (is_alnum(generated_name[i])) {
      key += generated_name[i];
    } else if (is_alnum(generated_name[i - 1])) {  // the first of a run; i > start as [start] is a letter
      key += '_';
    }
  }
  return key;
}

struct Substitution {
  std::string_view keyword;
  std::string value;
};

// template.go's render() order; it matters because a value may contain a later template.
std::vector<Substitution> SubstitutionsFor(const TaskAttempt& attempt) {
  return {
      {"Input", attempt.inputs_path},
      {"OutputPrefix", attempt.output_prefix},
      {"InputPrefix", attempt.input_prefix},
      {"RawOutputDataPrefix", attempt.raw_output_prefix},
      {"PrevCheckpointPrefix", attempt.prev_checkpoint_prefix.empty() ? "\"\"" : attempt.prev_checkpoint_prefix},
      {"CheckpointOutputPrefix", attempt.checkpoint_prefix},
      {"PerRetryUniqueKey", PerRetryUniqueKey(GeneratedName(attempt))},
      {"TaskTemplatePath", TaskTemplatePath(attempt)},
      // The sandbox's namespace mapping is flyteadmin's default "{{ project }}-{{ domain }}".
      {"Namespace", attempt.project + "-" + attempt.domain},
  };
}

}  // namespace

std::string GeneratedName(const TaskAttempt& attempt) {
  constexpr size_t kMaxLength = 50;  // propeller's IDMaxLength
  std::string joined;
  for (const std::string& part : {attempt.execution_name, attempt.node_id, std::to_string(attempt.attempt)}) {
    if (!joined.empty()) joined += '-';
    joined += part;
  }
  if (joined.size() <= kMaxLength) return joined;
  const uint32_t hash = Fnv32a(joined);
  const uint8_t bytes[4] = {static_cast<uint8_t>(hash >> 24), static_cast<uint8_t>(hash >> 16),
                            static_cast<uint8_t>(hash >> 8), static_cast<uint8_t>(hash)};
  return "f" + Base32Lowercase(bytes, sizeof bytes);
}

std::string TaskTemplatePath(const TaskAttempt& attempt) {
  std::string path = attempt.input_prefix;
  if (path.empty() || path.back() != '/') path += '/';
  return path + "task.pb";
}

bool ReferencesInputValues(const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    for (size_t pos = arg.find('{'); pos != std::string::npos; pos = arg.find('{', pos + 1)) {
      if (MatchInputReference(arg, pos).length != 0) return true;
    }
  }
  return false;
}

bool ReferencesTaskTemplatePath(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(),
                     [](const std::string& arg) { return ContainsKeyword(arg, "TaskTemplatePath"); });
}

StatusOr<std::vector<std::string>> RenderArgs(const std::vector<std::string>& args, const TaskAttempt& attempt,
                                              const flyteidl::core::LiteralMap* inputs) {
  const std::vector<Substitution> substitutions = SubstitutionsFor(attempt);
  std::vector<std::string> rendered;
  rendered.reserve(args.size());
  for (const std::string& arg : args) {
    std::string value = arg;
    for (const Substitution& substitution : substitutions) {
      value = ReplaceKeyword(value, substitution.keyword, substitution.value);
    }
    if (inputs != nullptr && !inputs->literals().empty()) {
      ASSIGN_OR_RETURN(value, ReplaceInputReferences(value, *inputs));
    }
    rendered.push_back(std::move(value));
  }
  return rendered;
}

}  // namespace flyte::plugins
