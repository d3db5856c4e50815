// S3's buckets and objects over the blob store (blocking: call on the thread pool). Buckets are
// the folders at the store's root ("raw", "metadata", "uploads", and any a client creates), so
// s3://raw/p/d/e/n0/0/f is the file <blobs>/raw/p/d/e/n0/0/f. A key is a store key beneath its
// bucket: one that would escape it ("..", absolute, NUL, empty segments) is refused.
// Multipart uploads keep their parts under <blobs>/.multipart/<upload id>/ (a name no bucket can
// have) until completed or aborted. Thread-safe: each call is filesystem calls on its own names.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "server/s3/listing.h"
#include "server/s3/xml.h"
#include "store/blob_store.h"

namespace flyte::server::s3 {

// InvalidBucketName unless S3 would take the name (3-63 lower-case letters, digits, '.', '-').
Status ValidateBucketName(std::string_view bucket);

struct CompletedPart {
  int number = 0;
  std::string etag;  // as the client sent it (quoted or not)
};

class Objects {
 public:
  explicit Objects(store::BlobStore& blobs) : blobs_(blobs) {}

  StatusOr<std::vector<std::string>> ListBuckets() const;
  Status CreateBucket(std::string_view bucket) const;
  Status HeadBucket(std::string_view bucket) const;
  Status DeleteBucket(std::string_view bucket) const;
  StatusOr<ListPage> List(std::string_view bucket, const ListParams& params) const;

  // The store key of an object; errors are S3's (InvalidBucketName, InvalidArgument).
  static StatusOr<std::string> StoreKey(std::string_view bucket, std::string_view key);
  StatusOr<store::ObjectInfo> Head(std::string_view bucket, std::string_view key) const;
  StatusOr<store::ReadableFile> Open(std::string_view bucket, std::string_view key) const;
  // A writer for the object (NoSuchBucket when the bucket is not there).
  StatusOr<std::unique_ptr<store::BlobWriter>> NewWriter(std::string_view bucket, std::string_view key) const;
  // S3 answers a delete of an absent key with success.
  Status Delete(std::string_view bucket, std::string_view key) const;
  StatusOr<store::ObjectInfo> Copy(std::string_view from_bucket, std::string_view from_key, std::string_view bucket,
                                   std::string_view key) const;

  StatusOr<std::string> CreateMultipart(std::string_view bucket, std::string_view key) const;
  // The writer of part `number` (1-10000) of an upload of bucket/key (NoSuchUpload otherwise).
  StatusOr<std::unique_ptr<store::BlobWriter>> NewPartWriter(std::string_view bucket, std::string_view key,
                                                             std::string_view upload_id, int number) const;
  StatusOr<std::vector<PartInfo>> ListParts(std::string_view bucket, std::string_view key,
                                            std::string_view upload_id) const;
  // Joins the parts into the object (InvalidPart, InvalidPartOrder, EntityTooSmall as S3 checks)
  // and returns its ETag.
  StatusOr<std::string> CompleteMultipart(std::string_view bucket, std::string_view key, std::string_view upload_id,
                                          const std::vector<CompletedPart>& parts) const;
  Status AbortMultipart(std::string_view bucket, std::string_view key, std::string_view upload_id) const;

 private:
  // NoSuchUpload unless `upload_id` is an upload of bucket/key.
  StatusOr<std::string> UploadFolder(std::string_view bucket, std::string_view key, std::string_view upload_id) const;
  // Whether reading bucket/key (its store key) failed because there is no such object: absent,
  // or a folder (S3 has none; MinIO answers a prefix with 404, and s3fs and pyarrow HEAD a
  // dataset's folder before they list it).
  bool NoObject(const Status& read, const std::string& store_key) const;

  store::BlobStore& blobs_;
};

}  // namespace flyte::server::s3
