#include "plugins/shared_plugin.h"

#include <utility>

namespace flyte::plugins {

class SharedPlugin::ClientView final : public Plugin {
 public:
  ClientView(SharedPlugin& shared, int client) : shared_(shared), client_(client) {}
  ~ClientView() override { shared_.Leave(client_); }

  // Claimed before the plugin hears of it: a change it reports at once finds its client.
  Status Start(const TaskAttempt& attempt) override {
    shared_.Claim(attempt.id, client_);
    return shared_.plugin_->Start(attempt);
  }
  StatusOr<AttemptStatus> Check(const AttemptId& id) override { return shared_.plugin_->Check(id); }
  Status Abort(const AttemptId& id) override { return shared_.plugin_->Abort(id); }
  Status Finalize(const AttemptId& id) override {
    Status status = shared_.plugin_->Finalize(id);
    shared_.Release(id);
    return status;
  }
  StatusOr<Recovery> Recover(const TaskAttempt& attempt) override {
    shared_.Claim(attempt.id, client_);
    return shared_.plugin_->Recover(attempt);
  }
  void Recovered() override { shared_.ClientRecovered(); }

 private:
  SharedPlugin& shared_;
  const int client_;
};

SharedPlugin::SharedPlugin(const PluginFactory& make, int clients) : clients_(clients) {
  plugin_ = make([this](const AttemptId& id) { Changed(id); });
}

SharedPlugin::~SharedPlugin() { plugin_.reset(); }

std::unique_ptr<Plugin> SharedPlugin::View(ChangeCallback on_change) {
  absl::MutexLock lock(&mu_);
  callbacks_.push_back(std::move(on_change));
  return std::make_unique<ClientView>(*this, static_cast<int>(callbacks_.size()) - 1);
}

void SharedPlugin::Changed(const AttemptId& id) {
  absl::MutexLock lock(&mu_);
  const auto owner = owners_.find(id);
  if (owner == owners_.end()) return;  // finalized already: nobody asks after it
  if (const ChangeCallback& callback = callbacks_[owner->second]) callback(id);
}

void SharedPlugin::Claim(const AttemptId& id, int client) {
  absl::MutexLock lock(&mu_);
  owners_.insert_or_assign(id, client);
}

void SharedPlugin::Release(const AttemptId& id) {
  absl::MutexLock lock(&mu_);
  owners_.erase(id);
}

void SharedPlugin::Leave(int client) {
  absl::MutexLock lock(&mu_);
  callbacks_[client] = nullptr;
}

void SharedPlugin::ClientRecovered() {
  {
    absl::MutexLock lock(&mu_);
    if (++recovered_ != clients_) return;
  }
  plugin_->Recovered();
}

}  // namespace flyte::plugins
