// The Range header of /data/ and /logs/ GETs (server/byte_range.cpp). Input: "<file size>\n<Range
// header>"; a size that does not parse is 100. Whatever the header, the reply covers bytes of the
// file only: a part lies inside it and is not empty, the whole file is the whole file.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_input.h"
#include "server/byte_range.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view size_text = flyte::fuzz::NextLine(input);
  int64_t file_size = 100;
  (void)std::from_chars(size_text.data(), size_text.data() + size_text.size(), file_size);
  if (file_size < 0) file_size = -(file_size + 1);  // a file's size is never negative
  using Kind = flyte::server::ByteRange::Kind;
  const flyte::server::ByteRange range = flyte::server::ParseByteRange(input, file_size);
  switch (range.kind) {
    case Kind::kWhole:
      if (range.first != 0 || range.length != file_size) abort();
      break;
    case Kind::kPart:
      if (range.first < 0 || range.length <= 0 || range.first >= file_size || range.length > file_size - range.first) {
        abort();
      }
      break;
    case Kind::kUnsatisfiable:
      break;
  }
  return 0;
}
