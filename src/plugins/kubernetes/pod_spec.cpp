#include "plugins/kubernetes/pod_spec.h"

#include <cctype>
#include <optional>
#include <vector>

#include "common/quantity.h"
#include "plugins/attempt_command.h"
#include "plugins/data_passing.h"
#include "plugins/kubernetes/json_object.h"
#include "plugins/kubernetes/pod_secrets.h"
#include "plugins/template_args.h"

namespace flyte::plugins {
namespace {

using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;
using json::Find;
using json::ListAt;
using json::ObjectAt;
using json::Text;
using json::TextAt;

bool IsDnsLabel(std::string_view name) {
  if (name.empty() || name.size() > 63 || name.front() == '-' || name.back() == '-') return false;
  for (const char c : name) {
    if (!std::islower(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return true;
}

// The attempt as the pod sees it: every path of the store an s3:// URL.
TaskAttempt AsSeenByPod(const TaskAttempt& attempt) {
  TaskAttempt remote = attempt;
  for (std::string* path : {&remote.inputs_path, &remote.input_prefix, &remote.output_prefix, &remote.raw_output_prefix,
                            &remote.checkpoint_prefix, &remote.prev_checkpoint_prefix}) {
    *path = PodUrl(*path, attempt.buckets_dir);
  }
  return remote;
}

// Flyte's templates in a list of strings (a container's command or args), then paths of the store
// as URLs (a fast-registered task's code bundle is one of its arguments).
Status RenderList(ListValue& list, const TaskAttempt& remote, const std::optional<flyteidl::core::LiteralMap>& inputs) {
  std::vector<std::string> items;
  for (const Value& item : list.values()) {
    if (!item.has_string_value())
      return absl::FailedPreconditionError("a container's command or args holds a non-string");
    items.push_back(item.string_value());
  }
  auto rendered = RenderArgs(items, remote, inputs ? &*inputs : nullptr);
  if (!rendered.ok()) {
    return absl::FailedPreconditionError("rendering the command line: " + std::string(rendered.status().message()));
  }
  list.clear_values();
  for (const std::string& item : *rendered) *list.add_values() = Text(PodUrl(item, remote.buckets_dir));
  return Status();
}

// Every string of the pod's containers' command and args.
std::vector<std::string> CommandLines(const Struct& spec) {
  std::vector<std::string> lines;
  for (const char* group : {"initContainers", "containers"}) {
    const Value* containers = Find(spec, group);
    if (containers == nullptr || !containers->has_list_value()) continue;
    for (const Value& container : containers->list_value().values()) {
      for (const char* key : {"command", "args"}) {
        const Value* list = Find(container.struct_value(), key);
        if (list == nullptr || !list->has_list_value()) continue;
        for (const Value& item : list->list_value().values()) lines.push_back(item.string_value());
      }
    }
  }
  return lines;
}

// Flyte's copilot moves a raw container's data folders (flytekit's input_data_dir and
// output_data_dir) to and from the store from an init container and a sidecar of its own image;
// the sandbox has no such image for pods. A task that needs it fails to start, saying so: one
// with outputs (they could not come back), or with inputs its command line does not take as
// {{.inputs.x}} (it would look for their files).
Status RefuseDataFolders(const TaskAttempt& attempt, const std::vector<std::string>& lines) {
  const std::optional<DataPassing> data = DataPassingFor(attempt);
  if (!data) return Status();
  const bool outputs = !data->outputs.empty() && !data->output_variables.variables().empty();
  const bool input_files =
      !data->inputs.empty() && !attempt.task.interface().inputs().variables().empty() && !ReferencesInputValues(lines);
  if (!outputs && !input_files) return Status();
  return absl::FailedPreconditionError(
      std::string("the task's ") + (outputs ? "outputs" : "inputs") + " pass as files in " +
      (outputs ? data->task_outputs : data->task_inputs) +
      " (flytekit's input_data_dir/output_data_dir, Flyte's copilot), which tasks run as Kubernetes pods "
      "cannot do yet: send its task type (" +
      attempt.task.type() +
      ") to the container plugin in tasks.plugins, or take inputs as {{.inputs.<name>}} arguments");
}

const char* ResourceName(flyteidl::core::Resources::ResourceName name) {
  switch (name) {
    case flyteidl::core::Resources::CPU:
      return "cpu";
    case flyteidl::core::Resources::MEMORY:
      return "memory";
    case flyteidl::core::Resources::GPU:
      return "nvidia.com/gpu";
    case flyteidl::core::Resources::EPHEMERAL_STORAGE:
      return "ephemeral-storage";
    default:
      return nullptr;
  }
}

// The task's requests and limits as the container's (zero values dropped).
StatusOr<Struct> ResourcesOf(const flyteidl::core::Resources& resources) {
  Struct out;
  for (const auto& [entries, key] :
       {std::pair{&resources.requests(), "requests"}, std::pair{&resources.limits(), "limits"}}) {
    for (const auto& entry : *entries) {
      const char* name = ResourceName(entry.name());
      if (name == nullptr || entry.value().empty()) continue;
      auto quantity = Quantity::Parse(entry.value());
      if (!quantity.ok()) {
        return absl::FailedPreconditionError(std::string("resource ") + name + " \"" + entry.value() +
                                             "\" is not a quantity");
      }
      if (!quantity->IsZero()) (*ObjectAt(out, key).mutable_fields())[name] = Text(entry.value());
    }
  }
  return out;
}

}  // namespace

Status CompleteResources(Struct& resources) {
  Struct& requests = ObjectAt(resources, "requests");
  Struct& limits = ObjectAt(resources, "limits");
  for (const char* name : {"cpu", "memory"}) {
    const std::string request = TextAt(requests, name);
    const std::string limit = TextAt(limits, name);
    if (request.empty() && !limit.empty()) (*requests.mutable_fields())[name] = Text(limit);
    if (limit.empty() && !request.empty()) (*limits.mutable_fields())[name] = Text(request);
  }
  for (const auto& [name, limit] : limits.fields()) {
    const Value* request = Find(requests, name);
    if (request == nullptr || !request->has_string_value() || !limit.has_string_value()) continue;
    auto asked = Quantity::Parse(request->string_value());
    auto bound = Quantity::Parse(limit.string_value());
    if (!asked.ok() || !bound.ok()) {
      return absl::FailedPreconditionError("resource " + name + " is not a quantity");
    }
    if (*asked > *bound) (*requests.mutable_fields())[name] = limit;
  }
  if (requests.fields().empty()) resources.mutable_fields()->erase("requests");
  if (limits.fields().empty()) resources.mutable_fields()->erase("limits");
  return Status();
}

namespace {

// The one container of a task with a `container` target.
StatusOr<Struct> ContainerOf(const TaskAttempt& attempt, const std::string& name, const PodSettings& settings) {
  const flyteidl::core::Container& task = attempt.task.container();
  if (task.image().empty()) return absl::FailedPreconditionError("the task's container has no image");
  Struct container;
  auto& fields = *container.mutable_fields();
  fields["name"] = Text(name);
  fields["image"] = Text(task.image());
  for (const auto& [items, key] : {std::pair{&task.command(), "command"}, std::pair{&task.args(), "args"}}) {
    if (items->empty()) continue;
    ListValue& list = ListAt(container, key);
    for (const std::string& item : *items) *list.add_values() = Text(item);
  }
  auto resources = ResourcesOf(task.resources());
  if (!resources.ok()) return resources.status();
  if (!resources->fields().empty()) *fields["resources"].mutable_struct_value() = std::move(*resources);
  fields["terminationMessagePolicy"] = Text("FallbackToLogsOnError");
  if (!settings.image_pull_policy.empty()) fields["imagePullPolicy"] = Text(settings.image_pull_policy);
  return container;
}

}  // namespace

std::string PodUrl(std::string_view path, const std::filesystem::path& buckets_dir) {
  if (buckets_dir.empty()) return std::string(path);
  std::string root = buckets_dir.string();
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  root += '/';
  std::string_view rest = path;
  if (rest.rfind("file://", 0) == 0) rest.remove_prefix(7);
  if (rest.size() <= root.size() || rest.compare(0, root.size(), root) != 0) return std::string(path);
  return "s3://" + std::string(rest.substr(root.size()));
}

std::string SanitizeLabelValue(std::string_view value) {
  std::string out;
  for (const char raw : value) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(raw)));
    const bool kept =
        std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-';
    if (kept) {
      out += c;
    } else if (out.empty() || out.back() != '-') {
      out += '-';
    }
  }
  if (out.size() > 63) out.resize(63);
  const size_t first = out.find_first_not_of('-');
  if (first == std::string::npos) return "";
  return out.substr(first, out.find_last_not_of('-') - first + 1);
}

std::string PodName(const TaskAttempt& attempt) { return GeneratedName(attempt); }

StatusOr<Struct> PodFor(const TaskAttempt& attempt, const PodSettings& settings) {
  const TaskAttempt remote = AsSeenByPod(attempt);
  const std::string name = PodName(attempt);
  Struct spec;
  std::string primary;
  if (attempt.task.has_k8s_pod()) {
    spec = attempt.task.k8s_pod().pod_spec();
    const auto configured = attempt.task.config().find("primary_container_name");
    if (configured == attempt.task.config().end() || configured->second.empty()) {
      return absl::FailedPreconditionError(
          "the task's pod spec does not name its primary container "
          "(config primary_container_name)");
    }
    primary = configured->second;
  } else if (attempt.task.has_container()) {
    primary = IsDnsLabel(name) ? name : "task";
    auto container = ContainerOf(attempt, primary, settings);
    if (!container.ok()) return container.status();
    *ListAt(spec, "containers").add_values()->mutable_struct_value() = std::move(*container);
  } else {
    return absl::FailedPreconditionError("the task has neither a container nor a pod spec to run (task type \"" +
                                         attempt.task.type() + "\")");
  }

  std::optional<flyteidl::core::LiteralMap> inputs;
  const std::vector<std::string> lines = CommandLines(spec);
  RETURN_IF_ERROR(RefuseDataFolders(attempt, lines));
  if (ReferencesTaskTemplatePath(lines)) RETURN_IF_ERROR(WriteTaskTemplate(attempt));
  if (ReferencesInputValues(lines)) {
    auto read = ReadInputs(attempt);
    if (!read.ok()) return read.status();
    inputs = std::move(*read);
  }
  // Flyte's environment in every container, after the container's own (a later name wins).
  Environment env = settings.env;
  for (auto& [key, value] : AttemptEnvironment(attempt)) env[key] = value;
  // A store path in a variable (Flyte 2's run base, where a parent writes its children's inputs)
  // is the S3 endpoint's URL too.
  for (auto& [key, value] : env) value = PodUrl(value, attempt.buckets_dir);
  if (!attempt.api_address_variable.empty() && !settings.api_address.empty()) {
    env[attempt.api_address_variable] = settings.api_address;
  }
  bool found_primary = false;
  for (const char* group : {"initContainers", "containers"}) {
    if (Find(spec, group) == nullptr) continue;
    for (Value& item : *ListAt(spec, group).mutable_values()) {
      Struct& container = *item.mutable_struct_value();
      for (const char* key : {"command", "args"}) {
        if (Find(container, key) != nullptr) RETURN_IF_ERROR(RenderList(ListAt(container, key), remote, inputs));
      }
      ListValue& variables = ListAt(container, "env");
      for (const auto& [key, value] : env) {
        Struct& variable = *variables.add_values()->mutable_struct_value();
        (*variable.mutable_fields())["name"] = Text(key);
        (*variable.mutable_fields())["value"] = Text(value);
      }
      if (std::string_view(group) == "containers" && TextAt(container, "name") == primary) {
        found_primary = true;
        RETURN_IF_ERROR(CompleteResources(ObjectAt(container, "resources")));
        if (ObjectAt(container, "resources").fields().empty()) container.mutable_fields()->erase("resources");
      }
    }
  }
  if (!found_primary) {
    return absl::FailedPreconditionError("the task's pod spec has no container named \"" + primary +
                                         "\", its primary container");
  }
  RETURN_IF_ERROR(InjectSecrets(attempt.task.security_context().secrets(), spec));

  auto& pod_spec = *spec.mutable_fields();
  if (TextAt(spec, "restartPolicy").empty()) pod_spec["restartPolicy"] = Text("Never");
  if (TextAt(spec, "serviceAccountName").empty() && !attempt.service_account.empty()) {
    pod_spec["serviceAccountName"] = Text(attempt.service_account);
  }
  if (attempt.interruptible) {
    ListValue& tolerations = ListAt(spec, "tolerations");
    for (const Value& toleration : settings.interruptible_tolerations.values()) *tolerations.add_values() = toleration;
    if (tolerations.values().empty()) pod_spec.erase("tolerations");
    for (const auto& [key, value] : settings.interruptible_node_selector) {
      (*ObjectAt(spec, "nodeSelector").mutable_fields())[key] = Text(value);
    }
  }
  if (attempt.task.metadata().has_timeout() && Find(spec, "activeDeadlineSeconds") == nullptr) {
    const int64_t seconds =
        attempt.task.metadata().timeout().seconds() + (attempt.task.metadata().timeout().nanos() > 0);
    if (seconds > 0) pod_spec["activeDeadlineSeconds"].set_number_value(static_cast<double>(seconds));
  }

  // Metadata: the pod template's, then the execution's labels and annotations, Flyte's over them
  // (propeller lets the execution's win over its own keys; here the keys the plugin finds its pods
  // by must hold).
  Struct metadata;
  auto& meta = *metadata.mutable_fields();
  meta["name"] = Text(name);
  meta["namespace"] = Text(settings.namespace_);
  Struct& labels = ObjectAt(metadata, "labels");
  const auto& template_metadata = attempt.task.k8s_pod().metadata();  // flytekit's pod_template's
  for (const auto& [key, value] : template_metadata.labels()) (*labels.mutable_fields())[key] = Text(value);
  for (const auto& [key, value] : attempt.labels) (*labels.mutable_fields())[key] = Text(value);
  const std::map<std::string, std::string> flyte_labels = {
      {"execution-id", attempt.execution_name},
      {"project", SanitizeLabelValue(attempt.project)},
      {"domain", SanitizeLabelValue(attempt.domain)},
      {"workflow-name", SanitizeLabelValue(attempt.workflow_name)},
      {"node-id", SanitizeLabelValue(attempt.node_id)},
      {"task-name", SanitizeLabelValue(attempt.task.id().name())},
      {"interruptible", attempt.interruptible ? "true" : "false"},
      {kSandboxLabel, settings.sandbox_id},
      {kTokenLabel, attempt.token},
  };
  for (const auto& [key, value] : flyte_labels) (*labels.mutable_fields())[key] = Text(value);
  Struct& annotations = ObjectAt(metadata, "annotations");
  (*annotations.mutable_fields())["cluster-autoscaler.kubernetes.io/safe-to-evict"] = Text("false");
  for (const auto& [key, value] : template_metadata.annotations()) (*annotations.mutable_fields())[key] = Text(value);
  for (const auto& [key, value] : attempt.annotations) (*annotations.mutable_fields())[key] = Text(value);
  (*annotations.mutable_fields())["primary_container_name"] = Text(primary);
  (*annotations.mutable_fields())[kAttemptAnnotation] = Text(attempt.id);

  Struct pod;
  auto& fields = *pod.mutable_fields();
  fields["apiVersion"] = Text("v1");
  fields["kind"] = Text("Pod");
  *fields["metadata"].mutable_struct_value() = std::move(metadata);
  *fields["spec"].mutable_struct_value() = std::move(spec);
  return pod;
}

}  // namespace flyte::plugins
