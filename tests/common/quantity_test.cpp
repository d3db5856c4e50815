#include "common/quantity.h"

#include <doctest/doctest.h>

#include <limits>
#include <string>

namespace flyte {
namespace {

Quantity Q(const std::string& text) {
  StatusOr<Quantity> quantity = Quantity::Parse(text);
  REQUIRE_MESSAGE(quantity.ok(), text, ": ", quantity.status().message());
  return *quantity;
}

TEST_CASE("Quantity reads cpu as Kubernetes does: milli, fractions, whole cores") {
  CHECK(Q("500m").NanoValue() == 500'000'000);
  CHECK(Q("0.5").NanoValue() == 500'000'000);
  CHECK(Q(".5").NanoValue() == 500'000'000);
  CHECK(Q("2").NanoValue() == 2'000'000'000);
  CHECK(Q("1.5").Value() == 2);  // whole units round up
  CHECK(Q("250u").NanoValue() == 250'000);
  CHECK(Q("0.0000000001").NanoValue() == 1);  // below a nano: rounded up
  CHECK(Q("500m") == Q("0.5"));
  CHECK(Q("1") > Q("999m"));
}

TEST_CASE("Quantity reads memory in binary, decimal and exponent forms") {
  CHECK(Q("64Mi").Value() == 64LL << 20);
  CHECK(Q("1Gi").Value() == 1LL << 30);
  CHECK(Q("1.5Gi").Value() == 3LL << 29);
  CHECK(Q("1G").Value() == 1'000'000'000);
  CHECK(Q("128974848").Value() == 128974848);
  CHECK(Q("129e6").Value() == 129'000'000);
  CHECK(Q("129E6").Value() == 129'000'000);
  CHECK(Q("1E").Value() == 1'000'000'000'000'000'000);             // exa, not an exponent
  CHECK(Q("8Ei").Value() == std::numeric_limits<int64_t>::max());  // 2^63: the largest, saturated
  CHECK(Q("0").IsZero());
  CHECK(Q("+1k").Value() == 1000);
  CHECK(Q("-1").Value() == -1);
}

TEST_CASE("Quantity refuses what Kubernetes refuses") {
  for (const char* bad : {"", "abc", "1.2.3", "64MB", "1 Gi", "Mi", ".", "1e", "1Ki2", "--1", "9Ei", "1e40"}) {
    CAPTURE(bad);
    const StatusOr<Quantity> parsed = Quantity::Parse(bad);
    CHECK(absl::IsInvalidArgument(parsed.status()));
  }
  CHECK(Quantity::Parse("64MB").status().message().find("\"64MB\"") != std::string::npos);
}

TEST_CASE("Quantity prints its canonical form, as FlyteAdmin shows filled resources") {
  CHECK(Q("0.5").String() == "500m");
  CHECK(Q("500m").String() == "500m");
  CHECK(Q("2").String() == "2");
  CHECK(Q("1000").String() == "1k");
  CHECK(Q("1500m").String() == "1500m");
  CHECK(Q("1.5").String() == "1500m");
  CHECK(Q("64Mi").String() == "64Mi");
  CHECK(Q("1024Mi").String() == "1Gi");
  CHECK(Q("1.5Gi").String() == "1536Mi");
  CHECK(Q("0.5Ki").String() == "512");
  CHECK(Q("1G").String() == "1G");
  CHECK(Q("128974848").String() == "128974848");
  CHECK(Q("129e6").String() == "129e6");
  CHECK(Q("0").String() == "0");
  CHECK(Quantity().String() == "0");
}

}  // namespace
}  // namespace flyte
