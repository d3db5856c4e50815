// LocalBlobStore: the BlobStore as a folder. Thread-safe: every operation is a filesystem call
// on its own files, and writes go through unique temp names.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "store/blob_store.h"

namespace flyte::store {
namespace {

constexpr std::string_view kFileScheme = "file://";

Status ErrnoError(std::string_view what, const std::filesystem::path& path) {
  return absl::InternalError(std::string(what) + " " + path.string() + ": " + std::strerror(errno));
}

class LocalBlobStore final : public BlobStore {
 public:
  explicit LocalBlobStore(std::filesystem::path root) : root_(std::move(root)) {}

  Status Put(std::string_view key, std::string_view bytes) override {
    RETURN_IF_ERROR(ValidateKey(key));
    const std::filesystem::path target = root_ / key;
    std::error_code ec;
    std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) return absl::InternalError("cannot create " + target.parent_path().string() + ": " + ec.message());
    const std::filesystem::path temp =
        target.parent_path() / (".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoError("cannot create", temp);
    size_t written = 0;
    while (written < bytes.size()) {
      ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        Status status = ErrnoError("cannot write", temp);
        ::close(fd);
        ::unlink(temp.c_str());
        return status;
      }
      written += static_cast<size_t>(n);
    }
    if (::close(fd) != 0 || ::rename(temp.c_str(), target.c_str()) != 0) {
      Status status = ErrnoError("cannot store", target);
      ::unlink(temp.c_str());
      return status;
    }
    return absl::OkStatus();
  }

  StatusOr<std::string> Get(std::string_view key) override {
    RETURN_IF_ERROR(ValidateKey(key));
    std::ifstream in(root_ / key, std::ios::binary);
    if (!in) return absl::NotFoundError("object " + std::string(key) + " not found");
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

  StatusOr<int64_t> Size(std::string_view key) override {
    RETURN_IF_ERROR(ValidateKey(key));
    std::error_code ec;
    auto size = std::filesystem::file_size(root_ / key, ec);
    if (ec) return absl::NotFoundError("object " + std::string(key) + " not found");
    return static_cast<int64_t>(size);
  }

  // A plain absolute path: flytekit treats it as local data and reads it directly, whereas
  // file:// URIs break its file, directory and dataframe handling.
  StatusOr<std::string> NativeUrl(std::string_view key) const override {
    RETURN_IF_ERROR(ValidateKey(key));
    return (root_ / key).string();
  }

  StatusOr<std::string> KeyOf(std::string_view native_url) const override {
    std::string_view path = native_url;
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
  const std::filesystem::path root_;
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
  return std::unique_ptr<BlobStore>(new LocalBlobStore(absolute));
}

}  // namespace flyte::store
