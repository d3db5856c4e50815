#include "admin/signed_urls.h"

#include <doctest/doctest.h>

#include "common/digest.h"
#include "common/url.h"
#include "fakes/fake_clock.h"

namespace flyte::admin {
namespace {

std::multimap<std::string, std::string> QueryOf(const std::string& url) {
  return *ParseQuery(url.substr(url.find('?') + 1));
}

TEST_CASE("signed URLs: grant one method on one key until they expire") {
  testing::FakeClock clock;
  UrlSigner signer("secret", "http://localhost:30080", clock);
  const std::string md5 = Md5("payload");
  SignedUrl url = signer.Sign("PUT", "uploads/p/d/x/f.tar.gz", std::chrono::seconds(60), md5);
  CHECK(url.url.rfind("http://localhost:30080/data/uploads/p/d/x/f.tar.gz?", 0) == 0);
  const auto query = QueryOf(url.url);

  auto pinned = signer.Verify("PUT", "uploads/p/d/x/f.tar.gz", query);
  REQUIRE(pinned.ok());
  CHECK(*pinned == md5);

  CHECK(absl::IsPermissionDenied(signer.Verify("GET", "uploads/p/d/x/f.tar.gz", query).status()));
  CHECK(absl::IsPermissionDenied(signer.Verify("PUT", "uploads/p/d/x/other", query).status()));
  UrlSigner other_key("another secret", "http://localhost:30080", clock);
  CHECK(absl::IsPermissionDenied(other_key.Verify("PUT", "uploads/p/d/x/f.tar.gz", query).status()));

  auto tampered = query;
  tampered.find("md5")->second = HexEncode(Md5("other"));
  CHECK(absl::IsPermissionDenied(signer.Verify("PUT", "uploads/p/d/x/f.tar.gz", tampered).status()));
  CHECK(absl::IsPermissionDenied(signer.Verify("PUT", "uploads/p/d/x/f.tar.gz", {}).status()));

  // The expiry must be spelled as signed: the number with anything around it is refused.
  for (const std::string& spelling : {std::to_string(url.expires_at) + "junk", "0" + std::to_string(url.expires_at),
                                      "+" + std::to_string(url.expires_at), std::to_string(url.expires_at) + " "}) {
    auto respelled = query;
    respelled.find("expires")->second = spelling;
    auto refused = signer.Verify("PUT", "uploads/p/d/x/f.tar.gz", respelled);
    CHECK_MESSAGE(absl::IsPermissionDenied(refused.status()), spelling);
  }

  clock.Advance(std::chrono::seconds(61));
  auto expired = signer.Verify("PUT", "uploads/p/d/x/f.tar.gz", query);
  CHECK(absl::IsPermissionDenied(expired.status()));
  CHECK(std::string(expired.status().message()).find("expired") != std::string::npos);
}

}  // namespace
}  // namespace flyte::admin
