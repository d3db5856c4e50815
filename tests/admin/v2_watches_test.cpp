#include "admin/v2_watches.h"

#include <doctest/doctest.h>

#include <flyteidl2/common/phase.pb.h>

#include "fakes/temp_dir.h"
#include "store/store.h"

namespace flyte::admin {
namespace {

constexpr int64_t kQueued = flyteidl2::common::ACTION_PHASE_QUEUED;
constexpr int64_t kRunning = flyteidl2::common::ACTION_PHASE_RUNNING;
constexpr int64_t kSucceeded = flyteidl2::common::ACTION_PHASE_SUCCEEDED;

store::ActionKey Key(const std::string& name) { return {"p", "d", "r1", name}; }

struct Watches {
  testing::TempDir dir;
  store::SqliteStores stores = *store::OpenSqliteStores(dir.path() / "registry.db");
  store::RunStore& runs = *stores.runs;
  int wakes = 0;

  void Create(const std::string& name, const std::string& parent) {
    store::ActionRow row;
    row.key = Key(name);
    row.parent = parent;
    row.action_type = flyteidl2::workflow::ACTION_TYPE_TASK;
    row.phase = kQueued;
    row.created_at = row.updated_at = 1000 + static_cast<int64_t>(name.size()) * 10 + name.back();
    REQUIRE(runs.CreateAction(row, "/out/r1/" + name + "/1").ok());
  }

  void Enter(const std::string& name, int64_t phase) {
    REQUIRE(
        runs.Transition(
                Key(name),
                {.phase = phase, .ends_attempt = phase == kSucceeded, .ends_action = phase == kSucceeded, .at = 5000})
            .ok());
  }

  std::unique_ptr<ReplyStream<flyteidl2::actions::WatchForUpdatesResponse>> Watch(const std::string& parent) {
    return WatchChildren(runs, Key(parent), [this] { ++wakes; });
  }
};

// "a1:RUNNING" for an update, "sentinel" for the control message.
std::vector<std::string> Read(ReplyStream<flyteidl2::actions::WatchForUpdatesResponse>& stream) {
  std::vector<flyteidl2::actions::WatchForUpdatesResponse> replies;
  bool ended = true;
  REQUIRE(stream.Next(&replies, &ended).ok());
  CHECK_FALSE(ended);
  std::vector<std::string> seen;
  for (const auto& reply : replies) {
    if (reply.has_control_message()) {
      seen.push_back(reply.control_message().sentinel() ? "sentinel" : "control");
    } else {
      const auto& update = reply.action_update();
      seen.push_back(update.action_id().name() + ":" +
                     flyteidl2::common::ActionPhase_Name(update.phase()).substr(sizeof("ACTION_PHASE_") - 1));
    }
  }
  return seen;
}

TEST_CASE_FIXTURE(Watches, "v2 watches: a parent sees its direct children, a sentinel, then each change") {
  Create("a0", "");
  Create("c1", "a0");
  Create("c2", "a0");
  Create("g1", "c1");  // a grandchild: c1's, not a0's
  auto stream = Watch("a0");
  CHECK(Read(*stream) == std::vector<std::string>{"c1:QUEUED", "c2:QUEUED", "sentinel"});

  Enter("c2", kRunning);
  Enter("g1", kRunning);
  CHECK(wakes == 1);
  CHECK(Read(*stream) == std::vector<std::string>{"c2:RUNNING"});
  Enter("c2", kSucceeded);
  CHECK(Read(*stream) == std::vector<std::string>{"c2:SUCCEEDED"});
}

TEST_CASE_FIXTURE(Watches, "v2 watches: a change between subscribing and the first read does not silence the stream") {
  Create("a0", "");
  Create("c1", "a0");
  auto stream = Watch("a0");
  Enter("c1", kRunning);  // before the snapshot: the snapshot shows it
  CHECK(wakes == 1);
  CHECK(Read(*stream) == std::vector<std::string>{"c1:RUNNING", "sentinel"});
  // The next change wakes the stream again: the notice left from before the snapshot was taken
  // with it (a subscriber with a notice pending is not woken again).
  Enter("c1", kSucceeded);
  CHECK(wakes == 2);
  CHECK(Read(*stream) == std::vector<std::string>{"c1:SUCCEEDED"});
}

TEST_CASE_FIXTURE(Watches, "v2 watches: a watch of an unknown parent fails at its first read") {
  auto stream = Watch("a0");
  std::vector<flyteidl2::actions::WatchForUpdatesResponse> replies;
  bool ended = false;
  CHECK(absl::IsNotFound(stream->Next(&replies, &ended)));
}

}  // namespace
}  // namespace flyte::admin
