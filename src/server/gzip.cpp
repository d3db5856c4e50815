#include "server/gzip.h"

#include <zlib.h>

#include <array>

namespace flyte::server {

bool LooksGzipped(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

StatusOr<std::string> Gunzip(std::string_view gzipped, size_t max_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return absl::InternalError("cannot start gzip decoding");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gzipped.data()));
  stream.avail_in = static_cast<uInt>(gzipped.size());
  std::string out;
  std::array<char, 64 * 1024> chunk{};
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
    stream.avail_out = static_cast<uInt>(chunk.size());
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(chunk.data(), chunk.size() - stream.avail_out);
    if (out.size() > max_bytes) result = Z_MEM_ERROR;
  }
  inflateEnd(&stream);
  if (out.size() > max_bytes) return absl::ResourceExhaustedError("the request is too large once decompressed");
  if (result != Z_STREAM_END) return absl::InvalidArgumentError("the request body is not valid gzip");
  return out;
}

}  // namespace flyte::server
