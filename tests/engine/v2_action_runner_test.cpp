// The Flyte 2 executor's state machine with a fake plugin and clock over the real run store:
// what each step commits, how an attempt's files are judged, retries, timeouts, aborts and the
// recovery after a restart.
#include <doctest/doctest.h>
#include <google/protobuf/util/time_util.h>

#include <limits>

#include <flyteidl2/common/phase.pb.h>
#include <flyteidl2/core/catalog.pb.h>

#include "engine/v2/action_cache.h"
#include "engine/v2/action_metrics.h"
#include "engine/v2/action_runner.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_plugin.h"
#include "fakes/temp_dir.h"
#include "flyteidl/core/errors.pb.h"
#include "flyteidl/core/literals.pb.h"
#include "store/store.h"

namespace flyte::engine::v2 {
namespace {

using google::protobuf::util::TimeUtil;
namespace common2 = flyteidl2::common;

constexpr int64_t kQueued = common2::ACTION_PHASE_QUEUED;
constexpr int64_t kInitializing = common2::ACTION_PHASE_INITIALIZING;
constexpr int64_t kRunning = common2::ACTION_PHASE_RUNNING;
constexpr int64_t kSucceeded = common2::ACTION_PHASE_SUCCEEDED;
constexpr int64_t kFailed = common2::ACTION_PHASE_FAILED;
constexpr int64_t kAborted = common2::ACTION_PHASE_ABORTED;
constexpr int64_t kTimedOut = common2::ACTION_PHASE_TIMED_OUT;

struct Runner {
  testing::TempDir dir;
  testing::FakeClock clock;
  store::SqliteStores stores = *store::OpenSqliteStores(dir.path() / "registry.db", clock);
  std::unique_ptr<store::BlobStore> blobs = *store::OpenLocalBlobStore(dir.path() / "blobs");
  std::vector<plugins::AttemptId> changes;
  std::unique_ptr<testing::FakePlugin> plugin = NewPlugin();
  std::unique_ptr<store::CacheStore>& cache = stores.cache;
  std::unique_ptr<ActionRunner> runner = NewRunner();
  const std::string run_base = *blobs->NativeUrl("v2/p/d/r1");

  std::unique_ptr<testing::FakePlugin> NewPlugin() {
    return std::make_unique<testing::FakePlugin>([this](const plugins::AttemptId& id) { changes.push_back(id); });
  }
  std::unique_ptr<ActionRunner> NewRunner() {
    ActionAttemptConfig config;
    config.logs_dir = dir.path() / "logs";
    config.endpoint = "localhost:30080";
    config.path_prefix = "/opt/flyte2/bin";
    return std::make_unique<ActionRunner>(
        ActionRunnerDeps{*stores.runs, *blobs, *stores.cache, *plugin, clock, config, /*max_system_failures=*/3});
  }
  // The sandbox restarted: a new plugin and runner over the same store.
  void Restart() {
    runner.reset();
    plugin = NewPlugin();
    runner = NewRunner();
  }

  static store::ActionKey Key(const std::string& name = "a0") { return {"p", "d", "r1", name}; }

  // An action as CreateRun (root) or Enqueue (child) commits it: QUEUED, attempt 1's folder named.
  bool overwrite_cache = false;  // the next root's run_spec asks for it

  void Create(const std::string& name, const std::string& parent, uint32_t retries = 0, int64_t timeout_s = 0,
              const std::string& cache_key = "") {
    flyteidl2::workflow::ActionSpec spec;
    spec.mutable_action_id()->set_name(name);
    spec.set_run_output_base(run_base + "/");
    spec.set_input_uri(parent.empty() ? run_base + "/inputs" : run_base + "/" + name + "/inputs.pb");
    if (parent.empty()) {
      *spec.mutable_run_spec()->mutable_run_start_time() = TimeUtil::MillisecondsToTimestamp(1'700'000'000'000);
      auto* env = spec.mutable_run_spec()->mutable_envs()->add_values();
      env->set_key("LOG_LEVEL");
      env->set_value("10");
      spec.mutable_run_spec()->set_overwrite_cache(overwrite_cache);
    }
    auto* task = spec.mutable_task()->mutable_spec()->mutable_task_template();
    task->set_type("python");
    task->mutable_metadata()->mutable_retries()->set_retries(retries);
    if (timeout_s > 0) task->mutable_metadata()->mutable_timeout()->set_seconds(timeout_s);
    for (const char* arg : {"a0", "--inputs", "{{.input}}", "--outputs-path", "{{.outputPrefix}}", "--run-start-time",
                            "{{.runStartTime}}"}) {
      task->mutable_container()->add_args(arg);
    }
    task->mutable_interface()->mutable_outputs()->add_variables()->set_key("o0");
    store::ActionRow row;
    row.key = Key(name);
    row.parent = parent;
    row.phase = kQueued;
    row.created_at = clock.NowMillis();
    row.updated_at = row.created_at;
    row.spec = spec.SerializeAsString();
    row.cache_key = cache_key;
    REQUIRE(stores.runs->CreateAction(row, run_base + "/" + name + "/1").ok());
  }

  // A condition as Enqueue commits it: QUEUED, no output folder.
  void CreateCondition(const std::string& name, const std::string& parent, int64_t timeout_s = 0) {
    flyteidl2::workflow::ActionSpec spec;
    spec.mutable_action_id()->set_name(name);
    spec.set_run_output_base(run_base + "/");
    spec.mutable_condition()->set_name("approve");
    spec.mutable_condition()->mutable_type()->set_simple(flyteidl2::core::BOOLEAN);
    if (timeout_s > 0) spec.mutable_condition()->mutable_timeout()->set_seconds(timeout_s);
    store::ActionRow row;
    row.key = Key(name);
    row.parent = parent;
    row.action_type = flyteidl2::workflow::ACTION_TYPE_CONDITION;
    row.phase = kQueued;
    row.created_at = clock.NowMillis();
    row.updated_at = row.created_at;
    row.spec = spec.SerializeAsString();
    REQUIRE(stores.runs->CreateAction(row, "").ok());
  }
  // What RunService/SignalEvent commits.
  Status Signal(const std::string& name) {
    return stores.runs->Transition(Key(name), {.attempt = 1,
                                               .phase = kSucceeded,
                                               .ends_attempt = true,
                                               .ends_action = true,
                                               .at = clock.NowMillis(),
                                               .signal = "value"});
  }

  store::ActionRow Row(const std::string& name = "a0") { return *stores.runs->GetAction(Key(name)); }
  std::vector<store::AttemptRow> Attempts(const std::string& name = "a0") {
    return *stores.runs->GetAttempts(Key(name));
  }
  static std::vector<int64_t> Phases(const store::AttemptRow& attempt) {
    std::vector<int64_t> phases;
    for (const auto& entered : attempt.phases) phases.push_back(entered.phase);
    return phases;
  }

  std::string Folder(const std::string& name, int attempt) {
    return "v2/p/d/r1/" + name + "/" + std::to_string(attempt);
  }
  void WriteOutputs(const std::string& name, int attempt) {
    flyteidl::core::LiteralMap outputs;
    (*outputs.mutable_literals())["o0"].mutable_scalar()->mutable_primitive()->set_string_value("hello x");
    REQUIRE(blobs->Put(Folder(name, attempt) + "/outputs.pb", outputs.SerializeAsString()).ok());
  }
  void WriteError(const std::string& name, int attempt, bool recoverable) {
    flyteidl::core::ErrorDocument document;
    document.mutable_error()->set_code("ValueError");
    document.mutable_error()->set_message("bad name");
    document.mutable_error()->set_kind(recoverable ? flyteidl::core::ContainerError::RECOVERABLE
                                                   : flyteidl::core::ContainerError::NON_RECOVERABLE);
    document.mutable_error()->set_origin(flyteidl::core::ExecutionError::USER);
    REQUIRE(blobs->Put(Folder(name, attempt) + "/error.pb", document.SerializeAsString()).ok());
  }
  std::string Id(const std::string& name = "a0", int attempt = 1) { return AttemptIdOf(Key(name), attempt); }
};

TEST_CASE_FIXTURE(Runner, "v2 actions: queued → initializing → running → succeeded, each step committed") {
  Create("a0", "");
  runner->Enqueue(Key());
  runner->Step();
  REQUIRE(plugin->started.size() == 1);
  const plugins::TaskAttempt& attempt = plugin->started[0];
  CHECK(attempt.id == "v2/p/d/r1/a0/1");
  CHECK(attempt.token.starts_with("v2-"));
  CHECK(attempt.token.find('/') == std::string::npos);  // a file name: started-<token>
  CHECK(attempt.attempt == 0);
  CHECK(attempt.inputs_path == run_base + "/inputs/inputs.pb");
  CHECK(attempt.output_prefix == run_base + "/a0/1");
  CHECK(attempt.checkpoint_prefix == run_base + "/a0/1/_flytecheckpoints");
  CHECK(attempt.prev_checkpoint_prefix.empty());
  CHECK(attempt.task.container().args(6) == "2023-11-14T22:13:20Z");
  CHECK(attempt.env.at("ACTION_NAME") == "a0");
  CHECK(attempt.env.at("RUN_NAME") == "r1");
  CHECK(attempt.env.at("_U_RUN_BASE") == run_base + "/");
  CHECK(attempt.env.at("_U_ORG_NAME") == "local");
  CHECK(attempt.env.at("_U_EP_OVERRIDE") == "localhost:30080");
  CHECK(attempt.env.at("_U_INSECURE") == "true");
  CHECK(attempt.env.at("_U_USE_ACTIONS") == "1");
  CHECK(attempt.env.at("LOG_LEVEL") == "10");
  CHECK(attempt.path_prefix == "/opt/flyte2/bin");  // a local process's PATH, not a container's
  CHECK(attempt.api_address_variable == "_U_EP_OVERRIDE");
  CHECK(blobs->FindFolder(Folder("a0", 1)).ok());
  CHECK(Row().phase == kRunning);
  CHECK(Phases(Attempts()[0]) == std::vector<int64_t>{kQueued, kInitializing, kRunning});

  clock.Advance(std::chrono::seconds(2));
  WriteOutputs("a0", 1);
  plugin->Exit(Id());
  CHECK(changes == std::vector<plugins::AttemptId>{Id()});
  runner->AttemptChanged(Id());
  runner->Step();
  CHECK(Row().phase == kSucceeded);
  CHECK(Row().terminal);
  CHECK(Row().ended_at == clock.NowMillis());
  CHECK(Phases(Attempts()[0]) == std::vector<int64_t>{kQueued, kInitializing, kRunning, kSucceeded});
  CHECK(plugin->Running() == 0);
  CHECK(runner->Unfinished() == 0);
}

// How many action attempts entered `phase` (ACTION_PHASE_ left out) so far.
double Transitions(const std::string& phase) {
  return metrics::Default()
      .AddCounter("flyte_engine_action_phase_transitions_total", "", {"phase"})
      .With({phase})
      .Value();
}

TEST_CASE_FIXTURE(Runner, "v2 actions: metrics count each phase entered once, the actions driven and run durations") {
  const ActionMetricFamilies& families = ActionMetrics();
  const double queued = Transitions("QUEUED");
  const double initializing = Transitions("INITIALIZING");
  const double running = Transitions("RUNNING");
  const double succeeded = Transitions("SUCCEEDED");
  const double aborted = Transitions("ABORTED");
  const uint64_t runs = families.run_seconds.Read().cumulative.back();
  const double run_seconds = families.run_seconds.Read().sum;

  Create("a0", "");
  Create("c1", "a0");
  runner->Enqueue(Key());
  runner->Enqueue(Key("c1"));
  runner->Step();
  CHECK(families.active_actions.Value() == 2);
  runner->Step();  // a step with nothing new commits nothing again
  clock.Advance(std::chrono::seconds(3));
  WriteOutputs("a0", 1);
  plugin->Exit(Id());
  runner->Step();
  runner->Abort(Key("c1"), "enough");
  runner->Step();
  CHECK(families.active_actions.Value() == 0);

  CHECK(Transitions("QUEUED") - queued == 2);
  CHECK(Transitions("INITIALIZING") - initializing == 2);
  CHECK(Transitions("RUNNING") - running == 2);
  CHECK(Transitions("SUCCEEDED") - succeeded == 1);
  CHECK(Transitions("ABORTED") - aborted == 1);
  // Only the run (a0) is timed: created, then ended 3 s later.
  CHECK(families.run_seconds.Read().cumulative.back() - runs == 1);
  CHECK(families.run_seconds.Read().sum - run_seconds == doctest::Approx(3.0));
}

TEST_CASE_FIXTURE(Runner, "v2 actions: error.pb wins over outputs.pb and a non-recoverable error is not retried") {
  Create("a0", "", /*retries=*/2);
  runner->Enqueue(Key());
  runner->Step();
  WriteOutputs("a0", 1);
  WriteError("a0", 1, /*recoverable=*/false);
  plugin->Exit(Id());
  runner->Step();
  CHECK(Row().phase == kFailed);
  CHECK(Row().attempts == 1);
  flyteidl2::workflow::ErrorInfo error;
  REQUIRE(error.ParseFromString(Row().error));
  CHECK(error.code() == "ValueError");
  CHECK(error.message() == "bad name");
  CHECK(error.kind() == flyteidl2::workflow::ErrorInfo::KIND_USER);
}

TEST_CASE_FIXTURE(Runner, "v2 actions: a recoverable failure is retried in a new attempt with its own folder") {
  Create("a0", "", /*retries=*/1);
  runner->Enqueue(Key());
  runner->Step();
  WriteError("a0", 1, /*recoverable=*/true);
  plugin->Exit(Id());
  runner->Step();  // attempt 1 ends FAILED, attempt 2 is queued
  runner->Step();
  REQUIRE(plugin->started.size() == 2);
  const plugins::TaskAttempt& second = plugin->started[1];
  CHECK(second.id == Id("a0", 2));
  CHECK(second.attempt == 1);
  CHECK(second.output_prefix == run_base + "/a0/2");
  CHECK(second.prev_checkpoint_prefix == run_base + "/a0/1/_flytecheckpoints");
  CHECK(Row().phase == kRunning);
  CHECK(!Row().terminal);

  WriteError("a0", 2, /*recoverable=*/true);
  plugin->Exit(Id("a0", 2));
  runner->Step();
  CHECK(Row().phase == kFailed);
  CHECK(Row().terminal);
  const auto attempts = Attempts();
  REQUIRE(attempts.size() == 2);
  CHECK(Phases(attempts[0]) == std::vector<int64_t>{kQueued, kInitializing, kRunning, kFailed});
  CHECK(Phases(attempts[1]) == std::vector<int64_t>{kInitializing, kRunning, kFailed});
  CHECK(attempts[1].output_uri == run_base + "/a0/2");
}

TEST_CASE_FIXTURE(Runner, "v2 actions: an attempt past the task's timeout is stopped and the action TIMED_OUT") {
  Create("a0", "", /*retries=*/0, /*timeout_s=*/10);
  runner->Enqueue(Key());
  runner->Step();
  CHECK(runner->NextDeadline() == clock.NowMillis() + 10'000);
  clock.Advance(std::chrono::seconds(11));
  runner->Step();
  CHECK(plugin->aborted == std::vector<plugins::AttemptId>{Id()});
  runner->Step();
  CHECK(Row().phase == kTimedOut);
  CHECK(Row().terminal);
}

TEST_CASE_FIXTURE(Runner, "v2 actions: Abort ends the action ABORTED, kills its attempt and its running children's") {
  Create("a0", "");
  Create("c1", "a0");
  Create("c2", "c1");
  runner->Enqueue(Key());
  runner->Enqueue(Key("c1"));
  runner->Enqueue(Key("c2"));
  runner->Step();
  REQUIRE(plugin->Running() == 3);
  runner->Abort(Key(), "user asked");
  for (const char* name : {"a0", "c1", "c2"}) {
    CHECK(Row(name).phase == kAborted);
    CHECK(Row(name).terminal);
    CHECK(Row(name).abort_reason == "user asked");
  }
  CHECK(plugin->aborted.size() == 3);
  runner->Step();  // the aborted attempts are gone: finalized
  CHECK(plugin->Running() == 0);
  CHECK(runner->Unfinished() == 0);
}

TEST_CASE_FIXTURE(Runner, "v2 actions: after a restart a running attempt is watched, not started again") {
  Create("a0", "");
  runner->Enqueue(Key());
  runner->Step();
  const std::string token = plugin->started.at(0).token;
  Restart();
  plugins::Recovery running;
  running.state = plugins::Recovery::State::kRunning;
  plugin->recoveries[Id()] = running;
  REQUIRE(runner->Recover().ok());
  REQUIRE(plugin->recovered.size() == 1);
  CHECK(plugin->recovered[0].token == token);  // the same launch, found by the same token
  CHECK(plugin->sweeps == 1);                  // then the plugin hears that recovery is over
  runner->Step();
  CHECK(plugin->started.empty());
  WriteOutputs("a0", 1);
  plugin->Exit(Id());
  runner->Step();
  CHECK(Row().phase == kSucceeded);
}

TEST_CASE_FIXTURE(Runner,
                  "v2 actions: after a restart an ended attempt is judged by its files, one never started starts") {
  Create("a0", "");
  Create("c1", "a0");
  runner->Enqueue(Key());
  runner->Enqueue(Key("c1"));
  runner->Step();
  Restart();
  plugins::Recovery ended;
  ended.state = plugins::Recovery::State::kEnded;
  ended.status.phase = plugins::AttemptPhase::kExited;
  plugin->recoveries[Id()] = ended;  // c1's launch is not found: never started
  WriteOutputs("a0", 1);
  REQUIRE(runner->Recover().ok());
  CHECK(Row().phase == kSucceeded);
  REQUIRE(plugin->started.size() == 1);
  CHECK(plugin->started[0].id == Id("c1"));
  runner->Step();
  CHECK(Row("c1").phase == kRunning);
  CHECK(Row("c1").attempts == 1);
}

TEST_CASE_FIXTURE(Runner, "v2 actions: a queued action found after a restart starts") {
  Create("a0", "");
  REQUIRE(runner->Recover().ok());
  runner->Step();
  CHECK(plugin->started.size() == 1);
  CHECK(Row().phase == kRunning);
}

TEST_CASE_FIXTURE(Runner,
                  "v2 actions: a cached task's outputs are kept once it succeeds and answer the next "
                  "action with its key, which does not run") {
  Create("a0", "");
  Create("c1", "a0", 0, 0, "key-1");
  runner->Enqueue(Key("c1"));
  runner->Step();
  CHECK(Row("c1").cache_status == flyteidl2::core::CACHE_MISS);
  WriteOutputs("c1", 1);
  plugin->Exit(Id("c1"));
  runner->Step();
  CHECK(Row("c1").phase == kSucceeded);
  CHECK(Row("c1").cache_status == flyteidl2::core::CACHE_POPULATED);
  REQUIRE(plugin->started.size() == 1);

  clock.Advance(std::chrono::seconds(1));
  Create("c2", "a0", 0, 0, "key-1");
  runner->Enqueue(Key("c2"));
  runner->Step();
  CHECK(plugin->started.size() == 1);  // not run
  CHECK(Row("c2").phase == kSucceeded);
  CHECK(Row("c2").terminal);
  CHECK(Row("c2").cache_status == flyteidl2::core::CACHE_HIT);
  CHECK(Phases(Attempts("c2")[0]) == std::vector<int64_t>{kQueued, kSucceeded});
  CHECK(Attempts("c2")[0].output_uri == run_base + "/c2/1");
  CHECK(*blobs->Get(Folder("c2", 1) + "/outputs.pb") == *blobs->Get(Folder("c1", 1) + "/outputs.pb"));
  CHECK(runner->Unfinished() == 0);

  // Another key, or no key, runs.
  Create("c3", "a0", 0, 0, "key-2");
  Create("c4", "a0");
  runner->Enqueue(Key("c3"));
  runner->Enqueue(Key("c4"));
  runner->Step();
  CHECK(plugin->started.size() == 3);
  CHECK(Row("c4").cache_status == flyteidl2::core::CACHE_DISABLED);
}

TEST_CASE_FIXTURE(Runner, "v2 actions: a run that overwrites the cache runs its cached tasks and keeps their outputs") {
  REQUIRE(cache->Put("flyte2/key-1", {.outputs = "old", .source = "", .created_at = 1}).ok());
  overwrite_cache = true;
  Create("a0", "");
  Create("c1", "a0", 0, 0, "key-1");
  runner->Enqueue(Key("c1"));
  runner->Step();
  REQUIRE(plugin->started.size() == 1);
  CHECK(Row("c1").cache_status == flyteidl2::core::CACHE_SKIPPED);
  WriteOutputs("c1", 1);
  plugin->Exit(Id("c1"));
  runner->Step();
  CHECK(Row("c1").cache_status == flyteidl2::core::CACHE_POPULATED);
  CHECK((*cache->Get("flyte2/key-1"))->outputs == *blobs->Get(Folder("c1", 1) + "/outputs.pb"));
}

TEST_CASE("v2 actions: cache entries are global unless the run scopes them to its project and domain") {
  flyteidl2::task::RunSpec run_spec;
  const store::ActionKey action{"p", "d", "r1", "c1"};
  CHECK(CacheEntryKey(action, "k", run_spec) == "flyte2/k");
  run_spec.mutable_cache_config()->set_cache_lookup_scope(flyteidl2::task::CACHE_LOOKUP_SCOPE_PROJECT_DOMAIN);
  CHECK(CacheEntryKey(action, "k", run_spec) == "flyte2/p/d/k");
}

TEST_CASE("v2 actions: a run's cache key covers its inputs, task name, interface and cache version") {
  flyteidl2::task::TaskSpec task;
  auto* task_template = task.mutable_task_template();
  task_template->mutable_id()->set_name("env.square");
  CHECK(RunCacheKey(task, "h1").empty());  // not cacheable
  task_template->mutable_metadata()->set_discoverable(true);
  task_template->mutable_metadata()->set_discovery_version("1");
  const std::string key = RunCacheKey(task, "h1");
  CHECK(key.size() == 64);
  CHECK(RunCacheKey(task, "h1") == key);
  CHECK(RunCacheKey(task, "h2") != key);
  task_template->mutable_metadata()->set_discovery_version("2");
  CHECK(RunCacheKey(task, "h1") != key);
  task_template->mutable_metadata()->set_discovery_version("1");
  task_template->mutable_interface()->mutable_inputs()->add_variables()->set_key("x");
  CHECK(RunCacheKey(task, "h1") != key);
}

TEST_CASE("v2 actions: an input URI names the inputs.pb of its folder or itself") {
  CHECK(InputsFileUrl("/s/in") == "/s/in/inputs.pb");
  CHECK(InputsFileUrl("/s/in/") == "/s/in/inputs.pb");
  CHECK(InputsFileUrl("/s/c1/inputs.pb") == "/s/c1/inputs.pb");
}

TEST_CASE_FIXTURE(Runner, "v2 conditions: a condition waits RUNNING, launches nothing, and a signal ends its wait") {
  Create("a0", "");
  CreateCondition("c1", "a0");
  runner->Enqueue(Key());
  runner->Enqueue(Key("c1"));
  runner->Step();
  CHECK(plugin->started.size() == 1);  // a0 only
  CHECK(Row("c1").phase == kRunning);
  CHECK_FALSE(Row("c1").terminal);
  CHECK(runner->NextDeadline() == std::numeric_limits<int64_t>::max());  // no timeout
  clock.Advance(std::chrono::hours(24));
  runner->Step();
  CHECK(Row("c1").phase == kRunning);
  REQUIRE(Signal("c1").ok());
  runner->Signaled(Key("c1"));
  CHECK(runner->Unfinished() == 1);  // a0
  CHECK(Row("c1").phase == kSucceeded);
  CHECK(Row("c1").signal == "value");
  CHECK(absl::IsFailedPrecondition(Signal("c1")));  // ended: a second signal is refused
}

TEST_CASE_FIXTURE(Runner,
                  "v2 conditions: a condition not signaled by its timeout ends TIMED_OUT, after a restart too") {
  Create("a0", "");
  CreateCondition("c1", "a0", /*timeout_s=*/30);
  runner->Enqueue(Key());
  runner->Enqueue(Key("c1"));
  runner->Step();
  CHECK(runner->NextDeadline() == clock.NowMillis() + 30'000);
  clock.Advance(std::chrono::seconds(20));
  Restart();
  REQUIRE(runner->Recover().ok());
  CHECK(runner->NextDeadline() == clock.NowMillis() + 10'000);  // from its creation, not the restart
  runner->Step();
  CHECK(Row("c1").phase == kRunning);
  clock.Advance(std::chrono::seconds(10));
  runner->Step();
  CHECK(Row("c1").phase == kTimedOut);
  CHECK(Row("c1").terminal);
  flyteidl2::workflow::ErrorInfo error;
  REQUIRE(error.ParseFromString(Row("c1").error));
  CHECK(error.message() == "condition approve was not signaled within 30s");
  CHECK(absl::IsFailedPrecondition(Signal("c1")));
  CHECK(runner->Unfinished() == 1);
}

TEST_CASE_FIXTURE(Runner, "v2 conditions: a queued condition past its timeout at a restart waits, then times out") {
  Create("a0", "");
  CreateCondition("c1", "a0", /*timeout_s=*/5);
  clock.Advance(std::chrono::seconds(6));
  REQUIRE(runner->Recover().ok());
  runner->Step();
  CHECK(Runner::Phases(Attempts("c1").at(0)) == std::vector<int64_t>{kQueued, kRunning, kTimedOut});
}

TEST_CASE_FIXTURE(Runner, "v2 conditions: a condition signaled before the executor took it up is left alone") {
  CreateCondition("c1", "a0", /*timeout_s=*/5);
  REQUIRE(Signal("c1").ok());
  runner->Enqueue(Key("c1"));  // ended: not taken up
  runner->Step();
  CHECK(runner->Unfinished() == 0);
  CHECK(Row("c1").phase == kSucceeded);
}

TEST_CASE_FIXTURE(Runner, "v2 conditions: aborting the run, or its parent failing, ends a waiting condition ABORTED") {
  Create("a0", "");
  CreateCondition("c1", "a0");
  Create("t1", "a0");
  CreateCondition("c2", "t1", /*timeout_s=*/60);
  for (const char* name : {"a0", "c1", "t1", "c2"}) runner->Enqueue(Key(name));
  runner->Step();
  REQUIRE(Row("c2").phase == kRunning);
  // t1 fails: its condition goes with it.
  WriteError("t1", 1, /*recoverable=*/false);
  plugin->Exit(Id("t1"), 1);
  runner->Step();
  CHECK(Row("t1").phase == kFailed);
  CHECK(Row("c2").phase == kAborted);
  CHECK(Row("c2").abort_reason == "parent action t1 failed");
  runner->Abort(Key(), "user asked");
  CHECK(Row("c1").phase == kAborted);
  CHECK(Row("c1").abort_reason == "user asked");
  CHECK(runner->Unfinished() == 0);
  CHECK(runner->NextDeadline() == std::numeric_limits<int64_t>::max());
}

}  // namespace
}  // namespace flyte::engine::v2
