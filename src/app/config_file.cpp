// Reads the YAML file: its layout (sections and keys) and the checks on each value.
#include "app/config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
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
  auto duration_into = [&](std::chrono::seconds& out) {
    return [&, &out = out](const YAML::Node& node, std::string_view key) -> Status {
      ASSIGN_OR_RETURN(std::string text, ReadString(source, node, key));
      auto parsed = ParseDuration(text);
      if (!parsed.ok()) return Bad(source, node, key, std::string(parsed.status().message()));
      out = *parsed;
      return absl::OkStatus();
    };
  };
  auto mebibytes_into = [&](int64_t& out) {
    return [&, &out = out](const YAML::Node& node, std::string_view key) -> Status {
      ASSIGN_OR_RETURN(int64_t mb, ReadInt(source, node, key, 1, 1 << 20));
      out = mb << 20;
      return absl::OkStatus();
    };
  };
  auto list_into = [&](std::vector<std::string>& out) {
    return [&, &out = out](const YAML::Node& node, std::string_view key) -> Status {
      ASSIGN_OR_RETURN(out, ReadStringList(source, node, key));
      return absl::OkStatus();
    };
  };

  const Section server{
      {"bind", string_into(config.server.bind_address)},
      {"port",
       [&](const YAML::Node& node, std::string_view key) -> Status {
         ASSIGN_OR_RETURN(int64_t port, ReadInt(source, node, key, 0, 65535));
         config.server.port = static_cast<int>(port);
         return absl::OkStatus();
       }},
      {"public_address", string_into(config.server.public_address)},
      {"max_request_mb", mebibytes_into(config.server.max_request_bytes)},
      {"max_api_request_mb", mebibytes_into(config.server.max_api_request_bytes)},
      {"max_buffered_mb", mebibytes_into(config.server.max_buffered_request_bytes)},
      {"shutdown_grace", duration_into(config.server.shutdown_grace)},
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
  };
  const Section tasks{
      {"path",
       [&](const YAML::Node& node, std::string_view key) -> Status {
         if (!node.IsSequence()) return Bad(source, node, key, "expected a list of folders");
         config.tasks.path.clear();
         for (const auto& item : node) {
           ASSIGN_OR_RETURN(std::string folder, ReadString(source, item, key));
           config.tasks.path.push_back(ExpandHome(folder).string());
         }
         return absl::OkStatus();
       }},
      {"env",
       [&](const YAML::Node& node, std::string_view key) -> Status {
         if (!node.IsMap()) return Bad(source, node, key, "expected a mapping of NAME: value");
         config.tasks.env.clear();
         for (const auto& entry : node) {
           ASSIGN_OR_RETURN(config.tasks.env[entry.first.Scalar()], ReadString(source, entry.second, key));
         }
         return absl::OkStatus();
       }},
      {"max_system_retries",
       [&](const YAML::Node& node, std::string_view key) -> Status {
         ASSIGN_OR_RETURN(int64_t retries, ReadInt(source, node, key, 0, 100));
         config.tasks.max_system_retries = static_cast<int>(retries);
         return absl::OkStatus();
       }},
      {"warm_python",
       [&](const YAML::Node& node, std::string_view key) -> Status {
         ASSIGN_OR_RETURN(int64_t count, ReadInt(source, node, key, 0, 16));
         config.tasks.warm_python = static_cast<int>(count);
         return absl::OkStatus();
       }},
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
  auto section = [&](const Section& inner) {
    return [&](const YAML::Node& node, std::string_view key) { return ApplySection(source, node, key, inner); };
  };
  const Section top{
      {"server", section(server)},   {"state", section(state)}, {"admin", section(admin)},
      {"storage", section(storage)}, {"tasks", section(tasks)},
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
