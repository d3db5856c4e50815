#include "plugins/shared_plugin.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fakes/fake_plugin.h"

namespace flyte::plugins {
namespace {

struct Shared {
  testing::FakePlugin* plugin = nullptr;
  SharedPlugin shared{[this](ChangeCallback on_change) {
                        auto made = std::make_unique<testing::FakePlugin>(std::move(on_change));
                        plugin = made.get();
                        return made;
                      },
                      2};
};

TaskAttempt AttemptOf(const std::string& id) {
  TaskAttempt attempt;
  attempt.id = id;
  return attempt;
}

TEST_CASE("shared plugin: one instance; each change goes to the client whose attempt it is") {
  Shared s;
  std::vector<AttemptId> v1_changes, v2_changes;
  std::unique_ptr<Plugin> v1 = s.shared.Factory()([&](const AttemptId& id) { v1_changes.push_back(id); });
  std::unique_ptr<Plugin> v2 = s.shared.Factory()([&](const AttemptId& id) { v2_changes.push_back(id); });
  REQUIRE(v1->Start(AttemptOf("p/d/e/n0/0")).ok());
  REQUIRE(v2->Start(AttemptOf("v2/p/d/r/a0/1")).ok());
  CHECK(s.plugin->started.size() == 2);  // both in the one plugin

  s.plugin->Exit("v2/p/d/r/a0/1");
  s.plugin->Exit("p/d/e/n0/0", 1);
  CHECK(v1_changes == std::vector<AttemptId>{"p/d/e/n0/0"});
  CHECK(v2_changes == std::vector<AttemptId>{"v2/p/d/r/a0/1"});
  auto status = v1->Check("p/d/e/n0/0");
  REQUIRE(status.ok());
  CHECK(status->exit_code == 1);
  REQUIRE(v2->Abort("v2/p/d/r/a0/1").ok());
  CHECK(s.plugin->aborted == std::vector<AttemptId>{"v2/p/d/r/a0/1"});

  // Finalized: later changes reach nobody. A view gone: its attempts' changes are dropped.
  REQUIRE(v2->Finalize("v2/p/d/r/a0/1").ok());
  s.plugin->Exit("v2/p/d/r/a0/1");
  CHECK(v2_changes.size() == 1);
  v1.reset();
  s.plugin->Exit("p/d/e/n0/0");
  CHECK(v1_changes.size() == 1);
}

TEST_CASE("shared plugin: recovered attempts are claimed, and the sweep runs once both clients recovered") {
  Shared s;
  std::vector<AttemptId> v2_changes;
  std::unique_ptr<Plugin> v1 = s.shared.View([](const AttemptId&) {});
  std::unique_ptr<Plugin> v2 = s.shared.View([&](const AttemptId& id) { v2_changes.push_back(id); });
  s.plugin->recoveries["v2/p/d/r/a1/1"].state = Recovery::State::kRunning;
  REQUIRE(v2->Recover(AttemptOf("v2/p/d/r/a1/1")).ok());
  v1->Recovered();
  CHECK(s.plugin->sweeps == 0);  // Flyte 2's attempts are not all claimed yet
  v2->Recovered();
  CHECK(s.plugin->sweeps == 1);
  s.plugin->Exit("v2/p/d/r/a1/1");
  CHECK(v2_changes == std::vector<AttemptId>{"v2/p/d/r/a1/1"});
}

}  // namespace
}  // namespace flyte::plugins
