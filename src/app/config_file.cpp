// Reads the YAML file: its layout (sections and keys) and the checks on each value.
#include "app/config.h"

#include "common/quantity.h"
#include "server/s3/objects.h"

#include <google/protobuf/struct.pb.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>

namespace flyte::app {
namespace {

// Where a value came from, for error messages: "sandbox.yaml:12: server.port".
std::string Where(std::string_view source, const YAML::Node& node, std::string_view key) {
  std::ostringstream out;
  out << source << ":" << node.Mark().line + 1 << ": " << key;
  return out.str();
}

Status Bad(std::string_view source, const YAML::Node& node, std::string_view key, std::string_view why) {
  return absl::InvalidArgumentError(Where(source, node, key) + ": " + std::string(why));
}

StatusOr<std::string> ReadString(std::string_view source, const YAML::Node& node, std::string_view key) {
  if (!node.IsScalar()) return Bad(source, node, key, "expected a string");
  return node.Scalar();
}

StatusOr<int64_t> ReadInt(std::string_view source, const YAML::Node& node, std::string_view key, int64_t min,
                          int64_t max) {
  if (!node.IsScalar()) return Bad(source, node, key, "expected an integer");
  const std::string& text = node.Scalar();
  char* end = nullptr;
  errno = 0;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0)
    return Bad(source, node, key, "expected an integer, got \"" + text + "\"");
  if (value < min || value > max) {
    return Bad(source, node, key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return value;
}

StatusOr<bool> ReadBool(std::string_view source, const YAML::Node& node, std::string_view key) {
  if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) return node.Scalar() == "true";
  return Bad(source, node, key, "expected true or false");
}

StatusOr<std::vector<std::string>> ReadStringList(std::string_view source, const YAML::Node& node,
                                                  std::string_view key) {
  if (!node.IsSequence()) return Bad(source, node, key, "expected a list of strings");
  std::vector<std::string> out;
  for (const auto& item : node) {
    if (!item.IsScalar() || item.Scalar().empty()) return Bad(source, item, key, "expected a non-empty string");
    out.push_back(item.Scalar());
  }
  if (out.empty()) return Bad(source, node, key, "must not be empty");
  return out;
}

// NAME: value pairs.
StatusOr<std::map<std::string, std::string>> ReadTextMap(std::string_view source, const YAML::Node& node,
                                                         std::string_view key) {
  if (!node.IsMap()) return Bad(source, node, key, "expected a mapping of NAME: value");
  std::map<std::string, std::string> out;
  for (const auto& entry : node) {
    ASSIGN_OR_RETURN(out[entry.first.Scalar()], ReadString(source, entry.second, key));
  }
  return out;
}

// A Kubernetes object given in YAML (a toleration), as its JSON value: a plain scalar that reads
// as a number or true/false is one, a quoted one stays a string.
StatusOr<google::protobuf::Value> ReadObject(std::string_view source, const YAML::Node& node, std::string_view key) {
  google::protobuf::Value value;
  if (node.IsMap()) {
    auto& fields = *value.mutable_struct_value()->mutable_fields();
    for (const auto& entry : node) {
      ASSIGN_OR_RETURN(fields[entry.first.Scalar()], ReadObject(source, entry.second, key));
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      ASSIGN_OR_RETURN(*value.mutable_list_value()->add_values(), ReadObject(source, item, key));
    }
  } else if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    char* end = nullptr;
    const double number = std::strtod(text.c_str(), &end);
    if (node.Tag() != "!" && (text == "true" || text == "false")) {
      value.set_bool_value(text == "true");
    } else if (node.Tag() != "!" && !text.empty() && *end == '\0') {
      value.set_number_value(number);
    } else {
      value.set_string_value(text);
    }
  } else {
    value.set_null_value(google::protobuf::NULL_VALUE);
  }
  return value;
}

// A secret kept in a file (client secret, static tokens), read now so a missing file stops the
// start. Errors name the file, never its content.
StatusOr<std::string> ReadSecretFile(std::string_view source, const YAML::Node& node, std::string_view key) {
  if (!node.IsScalar() || node.Scalar().empty()) return Bad(source, node, key, "expected a file path");
  const std::filesystem::path file = ExpandHome(node.Scalar());
  std::ifstream in(file);
  if (!in) return Bad(source, node, key, "cannot read " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Non-empty lines without their surrounding whitespace (a trailing newline is no part of a secret).
std::vector<std::string> SecretLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string::npos) lines.push_back(line.substr(first, line.find_last_not_of(" \t\r") - first + 1));
  }
  return lines;
}

std::optional<AuthMode> ParseAuthMode(std::string_view name) {
  if (name == "auto") return AuthMode::kAuto;
  if (name == "on") return AuthMode::kOn;
  if (name == "off") return AuthMode::kOff;
  return std::nullopt;
}

// One handler per leaf key; a section is a map of them.
using Setter = std::function<Status(const YAML::Node&, std::string_view key)>;
using Section = std::map<std::string, Setter, std::less<>>;

Status ApplySection(std::string_view source, const YAML::Node& node, std::string_view prefix, const Section& section) {
  if (!node.IsMap()) return Bad(source, node, prefix, "expected a mapping");
  for (const auto& entry : node) {
    const std::string name = entry.first.Scalar();
    const std::string key = prefix.empty() ? name : std::string(prefix) + "." + name;
    auto it = section.find(name);
    if (it == section.end()) return Bad(source, entry.first, key, "unknown key");
    RETURN_IF_ERROR(it->second(entry.second, key));
  }
  return absl::OkStatus();
}

}  // namespace

StatusOr<SandboxConfig> ParseConfig(std::string_view yaml, std::string_view source, SandboxConfig config) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(std::string(source) + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (root.IsNull()) return config;

  auto string_into = [&](std::string& out) {
    return [&, &out = out](const YAML::Node& node, std::string_view key) -> Status {
      ASSIGN_OR_RETURN(out, ReadString(source, node, key));
      return absl::OkStatus();
    };
  };
  auto path_into = [&](std::filesystem::path& out) {
    return [&, &out = out](const YAML::Node& node, std::string_view key) -> Status {
      ASSIGN_OR_RETURN(std::string text, ReadString(source, node, key));
      if (text.empty()) return Bad(source, node, key, "must not be empty");
      out = ExpandHome(text);
      return absl::OkStatus();
    };
  };
  auto text_map_into = [&](std::map<std::string, std::string>& out) {
    return [&, &out = out](const YAML::Node& node, std::string_view key) -> Status {
      ASSIGN_OR_RETURN(out, ReadTextMap(source, node, key));
      return absl::OkStatus();
    };
  };
  auto duration_into = [&](std::chrono::seconds& out) {
    return [&, &out = out](const YAML::Node& node, std::string_view key) -> Status {
      ASSIGN_OR_RETURN(std::string text, ReadString(source, node, key));
      auto parsed = ParseDuration(text);
      if (!parsed.ok()) return Bad(source, node, key, std::string(parsed.status().message()));
      out = *parsed;
      return absl::OkStatus();
    };
  };
  auto bool_into = [&](bool& out) {
    return [&, &out = out](const YAML::Node& node, std::string_view key) -> Status {
      ASSIGN_OR_RETURN(out, ReadBool(source, node, key));
      return absl::OkStatus();
    };
  };
  auto int_into = [&](int& out, int64_t min, int64_t max) {
    return [&, &out = out, min, max](const YAML::Node& node, std::string_view key) -> Status {
      ASSIGN_OR_RETURN(int64_t value, ReadInt(source, node, key, min, max));
      out = static_cast<int>(value);
      return absl::OkStatus();
    };
  };
  auto mib_into = [&](int64_t& out, int64_t min, int64_t max) {
    return [&, &out = out, min, max](const YAML::Node& node, std::string_view key) -> Status {
      ASSIGN_OR_RETURN(int64_t mib, ReadInt(source, node, key, min, max));
      out = mib << 20;
      return absl::OkStatus();
    };
  };
  // A duration of at least a second (a zero timeout would close everything at once).
  auto timeout_into = [&](std::chrono::seconds& out) {
    return [&, &out = out, read = duration_into(out)](const YAML::Node& node, std::string_view key) -> Status {
      RETURN_IF_ERROR(read(node, key));
      if (out.count() < 1) return Bad(source, node, key, "must be at least 1s");
      return absl::OkStatus();
    };
  };
  // A Kubernetes quantity (500m, 2, 64Mi), kept as written; empty for none.
  auto quantity_into = [&](std::string* out) {
    return [&, out](const YAML::Node& node, std::string_view key) -> Status {
      ASSIGN_OR_RETURN(std::string text, ReadString(source, node, key));
      if (!text.empty()) {
        const StatusOr<Quantity> quantity = Quantity::Parse(text);
        if (!quantity.ok()) return Bad(source, node, key, std::string(quantity.status().message()));
      }
      *out = std::move(text);
      return absl::OkStatus();
    };
  };
  auto list_into = [&](std::vector<std::string>& out) {
    return [&, &out = out](const YAML::Node& node, std::string_view key) -> Status {
      ASSIGN_OR_RETURN(out, ReadStringList(source, node, key));
      return absl::OkStatus();
    };
  };

  // A name that `parse` knows (how the file spells an enum's values), else `expected`.
  auto named_into = [&](auto& out, auto parse, std::string_view expected) {
    return [&, &out = out, parse, expected](const YAML::Node& node, std::string_view key) -> Status {
      ASSIGN_OR_RETURN(std::string name, ReadString(source, node, key));
      auto value = parse(name);
      if (!value) return Bad(source, node, key, expected);
      out = *value;
      return absl::OkStatus();
    };
  };

  auto section = [&](const Section& inner) {
    return [&](const YAML::Node& node, std::string_view key) { return ApplySection(source, node, key, inner); };
  };

  server::GrpcLimits& grpc = config.server.grpc;
  const Section grpc_limits{
      {"max_concurrent_streams", int_into(grpc.max_concurrent_streams, 1, 10000)},
      // gRPC's message lengths are ints: below 2 GiB.
      {"max_message_mb", mib_into(grpc.max_message_bytes, 1, 2047)},
      {"memory_mb", mib_into(grpc.memory_bytes, 16, 1 << 20)},
      {"max_threads", int_into(grpc.max_threads, 4, 10000)},
      {"max_connection_idle", timeout_into(grpc.max_connection_idle)},
      {"max_stream_resets", int_into(grpc.max_stream_resets, 1, 1 << 20)},
      {"stream_reset_window", timeout_into(grpc.stream_reset_window)},
      {"send_timeout", timeout_into(grpc.send_timeout)},
      {"max_calls_in_flight", int_into(grpc.max_calls_in_flight, 1, 1 << 20)},
  };
  const Section server{
      {"bind", string_into(config.server.bind_address)},
      {"port", int_into(config.server.port, 0, 65535)},
      {"public_address", string_into(config.server.public_address)},
      {"max_request_mb", mib_into(config.server.max_request_bytes, 1, 1 << 20)},
      {"max_api_request_mb", mib_into(config.server.max_api_request_bytes, 1, 1 << 20)},
      {"max_buffered_mb", mib_into(config.server.max_buffered_request_bytes, 1, 1 << 20)},
      {"shutdown_grace", duration_into(config.server.shutdown_grace)},
      {"max_connections", int_into(config.server.max_connections, 1, 1 << 20)},
      {"idle_timeout", timeout_into(config.server.idle_timeout)},
      {"header_timeout", timeout_into(config.server.header_timeout)},
      {"grpc", section(grpc_limits)},
      {"allowed_hosts", list_into(config.server.allowed_hosts)},
  };
  const Section s3{
      {"enabled", bool_into(config.server.s3.enabled)},
      {"port", int_into(config.server.s3.port, 0, 65535)},
      {"access_key_id", string_into(config.server.s3.access_key_id)},
      {"secret_access_key", string_into(config.server.s3.secret_access_key)},
  };
  const Section console{
      {"dir",  // empty: the console compiled into the binary
       [&](const YAML::Node& node, std::string_view key) -> Status {
         ASSIGN_OR_RETURN(std::string dir, ReadString(source, node, key));
         config.server.console_dir = dir.empty() ? std::filesystem::path() : ExpandHome(dir);
         return absl::OkStatus();
       }},
  };
  const Section state{
      {"dir", path_into(config.state.dir)},
      {"client_config", path_into(config.state.client_config)},
  };
  const Section admin{
      {"seed_projects", list_into(config.admin.seed_projects)},
      {"domains", list_into(config.admin.domains)},
  };
  const Section storage{
      {"signed_url_ttl", duration_into(config.admin.signed_url_ttl)},
      {"raw_data_prefix",
       [&](const YAML::Node& node, std::string_view key) -> Status {
         ASSIGN_OR_RETURN(std::string prefix, ReadString(source, node, key));
         if (!prefix.empty()) {
           const std::string bucket = RawDataBucket(prefix);
           if (!server::s3::ValidateBucketName(bucket).ok()) {
             return Bad(source, node, key, "expected s3://<bucket>[/<path>] with a bucket name S3 takes");
           }
         }
         config.raw_data_prefix = prefix;
         return absl::OkStatus();
       }},
  };
  const Section scheduler{
      {"max_catch_up",
       [&](const YAML::Node& node, std::string_view key) -> Status {
         ASSIGN_OR_RETURN(int64_t slots, ReadInt(source, node, key, 1, 1000));
         config.scheduler.max_catch_up = static_cast<int>(slots);
         return absl::OkStatus();
       }},
  };
  const Section containers{
      {"socket", string_into(config.tasks.containers.socket)},
      {"stop_grace", duration_into(config.tasks.containers.stop_grace)},
  };
  KubernetesTasksConfig& kube = config.tasks.kubernetes;
  const Section kubernetes{
      {"kubeconfig",
       [&](const YAML::Node& node, std::string_view key) -> Status {
         ASSIGN_OR_RETURN(std::string file, ReadString(source, node, key));
         kube.kubeconfig = file.empty() ? std::string() : ExpandHome(file).string();
         return absl::OkStatus();
       }},
      {"context", string_into(kube.context)},
      {"namespace", string_into(kube.namespace_)},
      {"s3_endpoint", string_into(kube.s3_endpoint)},
      {"api_address", string_into(kube.api_address)},
      {"image_pull_policy",
       [&](const YAML::Node& node, std::string_view key) -> Status {
         ASSIGN_OR_RETURN(std::string policy, ReadString(source, node, key));
         if (!policy.empty() && policy != "Always" && policy != "IfNotPresent" && policy != "Never") {
           return Bad(source, node, key, "expected Always, IfNotPresent or Never");
         }
         kube.image_pull_policy = policy;
         return absl::OkStatus();
       }},
      {"keep_failed_pods", bool_into(kube.keep_failed_pods)},
      {"interruptible_tolerations",
       [&](const YAML::Node& node, std::string_view key) -> Status {
         if (!node.IsSequence()) return Bad(source, node, key, "expected a list of tolerations");
         ASSIGN_OR_RETURN(const google::protobuf::Value tolerations, ReadObject(source, node, key));
         kube.interruptible_tolerations = tolerations.list_value();
         for (const auto& toleration : kube.interruptible_tolerations.values()) {
           if (!toleration.has_struct_value()) return Bad(source, node, key, "each toleration is a mapping");
         }
         return absl::OkStatus();
       }},
      {"interruptible_node_selector", text_map_into(kube.interruptible_node_selector)},
      {"image_pull_backoff_grace", duration_into(kube.image_pull_backoff_grace)},
      {"pod_pending_timeout", duration_into(kube.pod_pending_timeout)},
      {"default_pod_template", string_into(kube.default_pod_template)},
      {"max_log_streams", int_into(kube.max_log_streams, 0, 10000)},
      {"writes_per_second",
       [&](const YAML::Node& node, std::string_view key) -> Status {
         ASSIGN_OR_RETURN(int64_t rate, ReadInt(source, node, key, 1, 10000));
         kube.writes_per_second = static_cast<double>(rate);
         return absl::OkStatus();
       }},
  };
  auto resource_spec = [&](flyteidl::admin::TaskResourceSpec* spec) {
    return Section{
        {"cpu", quantity_into(spec->mutable_cpu())},
        {"memory", quantity_into(spec->mutable_memory())},
        {"ephemeral_storage", quantity_into(spec->mutable_ephemeral_storage())},
        {"gpu", quantity_into(spec->mutable_gpu())},
    };
  };
  const Section resource_defaults = resource_spec(config.admin.task_resources.mutable_defaults());
  const Section resource_limits = resource_spec(config.admin.task_resources.mutable_limits());
  const Section resources{
      {"defaults", section(resource_defaults)},
      {"limits", section(resource_limits)},
  };
  const auto folders_into = [&](std::vector<std::string>& folders) {
    return [&](const YAML::Node& node, std::string_view key) -> Status {
      if (!node.IsSequence()) return Bad(source, node, key, "expected a list of folders");
      folders.clear();
      for (const auto& item : node) {
        ASSIGN_OR_RETURN(std::string folder, ReadString(source, item, key));
        folders.push_back(ExpandHome(folder).string());
      }
      return absl::OkStatus();
    };
  };
  const Section tasks{
      {"containers", section(containers)},
      {"kubernetes", section(kubernetes)},
      {"resources", section(resources)},
      {"path", folders_into(config.tasks.path)},
      {"flyte2_path", folders_into(config.tasks.flyte2_path)},
      {"env", text_map_into(config.tasks.env)},
      {"max_system_retries", int_into(config.tasks.max_system_retries, 0, 100)},
      {"warm_python", int_into(config.tasks.warm_python, 0, 16)},
      {"warm_python_idle", duration_into(config.tasks.warm_python_idle)},
      {"plugins",  // entries override the defaults one by one; the plugins check the names at start-up
       [&](const YAML::Node& node, std::string_view key) -> Status {
         if (!node.IsMap()) return Bad(source, node, key, "expected a mapping of task type: plugin");
         for (const auto& entry : node) {
           ASSIGN_OR_RETURN(config.tasks.plugins.plugin_for[entry.first.Scalar()],
                            ReadString(source, entry.second, key));
         }
         return absl::OkStatus();
       }},
  };
  const Section auth{
      {"mode", named_into(config.auth_mode, ParseAuthMode, "expected auto, on or off")},
      {"client_id", string_into(config.auth.client_id)},
      {"client_secret", string_into(config.auth.client_secret)},
      {"client_secret_file",
       [&](const YAML::Node& node, std::string_view key) -> Status {
         ASSIGN_OR_RETURN(std::string text, ReadSecretFile(source, node, key));
         std::vector<std::string> lines = SecretLines(text);
         if (lines.size() != 1) return Bad(source, node, key, "the file must hold the secret on one line");
         config.auth.client_secret = std::move(lines.front());
         config.auth_client_secret_file = ExpandHome(node.Scalar());
         return absl::OkStatus();
       }},
      {"static_tokens",
       [&](const YAML::Node& node, std::string_view key) -> Status {
         if (!node.IsSequence()) return Bad(source, node, key, "expected a list of tokens");
         for (const auto& item : node) {
           ASSIGN_OR_RETURN(std::string token, ReadString(source, item, key));
           if (token.empty()) return Bad(source, item, key, "a token must not be empty");
           config.auth.static_tokens.push_back(std::move(token));
         }
         return absl::OkStatus();
       }},
      {"static_tokens_file",
       [&](const YAML::Node& node, std::string_view key) -> Status {
         ASSIGN_OR_RETURN(std::string text, ReadSecretFile(source, node, key));
         for (auto& token : SecretLines(text)) config.auth.static_tokens.push_back(std::move(token));
         return absl::OkStatus();
       }},
      {"token_ttl", duration_into(config.auth.token_ttl)},
      {"anonymous_metrics", bool_into(config.auth.anonymous_metrics)},
  };
  const Section logging{
      {"level", named_into(config.logging.level, log::ParseLevel, "expected debug, info, warn or error")},
      {"format", named_into(config.logging.format, log::ParseFormat, "expected text or json")},
  };
  const Section top{
      {"server", section(server)},       {"state", section(state)},
      {"admin", section(admin)},         {"storage", section(storage)},
      {"tasks", section(tasks)},         {"auth", section(auth)},
      {"scheduler", section(scheduler)}, {"console", section(console)},
      {"log", section(logging)},         {"s3", section(s3)},
  };
  RETURN_IF_ERROR(ApplySection(source, root, "", top));
  return config;
}

StatusOr<SandboxConfig> LoadConfigFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return absl::InvalidArgumentError("cannot read config file " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str(), file.string(), DefaultConfig());
}

}  // namespace flyte::app
