#include "plugins/kubernetes/pod_secrets.h"

#include <absl/strings/ascii.h>

#include <string>

#include "plugins/kubernetes/json_object.h"
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

constexpr char kSecretsDir[] = "/etc/flyte/secrets";
constexpr char kEnvPrefix[] = "_FSEC_";

Value Object(Struct object) {
  Value value;
  *value.mutable_struct_value() = std::move(object);
  return value;
}

Struct NamedValue(const std::string& name, const std::string& value) {
  Struct variable;
  (*variable.mutable_fields())["name"] = Text(name);
  (*variable.mutable_fields())["value"] = Text(value);
  return variable;
}

// What each container gets: appended unless one of the same name is there (propeller's
// AppendEnvVars / AppendVolumeMounts).
void AddToContainers(Struct& spec, const char* list, const Struct& item) {
  const std::string name = TextAt(item, "name");
  for (const char* group : {"initContainers", "containers"}) {
    if (Find(spec, group) == nullptr) continue;
    for (Value& container : *ListAt(spec, group).mutable_values()) {
      ListValue& items = ListAt(*container.mutable_struct_value(), list);
      bool present = false;
      for (const Value& existing : items.values()) present = present || TextAt(existing.struct_value(), "name") == name;
      if (!present) *items.add_values() = Object(item);
    }
  }
}

// The Secret's volume, or one more item of the volume that mounts that Secret already.
std::string AddVolume(Struct& spec, const flyteidl::core::Secret& secret) {
  Struct item;
  (*item.mutable_fields())["key"] = Text(secret.key());
  (*item.mutable_fields())["path"] = Text(absl::AsciiStrToLower(secret.key()));
  ListValue& volumes = ListAt(spec, "volumes");
  for (Value& volume : *volumes.mutable_values()) {
    Struct& source = ObjectAt(*volume.mutable_struct_value(), "secret");
    if (TextAt(source, "secretName") != secret.group()) continue;
    *ListAt(source, "items").add_values() = Object(item);
    return TextAt(volume.struct_value(), "name");
  }
  const std::string name = PropellerBase32(secret.group() + "_" + secret.group_version());
  Struct source;
  (*source.mutable_fields())["secretName"] = Text(secret.group());
  *ListAt(source, "items").add_values() = Object(item);
  (*source.mutable_fields())["optional"].set_bool_value(true);
  Struct volume;
  (*volume.mutable_fields())["name"] = Text(name);
  *(*volume.mutable_fields())["secret"].mutable_struct_value() = std::move(source);
  *volumes.add_values() = Object(std::move(volume));
  return name;
}

void InjectFile(Struct& spec, const flyteidl::core::Secret& secret) {
  const std::string volume = AddVolume(spec, secret);
  const std::string folder = std::string(kSecretsDir) + "/" + absl::AsciiStrToLower(secret.group());
  Struct mount;
  (*mount.mutable_fields())["name"] = Text(volume);
  (*mount.mutable_fields())["readOnly"].set_bool_value(true);
  (*mount.mutable_fields())["mountPath"] = Text(folder);
  AddToContainers(spec, "volumeMounts", mount);
  AddToContainers(spec, "env", NamedValue("FLYTE_SECRETS_DEFAULT_DIR", kSecretsDir));
  AddToContainers(spec, "env", NamedValue("FLYTE_SECRETS_FILE_PREFIX", ""));
  if (!secret.env_var().empty()) {
    AddToContainers(spec, "env", NamedValue(secret.env_var(), folder + "/" + absl::AsciiStrToLower(secret.key())));
  }
}

void InjectVariable(Struct& spec, const flyteidl::core::Secret& secret) {
  Struct reference;
  (*reference.mutable_fields())["name"] = Text(secret.group());
  (*reference.mutable_fields())["key"] = Text(secret.key());
  (*reference.mutable_fields())["optional"].set_bool_value(true);
  Struct variable;
  (*variable.mutable_fields())["name"] = Text(absl::AsciiStrToUpper(kEnvPrefix + secret.group() + "_" + secret.key()));
  ObjectAt(ObjectAt(variable, "valueFrom"), "secretKeyRef") = std::move(reference);
  AddToContainers(spec, "env", variable);
  if (!secret.env_var().empty()) {
    (*variable.mutable_fields())["name"] = Text(secret.env_var());
    AddToContainers(spec, "env", variable);
  }
  AddToContainers(spec, "env", NamedValue("FLYTE_SECRETS_ENV_PREFIX", kEnvPrefix));
}

}  // namespace

Status InjectSecrets(const google::protobuf::RepeatedPtrField<flyteidl::core::Secret>& secrets, Struct& spec) {
  for (const flyteidl::core::Secret& secret : secrets) {
    if (secret.group().empty() || secret.key().empty()) {
      return absl::InvalidArgumentError("secret \"" + secret.group() + "/" + secret.key() +
                                        "\": a Kubernetes secret needs a group (the Secret's name) and a key");
    }
  }
  for (const flyteidl::core::Secret& secret : secrets) {
    if (secret.mount_requirement() == flyteidl::core::Secret::ENV_VAR) {
      InjectVariable(spec, secret);
    } else {
      InjectFile(spec, secret);
    }
  }
  return Status();
}

}  // namespace flyte::plugins
