// /data/<key>: the object store over HTTP for signed URLs. PUT streams the body into the store
// (checking the Content-MD5 header and the MD5 pinned in the signature before it becomes
// visible); GET opens the object for the session to stream. /logs/: task attempt logs, opened
// the same way. Neither holds a body in memory.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "admin/signed_urls.h"
#include "common/digest.h"
#include "server/body_sink.h"
#include "server/gateway.h"
#include "store/blob_store.h"

namespace flyte::server {

struct DataRequest {
  std::string verb;
  std::string target;       // "/data/<key>?expires=...&signature=..."
  std::string content_md5;  // Content-MD5 header, base64; may be empty
};

// An error in the gateway's JSON format, with the HTTP status the Status maps to.
HttpReply StatusReply(const Status& status);

// /logs/<execution path>/<node>/<attempt>: a task attempt's log (stdout and stderr), as text.
class LogEndpoint {
 public:
  explicit LogEndpoint(std::filesystem::path logs_dir) : logs_dir_(std::move(logs_dir)) {}
  // Blocking (disk I/O): call off the network threads.
  StatusOr<store::ReadableFile> Open(const std::string& target) const;

 private:
  const std::filesystem::path logs_dir_;
};

// A PUT under way: bytes go to a temp object as they arrive, hashed on the way. Blocking (disk
// I/O); one thread at a time.
class DataUpload final : public BodySink {
 public:
  DataUpload(std::unique_ptr<store::BlobWriter> writer, std::string claimed_md5, std::string pinned_md5)
      : writer_(std::move(writer)), claimed_md5_(std::move(claimed_md5)), pinned_md5_(std::move(pinned_md5)) {}
  Status Append(std::string_view bytes) override;
  // Checks the MD5s and makes the object visible; otherwise it is discarded.
  Status Finish();

 private:
  std::unique_ptr<store::BlobWriter> writer_;
  HashStream md5_{HashAlgorithm::kMd5};
  const std::string claimed_md5_;  // raw bytes of the Content-MD5 header; empty when absent
  const std::string pinned_md5_;   // raw bytes the signature pins; empty when it pins none
};

class DataEndpoint {
 public:
  DataEndpoint(const admin::UrlSigner& signer, store::BlobStore& blobs) : signer_(signer), blobs_(blobs) {}

  // Both check the key and the signature first. Blocking (disk I/O): call off the network threads.
  StatusOr<store::ReadableFile> OpenForGet(const DataRequest& request) const;
  StatusOr<std::unique_ptr<DataUpload>> BeginPut(const DataRequest& request) const;

 private:
  struct Authorized {
    std::string key;
    std::string pinned_md5;
  };
  StatusOr<Authorized> Authorize(const DataRequest& request) const;

  const admin::UrlSigner& signer_;
  store::BlobStore& blobs_;
};

}  // namespace flyte::server
