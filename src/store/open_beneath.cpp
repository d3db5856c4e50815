#include "store/open_beneath.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace flyte::store {
namespace {

// Why opening `name` in `folder` failed: a symbolic link there is refused, not missing.
Status OpenError(int folder, std::string_view relative, const std::string& name, int error) {
  struct stat info {};
  if ((error == ELOOP || error == ENOTDIR) && ::fstatat(folder, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 &&
      S_ISLNK(info.st_mode)) {
    return absl::PermissionDeniedError("\"" + std::string(relative) + "\" goes through a symbolic link");
  }
  if (error == ENOENT || error == ENOTDIR) return absl::NotFoundError("\"" + std::string(relative) + "\" not found");
  return absl::InternalError("cannot open \"" + std::string(relative) + "\": " + std::strerror(error));
}

}  // namespace

StatusOr<FileDescriptor> OpenRoot(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return absl::NotFoundError("cannot open folder " + path.string() + ": " + std::strerror(errno));
  return FileDescriptor(fd);
}

StatusOr<FileDescriptor> OpenFolderBeneath(int root, std::string_view relative, bool create) {
  FileDescriptor folder(::fcntl(root, F_DUPFD_CLOEXEC, 0));
  if (folder.get() < 0) return absl::InternalError(std::string("cannot duplicate a folder: ") + std::strerror(errno));
  size_t start = 0;
  while (start < relative.size()) {
    size_t end = relative.find('/', start);
    if (end == std::string_view::npos) end = relative.size();
    const std::string name(relative.substr(start, end - start));
    if (create && ::mkdirat(folder.get(), name.c_str(), 0700) != 0 && errno != EEXIST) {
      // A full disk (ENOSPC) is RESOURCE_EXHAUSTED, not INTERNAL.
      return absl::ErrnoToStatus(errno, "cannot create \"" + std::string(relative) + "\"");
    }
    FileDescriptor next(::openat(folder.get(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (next.get() < 0) return OpenError(folder.get(), relative, name, errno);
    folder = std::move(next);
    start = end + 1;
  }
  return folder;
}

StatusOr<ReadableFile> OpenReadableBeneath(int root, std::string_view relative) {
  const size_t slash = relative.rfind('/');
  const std::string_view parent = slash == std::string_view::npos ? std::string_view() : relative.substr(0, slash);
  const std::string name(slash == std::string_view::npos ? relative : relative.substr(slash + 1));
  ASSIGN_OR_RETURN(FileDescriptor folder, OpenFolderBeneath(root, parent, /*create=*/false));
  // O_NONBLOCK: opening a FIFO planted under the name returns at once instead of waiting for a writer.
  FileDescriptor file(::openat(folder.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (file.get() < 0) return OpenError(folder.get(), relative, name, errno);
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) return OpenError(folder.get(), relative, name, errno);
  if (!S_ISREG(info.st_mode)) return absl::PermissionDeniedError("\"" + std::string(relative) + "\" is not a file");
  // The sandbox never links: a second name was made by a task, for a file of its user's elsewhere.
  if (info.st_nlink > 1) {
    return absl::PermissionDeniedError("\"" + std::string(relative) + "\" is a hard link to a file elsewhere");
  }
  return ReadableFile{std::move(file), static_cast<int64_t>(info.st_size)};
}

}  // namespace flyte::store
