#include "store/folder_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <memory>

#include "common/file_descriptor.h"

namespace flyte::store {
namespace {

// Deeper than any key a client sends (S3 keys are at most 1,024 bytes); stops a loop of mounts.
constexpr int kMaxDepth = 512;

Status WalkError(std::string_view what) { return absl::ErrnoToStatus(errno, std::string(what)); }

// Calls `visit(name, stat)` for each entry of `folder` but "." and "..".
Status ForEachEntry(int folder, const std::function<Status(const std::string&, const struct stat&)>& visit) {
  const int fd = ::openat(folder, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return WalkError("cannot read a folder of the object store");
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(fd), ::closedir);
  if (!dir) {
    ::close(fd);
    return WalkError("cannot read a folder of the object store");
  }
  while (dirent* entry = ::readdir(dir.get())) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    struct stat info {};
    if (::fstatat(folder, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone meanwhile
    RETURN_IF_ERROR(visit(name, info));
  }
  return absl::OkStatus();
}

Status Walk(int folder, const std::string& prefix, std::vector<ObjectInfo>& out, int depth) {
  if (depth > kMaxDepth) return absl::FailedPreconditionError("the object store's folders are nested too deep");
  return ForEachEntry(folder, [&](const std::string& name, const struct stat& info) -> Status {
    if (name.rfind(".tmp-", 0) == 0) return absl::OkStatus();
    if (S_ISDIR(info.st_mode)) {
      FileDescriptor child(::openat(folder, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (child.get() < 0) return absl::OkStatus();  // replaced meanwhile
      return Walk(child.get(), prefix + name + "/", out, depth + 1);
    }
    if (!S_ISREG(info.st_mode)) return absl::OkStatus();
    FileDescriptor file(::openat(folder, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (file.get() < 0) return absl::OkStatus();
    out.push_back(DescribeFile(file.get(), prefix + name));
    return absl::OkStatus();
  });
}

}  // namespace

Status WalkObjects(int folder, const std::string& prefix, std::vector<ObjectInfo>& out) {
  return Walk(folder, prefix, out, 0);
}

StatusOr<std::vector<std::string>> SubFolders(int folder) {
  std::vector<std::string> names;
  RETURN_IF_ERROR(ForEachEntry(folder, [&](const std::string& name, const struct stat& info) {
    if (S_ISDIR(info.st_mode)) names.push_back(name);
    return absl::OkStatus();
  }));
  std::sort(names.begin(), names.end());
  return names;
}

Status RemoveEmptyTree(int parent, const std::string& name) {
  FileDescriptor folder(::openat(parent, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (folder.get() < 0) return WalkError("cannot open folder " + name);
  RETURN_IF_ERROR(ForEachEntry(folder.get(), [&](const std::string& child, const struct stat& info) -> Status {
    if (!S_ISDIR(info.st_mode)) return absl::FailedPreconditionError("folder " + name + " is not empty");
    return RemoveEmptyTree(folder.get(), child);
  }));
  if (::unlinkat(parent, name.c_str(), AT_REMOVEDIR) != 0) {
    if (errno == ENOTEMPTY || errno == EEXIST) return absl::FailedPreconditionError("folder " + name + " is not empty");
    return WalkError("cannot remove folder " + name);
  }
  return absl::OkStatus();
}

}  // namespace flyte::store
