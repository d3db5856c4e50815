#include <doctest/doctest.h>
#include <google/protobuf/util/message_differencer.h>

#include "fakes/fake_clock.h"
#include "fakes/flyteidl_values.h"
#include "fakes/temp_dir.h"
#include "store/store.h"

namespace flyte::store {
namespace {

using google::protobuf::util::MessageDifferencer;
using testing::BoolLiteral;
using testing::SimpleType;

const ExecutionKey kE1{"p", "d", "e1"};

flyteidl::core::SignalIdentifier Id(const std::string& signal_id, const ExecutionKey& execution = kE1) {
  return testing::SignalIdOf(execution, signal_id);
}

TEST_CASE("signal store: declared once with a type, then set once") {
  testing::TempDir dir;
  testing::FakeClock clock;
  const auto file = dir.path() / "registry.db";
  {
    auto stores = OpenSqliteStores(file, clock);
    REQUIRE(stores.ok());
    SignalStore& signals = *stores->signals;
    CHECK(absl::IsNotFound(signals.Get(Id("approve")).status()));

    auto created = signals.GetOrCreate(Id("approve"), SimpleType(flyteidl::core::BOOLEAN));
    REQUIRE(created.ok());
    CHECK(MessageDifferencer::Equals(created->id(), Id("approve")));
    CHECK(created->type().simple() == flyteidl::core::BOOLEAN);
    CHECK_FALSE(created->has_value());
    // Declaring it again returns it; declaring it with another type is refused.
    CHECK(signals.GetOrCreate(Id("approve"), SimpleType(flyteidl::core::BOOLEAN)).ok());
    CHECK(absl::IsAlreadyExists(signals.GetOrCreate(Id("approve"), SimpleType(flyteidl::core::INTEGER)).status()));

    CHECK(absl::IsNotFound(signals.Set(Id("unknown"), BoolLiteral(true))));
    REQUIRE(signals.Set(Id("approve"), BoolLiteral(true)).ok());
    CHECK(signals.Set(Id("approve"), BoolLiteral(true)).ok());
    CHECK(absl::IsFailedPrecondition(signals.Set(Id("approve"), BoolLiteral(false))));
  }
  // The value survives reopening, and GetOrCreate returns it.
  auto stores = OpenSqliteStores(file, clock);
  REQUIRE(stores.ok());
  auto reread = stores->signals->GetOrCreate(Id("approve"), SimpleType(flyteidl::core::BOOLEAN));
  REQUIRE(reread.ok());
  REQUIRE(reread->has_value());
  CHECK(reread->value().scalar().primitive().boolean());
  CHECK(stores->signals->Get(Id("approve"))->value().scalar().primitive().boolean());
}

TEST_CASE("signal store: lists one execution's signals a page at a time") {
  testing::TempDir dir;
  testing::FakeClock clock;
  auto stores = OpenSqliteStores(dir.path() / "registry.db", clock);
  REQUIRE(stores.ok());
  SignalStore& signals = *stores->signals;
  for (const char* name : {"c", "a", "b"}) {
    REQUIRE(signals.GetOrCreate(Id(name), SimpleType(flyteidl::core::STRING)).ok());
    clock.Advance(std::chrono::milliseconds(10));
  }
  REQUIRE(signals.GetOrCreate(Id("a", {"p", "d", "e2"}), SimpleType(flyteidl::core::STRING)).ok());

  auto by_creation = signals.List(kE1, {{}, {Ascending(Column::kCreatedAt)}, 2, 0});
  REQUIRE(by_creation.ok());
  REQUIRE(by_creation->size() == 2);
  CHECK((*by_creation)[0].id().signal_id() == "c");
  CHECK((*by_creation)[1].id().signal_id() == "a");
  auto rest = signals.List(kE1, {{}, {Ascending(Column::kCreatedAt)}, 2, 2});
  REQUIRE(rest->size() == 1);
  CHECK((*rest)[0].id().signal_id() == "b");
  // The columns a list filters on: created_at comes from the clock.
  auto later = signals.List(
      kE1, {{{Column::kCreatedAt, Op::kGt, {int64_t{1'700'000'000'005}}}}, {Ascending(Column::kSignalId)}, 10, 0});
  REQUIRE(later->size() == 2);
  CHECK((*later)[0].id().signal_id() == "a");
  CHECK((*later)[1].id().signal_id() == "b");
  CHECK(signals.List({"p", "d", "none"}, {{}, {}, 10, 0})->empty());
}

}  // namespace
}  // namespace flyte::store
