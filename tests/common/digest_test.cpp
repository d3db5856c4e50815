#include "common/digest.h"

#include <doctest/doctest.h>

#include "common/url.h"

namespace flyte {
namespace {

TEST_CASE("digest: known vectors") {
  CHECK(HexEncode(Md5("")) == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(HexEncode(Sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Base64Encode("hello") == "aGVsbG8=");
  CHECK(*Base64Decode("aGVsbG8=") == "hello");
  CHECK_FALSE(Base64Decode("abc").ok());
  // RFC 4648 test vectors.
  CHECK(Base32Encode("f") == "MY======");
  CHECK(Base32Encode("foobar") == "MZXW6YTBOI======");
  CHECK(SecureEquals("abc", "abc"));
  CHECK_FALSE(SecureEquals("abc", "abd"));
}

TEST_CASE("url: percent encoding and query strings") {
  CHECK(PercentEncode("a b/c", true) == "a%20b/c");
  CHECK(PercentEncode("a b/c", false) == "a%20b%2Fc");
  CHECK(*PercentDecode("a%20b") == "a b");
  CHECK_FALSE(PercentDecode("a%2").ok());
  CHECK_FALSE(PercentDecode("a%zz").ok());
  auto query = ParseQuery("limit=10&sort_by.key=created_at&filters=eq(name%2Cx)&flag");
  REQUIRE(query.ok());
  CHECK(query->find("limit")->second == "10");
  CHECK(query->find("sort_by.key")->second == "created_at");
  CHECK(query->find("filters")->second == "eq(name,x)");
  CHECK(query->find("flag")->second.empty());
}

}  // namespace
}  // namespace flyte
