#include "engine/cache_key.h"

#include <algorithm>
#include <map>

#include "common/digest.h"

namespace flyte::engine {
namespace {

// 16 characters of the URL-safe base64 of a SHA-256: short, and plenty against collisions here.
std::string ShortDigest(const std::string& bytes) {
  std::string text = Base64Encode(Sha256(bytes));
  std::replace(text.begin(), text.end(), '+', '-');
  std::replace(text.begin(), text.end(), '/', '_');
  return text.substr(0, 16);
}

}  // namespace

CacheKey CacheKeyOf(const flyteidl::core::TaskTemplate& task, const flyteidl::core::LiteralMap& inputs) {
  const auto& ignored = task.metadata().cache_ignore_input_vars();
  std::map<std::string, std::string> counted;  // sorted by name
  for (const auto& [name, literal] : inputs.literals()) {
    if (std::find(ignored.begin(), ignored.end(), name) != ignored.end()) continue;
    counted[name] = literal.hash().empty() ? "v" + DeterministicBytes(literal) : "h" + literal.hash();
  }
  std::string inputs_bytes;
  for (const auto& [name, bytes] : counted) {
    inputs_bytes += std::to_string(name.size()) + ":" + name + std::to_string(bytes.size()) + ":" + bytes;
  }
  CacheKey key;
  key.dataset = "flyte_task-" + task.id().name();
  key.version = task.metadata().discovery_version() + "-" + ShortDigest(DeterministicBytes(task.interface()));
  key.tag = "flyte_cached-" + ShortDigest(inputs_bytes);
  return key;
}

flyteidl::core::CatalogMetadata CatalogMetadataOf(const CacheKey& key, const std::string& project,
                                                  const std::string& domain) {
  flyteidl::core::CatalogMetadata metadata;
  auto* dataset = metadata.mutable_dataset_id();
  dataset->set_resource_type(flyteidl::core::DATASET);
  dataset->set_project(project);
  dataset->set_domain(domain);
  dataset->set_name(key.dataset);
  dataset->set_version(key.version);
  metadata.mutable_artifact_tag()->set_name(key.tag);
  metadata.mutable_artifact_tag()->set_artifact_id(key.tag.substr(key.tag.find('-') + 1));
  return metadata;
}

}  // namespace flyte::engine
