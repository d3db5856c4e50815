// The registry: durable records of projects, registered entities, their metadata and matchable
// attributes. Payloads are serialized flyteidl messages the admin layer owns; the registry
// only knows the columns that lists filter and sort on (logical columns, list_query.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/list_query.h"

namespace flyte::store {

// Same numbering as flyteidl.core.ResourceType.
enum class ResourceType : int { kTask = 1, kWorkflow = 2, kLaunchPlan = 3 };

// Listed by Column::kProject (the id), kName, kState, kCreatedAt.
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

// Listed by Column::kProject, kDomain, kName, kVersion, kCreatedAt, kUpdatedAt, kState, kWorkflowName.
struct EntityRow {
  EntityKey key;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::string digest;
  int state = 0;
  std::string workflow_name;
  std::string payload;
};

// A (project, domain, name) with its metadata. Listed by Column::kName, kState, kDescription.
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

  // Description entities share EntityKey; ALREADY_EXISTS is ignored by callers. Listed by
  // Column::kName, kVersion, kCreatedAt.
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
