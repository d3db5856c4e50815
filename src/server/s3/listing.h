// ListObjects' paging over a bucket's keys (S3's semantics, pure): keys under a prefix, after a
// marker, rolled up into common prefixes at a delimiter, at most max-keys entries a page.
#pragma once

#include <string>
#include <vector>

#include "store/object_info.h"

namespace flyte::server::s3 {

struct ListParams {
  std::string prefix;
  std::string delimiter;
  std::string after;  // the continuation token's marker, else start-after (v2) or marker (v1)
  int max_keys = 1000;
};

struct ListPage {
  std::vector<store::ObjectInfo> contents;  // keys relative to the bucket
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_marker;  // the last key or common prefix of this page, when truncated
};

// `objects`: the bucket's objects sorted by key, keys relative to the bucket.
ListPage Paginate(const std::vector<store::ObjectInfo>& objects, const ListParams& params);

// The folder beneath the bucket that holds every key starting with `prefix` ("" the bucket), so
// a listing reads only that folder: "a/b/c" → "a/b".
std::string FolderOfPrefix(const std::string& prefix);

}  // namespace flyte::server::s3
