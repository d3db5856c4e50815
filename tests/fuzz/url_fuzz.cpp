// Percent-decoding and query strings (common/url.cpp), as the HTTP server reads every /data/ URL
// and the token endpoint's form body. Input: any text. It decodes or is refused; whatever it is,
// encoding it and decoding that gives it back; a query that parses parses to the same pairs once
// written out again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)flyte::PercentDecode(input);
  (void)flyte::PercentDecode(input, true);
  for (const bool keep_slash : {false, true}) {
    auto decoded = flyte::PercentDecode(flyte::PercentEncode(input, keep_slash));
    if (!decoded.ok() || *decoded != input) abort();
  }
  auto query = flyte::ParseQuery(input);
  if (!query.ok()) return 0;
  std::string written;
  for (const auto& [key, value] : *query) {
    written +=
        (written.empty() ? "" : "&") + flyte::PercentEncode(key, false) + "=" + flyte::PercentEncode(value, false);
  }
  auto reparsed = flyte::ParseQuery(written);
  if (!reparsed.ok() || *reparsed != *query) abort();
  return 0;
}
