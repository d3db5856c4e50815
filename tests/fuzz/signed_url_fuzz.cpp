// Signed URLs of the /data/ endpoint (admin/signed_urls.cpp) with the query string parser they are
// read through (common/url.cpp). Input: "<method>\n<key>\n<query string>". Any query either
// verifies or is refused; a URL we sign ourselves for the same method and key always verifies.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "admin/signed_urls.h"
#include "common/url.h"
#include "fakes/fake_clock.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const flyte::testing::FakeClock clock;
  static const flyte::admin::UrlSigner signer("fuzz-secret", "http://localhost:30080", clock);
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view method = flyte::fuzz::NextLine(input);
  const std::string_view key = flyte::fuzz::NextLine(input);
  const std::string_view query_text = flyte::fuzz::NextLine(input);

  if (auto query = flyte::ParseQuery(query_text); query.ok()) (void)signer.Verify(method, key, *query);
  (void)flyte::PercentDecode(key);

  const std::string md5 = std::string(input.substr(0, 16));
  const flyte::admin::SignedUrl url = signer.Sign(method, key, std::chrono::seconds(60), md5);
  const size_t question = url.url.find('?');
  const std::string_view path = std::string_view(url.url).substr(0, question);
  const std::string_view prefix = "http://localhost:30080/data/";
  auto decoded_key = flyte::PercentDecode(path.substr(prefix.size()));
  auto query = flyte::ParseQuery(std::string_view(url.url).substr(question + 1));
  if (!decoded_key.ok() || *decoded_key != key || !query.ok()) abort();
  auto verified = signer.Verify(method, *decoded_key, *query);
  if (!verified.ok() || *verified != md5) abort();
  return 0;
}
