// The object store: blobs addressed by relative keys ("uploads/p/d/x/f.tar.gz"), kept as files
// under one root folder. Native URLs are absolute paths that processes on this machine read directly.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/object_info.h"
#include "store/open_beneath.h"

namespace flyte::store {

// A new object written in pieces (an upload streamed from the network). Nothing is visible under
// its key until Commit; destroyed without Commit, the partial object is discarded.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  virtual Status Append(std::string_view bytes) = 0;
  // A tag (an ETag) the object carries once committed, found again by Stat and List.
  virtual void SetTag(std::string_view tag) = 0;
  virtual Status Commit() = 0;
};

// Paths are opened beneath the root without following symbolic links (PERMISSION_DENIED): a task
// that plants a link in the store cannot make readers or writers of keys leave it.
class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Writes atomically (temp file + rename): readers see the old or the new object, never a part.
  virtual Status Put(std::string_view key, std::string_view bytes) = 0;
  virtual StatusOr<std::string> Get(std::string_view key) = 0;
  // The object as an open file, to stream from without holding it in memory.
  virtual StatusOr<ReadableFile> Open(std::string_view key) = 0;
  // Writes atomically too, in pieces. PERMISSION_DENIED when the key is a symbolic link.
  virtual StatusOr<std::unique_ptr<BlobWriter>> NewWriter(std::string_view key) = 0;
  // NOT_FOUND if absent; the size in bytes otherwise.
  virtual StatusOr<int64_t> Size(std::string_view key) = 0;
  virtual StatusOr<ObjectInfo> Stat(std::string_view key) = 0;
  // NOT_FOUND if absent. The folders it leaves empty stay.
  virtual Status Delete(std::string_view key) = 0;

  // Folders, for the S3 endpoint's buckets and listings. `folder` is "" (the root) or a key.
  // Every object beneath `folder`, keys in byte order (S3's); temp files, symbolic links and
  // anything but regular files are left out. NOT_FOUND when the folder is absent.
  virtual StatusOr<std::vector<ObjectInfo>> List(std::string_view folder) = 0;
  // The names of the folders directly in `folder`, sorted.
  virtual StatusOr<std::vector<std::string>> Folders(std::string_view folder) = 0;
  // NOT_FOUND unless `key` is a folder.
  virtual Status FindFolder(std::string_view key) = 0;
  // ALREADY_EXISTS when it is there.
  virtual Status CreateFolder(std::string_view key) = 0;
  // Removes a folder that holds no object (with the empty folders in it); FAILED_PRECONDITION
  // when it holds one, NOT_FOUND when absent.
  virtual Status RemoveFolder(std::string_view key) = 0;

  // The URL a process on this machine reads the object by.
  virtual StatusOr<std::string> NativeUrl(std::string_view key) const = 0;
  // The key of a native URL of this store (also accepted with a file:// scheme), or of an
  // s3://bucket/key URL (the S3 endpoint's buckets are the store's folders); INVALID_ARGUMENT for
  // anything else.
  virtual StatusOr<std::string> KeyOf(std::string_view native_url) const = 0;
};

// INVALID_ARGUMENT unless `key` is a relative path that stays inside the store
// (no "..", no absolute path, no empty segment, no NUL).
Status ValidateKey(std::string_view key);

// A store rooted at `root` (created if missing).
StatusOr<std::unique_ptr<BlobStore>> OpenLocalBlobStore(const std::filesystem::path& root);

}  // namespace flyte::store
