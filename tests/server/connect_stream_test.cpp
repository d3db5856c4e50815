#include <doctest/doctest.h>
#include <flyteidl2/project/project_service.pb.h>

#include <chrono>
#include <string>

#include "fakes/gzip.h"
#include "server/connect.h"
#include "server/connect_envelope.h"

namespace flyte::server {
namespace {

namespace project = flyteidl2::project;
using testing::Gzip;

constexpr size_t kStreamLimit = 1 << 20;
constexpr char kPath[] = "/flyteidl2.project.ProjectService/ListProjects";

std::string Payload(const std::string& envelope) { return envelope.substr(kEnvelopeHeaderBytes); }

TEST_CASE("connect envelopes: a flags byte, a big-endian length, the payload") {
  const std::string envelope = Envelope(std::string(300, 'x'));
  REQUIRE(envelope.size() == 305);
  CHECK(envelope.substr(0, 5) == std::string("\x00\x00\x00\x01\x2c", 5));
  CHECK(Envelope("", kEnvelopeEndStream) == std::string("\x02\x00\x00\x00\x00", 5));
}

TEST_CASE("connect envelopes: the end of a stream is {} or its error with Connect's code name") {
  const std::string ok = EndStreamEnvelope(absl::OkStatus());
  CHECK(ok[0] == kEnvelopeEndStream);
  CHECK(Payload(ok) == "{}");
  CHECK(Payload(EndStreamEnvelope(absl::NotFoundError("run r1 not found"))) ==
        R"({"error":{"code":"not_found","message":"run r1 not found"}})");
  CHECK(Payload(EndStreamEnvelope(absl::UnimplementedError("no"))) ==
        R"({"error":{"code":"unimplemented","message":"no"}})");
  CHECK(Payload(EndStreamEnvelope(absl::DeadlineExceededError("late"))) ==
        R"({"error":{"code":"deadline_exceeded","message":"late"}})");
  CHECK(Payload(EndStreamEnvelope(absl::UnavailableError("bye"))) ==
        R"({"error":{"code":"unavailable","message":"bye"}})");
}

TEST_CASE("connect envelopes: a request's one message, plain or gzipped as its envelope's flag says") {
  CHECK(*RequestMessage(Envelope("hello"), "", kStreamLimit) == "hello");
  CHECK(*RequestMessage(Envelope(Gzip("hello"), kEnvelopeCompressed), "gzip", kStreamLimit) == "hello");
  // Compressed with nothing saying how, or how we do not know.
  CHECK(absl::IsUnimplemented(RequestMessage(Envelope(Gzip("hello"), kEnvelopeCompressed), "", kStreamLimit).status()));
  CHECK(absl::IsUnimplemented(RequestMessage(Envelope("x", kEnvelopeCompressed), "br", kStreamLimit).status()));
  // Not one whole envelope.
  CHECK(absl::IsInvalidArgument(RequestMessage("abc", "", kStreamLimit).status()));
  CHECK(absl::IsInvalidArgument(RequestMessage(Envelope("hello").substr(0, 7), "", kStreamLimit).status()));
  CHECK(absl::IsInvalidArgument(RequestMessage(Envelope("a") + Envelope("b"), "", kStreamLimit).status()));
  CHECK(absl::IsInvalidArgument(RequestMessage(Envelope("{}", kEnvelopeEndStream), "", kStreamLimit).status()));
  // Past the limit, inflated or not.
  CHECK(absl::IsResourceExhausted(
      RequestMessage(Envelope(Gzip(std::string(100, 'z')), kEnvelopeCompressed), "gzip", 50).status()));
  CHECK(absl::IsResourceExhausted(RequestMessage(Envelope(std::string(100, 'z')), "", 50).status()));
}

// A stream of the names of `count` projects, one batch per Next, ending after `batches`; it
// polls every `poll` ms (0: it waits for wakes).
class ProjectNames final : public admin::ReplyStream<project::ListProjectsResponse> {
 public:
  ProjectNames(int batches, int poll) : batches_(batches), poll_(poll) {}
  Status Next(std::vector<project::ListProjectsResponse>* replies, bool* ended) override {
    replies->emplace_back().mutable_projects()->add_projects()->set_id("p" + std::to_string(sent_++));
    *ended = sent_ == batches_;
    return absl::OkStatus();
  }
  std::chrono::milliseconds PollInterval() const override { return std::chrono::milliseconds(poll_); }

 private:
  int batches_;
  int poll_;
  int sent_ = 0;
};

// ListProjects as a stream: `limit` batches, polled every `token` ms (none when empty).
ConnectRouter StreamRouter() {
  ConnectRouter router;
  router.AddStream<project::ListProjectsRequest, project::ListProjectsResponse>(
      "flyteidl2.project.ProjectService/ListProjects",
      [](const project::ListProjectsRequest& request,
         admin::StreamWake) -> StatusOr<std::unique_ptr<admin::ReplyStream<project::ListProjectsResponse>>> {
        if (request.limit() == 0) return absl::InvalidArgumentError("say how many");
        return std::make_unique<ProjectNames>(static_cast<int>(request.limit()), std::stoi("0" + request.token()));
      });
  return router;
}

ConnectRequest StreamCall(const std::string& content_type, const std::string& envelope, const std::string& path = kPath,
                          const std::string& message_encoding = "") {
  return {path, content_type, "", envelope, message_encoding};
}

TEST_CASE("connect streams: each message goes out in its own envelope, in the request's codec") {
  project::ListProjectsRequest request;
  request.set_limit(2);
  auto call = StreamRouter().OpenStream(
      StreamCall("application/connect+proto", Envelope(Gzip(request.SerializeAsString()), kEnvelopeCompressed), kPath,
                 "gzip"),
      kStreamLimit, [] {});
  REQUIRE(call.ok());
  CHECK(call->poll_interval().count() == 0);  // woken only
  std::string envelopes;
  bool ended = false;
  REQUIRE(call->NextEnvelopes(&envelopes, &ended).ok());
  CHECK_FALSE(ended);
  REQUIRE(call->NextEnvelopes(&envelopes, &ended).ok());
  CHECK(ended);
  // Two envelopes, each a ListProjectsResponse.
  project::ListProjectsResponse first;
  project::ListProjectsResponse second;
  const size_t first_size = static_cast<unsigned char>(envelopes[4]);
  REQUIRE(first.ParseFromString(envelopes.substr(5, first_size)));
  REQUIRE(second.ParseFromString(envelopes.substr(10 + first_size)));
  CHECK(first.projects().projects(0).id() == "p0");
  CHECK(second.projects().projects(0).id() == "p1");

  auto json = StreamRouter().OpenStream(StreamCall("application/connect+json", Envelope(R"({"limit": 1})")),
                                        kStreamLimit, [] {});
  REQUIRE(json.ok());
  envelopes.clear();
  REQUIRE(json->NextEnvelopes(&envelopes, &ended).ok());
  CHECK(ended);
  CHECK(Payload(envelopes) == R"({"projects":{"projects":[{"id":"p0"}]}})");
}

TEST_CASE("connect streams: a stream that polls says how often, for the transport to call it again") {
  project::ListProjectsRequest request;
  request.set_limit(1);
  request.set_token("250");
  auto call = StreamRouter().OpenStream(StreamCall("application/connect+proto", Envelope(request.SerializeAsString())),
                                        kStreamLimit, [] {});
  REQUIRE(call.ok());
  CHECK(call->poll_interval() == std::chrono::milliseconds(250));
}

TEST_CASE("connect streams: refusals are errors by code, an unserved stream is unimplemented") {
  const auto refused =
      StreamRouter().OpenStream(StreamCall("application/connect+json", Envelope("{}")), kStreamLimit, [] {});
  CHECK(absl::IsInvalidArgument(refused.status()));
  CHECK(absl::IsUnimplemented(
      StreamRouter()
          .OpenStream(StreamCall("application/connect+proto", Envelope(""), "/flyteidl2.workflow.RunService/WatchRuns"),
                      kStreamLimit, [] {})
          .status()));
  CHECK(absl::IsInvalidArgument(
      StreamRouter().OpenStream(StreamCall("application/connect+xml", Envelope("")), kStreamLimit, [] {}).status()));
  CHECK(absl::IsInvalidArgument(
      StreamRouter().OpenStream(StreamCall("application/connect+proto", "junk"), kStreamLimit, [] {}).status()));
  CHECK(IsConnectStream("application/connect+proto"));
  CHECK(IsConnectStream("Application/Connect+JSON; charset=utf-8"));
  CHECK_FALSE(IsConnectStream("application/proto"));
}

}  // namespace
}  // namespace flyte::server
