// The S3 endpoint's decoders of request bodies (server/s3/aws_chunked.cpp, xml.cpp). Input: a
// first byte choosing the cut points, then an aws-chunked body (unsigned chunks, so the decoder's
// framing is what is explored), which is also read as the XML of a DeleteObjects or
// CompleteMultipartUpload body. Properties: decoding in any pieces gives the same bytes and
// verdict as decoding at once, and never more payload than input; the XML reader's texts are
// never longer than the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/s3/aws_chunked.h"
#include "server/s3/xml.h"

namespace {

// Decodes `body` in pieces of `piece` bytes; whether every piece decoded.
bool Decode(std::string_view body, size_t piece, std::string& out, bool& done) {
  flyte::server::s3::AwsChunkedDecoder decoder(std::nullopt);
  for (size_t at = 0; at < body.size(); at += piece) {
    if (!decoder.Decode(body.substr(at, piece), out).ok()) return false;
  }
  done = decoder.done();
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 17;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string whole, pieces;
  bool whole_done = false, pieces_done = false;
  const bool whole_ok = Decode(body, body.size() + 1, whole, whole_done);
  const bool pieces_ok = Decode(body, piece, pieces, pieces_done);
  if (whole.size() > body.size() || whole_ok != pieces_ok) abort();
  if (whole_ok && (whole != pieces || whole_done != pieces_done)) abort();
  for (const char* name : {"Object", "Key", "Part", "ETag"}) {
    auto texts = flyte::server::s3::ElementTexts(body, name);
    if (!texts.ok()) continue;
    for (const std::string& text : *texts) {
      if (text.size() > body.size()) abort();
    }
  }
  return 0;
}
