#include "common/digest.h"

#include <doctest/doctest.h>

#include <string>

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

TEST_CASE("url: a malformed escape is located, never quoted") {
  // The token endpoint's form carries client_secret: an error must not send it back (or log it).
  auto form = ParseQuery("grant_type=client_credentials&client_secret=hunter2%zzmore");
  REQUIRE_FALSE(form.ok());
  CHECK(form.status().message() == "parameter client_secret: bad percent escape at byte 7");
  CHECK(PercentDecode("hunter2%2").status().message() == "truncated percent escape at byte 7");
  // A name is repeated only when it decodes to an identifier (a secret sent without its = may not).
  CHECK(ParseQuery("a=1&hunter%2").status().message() == "a parameter name: truncated percent escape at byte 6");
  CHECK(ParseQuery("hunter 2=%zz").status().message() == "a parameter: bad percent escape at byte 0");
  const std::string megabyte(1 << 20, 'k');
  CHECK(ParseQuery(megabyte + "=%zz").status().message() == "a parameter: bad percent escape at byte 0");
  CHECK(ParseQuery("x=" + megabyte + "%").status().message() ==
        "parameter x: truncated percent escape at byte " + std::to_string(megabyte.size()));
}

}  // namespace
}  // namespace flyte
