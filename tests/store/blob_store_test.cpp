#include "store/blob_store.h"

#include <doctest/doctest.h>

#include "fakes/temp_dir.h"

namespace flyte::store {
namespace {

TEST_CASE("blob store: keys stay inside the store") {
  CHECK(ValidateKey("uploads/p/d/x/file.tar.gz").ok());
  for (const char* bad : {"", "/etc/passwd", "a/../../b", "..", "a//b", "a/./b", "a/", "x/.tmp-1-2"}) {
    CAPTURE(bad);
    CHECK(absl::IsInvalidArgument(ValidateKey(bad)));
  }
}

TEST_CASE("blob store: put, get, size and native URLs round-trip") {
  testing::TempDir dir;
  auto blobs = OpenLocalBlobStore(dir.path() / "blobs");
  REQUIRE(blobs.ok());
  auto& store = **blobs;
  REQUIRE(store.Put("a/b/c.bin", std::string("\0\1\2", 3)).ok());
  REQUIRE(store.Put("a/b/c.bin", "replaced").ok());
  CHECK(*store.Get("a/b/c.bin") == "replaced");
  CHECK(*store.Size("a/b/c.bin") == 8);
  CHECK(absl::IsNotFound(store.Get("a/missing").status()));

  auto url = store.NativeUrl("a/b/c.bin");
  REQUIRE(url.ok());
  CHECK(url->rfind("/", 0) == 0);
  CHECK(*url == (std::filesystem::canonical(dir.path()) / "blobs/a/b/c.bin").string());
  CHECK(*store.KeyOf(*url) == "a/b/c.bin");
  CHECK(*store.KeyOf("file://" + *url) == "a/b/c.bin");
  CHECK(*store.KeyOf("s3://bucket/a") == "bucket/a");  // the S3 endpoint's buckets are the store's folders
  CHECK(absl::IsInvalidArgument(store.KeyOf("s3://bucket/../../x").status()));
  CHECK(absl::IsInvalidArgument(store.KeyOf("gs://bucket/a").status()));
  CHECK(absl::IsInvalidArgument(store.KeyOf(url->substr(0, url->size() - 9) + "../../x").status()));
  // No temp files are left behind.
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) files += entry.is_regular_file();
  CHECK(files == 1);
}

}  // namespace
}  // namespace flyte::store
