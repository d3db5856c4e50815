// The Connect protocol's request decoding (server/connect.cpp), as the HTTP server hands it every
// POST to /flyteidl2.*: content type, content encoding (gzip inflated within a limit), body as
// binary protobuf or JSON. Input: content type '\n' content encoding '\n' body. Whatever comes, the
// reply is a success or an error in Connect's JSON form ({"code":"<name>", ...}).
#include <flyteidl2/project/project_service.pb.h>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz/fuzz_input.h"
#include "server/connect.h"

namespace {

const flyte::server::ConnectRouter& Router() {
  static const flyte::server::ConnectRouter* router = [] {
    auto* built = new flyte::server::ConnectRouter;
    built->Add<flyteidl2::project::GetProjectRequest, flyteidl2::project::GetProjectResponse>(
        "flyteidl2.project.ProjectService/GetProject",
        [](const flyteidl2::project::GetProjectRequest& request, flyteidl2::project::GetProjectResponse* reply) {
          if (request.id() != "known") return absl::NotFoundError("no such project");
          reply->mutable_project()->set_id(request.id());
          return absl::OkStatus();
        });
    return built;
  }();
  return *router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  flyte::server::ConnectRequest request;
  request.path = "/flyteidl2.project.ProjectService/GetProject";
  request.content_type = std::string(flyte::fuzz::NextLine(input));
  request.content_encoding = std::string(flyte::fuzz::NextLine(input));
  request.body = std::string(input);
  const flyte::server::HttpReply reply = Router().Handle(request, 64 * 1024);
  if (reply.status == 200) return 0;
  if (reply.content_type != "application/json" || !reply.body.starts_with("{\"code\":\"")) abort();
  return 0;
}
