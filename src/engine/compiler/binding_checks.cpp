// Bindings: each input bound once and to a value of a type it accepts (literals, promises of
// upstream outputs or their list elements, collections, maps, unions), and the edges they imply.
#include <algorithm>
#include <cctype>

#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include "engine/compiler/closure_builder.h"
#include "engine/compiler/workflow_compiler.h"
#include "engine/type_check.h"

namespace flyte::engine::compiler {
namespace {

core::LiteralType NoneType() {
  core::LiteralType none;
  none.set_simple(core::NONE);
  return none;
}

// A promise's output name: `o0`, or `[3].o0` for an element of a list output.
struct OutputRef {
  std::string name;
  std::optional<int> index;
};

std::optional<OutputRef> ParseOutputRef(const std::string& var) {
  if (var.empty() || var.front() != '[') return OutputRef{var, std::nullopt};
  size_t close = var.find("].");
  if (close == std::string::npos || close == 1) return std::nullopt;
  std::string digits = var.substr(1, close - 1);
  if (!std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      digits.size() > 9) {
    return std::nullopt;
  }
  return OutputRef{var.substr(close + 2), std::stoi(digits)};
}
}  // namespace

// Checks `node`'s bindings against `expected` (or, when null, only resolves their types, for
// nodes whose inputs are whatever they bind) and records the edges they imply.
std::optional<core::VariableMap> WorkflowCompiler::ValidateBindings(core::Node& node, const core::VariableMap* expected,
                                                                    EdgeDirection direction) {
  const bool is_end = node.id() == kEndNodeId;
  core::VariableMap resolved;
  std::set<std::string> bound;
  bool ok = true;
  for (auto& binding : *node.mutable_inputs()) {
    const core::Variable* param = nullptr;
    if (expected != nullptr) {
      auto it = expected->variables().find(binding.var());
      if (it == expected->variables().end()) {
        Error(node.id(), is_end ? absl::StrCat("binds output ", Quoted(binding.var()),
                                               ", which the workflow interface does not declare")
                                : absl::StrCat("binds ", Quoted(binding.var()), ", which is not an input of the node"));
        ok = false;
        continue;
      }
      param = &it->second;
    }
    if (!binding.has_binding()) {
      Error(node.id(), absl::StrCat("the binding of ", Quoted(binding.var()), " has no value"));
      ok = false;
      continue;
    }
    if (!bound.insert(binding.var()).second) {
      Error(node.id(), absl::StrCat(InputLabel(node.id(), binding.var()), " is bound more than once"));
      ok = false;
      continue;
    }
    std::vector<std::string> upstream;
    std::optional<core::LiteralType> type =
        CheckBindingData(node.id(), binding.var(), *binding.mutable_binding(),
                         param != nullptr ? &param->type() : nullptr, upstream, builder_.errors());
    if (!type) {
      ok = false;
      continue;
    }
    for (const auto& up : upstream) AddEdge(up, node.id(), direction);
    *(*resolved.mutable_variables())[binding.var()].mutable_type() = *std::move(type);
  }
  if (expected != nullptr) {
    for (const auto& [name, var] : expected->variables()) {
      if (bound.count(name) > 0 || IsOptionalType(var.type())) continue;
      Error(node.id(), is_end ? absl::StrCat("workflow output ", Quoted(name), " is not bound")
                              : absl::StrCat("required input ", Quoted(name), " is not bound"));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return resolved;
}

// The type `data` produces, checked against `expected` when given; upstream node ids are
// appended to `upstream`. nullopt after recording the problem in `errors`.
std::optional<core::LiteralType> WorkflowCompiler::CheckBindingData(const std::string& node_id, const std::string& var,
                                                                    core::BindingData& data,
                                                                    const core::LiteralType* expected,
                                                                    std::vector<std::string>& upstream,
                                                                    ErrorList& errors) {
  auto mismatch = [&](absl::string_view what) {
    errors.Add(NodeMessage(
        node_id, absl::StrCat(InputLabel(node_id, var), " (", TypeToString(*expected), ") cannot take ", what)));
    return std::nullopt;
  };
  const bool composite =
      data.value_case() == core::BindingData::kCollection || data.value_case() == core::BindingData::kMap;
  if (expected != nullptr && expected->has_union_type() && composite) {
    return CheckUnionBinding(node_id, var, data, *expected, upstream, errors);
  }
  switch (data.value_case()) {
    case core::BindingData::kScalar: {
      std::optional<core::LiteralType> type = LiteralTypeOfScalar(data.scalar());
      if (!type) {
        errors.Add(NodeMessage(node_id, absl::StrCat(InputLabel(node_id, var), " is bound to an empty scalar")));
        return std::nullopt;
      }
      if (expected == nullptr) return type;
      if (!AreTypesCastable(*type, *expected)) return mismatch(absl::StrCat("a ", TypeToString(*type), " literal"));
      if (expected->has_enum_type() && data.scalar().primitive().has_string_value()) {
        const auto& values = expected->enum_type().values();
        const std::string& value = data.scalar().primitive().string_value();
        if (std::find(values.begin(), values.end(), value) == values.end()) {
          return mismatch(absl::StrCat("the value ", Quoted(value), ", which is not one of the enum's values"));
        }
      }
      return type;
    }
    case core::BindingData::kCollection:
    case core::BindingData::kMap: {
      const bool is_list = data.value_case() == core::BindingData::kCollection;
      if (expected != nullptr && !(is_list ? expected->has_collection_type() : expected->has_map_value_type())) {
        return mismatch(is_list ? "a list" : "a map");
      }
      const core::LiteralType* element = expected == nullptr ? nullptr
                                         : is_list           ? &expected->collection_type()
                                                             : &expected->map_value_type();
      std::optional<core::LiteralType> element_type;
      bool ok = true;
      // Elements are named `xs[1]` / `m["k"]` in messages.
      auto check = [&](const std::string& item_var, core::BindingData& item) {
        std::optional<core::LiteralType> t = CheckBindingData(node_id, item_var, item, element, upstream, errors);
        if (t) element_type = std::move(t);
        ok = ok && t.has_value();
      };
      if (is_list) {
        auto& items = *data.mutable_collection()->mutable_bindings();
        for (int i = 0; i < items.size(); ++i) check(absl::StrCat(var, "[", i, "]"), items[i]);
      } else {
        for (auto& [key, item] : *data.mutable_map()->mutable_bindings()) {
          check(absl::StrCat(var, "[", Quoted(key), "]"), item);
        }
      }
      if (!ok) return std::nullopt;
      // An empty literal has element type NONE, which fits any list or map.
      core::LiteralType result;
      *(is_list ? result.mutable_collection_type() : result.mutable_map_value_type()) =
          element_type ? *element_type : NoneType();
      return result;
    }
    case core::BindingData::kPromise:
      return CheckPromise(node_id, var, *data.mutable_promise(), expected, upstream, errors);
    case core::BindingData::kOffloadedMetadata: {
      // Large literals flytekit offloads carry their inferred type; trust it when present.
      if (!data.offloaded_metadata().has_inferred_type()) return expected ? *expected : NoneType();
      const core::LiteralType& type = data.offloaded_metadata().inferred_type();
      if (expected != nullptr && !AreTypesCastable(type, *expected)) {
        return mismatch(absl::StrCat("an offloaded ", TypeToString(type), " literal"));
      }
      return type;
    }
    default:
      errors.Add(NodeMessage(node_id, absl::StrCat("the binding of ", Quoted(var), " has no value")));
      return std::nullopt;
  }
}

// A list or map bound to a union input must fit exactly one variant (propeller rejects
// ambiguous bindings, since the value would not know which variant it is).
std::optional<core::LiteralType> WorkflowCompiler::CheckUnionBinding(const std::string& node_id, const std::string& var,
                                                                     core::BindingData& data,
                                                                     const core::LiteralType& expected,
                                                                     std::vector<std::string>& upstream,
                                                                     ErrorList& errors) {
  std::optional<core::LiteralType> match;
  std::vector<std::string> match_upstream;
  int matches = 0;
  for (const auto& variant : expected.union_type().variants()) {
    ErrorList scratch;
    std::vector<std::string> variant_upstream;
    std::optional<core::LiteralType> t = CheckBindingData(node_id, var, data, &variant, variant_upstream, scratch);
    if (t && scratch.empty()) {
      ++matches;
      match = std::move(t);
      match_upstream = std::move(variant_upstream);
    }
  }
  if (matches == 1) {
    upstream.insert(upstream.end(), match_upstream.begin(), match_upstream.end());
    return match;
  }
  errors.Add(NodeMessage(node_id, absl::StrCat(InputLabel(node_id, var), " (", TypeToString(expected), ") ",
                                               matches == 0 ? "cannot take the bound value"
                                                            : "is ambiguous: the bound value fits several variants")));
  return std::nullopt;
}

std::optional<core::LiteralType> WorkflowCompiler::CheckPromise(const std::string& node_id, const std::string& var,
                                                                core::OutputReference& promise,
                                                                const core::LiteralType* expected,
                                                                std::vector<std::string>& upstream, ErrorList& errors) {
  // An empty node id means the workflow's inputs; propeller writes the sentinel's id back.
  if (promise.node_id().empty()) promise.set_node_id(kStartNodeId);
  const std::string& up_id = promise.node_id();
  auto node_it = top_level_.find(up_id);
  if (node_it == top_level_.end()) {
    errors.Add(NodeMessage(node_id, absl::StrCat(InputLabel(node_id, var), " is bound to node ", Quoted(up_id),
                                                 ", which does not exist in the workflow")));
    return std::nullopt;
  }
  const core::TypedInterface* up_iface = InterfaceOf(*node_it->second);
  if (up_iface == nullptr) return std::nullopt;  // reported where the upstream node failed
  std::optional<core::VariableMap> outputs = EffectiveOutputs(*node_it->second, *up_iface);
  if (!outputs) return std::nullopt;
  std::optional<OutputRef> ref = ParseOutputRef(promise.var());
  if (!ref) {
    errors.Add(NodeMessage(
        node_id, absl::StrCat(InputLabel(node_id, var), " refers to malformed output name ", Quoted(promise.var()))));
    return std::nullopt;
  }
  const std::string source = absl::StrCat(up_id, ".", promise.var());
  auto out_it = outputs->variables().find(ref->name);
  if (out_it == outputs->variables().end()) {
    errors.Add(NodeMessage(node_id, up_id == kStartNodeId
                                        ? absl::StrCat(InputLabel(node_id, var), " is bound to workflow input ",
                                                       Quoted(ref->name), ", which the workflow does not declare")
                                        : absl::StrCat(InputLabel(node_id, var), " is bound to ", source, ", but node ",
                                                       Quoted(up_id), " has no output ", Quoted(ref->name))));
    return std::nullopt;
  }
  core::LiteralType type = out_it->second.type();
  if (ref->index) {
    if (!type.has_collection_type()) {
      errors.Add(NodeMessage(node_id, absl::StrCat(InputLabel(node_id, var), " indexes ", source, ", which is a ",
                                                   TypeToString(type), ", not a list")));
      return std::nullopt;
    }
    type = core::LiteralType(type.collection_type());
  }
  // attr_path (flytekit's `x.field` / `x["key"]` / `x[0]` on promises) narrows the type when it
  // is known; a STRUCT without a declared structure is opaque and is checked at run time.
  bool known = true;
  for (const auto& attr : promise.attr_path()) {
    if (type.has_collection_type()) {
      type = core::LiteralType(type.collection_type());
    } else if (type.has_map_value_type()) {
      type = core::LiteralType(type.map_value_type());
    } else if (type.has_simple() && type.simple() == core::STRUCT && !type.structure().dataclass_type().empty()) {
      auto field = type.structure().dataclass_type().find(attr.string_value());
      if (field == type.structure().dataclass_type().end()) {
        errors.Add(NodeMessage(
            node_id, absl::StrCat(InputLabel(node_id, var), " reads attribute ", Quoted(attr.string_value()), " of ",
                                  source, ", which has no such field")));
        return std::nullopt;
      }
      type = core::LiteralType(field->second);
    } else {
      known = false;
      break;
    }
  }
  if (expected != nullptr && known && !AreTypesCastable(type, *expected)) {
    errors.Add(NodeMessage(node_id, absl::StrCat(InputLabel(node_id, var), " (", TypeToString(*expected),
                                                 ") cannot take ", source, " (", TypeToString(type), ")")));
    return std::nullopt;
  }
  upstream.push_back(up_id);
  if (!known && expected != nullptr) return *expected;
  return type;
}

}  // namespace flyte::engine::compiler
