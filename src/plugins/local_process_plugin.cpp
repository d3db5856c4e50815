#include "plugins/local_process_plugin.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string_view>
#include <utility>

#include "plugins/fast_execute.h"
#include "plugins/process_identity.h"
#include "plugins/python_worker.h"
#include "plugins/spawn.h"
#include "plugins/template_args.h"

extern char** environ;

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kFileScheme = "file://";
// Without pidfds (Linux < 5.3) the reaper checks its processes this often.
constexpr auto kFallbackCheckInterval = std::chrono::milliseconds(200);
// At shutdown, how long after the SIGKILL the destructor still waits: a process stuck in the kernel
// (uninterruptible I/O) or a re-attached one nobody reaps must not hang the server's exit.
constexpr auto kShutdownKillWait = std::chrono::milliseconds(2000);

int MillisecondsUntil(std::chrono::steady_clock::time_point deadline, std::chrono::steady_clock::time_point now) {
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
  return static_cast<int>(std::clamp<int64_t>(wait, 0, INT_MAX));
}

std::string ErrnoText(int error) { return std::strerror(error); }

// A pidfd (readable once the process has ended, for children and non-children alike), or -1 with
// errno set; ENOSYS on kernels before 5.3.
int OpenPidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  errno = ENOSYS;
  return -1;
#endif
}

// ---------------------------------------------------------------------------------------------
// Files of an attempt.

// "file:///a/b" or "/a/b" → "/a/b"; any other URL is not readable on this machine.
StatusOr<fs::path> LocalPath(std::string_view url) {
  if (url.substr(0, kFileScheme.size()) == kFileScheme) url.remove_prefix(kFileScheme.size());
  if (url.empty() || url.front() != '/') {
    return absl::FailedPreconditionError("\"" + std::string(url) + "\" is not a local path");
  }
  return fs::path(url);
}

StatusOr<flyteidl::core::LiteralMap> ReadInputs(const TaskAttempt& attempt) {
  ASSIGN_OR_RETURN(const fs::path path, LocalPath(attempt.inputs_path));
  std::ifstream in(path, std::ios::binary);
  flyteidl::core::LiteralMap inputs;
  if (!in || !inputs.ParseFromIstream(&in)) {
    return absl::FailedPreconditionError("unable to read inputs from " + path.string());
  }
  return inputs;
}

// Propeller offloads the task template next to inputs.pb only when a command asks for it.
Status WriteTaskTemplate(const TaskAttempt& attempt) {
  ASSIGN_OR_RETURN(const fs::path path, LocalPath(TaskTemplatePath(attempt)));
  const fs::path temporary = path.string() + ".tmp-" + std::to_string(::getpid());
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (error || !out || !attempt.task.SerializeToOstream(&out) || !out.flush()) {
      return absl::FailedPreconditionError("cannot write the task template to " + path.string());
    }
  }
  fs::rename(temporary, path, error);  // readers never see half a file
  if (error) return absl::FailedPreconditionError("cannot write the task template to " + path.string());
  return absl::OkStatus();
}

struct AttemptFiles {
  fs::path work_dir;  // fresh per attempt: `pyflyte-fast-execute --dest-dir .` unpacks code here
  fs::path log_file;  // stdout and stderr, appended
};

StatusOr<AttemptFiles> PrepareFolders(const TaskAttempt& attempt) {
  std::error_code error;
  const fs::path log_dir = fs::absolute(attempt.log_dir, error);
  AttemptFiles files{log_dir / "work", log_dir / "task.log"};
  if (!error) fs::remove_all(files.work_dir, error);  // a leftover from an earlier server process
  if (!error) fs::create_directories(files.work_dir, error);
  if (error) {
    return absl::InternalError("cannot prepare the folder " + files.work_dir.string() + ": " + error.message());
  }
  return files;
}

// The log's descriptor, above 2 so that setting up the child's stdin/stdout/stderr cannot clobber it.
StatusOr<int> OpenLog(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return absl::InternalError("cannot open " + file.string() + ": " + ErrnoText(errno));
  return MoveAboveStandardStreams(fd);
}

void AppendToLog(int fd, const std::string& line) {
  for (size_t written = 0; written < line.size();) {
    const ssize_t n = ::write(fd, line.data() + written, line.size() - written);
    if (n <= 0 && errno != EINTR) return;
    if (n > 0) written += static_cast<size_t>(n);
  }
}

flyteidl::core::TaskLog LogLink(const fs::path& file) {
  flyteidl::core::TaskLog log;
  log.set_uri(std::string(kFileScheme) + file.string());
  log.set_name("Local process log");
  return log;
}

// ---------------------------------------------------------------------------------------------
// The command line and its environment.

// container.command + container.args with the templates filled in (flytekit leaves command empty).
// Errors belong to the task: no container, a bad template, unreadable inputs.
StatusOr<std::vector<std::string>> RenderedCommand(const TaskAttempt& attempt) {
  if (!attempt.task.has_container()) {
    return absl::FailedPreconditionError("the task has no container to run (task type \"" + attempt.task.type() +
                                         "\")");
  }
  const flyteidl::core::Container& container = attempt.task.container();
  std::vector<std::string> args(container.command().begin(), container.command().end());
  args.insert(args.end(), container.args().begin(), container.args().end());
  if (args.empty() || args.front().empty()) {
    return absl::FailedPreconditionError("the task's container has no command");
  }
  if (ReferencesTaskTemplatePath(args)) RETURN_IF_ERROR(WriteTaskTemplate(attempt));
  std::optional<flyteidl::core::LiteralMap> inputs;
  if (ReferencesInputValues(args)) {
    ASSIGN_OR_RETURN(inputs, ReadInputs(attempt));
  }
  StatusOr<std::vector<std::string>> rendered = RenderArgs(args, attempt, inputs ? &*inputs : nullptr);
  if (!rendered.ok()) {
    return absl::FailedPreconditionError("rendering the command line: " + std::string(rendered.status().message()));
  }
  return rendered;
}

// What propeller's flytek8s adds to every container (k8s_resource_adds.go GetExecutionEnvVars).
std::vector<std::pair<std::string, std::string>> FlyteEnvironment(const TaskAttempt& attempt) {
  std::vector<std::pair<std::string, std::string>> env;
  if (!attempt.workflow_name.empty()) env.emplace_back("FLYTE_INTERNAL_EXECUTION_WORKFLOW", attempt.workflow_name);
  env.emplace_back("FLYTE_INTERNAL_EXECUTION_ID", attempt.execution_name);
  env.emplace_back("FLYTE_INTERNAL_EXECUTION_PROJECT", attempt.project);
  env.emplace_back("FLYTE_INTERNAL_EXECUTION_DOMAIN", attempt.domain);
  env.emplace_back("FLYTE_ATTEMPT_NUMBER", std::to_string(attempt.attempt));
  if (attempt.task.has_id()) {
    env.emplace_back("FLYTE_INTERNAL_TASK_PROJECT", attempt.task.id().project());
    env.emplace_back("FLYTE_INTERNAL_TASK_DOMAIN", attempt.task.id().domain());
    env.emplace_back("FLYTE_INTERNAL_TASK_NAME", attempt.task.id().name());
    env.emplace_back("FLYTE_INTERNAL_TASK_VERSION", attempt.task.id().version());
  }
  return env;
}

Environment ServerEnvironment() {
  Environment env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const size_t equals = text.find('=');
    if (equals != std::string_view::npos)
      env[std::string(text.substr(0, equals))] = std::string(text.substr(equals + 1));
  }
  return env;
}

// Last, over whatever else: the platform defaults from the config, and config.path_prefix in front of PATH.
Environment WithConfig(Environment env, const LocalProcessConfig& config) {
  for (const auto& [name, value] : config.env) env[name] = value;
  if (!config.path_prefix.empty()) {
    const auto path = env.find("PATH");
    const std::string rest = path != env.end() ? path->second : std::string(kDefaultSearchPath);
    env["PATH"] = rest.empty() ? config.path_prefix : config.path_prefix + ":" + rest;
  }
  return env;
}

// Every task's: what a task gets before its template and attempt add anything.
Environment BaseEnvironment(const LocalProcessConfig& config) { return WithConfig(ServerEnvironment(), config); }

// The server's environment, then in propeller's order (Kubernetes keeps the last of duplicate
// names): the template's container.env, Flyte's variables, the execution's envs, the platform
// defaults from the config.
Environment TaskEnvironment(const TaskAttempt& attempt, const LocalProcessConfig& config) {
  Environment env = ServerEnvironment();
  for (const auto& pair : attempt.task.container().env()) env[pair.key()] = pair.value();
  for (auto& [name, value] : FlyteEnvironment(attempt)) env[name] = std::move(value);
  for (const auto& [name, value] : attempt.env) env[name] = value;
  return WithConfig(std::move(env), config);
}

// What an attempt runs: the rendered command (a local fast-execute distribution taken apart), its
// environment and the executable found on the task's PATH.
struct Command {
  std::vector<std::string> argv;
  Environment env;
  std::string executable;
  std::optional<InlinedCommand> inlined;  // unpack this distribution first
};

StatusOr<Command> PrepareCommand(const TaskAttempt& attempt, const LocalProcessConfig& config,
                                 const AttemptFiles& files) {
  Command command;
  ASSIGN_OR_RETURN(command.argv, RenderedCommand(attempt));
  command.env = TaskEnvironment(attempt, config);
  command.inlined = InlineFastExecute(command.argv, fs::absolute(files.work_dir).string());
  if (command.inlined) {
    command.argv = command.inlined->command;
    auto& python_path = command.env["PYTHONPATH"];
    python_path = python_path.empty() ? command.inlined->work_dir : python_path + ":" + command.inlined->work_dir;
  }
  ASSIGN_OR_RETURN(command.executable,
                   ResolveExecutable(command.argv.front(), SearchPath(command.env), files.work_dir));
  return command;
}

// The command as a process of its own.
StatusOr<pid_t> SpawnCommand(const Command& command, const AttemptFiles& files, int log_fd) {
  if (command.inlined) {
    return SpawnInGroup("/bin/sh", ShellCommand(*command.inlined), command.env, files.work_dir, {-1, log_fd});
  }
  return SpawnInGroup(command.executable, command.argv, command.env, files.work_dir, {-1, log_fd});
}

WorkerJob JobFor(const Command& command, const AttemptFiles& files) {
  WorkerJob job;
  job.script = command.executable;
  job.argv = command.argv;
  job.env = command.env;
  job.work_dir = fs::absolute(files.work_dir).string();
  job.log_file = fs::absolute(files.log_file).string();
  if (command.inlined) job.setup = UnpackCommand(*command.inlined);
  return job;
}

// Whether `pid` still runs this attempt: the process Start recorded. Without a record (an attempt
// started by a sandbox from before the records), a process started for the attempt carries its
// Flyte variables in its initial environment. After a reboot or a long outage the pid may belong
// to anything else, which Abort must never signal.
bool RunsAttempt(pid_t pid, const TaskAttempt& attempt) {
  const fs::path record = ProcessRecordPath(attempt);
  std::error_code error;
  if (fs::exists(record, error)) return IsSavedProcess(record, pid);
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  const std::string nul(1, '\0');
  const std::string environment = nul + std::string(std::istreambuf_iterator<char>(in), {});
  auto has = [&](const std::string& entry) { return environment.find(nul + entry + nul) != std::string::npos; };
  return has("FLYTE_INTERNAL_EXECUTION_ID=" + attempt.execution_name) &&
         has("FLYTE_ATTEMPT_NUMBER=" + std::to_string(attempt.attempt));
}

// ---------------------------------------------------------------------------------------------
// Exits.

struct ExitInfo {
  int code = 0;
  std::string message;
};

std::string SignalName(int signal) {
  const char* abbreviation = ::sigabbrev_np(signal);
  return abbreviation != nullptr ? "SIG" + std::string(abbreviation) : "signal " + std::to_string(signal);
}

ExitInfo FromSiginfo(const siginfo_t& info) {
  if (info.si_code == CLD_EXITED) {
    return {info.si_status, "exited with code " + std::to_string(info.si_status)};
  }
  // CLD_KILLED or CLD_DUMPED: the shell's convention, as a container runtime reports it.
  return {128 + info.si_status, "killed by " + SignalName(info.si_status)};
}

}  // namespace

std::unique_ptr<Plugin> MakeLocalProcessPlugin(LocalProcessConfig config, ChangeCallback on_change) {
  return std::make_unique<LocalProcessPlugin>(std::move(config), std::move(on_change));
}

StatusOr<std::string> FlytekitEntryPoint(const LocalProcessConfig& config) {
  return ResolveExecutable("pyflyte-execute", SearchPath(BaseEnvironment(config)), "/");
}

fs::path ProcessRecordPath(const TaskAttempt& attempt) { return fs::path(attempt.log_dir) / "process"; }

LocalProcessPlugin::LocalProcessPlugin(LocalProcessConfig config, ChangeCallback on_change)
    : config_(std::move(config)),
      on_change_(std::move(on_change)),
      base_env_(BaseEnvironment(config_)),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      reaper_([this] { ReaperLoop(); }) {
  if (config_.warm_python <= 0) return;
  // Ready before the first Python task.
  const StatusOr<std::string> script = FlytekitEntryPoint(config_);
  if (!script.ok()) return;
  if (const auto interpreter = FlytekitInterpreter(*script)) Replenish(*interpreter, *script);
}

LocalProcessPlugin::~LocalProcessPlugin() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    give_up_at_ = Clock::now() + config_.kill_grace + kShutdownKillWait;
    for (Spare& spare : spares_) ::close(spare.worker.job_fd);
    for (auto& [id, watch] : watches_) Terminate(watch);
    Wake();
  }
  reaper_.join();  // once every process has ended (SIGKILL after the grace), or given up on
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

Status LocalProcessPlugin::Start(const TaskAttempt& attempt) {
  if (attempt.id.empty() || attempt.log_dir.empty()) {
    return absl::InvalidArgumentError("a task attempt needs an id and a log folder");
  }
  {
    std::lock_guard lock(mu_);
    if (attempts_.count(attempt.id) != 0) return absl::OkStatus();  // started already
  }
  ASSIGN_OR_RETURN(const AttemptFiles files, PrepareFolders(attempt));
  ASSIGN_OR_RETURN(const int log_fd, OpenLog(files.log_file));
  const StatusOr<Command> command = PrepareCommand(attempt, config_, files);
  AttemptStatus status;
  status.logs.push_back(LogLink(files.log_file));
  if (command.ok() && config_.warm_python > 0) {
    if (const auto interpreter = FlytekitInterpreter(command->executable)) {
      const bool handed = HandToSpare(attempt, *interpreter, JobFor(*command, files), status);
      Replenish(*interpreter, command->executable);  // the next task finds one waiting too
      if (handed) {
        ::close(log_fd);
        return absl::OkStatus();
      }
    }
  }
  const StatusOr<pid_t> pid = command.ok() ? SpawnCommand(*command, files, log_fd) : command.status();
  if (!pid.ok()) {
    // The task's problem, not the caller's: reported by Check, and in the log for whoever reads it.
    status.phase = AttemptPhase::kFailedToStart;
    status.message = std::string(pid.status().message());
    AppendToLog(log_fd, "flyte: cannot start the task: " + status.message + "\n");
    ::close(log_fd);
    Record(attempt, std::move(status), std::nullopt);
    return absl::OkStatus();
  }
  ::close(log_fd);
  (void)SaveProcessIdentity(ProcessRecordPath(attempt), *pid);  // without it, a restart cannot re-attach
  status.phase = AttemptPhase::kRunning;
  status.pid = *pid;
  Watch watch;
  watch.pid = *pid;
  watch.pidfd = OpenPidfd(*pid);  // safe after the spawn: an unreaped child keeps its pid
  watch.attempt = attempt.id;
  Record(attempt, std::move(status), std::move(watch));
  return absl::OkStatus();
}

bool LocalProcessPlugin::HandToSpare(const TaskAttempt& attempt, const std::string& interpreter, const WorkerJob& job,
                                     AttemptStatus status) {
  std::lock_guard lock(mu_);
  PruneSpares();
  const auto spare = std::find_if(spares_.begin(), spares_.end(), [&](const Spare& candidate) {
    return CanRun(candidate.worker, interpreter, job.script, job.env);
  });
  if (spare == spares_.end()) return false;
  const Status handed = HandOver(spare->worker, job);
  if (absl::IsFailedPrecondition(handed)) return false;  // a job no worker can take; this one still waits
  const pid_t pid = spare->worker.pid;
  const WatchId watch = spare->watch;
  spares_.erase(spare);
  if (!handed.ok()) return false;  // it was gone already: a process of its own instead
  (void)SaveProcessIdentity(ProcessRecordPath(attempt), pid);
  watches_.at(watch).attempt = attempt.id;  // PruneSpares left only workers whose watch is on
  status.phase = AttemptPhase::kRunning;
  status.pid = pid;
  attempts_.insert_or_assign(attempt.id, AttemptRecord{std::move(status), watch});
  return true;
}

void LocalProcessPlugin::Replenish(const std::string& interpreter, const std::string& script) {
  size_t waiting = 0;
  {
    std::lock_guard lock(mu_);
    PruneSpares();
    for (const Spare& spare : spares_) waiting += CanRun(spare.worker, interpreter, script, base_env_) ? 1 : 0;
  }
  for (; waiting < static_cast<size_t>(config_.warm_python); ++waiting) {
    StatusOr<PythonWorker> worker = StartPythonWorker(interpreter, script, base_env_);
    if (!worker.ok()) return;  // tasks start their own interpreters, as without workers
    Watch watch;
    watch.pid = worker->pid;
    watch.pidfd = OpenPidfd(worker->pid);
    std::lock_guard lock(mu_);
    const WatchId id = next_watch_++;
    watches_.emplace(id, std::move(watch));
    spares_.push_back(Spare{std::move(*worker), id});
    Wake();
  }
}

void LocalProcessPlugin::PruneSpares() {
  std::erase_if(spares_, [&](const Spare& spare) {
    if (watches_.count(spare.watch) != 0) return false;
    ::close(spare.worker.job_fd);
    return true;
  });
}

StatusOr<AttemptStatus> LocalProcessPlugin::Check(const AttemptId& id) {
  std::lock_guard lock(mu_);
  const auto found = attempts_.find(id);
  if (found == attempts_.end()) return absl::NotFoundError("no task attempt " + id + " in the local process plugin");
  return found->second.status;
}

Status LocalProcessPlugin::Abort(const AttemptId& id) {
  std::lock_guard lock(mu_);
  const auto found = attempts_.find(id);
  // Unknown (finalized) or already over: nothing left to stop, and an ended attempt keeps its outcome.
  if (found == attempts_.end() || found->second.status.phase != AttemptPhase::kRunning) return absl::OkStatus();
  AttemptRecord& record = found->second;
  record.status.phase = AttemptPhase::kAborted;
  record.status.message = "aborted";
  if (const auto watch = watches_.find(record.watch); watch != watches_.end()) Terminate(watch->second);
  Notify(id);
  return absl::OkStatus();
}

Status LocalProcessPlugin::Finalize(const AttemptId& id) {
  std::lock_guard lock(mu_);
  const auto found = attempts_.find(id);
  if (found == attempts_.end()) return absl::OkStatus();
  if (const auto watch = watches_.find(found->second.watch); watch != watches_.end()) {
    Terminate(watch->second);
    watch->second.attempt.clear();  // the reaper still waits for it, but tells nobody
  }
  attempts_.erase(found);
  return absl::OkStatus();
}

Status LocalProcessPlugin::Reattach(const TaskAttempt& attempt, int64_t pid) {
  if (attempt.id.empty() || attempt.log_dir.empty()) {
    return absl::InvalidArgumentError("a task attempt needs an id and a log folder");
  }
  if (pid <= 0 || pid > INT_MAX) return absl::InvalidArgumentError("not a process id: " + std::to_string(pid));
  const auto process = static_cast<pid_t>(pid);
  {
    std::lock_guard lock(mu_);
    if (attempts_.count(attempt.id) != 0) return absl::OkStatus();
  }
  // Not our child: it cannot be waited for, only watched. Without a pidfd (old kernel, or out of
  // descriptors) the reaper looks for it with kill(pid, 0) on a timer.
  const int pidfd = OpenPidfd(process);
  const bool gone = pidfd < 0 && (errno == ESRCH || (::kill(process, 0) != 0 && errno == ESRCH));
  if (gone || !RunsAttempt(process, attempt)) {
    if (pidfd >= 0) ::close(pidfd);
    return absl::NotFoundError("process " + std::to_string(pid) + " of " + attempt.id + " is gone");
  }
  AttemptStatus status;
  status.phase = AttemptPhase::kRunning;
  status.pid = pid;
  status.message = "re-attached";
  status.logs.push_back(LogLink(fs::path(attempt.log_dir) / "task.log"));
  Watch watch;
  watch.pid = process;
  watch.pidfd = pidfd;
  watch.is_child = false;
  watch.owns_group = ::getpgid(process) == process;  // started by us in a group of its own
  watch.attempt = attempt.id;
  Record(attempt, std::move(status), std::move(watch));
  return absl::OkStatus();
}

void LocalProcessPlugin::Record(const TaskAttempt& attempt, AttemptStatus status, std::optional<Watch> watch) {
  std::lock_guard lock(mu_);
  AttemptRecord record{std::move(status), 0};
  if (watch) {
    record.watch = next_watch_++;
    watches_.emplace(record.watch, std::move(*watch));
    Wake();  // the reaper polls a new pidfd
  } else {
    Notify(attempt.id);  // failed to start: the engine learns it like any other change
  }
  attempts_.insert_or_assign(attempt.id, std::move(record));
}

void LocalProcessPlugin::Terminate(Watch& watch) {
  if (watch.terminating) return;
  watch.terminating = true;
  ::kill(watch.owns_group ? -watch.pid : watch.pid, SIGTERM);
  watch.kill_at = Clock::now() + config_.kill_grace;
  Wake();  // the reaper's next timeout is the SIGKILL
}

void LocalProcessPlugin::Notify(const AttemptId& id) {
  pending_notifications_.push_back(id);
  Wake();
}

void LocalProcessPlugin::Wake() {
  if (wake_fd_ < 0) return;  // no eventfd: the reaper runs on its fallback timer
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(wake_fd_, &one, sizeof one);  // EAGAIN: already pending
}

// The reaper: one thread blocked in poll() on one pidfd per process plus the wake-up eventfd, with
// the nearest pending SIGKILL as timeout. No SIGCHLD handler and never waitpid(-1): other parts of
// the server have children of their own. Callbacks run here, outside mu_, so they may call Check.
void LocalProcessPlugin::ReaperLoop() {
  std::vector<pollfd> fds;
  std::vector<WatchId> polled;  // polled[i] is watched through fds[i + 1]
  for (;;) {
    fds.assign(1, pollfd{wake_fd_, POLLIN, 0});
    polled.clear();
    int timeout_ms = -1;
    {
      std::lock_guard lock(mu_);
      const Clock::time_point now = Clock::now();
      if (stopping_ && (watches_.empty() || now >= give_up_at_)) {
        for (auto& [id, watch] : watches_) {
          if (watch.pidfd >= 0) ::close(watch.pidfd);  // the processes are left to init once we exit
        }
        return;
      }
      FireDeadlines(now);
      bool needs_timer = wake_fd_ < 0;
      std::optional<Clock::time_point> next_kill;
      for (const auto& [id, watch] : watches_) {
        if (watch.pidfd >= 0) {
          fds.push_back(pollfd{watch.pidfd, POLLIN, 0});
          polled.push_back(id);
        } else {
          needs_timer = true;
        }
        if (watch.kill_at && (!next_kill || *watch.kill_at < *next_kill)) next_kill = watch.kill_at;
      }
      if (stopping_ && (!next_kill || give_up_at_ < *next_kill)) next_kill = give_up_at_;
      if (next_kill) timeout_ms = MillisecondsUntil(*next_kill, now);
      if (needs_timer) {
        const int interval = static_cast<int>(kFallbackCheckInterval.count());
        timeout_ms = timeout_ms < 0 ? interval : std::min(timeout_ms, interval);
      }
    }
    ::poll(fds.data(), fds.size(), timeout_ms);  // EINTR or a timeout: just look again
    if (fds[0].revents != 0) {
      uint64_t count = 0;
      [[maybe_unused]] const ssize_t read = ::read(wake_fd_, &count, sizeof count);
    }

    std::vector<AttemptId> changed;
    bool stopping = false;
    {
      std::lock_guard lock(mu_);
      for (size_t i = 0; i < polled.size(); ++i) {
        const auto watch = watches_.find(polled[i]);
        if (fds[i + 1].revents != 0 && watch != watches_.end() && HandleExit(watch->second)) watches_.erase(watch);
      }
      for (auto watch = watches_.begin(); watch != watches_.end();) {
        const bool ended = watch->second.pidfd < 0 && HandleExit(watch->second);
        watch = ended ? watches_.erase(watch) : std::next(watch);
      }
      changed.swap(pending_notifications_);
      stopping = stopping_;
    }
    if (stopping || !on_change_) continue;  // the owner is going away: nobody to tell
    for (const AttemptId& id : changed) on_change_(id);
  }
}

bool LocalProcessPlugin::HandleExit(Watch& watch) {
  ExitInfo exit{0, "re-attached; exit code unknown"};
  bool reap = false;
  if (watch.is_child) {
    // Look without reaping: the zombie keeps the group id from being reused until the group is killed.
    siginfo_t info{};
    if (::waitid(P_PID, watch.pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
      exit = {0, "exit code lost: the process was reaped elsewhere"};  // ECHILD: SIGCHLD ignored, or waitpid(-1)
    } else if (info.si_pid == 0) {
      return false;  // still running
    } else {
      exit = FromSiginfo(info);
      reap = true;
    }
  } else if (watch.pidfd < 0 && !(::kill(watch.pid, 0) != 0 && errno == ESRCH)) {
    return false;  // a readable pidfd means it ended; without one, it ends when its pid is gone
  }
  // Like a container whose main process ends, the task's group goes with its leader: nothing it
  // left behind (a daemon, a stuck grandchild) survives it.
  if (watch.owns_group) ::kill(-watch.pid, SIGKILL);
  if (reap) ::waitpid(watch.pid, nullptr, 0);  // immediate: it is a zombie
  if (watch.pidfd >= 0) ::close(watch.pidfd);
  watch.pidfd = -1;

  const auto found = watch.attempt.empty() ? attempts_.end() : attempts_.find(watch.attempt);
  if (found == attempts_.end()) return true;  // finalized meanwhile
  AttemptRecord& record = found->second;
  record.watch = 0;
  record.status.exit_code = exit.code;
  if (record.status.phase == AttemptPhase::kRunning) {
    record.status.phase = AttemptPhase::kExited;
    record.status.message = exit.message;
  } else {
    record.status.message += " (" + exit.message + ")";
  }
  pending_notifications_.push_back(watch.attempt);  // delivered by this very iteration
  return true;
}

void LocalProcessPlugin::FireDeadlines(Clock::time_point now) {
  for (auto& [id, watch] : watches_) {
    if (!watch.kill_at || *watch.kill_at > now) continue;
    ::kill(watch.owns_group ? -watch.pid : watch.pid, SIGKILL);
    watch.kill_at.reset();
  }
}

}  // namespace flyte::plugins
