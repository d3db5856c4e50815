#include "plugins/kubernetes/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <system_error>

#include "common/digest.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;

// A named entry of `clusters`, `users` or `contexts`, with the file that defined it first.
struct Entry {
  YAML::Node body;
  const KubeConfigFile* file = nullptr;
};

// "<file>:<line>: <what>: <why>"
Status Bad(const KubeConfigFile& file, const YAML::Node& node, const std::string& what, const std::string& why) {
  std::ostringstream out;
  out << file.path.string();
  if (node.IsDefined() && node.Mark().line >= 0) out << ":" << node.Mark().line + 1;
  out << ": " << what << ": " << why;
  return absl::InvalidArgumentError(out.str());
}

StatusOr<std::string> Text(const Entry& entry, const char* key, const std::string& what) {
  const YAML::Node node = entry.body[key];
  if (!node.IsDefined() || node.IsNull()) return std::string();
  if (!node.IsScalar()) return Bad(*entry.file, node, what + "." + key, "expected a string");
  return node.Scalar();
}

StatusOr<bool> Flag(const Entry& entry, const char* key, const std::string& what) {
  const YAML::Node node = entry.body[key];
  if (!node.IsDefined() || node.IsNull()) return false;
  if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) return node.Scalar() == "true";
  return Bad(*entry.file, node, what + "." + key, "expected true or false");
}

StatusOr<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path Relative(const KubeConfigFile& file, const std::string& path) {
  const fs::path given(path);
  return given.is_absolute() ? given : file.path.parent_path() / given;
}

// `<key>-data` (base64 in the file) or `<key>` (a file's path), the data winning: its PEM text.
StatusOr<std::string> Pem(const Entry& entry, const std::string& key, const std::string& what) {
  auto data = Text(entry, (key + "-data").c_str(), what);
  if (!data.ok()) return data.status();
  if (!data->empty()) {
    auto decoded = Base64Decode(*data);
    if (!decoded.ok()) return Bad(*entry.file, entry.body[key + "-data"], what + "." + key + "-data", "not base64");
    return *decoded;
  }
  auto path = Text(entry, key.c_str(), what);
  if (!path.ok() || path->empty()) return path;
  auto text = ReadFile(Relative(*entry.file, *path));
  if (!text.ok()) return Bad(*entry.file, entry.body[key], what + "." + key, std::string(text.status().message()));
  return text;
}

// The entries of one list (`clusters`...) across the files: the first file to name one wins.
StatusOr<std::map<std::string, Entry>> Named(const std::vector<KubeConfigFile>& files,
                                             const std::vector<YAML::Node>& roots, const char* list, const char* body) {
  std::map<std::string, Entry> entries;
  for (size_t i = 0; i < files.size(); ++i) {
    const YAML::Node items = roots[i][list];
    if (!items.IsDefined() || items.IsNull()) continue;
    if (!items.IsSequence()) return Bad(files[i], items, list, "expected a list");
    for (const YAML::Node& item : items) {
      const YAML::Node name = item["name"];
      if (!item.IsMap() || !name.IsScalar() || name.Scalar().empty()) {
        return Bad(files[i], item, list, "each entry needs a name");
      }
      YAML::Node content = item[body];
      if (!content.IsDefined() || content.IsNull()) content = YAML::Node(YAML::NodeType::Map);
      if (!content.IsMap()) return Bad(files[i], content, std::string(list) + "." + body, "expected a map");
      entries.try_emplace(name.Scalar(), Entry{content, &files[i]});
    }
  }
  return entries;
}

StatusOr<KubeCluster> ClusterOf(const Entry& entry, const std::string& name) {
  const std::string what = "cluster \"" + name + "\"";
  KubeCluster cluster;
  auto server = Text(entry, "server", what);
  if (!server.ok()) return server.status();
  if (server->empty()) return Bad(*entry.file, entry.body, what, "has no server");
  if (server->rfind("https://", 0) != 0 && server->rfind("http://", 0) != 0) {
    return Bad(*entry.file, entry.body["server"], what + ".server",
               "expected an https:// URL, got \"" + *server + "\"");
  }
  cluster.server = *server;
  auto ca = Pem(entry, "certificate-authority", what);
  auto insecure = Flag(entry, "insecure-skip-tls-verify", what);
  auto name_checked = Text(entry, "tls-server-name", what);
  for (const Status& status : {ca.status(), insecure.status(), name_checked.status()}) {
    if (!status.ok()) return status;
  }
  if (*insecure && !ca->empty()) {
    return Bad(*entry.file, entry.body, what,
               "gives a certificate authority and insecure-skip-tls-verify: the one excludes the other");
  }
  cluster.ca_pem = *ca;
  cluster.insecure_skip_tls_verify = *insecure;
  cluster.tls_server_name = *name_checked;
  return cluster;
}

StatusOr<ExecPlugin> ExecOf(const Entry& user, const std::string& what) {
  const Entry entry{user.body["exec"], user.file};
  const std::string exec = what + ".exec";
  if (!entry.body.IsMap()) return Bad(*user.file, entry.body, exec, "expected a map");
  ExecPlugin plugin;
  auto command = Text(entry, "command", exec);
  auto api_version = Text(entry, "apiVersion", exec);
  auto hint = Text(entry, "installHint", exec);
  auto mode = Text(entry, "interactiveMode", exec);
  auto cluster_info = Flag(entry, "provideClusterInfo", exec);
  for (const Status& status :
       {command.status(), api_version.status(), hint.status(), mode.status(), cluster_info.status()}) {
    if (!status.ok()) return status;
  }
  if (command->empty()) return Bad(*user.file, entry.body, exec, "has no command");
  if (*api_version != "client.authentication.k8s.io/v1" && *api_version != "client.authentication.k8s.io/v1beta1") {
    return Bad(*user.file, entry.body, exec + ".apiVersion",
               "expected client.authentication.k8s.io/v1 or /v1beta1, got \"" + *api_version + "\"");
  }
  // The sandbox runs the plugin with no terminal: one that insists on one cannot serve it.
  if (*mode == "Always") {
    return Bad(*user.file, entry.body["interactiveMode"], exec + ".interactiveMode",
               "Always needs a terminal, which the sandbox does not have; use IfAvailable or Never");
  }
  if (!mode->empty() && *mode != "Never" && *mode != "IfAvailable") {
    return Bad(*user.file, entry.body["interactiveMode"], exec + ".interactiveMode",
               "expected Never, IfAvailable or Always, got \"" + *mode + "\"");
  }
  plugin.command = command->find('/') == std::string::npos ? *command : Relative(*user.file, *command).string();
  plugin.api_version = *api_version;
  plugin.install_hint = *hint;
  plugin.provide_cluster_info = *cluster_info;
  const YAML::Node args = entry.body["args"];
  if (args.IsDefined() && !args.IsNull()) {
    if (!args.IsSequence()) return Bad(*user.file, args, exec + ".args", "expected a list of strings");
    for (const YAML::Node& arg : args) {
      if (!arg.IsScalar()) return Bad(*user.file, arg, exec + ".args", "expected a list of strings");
      plugin.args.push_back(arg.Scalar());
    }
  }
  const YAML::Node env = entry.body["env"];
  if (env.IsDefined() && !env.IsNull()) {
    if (!env.IsSequence()) return Bad(*user.file, env, exec + ".env", "expected a list of {name, value}");
    for (const YAML::Node& variable : env) {
      if (!variable.IsMap() || !variable["name"].IsScalar() || !variable["value"].IsScalar()) {
        return Bad(*user.file, variable, exec + ".env", "expected a list of {name, value}");
      }
      plugin.env.emplace_back(variable["name"].Scalar(), variable["value"].Scalar());
    }
  }
  return plugin;
}

StatusOr<KubeUser> UserOf(const Entry& entry, const std::string& name) {
  const std::string what = "user \"" + name + "\"";
  for (const char* unsupported : {"auth-provider", "username", "password"}) {
    if (entry.body[unsupported].IsDefined() && !entry.body[unsupported].IsNull()) {
      return Bad(*entry.file, entry.body[unsupported], what + "." + unsupported,
                 "not supported by the sandbox (use a client certificate, a token or an exec plugin)");
    }
  }
  KubeUser user;
  auto certificate = Pem(entry, "client-certificate", what);
  auto key = Pem(entry, "client-key", what);
  auto token = Text(entry, "token", what);
  auto token_file = Text(entry, "tokenFile", what);
  for (const Status& status : {certificate.status(), key.status(), token.status(), token_file.status()}) {
    if (!status.ok()) return status;
  }
  if (certificate->empty() != key->empty()) {
    return Bad(*entry.file, entry.body, what, "a client certificate needs its key, and a key its certificate");
  }
  user.client_certificate_pem = *certificate;
  user.client_key_pem = *key;
  user.token = *token;
  if (!token_file->empty()) user.token_file = Relative(*entry.file, *token_file);
  if (entry.body["exec"].IsDefined() && !entry.body["exec"].IsNull()) {
    auto exec = ExecOf(entry, what);
    if (!exec.ok()) return exec.status();
    user.exec = std::move(*exec);
  }
  return user;
}

StatusOr<KubeConfig> InCluster(const std::map<std::string, std::string>& environment) {
  const auto host = environment.find("KUBERNETES_SERVICE_HOST");
  const auto port = environment.find("KUBERNETES_SERVICE_PORT");
  if (host == environment.end() || port == environment.end() || host->second.empty() || port->second.empty()) {
    return absl::NotFoundError("");
  }
  const fs::path account = "/var/run/secrets/kubernetes.io/serviceaccount";
  KubeConfig config;
  config.source = "in-cluster (" + account.string() + ")";
  const bool ipv6 = host->second.find(':') != std::string::npos;
  config.cluster.server = "https://" + (ipv6 ? "[" + host->second + "]" : host->second) + ":" + port->second;
  auto ca = ReadFile(account / "ca.crt");
  if (!ca.ok()) return absl::FailedPreconditionError("in-cluster: " + std::string(ca.status().message()));
  config.cluster.ca_pem = *ca;
  config.user.token_file = account / "token";
  auto namespace_ = ReadFile(account / "namespace");
  config.namespace_ = namespace_.ok() && !namespace_->empty() ? *namespace_ : "default";
  return config;
}

}  // namespace

StatusOr<KubeConfig> ParseKubeConfig(const std::vector<KubeConfigFile>& files, const std::string& context) {
  std::vector<YAML::Node> roots;
  for (const KubeConfigFile& file : files) {
    try {
      YAML::Node root = YAML::Load(file.text);
      if (!root.IsNull() && !root.IsMap()) return Bad(file, root, "kubeconfig", "expected a map");
      roots.push_back(root.IsNull() ? YAML::Node(YAML::NodeType::Map) : root);
    } catch (const YAML::Exception& error) {
      return absl::InvalidArgumentError(file.path.string() + ": not YAML: " + error.what());
    }
  }
  std::string chosen = context;
  for (size_t i = 0; chosen.empty() && i < files.size(); ++i) {
    const YAML::Node current = roots[i]["current-context"];
    if (current.IsScalar()) chosen = current.Scalar();
  }
  std::string sources;
  for (const KubeConfigFile& file : files) sources += (sources.empty() ? "" : ":") + file.path.string();
  if (chosen.empty()) return absl::InvalidArgumentError(sources + ": no current-context, and none was named");
  auto contexts = Named(files, roots, "contexts", "context");
  auto clusters = Named(files, roots, "clusters", "cluster");
  auto users = Named(files, roots, "users", "user");
  for (const Status& status : {contexts.status(), clusters.status(), users.status()}) {
    if (!status.ok()) return status;
  }
  const auto found = contexts->find(chosen);
  if (found == contexts->end()) return absl::InvalidArgumentError(sources + ": no context \"" + chosen + "\"");
  const Entry& entry = found->second;
  const std::string what = "context \"" + chosen + "\"";
  auto cluster_name = Text(entry, "cluster", what);
  auto user_name = Text(entry, "user", what);
  auto namespace_ = Text(entry, "namespace", what);
  for (const Status& status : {cluster_name.status(), user_name.status(), namespace_.status()}) {
    if (!status.ok()) return status;
  }
  const auto cluster = clusters->find(*cluster_name);
  if (cluster == clusters->end()) {
    return Bad(*entry.file, entry.body, what, "names cluster \"" + *cluster_name + "\", which is not there");
  }
  KubeConfig config;
  config.context = chosen;
  config.namespace_ = namespace_->empty() ? "default" : *namespace_;
  config.source = sources;
  auto parsed_cluster = ClusterOf(cluster->second, *cluster_name);
  if (!parsed_cluster.ok()) return parsed_cluster.status();
  config.cluster = std::move(*parsed_cluster);
  if (!user_name->empty()) {  // none: anonymous
    const auto user = users->find(*user_name);
    if (user == users->end()) {
      return Bad(*entry.file, entry.body, what, "names user \"" + *user_name + "\", which is not there");
    }
    auto parsed_user = UserOf(user->second, *user_name);
    if (!parsed_user.ok()) return parsed_user.status();
    config.user = std::move(*parsed_user);
  }
  return config;
}

StatusOr<KubeConfig> LoadKubeConfig(const std::string& explicit_path, const std::string& context,
                                    const std::map<std::string, std::string>& environment) {
  std::vector<fs::path> paths;
  std::string looked;
  if (!explicit_path.empty()) {
    paths.emplace_back(explicit_path);
  } else if (const auto list = environment.find("KUBECONFIG"); list != environment.end() && !list->second.empty()) {
    std::stringstream entries(list->second);
    for (std::string entry; std::getline(entries, entry, ':');) {
      std::error_code error;
      if (!entry.empty() && fs::exists(entry, error)) paths.emplace_back(entry);  // client-go skips missing ones
    }
    looked = "$KUBECONFIG (" + list->second + ")";
  } else if (const auto home = environment.find("HOME"); home != environment.end() && !home->second.empty()) {
    const fs::path path = fs::path(home->second) / ".kube" / "config";
    std::error_code error;
    if (fs::exists(path, error)) paths.push_back(path);
    looked = path.string();
  }
  if (paths.empty()) {
    auto in_cluster = InCluster(environment);
    if (in_cluster.ok() || !absl::IsNotFound(in_cluster.status())) return in_cluster;
    return absl::NotFoundError("no kubeconfig: looked at " +
                               (looked.empty() ? std::string("$HOME/.kube/config") : looked) +
                               " and for an in-cluster service account");
  }
  std::vector<KubeConfigFile> files;
  for (const fs::path& path : paths) {
    auto text = ReadFile(path);
    if (!text.ok()) return text.status();
    files.push_back({path, std::move(*text)});
  }
  return ParseKubeConfig(files, context);
}

}  // namespace flyte::plugins
