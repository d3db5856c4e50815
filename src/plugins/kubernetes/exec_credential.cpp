#include "plugins/kubernetes/exec_credential.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <absl/time/time.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "common/digest.h"

extern char** environ;

namespace flyte::plugins {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

std::string TextOf(const Struct& object, const std::string& name) {
  const auto found = object.fields().find(name);
  return found != object.fields().end() && found->second.has_string_value() ? found->second.string_value()
                                                                            : std::string();
}

Status Unusable(const std::string& why) {
  return absl::UnavailableError("the kubeconfig's exec credential plugin: " + why);
}

// The child's end: stdin /dev/null, stdout the pipe, stderr the sandbox's.
StatusOr<pid_t> Spawn(const ExecPlugin& plugin, const std::string& info, int output) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto name = text.substr(0, text.find('='));
    bool replaced = name == "KUBERNETES_EXEC_INFO";
    for (const auto& [added, _] : plugin.env) replaced = replaced || name == added;
    if (!replaced) env.emplace_back(text);
  }
  for (const auto& [name, value] : plugin.env) env.push_back(name + "=" + value);
  env.push_back("KUBERNETES_EXEC_INFO=" + info);
  std::vector<std::string> argv{plugin.command};
  argv.insert(argv.end(), plugin.args.begin(), plugin.args.end());
  std::vector<char*> raw_argv, raw_env;
  for (auto& arg : argv) raw_argv.push_back(arg.data());
  raw_argv.push_back(nullptr);
  for (auto& entry : env) raw_env.push_back(entry.data());
  raw_env.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, output, 1);
  pid_t child = 0;
  const int spawned = posix_spawnp(&child, plugin.command.c_str(), &actions, nullptr, raw_argv.data(), raw_env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    std::string why = "cannot run " + plugin.command + ": " + std::strerror(spawned);
    if (!plugin.install_hint.empty()) why += " (" + plugin.install_hint + ")";
    return Unusable(why);
  }
  return child;
}

}  // namespace

std::string ExecInfo(const ExecPlugin& plugin, const KubeCluster& cluster) {
  Struct info;
  auto& fields = *info.mutable_fields();
  fields["apiVersion"].set_string_value(plugin.api_version);
  fields["kind"].set_string_value("ExecCredential");
  auto& spec = *fields["spec"].mutable_struct_value()->mutable_fields();
  spec["interactive"].set_bool_value(false);
  if (plugin.provide_cluster_info) {
    auto& about = *spec["cluster"].mutable_struct_value()->mutable_fields();
    about["server"].set_string_value(cluster.server);
    if (!cluster.tls_server_name.empty()) about["tls-server-name"].set_string_value(cluster.tls_server_name);
    if (cluster.insecure_skip_tls_verify) about["insecure-skip-tls-verify"].set_bool_value(true);
    if (!cluster.ca_pem.empty()) about["certificate-authority-data"].set_string_value(Base64Encode(cluster.ca_pem));
  }
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(info, &json);
  return json;
}

StatusOr<Credential> ParseExecCredential(std::string_view json, const std::string& api_version) {
  Struct object;
  if (!google::protobuf::util::JsonStringToMessage(std::string(json), &object).ok()) {
    return Unusable("its output is not a JSON object");
  }
  if (TextOf(object, "kind") != "ExecCredential") return Unusable("its output is not an ExecCredential");
  if (TextOf(object, "apiVersion") != api_version) {
    return Unusable("it answered apiVersion \"" + TextOf(object, "apiVersion") + "\", asked for " + api_version);
  }
  const auto status = object.fields().find("status");
  if (status == object.fields().end() || !status->second.has_struct_value()) {
    return Unusable("its ExecCredential has no status");
  }
  const Struct& given = status->second.struct_value();
  Credential credential;
  credential.token = TextOf(given, "token");
  credential.client_certificate_pem = TextOf(given, "clientCertificateData");
  credential.client_key_pem = TextOf(given, "clientKeyData");
  if (credential.client_certificate_pem.empty() != credential.client_key_pem.empty()) {
    return Unusable("its ExecCredential gives clientCertificateData without clientKeyData, or the other way round");
  }
  if (credential.token.empty() && credential.client_certificate_pem.empty()) {
    return Unusable("its ExecCredential has neither a token nor a client certificate");
  }
  if (const std::string expiry = TextOf(given, "expirationTimestamp"); !expiry.empty()) {
    absl::Time time;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, expiry, &time, &error)) {
      return Unusable("its expirationTimestamp \"" + expiry + "\" is not an RFC 3339 time");
    }
    credential.expiry = absl::ToChronoTime(time);
  }
  return credential;
}

StatusOr<Credential> RunExecPlugin(const ExecPlugin& plugin, const KubeCluster& cluster,
                                   std::chrono::milliseconds timeout) {
  int pipe_ends[2];
  if (::pipe2(pipe_ends, O_CLOEXEC) != 0) return Unusable(std::string("pipe: ") + std::strerror(errno));
  auto child = Spawn(plugin, ExecInfo(plugin, cluster), pipe_ends[1]);
  ::close(pipe_ends[1]);
  if (!child.ok()) {
    ::close(pipe_ends[0]);
    return child.status();
  }
  std::string output;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd ready{pipe_ends[0], POLLIN, 0};
    if (left.count() <= 0 || ::poll(&ready, 1, static_cast<int>(left.count())) == 0) {
      timed_out = true;
      break;
    }
    char piece[4096];
    const ssize_t got = ::read(pipe_ends[0], piece, sizeof piece);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    output.append(piece, static_cast<size_t>(got));
  }
  ::close(pipe_ends[0]);
  if (timed_out) ::kill(*child, SIGKILL);
  int status = 0;
  while (::waitpid(*child, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return Unusable(plugin.command + " did not finish within " + std::to_string(timeout.count()) + " ms");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Unusable(plugin.command + " failed (" +
                    (WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                       : "signal " + std::to_string(WTERMSIG(status))) +
                    ")");
  }
  return ParseExecCredential(output, plugin.api_version);
}

KubeCredentials::KubeCredentials(KubeConfig config) : config_(std::move(config)) {}

StatusOr<Credential> KubeCredentials::Current() {
  absl::MutexLock lock(&mu_);
  const KubeUser& user = config_.user;
  const auto now = std::chrono::steady_clock::now();
  if (user.exec) {
    if (current_ && (!current_->expiry || *current_->expiry > std::chrono::system_clock::now())) return *current_;
    auto made = RunExecPlugin(*user.exec, config_.cluster, std::chrono::seconds(30));
    if (!made.ok()) return made.status();
    current_ = std::move(*made);
    return *current_;
  }
  if (current_ && (user.token_file.empty() || now - token_read_ < std::chrono::minutes(1))) return *current_;
  Credential credential;
  credential.client_certificate_pem = user.client_certificate_pem;
  credential.client_key_pem = user.client_key_pem;
  credential.token = user.token;
  if (!user.token_file.empty() && (user.token.empty() || current_)) {  // `token` first, then the file
    std::ifstream in(user.token_file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    const auto first = token.find_first_not_of(" \t\r\n");
    token = first == std::string::npos ? "" : token.substr(first, token.find_last_not_of(" \t\r\n") - first + 1);
    if (!in || token.empty()) {
      return absl::UnavailableError("the kubeconfig's token file " + user.token_file.string() +
                                    (in ? " is empty" : " cannot be read"));
    }
    credential.token = token;
    token_read_ = now;
  }
  current_ = credential;
  return *current_;
}

void KubeCredentials::Rejected(const Credential& used) {
  absl::MutexLock lock(&mu_);
  if (current_ && *current_ == used) {
    // The next Current() makes them again: an exec plugin runs, a token file is read.
    if (config_.user.exec || !config_.user.token_file.empty()) {
      current_.reset();
      token_read_ = {};
    }
  }
}

}  // namespace flyte::plugins
