#include "server/file_headers.h"

#include <doctest/doctest.h>

#include <string>

namespace flyte::server {
namespace {

std::string Header(const FileHeaders& headers, const std::string& name) {
  for (const auto& [key, value] : headers.extra) {
    if (key == name) return value;
  }
  return "";
}

TEST_CASE("file headers: a deck under /data/ is HTML in a sandbox of its own, with nothing fetched") {
  const FileHeaders deck = HeadersForFile("/data/metadata/p/d/x/n0/0/deck.html?expires=1&signature=abc");
  CHECK(deck.content_type == "text/html; charset=utf-8");
  const std::string policy = Header(deck, "Content-Security-Policy");
  CHECK(policy.rfind("sandbox allow-scripts ", 0) == 0);
  CHECK(policy.find("allow-same-origin") == std::string::npos);  // an opaque origin, framed or not
  CHECK(policy.find("connect-src 'none'") != std::string::npos);
  CHECK(policy.find("default-src 'none'") != std::string::npos);
  CHECK(Header(deck, "X-Content-Type-Options") == "nosniff");
}

TEST_CASE("file headers: other blobs are bytes, logs are text, both sandboxed") {
  const FileHeaders blob = HeadersForFile("/data/uploads/p/d/abc/model.pt?expires=1&signature=abc");
  CHECK(blob.content_type == "application/octet-stream");
  const FileHeaders log = HeadersForFile("/logs/p/d/x/n0/0");
  CHECK(log.content_type == "text/plain; charset=utf-8");
  // ".html" in the query (the signature) or a folder does not make a file HTML.
  CHECK(HeadersForFile("/data/a.html/b?x=.html").content_type == "application/octet-stream");
  for (const FileHeaders* headers : {&blob, &log}) {
    CHECK(Header(*headers, "Content-Security-Policy").rfind("sandbox ", 0) == 0);
    CHECK(Header(*headers, "X-Content-Type-Options") == "nosniff");
  }
}

}  // namespace
}  // namespace flyte::server
