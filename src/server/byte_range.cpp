#include "server/byte_range.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>

namespace flyte::server {
namespace {

// A non-empty run of digits and nothing else.
std::optional<int64_t> Number(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

ByteRange ParseByteRange(std::string_view header, int64_t size) {
  const ByteRange whole{ByteRange::Kind::kWhole, 0, size};
  constexpr std::string_view kUnit = "bytes=";
  if (header.substr(0, kUnit.size()) != kUnit) return whole;
  header.remove_prefix(kUnit.size());
  const size_t dash = header.find('-');
  if (dash == std::string_view::npos || header.find(',') != std::string_view::npos) return whole;
  const std::string_view first_text = header.substr(0, dash);
  const std::string_view last_text = header.substr(dash + 1);
  if (first_text.empty()) {  // the last `suffix` bytes
    const auto suffix = Number(last_text);
    if (!suffix) return whole;
    if (*suffix == 0 || size == 0) return {ByteRange::Kind::kUnsatisfiable};
    const int64_t length = std::min(*suffix, size);
    return {ByteRange::Kind::kPart, size - length, length};
  }
  const auto first = Number(first_text);
  const auto last = last_text.empty() ? std::optional<int64_t>(std::numeric_limits<int64_t>::max()) : Number(last_text);
  if (!first || !last || *last < *first) return whole;
  if (*first >= size) return {ByteRange::Kind::kUnsatisfiable};
  return {ByteRange::Kind::kPart, *first, std::min(*last, size - 1) - *first + 1};
}

}  // namespace flyte::server
