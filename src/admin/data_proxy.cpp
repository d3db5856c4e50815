// The data proxy: signed upload/download URLs into the local object store. Uploads land under
// uploads/<project>/<domain>/<filename_root or base32(md5)>/<filename>, as in FlyteAdmin.
#include <google/protobuf/util/time_util.h>

#include "admin/data_proxy_service.h"
#include "admin/project_domain.h"
#include "admin/validation.h"
#include "common/digest.h"

namespace flyte::admin {
namespace {

using google::protobuf::util::TimeUtil;

std::chrono::seconds TtlOf(const google::protobuf::Duration& requested, std::chrono::seconds fallback) {
  return requested.seconds() > 0 ? std::chrono::seconds(requested.seconds()) : fallback;
}

}  // namespace

Status DataProxyService::CreateUploadLocation(const flyteidl::service::CreateUploadLocationRequest& request,
                                              flyteidl::service::CreateUploadLocationResponse* response) {
  RETURN_IF_ERROR(RequireField(request.project(), "project"));
  RETURN_IF_ERROR(RequireField(request.domain(), "domain"));
  // FlyteAdmin signs any project and domain; here the URL writes into the state folder, so an
  // upload goes only under a registered project and a configured domain, as registrations do.
  RETURN_IF_ERROR(CheckProjectDomain(deps_.registry, deps_.config, request.project(), request.domain()));
  const std::string& md5 = request.content_md5();
  if (md5.empty() && request.filename_root().empty()) {
    return absl::InvalidArgumentError("either content_md5 or filename_root must be set");
  }
  if (!md5.empty() && md5.size() != 16) {
    return absl::InvalidArgumentError("content_md5 must be the 16 raw bytes of an MD5 digest");
  }
  const std::string root = request.filename_root().empty() ? Base32Encode(md5) : request.filename_root();
  const std::string filename = request.filename().empty() ? HexEncode(RandomBytes(12)) : request.filename();
  const std::string key = "uploads/" + request.project() + "/" + request.domain() + "/" + root + "/" + filename;
  RETURN_IF_ERROR(store::ValidateKey(key));

  if (!request.filename().empty() && !request.filename_root().empty()) {
    // A named object may be replaced only by the same content.
    auto existing = deps_.blobs.Get(key);
    if (existing.ok() && (md5.empty() || Md5(*existing) != md5)) {
      return absl::AlreadyExistsError("object " + key + " already exists with different content");
    }
  }

  const SignedUrl signed_url =
      deps_.signer.Sign("PUT", key, TtlOf(request.expires_in(), deps_.config.signed_url_ttl), md5);
  ASSIGN_OR_RETURN(*response->mutable_native_url(), deps_.blobs.NativeUrl(key));
  response->set_signed_url(signed_url.url);
  *response->mutable_expires_at() = TimeUtil::SecondsToTimestamp(signed_url.expires_at);
  if (!md5.empty()) (*response->mutable_headers())["Content-MD5"] = Base64Encode(md5);
  return absl::OkStatus();
}

Status DataProxyService::CreateDownloadLocation(const flyteidl::service::CreateDownloadLocationRequest& request,
                                                flyteidl::service::CreateDownloadLocationResponse* response) {
  RETURN_IF_ERROR(RequireField(request.native_url(), "native_url"));
  ASSIGN_OR_RETURN(std::string key, deps_.blobs.KeyOf(request.native_url()));
  RETURN_IF_ERROR(deps_.blobs.Size(key).status());
  const SignedUrl signed_url =
      deps_.signer.Sign("GET", key, TtlOf(request.expires_in(), deps_.config.signed_url_ttl), "");
  response->set_signed_url(signed_url.url);
  *response->mutable_expires_at() = TimeUtil::SecondsToTimestamp(signed_url.expires_at);
  return absl::OkStatus();
}

}  // namespace flyte::admin
