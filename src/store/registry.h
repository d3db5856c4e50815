// The registry: durable records of projects, registered entities, their metadata and matchable
// attributes. Payloads are serialized flyteidl messages the admin layer owns; the registry
// only knows the columns that lists filter and sort on.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/sqlite.h"

namespace flyte::store {

// Same numbering as flyteidl.core.ResourceType.
enum class ResourceType : int { kTask = 1, kWorkflow = 2, kLaunchPlan = 3 };

// A page of a list: a WHERE fragment over the documented columns (with '?' placeholders),
// an ORDER BY fragment, and limit/offset. Built by the admin layer from Flyte filters.
struct ListQuery {
  std::string where;  // empty = no condition
  std::vector<SqlParam> params;
  std::string order_by;  // e.g. "ORDER BY created_at DESC"; empty = unordered
  int64_t limit = 100;
  int64_t offset = 0;
};

// Columns: id, name, state, created_at.
struct ProjectRow {
  std::string id;
  std::string name;
  int state = 0;
  int64_t created_at = 0;
  std::string payload;
};

struct EntityKey {
  ResourceType type = ResourceType::kTask;
  std::string project, domain, name, version;
};

// Columns: project, domain, name, version, created_at, updated_at, state, workflow_name.
struct EntityRow {
  EntityKey key;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::string digest;
  int state = 0;
  std::string workflow_name;
  std::string payload;
};

// A (project, domain, name) with its metadata. Columns: name, state, description.
struct NamedEntityRow {
  ResourceType type = ResourceType::kTask;
  std::string project, domain, name;
  int state = 0;
  std::string description;
};

struct AttributesKey {
  int resource_type = 0;  // flyteidl.admin.MatchableResource
  std::string project, domain, workflow, launch_plan;
};

struct AttributesRow {
  AttributesKey key;
  std::string payload;
};

class Registry {
 public:
  virtual ~Registry() = default;

  virtual Status CreateProject(const ProjectRow& row) = 0;  // ALREADY_EXISTS if the id is taken
  virtual Status UpdateProject(const ProjectRow& row) = 0;  // NOT_FOUND if absent
  virtual StatusOr<ProjectRow> GetProject(const std::string& id) = 0;
  virtual StatusOr<std::vector<ProjectRow>> ListProjects(const ListQuery& query) = 0;

  // ALREADY_EXISTS if the key is taken (the caller compares digests).
  virtual Status CreateEntity(const EntityRow& row) = 0;
  virtual StatusOr<EntityRow> GetEntity(const EntityKey& key) = 0;
  // Versions of one type in a project/domain, optionally of one name.
  virtual StatusOr<std::vector<EntityRow>> ListEntities(ResourceType type, const std::string& project,
                                                        const std::string& domain, const std::string& name,
                                                        const ListQuery& query) = 0;
  // Makes `key` the only ACTIVE version of its launch plan name, or deactivates it.
  virtual Status SetLaunchPlanState(const EntityKey& key, int state, int64_t now) = 0;

  // Distinct names of one type in a project/domain, with metadata (defaults when never updated).
  virtual StatusOr<std::vector<NamedEntityRow>> ListNamedEntities(ResourceType type, const std::string& project,
                                                                  const std::string& domain,
                                                                  const ListQuery& query) = 0;
  // NOT_FOUND if no version of it was ever registered.
  virtual StatusOr<NamedEntityRow> GetNamedEntity(ResourceType type, const std::string& project,
                                                  const std::string& domain, const std::string& name) = 0;
  virtual Status UpdateNamedEntity(const NamedEntityRow& row) = 0;

  // Description entities share EntityKey; ALREADY_EXISTS is ignored by callers.
  virtual Status PutDescription(const EntityKey& key, int64_t created_at, const std::string& payload) = 0;
  virtual StatusOr<std::string> GetDescription(const EntityKey& key) = 0;
  virtual StatusOr<std::vector<std::string>> ListDescriptions(ResourceType type, const std::string& project,
                                                              const std::string& domain, const std::string& name,
                                                              const ListQuery& query) = 0;

  virtual Status PutAttributes(const AttributesRow& row) = 0;
  virtual StatusOr<AttributesRow> GetAttributes(const AttributesKey& key) = 0;
  virtual Status DeleteAttributes(const AttributesKey& key) = 0;  // NOT_FOUND if absent
  virtual StatusOr<std::vector<AttributesRow>> ListAttributes(int resource_type) = 0;
};

}  // namespace flyte::store
