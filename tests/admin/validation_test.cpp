// Request validation: FlyteAdmin's execution name rule, which also keeps a name to one folder of
// the execution's data.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "admin/validation.h"

namespace flyte::admin {
namespace {

TEST_CASE("validation: execution names follow FlyteAdmin's length limit and pattern") {
  for (const std::string& name :
       std::vector<std::string>{"a", "abc-123", "f7e2d3c4b5a6978812ab", "MyRun", std::string(63, 'a')}) {
    CHECK_MESSAGE(ValidateExecutionName(name).ok(), name);
  }
  Status too_long = ValidateExecutionName(std::string(300, 'a'));
  CHECK(absl::IsInvalidArgument(too_long));
  CHECK(too_long.message() == "execution name is 300 characters long; the limit is 63");
  CHECK(!ValidateExecutionName(std::string(64, 'a')).ok());

  for (const std::string name : {"victim/n0/data", "..", "a..b/c", "1abc", "-abc", "a_b", "a.b", "a b", "é"}) {
    Status status = ValidateExecutionName(name);
    CHECK_MESSAGE(absl::IsInvalidArgument(status), name);
    CHECK_MESSAGE(std::string(status.message()).find("must match ^[a-z][a-z\\-0-9]*$") != std::string::npos, name);
  }
  CHECK(ValidateExecutionName("victim/n0/data").message() ==
        "invalid execution name \"victim/n0/data\": it must match ^[a-z][a-z\\-0-9]*$ (a letter, then letters, digits "
        "and '-')");
}

}  // namespace
}  // namespace flyte::admin
