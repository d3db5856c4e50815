// LocalBlobStore: the BlobStore as a folder. Thread-safe: every operation is a filesystem call
// on its own files, and writes go through unique temp names.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>

#include "store/blob_store.h"
#include "store/folder_walk.h"

namespace flyte::store {
namespace {

constexpr std::string_view kFileScheme = "file://";
constexpr std::string_view kS3Scheme = "s3://";

// A full disk (ENOSPC, EDQUOT) is RESOURCE_EXHAUSTED, as absl maps errno, not INTERNAL.
Status ErrnoError(std::string_view what, std::string_view key) {
  return absl::ErrnoToStatus(errno, std::string(what) + " object " + std::string(key));
}

// "a/b/c" → ("a/b", "c"); a key without a folder has an empty one.
std::pair<std::string_view, std::string> SplitKey(std::string_view key) {
  const size_t slash = key.rfind('/');
  if (slash == std::string_view::npos) return {std::string_view(), std::string(key)};
  return {key.substr(0, slash), std::string(key.substr(slash + 1))};
}

// Writes into a temp file beside the object's name; Commit renames it over the name (which
// replaces, never follows, whatever is there).
class LocalBlobWriter final : public BlobWriter {
 public:
  LocalBlobWriter(std::string key, FileDescriptor folder, std::string name, std::string temp, FileDescriptor file)
      : key_(std::move(key)),
        folder_(std::move(folder)),
        name_(std::move(name)),
        temp_(std::move(temp)),
        file_(std::move(file)) {}
  ~LocalBlobWriter() override {
    if (!committed_) ::unlinkat(folder_.get(), temp_.c_str(), 0);
  }

  Status Append(std::string_view bytes) override {
    while (!bytes.empty()) {
      const ssize_t n = ::write(file_.get(), bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoError("cannot write", key_);
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }

  void SetTag(std::string_view tag) override { tag_ = std::string(tag); }

  Status Commit() override {
    if (!tag_.empty()) StampTag();
    if (file_.Close() != 0 || ::renameat(folder_.get(), temp_.c_str(), folder_.get(), name_.c_str()) != 0) {
      return ErrnoError("cannot store", key_);
    }
    committed_ = true;
    return absl::OkStatus();
  }

 private:
  // Best effort: a filesystem without user attributes keeps no tag, and readers make one up.
  void StampTag() {
    struct stat info {};
    if (::fstat(file_.get(), &info) != 0) return;
    const int64_t modified_ns = static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
    const std::string value = std::to_string(modified_ns) + " " + tag_;
    ::fsetxattr(file_.get(), kTagAttribute, value.data(), value.size(), 0);
  }

  const std::string key_;
  std::string tag_;
  const FileDescriptor folder_;
  const std::string name_;
  const std::string temp_;
  FileDescriptor file_;
  bool committed_ = false;
};

class LocalBlobStore final : public BlobStore {
 public:
  LocalBlobStore(std::filesystem::path root, FileDescriptor root_fd)
      : root_(std::move(root)), root_fd_(std::move(root_fd)) {}

  Status Put(std::string_view key, std::string_view bytes) override {
    ASSIGN_OR_RETURN(std::unique_ptr<BlobWriter> writer, NewWriter(key));
    RETURN_IF_ERROR(writer->Append(bytes));
    return writer->Commit();
  }

  StatusOr<std::unique_ptr<BlobWriter>> NewWriter(std::string_view key) override {
    RETURN_IF_ERROR(ValidateKey(key));
    const auto [parent, name] = SplitKey(key);
    ASSIGN_OR_RETURN(FileDescriptor folder, OpenFolderBeneath(root_fd_.get(), parent, /*create=*/true));
    struct stat existing {};
    if (::fstatat(folder.get(), name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(existing.st_mode)) {
      return absl::PermissionDeniedError("object " + std::string(key) + " is a symbolic link");
    }
    std::string temp = ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++);
    FileDescriptor file(
        ::openat(folder.get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (file.get() < 0) return ErrnoError("cannot create", key);
    return std::unique_ptr<BlobWriter>(
        new LocalBlobWriter(std::string(key), std::move(folder), name, std::move(temp), std::move(file)));
  }

  StatusOr<ReadableFile> Open(std::string_view key) override {
    RETURN_IF_ERROR(ValidateKey(key));
    auto file = OpenReadableBeneath(root_fd_.get(), key);
    if (absl::IsNotFound(file.status())) return absl::NotFoundError("object " + std::string(key) + " not found");
    return file;
  }

  StatusOr<std::string> Get(std::string_view key) override {
    ASSIGN_OR_RETURN(ReadableFile file, Open(key));
    std::string bytes(static_cast<size_t>(file.size), '\0');
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::pread(file.fd.get(), bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoError("cannot read", key);
      if (n == 0) break;  // shrank since it was opened
      done += static_cast<size_t>(n);
    }
    bytes.resize(done);
    return bytes;
  }

  StatusOr<int64_t> Size(std::string_view key) override {
    ASSIGN_OR_RETURN(ReadableFile file, Open(key));
    return file.size;
  }

  StatusOr<ObjectInfo> Stat(std::string_view key) override {
    ASSIGN_OR_RETURN(ReadableFile file, Open(key));
    return DescribeFile(file.fd.get(), std::string(key));
  }

  Status Delete(std::string_view key) override {
    RETURN_IF_ERROR(ValidateKey(key));
    const auto [parent, name] = SplitKey(key);
    auto folder = OpenFolderBeneath(root_fd_.get(), parent, /*create=*/false);
    if (!folder.ok()) return absl::NotFoundError("object " + std::string(key) + " not found");
    struct stat info {};
    if (::fstatat(folder->get(), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0 || S_ISDIR(info.st_mode)) {
      return absl::NotFoundError("object " + std::string(key) + " not found");
    }
    if (::unlinkat(folder->get(), name.c_str(), 0) != 0) return ErrnoError("cannot delete", key);
    return absl::OkStatus();
  }

  StatusOr<std::vector<ObjectInfo>> List(std::string_view folder) override {
    ASSIGN_OR_RETURN(FileDescriptor fd, OpenFolder(folder));
    std::vector<ObjectInfo> objects;
    RETURN_IF_ERROR(WalkObjects(fd.get(), folder.empty() ? "" : std::string(folder) + "/", objects));
    std::sort(objects.begin(), objects.end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    return objects;
  }

  StatusOr<std::vector<std::string>> Folders(std::string_view folder) override {
    ASSIGN_OR_RETURN(FileDescriptor fd, OpenFolder(folder));
    return SubFolders(fd.get());
  }

  Status FindFolder(std::string_view key) override { return OpenFolder(key).status(); }

  Status CreateFolder(std::string_view key) override {
    RETURN_IF_ERROR(ValidateKey(key));
    const auto [parent, name] = SplitKey(key);
    ASSIGN_OR_RETURN(FileDescriptor folder, OpenFolderBeneath(root_fd_.get(), parent, /*create=*/true));
    if (::mkdirat(folder.get(), name.c_str(), 0700) != 0) {
      if (errno == EEXIST) return absl::AlreadyExistsError("folder " + std::string(key) + " exists");
      return ErrnoError("cannot create", key);
    }
    return absl::OkStatus();
  }

  Status RemoveFolder(std::string_view key) override {
    RETURN_IF_ERROR(ValidateKey(key));
    const auto [parent, name] = SplitKey(key);
    auto folder = OpenFolderBeneath(root_fd_.get(), parent, /*create=*/false);
    if (!folder.ok()) return absl::NotFoundError("folder " + std::string(key) + " not found");
    struct stat info {};
    if (::fstatat(folder->get(), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(info.st_mode)) {
      return absl::NotFoundError("folder " + std::string(key) + " not found");
    }
    return RemoveEmptyTree(folder->get(), name);
  }

  // A plain absolute path: flytekit treats it as local data and reads it directly, whereas
  // file:// URIs break its file, directory and dataframe handling.
  StatusOr<std::string> NativeUrl(std::string_view key) const override {
    RETURN_IF_ERROR(ValidateKey(key));
    return (root_ / key).string();
  }

  StatusOr<std::string> KeyOf(std::string_view native_url) const override {
    std::string_view path = native_url;
    // The S3 endpoint serves the store's folders as buckets: s3://bucket/key is the key bucket/key.
    if (path.starts_with(kS3Scheme)) {
      std::string key(path.substr(kS3Scheme.size()));
      RETURN_IF_ERROR(ValidateKey(key));
      return key;
    }
    if (path.substr(0, kFileScheme.size()) == kFileScheme) path.remove_prefix(kFileScheme.size());
    const std::string prefix = root_.string() + "/";
    if (path.substr(0, prefix.size()) != prefix) {
      return absl::InvalidArgumentError("\"" + std::string(native_url) + "\" is not in this sandbox's object store");
    }
    std::string key(path.substr(prefix.size()));
    RETURN_IF_ERROR(ValidateKey(key));
    return key;
  }

 private:
  StatusOr<FileDescriptor> OpenFolder(std::string_view folder) {
    if (!folder.empty()) RETURN_IF_ERROR(ValidateKey(folder));
    auto fd = OpenFolderBeneath(root_fd_.get(), folder, /*create=*/false);
    if (absl::IsNotFound(fd.status())) return absl::NotFoundError("folder " + std::string(folder) + " not found");
    return fd;
  }

  const std::filesystem::path root_;
  const FileDescriptor root_fd_;
  std::atomic<uint64_t> counter_{0};
};

}  // namespace

Status ValidateKey(std::string_view key) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError("invalid object key \"" + std::string(key) + "\": " + std::string(why));
  };
  if (key.empty()) return bad("empty");
  if (key.front() == '/') return bad("absolute path");
  if (key.find('\0') != std::string_view::npos) return bad("contains NUL");
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view segment = key.substr(start, end - start);
    if (segment.empty()) return bad("empty path segment");
    if (segment == "." || segment == "..") return bad("escapes the store");
    if (segment.rfind(".tmp-", 0) == 0) return bad("reserved name");
    start = end + 1;
  }
  return absl::OkStatus();
}

StatusOr<std::unique_ptr<BlobStore>> OpenLocalBlobStore(const std::filesystem::path& root) {
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  if (ec) return absl::FailedPreconditionError("cannot create object store " + root.string() + ": " + ec.message());
  auto absolute = std::filesystem::canonical(root, ec);
  if (ec) return absl::FailedPreconditionError("cannot resolve " + root.string() + ": " + ec.message());
  if (::access(absolute.c_str(), W_OK) != 0) {
    return absl::FailedPreconditionError("object store " + absolute.string() + " is not writable");
  }
  ASSIGN_OR_RETURN(FileDescriptor root_fd, OpenRoot(absolute));
  return std::unique_ptr<BlobStore>(new LocalBlobStore(absolute, std::move(root_fd)));
}

}  // namespace flyte::store
