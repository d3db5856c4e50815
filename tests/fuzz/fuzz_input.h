// Splitting a fuzz input into the fields a target feeds its decoder.
#pragma once

#include <cstddef>
#include <string_view>

namespace flyte::fuzz {

// The text up to the first '\n' (all of it when there is none), removed from `input` with the '\n'.
inline std::string_view NextLine(std::string_view& input) {
  const size_t end = input.find('\n');
  const std::string_view line = input.substr(0, end);
  input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
  return line;
}

}  // namespace flyte::fuzz
