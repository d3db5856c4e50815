#include "common/log_format.h"

#include <doctest/doctest.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <string>
#include <vector>

namespace flyte::log {
namespace {

using std::chrono::milliseconds;

// 2026-11-29T06:49:15.123Z
const std::chrono::system_clock::time_point kTime{milliseconds(1795934955123)};

std::string Line(Format format, std::string_view message, std::vector<Field> fields = {},
                 std::string_view request_id = "", const Redactor& redactor = Redactor()) {
  return FormatEvent({kTime, Level::kWarn, "server", message, request_id, fields}, format, redactor);
}

// The line parsed as a JSON object (protobuf's parser: strict, refuses invalid UTF-8).
google::protobuf::Struct ParseJson(const std::string& line) {
  google::protobuf::Struct object;
  REQUIRE(line.ends_with("}\n"));
  const auto status = google::protobuf::util::JsonStringToMessage(line.substr(0, line.size() - 1), &object);
  REQUIRE_MESSAGE(status.ok(), line);
  return object;
}

TEST_CASE("a text event is one logfmt line with time, level, component, message and fields") {
  CHECK(Line(Format::kText, "request done",
             {{"method", "/flyteidl.service.AdminService/ListProjects"},
              {"code", "OK"},
              {"duration_ms", 1.25},
              {"count", 3},
              {"cached", true}},
             "abc-1") ==
        "time=2026-11-29T06:49:15.123Z level=warn component=server msg=\"request done\" request_id=abc-1 "
        "method=/flyteidl.service.AdminService/ListProjects code=OK duration_ms=1.250 count=3 cached=true\n");
}

TEST_CASE("text values with spaces, quotes, newlines or control bytes are quoted and escaped on one line") {
  const std::string line =
      Line(Format::kText, "two\nlines",
           {{"path", "a \"b\"=c\\d"}, {"empty", ""}, {"bytes", std::string_view("\x01\xff\t", 3)}});
  CHECK(line.find('\n') == line.size() - 1);
  CHECK(line.find("msg=\"two\\nlines\"") != std::string::npos);
  CHECK(line.find("path=\"a \\\"b\\\"=c\\\\d\"") != std::string::npos);
  CHECK(line.find("empty=\"\"") != std::string::npos);
  CHECK(line.find("bytes=\"\\x01\\xff\\t\"") != std::string::npos);
  CHECK(Line(Format::kText, "caf\xC3\xA9").find("msg=\"caf\xC3\xA9\"") != std::string::npos);
}

TEST_CASE("a JSON event is one valid JSON object whatever its text holds") {
  const std::string line = Line(Format::kJson, "quote \" backslash \\ newline \n tab \t bell \x07 broken \xC3 end",
                                {{"count", int64_t{-7}},
                                 {"size", uint64_t{18446744073709551615u}},
                                 {"ok", false},
                                 {"ms", 0.5},
                                 {"key with space", "v"}},
                                "id-9");
  CHECK(line.find('\n') == line.size() - 1);
  const google::protobuf::Struct object = ParseJson(line);
  const auto& fields = object.fields();
  CHECK(fields.at("time").string_value() == "2026-11-29T06:49:15.123Z");
  CHECK(fields.at("level").string_value() == "warn");
  CHECK(fields.at("component").string_value() == "server");
  CHECK(fields.at("msg").string_value() == "quote \" backslash \\ newline \n tab \t bell \x07 broken \xEF\xBF\xBD end");
  CHECK(fields.at("request_id").string_value() == "id-9");
  CHECK(fields.at("count").number_value() == -7);
  CHECK(fields.at("ok").bool_value() == false);
  CHECK(fields.at("ms").number_value() == 0.5);
  CHECK(fields.at("key_with_space").string_value() == "v");
  CHECK(line.find("\"size\":18446744073709551615") != std::string::npos);
}

TEST_CASE("no event shows a credential, a known secret or a signed URL's query string") {
  const std::string jwt =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjaSIsImV4cCI6MTc5NTkzNDk1NX0.c2lnbmF0dXJlLWJ5dGVz";
  const std::string signing_key(32, '\x9c');
  const Redactor redactor({"the-client-secret-42", "static-token-for-ci", signing_key});
  const std::vector<std::string> leaks{
      "the-client-secret-42", "static-token-for-ci", jwt,      signing_key, "c2lnbmF0dXJlLWJ5dGVz",
      "expires=1795934955",   "deadbeefcafe",        "hunter2"};
  for (Format format : {Format::kText, Format::kJson}) {
    const std::string line =
        Line(format,
             "call with authorization: Bearer " + jwt +
                 " fetched http://localhost:30080/data/o/p/x?expires=1795934955&"
                 "signature=deadbeefcafe then POST grant_type=client_credentials&client_secret=hunter2 using " +
                 jwt + " and the-client-secret-42",
             {{"authorization", "Bearer static-token-for-ci"},
              {"flyte-authorization", "whatever"},
              {"client_secret", "hunter2"},
              {"signing_key", signing_key},
              {"url", "/data/o/p/x?expires=1795934955&signature=deadbeefcafe"},
              {"note", "token static-token-for-ci in a sentence"},
              {"header", "Basic Y2k6aHVudGVyMg=="}},
             "", redactor);
    INFO(line);
    for (const std::string& leak : leaks) CHECK(line.find(leak) == std::string::npos);
    CHECK(line.find("Y2k6aHVudGVyMg") == std::string::npos);
    // What is not secret stays readable.
    CHECK(line.find("/data/o/p/x?[redacted]") != std::string::npos);
    CHECK(line.find("grant_type=client_credentials") != std::string::npos);
    CHECK(line.find("Bearer [redacted]") != std::string::npos);
  }
}

TEST_CASE("redaction leaves ordinary text alone") {
  const Redactor redactor;
  CHECK(redactor.Text("execution f1a2 of lp.v1 succeeded? yes = fine") ==
        "execution f1a2 of lp.v1 succeeded? yes = fine");
  CHECK(redactor.Text("/api/v1/projects") == "/api/v1/projects");
  CHECK(redactor.Text("phase=SUCCEEDED") == "phase=SUCCEEDED");
}

TEST_CASE("levels and formats parse from their config names") {
  CHECK(ParseLevel("debug") == Level::kDebug);
  CHECK(ParseLevel("warn") == Level::kWarn);
  CHECK_FALSE(ParseLevel("verbose").has_value());
  CHECK(ParseFormat("json") == Format::kJson);
  CHECK_FALSE(ParseFormat("yaml").has_value());
  CHECK(LevelName(Level::kError) == "error");
}

}  // namespace
}  // namespace flyte::log
