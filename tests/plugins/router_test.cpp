#include "plugins/router.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fakes/fake_plugin.h"

namespace flyte::plugins {
namespace {

// A registry of fake plugins that remembers the ones it made.
struct FakeKinds {
  PluginRegistry registry;
  std::map<std::string, testing::FakePlugin*> made;

  void Add(const std::string& name, std::vector<std::string> task_types) {
    REQUIRE(registry
                .Register({name, std::move(task_types),
                           [this, name](ChangeCallback on_change) {
                             auto plugin = std::make_unique<testing::FakePlugin>(std::move(on_change));
                             made[name] = plugin.get();
                             return plugin;
                           }})
                .ok());
  }
};

TaskAttempt AttemptOf(const std::string& id, const std::string& task_type) {
  TaskAttempt attempt;
  attempt.id = id;
  attempt.task.set_type(task_type);
  return attempt;
}

PluginsConfig Routes(std::map<std::string, std::string> entries) {
  PluginsConfig config;
  config.plugin_for = std::move(entries);
  return config;
}

TEST_CASE("router: each task type goes to its plugin, the rest to the default") {
  FakeKinds kinds;
  kinds.Add("local", {std::string(kAnyTaskType)});
  kinds.Add("container", {"raw-container", "container"});
  kinds.Add("unused", {"spark"});
  auto factory = RoutingPluginFactory(kinds.registry, Routes({{"default", "local"}, {"raw-container", "container"}}));
  REQUIRE(factory.ok());
  std::vector<AttemptId> changed;
  std::unique_ptr<Plugin> router = (*factory)([&](const AttemptId& id) { changed.push_back(id); });
  CHECK(kinds.made.size() == 2);  // only the configured plugins are made
  CHECK(kinds.made.count("unused") == 0);

  REQUIRE(router->Start(AttemptOf("a1", "python-task")).ok());
  REQUIRE(router->Start(AttemptOf("a2", "raw-container")).ok());
  REQUIRE(kinds.made["local"]->started.size() == 1);
  CHECK(kinds.made["local"]->started[0].id == "a1");
  REQUIRE(kinds.made["container"]->started.size() == 1);
  CHECK(kinds.made["container"]->started[0].id == "a2");

  // Check, Abort and Finalize go to the plugin that started the attempt.
  kinds.made["container"]->Exit("a2", 3);
  CHECK(changed == std::vector<AttemptId>{"a2"});
  auto status = router->Check("a2");
  REQUIRE(status.ok());
  CHECK(status->phase == AttemptPhase::kExited);
  CHECK(status->exit_code == 3);
  CHECK(status->plugin == "container");  // recorded per attempt by the engine
  REQUIRE(router->Abort("a1").ok());
  CHECK(kinds.made["local"]->aborted == std::vector<AttemptId>{"a1"});
  CHECK(kinds.made["container"]->aborted.empty());
  REQUIRE(router->Finalize("a2").ok());
  CHECK(absl::IsNotFound(router->Check("a2").status()));
  CHECK(router->Abort("never-started").ok());
  CHECK(router->Finalize("never-started").ok());
}

TEST_CASE("router: a task type no plugin runs fails the attempt, naming the type and the plugins") {
  FakeKinds kinds;
  kinds.Add("container", {"raw-container"});
  for (const auto& config :
       {Routes({{"default", ""}, {"raw-container", "container"}}), Routes({{"default", "container"}})}) {
    auto factory = RoutingPluginFactory(kinds.registry, config);
    REQUIRE(factory.ok());
    std::vector<AttemptId> changed;
    std::unique_ptr<Plugin> router = (*factory)([&](const AttemptId& id) { changed.push_back(id); });

    REQUIRE(router->Start(AttemptOf("a1", "spark")).ok());  // not a Start error: the engine checks
    CHECK(changed == std::vector<AttemptId>{"a1"});
    auto status = router->Check("a1");
    REQUIRE(status.ok());
    CHECK(status->phase == AttemptPhase::kFailedToStart);
    CHECK(status->message.find("no plugin runs task type \"spark\"") != std::string::npos);
    CHECK(status->message.find("plugins available: container (raw-container)") != std::string::npos);
    CHECK(kinds.made["container"]->started.empty());
    CHECK(router->Abort("a1").ok());
    REQUIRE(router->Finalize("a1").ok());
    CHECK(absl::IsNotFound(router->Check("a1").status()));

    // After a restart nothing can have started it: the engine starts it, and learns why it cannot.
    const StatusOr<Recovery> recovered = router->Recover(AttemptOf("a1", "spark"));
    REQUIRE(recovered.ok());
    CHECK(recovered->state == Recovery::State::kNeverStarted);
    CHECK(kinds.made["container"]->recovered.empty());
  }
}

TEST_CASE("router: recovering goes by task type, as starting does; a running attempt is routed from then on") {
  FakeKinds kinds;
  kinds.Add("local", {std::string(kAnyTaskType)});
  auto factory = RoutingPluginFactory(kinds.registry, PluginsConfig{});
  REQUIRE(factory.ok());
  std::unique_ptr<Plugin> router = (*factory)(nullptr);
  const StatusOr<Recovery> never = router->Recover(AttemptOf("a1", "python-task"));
  REQUIRE(never.ok());
  CHECK(never->state == Recovery::State::kNeverStarted);
  CHECK(absl::IsNotFound(router->Check("a1").status()));  // nothing to watch

  kinds.made["local"]->recoveries["a2"].state = Recovery::State::kRunning;
  const StatusOr<Recovery> running = router->Recover(AttemptOf("a2", "python-task"));
  REQUIRE(running.ok());
  CHECK(running->state == Recovery::State::kRunning);
  const StatusOr<AttemptStatus> status = router->Check("a2");
  REQUIRE(status.ok());
  CHECK(status->phase == AttemptPhase::kRunning);
}

TEST_CASE("router: the config is checked against the registry") {
  FakeKinds kinds;
  kinds.Add("local", {std::string(kAnyTaskType)});
  kinds.Add("container", {"raw-container"});
  struct Case {
    std::map<std::string, std::string> entries;
    const char* error;
  };
  const Case cases[] = {
      {{{"default", "docker"}},
       "tasks.plugins: default: no plugin named \"docker\" (plugins available: local (any "
       "task type), container (raw-container))"},
      {{{"python-task", "container"}},
       "tasks.plugins: python-task: the plugin \"container\" does not run this task type"},
  };
  for (const Case& c : cases) {
    auto factory = RoutingPluginFactory(kinds.registry, Routes(c.entries));
    REQUIRE_FALSE(factory.ok());
    CHECK(absl::IsInvalidArgument(factory.status()));
    CHECK(std::string(factory.status().message()).find(c.error) != std::string::npos);
  }
  CHECK_FALSE(kinds.registry.Register({"local", {"x"}, nullptr}).ok());  // one plugin per name
}

}  // namespace
}  // namespace flyte::plugins
