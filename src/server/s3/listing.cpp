#include "server/s3/listing.h"

namespace flyte::server::s3 {

ListPage Paginate(const std::vector<store::ObjectInfo>& objects, const ListParams& params) {
  ListPage page;
  if (params.max_keys <= 0) return page;
  int entries = 0;
  std::string last;  // the last entry added, key or common prefix
  for (const store::ObjectInfo& object : objects) {
    const std::string& key = object.key;
    if (key.compare(0, params.prefix.size(), params.prefix) != 0) continue;
    if (!params.after.empty() && key <= params.after) continue;
    std::string common;
    if (!params.delimiter.empty()) {
      const size_t at = key.find(params.delimiter, params.prefix.size());
      if (at != std::string::npos) common = key.substr(0, at + params.delimiter.size());
    }
    // A common prefix already given (on this page, or the marker a previous page ended at).
    if (!common.empty() && (common == last || common == params.after)) continue;
    if (entries == params.max_keys) {
      page.truncated = true;
      page.next_marker = last;
      break;
    }
    ++entries;
    if (common.empty()) {
      page.contents.push_back(object);
      last = key;
    } else {
      page.common_prefixes.push_back(common);
      last = common;
    }
  }
  return page;
}

std::string FolderOfPrefix(const std::string& prefix) {
  const size_t slash = prefix.rfind('/');
  return slash == std::string::npos ? "" : prefix.substr(0, slash);
}

}  // namespace flyte::server::s3
