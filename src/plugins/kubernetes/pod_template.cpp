#include "plugins/kubernetes/pod_template.h"

#include <optional>
#include <string>

#include "plugins/kubernetes/json_object.h"
#include "plugins/kubernetes/pod_spec.h"

namespace flyte::plugins {
namespace {

using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;
using json::Find;
using json::ListAt;
using json::ObjectAt;
using json::TextAt;

// mergo.Merge(dst, src, WithOverride, WithAppendSlice) on JSON: src's fields win, objects merge
// field by field, lists are joined (dst's items first).
void MergeInto(Struct& dst, const Struct& src) {
  for (const auto& [key, value] : src.fields()) {
    Value& target = (*dst.mutable_fields())[key];
    if (value.has_struct_value() && target.has_struct_value()) {
      MergeInto(*target.mutable_struct_value(), value.struct_value());
    } else if (value.has_list_value() && target.has_list_value()) {
      for (const Value& item : value.list_value().values()) *target.mutable_list_value()->add_values() = item;
    } else if (!value.has_null_value()) {
      target = value;
    }
  }
}

const Struct* Named(const ListValue& containers, const std::string& name) {
  for (const Value& container : containers.values()) {
    if (container.has_struct_value() && TextAt(container.struct_value(), "name") == name) {
      return &container.struct_value();
    }
  }
  return nullptr;
}

// Each of the pod's containers in `group` on top of the template's: its base container, then the
// primary's (for the primary container) or the one of its name.
ListValue MergeContainers(const Struct& template_spec, const Struct& pod_spec, const char* group,
                          const std::string& base_name, const std::string& primary_name, const std::string& primary) {
  ListValue empty;
  const Value* listed = Find(template_spec, group);
  const ListValue& templates = listed != nullptr && listed->has_list_value() ? listed->list_value() : empty;
  const Struct* base = Named(templates, base_name);
  const Struct* primary_template = Named(templates, primary_name);
  ListValue merged;
  const Value* own = Find(pod_spec, group);
  if (own == nullptr || !own->has_list_value()) return merged;
  for (const Value& item : own->list_value().values()) {
    const Struct& container = item.struct_value();
    const std::string name = TextAt(container, "name");
    std::optional<Struct> out;
    const auto layer = [&](const Struct& next) {
      if (!out) {
        out = next;
      } else {
        MergeInto(*out, next);
      }
    };
    if (base != nullptr) layer(*base);
    if (!primary.empty() && name == primary) {
      if (primary_template != nullptr) layer(*primary_template);
    } else if (name != base_name) {
      for (const Value& candidate : templates.values()) {
        if (TextAt(candidate.struct_value(), "name") == name) layer(candidate.struct_value());
      }
    }
    layer(container);
    *merged.add_values()->mutable_struct_value() = std::move(*out);
  }
  return merged;
}

}  // namespace

Status MergePodTemplate(const Struct& pod_template, Struct& pod) {
  const Struct& base = ObjectAt(pod_template, "template");
  const Struct& own = pod;
  const Struct& own_spec = ObjectAt(own, "spec");
  const std::string primary = TextAt(ObjectAt(ObjectAt(own, "metadata"), "annotations"), "primary_container_name");

  Struct spec = ObjectAt(base, "spec");
  MergeInto(spec, own_spec);
  const ListValue containers =
      MergeContainers(ObjectAt(base, "spec"), own_spec, "containers", "default", "primary", primary);
  const ListValue init_containers =
      MergeContainers(ObjectAt(base, "spec"), own_spec, "initContainers", "default-init", "primary-init", "");
  ListAt(spec, "containers") = containers;
  if (init_containers.values().empty()) {
    spec.mutable_fields()->erase("initContainers");
  } else {
    ListAt(spec, "initContainers") = init_containers;
  }
  for (Value& item : *ListAt(spec, "containers").mutable_values()) {
    Struct& container = *item.mutable_struct_value();
    if (TextAt(container, "name") != primary) continue;
    RETURN_IF_ERROR(CompleteResources(ObjectAt(container, "resources")));
    if (ObjectAt(container, "resources").fields().empty()) container.mutable_fields()->erase("resources");
  }

  Struct metadata = ObjectAt(base, "metadata");
  MergeInto(metadata, ObjectAt(own, "metadata"));
  ObjectAt(pod, "metadata") = std::move(metadata);
  ObjectAt(pod, "spec") = std::move(spec);
  return Status();
}

}  // namespace flyte::plugins
