// The CLI commands. `start` runs the sandbox in this process (or re-spawns itself detached);
// `status`, `schedules`, `stop` and `teardown` find a running sandbox through the pid file in its state folder.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <CLI/CLI.hpp>

#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/client_config.h"
#include "app/config.h"
#include "app/layer_configs.h"
#include "app/sandbox.h"
#include "app/state_dir.h"
#include "cli/cli.h"
#include "cli/http_probe.h"
#include "cli/process_memory.h"
#include "common/log.h"
#include "common/version.h"

extern char** environ;

namespace flyte::cli {
namespace {

namespace fs = std::filesystem;
using app::SandboxConfig;

constexpr int kNotRunningExit = 3;

struct Options {
  std::string config_file;
  std::optional<int> port;
  std::optional<int> s3_port;
  std::optional<std::string> bind;
  std::optional<std::string> state_dir;
  std::optional<std::string> log_level;
  std::optional<std::string> log_format;
};

void AddConfigOptions(CLI::App& command, Options& options, bool with_server_flags) {
  command.add_option("--config", options.config_file, "YAML config file (see config/sandbox.yaml)");
  command.add_option("--state-dir", options.state_dir, "State folder (default ~/.flyte/sandbox)");
  if (with_server_flags) {
    command.add_option("--port", options.port, "Port for gRPC and HTTP (default 30080)")->check(CLI::Range(0, 65535));
    command.add_option("--s3-port", options.s3_port, "Port of the S3-compatible endpoint (default 30002)")
        ->check(CLI::Range(0, 65535));
    command.add_option("--bind", options.bind, "Address to listen on (default 127.0.0.1)");
    command.add_option("--log-level", options.log_level, "debug, info, warn or error (default info)");
    command.add_option("--log-format", options.log_format, "text or json (default text)");
  }
}

StatusOr<SandboxConfig> ResolveConfig(const Options& options) {
  SandboxConfig config = app::DefaultConfig();
  if (!options.config_file.empty()) {
    ASSIGN_OR_RETURN(config, app::LoadConfigFile(options.config_file));
  }
  if (options.port) config.server.port = *options.port;
  if (options.s3_port) config.server.s3.port = *options.s3_port;
  if (options.bind) config.server.bind_address = *options.bind;
  if (options.state_dir) config.state.dir = app::ExpandHome(*options.state_dir);
  if (options.log_level) {
    const auto level = log::ParseLevel(*options.log_level);
    if (!level) return absl::InvalidArgumentError("--log-level: expected debug, info, warn or error");
    config.logging.level = *level;
  }
  if (options.log_format) {
    const auto format = log::ParseFormat(*options.log_format);
    if (!format) return absl::InvalidArgumentError("--log-format: expected text or json");
    config.logging.format = *format;
  }
  std::error_code ec;
  auto absolute = fs::absolute(config.state.dir, ec);
  if (!ec) config.state.dir = absolute;
  return config;
}

int Fail(const Status& status) {
  std::cerr << "flyte: " << status.message() << "\n";
  return 1;
}

// Serving beyond loopback: what reaches the sandbox then, and what it cannot defend against.
std::vector<std::string> ExposureWarnings(const SandboxConfig& config) {
  if (config.server.BindsLoopback()) return {};
  return {"WARNING: serving beyond this machine on " + config.server.bind_address + ".",
          config.auth_mode == app::AuthMode::kOff
              ? "It has no authentication (auth.mode: off): anyone who can reach this address can register and run "
                "code as you."
              : "Clients must authenticate (README, \"Exposing the sandbox\"); traffic is plain HTTP/gRPC without TLS.",
          "gRPC (Debian's 1.51, without defences of its own) is behind the sandbox's HTTP/2 front, which disconnects "
          "clients that abuse HTTP/2 (rapid reset, too many streams, never reading); still, many clients at once with "
          "large calls can make it use gigabytes of memory (README, \"What it withstands\"). Bind 127.0.0.1 unless "
          "the network is trusted.",
          "HTTP clients on other machines must name it by a host listed under server.allowed_hosts.",
          config.server.s3.enabled && config.server.s3.secret_access_key == server::S3Config{}.secret_access_key
              ? "The S3 endpoint (port " + std::to_string(config.server.s3.port) +
                    ") still has the demo's well-known keys: set s3.access_key_id and s3.secret_access_key, or "
                    "s3.enabled: false."
              : "The S3 endpoint serves the object store to whoever holds s3.access_key_id and its secret."};
}

std::string ProbeHost(const SandboxConfig& config) {
  const std::string& bind = config.server.bind_address;
  return bind == "0.0.0.0" || bind == "::" ? "127.0.0.1" : bind;
}

// Which flytekit runs the Python tasks, or how to give them one.
std::string PythonTasks(const SandboxConfig& config) {
  const StatusOr<std::string> entry_point = app::PythonTaskEntryPoint(config);
  if (entry_point.ok()) return *entry_point;
  return "pyflyte-execute is not on PATH: start the sandbox from a virtualenv with flytekit, or list "
         "its bin folder under tasks.path in the config";
}

// The S3 endpoint's line: where, and the keys (MinIO's in the demo; printed as the demo does).
std::string S3Endpoint(const server::S3Config& s3, const std::string& host) {
  if (!s3.enabled) return "off (s3.enabled: false)";
  return "http://" + host + ":" + std::to_string(s3.port) + "  (access key " + s3.access_key_id + ", secret key " +
         s3.secret_access_key + ")";
}

void PrintBanner(const SandboxConfig& config, int port, int s3_port, const app::TaskRuntimes& runtimes) {
  auto shown = config.server;
  shown.port = port;
  shown.s3.port = s3_port;
  const std::string address = shown.ClientAddress();
  std::cout << "Flyte sandbox " << kVersion << " is serving (pid " << ::getpid() << ")\n"
            << "  gRPC and HTTP:  " << address << "\n"
            << "  Console:        http://" << address << "/console\n"
            << "  S3 endpoint:    " << S3Endpoint(shown.s3, address.substr(0, address.rfind(':'))) << "\n"
            << "  State folder:   " << config.state.dir.string() << "\n"
            << "  Client config:  " << config.state.client_config.string() << "\n"
            << "  Python tasks:   " << PythonTasks(config) << "\n"
            << "  Task processes: " << app::TaskConfinement(config) << "\n"
            << "  Containers:     " << runtimes.containers << "\n"
            << (runtimes.kubernetes.empty() ? "" : "  Kubernetes:     " + runtimes.kubernetes + "\n") << "\n"
            << "Point flytectl and flytekit at it with:\n"
            << "  export FLYTECTL_CONFIG=" << config.state.client_config.string() << "\n"
            << std::flush;
}

int RunForeground(const SandboxConfig& config) {
  // Block the stop signals in every thread; this one waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  for (const std::string& warning : ExposureWarnings(config)) log::Warn("sandbox", warning);
  auto sandbox = app::Sandbox::Start(config);
  if (!sandbox.ok()) {
    log::Error("sandbox", "cannot start", {{"error", std::string(sandbox.status().message())}});
    return 1;
  }
  PrintBanner(config, (*sandbox)->config().server.port, (*sandbox)->config().server.s3.port, (*sandbox)->runtimes());
  int received = 0;
  sigwait(&stop_signals, &received);
  log::Info("sandbox", "stopping", {{"signal", received == SIGINT ? "SIGINT" : "SIGTERM"}});
  (*sandbox)->Shutdown();
  sandbox->reset();
  log::Info("sandbox", "stopped");
  return 0;
}

// Re-runs this binary without --detach in a new session, its log (stderr) in the state folder and
// its banner nowhere (this process prints it), and returns once it serves (or reports why not).
int RunDetached(const SandboxConfig& config, int argc, char** argv) {
  if (Status prepared = app::PrepareStateDir(config.state.dir); !prepared.ok()) return Fail(prepared);
  const fs::path log = config.state.dir / app::kLogFile;
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) {
    if (std::string_view(argv[i]) != "--detach") args.emplace_back(argv[i]);
  }
  std::vector<char*> raw;
  for (auto& arg : args) raw.push_back(arg.data());
  raw.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
  pid_t child = 0;
  int spawned = posix_spawn(&child, "/proc/self/exe", &actions, &attributes, raw.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0)
    return Fail(absl::InternalError(std::string("cannot start the sandbox: ") + std::strerror(spawned)));

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(child, &status, WNOHANG) == child) {
      std::ifstream in(log);
      std::string line, last;
      while (std::getline(in, line)) {
        if (!line.empty()) last = line;
      }
      std::cerr << (last.empty() ? "flyte: the sandbox exited during start-up" : last) << "\n"
                << "(full log: " << log.string() << ")\n";
      return 1;
    }
    auto running = app::FindServing(config.state.dir);
    if (running && running->pid == child &&
        ProbeHttp(ProbeHost(config), running->port, "/healthz", std::chrono::milliseconds(500))) {
      PrintBanner(config, running->port, config.server.s3.port, running->runtimes);
      std::cout << "  Log:            " << log.string() << "\n";
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return Fail(absl::DeadlineExceededError("the sandbox did not start serving within 30 s; see " + log.string()));
}

int Status(const SandboxConfig& config) {
  auto running = app::FindServing(config.state.dir);
  if (!running) {
    std::cout << "Flyte sandbox is not running (state folder " << config.state.dir.string() << ")\n";
    return kNotRunningExit;
  }
  const bool serving = ProbeHttp(ProbeHost(config), running->port, "/healthz", std::chrono::milliseconds(2000));
  std::cout << "Flyte sandbox is " << (serving ? "running" : "starting or not answering") << " (pid " << running->pid
            << ") at localhost:" << running->port << ", state folder " << config.state.dir.string() << "\n";
  const auto mib = [](int64_t bytes) {
    std::ostringstream text;
    text << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / (1024.0 * 1024.0) << " MiB";
    return text.str();
  };
  if (const std::optional<int64_t> resident = ResidentBytes(running->pid)) {
    const Zygotes zygotes = ZygotesOf(running->pid);
    std::cout << "Memory: sandbox " << mib(*resident) << "; " << zygotes.count << " Python zygote"
              << (zygotes.count == 1 ? "" : "s") << " (flytekit imported, waiting for tasks) "
              << mib(zygotes.resident_bytes) << "\n";
  }
  return serving ? 0 : 1;
}

// The active schedules and when each launch plan runs next, from the running sandbox's
// /sandbox/v1/schedules (sending the first static token when the sandbox requires auth).
int Schedules(const SandboxConfig& config) {
  auto running = app::FindServing(config.state.dir);
  if (!running) {
    std::cout << "Flyte sandbox is not running (state folder " << config.state.dir.string() << ")\n";
    return kNotRunningExit;
  }
  const std::string token = config.auth.static_tokens.empty() ? "" : config.auth.static_tokens.front();
  const std::optional<HttpAnswer> answer =
      HttpGet(ProbeHost(config), running->port, "/sandbox/v1/schedules", std::chrono::seconds(10), token);
  if (!answer) return Fail(absl::UnavailableError("the sandbox did not answer"));
  if (answer->status == 401) {
    return Fail(
        absl::UnauthenticatedError("the sandbox requires authentication: list a token in auth.static_tokens "
                                   "of the config given with --config"));
  }
  google::protobuf::Struct reply;
  if (answer->status != 200 || !google::protobuf::util::JsonStringToMessage(answer->body, &reply).ok()) {
    return Fail(absl::InternalError("unexpected answer (HTTP " + std::to_string(answer->status) + ")"));
  }
  using Fields = google::protobuf::Map<std::string, google::protobuf::Value>;
  // Proto JSON leaves out fields at their default (an enum's first value): absent reads as empty.
  const auto field = [](const Fields& fields, const std::string& key) -> const google::protobuf::Value& {
    const auto found = fields.find(key);
    return found != fields.end() ? found->second : google::protobuf::Value::default_instance();
  };
  const auto& schedules = field(reply.fields(), "schedules").list_value().values();
  if (schedules.empty()) {
    std::cout << "No active launch plan has a schedule.\n";
    return 0;
  }
  std::cout << std::left << std::setw(24) << "NEXT RUN (UTC)" << std::setw(24) << "SCHEDULE"
            << "LAUNCH PLAN\n";
  for (const auto& entry : schedules) {
    const Fields& fields = entry.struct_value().fields();
    const Fields& id = field(fields, "launchPlan").struct_value().fields();
    const Fields& schedule = field(fields, "schedule").struct_value().fields();
    std::string when = field(field(schedule, "cronSchedule").struct_value().fields(), "schedule").string_value();
    if (const Fields& rate = field(schedule, "rate").struct_value().fields(); !rate.empty()) {
      const std::string unit = field(rate, "unit").string_value();
      when = "every " + std::to_string(static_cast<int64_t>(field(rate, "value").number_value())) + " " +
             (unit.empty() ? "MINUTE" : unit);
    }
    std::cout << std::setw(24) << field(fields, "nextRunAt").string_value() << std::setw(24) << when
              << field(id, "project").string_value() << "/" << field(id, "domain").string_value() << "/"
              << field(id, "name").string_value() << "@" << field(id, "version").string_value() << "\n";
  }
  return 0;
}

int Stop(const SandboxConfig& config) {
  auto running = app::FindServing(config.state.dir);
  if (!running) {
    std::cout << "Flyte sandbox is not running\n";
    return 0;
  }
  if (::kill(running->pid, SIGTERM) != 0 && errno != ESRCH) {
    return Fail(absl::PermissionDeniedError("cannot signal pid " + std::to_string(running->pid)));
  }
  const auto deadline = std::chrono::steady_clock::now() + config.server.shutdown_grace + std::chrono::seconds(20);
  while (::kill(running->pid, 0) == 0 || errno != ESRCH) {
    if (std::chrono::steady_clock::now() > deadline) {
      return Fail(absl::DeadlineExceededError("pid " + std::to_string(running->pid) + " is still running"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::cout << "Flyte sandbox stopped (pid " << running->pid << ")\n";
  return 0;
}

int Teardown(const SandboxConfig& config, bool yes) {
  if (!yes) {
    std::cerr << "flyte: teardown deletes every registered entity and blob in " << config.state.dir.string()
              << "; run again with --yes to do it\n";
    return 2;
  }
  if (int stopped = Stop(config); stopped != 0) return stopped;
  // A stopped sandbox has removed its containers; one killed with kill -9 has not.
  if (const StatusOr<int> removed = app::RemoveTaskContainers(config); !removed.ok()) {
    std::cerr << "flyte: could not remove the sandbox's task containers: " << removed.status().message() << "\n";
  } else if (*removed > 0) {
    std::cout << "Removed " << *removed << " task container" << (*removed == 1 ? "" : "s") << "\n";
  }
  // A stopped or killed sandbox leaves its pods (a restart re-attaches them); nothing would once
  // the state folder is gone.
  if (const StatusOr<int> deleted = app::RemoveTaskPods(config); !deleted.ok()) {
    std::cerr << "flyte: could not delete the sandbox's task pods: " << deleted.status().message() << "\n";
  } else if (*deleted > 0) {
    std::cout << "Deleted " << *deleted << " task pod" << (*deleted == 1 ? "" : "s") << "\n";
  }
  std::error_code ec;
  fs::remove_all(config.state.dir, ec);
  if (ec) return Fail(absl::InternalError("cannot remove " + config.state.dir.string() + ": " + ec.message()));
  // Only remove a client config we wrote ourselves.
  if (app::IsOurClientConfig(config.state.client_config)) fs::remove(config.state.client_config, ec);
  std::cout << "Removed " << config.state.dir.string() << "\n";
  return 0;
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"flyte: the single-binary Flyte sandbox"};
  app.require_subcommand(1);
  auto* version = app.add_subcommand("version", "Print the version");
  auto* sandbox = app.add_subcommand("sandbox", "Run and manage the local sandbox");
  sandbox->require_subcommand(1);

  Options start_options, status_options, schedules_options, stop_options, teardown_options;
  bool detach = false, yes = false;
  auto* start = sandbox->add_subcommand("start", "Start the sandbox (gRPC + HTTP on one port)");
  AddConfigOptions(*start, start_options, true);
  start->add_flag("--detach", detach, "Run in the background; return once it serves");
  auto* status = sandbox->add_subcommand("status", "Tell whether the sandbox is running");
  AddConfigOptions(*status, status_options, false);
  auto* schedules = sandbox->add_subcommand("schedules", "List active schedules and when each runs next");
  AddConfigOptions(*schedules, schedules_options, false);
  auto* stop = sandbox->add_subcommand("stop", "Stop a running sandbox and wait until it is gone");
  AddConfigOptions(*stop, stop_options, false);
  auto* teardown = sandbox->add_subcommand("teardown", "Stop the sandbox and delete its state");
  AddConfigOptions(*teardown, teardown_options, false);
  teardown->add_flag("--yes", yes, "Confirm deleting the state folder");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (version->parsed()) {
    std::cout << "flyte " << kVersion << " (commit " << kGitCommit << ", built " << kBuildTime << ")\n";
    return 0;
  }
  auto with_config = [](const Options& options, auto&& command) {
    auto config = ResolveConfig(options);
    if (!config.ok()) return Fail(config.status());
    return command(*config);
  };
  if (start->parsed()) {
    return with_config(start_options, [&](const SandboxConfig& config) {
      log::Configure(config.logging);
      if (!detach) return RunForeground(config);
      // The sandbox logs these too, but into its log file: the terminal hears them from here.
      for (const std::string& warning : ExposureWarnings(config)) std::cerr << "flyte: " << warning << "\n";
      return RunDetached(config, argc, argv);
    });
  }
  if (status->parsed()) return with_config(status_options, Status);
  if (schedules->parsed()) return with_config(schedules_options, Schedules);
  if (stop->parsed()) return with_config(stop_options, Stop);
  return with_config(teardown_options, [&](const SandboxConfig& config) { return Teardown(config, yes); });
}

}  // namespace flyte::cli
