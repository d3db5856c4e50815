#include "plugins/container/docker_json.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

namespace flyte::plugins {
namespace {

using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;

StatusOr<Struct> ParseObject(std::string_view json, std::string_view what) {
  Struct object;
  const auto parsed = google::protobuf::util::JsonStringToMessage(std::string(json), &object);
  if (!parsed.ok()) {
    return absl::UnavailableError("the container engine's answer to " + std::string(what) + " is not a JSON object");
  }
  return object;
}

const Value* Field(const Struct& object, const std::string& name) {
  const auto found = object.fields().find(name);
  return found == object.fields().end() ? nullptr : &found->second;
}

std::string Text(const Struct& object, const std::string& name) {
  const Value* value = Field(object, name);
  return value != nullptr && value->has_string_value() ? value->string_value() : std::string();
}

Value TextList(const std::vector<std::string>& items) {
  Value value;
  ListValue* list = value.mutable_list_value();
  for (const auto& item : items) list->add_values()->set_string_value(item);
  return value;
}

Value TextMap(const std::map<std::string, std::string>& entries) {
  Value value;
  auto* fields = value.mutable_struct_value()->mutable_fields();
  for (const auto& [name, text] : entries) (*fields)[name].set_string_value(text);
  return value;
}

std::map<std::string, std::string> TextMapOf(const Value* value) {
  std::map<std::string, std::string> entries;
  if (value == nullptr || !value->has_struct_value()) return entries;
  for (const auto& [name, text] : value->struct_value().fields()) entries[name] = text.string_value();
  return entries;
}

std::string ToJson(const Value& value) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(value, &json);
  return json;
}

}  // namespace

StatusOr<EngineInfo> ParseVersion(std::string_view json) {
  ASSIGN_OR_RETURN(const Struct object, ParseObject(json, "GET /version"));
  EngineInfo info{"docker", Text(object, "Version"), Text(object, "ApiVersion")};
  if (info.version.empty()) return absl::UnavailableError("the container engine did not say its version");
  // Podman's compatible service lists itself among the components; Docker lists "Engine".
  if (const Value* components = Field(object, "Components"); components != nullptr && components->has_list_value()) {
    for (const Value& component : components->list_value().values()) {
      if (component.has_struct_value() && Text(component.struct_value(), "Name") == "Podman Engine")
        info.name = "podman";
    }
  }
  return info;
}

std::string CreateBody(const ContainerSpec& spec) {
  Value body;
  auto& fields = *body.mutable_struct_value()->mutable_fields();
  fields["Image"].set_string_value(spec.image);
  if (!spec.entrypoint.empty()) fields["Entrypoint"] = TextList(spec.entrypoint);
  fields["Cmd"] = TextList(spec.cmd);
  std::vector<std::string> env;
  for (const auto& [name, value] : spec.env) env.push_back(name + "=" + value);
  fields["Env"] = TextList(env);
  fields["Labels"] = TextMap(spec.labels);
  fields["Tty"].set_bool_value(false);
  fields["OpenStdin"].set_bool_value(false);
  fields["AttachStdout"].set_bool_value(true);
  fields["AttachStderr"].set_bool_value(true);
  auto& host = *fields["HostConfig"].mutable_struct_value()->mutable_fields();
  host["Binds"] = TextList(spec.binds);
  // JSON numbers: exact as doubles up to 2^53 bytes, far beyond any memory.
  if (spec.memory_bytes > 0) {
    host["Memory"].set_number_value(static_cast<double>(spec.memory_bytes));
    host["MemorySwap"].set_number_value(static_cast<double>(spec.memory_bytes));
  }
  if (spec.nano_cpus > 0) host["NanoCpus"].set_number_value(static_cast<double>(spec.nano_cpus));
  if (!spec.network_mode.empty()) host["NetworkMode"].set_string_value(spec.network_mode);
  return ToJson(body);
}

StatusOr<std::string> ParseCreatedId(std::string_view json) {
  ASSIGN_OR_RETURN(const Struct object, ParseObject(json, "POST /containers/create"));
  std::string id = Text(object, "Id");
  if (id.empty()) return absl::UnavailableError("the container engine created a container without an id");
  return id;
}

StatusOr<int> ParseWaitStatusCode(std::string_view json) {
  ASSIGN_OR_RETURN(const Struct object, ParseObject(json, "POST /containers/{id}/wait"));
  const Value* code = Field(object, "StatusCode");
  if (code == nullptr || !code->has_number_value()) {
    return absl::UnavailableError("the container engine's wait answer has no StatusCode");
  }
  return static_cast<int>(code->number_value());
}

StatusOr<ContainerState> ParseInspect(std::string_view json) {
  ASSIGN_OR_RETURN(const Struct object, ParseObject(json, "GET /containers/{id}/json"));
  const Value* state = Field(object, "State");
  if (state == nullptr || !state->has_struct_value()) {
    return absl::UnavailableError("the container engine's inspect answer has no State");
  }
  const Struct& fields = state->struct_value();
  ContainerState out;
  out.status = Text(fields, "Status");
  const auto flag = [&fields](const std::string& name) {
    const Value* value = Field(fields, name);
    return value != nullptr && value->bool_value();
  };
  out.running = flag("Running");
  out.oom_killed = flag("OOMKilled");
  if (const Value* code = Field(fields, "ExitCode"); code != nullptr)
    out.exit_code = static_cast<int>(code->number_value());
  return out;
}

StatusOr<std::vector<ListedContainer>> ParseList(std::string_view json) {
  Value list;
  if (!google::protobuf::util::JsonStringToMessage(std::string(json), &list).ok() || !list.has_list_value()) {
    return absl::UnavailableError("the container engine's answer to GET /containers/json is not a JSON list");
  }
  std::vector<ListedContainer> containers;
  for (const Value& item : list.list_value().values()) {
    if (!item.has_struct_value()) continue;
    const Struct& object = item.struct_value();
    containers.push_back({Text(object, "Id"), Text(object, "State"), TextMapOf(Field(object, "Labels"))});
  }
  return containers;
}

std::string LabelFilter(const std::string& label, const std::string& value) {
  Value filters;
  (*filters.mutable_struct_value()->mutable_fields())["label"] = TextList({label + "=" + value});
  return ToJson(filters);
}

std::string ErrorMessage(std::string_view body) {
  Struct object;
  if (google::protobuf::util::JsonStringToMessage(std::string(body), &object).ok()) {
    if (std::string message = Text(object, "message"); !message.empty()) return message;
  }
  return std::string(body);
}

}  // namespace flyte::plugins
