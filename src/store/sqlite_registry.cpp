// SqliteRegistry: the Registry over one SQLite connection. Every call takes the connection's
// mutex, so there is exactly one writer; WAL keeps a killed process from losing commits.

#include "store/registry.h"
#include "store/sqlite_store.h"

namespace flyte::store {
namespace {

const ListColumns kProjectList{
    "projects",
    {{Column::kProject, "id"}, {Column::kName, "name"}, {Column::kState, "state"}, {Column::kCreatedAt, "created_at"}}};
const ListColumns kEntityList{"entities",
                              {{Column::kProject, "project"},
                               {Column::kDomain, "domain"},
                               {Column::kName, "name"},
                               {Column::kVersion, "version"},
                               {Column::kCreatedAt, "created_at"},
                               {Column::kUpdatedAt, "updated_at"},
                               {Column::kState, "state"},
                               {Column::kWorkflowName, "workflow_name"}}};
const ListColumns kNamedEntityList{
    "named entities", {{Column::kName, "name"}, {Column::kState, "state"}, {Column::kDescription, "description"}}};
const ListColumns kDescriptionList{
    "description entities",
    {{Column::kName, "name"}, {Column::kVersion, "version"}, {Column::kCreatedAt, "created_at"}}};

int TypeValue(ResourceType type) { return static_cast<int>(type); }

Status NotFound(std::string what) { return absl::NotFoundError(std::move(what)); }

std::string Describe(const EntityKey& key) {
  return key.project + "/" + key.domain + "/" + key.name + "@" + key.version;
}

constexpr const char* kEntityColumns =
    "resource_type, project, domain, name, version, created_at, updated_at, digest, state, workflow_name, payload";

EntityRow ReadEntity(const Statement& stmt) {
  EntityRow row;
  row.key = {static_cast<ResourceType>(stmt.Int(0)), stmt.Text(1), stmt.Text(2), stmt.Text(3), stmt.Text(4)};
  row.created_at = stmt.Int(5);
  row.updated_at = stmt.Int(6);
  row.digest = stmt.Blob(7);
  row.state = static_cast<int>(stmt.Int(8));
  row.workflow_name = stmt.Text(9);
  row.payload = stmt.Blob(10);
  return row;
}

ProjectRow ReadProject(const Statement& stmt) {
  return {stmt.Text(0), stmt.Text(1), static_cast<int>(stmt.Int(2)), stmt.Int(3), stmt.Blob(4)};
}

std::string ReadPayload(const Statement& stmt) { return stmt.Blob(0); }

const RowTable<ProjectRow> kProjects{"projects", "id, name, state, created_at, payload", ReadProject, &kProjectList};
const RowTable<EntityRow> kEntities{"entities", kEntityColumns, ReadEntity, &kEntityList};
const RowTable<std::string> kDescriptions{"description_entities", "payload", ReadPayload, &kDescriptionList};

// The versions of the entities of one type in a project and domain; of one name unless it is empty.
Match EntityScope(ResourceType type, const std::string& project, const std::string& domain, const std::string& name) {
  Match match{{"resource_type", int64_t{TypeValue(type)}}, {"project", project}, {"domain", domain}};
  if (!name.empty()) match.emplace_back("name", name);
  return match;
}

Match EntityMatch(const EntityKey& key) {
  return {{"resource_type", int64_t{TypeValue(key.type)}},
          {"project", key.project},
          {"domain", key.domain},
          {"name", key.name},
          {"version", key.version}};
}

class SqliteRegistry final : public Registry, SqliteStore {
 public:
  using SqliteStore::SqliteStore;

  Status CreateProject(const ProjectRow& row) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(Statement stmt,
                     Db().Prepare("INSERT INTO projects (id, name, state, created_at, payload) VALUES (?,?,?,?,?)"));
    stmt.Bind(1, row.id).Bind(2, row.name).Bind(3, int64_t{row.state}).Bind(4, row.created_at).BindBlob(5, row.payload);
    return stmt.Run();
  }

  Status UpdateProject(const ProjectRow& row) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(Statement stmt, Db().Prepare("UPDATE projects SET name = ?, state = ?, payload = ? WHERE id = ?"));
    stmt.Bind(1, row.name).Bind(2, int64_t{row.state}).BindBlob(3, row.payload).Bind(4, row.id);
    RETURN_IF_ERROR(stmt.Run());
    if (Db().Changes() == 0) return NotFound("project " + row.id + " not found");
    return absl::OkStatus();
  }

  StatusOr<ProjectRow> GetProject(const std::string& id) override {
    absl::MutexLock lock(&shared_->mu);
    return SelectOne(kProjects, {{"id", id}}, "project " + id);
  }

  StatusOr<std::vector<ProjectRow>> ListProjects(const ListQuery& query) override {
    absl::MutexLock lock(&shared_->mu);
    return Select(kProjects, {}, &query);
  }

  Status CreateEntity(const EntityRow& row) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(Statement stmt, Db().Prepare(std::string("INSERT INTO entities (") + kEntityColumns +
                                                  ") VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
    stmt.Bind(1, int64_t{TypeValue(row.key.type)})
        .Bind(2, row.key.project)
        .Bind(3, row.key.domain)
        .Bind(4, row.key.name)
        .Bind(5, row.key.version)
        .Bind(6, row.created_at)
        .Bind(7, row.updated_at)
        .BindBlob(8, row.digest)
        .Bind(9, int64_t{row.state})
        .Bind(10, row.workflow_name)
        .BindBlob(11, row.payload);
    Status status = stmt.Run();
    if (absl::IsAlreadyExists(status)) return absl::AlreadyExistsError(Describe(row.key) + " already exists");
    return status;
  }

  StatusOr<EntityRow> GetEntity(const EntityKey& key) override {
    absl::MutexLock lock(&shared_->mu);
    return SelectOne(kEntities, EntityMatch(key), Describe(key));
  }

  StatusOr<std::vector<EntityRow>> ListEntities(ResourceType type, const std::string& project,
                                                const std::string& domain, const std::string& name,
                                                const ListQuery& query) override {
    absl::MutexLock lock(&shared_->mu);
    return Select(kEntities, EntityScope(type, project, domain, name), &query);
  }

  Status SetLaunchPlanState(const EntityKey& key, int state, int64_t now) override {
    absl::MutexLock lock(&shared_->mu);
    return InTransaction(
        Db(), [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) { return SetLaunchPlanStateLocked(key, state, now); });
  }

  StatusOr<std::vector<NamedEntityRow>> ListNamedEntities(ResourceType type, const std::string& project,
                                                          const std::string& domain, const ListQuery& query) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(PagedSql paged, Paged(NamedEntitySelect(), query, kNamedEntityList));
    ASSIGN_OR_RETURN(Statement stmt, Db().Prepare(paged.sql));
    stmt.Bind(1, int64_t{TypeValue(type)}).Bind(2, project).Bind(3, domain).BindAll(paged.params, 4);
    return ReadAll<NamedEntityRow>(stmt, [&](const Statement& row) {
      return NamedEntityRow{type, project, domain, row.Text(0), static_cast<int>(row.Int(1)), row.Text(2)};
    });
  }

  StatusOr<NamedEntityRow> GetNamedEntity(ResourceType type, const std::string& project, const std::string& domain,
                                          const std::string& name) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(Statement stmt, Db().Prepare(NamedEntitySelect() + " AND name = ?"));
    stmt.Bind(1, int64_t{TypeValue(type)}).Bind(2, project).Bind(3, domain).Bind(4, name);
    ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) return NotFound("named entity " + project + "/" + domain + "/" + name + " not found");
    return NamedEntityRow{type, project, domain, stmt.Text(0), static_cast<int>(stmt.Int(1)), stmt.Text(2)};
  }

  Status UpdateNamedEntity(const NamedEntityRow& row) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(Statement stmt,
                     Db().Prepare("INSERT INTO named_entities (resource_type, project, domain, name, state, "
                                  "description) VALUES (?,?,?,?,?,?) ON CONFLICT DO UPDATE SET "
                                  "state = excluded.state, description = excluded.description"));
    stmt.Bind(1, int64_t{TypeValue(row.type)})
        .Bind(2, row.project)
        .Bind(3, row.domain)
        .Bind(4, row.name)
        .Bind(5, int64_t{row.state})
        .Bind(6, row.description);
    return stmt.Run();
  }

  Status PutDescription(const EntityKey& key, int64_t created_at, const std::string& payload) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(Statement stmt,
                     Db().Prepare("INSERT OR IGNORE INTO description_entities (resource_type, project, domain, name, "
                                  "version, created_at, payload) VALUES (?,?,?,?,?,?,?)"));
    BindKey(stmt, key).Bind(6, created_at).BindBlob(7, payload);
    return stmt.Run();
  }

  StatusOr<std::string> GetDescription(const EntityKey& key) override {
    absl::MutexLock lock(&shared_->mu);
    return SelectOne(kDescriptions, EntityMatch(key), "description entity " + Describe(key));
  }

  StatusOr<std::vector<std::string>> ListDescriptions(ResourceType type, const std::string& project,
                                                      const std::string& domain, const std::string& name,
                                                      const ListQuery& query) override {
    absl::MutexLock lock(&shared_->mu);
    return Select(kDescriptions, EntityScope(type, project, domain, name), &query);
  }

  Status PutAttributes(const AttributesRow& row) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(Statement stmt, Db().Prepare("INSERT INTO attributes (resource_type, project, domain, workflow, "
                                                  "launch_plan, payload) VALUES (?,?,?,?,?,?) ON CONFLICT DO UPDATE "
                                                  "SET payload = excluded.payload"));
    BindAttributesKey(stmt, row.key).BindBlob(6, row.payload);
    return stmt.Run();
  }

  StatusOr<AttributesRow> GetAttributes(const AttributesKey& key) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(Statement stmt, Db().Prepare("SELECT payload FROM attributes WHERE " + kAttributesMatch));
    BindAttributesKey(stmt, key);
    ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) return NotFound("no attributes of that resource type are set for " + DescribeAttributes(key));
    return AttributesRow{key, stmt.Blob(0)};
  }

  Status DeleteAttributes(const AttributesKey& key) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(Statement stmt, Db().Prepare("DELETE FROM attributes WHERE " + kAttributesMatch));
    BindAttributesKey(stmt, key);
    RETURN_IF_ERROR(stmt.Run());
    if (Db().Changes() == 0)
      return NotFound("no attributes of that resource type are set for " + DescribeAttributes(key));
    return absl::OkStatus();
  }

  StatusOr<std::vector<AttributesRow>> ListAttributes(int resource_type) override {
    absl::MutexLock lock(&shared_->mu);
    ASSIGN_OR_RETURN(Statement stmt, Db().Prepare("SELECT project, domain, workflow, launch_plan, payload FROM "
                                                  "attributes WHERE resource_type = ? ORDER BY project, domain, "
                                                  "workflow, launch_plan"));
    stmt.Bind(1, int64_t{resource_type});
    return ReadAll<AttributesRow>(stmt, [&](const Statement& row) {
      return AttributesRow{{resource_type, row.Text(0), row.Text(1), row.Text(2), row.Text(3)}, row.Blob(4)};
    });
  }

 private:
  static inline const std::string kAttributesMatch =
      "resource_type = ? AND project = ? AND domain = ? AND workflow = ? AND launch_plan = ?";

  static std::string DescribeAttributes(const AttributesKey& key) {
    std::string out = key.project;
    for (const std::string* part : {&key.domain, &key.workflow, &key.launch_plan}) {
      if (!part->empty()) out += "/" + *part;
    }
    return out;
  }

  // Names come from registered entities; metadata from named_entities when it was ever updated.
  static std::string NamedEntitySelect() {
    return "SELECT name, state, description FROM (SELECT e.name AS name, COALESCE(n.state, 0) AS state, "
           "COALESCE(n.description, '') AS description "
           "FROM (SELECT DISTINCT resource_type, project, domain, name FROM entities) e "
           "LEFT JOIN named_entities n USING (resource_type, project, domain, name) "
           "WHERE e.resource_type = ?1 AND e.project = ?2 AND e.domain = ?3) WHERE 1";
  }

  static Statement& BindKey(Statement& stmt, const EntityKey& key) {
    return stmt.Bind(1, int64_t{TypeValue(key.type)})
        .Bind(2, key.project)
        .Bind(3, key.domain)
        .Bind(4, key.name)
        .Bind(5, key.version);
  }

  static Statement& BindAttributesKey(Statement& stmt, const AttributesKey& key) {
    return stmt.Bind(1, int64_t{key.resource_type})
        .Bind(2, key.project)
        .Bind(3, key.domain)
        .Bind(4, key.workflow)
        .Bind(5, key.launch_plan);
  }

  Status SetLaunchPlanStateLocked(const EntityKey& key, int state, int64_t now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) {
    ASSIGN_OR_RETURN(Statement target, Db().Prepare("UPDATE entities SET state = ?, updated_at = ? WHERE "
                                                    "resource_type = ? AND project = ? AND domain = ? AND "
                                                    "name = ? AND version = ?"));
    target.Bind(1, int64_t{state}).Bind(2, now).Bind(3, int64_t{TypeValue(ResourceType::kLaunchPlan)});
    target.Bind(4, key.project).Bind(5, key.domain).Bind(6, key.name).Bind(7, key.version);
    RETURN_IF_ERROR(target.Run());
    if (Db().Changes() == 0) return NotFound("launch plan " + Describe(key) + " not found");
    if (state == 0) return absl::OkStatus();
    // Only one version of a launch plan name is active at a time.
    ASSIGN_OR_RETURN(Statement others, Db().Prepare("UPDATE entities SET state = 0, updated_at = ? WHERE "
                                                    "resource_type = ? AND project = ? AND domain = ? AND "
                                                    "name = ? AND version != ? AND state != 0"));
    others.Bind(1, now).Bind(2, int64_t{TypeValue(ResourceType::kLaunchPlan)});
    others.Bind(3, key.project).Bind(4, key.domain).Bind(5, key.name).Bind(6, key.version);
    return others.Run();
  }
};

}  // namespace

std::unique_ptr<Registry> MakeSqliteRegistry(std::shared_ptr<SharedDatabase> shared) {
  return std::make_unique<SqliteRegistry>(std::move(shared));
}

}  // namespace flyte::store
