// One plugin instance for several clients: the Flyte 1 engine and Flyte 2's executor run their
// attempts through the same plugins, so there is one set of warm Python workers and, after a
// restart, one orphan sweep (Plugin::Recovered) that knows every attempt either client took up.
// Two instances each swept what only the other had claimed, and its tasks ran twice.
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <map>
#include <memory>
#include <vector>

#include "plugins/plugin.h"
#include "plugins/registry.h"

namespace flyte::plugins {

// Threads: each view is called by its client's thread; the plugin calls back from its own threads.
// A change is passed to the view that started or recovered the attempt, under mu_ (so never to a
// view already gone): the clients' callbacks only queue work and must not call the plugin.
class SharedPlugin {
 public:
  // Makes the plugin; `clients` views will be made, and the plugin hears Recovered() once each has
  // said it recovered.
  SharedPlugin(const PluginFactory& make, int clients);
  // Ends the plugin (a local process plugin ends its tasks): every view must be gone.
  ~SharedPlugin();
  SharedPlugin(const SharedPlugin&) = delete;
  SharedPlugin& operator=(const SharedPlugin&) = delete;

  // A view for one client, with its own change callback: a PluginFactory.
  std::unique_ptr<Plugin> View(ChangeCallback on_change);
  PluginFactory Factory() {
    return [this](ChangeCallback on_change) { return View(std::move(on_change)); };
  }

 private:
  class ClientView;
  void Changed(const AttemptId& id);
  void Claim(const AttemptId& id, int client);
  void Release(const AttemptId& id);
  void Leave(int client);
  void ClientRecovered();

  const int clients_;
  absl::Mutex mu_;
  std::vector<ChangeCallback> callbacks_ ABSL_GUARDED_BY(mu_);  // by client; empty once its view is gone
  std::map<AttemptId, int> owners_ ABSL_GUARDED_BY(mu_);        // attempt → client
  int recovered_ ABSL_GUARDED_BY(mu_) = 0;
  std::unique_ptr<Plugin> plugin_;  // last: it ends (and stops calling back) before the rest goes
};

}  // namespace flyte::plugins
