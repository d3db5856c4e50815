#include "server/connect.h"

#include <doctest/doctest.h>
#include <flyteidl2/project/project_service.pb.h>

#include <string>

#include "fakes/gzip.h"

namespace flyte::server {
namespace {

namespace project = flyteidl2::project;
using testing::Gzip;

constexpr size_t kUnaryLimit = 1 << 20;

// A router serving GetProject: project "known" exists, anything else is not found.
ConnectRouter Router() {
  ConnectRouter router;
  router.Add<project::GetProjectRequest, project::GetProjectResponse>(
      "flyteidl2.project.ProjectService/GetProject",
      [](const project::GetProjectRequest& request, project::GetProjectResponse* reply) -> Status {
        if (request.id() != "known") return absl::NotFoundError("project " + request.id() + " not found");
        reply->mutable_project()->set_id(request.id());
        reply->mutable_project()->set_name("Known \"one\"");
        return absl::OkStatus();
      });
  return router;
}

ConnectRequest Call(const std::string& id, const std::string& encoding = "gzip") {
  project::GetProjectRequest request;
  request.set_id(id);
  const std::string body = request.SerializeAsString();
  return {"/flyteidl2.project.ProjectService/GetProject", "application/proto", encoding,
          encoding == "gzip" ? Gzip(body) : body};
}

TEST_CASE("connect: a gzipped binary request gets its reply as binary protobuf") {
  const HttpReply reply = Router().Handle(Call("known"), kUnaryLimit);
  CHECK(reply.status == 200);
  CHECK(reply.content_type == "application/proto");
  project::GetProjectResponse parsed;
  REQUIRE(parsed.ParseFromString(reply.body));
  CHECK(parsed.project().id() == "known");
}

TEST_CASE("connect: a body marked gzip without gzip's magic bytes is taken as it is") {
  ConnectRequest call = Call("known", "identity");
  call.content_encoding = "gzip";
  CHECK(Router().Handle(call, kUnaryLimit).status == 200);
}

TEST_CASE("connect: JSON in, JSON out, in protobuf's canonical JSON") {
  const HttpReply reply = Router().Handle(
      {"/flyteidl2.project.ProjectService/GetProject", "application/json; charset=utf-8", "", R"({"id":"known"})"},
      kUnaryLimit);
  CHECK(reply.status == 200);
  CHECK(reply.content_type == "application/json");
  CHECK(reply.body.find(R"("id":"known")") != std::string::npos);
}

TEST_CASE("connect: errors are JSON with Connect's code names and HTTP statuses") {
  const ConnectRouter router = Router();
  const HttpReply missing = router.Handle(Call("other"), kUnaryLimit);
  CHECK(missing.status == 404);
  CHECK(missing.content_type == "application/json");
  CHECK(missing.body == R"({"code":"not_found","message":"project other not found"})");

  ConnectRequest unknown = Call("known");
  unknown.path = "/flyteidl2.workflow.RunService/ListRuns";
  const HttpReply unimplemented = router.Handle(unknown, kUnaryLimit);
  CHECK(unimplemented.status == 501);
  CHECK(unimplemented.body.find(R"("code":"unimplemented")") != std::string::npos);

  ConnectRequest corrupt = Call("known");
  corrupt.body = corrupt.body.substr(0, corrupt.body.size() / 2);
  const HttpReply bad_gzip = router.Handle(corrupt, kUnaryLimit);
  CHECK(bad_gzip.status == 400);
  CHECK(bad_gzip.body.find(R"("code":"invalid_argument")") != std::string::npos);

  ConnectRequest form = Call("known", "identity");
  form.content_type = "text/plain";  // what a cross-site page can send without asking
  const HttpReply refused = router.Handle(form, kUnaryLimit);
  CHECK(refused.status == 415);
}

TEST_CASE("connect: a body larger than the limit once decompressed is refused") {
  project::GetProjectRequest request;
  request.set_id(std::string(4096, 'a'));
  const HttpReply reply = Router().Handle(
      {"/flyteidl2.project.ProjectService/GetProject", "application/proto", "gzip", Gzip(request.SerializeAsString())},
      1024);
  CHECK(reply.status == 429);
  CHECK(reply.body.find(R"("code":"resource_exhausted")") != std::string::npos);
}

TEST_CASE("connect: the HTTP layer's refusals go out in Connect's form, their status kept") {
  const HttpReply gateway = AsConnectError({401, "application/json", R"({"code":16,"message":"who are you"})"});
  CHECK(gateway.status == 401);
  CHECK(gateway.body == R"({"code":"unauthenticated","message":"who are you"})");
  const HttpReply plain = AsConnectError({405, "text/plain", "no"});
  CHECK(plain.status == 405);
  CHECK(plain.body.find(R"("code":"invalid_argument")") != std::string::npos);
  const HttpReply ok = AsConnectError({200, "application/proto", "x"});
  CHECK(ok.body == "x");
}

}  // namespace
}  // namespace flyte::server
