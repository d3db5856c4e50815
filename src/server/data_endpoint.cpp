#include "server/data_endpoint.h"

#include <fstream>
#include <iterator>

#include "common/digest.h"
#include "common/url.h"
#include "server/status_mapping.h"

namespace flyte::server {
namespace {

HttpReply Error(const Status& status) {
  return Gateway::ErrorReply(static_cast<int>(ToGrpcStatus(status).error_code()), std::string(status.message()));
}

}  // namespace

HttpReply LogEndpoint::Handle(const std::string& target) const {
  constexpr std::string_view kPrefix = "/logs/";
  auto path = PercentDecode(target.substr(kPrefix.size(), target.find('?') - kPrefix.size()));
  if (!path.ok()) return Error(path.status());
  if (Status valid = store::ValidateKey(*path); !valid.ok()) return Error(valid);
  std::ifstream in(logs_dir_ / *path / "task.log", std::ios::binary);
  if (!in) return Error(absl::NotFoundError("no log at " + *path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return {200, "text/plain; charset=utf-8", std::move(text)};
}

HttpReply DataEndpoint::Handle(const DataRequest& request) const {
  constexpr std::string_view kPrefix = "/data/";
  const size_t question = request.target.find('?');
  const std::string path = request.target.substr(0, question);
  if (path.rfind(kPrefix, 0) != 0) return Error(absl::NotFoundError("not a data path"));
  auto key = PercentDecode(path.substr(kPrefix.size()));
  if (!key.ok()) return Error(key.status());
  if (Status valid = store::ValidateKey(*key); !valid.ok()) return Error(valid);
  auto query = ParseQuery(question == std::string::npos ? "" : request.target.substr(question + 1));
  if (!query.ok()) return Error(query.status());
  if (request.verb != "PUT" && request.verb != "GET") {
    return {405, "application/json", "{\"code\":12,\"message\":\"use PUT or GET on /data/\",\"details\":[]}"};
  }
  auto pinned_md5 = signer_.Verify(request.verb, *key, *query);
  if (!pinned_md5.ok()) return Error(pinned_md5.status());

  if (request.verb == "GET") {
    auto bytes = blobs_.Get(*key);
    if (!bytes.ok()) return Error(bytes.status());
    return {200, "application/octet-stream", *std::move(bytes)};
  }
  const std::string actual_md5 = Md5(request.body);
  if (!request.content_md5.empty()) {
    auto claimed = Base64Decode(request.content_md5);
    if (!claimed.ok() || *claimed != actual_md5) {
      return Error(absl::InvalidArgumentError("Content-MD5 does not match the uploaded bytes"));
    }
  }
  if (!pinned_md5->empty() && *pinned_md5 != actual_md5) {
    return Error(absl::InvalidArgumentError("uploaded bytes do not match the content_md5 this URL was signed for"));
  }
  if (Status stored = blobs_.Put(*key, request.body); !stored.ok()) return Error(stored);
  return {200, "application/json", "{}"};
}

}  // namespace flyte::server
