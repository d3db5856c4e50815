#include "store/open_beneath.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "fakes/temp_dir.h"
#include "store/blob_store.h"

namespace flyte::store {
namespace {

namespace fs = std::filesystem;

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string ReadAll(const ReadableFile& file) {
  std::string text(static_cast<size_t>(file.size), '\0');
  REQUIRE(::pread(file.fd.get(), text.data(), text.size(), 0) == file.size);
  return text;
}

TEST_CASE("open beneath: files and folders under the root open") {
  testing::TempDir dir;
  WriteFile(dir.path() / "root/a/b/file.txt", "hello");
  auto root = OpenRoot(dir.path() / "root");
  REQUIRE(root.ok());
  auto file = OpenReadableBeneath(root->get(), "a/b/file.txt");
  REQUIRE(file.ok());
  CHECK(file->size == 5);
  CHECK(ReadAll(*file) == "hello");
  CHECK(OpenFolderBeneath(root->get(), "a/b", /*create=*/false).ok());
  CHECK(absl::IsNotFound(OpenReadableBeneath(root->get(), "a/b/missing").status()));
  CHECK(absl::IsNotFound(OpenReadableBeneath(root->get(), "a/missing/file.txt").status()));
  CHECK(absl::IsNotFound(OpenFolderBeneath(root->get(), "x/y", /*create=*/false).status()));
}

TEST_CASE("open beneath: creating folders makes them owner-only") {
  testing::TempDir dir;
  fs::create_directories(dir.path() / "root");
  auto root = OpenRoot(dir.path() / "root");
  REQUIRE(root.ok());
  REQUIRE(OpenFolderBeneath(root->get(), "new/deeper", /*create=*/true).ok());
  CHECK(fs::status(dir.path() / "root/new").permissions() == fs::perms::owner_all);
  CHECK(fs::status(dir.path() / "root/new/deeper").permissions() == fs::perms::owner_all);
}

TEST_CASE("open beneath: a symbolic link anywhere on the way is refused") {
  testing::TempDir dir;
  WriteFile(dir.path() / "outside/secret.txt", "secret");
  WriteFile(dir.path() / "root/a/inside.txt", "inside");
  fs::create_symlink(dir.path() / "outside/secret.txt", dir.path() / "root/a/link.txt");
  fs::create_symlink(dir.path() / "outside", dir.path() / "root/a/folder_link");
  fs::create_symlink("inside.txt", dir.path() / "root/a/relative_link.txt");  // even one staying inside
  auto root = OpenRoot(dir.path() / "root");
  REQUIRE(root.ok());
  CHECK(absl::IsPermissionDenied(OpenReadableBeneath(root->get(), "a/link.txt").status()));
  CHECK(absl::IsPermissionDenied(OpenReadableBeneath(root->get(), "a/folder_link/secret.txt").status()));
  CHECK(absl::IsPermissionDenied(OpenReadableBeneath(root->get(), "a/relative_link.txt").status()));
  CHECK(absl::IsPermissionDenied(OpenFolderBeneath(root->get(), "a/folder_link", /*create=*/true).status()));
  CHECK(absl::IsPermissionDenied(OpenFolderBeneath(root->get(), "a/folder_link/new", /*create=*/true).status()));
  CHECK(!fs::exists(dir.path() / "outside/new"));
}

TEST_CASE("open beneath: a file with a second name (a hard link) is refused") {
  testing::TempDir dir;
  WriteFile(dir.path() / "outside/secret.txt", "secret");
  fs::create_directories(dir.path() / "root/a");
  fs::create_hard_link(dir.path() / "outside/secret.txt", dir.path() / "root/a/planted");
  auto root = OpenRoot(dir.path() / "root");
  REQUIRE(root.ok());
  CHECK(absl::IsPermissionDenied(OpenReadableBeneath(root->get(), "a/planted").status()));
  auto blobs = OpenLocalBlobStore(dir.path() / "root");
  REQUIRE(blobs.ok());
  CHECK(absl::IsPermissionDenied((*blobs)->Get("a/planted").status()));  // outputs.pb read by the engine
  fs::remove(dir.path() / "outside/secret.txt");                         // its only name is now the one in the store
  CHECK(OpenReadableBeneath(root->get(), "a/planted").ok());
}

TEST_CASE("open beneath: a FIFO is refused rather than waited on") {
  testing::TempDir dir;
  fs::create_directories(dir.path() / "root");
  REQUIRE(::mkfifo((dir.path() / "root/pipe").c_str(), 0600) == 0);
  auto root = OpenRoot(dir.path() / "root");
  REQUIRE(root.ok());
  CHECK(absl::IsPermissionDenied(OpenReadableBeneath(root->get(), "pipe").status()));
}

TEST_CASE("blob store: symbolic links planted in the store are neither read nor written through") {
  testing::TempDir dir;
  WriteFile(dir.path() / "outside/secret.txt", "secret");
  auto blobs = OpenLocalBlobStore(dir.path() / "blobs");
  REQUIRE(blobs.ok());
  auto& store = **blobs;
  fs::create_directories(dir.path() / "blobs/a");
  fs::create_symlink(dir.path() / "outside/secret.txt", dir.path() / "blobs/a/link");
  fs::create_symlink(dir.path() / "outside", dir.path() / "blobs/folder");
  CHECK(absl::IsPermissionDenied(store.Get("a/link").status()));
  CHECK(absl::IsPermissionDenied(store.Open("folder/secret.txt").status()));
  CHECK(absl::IsPermissionDenied(store.Size("a/link").status()));
  CHECK(absl::IsPermissionDenied(store.Put("a/link", "overwrite")));
  CHECK(absl::IsPermissionDenied(store.Put("folder/new.txt", "planted")));
  CHECK(absl::IsPermissionDenied(store.Put("folder/secret.txt", "overwrite")));
  std::ifstream secret(dir.path() / "outside/secret.txt");
  std::string text((std::istreambuf_iterator<char>(secret)), std::istreambuf_iterator<char>());
  CHECK(text == "secret");
  CHECK(!fs::exists(dir.path() / "outside/new.txt"));
}

TEST_CASE("blob store: a writer's object appears only on Commit, and not at all when dropped") {
  testing::TempDir dir;
  auto blobs = OpenLocalBlobStore(dir.path() / "blobs");
  REQUIRE(blobs.ok());
  auto& store = **blobs;
  {
    auto writer = store.NewWriter("x/dropped");
    REQUIRE(writer.ok());
    REQUIRE((*writer)->Append("part").ok());
  }
  CHECK(absl::IsNotFound(store.Get("x/dropped").status()));
  auto writer = store.NewWriter("x/kept");
  REQUIRE(writer.ok());
  REQUIRE((*writer)->Append("one ").ok());
  REQUIRE((*writer)->Append("two").ok());
  CHECK(absl::IsNotFound(store.Get("x/kept").status()));
  REQUIRE((*writer)->Commit().ok());
  CHECK(*store.Get("x/kept") == "one two");
  CHECK(fs::status(dir.path() / "blobs/x/kept").permissions() == (fs::perms::owner_read | fs::perms::owner_write));
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir.path())) files += entry.is_regular_file();
  CHECK(files == 1);
}

}  // namespace
}  // namespace flyte::store
