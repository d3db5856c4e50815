// Flyte 2's logs: the line reader over a growing file, DataProxyService/TailLogs over a real run
// store (lines in batches, followed while the attempt runs, ended once it has and its log is
// read), logs_available in the action's details, and CreateDownloadLink for a report.
#include <doctest/doctest.h>

#include <flyteidl2/common/phase.pb.h>

#include <fstream>

#include "admin/log_lines.h"
#include "admin/v2_actions.h"
#include "admin/v2_logs.h"
#include "fakes/v2_runs_fixture.h"

namespace flyte::admin {
namespace {

namespace common2 = flyteidl2::common;
namespace dataproxy = flyteidl2::dataproxy;
using testing::V2Runs;

void Append(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::app) << text;
}

TEST_CASE("log lines: complete lines only until the writer is done, then the last one too") {
  testing::TempDir dir;
  const auto file = dir.path() / "task.log";
  LogLineReader reader(file);
  auto read = reader.Read(1024, false);  // no file yet: nothing, not an error
  REQUIRE(read.ok());
  CHECK(read->lines.empty());
  CHECK(read->modified_ms == 0);

  Append(file, "one\ntwo\nthr");
  read = reader.Read(1024, false);
  REQUIRE(read.ok());
  CHECK(read->lines == std::vector<std::string>{"one", "two"});
  CHECK(read->modified_ms > 0);
  Append(file, "ee\nfou");
  CHECK(reader.Read(1024, false)->lines == std::vector<std::string>{"three"});
  CHECK(reader.Read(1024, false)->lines.empty());
  CHECK(reader.Read(1024, true)->lines == std::vector<std::string>{"fou"});
  CHECK(reader.Read(1024, true)->lines.empty());  // read once only
}

TEST_CASE("log lines: reads are bounded, and a line longer than the cap is cut") {
  testing::TempDir dir;
  const auto file = dir.path() / "task.log";
  LogLineReader reader(file, /*max_line_bytes=*/8);
  Append(file, "0123456789abcdef\nshort\n" + std::string(100, 'x'));
  auto read = reader.Read(10, false);
  REQUIRE(read.ok());
  CHECK(read->more);
  CHECK(read->lines.empty());  // 10 bytes: the long line has not ended
  read = reader.Read(10, false);
  CHECK(read->lines == std::vector<std::string>{"01234567"});  // cut at 8, its rest dropped
  read = reader.Read(1000, true);
  CHECK_FALSE(read->more);
  CHECK(read->lines == std::vector<std::string>{"short", "xxxxxxxx"});
}

struct V2Logs : V2Runs {
  V2Logs() { actions.logs_dir = dir.path() / "logs"; }

  store::ActionKey NewRun() {
    auto run = Create(Request());
    REQUIRE(run.ok());
    return KeyOf(run->action().id());
  }

  static dataproxy::TailLogsRequest TailRequest(const store::ActionKey& key, uint32_t attempt = 0) {
    dataproxy::TailLogsRequest request;
    IdOf(key, request.mutable_action_id());
    request.set_attempt(attempt);
    return request;
  }

  static std::vector<std::string> Messages(const std::vector<dataproxy::TailLogsResponse>& replies) {
    std::vector<std::string> messages;
    for (const auto& reply : replies) {
      for (const auto& logs : reply.logs()) {
        for (const auto& line : logs.lines()) messages.push_back(line.message());
      }
    }
    return messages;
  }

  void Enter(const store::ActionKey& key, int64_t phase, bool ends = false) {
    REQUIRE(
        stores.runs
            ->Transition(
                key, {.attempt = 1, .phase = phase, .ends_attempt = ends, .ends_action = ends, .at = clock.NowMillis()})
            .ok());
  }
};

TEST_CASE_FIXTURE(V2Logs, "v2 logs: TailLogs sends the log, follows it while the attempt runs, ends after it") {
  const store::ActionKey key = NewRun();
  int wakes = 0;
  auto tail = admin->v2_data_proxy().TailLogs(TailRequest(key), [&wakes] { ++wakes; });
  REQUIRE(tail.ok());
  CHECK((*tail)->PollInterval().count() > 0);  // a file announces nothing: the transport polls

  std::vector<dataproxy::TailLogsResponse> replies;
  bool ended = true;
  REQUIRE((*tail)->Next(&replies, &ended).ok());  // not started: no log yet
  CHECK(replies.empty());
  CHECK_FALSE(ended);

  Enter(key, common2::ACTION_PHASE_INITIALIZING);
  CHECK(wakes == 1);  // the feed's notice of the action
  const auto file = actions.AttemptLog(key, 1);
  CHECK(file == dir.path() / "logs/v2" / key.project / key.domain / key.run / "a0/1/task.log");
  Append(file, "hello\nwor");
  REQUIRE((*tail)->Next(&replies, &ended).ok());
  CHECK(Messages(replies) == std::vector<std::string>{"hello\n"});
  CHECK_FALSE(ended);
  REQUIRE(replies.size() == 1);
  const auto& line = replies[0].logs(0).lines(0);
  CHECK(line.originator() == flyteidl2::logs::dataplane::USER);
  CHECK(line.timestamp().seconds() > 0);

  replies.clear();
  Append(file, "ld\nbye");  // the last line without its newline
  Enter(key, common2::ACTION_PHASE_SUCCEEDED, /*ends=*/true);
  REQUIRE((*tail)->Next(&replies, &ended).ok());
  CHECK(Messages(replies) == std::vector<std::string>{"world\n", "bye\n"});
  CHECK(ended);
}

TEST_CASE_FIXTURE(V2Logs, "v2 logs: a large log goes out in bounded batches, the stream waking itself for the rest") {
  const store::ActionKey key = NewRun();
  Enter(key, common2::ACTION_PHASE_INITIALIZING);
  Enter(key, common2::ACTION_PHASE_FAILED, /*ends=*/true);
  std::string log;
  for (int i = 0; i < 25; ++i) log += "line " + std::to_string(i) + "\n";  // 190 bytes
  Append(actions.AttemptLog(key, 1), log);
  int wakes = 0;
  auto tail = TailAttemptLog(*stores.runs, key, 1, actions.AttemptLog(key, 1), [&wakes] { ++wakes; },
                             {.lines_per_reply = 4, .bytes_per_next = 100});
  std::vector<std::string> messages;
  bool ended = false;
  int calls = 0;
  while (!ended && calls < 10) {
    std::vector<dataproxy::TailLogsResponse> replies;
    REQUIRE(tail->Next(&replies, &ended).ok());
    for (const auto& reply : replies) CHECK(reply.logs(0).lines_size() <= 4);
    for (auto& message : Messages(replies)) messages.push_back(message);
    ++calls;
  }
  CHECK(ended);
  CHECK(calls == 2);  // 100 bytes a call
  CHECK(wakes == calls - 1);
  REQUIRE(messages.size() == 25);
  CHECK(messages.front() == "line 0\n");
  CHECK(messages.back() == "line 24\n");
}

TEST_CASE_FIXTURE(V2Logs, "v2 logs: unknown actions and attempts not started are NOT_FOUND; 0 is the last attempt") {
  const store::ActionKey key = NewRun();
  store::ActionKey unknown = key;
  unknown.name = "nope";
  CHECK(absl::IsNotFound(admin->v2_data_proxy().TailLogs(TailRequest(unknown), [] {}).status()));
  CHECK(absl::IsNotFound(admin->v2_data_proxy().TailLogs(TailRequest(key, 2), [] {}).status()));
  CHECK(absl::IsInvalidArgument(admin->v2_data_proxy().TailLogs(dataproxy::TailLogsRequest(), [] {}).status()));

  // A retry: attempt 1 has ended, so its tail ends once read; attempt 0 follows attempt 2.
  Enter(key, common2::ACTION_PHASE_INITIALIZING);
  REQUIRE(
      stores.runs
          ->Transition(
              key, {.attempt = 1, .phase = common2::ACTION_PHASE_FAILED, .ends_attempt = true, .at = clock.NowMillis()})
          .ok());
  REQUIRE(
      stores.runs->Transition(key, {.attempt = 2, .phase = common2::ACTION_PHASE_INITIALIZING, .at = clock.NowMillis()})
          .ok());
  Append(actions.AttemptLog(key, 1), "first\n");
  Append(actions.AttemptLog(key, 2), "second\n");
  std::vector<dataproxy::TailLogsResponse> replies;
  bool ended = false;
  auto first = admin->v2_data_proxy().TailLogs(TailRequest(key, 1), [] {});
  REQUIRE(first.ok());
  REQUIRE((*first)->Next(&replies, &ended).ok());
  CHECK(Messages(replies) == std::vector<std::string>{"first\n"});
  CHECK(ended);
  replies.clear();
  auto last = admin->v2_data_proxy().TailLogs(TailRequest(key), [] {});
  REQUIRE(last.ok());
  REQUIRE((*last)->Next(&replies, &ended).ok());
  CHECK(Messages(replies) == std::vector<std::string>{"second\n"});
  CHECK_FALSE(ended);
}

TEST_CASE_FIXTURE(V2Logs, "v2 logs: an attempt's logs are available once it was launched") {
  const store::ActionKey key = NewRun();
  const auto available = [&] {
    flyteidl2::workflow::GetActionDetailsRequest request;
    IdOf(key, request.mutable_action_id());
    flyteidl2::workflow::GetActionDetailsResponse reply;
    REQUIRE(runs.GetActionDetails(request, &reply).ok());
    REQUIRE(reply.details().attempts_size() == 1);
    return reply.details().attempts(0).logs_available();
  };
  CHECK_FALSE(available());
  Enter(key, common2::ACTION_PHASE_INITIALIZING);
  CHECK(available());
}

TEST_CASE_FIXTURE(V2Logs, "v2 logs: CreateDownloadLink signs an attempt's report when it wrote one") {
  const store::ActionKey key = NewRun();
  dataproxy::CreateDownloadLinkRequest request;
  request.set_artifact_type(dataproxy::ARTIFACT_TYPE_REPORT);
  IdOf(key, request.mutable_action_attempt_id()->mutable_action_id());
  request.mutable_action_attempt_id()->set_attempt(1);
  dataproxy::CreateDownloadLinkResponse reply;
  REQUIRE(admin->v2_data_proxy().CreateDownloadLink(request, &reply).ok());
  CHECK(reply.pre_signed_urls().signed_url_size() == 0);  // no report: the SDK says there is none

  const std::string report_key = "v2/" + key.project + "/" + key.domain + "/" + key.run + "/a0/1/report.html";
  REQUIRE(blobs->Put(report_key, "<html>report</html>").ok());
  REQUIRE(admin->v2_data_proxy().CreateDownloadLink(request, &reply).ok());
  REQUIRE(reply.pre_signed_urls().signed_url_size() == 1);
  CHECK(reply.pre_signed_urls().signed_url(0).starts_with("http://localhost:1/data/" + report_key + "?"));
  CHECK(reply.pre_signed_urls().expires_at().seconds() > 0);

  request.set_artifact_type(dataproxy::ARTIFACT_TYPE_CODE_BUNDLE);
  CHECK(absl::IsInvalidArgument(admin->v2_data_proxy().CreateDownloadLink(request, &reply)));
  request.set_artifact_type(dataproxy::ARTIFACT_TYPE_REPORT);
  request.mutable_action_attempt_id()->set_attempt(3);
  CHECK(absl::IsNotFound(admin->v2_data_proxy().CreateDownloadLink(request, &reply)));
}

}  // namespace
}  // namespace flyte::admin
