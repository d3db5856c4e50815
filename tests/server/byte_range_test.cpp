#include "server/byte_range.h"

#include <doctest/doctest.h>

namespace flyte::server {
namespace {

using Kind = ByteRange::Kind;

TEST_CASE("byte range: one range is honoured, clamped to the file") {
  struct Case {
    const char* header;
    int64_t first;
    int64_t length;
  };
  for (const Case& c : {Case{"bytes=0-9", 0, 10}, Case{"bytes=10-", 10, 90}, Case{"bytes=90-500", 90, 10},
                        Case{"bytes=-5", 95, 5}, Case{"bytes=-500", 0, 100}, Case{"bytes=99-99", 99, 1}}) {
    CAPTURE(c.header);
    const ByteRange range = ParseByteRange(c.header, 100);
    CHECK(range.kind == Kind::kPart);
    CHECK(range.first == c.first);
    CHECK(range.length == c.length);
  }
}

TEST_CASE("byte range: past the end is unsatisfiable") {
  for (const char* header : {"bytes=100-", "bytes=100-200", "bytes=-0"}) {
    CAPTURE(header);
    CHECK(ParseByteRange(header, 100).kind == Kind::kUnsatisfiable);
  }
  CHECK(ParseByteRange("bytes=-5", 0).kind == Kind::kUnsatisfiable);
}

TEST_CASE("byte range: absent, malformed or several ranges give the whole file") {
  for (const char* header :
       {"", "bytes=", "bytes=a-b", "bytes=5-2", "items=0-1", "bytes=0-1,5-6", "bytes=1", "bytes=--1", "bytes= 1-2"}) {
    CAPTURE(header);
    const ByteRange range = ParseByteRange(header, 100);
    CHECK(range.kind == Kind::kWhole);
    CHECK(range.first == 0);
    CHECK(range.length == 100);
  }
}

}  // namespace
}  // namespace flyte::server
