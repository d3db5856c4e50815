// The XML S3 answers with (written here, never parsed), and the little S3 reads: the bodies of
// CompleteMultipartUpload and DeleteObjects, whose elements are found by name.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "server/s3/listing.h"
#include "server/s3/s3_error.h"
#include "store/object_info.h"

namespace flyte::server::s3 {

std::string XmlEscape(std::string_view text);
// 2026-11-29T17:00:00.000Z
std::string Iso8601(int64_t ns_since_epoch);
// Sun, 29 Nov 2026 17:00:00 GMT (Last-Modified)
std::string HttpDate(int64_t ns_since_epoch);
// The object's ETag, quoted: the MD5 (or multipart digest) its writer tagged it with, else one
// made of its modification time and size (a file a task wrote).
std::string ETagOf(const store::ObjectInfo& object);

std::string ErrorXml(const S3ErrorReply& error, std::string_view resource, std::string_view request_id);
std::string ListBucketsXml(const std::vector<std::string>& buckets, int64_t created_ns);

// What a ListObjects request asked, echoed in its reply.
struct ListRequest {
  std::string bucket;
  ListParams params;
  bool v2 = true;
  bool url_encoded = false;  // encoding-type=url: keys and prefixes percent-encoded
  std::string continuation;  // v2: the token given
  std::string start_after;   // v2
  std::string marker;        // v1
};
// `next_token`: v2's NextContinuationToken for a truncated page.
std::string ListObjectsXml(const ListRequest& request, const ListPage& page, std::string_view next_token);

std::string InitiateMultipartXml(std::string_view bucket, std::string_view key, std::string_view upload_id);
std::string CompleteMultipartXml(std::string_view bucket, std::string_view key, std::string_view etag);
std::string CopyObjectXml(const store::ObjectInfo& object, bool part);

struct DeleteFailure {
  std::string key;
  S3ErrorReply error;
};
std::string DeleteResultXml(const std::vector<std::string>& deleted, const std::vector<DeleteFailure>& failures);

struct PartInfo {
  int number = 0;
  store::ObjectInfo object;
};
std::string ListPartsXml(std::string_view bucket, std::string_view key, std::string_view upload_id,
                         const std::vector<PartInfo>& parts);

// The content of every <name>...</name> element of `xml` in order, as written (elements named
// alike are not nested in one another). MalformedXML when one is not closed.
StatusOr<std::vector<std::string>> ElementBodies(std::string_view xml, std::string_view name);
// The same, as text: entities and character references replaced (MalformedXML when one does not
// parse).
StatusOr<std::vector<std::string>> ElementTexts(std::string_view xml, std::string_view name);

}  // namespace flyte::server::s3
