#include "server/console_assets.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace flyte::server {
namespace {

// A table like the generated one: a page, a hashed script with a gzip copy, a hashed icon without.
constexpr EmbeddedAsset kTable[] = {
    {"index.html", "\"i1\"", "<!doctype html><p>console</p>", ""},
    {"assets/main-ABC123.js", "\"j1\"", "console.log(1)", "GZIPPED-JS"},
    {"assets/icon-DEF456.svg", "\"s1\"", "<svg/>", ""},
};

std::string HeaderOf(const HttpReply& reply, std::string_view name) {
  for (const auto& [key, value] : reply.headers) {
    if (key == name) return value;
  }
  return "<none>";
}

HttpReply Get(const ConsoleAssets& console, std::string_view target, std::string_view accept_encoding = "",
              std::string_view if_none_match = "") {
  return console.Serve({target, accept_encoding, if_none_match});
}

TEST_CASE("console: serves / and everything under /console, nothing else") {
  for (const char* target : {"/", "/?x=1", "/console", "/console/", "/console/projects/p?x", "/console/assets/a.js",
                             "/v2/domain/d/project/p/runs/r1"}) {
    CHECK_MESSAGE(ConsoleAssets::Serves(target), target);
  }
  for (const char* target : {"/consolex", "/api/v1/projects", "/healthz", "/logs/x", "/data/x", "/favicon.ico", "/v2",
                             "/flyteidl2.workflow.RunService/ListRuns"}) {
    CHECK_MESSAGE(!ConsoleAssets::Serves(target), target);
  }
}

TEST_CASE("console: / redirects to /console/") {
  const ConsoleAssets console(kTable);
  const HttpReply reply = Get(console, "/");
  CHECK(reply.status == 302);
  CHECK(HeaderOf(reply, "Location") == "/console/");
}

TEST_CASE("console: the run links Flyte 2's SDK prints redirect to the same path under /console") {
  const ConsoleAssets console(kTable);
  const HttpReply reply = Get(console, "/v2/domain/development/project/flytesnacks/runs/r1?action=a1");
  CHECK(reply.status == 302);
  CHECK(HeaderOf(reply, "Location") == "/console/v2/domain/development/project/flytesnacks/runs/r1?action=a1");
}

TEST_CASE("console: pages of the console get index.html, never cached (SPA fallback)") {
  const ConsoleAssets console(kTable);
  for (const char* target :
       {"/console", "/console/", "/console/index.html", "/console/select-project",
        "/console/projects/flytesnacks/domains/development/executions/abc?tab=nodes", "/console/../etc/passwd",
        "/console/projects/p/domains/d/executions/x/nodeId/n0/taskId/t/attempt/0/view/logs"}) {
    const HttpReply reply = Get(console, target, "gzip");
    CHECK_MESSAGE(reply.status == 200, target);
    CHECK_MESSAGE(reply.body == "<!doctype html><p>console</p>", target);
    CHECK_MESSAGE(reply.content_type == "text/html; charset=utf-8", target);
    CHECK_MESSAGE(HeaderOf(reply, "Cache-Control") == "no-cache", target);
  }
}

TEST_CASE("console: hashed assets are immutable, gzip when accepted, raw otherwise") {
  const ConsoleAssets console(kTable);
  HttpReply reply = Get(console, "/console/assets/main-ABC123.js", "gzip, deflate, br");
  CHECK(reply.status == 200);
  CHECK(reply.content_type == "text/javascript; charset=utf-8");
  CHECK(reply.body == "GZIPPED-JS");
  CHECK(HeaderOf(reply, "Content-Encoding") == "gzip");
  CHECK(HeaderOf(reply, "Vary") == "Accept-Encoding");
  CHECK(HeaderOf(reply, "Cache-Control") == "public, max-age=31536000, immutable");
  CHECK(HeaderOf(reply, "ETag") == "\"j1\"");
  for (const char* refused : {"", "identity", "gzip;q=0", "deflate, gzip; q=0.0", "br"}) {
    reply = Get(console, "/console/assets/main-ABC123.js", refused);
    CHECK_MESSAGE(reply.body == "console.log(1)", refused);
    CHECK_MESSAGE(HeaderOf(reply, "Content-Encoding") == "<none>", refused);
  }
  CHECK(Get(console, "/console/assets/main-ABC123.js", "*").body == "GZIPPED-JS");
  CHECK(Get(console, "/console/assets/main-ABC123.js", "gzip;q=0.5").body == "GZIPPED-JS");
  // No gzip copy (it would not be smaller): raw, without Vary.
  reply = Get(console, "/console/assets/icon-DEF456.svg", "gzip");
  CHECK(reply.body == "<svg/>");
  CHECK(reply.content_type == "image/svg+xml");
  CHECK(HeaderOf(reply, "Vary") == "<none>");
}

TEST_CASE("console: a missing asset is a 404, not the page") {
  const ConsoleAssets console(kTable);
  const HttpReply reply = Get(console, "/console/assets/main-OLD999.js", "gzip");
  CHECK(reply.status == 404);
  CHECK(reply.content_type == "text/plain; charset=utf-8");
  CHECK(HeaderOf(reply, "X-Content-Type-Options") == "nosniff");
}

TEST_CASE("console: If-None-Match with the ETag gets 304 without a body") {
  const ConsoleAssets console(kTable);
  const HttpReply reply = Get(console, "/console/assets/main-ABC123.js", "gzip", "\"x\", W/\"j1\"");
  CHECK(reply.status == 304);
  CHECK(reply.body.empty());
  CHECK(Get(console, "/console/assets/main-ABC123.js", "gzip", "\"other\"").status == 200);
}

TEST_CASE("console: every reply carries the CSP (nothing off-origin, nothing inline) and nosniff") {
  const ConsoleAssets console(kTable);
  for (const char* target : {"/console/", "/console/assets/main-ABC123.js", "/console/assets/gone.js"}) {
    const HttpReply reply = Get(console, target);
    const std::string csp = HeaderOf(reply, "Content-Security-Policy");
    CHECK_MESSAGE(csp.starts_with("default-src 'self';"), target);
    CHECK_MESSAGE(csp.find("frame-ancestors 'none'") != std::string::npos, target);
    CHECK_MESSAGE(csp.find("style-src 'self';") != std::string::npos, target);
    CHECK_MESSAGE(csp.find("unsafe") == std::string::npos, target);
    CHECK_MESSAGE(csp.find("http") == std::string::npos, target);  // no other origin named
    CHECK_MESSAGE(HeaderOf(reply, "X-Content-Type-Options") == "nosniff", target);
  }
}

TEST_CASE("console: the compiled-in table has index.html and hashed assets (or the not-built notice)") {
  bool has_index = false;
  for (const EmbeddedAsset& asset : EmbeddedConsoleAssets()) {
    has_index = has_index || asset.path == "index.html";
    CHECK_MESSAGE(asset.etag.starts_with("\""), asset.path);
    CHECK_MESSAGE((asset.gzip.empty() || asset.gzip.starts_with("\x1f\x8b")), asset.path);
  }
  CHECK(has_index);
  const ConsoleAssets console(EmbeddedConsoleAssets());
  const HttpReply page = Get(console, "/console/projects/p/domains/d/executions/x");
  CHECK(page.status == 200);
  CHECK(page.body.find("<!doctype html>") != std::string::npos);
}

TEST_CASE("console: console.dir serves a folder from disk, re-read at each request, never immutable") {
  const auto dir = std::filesystem::temp_directory_path() / ("console-dir-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "assets");
  auto write = [&](const std::string& name, const std::string& text) { std::ofstream(dir / name) << text; };
  write("index.html", "<!doctype html>v1");
  write("assets/main-X.js", "js");
  const ConsoleAssets console(dir);
  CHECK(Get(console, "/console/projects/p").body == "<!doctype html>v1");
  write("index.html", "<!doctype html>v2");
  CHECK(Get(console, "/console/").body == "<!doctype html>v2");
  const HttpReply script = Get(console, "/console/assets/main-X.js", "gzip");
  CHECK(script.body == "js");
  CHECK(HeaderOf(script, "Cache-Control") == "no-cache");
  CHECK(HeaderOf(script, "Content-Encoding") == "<none>");
  CHECK(Get(console, "/console/assets/../../etc/passwd").status == 404);
  CHECK(Get(console, "/console/assets/missing.js").status == 404);
  std::filesystem::remove(dir / "index.html");
  CHECK(Get(console, "/console/").status == 404);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace flyte::server
