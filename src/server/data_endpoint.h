// /data/<key>: the object store over HTTP for signed URLs. PUT stores the body (checking the
// Content-MD5 header and the MD5 pinned in the signature); GET returns the object.
#pragma once

#include <filesystem>
#include <string>

#include "admin/signed_urls.h"
#include "server/gateway.h"
#include "store/blob_store.h"

namespace flyte::server {

struct DataRequest {
  std::string verb;
  std::string target;       // "/data/<key>?expires=...&signature=..."
  std::string content_md5;  // Content-MD5 header, base64; may be empty
  std::string body;
};

// /logs/<execution path>/<node>/<attempt>: a task attempt's log (stdout and stderr), as text.
class LogEndpoint {
 public:
  explicit LogEndpoint(std::filesystem::path logs_dir) : logs_dir_(std::move(logs_dir)) {}
  // Blocking (disk I/O): call off the network threads.
  HttpReply Handle(const std::string& target) const;

 private:
  const std::filesystem::path logs_dir_;
};

class DataEndpoint {
 public:
  DataEndpoint(const admin::UrlSigner& signer, store::BlobStore& blobs) : signer_(signer), blobs_(blobs) {}

  // Blocking (disk I/O): call off the network threads.
  HttpReply Handle(const DataRequest& request) const;

 private:
  const admin::UrlSigner& signer_;
  store::BlobStore& blobs_;
};

}  // namespace flyte::server
