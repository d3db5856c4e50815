#include "server/s3/objects.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "common/digest.h"
#include "server/s3/s3_error.h"

namespace flyte::server::s3 {
namespace {

constexpr std::string_view kMultipartFolder = ".multipart";
constexpr std::string_view kUploadTarget = "upload";  // beside the parts: "<bucket>/<key>"
// S3's smallest part but the last.
constexpr int64_t kMinPartBytes = int64_t{5} << 20;
constexpr size_t kCopyChunkBytes = size_t{1} << 20;

Status NoSuchBucket(std::string_view bucket) {
  return S3Error(absl::StatusCode::kNotFound, "NoSuchBucket",
                 "The specified bucket does not exist: " + std::string(bucket));
}
Status NoSuchUpload() {
  return S3Error(absl::StatusCode::kNotFound, "NoSuchUpload",
                 "The specified multipart upload does not exist. The upload ID may be invalid, or the upload may "
                 "have been aborted or completed.");
}
Status InvalidPart(std::string_view why) { return S3Error(absl::StatusCode::kInvalidArgument, "InvalidPart", why); }

std::string Unquoted(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return std::string(etag);
}

// The raw MD5 a part's ETag stands for; its text when it is not one (a store without tags).
std::string DigestOfTag(const std::string& tag) {
  if (tag.size() != 32) return tag;
  std::string raw(16, '\0');
  for (size_t i = 0; i < 16; ++i) {
    unsigned value = 0;
    if (std::from_chars(tag.data() + 2 * i, tag.data() + 2 * i + 2, value, 16).ec != std::errc()) return tag;
    raw[i] = static_cast<char>(value);
  }
  return raw;
}

// Appends the whole of `file` to `writer`, feeding `md5` too when given.
Status CopyInto(const store::ReadableFile& file, store::BlobWriter& writer, HashStream* md5) {
  std::string chunk(kCopyChunkBytes, '\0');
  for (int64_t offset = 0; offset < file.size;) {
    const ssize_t n = ::pread(file.fd.get(), chunk.data(), chunk.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::ErrnoToStatus(errno, "cannot read an object to copy");
    if (n == 0) break;
    const std::string_view bytes(chunk.data(), static_cast<size_t>(n));
    if (md5) md5->Update(bytes);
    RETURN_IF_ERROR(writer.Append(bytes));
    offset += n;
  }
  return absl::OkStatus();
}

Status ValidateName(std::string_view bucket, size_t min_size) {
  const bool charset = std::all_of(bucket.begin(), bucket.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
  if (bucket.size() < min_size || bucket.size() > 63 || !charset || bucket.front() == '.' || bucket.front() == '-' ||
      bucket.back() == '.' || bucket.back() == '-' || bucket.find("..") != std::string_view::npos) {
    return S3Error(absl::StatusCode::kInvalidArgument, "InvalidBucketName", "The specified bucket is not valid.");
  }
  return absl::OkStatus();
}

// A bucket a request names: S3's names, and the store's own shorter folders ("v2", where Flyte 2's
// runs keep their data, which its actions in pods read and write here).
Status ValidateNamedBucket(std::string_view bucket) { return ValidateName(bucket, 1); }

}  // namespace

Status ValidateBucketName(std::string_view bucket) { return ValidateName(bucket, 3); }

StatusOr<std::vector<std::string>> Objects::ListBuckets() const {
  ASSIGN_OR_RETURN(std::vector<std::string> folders, blobs_.Folders(""));
  std::erase_if(folders, [](const std::string& name) { return !ValidateBucketName(name).ok(); });
  return folders;
}

Status Objects::CreateBucket(std::string_view bucket) const {
  RETURN_IF_ERROR(ValidateBucketName(bucket));
  Status created = blobs_.CreateFolder(bucket);
  if (absl::IsAlreadyExists(created)) {
    return S3Error(absl::StatusCode::kAlreadyExists, "BucketAlreadyOwnedByYou",
                   "Your previous request to create the named bucket succeeded and you already own it.");
  }
  return created;
}

Status Objects::HeadBucket(std::string_view bucket) const {
  RETURN_IF_ERROR(ValidateNamedBucket(bucket));
  if (!blobs_.FindFolder(bucket).ok()) return NoSuchBucket(bucket);
  return absl::OkStatus();
}

Status Objects::DeleteBucket(std::string_view bucket) const {
  RETURN_IF_ERROR(HeadBucket(bucket));
  Status removed = blobs_.RemoveFolder(bucket);
  if (absl::IsFailedPrecondition(removed)) {
    return S3Error(absl::StatusCode::kFailedPrecondition, "BucketNotEmpty",
                   "The bucket you tried to delete is not empty.");
  }
  return removed;
}

StatusOr<ListPage> Objects::List(std::string_view bucket, const ListParams& params) const {
  RETURN_IF_ERROR(HeadBucket(bucket));
  const std::string folder = FolderOfPrefix(params.prefix);
  // Only the folder every matching key is in is read; a prefix that is no folder matches nothing.
  std::string store_folder(bucket);
  if (!folder.empty()) {
    if (!store::ValidateKey(folder).ok()) return ListPage{};
    store_folder += "/" + folder;
  }
  auto objects = blobs_.List(store_folder);
  if (absl::IsNotFound(objects.status()) || absl::IsFailedPrecondition(objects.status())) return ListPage{};
  if (!objects.ok()) return objects.status();
  const size_t strip = bucket.size() + 1;
  for (store::ObjectInfo& object : *objects) object.key.erase(0, strip);
  return Paginate(*objects, params);
}

StatusOr<std::string> Objects::StoreKey(std::string_view bucket, std::string_view key) {
  RETURN_IF_ERROR(ValidateNamedBucket(bucket));
  if (key.size() > 1024) {
    return S3Error(absl::StatusCode::kInvalidArgument, "KeyTooLongError", "Your key is too long.");
  }
  if (Status valid = store::ValidateKey(key); !valid.ok()) {
    return S3Error(absl::StatusCode::kInvalidArgument, "InvalidArgument",
                   "this sandbox keeps objects as files, so a key must be a relative path that stays in its bucket "
                   "(no '..' or '.' segment, no leading '/', no '//', no trailing '/', no NUL): " +
                       std::string(valid.message()));
  }
  return std::string(bucket) + "/" + std::string(key);
}

bool Objects::NoObject(const Status& read, const std::string& store_key) const {
  if (read.ok()) return false;
  return absl::IsNotFound(read) || absl::IsFailedPrecondition(read) || blobs_.FindFolder(store_key).ok();
}

StatusOr<store::ObjectInfo> Objects::Head(std::string_view bucket, std::string_view key) const {
  ASSIGN_OR_RETURN(const std::string store_key, StoreKey(bucket, key));
  auto info = blobs_.Stat(store_key);
  if (NoObject(info.status(), store_key)) {
    RETURN_IF_ERROR(HeadBucket(bucket));
    return S3Error(absl::StatusCode::kNotFound, "NoSuchKey", "The specified key does not exist.");
  }
  if (!info.ok()) return info.status();
  info->key = std::string(key);
  return info;
}

StatusOr<store::ReadableFile> Objects::Open(std::string_view bucket, std::string_view key) const {
  ASSIGN_OR_RETURN(const std::string store_key, StoreKey(bucket, key));
  auto file = blobs_.Open(store_key);
  if (NoObject(file.status(), store_key)) {
    RETURN_IF_ERROR(HeadBucket(bucket));
    return S3Error(absl::StatusCode::kNotFound, "NoSuchKey", "The specified key does not exist.");
  }
  return file;
}

StatusOr<std::unique_ptr<store::BlobWriter>> Objects::NewWriter(std::string_view bucket, std::string_view key) const {
  ASSIGN_OR_RETURN(const std::string store_key, StoreKey(bucket, key));
  RETURN_IF_ERROR(HeadBucket(bucket));
  return blobs_.NewWriter(store_key);
}

Status Objects::Delete(std::string_view bucket, std::string_view key) const {
  ASSIGN_OR_RETURN(const std::string store_key, StoreKey(bucket, key));
  RETURN_IF_ERROR(HeadBucket(bucket));
  Status deleted = blobs_.Delete(store_key);
  return absl::IsNotFound(deleted) ? absl::OkStatus() : deleted;
}

StatusOr<store::ObjectInfo> Objects::Copy(std::string_view from_bucket, std::string_view from_key,
                                          std::string_view bucket, std::string_view key) const {
  ASSIGN_OR_RETURN(const store::ReadableFile source, Open(from_bucket, from_key));
  ASSIGN_OR_RETURN(std::unique_ptr<store::BlobWriter> writer, NewWriter(bucket, key));
  HashStream md5(HashAlgorithm::kMd5);
  RETURN_IF_ERROR(CopyInto(source, *writer, &md5));
  writer->SetTag(HexEncode(md5.Finish()));
  RETURN_IF_ERROR(writer->Commit());
  return Head(bucket, key);
}

StatusOr<std::string> Objects::CreateMultipart(std::string_view bucket, std::string_view key) const {
  ASSIGN_OR_RETURN(const std::string store_key, StoreKey(bucket, key));
  RETURN_IF_ERROR(HeadBucket(bucket));
  const std::string upload_id = HexEncode(RandomBytes(16));
  RETURN_IF_ERROR(
      blobs_.Put(std::string(kMultipartFolder) + "/" + upload_id + "/" + std::string(kUploadTarget), store_key));
  return upload_id;
}

StatusOr<std::string> Objects::UploadFolder(std::string_view bucket, std::string_view key,
                                            std::string_view upload_id) const {
  ASSIGN_OR_RETURN(const std::string store_key, StoreKey(bucket, key));
  const bool well_formed = upload_id.size() == 32 && std::all_of(upload_id.begin(), upload_id.end(), [](char c) {
                             return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                           });
  if (!well_formed) return NoSuchUpload();
  const std::string folder = std::string(kMultipartFolder) + "/" + std::string(upload_id);
  auto target = blobs_.Get(folder + "/" + std::string(kUploadTarget));
  if (!target.ok() || *target != store_key) return NoSuchUpload();
  return folder;
}

StatusOr<std::unique_ptr<store::BlobWriter>> Objects::NewPartWriter(std::string_view bucket, std::string_view key,
                                                                    std::string_view upload_id, int number) const {
  if (number < 1 || number > 10000) {
    return S3Error(absl::StatusCode::kInvalidArgument, "InvalidArgument",
                   "Part number must be an integer between 1 and 10000, inclusive");
  }
  ASSIGN_OR_RETURN(const std::string folder, UploadFolder(bucket, key, upload_id));
  return blobs_.NewWriter(folder + "/" + std::to_string(number));
}

StatusOr<std::vector<PartInfo>> Objects::ListParts(std::string_view bucket, std::string_view key,
                                                   std::string_view upload_id) const {
  ASSIGN_OR_RETURN(const std::string folder, UploadFolder(bucket, key, upload_id));
  ASSIGN_OR_RETURN(const std::vector<store::ObjectInfo> files, blobs_.List(folder));
  std::vector<PartInfo> parts;
  for (const store::ObjectInfo& file : files) {
    const std::string_view name = std::string_view(file.key).substr(folder.size() + 1);
    int number = 0;
    if (std::from_chars(name.data(), name.data() + name.size(), number).ec != std::errc()) continue;
    parts.push_back({number, file});
  }
  std::sort(parts.begin(), parts.end(), [](const PartInfo& a, const PartInfo& b) { return a.number < b.number; });
  return parts;
}

StatusOr<std::string> Objects::CompleteMultipart(std::string_view bucket, std::string_view key,
                                                 std::string_view upload_id,
                                                 const std::vector<CompletedPart>& parts) const {
  ASSIGN_OR_RETURN(const std::string folder, UploadFolder(bucket, key, upload_id));
  if (parts.empty()) {
    return S3Error(absl::StatusCode::kInvalidArgument, "MalformedXML",
                   "You must specify at least one part to complete a multipart upload.");
  }
  std::string digests;
  std::vector<std::string> part_keys;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0 && parts[i].number <= parts[i - 1].number) {
      return S3Error(absl::StatusCode::kInvalidArgument, "InvalidPartOrder",
                     "The list of parts was not in ascending order.");
    }
    const std::string part_key = folder + "/" + std::to_string(parts[i].number);
    auto info = blobs_.Stat(part_key);
    if (!info.ok()) return InvalidPart("Part " + std::to_string(parts[i].number) + " was not uploaded.");
    const std::string etag = Unquoted(ETagOf(*info));
    if (etag != Unquoted(parts[i].etag)) {
      return InvalidPart("The ETag of part " + std::to_string(parts[i].number) + " does not match its bytes.");
    }
    if (i + 1 < parts.size() && info->size < kMinPartBytes) {
      return S3Error(absl::StatusCode::kInvalidArgument, "EntityTooSmall",
                     "Your proposed upload is smaller than the minimum allowed object size (5 MiB a part but the "
                     "last).");
    }
    digests += DigestOfTag(etag);
    part_keys.push_back(part_key);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<store::BlobWriter> writer, NewWriter(bucket, key));
  for (const std::string& part_key : part_keys) {
    ASSIGN_OR_RETURN(const store::ReadableFile file, blobs_.Open(part_key));
    RETURN_IF_ERROR(CopyInto(file, *writer, nullptr));
  }
  const std::string etag = HexEncode(Md5(digests)) + "-" + std::to_string(parts.size());
  writer->SetTag(etag);
  RETURN_IF_ERROR(writer->Commit());
  RETURN_IF_ERROR(AbortMultipart(bucket, key, upload_id));
  return "\"" + etag + "\"";
}

Status Objects::AbortMultipart(std::string_view bucket, std::string_view key, std::string_view upload_id) const {
  ASSIGN_OR_RETURN(const std::string folder, UploadFolder(bucket, key, upload_id));
  ASSIGN_OR_RETURN(const std::vector<store::ObjectInfo> files, blobs_.List(folder));
  for (const store::ObjectInfo& file : files) RETURN_IF_ERROR(blobs_.Delete(file.key));
  return blobs_.RemoveFolder(folder);
}

}  // namespace flyte::server::s3
