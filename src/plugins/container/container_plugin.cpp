#include "plugins/container/container_plugin.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "common/log.h"
#include "plugins/attempt_command.h"
#include "plugins/container/resource_limits.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

// An engine that breaks mid-run leaves the attempt as a lost process would: a system failure,
// tried again (the shell's code for SIGKILL).
constexpr int kLostExitCode = 128 + SIGKILL;

std::string Label(std::string_view name) { return std::string(kContainerLabelPrefix) + "." + std::string(name); }

// Unique per launch, so a container never stands for two launches.
std::string ContainerName(const TaskAttempt& attempt) { return "flyte-" + attempt.token; }

AttemptStatus Outcome(AttemptPhase phase, std::string message, int exit_code = 0) {
  AttemptStatus status;
  status.phase = phase;
  status.message = std::move(message);
  status.exit_code = exit_code;
  return status;
}

std::string ShortId(const std::string& id) { return id.substr(0, 12); }

// How much of the container's output the attempt's log holds (0: no log yet). A re-attached
// container's log is read from its start again and goes on past these bytes: the engine replays
// a container's output in the order it was first streamed, and skipping by count cannot repeat
// or lose a line the way a `since` time (truncated, or equal to a line's own time) can.
int64_t LoggedBytes(const TaskAttempt& attempt) {
  struct stat info {};
  if (::stat((fs::path(attempt.log_dir) / kAttemptLogFile).c_str(), &info) != 0) return 0;
  return static_cast<int64_t>(info.st_size);
}

// A log sink that drops the first `skip` bytes it is given (those the log already holds), then
// appends to `log_fd`.
std::function<void(int, std::string_view)> AppendPast(int log_fd, int64_t skip) {
  return [log_fd, skip](int, std::string_view piece) mutable {
    const auto dropped = static_cast<size_t>(std::min<int64_t>(skip, static_cast<int64_t>(piece.size())));
    skip -= static_cast<int64_t>(dropped);
    piece.remove_prefix(dropped);
    if (!piece.empty()) AppendToLog(log_fd, piece);
  };
}

// Opens the attempt's log for appending (creating its folder); -1 when it cannot.
int OpenAttemptLog(const TaskAttempt& attempt) {
  std::error_code error;
  fs::create_directories(attempt.log_dir, error);
  const fs::path log_file = fs::absolute(fs::path(attempt.log_dir) / kAttemptLogFile, error);
  return ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

// Podman's compatible service says "configured" for a container created and never started.
bool NeverStarted(const ContainerState& state) { return state.status == "created" || state.status == "configured"; }

// Why the container counts as killed for its memory, if it does. When the engine says so, whatever
// its exit code (Flyte's pod plugin fails even a pod that reported success despite an OOM kill).
// Podman does not always see OOM kills (its conmon misses them on some cgroup v1 hosts, this
// project's CI among them): a container with a memory limit that died of a SIGKILL also counts,
// since the sandbox sent none (an aborted attempt never gets here) and the kernel's OOM killer is
// what sends one to a limited container.
std::optional<std::string> OomKill(bool engine_says, int exit_code, const std::string& memory_limit,
                                   const std::string& engine) {
  const std::string limit = memory_limit.empty() ? std::string() : " of " + memory_limit;
  if (engine_says) return "the container exceeded its memory limit" + limit;
  if (exit_code != kLostExitCode || memory_limit.empty()) return std::nullopt;
  return "the container was killed (SIGKILL, not sent by the sandbox) under its memory limit" + limit + "; " + engine +
         " did not flag it as an OOM kill";
}

// After an exit 0, a raw container's outputs as the attempt's outputs.pb (or error.pb).
void CollectLaunchOutputs(const Launch& launch, int exit_code) {
  if (!launch.data || exit_code != 0) return;
  if (const Status collected = CollectOutputs(*launch.data); !collected.ok()) {
    // The engine then finds neither outputs.pb nor error.pb and fails the attempt saying so.
    log::Warn("container", "cannot write the outputs of a raw container",
              {{"attempt", launch.attempt.id}, {"error", std::string(collected.message())}});
  }
}

}  // namespace

Launch LaunchOf(const TaskAttempt& attempt) {
  return Launch{attempt, LimitsOf(attempt.task.container().resources(), std::thread::hardware_concurrency()),
                DataPassingFor(attempt)};
}

StatusOr<ContainerSpec> ContainerSpecFor(const Launch& launch, const ContainerConfig& config) {
  const TaskAttempt& attempt = launch.attempt;
  ASSIGN_OR_RETURN(RenderedContainer rendered, RenderContainer(attempt));
  ContainerSpec spec;
  spec.image = attempt.task.container().image();
  if (spec.image.empty()) return absl::FailedPreconditionError("the task's container names no image");
  // As a pod runs it: the task's command replaces the image's entry point, its args the image's command.
  spec.entrypoint = std::move(rendered.command);
  spec.cmd = std::move(rendered.args);
  spec.env = config.env;
  for (auto& [name, value] : AttemptEnvironment(attempt)) spec.env[name] = std::move(value);
  spec.network_mode = config.network_mode;
  if (!attempt.api_address_variable.empty()) {  // it must reach the sandbox's API from inside
    spec.network_mode = config.api_network_mode;
    if (!config.api_address.empty()) spec.env[attempt.api_address_variable] = config.api_address;
  }
  spec.labels = {{Label("token"), attempt.token},
                 {Label("execution"), attempt.project + "/" + attempt.domain + "/" + attempt.execution_name},
                 {Label("node"), attempt.node_id},
                 {Label("attempt"), std::to_string(attempt.attempt)},
                 {Label("state"), config.state_dir}};
  // Same paths inside as outside: the URLs in the command line and in flytekit's inputs just work.
  const std::string log_dir = fs::absolute(attempt.log_dir).string();
  spec.binds.push_back(log_dir + ":" + log_dir);
  for (const fs::path& dir : config.shared_dirs) spec.binds.push_back(dir.string() + ":" + dir.string());
  if (const std::optional<DataPassing>& data = launch.data) {
    if (!data->inputs.empty()) spec.binds.push_back(data->inputs.string() + ":" + data->task_inputs);
    if (!data->outputs.empty()) spec.binds.push_back(data->outputs.string() + ":" + data->task_outputs);
  }
  spec.memory_bytes = launch.limits.memory_bytes;
  spec.nano_cpus = launch.limits.nano_cpus;
  return spec;
}

std::unique_ptr<Plugin> MakeContainerPlugin(ContainerConfig config, ChangeCallback on_change) {
  return std::make_unique<ContainerPlugin>(std::move(config), std::move(on_change));
}

StatusOr<int> RemoveSandboxContainers(const DockerClient& client, const std::string& state_dir) {
  ASSIGN_OR_RETURN(const std::vector<ListedContainer> ours, client.ListByLabel(Label("state"), state_dir));
  for (const ListedContainer& container : ours) RETURN_IF_ERROR(client.Remove(container.id));
  return static_cast<int>(ours.size());
}

ContainerPlugin::ContainerPlugin(ContainerConfig config, ChangeCallback on_change)
    : config_(std::move(config)), on_change_(std::move(on_change)), client_(config_.socket) {}

ContainerPlugin::~ContainerPlugin() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    for (auto& [id, record] : attempts_) record.cancellation->Cancel();
  }
  runners_.JoinAll();  // each stops and removes its container
}

Status ContainerPlugin::Start(const TaskAttempt& attempt) {
  if (attempt.id.empty() || attempt.log_dir.empty()) {
    return absl::InvalidArgumentError("a task attempt needs an id and a log folder");
  }
  absl::MutexLock lock(&mu_);
  if (attempts_.count(attempt.id) != 0) return absl::OkStatus();  // started already
  auto cancellation = std::make_shared<Cancellation>();
  AttemptStatus queued;
  queued.logs.push_back(LogLink(fs::path(attempt.log_dir) / kAttemptLogFile, "Container log"));
  attempts_.emplace(attempt.id, AttemptRecord{std::move(queued), cancellation, attempt.token});
  runners_.Spawn([this, launch = LaunchOf(attempt), cancellation] { Run(launch, cancellation); });
  return absl::OkStatus();
}

void ContainerPlugin::Run(const Launch& launch, const std::shared_ptr<Cancellation>& cancellation) {
  const TaskAttempt& attempt = launch.attempt;
  const int log_fd = OpenAttemptLog(attempt);
  const auto fail = [&](const std::string& message) {
    if (log_fd >= 0) AppendToLog(log_fd, "flyte: cannot start the task: " + message + "\n");
    Report(attempt.id, Outcome(AttemptPhase::kFailedToStart, message));
  };
  if (log_fd < 0) return fail("cannot open its log in " + attempt.log_dir + ": " + std::strerror(errno));
  const StatusOr<ContainerSpec> spec = ContainerSpecFor(launch, config_);
  if (config_.socket.empty()) {
    fail(
        "no container engine was found when the sandbox started (see its log): start Docker or `podman system "
        "service`, or set tasks.containers.socket, then restart the sandbox");
  } else if (!spec.ok()) {
    fail(std::string(spec.status().message()));
  } else if (const Status image = client_.InspectImage(spec->image); absl::IsNotFound(image)) {
    fail("the image \"" + spec->image + "\" is not among " + config_.engine +
         "'s local images, and the sandbox never pulls one: build it on this machine, or pull it yourself (podman "
         "pull " +
         spec->image + ", or docker pull)");
  } else if (!image.ok()) {
    fail(std::string(image.message()));
  } else if (const Status written = launch.data ? WriteDataFolders(*launch.data, launch.data->task_inputs) : Status();
             !written.ok()) {
    fail("laying out its inputs: " + std::string(written.message()));
  } else if (StatusOr<std::string> created = client_.Create(ContainerName(attempt), *spec); !created.ok()) {
    fail("creating the container: " + std::string(created.status().message()));
  } else {
    const std::string id = *std::move(created);
    Conclude(id, attempt.id, RunContainer(id, launch, log_fd, cancellation));
  }
  ::close(log_fd);
}

void ContainerPlugin::Reattach(const Launch& launch, const std::string& id, int64_t logged,
                               const std::shared_ptr<Cancellation>& cancellation) {
  const int log_fd = OpenAttemptLog(launch.attempt);
  Conclude(id, launch.attempt.id, Follow(id, launch, log_fd, cancellation, logged));
  if (log_fd >= 0) ::close(log_fd);
}

void ContainerPlugin::Conclude(const std::string& id, const AttemptId& attempt, AttemptStatus outcome) {
  // Stopped on the way: SIGTERM first, as Flyte does, then the removal kills what is left.
  if (outcome.phase == AttemptPhase::kAborted) (void)client_.Stop(id, config_.stop_grace);
  Report(attempt, std::move(outcome));
  (void)client_.Remove(id);
}

AttemptStatus ContainerPlugin::RunContainer(const std::string& id, const Launch& launch, int log_fd,
                                            const std::shared_ptr<Cancellation>& cancellation) {
  if (cancellation->cancelled()) return Outcome(AttemptPhase::kAborted, "aborted");
  if (const Status started = client_.Start(id); !started.ok()) {
    const std::string message = "starting the container: " + std::string(started.message());
    AppendToLog(log_fd, "flyte: cannot start the task: " + message + "\n");
    return Outcome(AttemptPhase::kFailedToStart, message);
  }
  AttemptStatus running;
  running.phase = AttemptPhase::kRunning;
  running.message = "running in container " + ShortId(id) + " (" + config_.engine + ")";
  Report(launch.attempt.id, running);
  return Follow(id, launch, log_fd, cancellation, 0);
}

AttemptStatus ContainerPlugin::Follow(const std::string& id, const Launch& launch, int log_fd,
                                      const std::shared_ptr<Cancellation>& cancellation, int64_t logged) {
  // The log first (it ends with the container), then the exit code.
  const Status followed = client_.FollowLogs(id, AppendPast(log_fd, logged), cancellation.get());
  if (cancellation->cancelled()) return Outcome(AttemptPhase::kAborted, "aborted");
  const StatusOr<int> code = client_.Wait(id, cancellation.get());
  if (cancellation->cancelled()) return Outcome(AttemptPhase::kAborted, "aborted");
  if (!code.ok()) {
    const Status& lost = !followed.ok() ? followed : code.status();
    return Outcome(AttemptPhase::kExited, "lost the container engine: " + std::string(lost.message()), kLostExitCode);
  }
  const StatusOr<ContainerState> state = client_.Inspect(id);
  if (std::optional<std::string> why =
          OomKill(state.ok() && state->oom_killed, *code, launch.limits.memory, config_.engine)) {
    AttemptStatus killed = Outcome(
        AttemptPhase::kExited,
        "[" + ShortId(id) + "] terminated with exit code (" + std::to_string(*code) + "). Reason [OOMKilled]: " + *why,
        *code);
    killed.oom_killed = true;
    AppendToLog(log_fd, "flyte: " + killed.message + "\n");
    return killed;
  }
  CollectLaunchOutputs(launch, *code);
  return Outcome(AttemptPhase::kExited, "container " + ShortId(id) + " (" + config_.engine + ")", *code);
}

void ContainerPlugin::Report(const AttemptId& id, AttemptStatus status) {
  {
    absl::MutexLock lock(&mu_);
    const auto found = attempts_.find(id);
    // Finalized, or aborted meanwhile: an aborted attempt keeps its outcome.
    if (found == attempts_.end() || found->second.status.phase == AttemptPhase::kAborted) return;
    status.logs = found->second.status.logs;
    found->second.status = std::move(status);
    if (stopping_) return;  // the owner is going away: nobody to tell
  }
  if (on_change_) on_change_(id);
}

StatusOr<AttemptStatus> ContainerPlugin::Check(const AttemptId& id) {
  absl::MutexLock lock(&mu_);
  const auto found = attempts_.find(id);
  if (found == attempts_.end()) return absl::NotFoundError("no task attempt " + id + " in the container plugin");
  return found->second.status;
}

Status ContainerPlugin::Abort(const AttemptId& id) {
  {
    absl::MutexLock lock(&mu_);
    const auto found = attempts_.find(id);
    if (found == attempts_.end()) return absl::OkStatus();
    AttemptStatus& status = found->second.status;
    // Over already: an ended attempt keeps its outcome.
    if (status.phase != AttemptPhase::kRunning && status.phase != AttemptPhase::kQueued) return absl::OkStatus();
    status.phase = AttemptPhase::kAborted;
    status.message = "aborted";
    found->second.cancellation->Cancel();  // the runner stops and removes the container
  }
  if (on_change_) on_change_(id);
  return absl::OkStatus();
}

Status ContainerPlugin::Finalize(const AttemptId& id) {
  absl::MutexLock lock(&mu_);
  const auto found = attempts_.find(id);
  if (found == attempts_.end()) return absl::OkStatus();
  found->second.cancellation->Cancel();  // a container still running is stopped and removed
  attempts_.erase(found);
  return absl::OkStatus();
}

StatusOr<Recovery> ContainerPlugin::Recover(const TaskAttempt& attempt) {
  Recovery recovery;
  {
    absl::MutexLock lock(&mu_);
    if (const auto known = attempts_.find(attempt.id); known != attempts_.end()) {
      recovery.state = Recovery::State::kRunning;
      recovery.status = known->second.status;
      return recovery;
    }
  }
  if (config_.socket.empty()) {
    return absl::UnavailableError("no container engine was found at start-up to look for the attempt's container in");
  }
  const std::string name = ContainerName(attempt);
  const StatusOr<ContainerState> state = client_.Inspect(name);
  if (absl::IsNotFound(state.status())) return recovery;  // never created: nothing of it ran
  RETURN_IF_ERROR(state.status());
  if (NeverStarted(*state)) {
    RETURN_IF_ERROR(client_.Remove(name));  // so that the same launch can create it again
    return recovery;
  }
  const int64_t logged = LoggedBytes(attempt);
  const Launch launch = LaunchOf(attempt);
  recovery.status.logs.push_back(LogLink(fs::path(attempt.log_dir) / kAttemptLogFile, "Container log"));
  if (state->running || state->status == "paused" || state->status == "restarting") {
    recovery.state = Recovery::State::kRunning;
    recovery.status.phase = AttemptPhase::kRunning;
    recovery.status.message = "re-attached to container " + name + " (" + config_.engine + ")";
    auto cancellation = std::make_shared<Cancellation>();
    absl::MutexLock lock(&mu_);
    attempts_.emplace(attempt.id, AttemptRecord{recovery.status, cancellation, attempt.token});
    runners_.Spawn([this, launch, name, logged, cancellation] { Reattach(launch, name, logged, cancellation); });
    return recovery;
  }
  // It ended while the sandbox was down: the rest of its log, its exit code, and it goes.
  if (const int log_fd = OpenAttemptLog(attempt); log_fd >= 0) {
    (void)client_.FollowLogs(name, AppendPast(log_fd, logged), nullptr);
    ::close(log_fd);
  }
  (void)client_.Remove(name);
  recovery.state = Recovery::State::kEnded;
  recovery.status.phase = AttemptPhase::kExited;
  recovery.status.exit_code = state->exit_code;
  recovery.status.message = "container " + name + " ended while the sandbox was down";
  if (std::optional<std::string> why =
          OomKill(state->oom_killed, state->exit_code, launch.limits.memory, config_.engine)) {
    recovery.status.oom_killed = true;
    recovery.status.message += ". Reason [OOMKilled]: " + *why;
  } else {
    CollectLaunchOutputs(launch, state->exit_code);
  }
  return recovery;
}

void ContainerPlugin::Recovered() {
  if (config_.socket.empty()) return;
  absl::MutexLock lock(&mu_);
  runners_.Spawn([this] { RemoveOrphans(); });
}

void ContainerPlugin::RemoveOrphans() {
  const StatusOr<std::vector<ListedContainer>> ours = client_.ListByLabel(Label("state"), config_.state_dir);
  if (!ours.ok()) return;
  std::vector<std::string> orphans;
  {
    // Listed before this look, so a container of an attempt started since is held by it here.
    absl::MutexLock lock(&mu_);
    std::set<std::string> held;
    for (const auto& [id, record] : attempts_) held.insert(record.token);
    for (const ListedContainer& container : *ours) {
      const auto token = container.labels.find(Label("token"));
      if (token == container.labels.end() || !held.contains(token->second)) orphans.push_back(container.id);
    }
  }
  for (const std::string& id : orphans) (void)client_.Remove(id);
}

}  // namespace flyte::plugins
