#include "app/signing_key.h"

#include <doctest/doctest.h>

#include "fakes/temp_dir.h"

namespace flyte::app {
namespace {

TEST_CASE("signing key: made once, private, and the same after a restart") {
  testing::TempDir temp;
  auto first = LoadSigningKey(temp.path());
  REQUIRE(first.ok());
  CHECK(first->size() == 32);
  namespace fs = std::filesystem;
  const fs::perms permissions = fs::status(temp.path() / "signing.key").permissions() & fs::perms::all;
  CHECK(permissions == (fs::perms::owner_read | fs::perms::owner_write));
  auto again = LoadSigningKey(temp.path());
  REQUIRE(again.ok());
  CHECK(*again == *first);
}

}  // namespace
}  // namespace flyte::app
