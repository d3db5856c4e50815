#include "store/object_info.h"

#include <sys/stat.h>
#include <sys/xattr.h>

#include <charconv>

namespace flyte::store {

ObjectInfo DescribeFile(int fd, std::string key) {
  ObjectInfo info;
  info.key = std::move(key);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return info;
  info.size = static_cast<int64_t>(st.st_size);
  info.modified_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  char value[256];
  // An O_PATH descriptor cannot be read from, so the attribute is read through its /proc path.
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = ::getxattr(path.c_str(), kTagAttribute, value, sizeof(value));
  if (n <= 0) return info;
  const std::string_view text(value, static_cast<size_t>(n));
  const size_t space = text.find(' ');
  int64_t stamped = 0;
  if (space == std::string_view::npos || std::from_chars(text.data(), text.data() + space, stamped).ec != std::errc() ||
      stamped != info.modified_ns) {
    return info;
  }
  info.tag = std::string(text.substr(space + 1));
  return info;
}

}  // namespace flyte::store
