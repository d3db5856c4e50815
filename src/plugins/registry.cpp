#include "plugins/registry.h"

#include <algorithm>
#include <utility>

namespace flyte::plugins {

bool PluginKind::Runs(std::string_view task_type) const {
  return std::any_of(task_types.begin(), task_types.end(),
                     [&](const std::string& type) { return type == kAnyTaskType || type == task_type; });
}

Status PluginRegistry::Register(PluginKind kind) {
  if (Find(kind.name) != nullptr)
    return absl::AlreadyExistsError("a plugin named \"" + kind.name + "\" exists already");
  kinds_.push_back(std::move(kind));
  return absl::OkStatus();
}

const PluginKind* PluginRegistry::Find(std::string_view name) const {
  const auto found =
      std::find_if(kinds_.begin(), kinds_.end(), [&](const PluginKind& kind) { return kind.name == name; });
  return found == kinds_.end() ? nullptr : &*found;
}

std::string PluginRegistry::Describe() const {
  std::string text;
  for (const PluginKind& kind : kinds_) {
    if (!text.empty()) text += ", ";
    text += kind.name + " (";
    for (size_t i = 0; i < kind.task_types.size(); ++i) {
      if (i > 0) text += ", ";
      text += kind.task_types[i] == kAnyTaskType ? "any task type" : kind.task_types[i];
    }
    text += ")";
  }
  return text.empty() ? "none" : text;
}

}  // namespace flyte::plugins
