#include "server/data_endpoint.h"

#include "common/url.h"
#include "server/status_mapping.h"

namespace flyte::server {

HttpReply StatusReply(const Status& status) {
  return Gateway::ErrorReply(static_cast<int>(ToGrpcStatus(status).error_code()), std::string(status.message()));
}

StatusOr<store::ReadableFile> LogEndpoint::Open(const std::string& target) const {
  constexpr std::string_view kLogsPrefix = "/logs/";
  ASSIGN_OR_RETURN(const std::string path,
                   PercentDecode(target.substr(kLogsPrefix.size(), target.find('?') - kLogsPrefix.size())));
  RETURN_IF_ERROR(store::ValidateKey(path));
  auto root = store::OpenRoot(logs_dir_);
  if (!root.ok()) return absl::NotFoundError("no log at " + path);
  auto log = store::OpenReadableBeneath(root->get(), path + "/task.log");
  if (absl::IsNotFound(log.status())) return absl::NotFoundError("no log at " + path);
  return log;
}

Status DataUpload::Append(std::string_view bytes) {
  md5_.Update(bytes);
  return writer_->Append(bytes);
}

Status DataUpload::Finish() {
  const std::string actual_md5 = md5_.Finish();
  if (!claimed_md5_.empty() && claimed_md5_ != actual_md5) {
    return absl::InvalidArgumentError("Content-MD5 does not match the uploaded bytes");
  }
  if (!pinned_md5_.empty() && pinned_md5_ != actual_md5) {
    return absl::InvalidArgumentError("uploaded bytes do not match the content_md5 this URL was signed for");
  }
  return writer_->Commit();
}

StatusOr<DataEndpoint::Authorized> DataEndpoint::Authorize(const DataRequest& request) const {
  constexpr std::string_view kDataPrefix = "/data/";
  const size_t question = request.target.find('?');
  const std::string path = request.target.substr(0, question);
  if (path.rfind(kDataPrefix, 0) != 0) return absl::NotFoundError("not a data path");
  ASSIGN_OR_RETURN(std::string key, PercentDecode(path.substr(kDataPrefix.size())));
  RETURN_IF_ERROR(store::ValidateKey(key));
  ASSIGN_OR_RETURN(auto query, ParseQuery(question == std::string::npos ? "" : request.target.substr(question + 1)));
  ASSIGN_OR_RETURN(std::string pinned_md5, signer_.Verify(request.verb, key, query));
  return Authorized{std::move(key), std::move(pinned_md5)};
}

StatusOr<store::ReadableFile> DataEndpoint::OpenForGet(const DataRequest& request) const {
  ASSIGN_OR_RETURN(Authorized authorized, Authorize(request));
  return blobs_.Open(authorized.key);
}

StatusOr<std::unique_ptr<DataUpload>> DataEndpoint::BeginPut(const DataRequest& request) const {
  ASSIGN_OR_RETURN(Authorized authorized, Authorize(request));
  std::string claimed_md5;
  if (!request.content_md5.empty()) {
    auto decoded = Base64Decode(request.content_md5);
    if (!decoded.ok()) return absl::InvalidArgumentError("Content-MD5 is not base64");
    claimed_md5 = *std::move(decoded);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<store::BlobWriter> writer, blobs_.NewWriter(authorized.key));
  return std::make_unique<DataUpload>(std::move(writer), std::move(claimed_md5), std::move(authorized.pinned_md5));
}

}  // namespace flyte::server
