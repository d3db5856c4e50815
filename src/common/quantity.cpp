#include "common/quantity.h"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <utility>

namespace flyte {
namespace {

__extension__ using Int128 = __int128;

constexpr Int128 kNanosPerUnit = 1'000'000'000;
// 2^63 whole units, in nanos: the largest magnitude accepted.
constexpr Int128 kMaxNanos = (Int128{1} << 63) * kNanosPerUnit;

struct Suffix {
  int power_of_ten = 0;
  int power_of_two = 0;
  Quantity::Format format = Quantity::Format::kDecimalSI;
};

constexpr std::array<std::pair<std::string_view, int>, 9> kDecimalSuffixes = {
    {{"n", -9}, {"u", -6}, {"m", -3}, {"", 0}, {"k", 3}, {"M", 6}, {"G", 9}, {"T", 12}, {"P", 15}}};
constexpr std::array<std::string_view, 6> kBinarySuffixes = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

std::optional<Suffix> ParseSuffix(std::string_view text) {
  if (text == "E") return Suffix{18, 0, Quantity::Format::kDecimalSI};  // exa, not an exponent
  for (const auto& [name, power] : kDecimalSuffixes) {
    if (text == name) return Suffix{power, 0, Quantity::Format::kDecimalSI};
  }
  for (size_t i = 0; i < kBinarySuffixes.size(); ++i) {
    if (text == kBinarySuffixes[i]) return Suffix{0, 10 * static_cast<int>(i + 1), Quantity::Format::kBinarySI};
  }
  // An exponent: e or E, then a signed integer.
  if (text.size() < 2 || (text[0] != 'e' && text[0] != 'E')) return std::nullopt;
  std::string_view digits = text.substr(1);
  const bool negative = digits[0] == '-';
  if (digits[0] == '-' || digits[0] == '+') digits.remove_prefix(1);
  if (digits.empty() || digits.size() > 3) return std::nullopt;
  int exponent = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    exponent = exponent * 10 + (c - '0');
  }
  return Suffix{negative ? -exponent : exponent, 0, Quantity::Format::kDecimalExponent};
}

bool MultiplyChecked(Int128* value, Int128 factor) {
  return !__builtin_mul_overflow(*value, factor, value) && *value <= kMaxNanos;
}

std::string ToDecimal(Int128 value) {
  if (value == 0) return "0";
  const bool negative = value < 0;
  std::string digits;
  for (Int128 rest = negative ? -value : value; rest > 0; rest /= 10)
    digits.push_back(static_cast<char>('0' + rest % 10));
  if (negative) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

Int128 PowerOfTen(int exponent) {
  Int128 power = 1;
  for (int i = 0; i < exponent; ++i) power *= 10;
  return power;
}

int64_t Saturate(Int128 value) {
  if (value > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (value < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(value);
}

// Binary form: a whole number of bytes from 1024 up, as a multiple of the largest power of 1024
// that divides it ("1536Mi", "2Ki"; "1500" when none does).
std::optional<std::string> BinaryForm(Int128 nanos) {
  if (nanos % kNanosPerUnit != 0) return std::nullopt;
  Int128 units = nanos / kNanosPerUnit;
  if (units > -1024 && units < 1024) return std::nullopt;
  size_t suffix = 0;
  while (suffix < kBinarySuffixes.size() && units % 1024 == 0) {
    units /= 1024;
    ++suffix;
  }
  return ToDecimal(units) + (suffix == 0 ? std::string() : std::string(kBinarySuffixes[suffix - 1]));
}

}  // namespace

StatusOr<Quantity> Quantity::Parse(std::string_view text) {
  const auto invalid = [text](std::string_view why) {
    return absl::InvalidArgumentError("\"" + std::string(text) + "\" is not a quantity (" + std::string(why) +
                                      "): write it as Kubernetes does, e.g. 500m, 2, 64Mi, 1G, 129e6");
  };
  std::string_view rest = text;
  const bool negative = !rest.empty() && rest[0] == '-';
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) rest.remove_prefix(1);
  const auto digits_end = [](std::string_view s) {
    return static_cast<size_t>(std::find_if(s.begin(), s.end(), [](char c) { return c < '0' || c > '9'; }) - s.begin());
  };
  std::string_view whole = rest.substr(0, digits_end(rest));
  rest.remove_prefix(whole.size());
  std::string_view fraction;
  if (!rest.empty() && rest[0] == '.') {
    rest.remove_prefix(1);
    fraction = rest.substr(0, digits_end(rest));
    rest.remove_prefix(fraction.size());
  }
  if (whole.empty() && fraction.empty()) return invalid("no number");
  const std::optional<Suffix> suffix = ParseSuffix(rest);
  if (!suffix) return invalid("unknown suffix \"" + std::string(rest) + "\"");
  while (!whole.empty() && whole.front() == '0') whole.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  if (whole.size() + fraction.size() > 30) return invalid("too many digits");

  Int128 mantissa = 0;
  for (char c : whole) mantissa = mantissa * 10 + (c - '0');
  for (char c : fraction) mantissa = mantissa * 10 + (c - '0');
  // value = mantissa × 10^(power_of_ten - fraction digits) × 2^power_of_two, in nanos.
  const int scale = 9 + suffix->power_of_ten - static_cast<int>(fraction.size());
  Int128 nanos = mantissa;
  bool fits = true;
  for (int i = 0; i < suffix->power_of_two && fits; ++i) fits = MultiplyChecked(&nanos, 2);
  for (int i = 0; i < scale && fits; ++i) fits = MultiplyChecked(&nanos, 10);
  if (!fits) return invalid("too large");
  if (scale < 0) {
    // Below a nano: rounded up, as Kubernetes rounds (away from zero).
    const Int128 divisor = -scale > 38 ? std::numeric_limits<Int128>::max() : PowerOfTen(-scale);
    nanos = nanos / divisor + (nanos % divisor != 0 ? 1 : 0);
  }
  if (nanos > kMaxNanos) return invalid("too large");
  Quantity quantity;
  quantity.nanos_ = negative ? -nanos : nanos;
  quantity.format_ = suffix->format;
  return quantity;
}

int64_t Quantity::Value() const {
  const Int128 units = nanos_ / kNanosPerUnit;
  return Saturate(nanos_ % kNanosPerUnit > 0 ? units + 1 : units);
}

int64_t Quantity::NanoValue() const { return Saturate(nanos_); }

std::string Quantity::String() const {
  if (nanos_ == 0) return "0";
  if (format_ == Format::kBinarySI) {
    if (std::optional<std::string> binary = BinaryForm(nanos_)) return *binary;
  }
  // The largest power of a thousand, from nano to exa, that leaves a whole mantissa.
  int exponent = -9;
  Int128 mantissa = nanos_;
  while (exponent < 18 && mantissa % 1000 == 0) {
    mantissa /= 1000;
    exponent += 3;
  }
  if (format_ == Format::kDecimalExponent) {
    return ToDecimal(mantissa) + (exponent == 0 ? std::string() : "e" + std::to_string(exponent));
  }
  if (exponent == 18) return ToDecimal(mantissa) + "E";
  const auto named = std::find_if(kDecimalSuffixes.begin(), kDecimalSuffixes.end(),
                                  [exponent](const auto& suffix) { return suffix.second == exponent; });
  return ToDecimal(mantissa) + std::string(named->first);
}

}  // namespace flyte
