// SignalService handlers over a real SQLite signal store, with the fake engine recording wakes.
#include <doctest/doctest.h>

#include "admin/admin.h"
#include "fakes/admin_fixture.h"
#include "fakes/flyteidl_values.h"

namespace flyte::admin {
namespace {

using flyteidl::core::Literal;
using flyteidl::core::LiteralType;
using testing::IntLiteral;
using testing::SimpleType;
using testing::StringLiteral;

const store::ExecutionKey kExecution{"flytesnacks", "development", "e1"};

flyteidl::core::SignalIdentifier SignalId(const std::string& signal_id) {
  return testing::SignalIdOf(kExecution, signal_id);
}

Literal Collection(std::initializer_list<Literal> items) {
  Literal literal;
  for (const Literal& item : items) *literal.mutable_collection()->add_literals() = item;
  return literal;
}

struct SignalsFixture : testing::AdminFixture {
  StatusOr<flyteidl::admin::Signal> Declare(const std::string& signal_id, const LiteralType& type) {
    flyteidl::admin::SignalGetOrCreateRequest request;
    *request.mutable_id() = SignalId(signal_id);
    *request.mutable_type() = type;
    flyteidl::admin::Signal signal;
    RETURN_IF_ERROR(admin->signals().GetOrCreateSignal(request, &signal));
    return signal;
  }

  Status Set(const std::string& signal_id, const Literal& value) {
    flyteidl::admin::SignalSetRequest request;
    *request.mutable_id() = SignalId(signal_id);
    *request.mutable_value() = value;
    flyteidl::admin::SignalSetResponse response;
    return admin->signals().SetSignal(request, &response);
  }

  flyteidl::admin::SignalList List(uint32_t limit, const std::string& token, const std::string& filters = "") {
    flyteidl::admin::SignalListRequest request;
    *request.mutable_workflow_execution_id() = testing::ExecutionIdOf(kExecution);
    request.set_limit(limit);
    request.set_token(token);
    request.set_filters(filters);
    flyteidl::admin::SignalList list;
    Status status = admin->signals().ListSignals(request, &list);
    REQUIRE_MESSAGE(status.ok(), status.ToString());
    return list;
  }
};

TEST_CASE_FIXTURE(SignalsFixture, "signals: GetOrCreateSignal declares once, without needing the execution") {
  auto created = Declare("approve", SimpleType(flyteidl::core::BOOLEAN));
  REQUIRE_MESSAGE(created.ok(), created.status().ToString());
  CHECK(created->id().signal_id() == "approve");
  CHECK(created->id().execution_id().name() == "e1");
  CHECK(created->type().simple() == flyteidl::core::BOOLEAN);
  CHECK_FALSE(created->has_value());
  auto again = Declare("approve", SimpleType(flyteidl::core::BOOLEAN));
  REQUIRE(again.ok());
  CHECK(again->SerializeAsString() == created->SerializeAsString());
  CHECK(absl::IsAlreadyExists(Declare("approve", SimpleType(flyteidl::core::INTEGER)).status()));

  Status no_name = Declare("", SimpleType(flyteidl::core::BOOLEAN)).status();
  CHECK(absl::IsInvalidArgument(no_name));
  CHECK(no_name.message() == "missing id.signal_id");
  flyteidl::admin::SignalGetOrCreateRequest untyped;
  *untyped.mutable_id() = SignalId("x");
  flyteidl::admin::Signal ignored;
  CHECK(absl::IsInvalidArgument(admin->signals().GetOrCreateSignal(untyped, &ignored)));
}

TEST_CASE_FIXTURE(SignalsFixture, "signals: SetSignal stores a value of the declared type and wakes the execution") {
  REQUIRE(Declare("count", SimpleType(flyteidl::core::INTEGER)).ok());
  REQUIRE(Set("count", IntLiteral(3)).ok());
  REQUIRE(engine.woken.size() == 1);
  CHECK(engine.woken[0] == kExecution);
  auto stored = Declare("count", SimpleType(flyteidl::core::INTEGER));
  REQUIRE(stored.ok());
  CHECK(stored->value().scalar().primitive().integer() == 3);

  // The same value again is accepted; another one is not (a gate may have passed with the first).
  CHECK(Set("count", IntLiteral(3)).ok());
  CHECK(absl::IsFailedPrecondition(Set("count", IntLiteral(4))));
}

TEST_CASE_FIXTURE(SignalsFixture, "signals: SetSignal refuses unknown signals and values of another type") {
  CHECK(absl::IsNotFound(Set("nobody", IntLiteral(1))));
  REQUIRE(Declare("count", SimpleType(flyteidl::core::INTEGER)).ok());
  Status wrong = Set("count", StringLiteral("three"));
  CHECK(absl::IsInvalidArgument(wrong));
  CHECK(wrong.message() == "the value does not fit the type of signal \"count\" (integer)");
  CHECK(absl::IsInvalidArgument(Set("count", Literal())));
  CHECK(engine.woken.empty());
  CHECK_FALSE(Declare("count", SimpleType(flyteidl::core::INTEGER))->has_value());
}

TEST_CASE_FIXTURE(SignalsFixture, "signals: values are checked element by element, through unions and enums") {
  LiteralType ints;
  *ints.mutable_collection_type() = SimpleType(flyteidl::core::INTEGER);
  REQUIRE(Declare("xs", ints).ok());
  CHECK(absl::IsInvalidArgument(Set("xs", Collection({IntLiteral(1), StringLiteral("2")}))));
  CHECK(absl::IsInvalidArgument(Set("xs", IntLiteral(1))));
  CHECK(Set("xs", Collection({IntLiteral(1), IntLiteral(2)})).ok());

  LiteralType optional_ints;
  *optional_ints.mutable_union_type()->add_variants() = ints;
  *optional_ints.mutable_union_type()->add_variants() = SimpleType(flyteidl::core::NONE);
  REQUIRE(Declare("maybe_xs", optional_ints).ok());
  CHECK(Set("maybe_xs", Collection({IntLiteral(5)})).ok());

  LiteralType color;
  color.mutable_enum_type()->add_values("red");
  color.mutable_enum_type()->add_values("green");
  REQUIRE(Declare("color", color).ok());
  CHECK(absl::IsInvalidArgument(Set("color", StringLiteral("blue"))));
  CHECK(Set("color", StringLiteral("green")).ok());
}

TEST_CASE_FIXTURE(SignalsFixture, "signals: ListSignals pages an execution's signals in creation order") {
  for (const char* name : {"b", "c", "a"}) {
    REQUIRE(Declare(name, SimpleType(flyteidl::core::BOOLEAN)).ok());
    clock.Advance(std::chrono::seconds(1));
  }
  flyteidl::admin::SignalList first = List(2, "");
  REQUIRE(first.signals_size() == 2);
  CHECK(first.signals(0).id().signal_id() == "b");
  CHECK(first.signals(1).id().signal_id() == "c");
  CHECK(first.token() == "2");
  flyteidl::admin::SignalList second = List(2, first.token());
  REQUIRE(second.signals_size() == 1);
  CHECK(second.signals(0).id().signal_id() == "a");
  CHECK(second.token().empty());

  flyteidl::admin::SignalList filtered = List(0, "", "eq(signal.signal_id,c)");
  REQUIRE(filtered.signals_size() == 1);
  CHECK(filtered.signals(0).id().signal_id() == "c");

  flyteidl::admin::SignalListRequest bad;
  bad.mutable_workflow_execution_id()->set_project(kExecution.project);
  flyteidl::admin::SignalList ignored;
  CHECK(absl::IsInvalidArgument(admin->signals().ListSignals(bad, &ignored)));
  *bad.mutable_workflow_execution_id() = testing::ExecutionIdOf(kExecution);
  bad.set_filters("eq(value,1)");
  CHECK(absl::IsInvalidArgument(admin->signals().ListSignals(bad, &ignored)));
}

}  // namespace
}  // namespace flyte::admin
