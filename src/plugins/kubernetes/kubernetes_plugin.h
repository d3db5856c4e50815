// Front header of the pod plugin: each task attempt as a Kubernetes Pod (README.md says how), through
// our own client of the API server (kube_http.h, pod_api.h). One watch on the namespace's pods of
// this sandbox (list, then watch from its resourceVersion, relisting when it is too old) keeps a
// cache each attempt's phase is judged from (pod_status.h); creates and deletes go through one
// writer thread at a bounded rate; logs are followed into each attempt's log.
#pragma once

#include <chrono>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include "plugins/http_client.h"
#include "plugins/kubernetes/kubernetes_config.h"
#include "plugins/kubernetes/pod_api.h"
#include "plugins/plugin.h"
#include "plugins/worker_threads.h"

namespace flyte::plugins {

// What the sandbox found of its cluster at start-up, for the banner and the log: "https://...
// (v1.34.2), namespace flyte", or why it cannot use one.
struct KubernetesConnection {
  std::shared_ptr<PodApi> api;  // null: no cluster to use
  std::string description;
};
// Reads the kubeconfig, asks the server its version (within `timeout`), and makes the sandbox's
// id for its pods (kept in the state folder). Never fails the start: a plugin without a cluster
// fails each attempt it is given, saying why.
KubernetesConnection ConnectKubernetes(KubernetesConfig& config, const std::map<std::string, std::string>& environment,
                                       std::chrono::milliseconds timeout);

// Deletes every pod of the sandbox whose state folder is `config.state_dir` (by its id label), for
// `flyte sandbox teardown`: a running sandbox leaves its pods to the next start, and nothing would
// claim them once the state folder is gone. How many; 0 when the sandbox never made a pod.
StatusOr<int> DeleteSandboxPods(KubernetesConfig config, const std::map<std::string, std::string>& environment);

std::unique_ptr<Plugin> MakeKubernetesPlugin(KubernetesConfig config, std::shared_ptr<PodApi> api,
                                             std::string unavailable, ChangeCallback on_change);

// Threads: the engine's loop thread calls the Plugin methods (Recover makes one blocking GET); the
// watcher thread keeps the cache and judges; the writer thread creates and deletes pods and looks
// at the grace periods every few seconds; a thread per followed log. mu_ guards what they share.
class KubernetesPlugin final : public Plugin {
 public:
  KubernetesPlugin(KubernetesConfig config, std::shared_ptr<PodApi> api, std::string unavailable,
                   ChangeCallback on_change);
  // Stops the threads; pods keep running (a restart re-attaches them).
  ~KubernetesPlugin() override;
  KubernetesPlugin(const KubernetesPlugin&) = delete;
  KubernetesPlugin& operator=(const KubernetesPlugin&) = delete;

  Status Start(const TaskAttempt& attempt) override;
  StatusOr<AttemptStatus> Check(const AttemptId& id) override;
  // The attempt is aborted at once; its pod is deleted.
  Status Abort(const AttemptId& id) override;
  // Forgets the attempt and deletes its pod (a failed one stays with keep_failed_pods).
  Status Finalize(const AttemptId& id) override;
  // The pod by its name: none (or another launch's) is never started; running is watched again;
  // ended gives its outcome and the rest of its log.
  StatusOr<Recovery> Recover(const TaskAttempt& attempt) override;
  // Deletes this sandbox's pods that no attempt holds.
  void Recovered() override;

 private:
  struct AttemptRecord {
    std::string pod, container, log_file, token;
    AttemptStatus status;
    bool ended = false;                  // status is final (or waits for the log in `final`)
    std::optional<AttemptStatus> final;  // the outcome, reported once the log is read
    std::chrono::steady_clock::time_point ended_at;
    bool following = false;  // a thread reads its log
    // A follow that ended while the pod still runs is started again no sooner than this (the
    // container has just ended and its status is on the way, or the log endpoint is failing).
    std::chrono::steady_clock::time_point follow_after;
    int empty_follows = 0;  // follows in a row that read nothing: each doubles the wait (5 s to 5 min)
    int64_t skip = 0;       // bytes of the pod's log the attempt's log holds already (after a restart)
    std::shared_ptr<Cancellation> log_cancel = std::make_shared<Cancellation>();
  };
  struct Write {
    enum class Kind { kCreate, kDelete } kind;
    std::string pod;
    google::protobuf::Struct body;  // kCreate
    AttemptId attempt;              // kCreate
    // kCreate: the PodTemplate to put beneath the body before it is sent (cleared once done), and
    // whether the task named it (then its absence fails the attempt; the default's is no matter).
    std::string pod_template;
    bool template_named = false;

    static Write Delete(std::string pod) { return {Kind::kDelete, std::move(pod), {}, {}, {}, false}; }
  };
  // A PodTemplate as read from the namespace (NOT_FOUND kept too), and when.
  struct TemplateRead {
    std::chrono::steady_clock::time_point read_at;
    StatusOr<google::protobuf::Struct> value;
  };

  void WatchLoop();
  void WriteLoop();
  // The write's PodTemplate beneath its pod (writer thread).
  Status UnderPodTemplate(Write& write);
  // A pod's state from the watch (null: deleted).
  void OnPod(const std::string& name, const PodState* pod) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Judge(const AttemptId& id, AttemptRecord& record, const PodState& pod) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The attempt's outcome, reported once its log has been read.
  void End(const AttemptId& id, AttemptRecord& record, AttemptStatus outcome) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FollowLog(const AttemptId& id, AttemptRecord& record, bool follow) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Appends the pod's log past its first `skip` bytes to `log_file` (following it to the
  // container's end with `follow`); how far into the pod's log it got.
  int64_t CopyLog(const std::string& pod, const std::string& container, const std::string& log_file, int64_t skip,
                  bool follow, Cancellation* cancel) const;
  // A log thread: CopyLog, then the attempt's outcome when it waited for the log.
  void ReadLog(const AttemptId& id, std::string pod, std::string container, std::string log_file, int64_t skip,
               bool follow, std::shared_ptr<Cancellation> cancel);
  // Sets the attempt's status; the engine hears of it once mu_ is released (TellChanges).
  void Report(const AttemptId& id, AttemptStatus status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void TellChanges() ABSL_LOCKS_EXCLUDED(mu_);
  void Enqueue(Write write) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  AttemptStatus Outcome(const PodJudgement& judgement, const PodState& pod, const std::string& container) const;

  const KubernetesConfig config_;
  const std::shared_ptr<PodApi> api_;
  const std::string unavailable_;  // why there is no cluster to use; empty when there is
  const ChangeCallback on_change_;
  const std::string selector_;  // this sandbox's pods
  Cancellation watch_cancel_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::unordered_map<AttemptId, AttemptRecord> attempts_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, AttemptId> by_pod_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, PodState> pods_ ABSL_GUARDED_BY(mu_);  // the watch's cache, by name
  std::deque<Write> writes_ ABSL_GUARDED_BY(mu_);
  std::vector<AttemptId> changed_ ABSL_GUARDED_BY(mu_);  // to tell the engine, outside mu_
  int following_ ABSL_GUARDED_BY(mu_) = 0;
  WorkerThreads workers_;  // log readers, the orphan sweep
  // PodTemplates read lately, by name: the writer thread's alone. A map's pods share one read.
  std::map<std::string, TemplateRead> templates_;
  std::thread watcher_, writer_;
};

}  // namespace flyte::plugins
