#include "plugins/local/local_process_plugin.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fakes/python_entry_point.h"
#include "fakes/temp_dir.h"
#include "plugins/local/attempt_files.h"
#include "plugins/local/process_identity.h"

extern char** environ;

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;
using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

constexpr auto kTimeout = 10s;

LocalProcessConfig Config(std::string path_prefix, std::map<std::string, std::string> env = {},
                          std::chrono::milliseconds kill_grace = 5000ms) {
  LocalProcessConfig config;
  config.path_prefix = std::move(path_prefix);
  config.env = std::move(env);
  config.kill_grace = kill_grace;
  return config;
}

// Gone, or a zombie waiting for a parent that is not us (an orphan's parent is init).
bool IsGone(pid_t pid) {
  if (::kill(pid, 0) != 0) return errno == ESRCH;
  const std::string stat = testing::ReadFile("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

// Short steps: these wait for things no callback announces (a file a task writes, an orphan dying).
template <typename Predicate>
bool Eventually(Predicate predicate) {
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// A plugin whose on_change wakes the test; the plugin is destroyed first.
class Harness {
 public:
  explicit Harness(LocalProcessConfig config = {}) {
    plugin_ = MakeLocalProcessPlugin(std::move(config), [this](const AttemptId& id) {
      std::lock_guard lock(mu_);
      ++changes_[id];
      changed_.notify_all();
    });
  }
  ~Harness() { plugin_.reset(); }

  Plugin& plugin() { return *plugin_; }
  const fs::path& dir() const { return dir_.path(); }
  void DestroyPlugin() { plugin_.reset(); }

  TaskAttempt Attempt(const std::string& name, std::vector<std::string> args) {
    TaskAttempt attempt;
    attempt.id = "p/d/exec1/" + name + "/0";
    attempt.project = "p";
    attempt.domain = "d";
    attempt.execution_name = "exec1";
    attempt.workflow_name = "wf.my_wf";
    attempt.node_id = name;
    attempt.token = "token-" + name;
    attempt.task.mutable_id()->set_project("tp");
    attempt.task.mutable_id()->set_domain("td");
    attempt.task.mutable_id()->set_name("wf.my_task");
    attempt.task.mutable_id()->set_version("v1");
    for (auto& arg : args) attempt.task.mutable_container()->add_args(std::move(arg));
    attempt.inputs_path = "file://" + (dir() / "data" / name / "inputs.pb").string();
    attempt.input_prefix = "file://" + (dir() / "data" / name).string();
    attempt.output_prefix = "file://" + (dir() / "data" / name / "0").string();
    attempt.log_dir = (dir() / "logs" / name).string();
    return attempt;
  }

  int Changes(const AttemptId& id) {
    std::lock_guard lock(mu_);
    return changes_[id];
  }

  // Check until it reports `phase`, waking on on_change; fails the test after kTimeout.
  AttemptStatus WaitFor(const AttemptId& id, AttemptPhase phase) {
    const auto deadline = std::chrono::steady_clock::now() + kTimeout;
    for (;;) {
      const int seen = Changes(id);
      auto status = plugin_->Check(id);
      REQUIRE(status.ok());
      if (status->phase == phase) return *status;
      std::unique_lock lock(mu_);
      if (!changed_.wait_until(lock, deadline, [&] { return changes_[id] > seen; })) {
        FAIL("timed out waiting for " << id << "; message: " << status->message);
      }
    }
  }

  // Until on_change has fired for `id` more than `count` times.
  bool WaitForChanges(const AttemptId& id, int count) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, kTimeout, [&] { return changes_[id] > count; });
  }

 private:
  testing::TempDir dir_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<AttemptId, int> changes_;
  std::unique_ptr<Plugin> plugin_;
};

TEST_CASE("local process: exit code, and stdout and stderr in task.log") {
  Harness h;
  const TaskAttempt attempt = h.Attempt("n0", {"/bin/sh", "-c", "echo hi; echo err >&2; exit 3"});
  REQUIRE(h.plugin().Start(attempt).ok());
  const AttemptStatus status = h.WaitFor(attempt.id, AttemptPhase::kExited);
  CHECK(status.exit_code == 3);
  CHECK(status.pid > 0);
  CHECK(status.message == "exited with code 3");
  REQUIRE(status.logs.size() == 1);
  const fs::path log = fs::path(attempt.log_dir) / "task.log";
  CHECK(status.logs[0].uri() == "file://" + log.string());
  CHECK(testing::ReadFile(log) == "hi\nerr\n");
}

TEST_CASE("local process: Flyte's environment, with propeller's precedence") {
  Harness h(Config("", {{"FROM_CONFIG", "config"}, {"OVERRIDDEN", "config"}}));
  const fs::path out = h.dir() / "env.txt";
  TaskAttempt attempt = h.Attempt(
      "n1", {"/bin/sh", "-c",
             "echo \"$FLYTE_INTERNAL_EXECUTION_WORKFLOW $FLYTE_INTERNAL_EXECUTION_ID $FLYTE_INTERNAL_EXECUTION_PROJECT "
             "$FLYTE_INTERNAL_EXECUTION_DOMAIN $FLYTE_ATTEMPT_NUMBER $FLYTE_INTERNAL_TASK_PROJECT "
             "$FLYTE_INTERNAL_TASK_DOMAIN $FLYTE_INTERNAL_TASK_NAME $FLYTE_INTERNAL_TASK_VERSION\" > \"$0\"; "
             "echo \"$FROM_TEMPLATE $FROM_EXECUTION $FROM_CONFIG $OVERRIDDEN $HOME\" >> \"$0\"",
             out.string()});
  attempt.attempt = 2;
  auto* env = attempt.task.mutable_container()->add_env();
  env->set_key("FROM_TEMPLATE");
  env->set_value("template");
  env = attempt.task.mutable_container()->add_env();
  env->set_key("OVERRIDDEN");
  env->set_value("template");
  attempt.env = {{"FROM_EXECUTION", "execution"}, {"OVERRIDDEN", "execution"}};
  REQUIRE(h.plugin().Start(attempt).ok());
  CHECK(h.WaitFor(attempt.id, AttemptPhase::kExited).exit_code == 0);
  const char* home = ::getenv("HOME");  // the server's own environment is passed on
  CHECK(testing::ReadFile(out) == "wf.my_wf exec1 p d 2 tp td wf.my_task v1\ntemplate execution config config " +
                                      std::string(home != nullptr ? home : "") + "\n");
}

TEST_CASE("local process: path_prefix makes a command callable by its bare name") {
  testing::TempDir bin;
  const fs::path script = bin.path() / "hello-task";
  std::ofstream(script) << "#!/bin/sh\necho \"from-prefix $1\"\necho \"PATH=$PATH\"\n";
  fs::permissions(script, fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);
  Harness h(Config(bin.path().string()));
  const TaskAttempt attempt = h.Attempt("n2", {"hello-task", "{{.namespace}}"});
  REQUIRE(h.plugin().Start(attempt).ok());
  CHECK(h.WaitFor(attempt.id, AttemptPhase::kExited).exit_code == 0);
  const std::string log = testing::ReadFile(fs::path(attempt.log_dir) / "task.log");
  CHECK(log.find("from-prefix p-d\n") == 0);
  CHECK(log.find("PATH=" + bin.path().string() + ":") != std::string::npos);
}

TEST_CASE("local process: the attempt's own path prefix goes first, before the config's") {
  testing::TempDir config_bin;
  testing::TempDir attempt_bin;
  for (const auto& [folder, says] :
       {std::pair{config_bin.path(), "config"}, std::pair{attempt_bin.path(), "attempt"}}) {
    std::ofstream(folder / "which-task") << "#!/bin/sh\necho " << says << "\n";
    fs::permissions(folder / "which-task", fs::perms::owner_all);
  }
  Harness h(Config(config_bin.path().string()));
  TaskAttempt attempt = h.Attempt("n2", {"which-task"});
  attempt.path_prefix = attempt_bin.path().string();
  REQUIRE(h.plugin().Start(attempt).ok());
  CHECK(h.WaitFor(attempt.id, AttemptPhase::kExited).exit_code == 0);
  CHECK(testing::ReadFile(fs::path(attempt.log_dir) / "task.log") == "attempt\n");
}

TEST_CASE("local process: the working directory is fresh for each attempt") {
  Harness h;
  const TaskAttempt first = h.Attempt("n3", {"/bin/sh", "-c", "pwd; touch made-here"});
  REQUIRE(h.plugin().Start(first).ok());
  h.WaitFor(first.id, AttemptPhase::kExited);
  const fs::path work = fs::path(first.log_dir) / "work";
  CHECK(testing::ReadFile(fs::path(first.log_dir) / "task.log") == fs::canonical(work).string() + "\n");
  CHECK(fs::exists(work / "made-here"));

  // Another attempt, whose folder holds a leftover of an earlier server process.
  const TaskAttempt second = h.Attempt("n4", {"/bin/sh", "-c", "ls -A"});
  fs::create_directories(fs::path(second.log_dir) / "work");
  std::ofstream(fs::path(second.log_dir) / "work" / "stale") << "x";
  REQUIRE(h.plugin().Start(second).ok());
  h.WaitFor(second.id, AttemptPhase::kExited);
  CHECK(testing::ReadFile(fs::path(second.log_dir) / "task.log").empty());
}

TEST_CASE("local process: a command that cannot start is reported by Check, not by Start") {
  Harness h;
  const TaskAttempt attempt = h.Attempt("n5", {"no-such-command-xyz", "--flag"});
  REQUIRE(h.plugin().Start(attempt).ok());
  const AttemptStatus status = h.WaitFor(attempt.id, AttemptPhase::kFailedToStart);
  CHECK(status.message.rfind("no-such-command-xyz: not found on PATH ", 0) == 0);
  CHECK(h.WaitForChanges(attempt.id, 0));  // the engine is told, as for any change
  CHECK(testing::ReadFile(fs::path(attempt.log_dir) / "task.log").find(status.message) != std::string::npos);

  TaskAttempt no_container = h.Attempt("n6", {});
  no_container.task.clear_container();
  REQUIRE(h.plugin().Start(no_container).ok());
  CHECK(h.WaitFor(no_container.id, AttemptPhase::kFailedToStart).message.find("no container") != std::string::npos);

  const TaskAttempt bad_template = h.Attempt("n7", {"/bin/echo", "{{.inputs.x}}"});  // inputs.pb is missing
  REQUIRE(h.plugin().Start(bad_template).ok());
  CHECK(h.WaitFor(bad_template.id, AttemptPhase::kFailedToStart).message.find("unable to read inputs") !=
        std::string::npos);

  TaskAttempt no_log = h.Attempt("n8", {"/bin/true"});
  no_log.log_dir.clear();
  CHECK(absl::IsInvalidArgument(h.plugin().Start(no_log)));
  CHECK(absl::IsNotFound(h.plugin().Check("p/d/exec1/unknown/0").status()));
}

TEST_CASE("local process: input values and the task template reach the command line") {
  Harness h;
  TaskAttempt attempt = h.Attempt(
      "n9", {"/bin/sh", "-c", "echo \"x=$0\"; cat \"${1#file://}\" | wc -c", "{{.inputs.x}}", "{{.taskTemplatePath}}"});
  flyteidl::core::LiteralMap inputs;
  (*inputs.mutable_literals())["x"].mutable_scalar()->mutable_primitive()->set_integer(7);
  fs::create_directories(h.dir() / "data" / "n9");
  std::ofstream(h.dir() / "data" / "n9" / "inputs.pb", std::ios::binary) << inputs.SerializeAsString();
  REQUIRE(h.plugin().Start(attempt).ok());
  CHECK(h.WaitFor(attempt.id, AttemptPhase::kExited).exit_code == 0);
  const std::string log = testing::ReadFile(fs::path(attempt.log_dir) / "task.log");
  CHECK(log == "x=7\n" + std::to_string(attempt.task.ByteSizeLong()) + "\n");
}

TEST_CASE("local process: Start is idempotent") {
  Harness h;
  const fs::path marker = h.dir() / "runs.txt";
  const TaskAttempt attempt = h.Attempt("n10", {"/bin/sh", "-c", "echo run >> \"$0\"", marker.string()});
  REQUIRE(h.plugin().Start(attempt).ok());
  const int64_t pid = h.plugin().Check(attempt.id)->pid;
  REQUIRE(h.plugin().Start(attempt).ok());
  CHECK(h.plugin().Check(attempt.id)->pid == pid);
  h.WaitFor(attempt.id, AttemptPhase::kExited);
  CHECK(testing::ReadFile(marker) == "run\n");
}

TEST_CASE("local process: Abort terminates the whole process group, whatever the caller's signal mask") {
  Harness h(Config("", {}, 60000ms));  // only SIGTERM can end it in time
  const fs::path child_pid_file = h.dir() / "child.pid";
  const TaskAttempt attempt =
      h.Attempt("n11", {"/bin/sh", "-c", "sleep 60 & echo $! > \"$0\"; wait", child_pid_file.string()});
  sigset_t term, previous;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &term, &previous);  // the child must not inherit this
  const Status started = h.plugin().Start(attempt);
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  REQUIRE(started.ok());
  const auto leader = static_cast<pid_t>(h.plugin().Check(attempt.id)->pid);
  REQUIRE(Eventually([&] { return !testing::ReadFile(child_pid_file).empty(); }));
  const pid_t child = std::stoi(testing::ReadFile(child_pid_file));
  CHECK(::getpgid(child) == leader);

  REQUIRE(h.plugin().Abort(attempt.id).ok());
  CHECK(h.plugin().Check(attempt.id)->phase == AttemptPhase::kAborted);
  REQUIRE(Eventually([&] { return h.plugin().Check(attempt.id)->exit_code != 0; }));  // reaped
  const AttemptStatus status = *h.plugin().Check(attempt.id);
  CHECK(status.phase == AttemptPhase::kAborted);
  CHECK(status.exit_code == 128 + SIGTERM);
  CHECK(IsGone(leader));
  CHECK(Eventually([&] { return IsGone(child); }));

  CHECK(h.plugin().Abort(attempt.id).ok());  // idempotent
  CHECK(h.plugin().Check(attempt.id)->phase == AttemptPhase::kAborted);
  CHECK(h.plugin().Abort("p/d/exec1/unknown/0").ok());
}

TEST_CASE("local process: SIGKILL after the grace for a group that ignores SIGTERM") {
  Harness h(Config("", {}, 100ms));
  const fs::path child_pid_file = h.dir() / "child.pid";
  const TaskAttempt attempt = h.Attempt(
      "n12", {"/bin/sh", "-c", "trap '' TERM; sleep 60 & echo $! > \"$0\"; wait; wait", child_pid_file.string()});
  REQUIRE(h.plugin().Start(attempt).ok());
  REQUIRE(Eventually([&] { return !testing::ReadFile(child_pid_file).empty(); }));
  const pid_t child = std::stoi(testing::ReadFile(child_pid_file));
  const auto begin = std::chrono::steady_clock::now();
  REQUIRE(h.plugin().Abort(attempt.id).ok());
  REQUIRE(Eventually([&] { return h.plugin().Check(attempt.id)->exit_code != 0; }));
  CHECK(std::chrono::steady_clock::now() - begin >= 100ms);
  CHECK(h.plugin().Check(attempt.id)->exit_code == 128 + SIGKILL);
  CHECK(Eventually([&] { return IsGone(child); }));
}

TEST_CASE("local process: when the main process ends, what it left behind in its group goes too") {
  Harness h;
  const fs::path child_pid_file = h.dir() / "child.pid";
  const TaskAttempt attempt =
      h.Attempt("n13", {"/bin/sh", "-c", "sleep 60 & echo $! > \"$0\"", child_pid_file.string()});
  REQUIRE(h.plugin().Start(attempt).ok());
  CHECK(h.WaitFor(attempt.id, AttemptPhase::kExited).exit_code == 0);
  const pid_t child = std::stoi(testing::ReadFile(child_pid_file));
  CHECK(Eventually([&] { return IsGone(child); }));
}

TEST_CASE("local process: Finalize forgets the attempt and stops its process") {
  Harness h;
  const TaskAttempt attempt = h.Attempt("n14", {"/bin/sleep", "60"});
  REQUIRE(h.plugin().Start(attempt).ok());
  const auto pid = static_cast<pid_t>(h.plugin().Check(attempt.id)->pid);
  REQUIRE(h.plugin().Finalize(attempt.id).ok());
  CHECK(absl::IsNotFound(h.plugin().Check(attempt.id).status()));
  CHECK(h.plugin().Finalize(attempt.id).ok());
  CHECK(h.plugin().Abort(attempt.id).ok());
  CHECK(Eventually([&] { return ::kill(pid, 0) != 0 && errno == ESRCH; }));  // killed and reaped
}

TEST_CASE("local process: the destructor stops every running process") {
  Harness h;
  const TaskAttempt attempt = h.Attempt("n15", {"/bin/sleep", "60"});
  REQUIRE(h.plugin().Start(attempt).ok());
  const auto pid = static_cast<pid_t>(h.plugin().Check(attempt.id)->pid);
  h.DestroyPlugin();
  CHECK(::kill(pid, 0) != 0);
  CHECK(errno == ESRCH);
}

std::vector<char*> NullTerminated(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

// A process as an earlier server would have started it (in a group of its own), recorded as the
// attempt's process unless `record` is false, with `extra_env` added to this process's environment.
pid_t SpawnOutside(std::vector<std::string> argv, const TaskAttempt& attempt, bool record = true,
                   std::vector<std::string> extra_env = {}) {
  std::vector<char*> argv_pointers = NullTerminated(argv);
  std::vector<std::string> env = std::move(extra_env);
  for (char** entry = environ; *entry != nullptr; ++entry) env.emplace_back(*entry);
  std::vector<char*> env_pointers = NullTerminated(env);
  posix_spawnattr_t attributes;
  ::posix_spawnattr_init(&attributes);
  ::posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  ::posix_spawnattr_setpgroup(&attributes, 0);
  pid_t pid = 0;
  const int error =
      ::posix_spawn(&pid, argv_pointers[0], nullptr, &attributes, argv_pointers.data(), env_pointers.data());
  ::posix_spawnattr_destroy(&attributes);
  REQUIRE(error == 0);
  if (record) {
    fs::create_directories(attempt.log_dir);
    REQUIRE(SaveProcessIdentity(ProcessRecordPath(attempt), pid, attempt.token).ok());
  }
  return pid;
}

void MarkStarted(const TaskAttempt& attempt) {
  fs::create_directories(attempt.log_dir);
  std::ofstream(StartedMarkerPath(attempt)).flush();
}

void KillAndReap(pid_t pid) {
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);  // the test's child, not the plugin's: reaped here, as init would
}

TEST_CASE("local process: Recover, a launch nothing started: kNeverStarted") {
  Harness h;
  const TaskAttempt attempt = h.Attempt("n16", {"/bin/true"});
  const StatusOr<Recovery> recovery = h.plugin().Recover(attempt);
  REQUIRE(recovery.ok());
  CHECK(recovery->state == Recovery::State::kNeverStarted);
  CHECK(absl::IsNotFound(h.plugin().Check(attempt.id).status()));
  TaskAttempt no_token = attempt;
  no_token.token.clear();
  CHECK(absl::IsInvalidArgument(h.plugin().Recover(no_token).status()));
}

TEST_CASE("local process: Recover watches the process an earlier server started for the token") {
  Harness h;
  const TaskAttempt attempt = h.Attempt("n17", {"/bin/sleep", "60"});
  const pid_t pid = SpawnOutside({"/bin/sleep", "60"}, attempt);
  MarkStarted(attempt);
  const StatusOr<Recovery> recovery = h.plugin().Recover(attempt);
  REQUIRE(recovery.ok());
  CHECK(recovery->state == Recovery::State::kRunning);
  AttemptStatus status = *h.plugin().Check(attempt.id);
  CHECK(status.phase == AttemptPhase::kRunning);
  CHECK(status.pid == pid);
  CHECK(h.plugin().Recover(attempt)->state == Recovery::State::kRunning);  // idempotent

  KillAndReap(pid);
  status = h.WaitFor(attempt.id, AttemptPhase::kExited);
  CHECK(status.exit_code == 0);
  CHECK(status.message == "re-attached; exit code unknown");
}

TEST_CASE("local process: Recover, a launch that started and is gone: kEnded") {
  Harness h;
  const TaskAttempt attempt = h.Attempt("n18", {"/bin/true"});
  KillAndReap(SpawnOutside({"/bin/sleep", "60"}, attempt));
  MarkStarted(attempt);
  const StatusOr<Recovery> recovery = h.plugin().Recover(attempt);
  REQUIRE(recovery.ok());
  CHECK(recovery->state == Recovery::State::kEnded);
  CHECK(recovery->status.phase == AttemptPhase::kExited);
  CHECK(absl::IsNotFound(h.plugin().Check(attempt.id).status()));  // nothing to watch
}

TEST_CASE("local process: Recover does not take a reused pid for the attempt's process") {
  Harness h;
  const TaskAttempt attempt = h.Attempt("n19", {"/bin/sleep", "60"});
  const pid_t recorded = SpawnOutside({"/bin/sleep", "60"}, attempt);
  MarkStarted(attempt);
  // The recorded pid, but not the process that had it (as after the pid was reused): another start time.
  const auto identity = IdentifyProcess(recorded);
  REQUIRE(identity.has_value());
  std::ofstream(ProcessRecordPath(attempt), std::ios::trunc)
      << recorded << ' ' << identity->start_ticks + 1 << ' ' << identity->boot_id << ' ' << attempt.token << '\n';
  CHECK(h.plugin().Recover(attempt)->state == Recovery::State::kEnded);
  KillAndReap(recorded);
}

TEST_CASE("local process: Recover finds by its token a process whose record was never written") {
  Harness h;
  const TaskAttempt attempt = h.Attempt("n20", {"/bin/sleep", "60"});
  // As when the server died between posix_spawn and the record: the child made its marker.
  const pid_t pid = SpawnOutside({"/bin/sleep", "60"}, attempt, /*record=*/false, {"FLYTE_ATTEMPT_TOKEN=token-n20"});
  MarkStarted(attempt);
  // posix_spawn may return before the child has exec'd; until then /proc shows our environment.
  REQUIRE(Eventually([&] {
    return testing::ReadFile("/proc/" + std::to_string(pid) + "/environ").find("FLYTE_ATTEMPT_TOKEN=token-n20") !=
           std::string::npos;
  }));
  CHECK(h.plugin().Recover(attempt)->state == Recovery::State::kRunning);
  CHECK(h.plugin().Check(attempt.id)->pid == pid);
  TaskAttempt relaunch = h.Attempt("n20", {"/bin/sleep", "60"});
  relaunch.id += "-other";
  relaunch.token = "token-other";  // no process carries it, and it made no marker
  CHECK(h.plugin().Recover(relaunch)->state == Recovery::State::kNeverStarted);
  KillAndReap(pid);
}

TEST_CASE("local process: Start makes the launch recoverable before the task runs") {
  Harness h;
  const TaskAttempt attempt = h.Attempt("n21", {"/bin/sleep", "60"});
  REQUIRE(h.plugin().Start(attempt).ok());
  const pid_t pid = static_cast<pid_t>(h.plugin().Check(attempt.id)->pid);
  CHECK(fs::exists(StartedMarkerPath(attempt)));  // made by the child before its exec
  const std::optional<SavedProcess> saved = ReadSavedProcess(ProcessRecordPath(attempt), attempt.token);
  REQUIRE(saved.has_value());
  CHECK(saved->pid == pid);
  CHECK(saved->running);
  // posix_spawn returns once the child has left our memory, which is before the kernel has set up
  // the new program's environment: until then /proc/<pid>/environ reads empty.
  std::string environment;
  for (int i = 0; i < 200 && environment.empty(); ++i) {
    environment = testing::ReadFile("/proc/" + std::to_string(pid) + "/environ");
    if (environment.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(environment.find("FLYTE_ATTEMPT_TOKEN=token-n21") != std::string::npos);
  // What a server started after this one finds.
  auto later = MakeLocalProcessPlugin(LocalProcessConfig{}, nullptr);
  const StatusOr<Recovery> recovery = later->Recover(attempt);
  REQUIRE(recovery.ok());
  CHECK(recovery->state == Recovery::State::kRunning);
  CHECK(recovery->status.pid == pid);
}

TEST_CASE("local process: a recovered Python worker that ends without the task's marker never ran it") {
  Harness h;
  const TaskAttempt attempt = h.Attempt("n22", {"/bin/true"});
  // Recorded before the job was handed over, and the server died before the worker took it.
  const pid_t pid = SpawnOutside({"/bin/sleep", "60"}, attempt);
  REQUIRE(h.plugin().Recover(attempt)->state == Recovery::State::kRunning);
  KillAndReap(pid);
  const AttemptStatus status = h.WaitFor(attempt.id, AttemptPhase::kExited);
  CHECK(status.exit_code == 128 + SIGKILL);  // a system failure: tried again
  CHECK(status.message == "the Python worker ended before it took the task");
}

// The plugin's Python workers: children of this process running the worker program.
std::vector<pid_t> PythonWorkers() {
  std::vector<pid_t> workers;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = testing::ReadFile(entry.path() / "stat");
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream fields(stat.substr(paren + 1));
    std::string state;
    pid_t parent = 0;
    fields >> state >> parent;
    if (parent != ::getpid() || state == "Z") continue;
    if (testing::ReadFile(entry.path() / "cmdline").find("/flyte_python_worker.py") == std::string::npos) continue;
    workers.push_back(std::stoi(name));
  }
  return workers;
}

// The one worker a plugin with WarmConfig starts.
std::vector<pid_t> FirstWorker() {
  std::vector<pid_t> workers;
  REQUIRE(Eventually([&] { return (workers = PythonWorkers()).size() == 1; }));
  return workers;
}

LocalProcessConfig WarmConfig(const fs::path& bin) {
  LocalProcessConfig config = Config(bin.string(), {{"GREETING", "hello"}});
  config.warm_python = 1;
  config.files_dir = bin.parent_path() / "plugin-files";
  return config;
}

// The parent of process `pid`, 0 when it is gone.
pid_t ParentOf(pid_t pid) {
  const std::string stat = testing::ReadFile("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream fields(stat.substr(paren + 1));
  std::string state;
  pid_t parent = 0;
  fields >> state >> parent;
  return parent;
}

TEST_CASE("local process: flytekit tasks are forked by the zygote started ahead, which stays") {
  testing::TempDir tools;
  const fs::path script = testing::FakeEntryPoint(tools.path());
  Harness h(WarmConfig(script.parent_path()));
  const std::vector<pid_t> workers = FirstWorker();
  const pid_t zygote = workers.front();

  for (const char* name : {"w1", "w1b"}) {
    const TaskAttempt attempt = h.Attempt(name, {"pyflyte-execute", "4", "0.3"});
    REQUIRE(h.plugin().Start(attempt).ok());
    const AttemptStatus running = *h.plugin().Check(attempt.id);
    CHECK(running.phase == AttemptPhase::kRunning);
    CHECK(ParentOf(running.pid) == zygote);
    // Written by the task's process before Start returned: a restart re-attaches to it.
    CHECK(ReadSavedProcess(ProcessRecordPath(attempt), attempt.token)->pid == running.pid);
    auto later = MakeLocalProcessPlugin(LocalProcessConfig{}, nullptr);
    CHECK(later->Recover(attempt)->status.pid == running.pid);

    const AttemptStatus status = h.WaitFor(attempt.id, AttemptPhase::kExited);
    CHECK(status.exit_code == 4);  // reported by the zygote
    CHECK(status.message == "exited with code 4");
    CHECK(fs::exists(StartedMarkerPath(attempt)));
    const std::string log = testing::ReadFile(fs::path(attempt.log_dir) / "task.log");
    CAPTURE(log);
    CHECK(log.starts_with("flytekit imported early\n"));
    CHECK(log.find("imported before: True\n") != std::string::npos);
    CHECK(log.find("cwd: " + (fs::path(attempt.log_dir) / "work").string() + "\n") != std::string::npos);
    CHECK(log.find("env: exec1 hello\n") != std::string::npos);
  }
  CHECK(PythonWorkers() == workers);  // one zygote for both

  h.DestroyPlugin();
  CHECK(Eventually([] { return PythonWorkers().empty(); }));
}

TEST_CASE("local process: a flytekit task with variables of its own gets a zygote of its environment") {
  testing::TempDir tools;
  const fs::path script = testing::FakeEntryPoint(tools.path());
  LocalProcessConfig config = WarmConfig(script.parent_path());
  config.warm_python = 2;
  Harness h(config);
  const std::vector<pid_t> workers = FirstWorker();

  auto with_setting = [&](const std::string& name) {
    TaskAttempt attempt = h.Attempt(name, {"pyflyte-execute", "0", "0.3"});
    auto* variable = attempt.task.mutable_container()->add_env();
    variable->set_key("TASK_SETTING");
    variable->set_value("1");  // flytekit, imported ahead, might have read it
    REQUIRE(h.plugin().Start(attempt).ok());
    const pid_t parent = ParentOf(h.plugin().Check(attempt.id)->pid);
    h.WaitFor(attempt.id, AttemptPhase::kExited);
    const std::string log = testing::ReadFile(fs::path(attempt.log_dir) / "task.log");
    CHECK(log.find("env: exec1 hello\n") != std::string::npos);
    return std::make_pair(parent, log);
  };
  const auto [first, first_log] = with_setting("w2");
  CHECK(first != workers.front());  // its own interpreter, while its zygote starts
  CHECK(first_log.find("imported before: False\n") != std::string::npos);
  std::vector<pid_t> now;
  REQUIRE(Eventually([&] { return (now = PythonWorkers()).size() == 2; }));
  const auto [second, second_log] = with_setting("w2b");
  CHECK(second != workers.front());
  CHECK(std::find(now.begin(), now.end(), second) != now.end());
  CHECK(second_log.find("imported before: True\n") != std::string::npos);
}

TEST_CASE("local process: a task forked by a zygote is aborted like any other process, the zygote stays") {
  testing::TempDir tools;
  const fs::path script = testing::FakeEntryPoint(tools.path());
  Harness h(WarmConfig(script.parent_path()));
  const std::vector<pid_t> workers = FirstWorker();
  const TaskAttempt attempt = h.Attempt("w3", {"pyflyte-execute", "0", "60"});
  REQUIRE(h.plugin().Start(attempt).ok());
  const pid_t task = h.plugin().Check(attempt.id)->pid;
  REQUIRE(ParentOf(task) == workers.front());
  REQUIRE(Eventually([&] {
    return testing::ReadFile(fs::path(attempt.log_dir) / "task.log").find("stdin:") != std::string::npos;  // it runs
  }));
  REQUIRE(h.plugin().Abort(attempt.id).ok());
  CHECK(h.WaitFor(attempt.id, AttemptPhase::kAborted).phase == AttemptPhase::kAborted);
  CHECK(Eventually([&] { return IsGone(task); }));
  CHECK(PythonWorkers() == workers);
}

TEST_CASE("local process: a task whose zygote dies is watched to its end") {
  testing::TempDir tools;
  const fs::path script = testing::FakeEntryPoint(tools.path());
  Harness h(WarmConfig(script.parent_path()));
  const std::vector<pid_t> workers = FirstWorker();
  const TaskAttempt ending = h.Attempt("w4", {"pyflyte-execute", "3", "0.5"});
  const TaskAttempt killed = h.Attempt("w5", {"pyflyte-execute", "0", "60"});
  REQUIRE(h.plugin().Start(ending).ok());
  REQUIRE(h.plugin().Start(killed).ok());
  ::kill(workers.front(), SIGKILL);
  // Ending by itself, the task says its exit code although no zygote reaps it.
  CHECK(h.WaitFor(ending.id, AttemptPhase::kExited).message == "exited with code 3");
  CHECK(testing::ReadFile(fs::path(ending.log_dir) / "task.log").find("argv:") != std::string::npos);
  // Killed, it says nothing: watched by its pidfd, judged by its outputs.
  const std::optional<SavedProcess> saved = ReadSavedProcess(ProcessRecordPath(killed), killed.token);
  REQUIRE(saved.has_value());
  ::kill(-saved->pid, SIGKILL);
  CHECK(h.WaitFor(killed.id, AttemptPhase::kExited).message == "re-attached; exit code unknown");
}

TEST_CASE("local process: the task inherits no descriptor of the server") {
  Harness h;
  const int leaked = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC
  REQUIRE(leaked >= 0);
  const int high = ::fcntl(leaked, F_DUPFD, 100);
  ::close(leaked);
  const TaskAttempt attempt = h.Attempt("n18", {"/bin/sh", "-c", "ls /proc/$$/fd"});
  REQUIRE(h.plugin().Start(attempt).ok());
  h.WaitFor(attempt.id, AttemptPhase::kExited);
  ::close(high);
  std::istringstream fds(testing::ReadFile(fs::path(attempt.log_dir) / "task.log"));
  for (std::string fd; fds >> fd;) {
    CAPTURE(fd);
    CHECK(std::stoi(fd) != high);
  }
}

}  // namespace
}  // namespace flyte::plugins
