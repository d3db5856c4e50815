#include "plugins/local/python_worker.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "plugins/local/python_worker_program.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kJobMagic = "flyte-job-3";
constexpr std::string_view kReady = "ready";
constexpr std::string_view kJobEnd = "end";
// Far below a socket's send buffer: a job is one message.
constexpr size_t kMaxJobBytes = 64 * 1024;

// Set by the engine per attempt: a worker cannot know them in advance, and flytekit and the flyte
// SDK read them only once a task runs (at import flytekit looks whether FLYTE_INTERNAL_EXECUTION_ID
// is set). A worker has these set to a placeholder until its job says...
constexpr std::array<std::string_view, 13> kAttemptVariables = {"FLYTE_INTERNAL_EXECUTION_WORKFLOW",
                                                                "FLYTE_INTERNAL_EXECUTION_ID",
                                                                "FLYTE_INTERNAL_EXECUTION_PROJECT",
                                                                "FLYTE_INTERNAL_EXECUTION_DOMAIN",
                                                                "FLYTE_ATTEMPT_NUMBER",
                                                                "FLYTE_INTERNAL_TASK_PROJECT",
                                                                "FLYTE_INTERNAL_TASK_DOMAIN",
                                                                "FLYTE_INTERNAL_TASK_NAME",
                                                                "FLYTE_INTERNAL_TASK_VERSION",
                                                                "FLYTE_ATTEMPT_TOKEN",
                                                                "ACTION_NAME",
                                                                "RUN_NAME",
                                                                "_U_RUN_BASE"};
constexpr std::string_view kPlaceholder = "pending";
// ...and these, which only the items of a map task have, unset.
constexpr std::array<std::string_view, 2> kArrayItemVariables = {"FLYTE_K8S_ARRAY_INDEX",
                                                                 "BATCH_JOB_ARRAY_INDEX_VAR_NAME"};

constexpr std::array<std::string_view, 4> kEntryPoints = {"pyflyte-execute", "pyflyte-fast-execute",
                                                          "pyflyte-map-execute", "a0"};

bool IsPerAttempt(const std::string& name) {
  for (const std::string_view variable : kAttemptVariables) {
    if (name == variable) return true;
  }
  for (const std::string_view variable : kArrayItemVariables) {
    if (name == variable) return true;
  }
  return false;
}

bool IsFlyte2(const std::string& script) { return fs::path(script).filename() == "a0"; }

std::string ScriptDir(const std::string& script) {
  std::error_code error;
  const fs::path real = fs::canonical(script, error);
  return (error ? fs::path(script) : real).parent_path().string();
}

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    const size_t end = text.find(':', start);
    parts.push_back(text.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

// Python makes PYTHONPATH's entries absolute against its folder at start-up (a worker's is not the
// task's), turns an empty one into that folder and drops repeated ones.
bool PlainEntries(const std::vector<std::string>& entries) {
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].empty()) return false;
    if (std::find(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(i), entries[i]) !=
        entries.begin() + static_cast<std::ptrdiff_t>(i)) {
      return false;
    }
  }
  return true;
}

// Equal, or `job` adds entries to `started` that the worker can put on sys.path itself (made
// absolute against the task's folder, as a fresh interpreter would).
bool CanExtendPythonPath(const std::string& started, const std::string& job) {
  if (started == job) return true;
  const std::vector<std::string> before = started.empty() ? std::vector<std::string>{} : Split(started);
  for (const std::string& entry : before) {
    if (!entry.starts_with("/")) return false;
  }
  const std::string prefix = started.empty() ? "" : started + ":";
  return job.starts_with(prefix) && PlainEntries(Split(job));
}

std::string Value(const Environment& env, const std::string& name) {
  const auto found = env.find(name);
  return found == env.end() ? "" : found->second;
}

void Append(std::string& payload, std::string_view field) {
  payload.append(field);
  payload.push_back('\0');
}

void AppendList(std::string& payload, const std::vector<std::string>& items) {
  Append(payload, std::to_string(items.size()));
  for (const std::string& item : items) Append(payload, item);
}

}  // namespace

std::optional<std::string> EntryPointInterpreter(const std::string& executable) {
  const std::string name = fs::path(executable).filename().string();
  bool entry_point = false;
  for (const std::string_view known : kEntryPoints) entry_point = entry_point || name == known;
  if (!entry_point) return std::nullopt;
  std::ifstream in(executable);
  std::string line;
  if (!in || !std::getline(in, line) || !line.starts_with("#!/")) return std::nullopt;
  std::string interpreter = line.substr(2);
  if (interpreter.find_first_of(" \t") != std::string::npos) return std::nullopt;  // options: not ours to mimic
  if (!fs::path(interpreter).filename().string().starts_with("python")) return std::nullopt;
  return interpreter;
}

StatusOr<std::string> WriteWorkerProgram(const std::filesystem::path& folder) {
  const fs::path file = folder / "flyte_python_worker.py";
  {
    std::ifstream in(file, std::ios::binary);
    const std::string present((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (present == kPythonWorkerProgram) return file.string();
  }
  std::error_code error;
  fs::create_directories(folder, error);
  fs::permissions(folder, fs::perms::owner_all, error);
  // Written beside and renamed over, so a worker starting now reads the old program or the new one.
  const fs::path temp = file.string() + "." + std::to_string(::getpid()) + ".tmp";
  std::ofstream out(temp, std::ios::binary | std::ios::trunc);
  if (!out.write(kPythonWorkerProgram.data(), static_cast<std::streamsize>(kPythonWorkerProgram.size())) ||
      !out.flush()) {
    return absl::InternalError("cannot write " + temp.string());
  }
  out.close();
  fs::rename(temp, file, error);
  if (error) return absl::InternalError("cannot write " + file.string() + ": " + error.message());
  return file.string();
}

PythonWorker PlanPythonWorker(const std::string& interpreter, const std::string& script, const Environment& base) {
  PythonWorker worker;
  worker.interpreter = interpreter;
  worker.script_dir = ScriptDir(script);
  worker.flyte2 = IsFlyte2(script);
  worker.env = base;
  for (const std::string_view variable : kAttemptVariables) worker.env[std::string(variable)] = kPlaceholder;
  return worker;
}

StatusOr<PythonWorker> StartPythonWorker(const std::string& interpreter, const std::string& script,
                                         const Environment& base, const std::string& program) {
  PythonWorker worker = PlanPythonWorker(interpreter, script, base);

  int sockets[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets) != 0) {
    return absl::InternalError("socketpair: " + std::string(std::strerror(errno)));
  }
  const int output = ::memfd_create("flyte-python-worker-output", MFD_CLOEXEC);
  StatusOr<int> input = MoveAboveStandardStreams(sockets[1]);
  StatusOr<int> early_output = output < 0 ? absl::InternalError("memfd_create: " + std::string(std::strerror(errno)))
                                          : MoveAboveStandardStreams(output);
  StatusOr<pid_t> pid = absl::InternalError("not started");
  if (input.ok() && early_output.ok()) {
    pid = SpawnInGroup(interpreter, {interpreter, program, script}, worker.env, "/", {*input, *early_output},
                       TaskConfinement{});
  }
  if (input.ok()) ::close(*input);
  if (early_output.ok()) ::close(*early_output);
  if (!input.ok() || !early_output.ok() || !pid.ok()) {
    ::close(sockets[0]);
    return !input.ok() ? input.status() : !early_output.ok() ? early_output.status() : pid.status();
  }
  worker.pid = *pid;
  worker.control_fd = sockets[0];
  return worker;
}

bool CanRun(const PythonWorker& worker, const std::string& interpreter, const std::string& script,
            const Environment& env) {
  if (worker.interpreter != interpreter || worker.script_dir != ScriptDir(script) ||
      worker.flyte2 != IsFlyte2(script)) {
    return false;
  }
  auto differs = [](const Environment& a, const Environment& b) {
    for (const auto& [name, value] : a) {
      if (IsPerAttempt(name) || name == "PYTHONPATH") continue;
      const auto other = b.find(name);
      if (other == b.end() || other->second != value) return true;
    }
    return false;
  };
  return !differs(worker.env, env) && !differs(env, worker.env) &&
         CanExtendPythonPath(Value(worker.env, "PYTHONPATH"), Value(env, "PYTHONPATH"));
}

Environment ZygoteEnvironment(const Environment& task_env, const Environment& base) {
  Environment env;
  for (const auto& [name, value] : task_env) {
    if (!IsPerAttempt(name) && name != "PYTHONPATH") env.emplace(name, value);
  }
  if (const auto python_path = base.find("PYTHONPATH"); python_path != base.end()) env.insert(*python_path);
  return env;
}

bool AwaitReady(PythonWorker& worker, std::chrono::milliseconds timeout) {
  if (worker.ready) return true;
  pollfd control{worker.control_fd, POLLIN, 0};
  if (::poll(&control, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char said[kReady.size() + 1];
  const ssize_t got = ::recv(worker.control_fd, said, sizeof said, MSG_DONTWAIT);
  worker.ready = got == static_cast<ssize_t>(kReady.size()) && std::string_view(said, kReady.size()) == kReady;
  return worker.ready;
}

StatusOr<ForkedTask> HandOver(PythonWorker& worker, const WorkerJob& job, int ruleset,
                              std::chrono::milliseconds timeout) {
  std::string payload;
  Append(payload, kJobMagic);
  Append(payload, job.script);
  Append(payload, job.work_dir);
  Append(payload, job.log_file);
  Append(payload, job.started_marker);
  Append(payload, job.process_record);
  AppendList(payload, job.argv);
  std::vector<std::string> env;
  env.reserve(job.env.size());
  for (const auto& [name, value] : job.env) env.push_back(name + "=" + value);
  AppendList(payload, env);
  AppendList(payload, job.setup);
  payload.append(kJobEnd);
  if (payload.size() > kMaxJobBytes) {
    return absl::FailedPreconditionError("the task's command line and environment are too large for a zygote");
  }
  // Two pipes travel with the job: on `report` the child writes its pid and then its wait status
  // (itself as it exits, or the zygote having reaped it); on `go` we answer the pid, and only then
  // does the child start the task. Then the Landlock rules, if tasks are confined.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) return absl::InternalError("pipe: " + std::string(std::strerror(errno)));
  int go[2];
  if (::pipe2(go, O_CLOEXEC) != 0) {
    ::close(report[0]);
    ::close(report[1]);
    return absl::InternalError("pipe: " + std::string(std::strerror(errno)));
  }
  iovec data{payload.data(), payload.size()};
  const std::array<int, 3> passed = {report[1], go[0], ruleset};
  const size_t passed_size = (ruleset >= 0 ? 3 : 2) * sizeof(int);
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof passed)] = {};
  msghdr message{};
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = CMSG_SPACE(passed_size);
  cmsghdr* rights = CMSG_FIRSTHDR(&message);
  rights->cmsg_level = SOL_SOCKET;
  rights->cmsg_type = SCM_RIGHTS;
  rights->cmsg_len = CMSG_LEN(passed_size);
  std::memcpy(CMSG_DATA(rights), passed.data(), passed_size);
  const ssize_t sent = ::sendmsg(worker.control_fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
  const int send_error = errno;
  ::close(report[1]);
  ::close(go[0]);
  // Closing `go` unanswered tells a child that may exist to end without running anything: the
  // task is then certain not to run there, whatever runs it instead.
  auto failed = [&](const std::string& why) {
    ::close(report[0]);
    ::close(go[1]);
    return absl::UnavailableError("the zygote " + std::to_string(worker.pid) + " " + why);
  };
  if (sent != static_cast<ssize_t>(payload.size())) {
    return failed("did not take the job" + (sent < 0 ? ": " + std::string(std::strerror(send_error)) : ""));
  }
  // "pid <n>\n", read a byte at a time: the status that follows it is the reaper's to read.
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!line.ends_with('\n')) {
    pollfd readable{report[0], POLLIN, 0};
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || ::poll(&readable, 1, static_cast<int>(left.count())) <= 0) {
      ::kill(worker.pid, SIGKILL);  // stuck: it takes no more jobs
      return failed("started no task in time");
    }
    char byte = 0;
    if (::read(report[0], &byte, 1) != 1) return failed("ended without starting the task");
    line.push_back(byte);
  }
  if (!line.starts_with("pid ")) return failed("did not start the task: " + line);
  const pid_t pid = static_cast<pid_t>(std::atoi(line.c_str() + 4));
  const bool told = ::write(go[1], "g", 1) == 1;
  ::close(go[1]);
  if (!told) {  // the child is gone already (EPIPE): it ran nothing
    ::close(report[0]);
    return absl::UnavailableError("the task's child " + std::to_string(pid) + " ended before it was told to start");
  }
  ::fcntl(report[0], F_SETFL, O_NONBLOCK);
  return ForkedTask{pid, report[0]};
}

TaskReport ReadTaskReport(int report_fd) {
  char text[64];
  const ssize_t got = ::read(report_fd, text, sizeof text - 1);
  if (got < 0) return {};  // EAGAIN: still running
  if (got == 0) return {TaskReport::State::kZygoteGone, 0};
  text[got] = '\0';
  int status = 0;
  if (std::sscanf(text, "status %d", &status) != 1) return {TaskReport::State::kZygoteGone, 0};
  return {TaskReport::State::kEnded, status};
}

}  // namespace flyte::plugins
