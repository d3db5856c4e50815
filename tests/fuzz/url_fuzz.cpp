// Percent-decoding and query strings (common/url.cpp), as the HTTP server reads every /data/ URL
// and the token endpoint's form body. Input: any text. It decodes or is refused; whatever it is,
// encoding it and decoding that gives it back; a query that parses parses to the same pairs once
// written out again. A refusal is short: it locates the bad escape, never quotes the text (which
// may be a client secret).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/url.h"

namespace {

// "parameter <64-byte name>: truncated percent escape at byte <20 digits>".
constexpr size_t kMaxMessageBytes = 140;

template <typename T>
void CheckRefusalIsShort(const flyte::StatusOr<T>& result) {
  if (!result.ok() && result.status().message().size() > kMaxMessageBytes) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckRefusalIsShort(flyte::PercentDecode(input));
  CheckRefusalIsShort(flyte::PercentDecode(input, true));
  for (const bool keep_slash : {false, true}) {
    auto decoded = flyte::PercentDecode(flyte::PercentEncode(input, keep_slash));
    if (!decoded.ok() || *decoded != input) abort();
  }
  auto query = flyte::ParseQuery(input);
  CheckRefusalIsShort(query);
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
