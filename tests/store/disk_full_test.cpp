// A full disk at the store: the write-ahead log holds its working size on disk from the start,
// and a database that cannot grow (SQLite's max_page_count stands in for a full disk) refuses
// writes with RESOURCE_EXHAUSTED, keeps what was committed, and writes again once there is room.
#include <sys/stat.h>

#include <doctest/doctest.h>

#include "fakes/temp_dir.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace flyte::testing {
namespace {

// Bytes of disk the file holds (its blocks), whatever its size says.
int64_t Allocated(const std::filesystem::path& file) {
  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  return static_cast<int64_t>(info.st_blocks) * 512;
}

TEST_CASE("store: the write-ahead log holds its working size on disk from the start, also after reopening") {
  TempDir dir;
  const auto log = dir.path() / "registry.db-wal";
  constexpr int64_t kCheckpointPages = 1000;  // SQLite's wal_autocheckpoint, pages of 4 KiB
  for (int open = 0; open < 2; ++open) {
    auto stores = store::OpenSqliteStores(dir.path() / "registry.db");
    REQUIRE(stores.ok());
    CHECK(Allocated(log) >= kCheckpointPages * 4096 + (1 << 20));
    CHECK(std::filesystem::file_size(log) < kCheckpointPages * 4096);  // the size stays SQLite's
  }
}

TEST_CASE("store: a database that cannot grow refuses writes, keeps what was committed and writes again with room") {
  TempDir dir;
  auto opened = store::Database::Open(dir.path() / "full.db");
  REQUIRE(opened.ok());
  store::Database& db = **opened;
  REQUIRE(db.Exec("CREATE TABLE t (v BLOB)").ok());
  const auto insert = [&db] {
    return store::InTransaction(db, [&db]() -> Status {
      ASSIGN_OR_RETURN(store::Statement statement, db.Prepare("INSERT INTO t VALUES (?1)"));
      return statement.BindBlob(1, std::string(4096, 'x')).Run();
    });
  };
  const auto rows = [&db] {
    auto count = db.Prepare("SELECT count(*) FROM t");
    REQUIRE(count.ok());
    REQUIRE(*count->Step());
    return count->Int(0);
  };
  REQUIRE(insert().ok());
  REQUIRE(db.Exec("PRAGMA max_page_count = 1").ok());  // no smaller than the file: no page more
  const Status full = insert();
  CHECK(absl::IsResourceExhausted(full));
  CHECK(rows() == 1);
  REQUIRE(db.Exec("PRAGMA max_page_count = 1000000").ok());
  CHECK(insert().ok());
  CHECK(rows() == 2);
}

}  // namespace
}  // namespace flyte::testing
