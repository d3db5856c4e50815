// An Admin over a real SQLite store and object store in a temp folder, with a fake clock and a
// fake engine: what the admin tests share.
#pragma once

#include <memory>

#include "admin/admin.h"
#include "fakes/fake_action_executor.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_engine.h"
#include "fakes/temp_dir.h"

namespace flyte::testing {

struct AdminFixture {
  TempDir dir;
  FakeClock clock;
  store::SqliteStores stores = *store::OpenSqliteStores(dir.path() / "registry.db", clock);
  std::unique_ptr<store::BlobStore> blobs = *store::OpenLocalBlobStore(dir.path() / "blobs");
  admin::UrlSigner signer{"k", "http://localhost:1", clock};
  FakeEngine engine{*stores.executions, *blobs};
  FakeActionExecutor actions;
  std::unique_ptr<admin::Admin> admin =
      *admin::Admin::Create({*stores.registry, *stores.executions, *stores.signals, *stores.runs, *stores.tasks, engine,
                             actions, *blobs, clock, signer, admin::AdminConfig{}});
};

}  // namespace flyte::testing
