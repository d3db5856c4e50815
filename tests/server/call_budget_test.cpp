#include "server/call_budget.h"

#include <doctest/doctest.h>

#include <string>

namespace flyte::server {
namespace {

TEST_CASE("call budget: calls past the limit wait, first come first served, until calls are returned") {
  CallBudget budget(4);
  std::string granted;
  CHECK(budget.TakeOrQueue(3, false, [] {}));
  CHECK_FALSE(budget.TakeOrQueue(2, false, [&] { granted += "a"; }));
  CHECK_FALSE(budget.TakeOrQueue(1, false, [&] { granted += "b"; }));  // it would fit, but "a" came first
  CHECK(budget.in_flight() == 3);
  budget.Return(1);
  CHECK(granted == "a");
  CHECK(budget.in_flight() == 4);
  budget.Return(1);
  CHECK(granted == "ab");
  CHECK(budget.in_flight() == 4);
  budget.Return(4);
  CHECK(budget.in_flight() == 0);
}

TEST_CASE("call budget: a batch larger than the limit passes an empty budget") {
  CallBudget budget(4);
  CHECK(budget.TakeOrQueue(10, false, [] {}));
  bool granted = false;
  CHECK_FALSE(budget.TakeOrQueue(3, false, [&] { granted = true; }));
  budget.Return(8);
  CHECK_FALSE(granted);
  budget.Return(1);
  CHECK(granted);
}

TEST_CASE("call budget: connections that reset calls wait behind the others") {
  CallBudget budget(2);
  std::string granted;
  CHECK(budget.TakeOrQueue(2, true, [] {}));
  CHECK_FALSE(budget.TakeOrQueue(2, true, [&] { granted += "flood"; }));
  CHECK_FALSE(budget.TakeOrQueue(1, false, [&] { granted += "real"; }));
  budget.Return(1);
  CHECK(granted == "real");
  budget.Return(2);
  CHECK(granted == "realflood");
}

TEST_CASE("call budget: gRPC is at the limit while it runs as many calls as the budget") {
  CallBudget budget(2);
  CHECK_FALSE(budget.GrpcAtLimit());
  budget.CallStarted();
  CHECK_FALSE(budget.GrpcAtLimit());
  budget.CallStarted();
  CHECK(budget.GrpcAtLimit());
  budget.CallStarted();  // the gateway's calls count too, past the budget
  budget.CallEnded();
  CHECK(budget.GrpcAtLimit());
  budget.CallEnded();
  CHECK_FALSE(budget.GrpcAtLimit());
}

}  // namespace
}  // namespace flyte::server
