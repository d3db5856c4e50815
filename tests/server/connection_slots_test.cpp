#include "server/connection_slots.h"

#include <doctest/doctest.h>

#include <vector>

namespace flyte::server {
namespace {

TEST_CASE("connection slots: a full listener hangs up the connection silent the longest") {
  ConnectionSlots slots;
  std::vector<int> hung_up;
  const uint64_t first = slots.Open([&] { hung_up.push_back(1); });
  const uint64_t second = slots.Open([&] { hung_up.push_back(2); });
  slots.Open([&] { hung_up.push_back(3); });
  CHECK(slots.Full(3));
  CHECK_FALSE(slots.Full(4));

  slots.Spoke(first);  // routed: no longer a candidate
  CHECK(slots.HangUpOldestSilent());
  CHECK(hung_up == std::vector<int>{2});
  CHECK_FALSE(slots.Full(3));  // counted out at once, not when its coroutine ends

  slots.Release(second);  // its coroutine ends later: nothing more happens
  CHECK(slots.HangUpOldestSilent());
  CHECK(hung_up == std::vector<int>{2, 3});
  CHECK_FALSE(slots.HangUpOldestSilent());  // only the one that spoke is left
  CHECK(slots.Full(1));
  slots.Release(first);
  CHECK_FALSE(slots.Full(1));
}

}  // namespace
}  // namespace flyte::server
