#include "plugins/kubernetes/kubernetes_plugin.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <utility>

#include "common/log.h"
#include "plugins/attempt_command.h"
#include "plugins/kubernetes/pod_template.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kLogName[] = "Kubernetes pod log";
// How long an ended pod's log may take to finish streaming before the outcome is reported anyway.
constexpr auto kLogGrace = std::chrono::seconds(10);

AttemptStatus Status_(AttemptPhase phase, std::string message) {
  AttemptStatus status;
  status.phase = phase;
  status.message = std::move(message);
  return status;
}

fs::path SandboxIdFile(const std::string& state_dir) {
  return fs::path(state_dir) / "plugins" / "kubernetes" / "sandbox-id";
}

// The sandbox's id for its pods: made once per state folder, so two sandboxes sharing a namespace
// never take each other's pods for orphans.
StatusOr<std::string> SandboxId(const std::string& state_dir) {
  const fs::path file = SandboxIdFile(state_dir);
  std::ifstream in(file);
  std::string id;
  if (in >> id && !id.empty()) return id;
  std::error_code error;
  fs::create_directories(file.parent_path(), error);
  std::random_device device;
  char text[17];
  std::snprintf(text, sizeof text, "%08x%08x", static_cast<unsigned>(device()), static_cast<unsigned>(device()));
  id = std::string("sandbox-") + text;
  const fs::path temporary = file.string() + ".tmp";
  std::ofstream(temporary) << id << "\n";
  fs::rename(temporary, file, error);
  if (error) return absl::InternalError("cannot keep the sandbox's id in " + file.string() + ": " + error.message());
  return id;
}

int64_t LoggedBytes(const std::string& log_file) {
  struct stat info {};
  return ::stat(log_file.c_str(), &info) == 0 ? static_cast<int64_t>(info.st_size) : 0;
}

const ContainerStatus* Primary(const PodState& pod, const std::string& container) {
  for (const ContainerStatus& status : pod.containers) {
    if (status.name == container) return &status;
  }
  return nullptr;
}

}  // namespace

KubernetesConnection ConnectKubernetes(KubernetesConfig& config, const std::map<std::string, std::string>& environment,
                                       std::chrono::milliseconds timeout) {
  KubernetesConnection connection;
  auto kubeconfig = LoadKubeConfig(config.kubeconfig, config.context, environment);
  if (!kubeconfig.ok()) {
    connection.description = std::string(kubeconfig.status().message());
    return connection;
  }
  if (config.pod.namespace_.empty()) config.pod.namespace_ = kubeconfig->namespace_;
  auto http = KubeHttp::Make(*kubeconfig);
  if (!http.ok()) {
    connection.description = kubeconfig->source + ": " + std::string(http.status().message());
    return connection;
  }
  auto sandbox_id = SandboxId(config.state_dir);
  if (!sandbox_id.ok()) {
    connection.description = std::string(sandbox_id.status().message());
    return connection;
  }
  config.pod.sandbox_id = *sandbox_id;
  auto api = std::make_shared<PodApi>(std::shared_ptr<KubeHttp>(std::move(*http)), config.pod.namespace_);
  auto version = api->Version(timeout);
  if (!version.ok()) {
    connection.description = std::string(version.status().message());
    return connection;
  }
  connection.api = std::move(api);
  connection.description = kubeconfig->cluster.server + " (" + *version + "), namespace " + config.pod.namespace_ +
                           (kubeconfig->context.empty() ? std::string() : ", context " + kubeconfig->context);
  return connection;
}

StatusOr<int> DeleteSandboxPods(KubernetesConfig config, const std::map<std::string, std::string>& environment) {
  std::error_code error;
  if (!fs::exists(SandboxIdFile(config.state_dir), error)) return 0;  // it never made a pod
  const KubernetesConnection cluster = ConnectKubernetes(config, environment, std::chrono::seconds(5));
  if (!cluster.api) return absl::UnavailableError(cluster.description);
  ASSIGN_OR_RETURN(const PodList ours, cluster.api->List(std::string(kSandboxLabel) + "=" + config.pod.sandbox_id));
  for (const PodState& pod : ours.pods) RETURN_IF_ERROR(cluster.api->Delete(pod.name));
  return static_cast<int>(ours.pods.size());
}

std::unique_ptr<Plugin> MakeKubernetesPlugin(KubernetesConfig config, std::shared_ptr<PodApi> api,
                                             std::string unavailable, ChangeCallback on_change) {
  return std::make_unique<KubernetesPlugin>(std::move(config), std::move(api), std::move(unavailable),
                                            std::move(on_change));
}

KubernetesPlugin::KubernetesPlugin(KubernetesConfig config, std::shared_ptr<PodApi> api, std::string unavailable,
                                   ChangeCallback on_change)
    : config_(std::move(config)),
      api_(std::move(api)),
      unavailable_(std::move(unavailable)),
      on_change_(std::move(on_change)),
      selector_(std::string(kSandboxLabel) + "=" + config_.pod.sandbox_id) {
  watcher_ = std::thread([this] { WatchLoop(); });
  writer_ = std::thread([this] { WriteLoop(); });
}

KubernetesPlugin::~KubernetesPlugin() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    for (auto& [id, record] : attempts_) record.log_cancel->Cancel();
  }
  watch_cancel_.Cancel();
  watcher_.join();
  writer_.join();
  workers_.JoinAll();
}

void KubernetesPlugin::TellChanges() {
  std::vector<AttemptId> changed;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;  // the owner is going away: nobody to tell
    changed.swap(changed_);
  }
  if (!on_change_) return;
  for (const AttemptId& id : changed) on_change_(id);
}

void KubernetesPlugin::Report(const AttemptId& id, AttemptStatus status) {
  const auto found = attempts_.find(id);
  if (found == attempts_.end()) return;
  status.logs = found->second.status.logs;
  found->second.status = std::move(status);
  changed_.push_back(id);
}

void KubernetesPlugin::Enqueue(Write write) { writes_.push_back(std::move(write)); }

Status KubernetesPlugin::Start(const TaskAttempt& attempt) {
  if (attempt.id.empty() || attempt.log_dir.empty()) {
    return absl::InvalidArgumentError("a task attempt needs an id and a log folder");
  }
  StatusOr<google::protobuf::Struct> pod =
      api_ ? PodFor(attempt, config_.pod) : StatusOr<google::protobuf::Struct>(absl::UnavailableError(unavailable_));
  absl::MutexLock lock(&mu_);
  if (attempts_.contains(attempt.id)) return Status();  // started already
  AttemptRecord record;
  record.pod = PodName(attempt);
  record.token = attempt.token;
  record.log_file = (fs::path(attempt.log_dir) / kAttemptLogFile).string();
  record.status.logs.push_back(LogLink(record.log_file, kLogName));
  if (!pod.ok()) {
    const std::string why =
        api_ ? std::string(pod.status().message()) : "no Kubernetes cluster to run it on: " + unavailable_;
    std::error_code error;
    fs::create_directories(attempt.log_dir, error);
    std::ofstream(record.log_file, std::ios::app) << "flyte: cannot start the task: " << why << "\n";
    record.ended = true;
    record.status.phase = AttemptPhase::kFailedToStart;
    record.status.message = why;
    attempts_.emplace(attempt.id, std::move(record));
    changed_.push_back(attempt.id);  // told by the writer thread, never from inside Start
    return Status();
  }
  const auto& annotations = pod->fields().at("metadata").struct_value().fields().at("annotations").struct_value();
  record.container = annotations.fields().at("primary_container_name").string_value();
  record.status.message = "pod " + config_.pod.namespace_ + "/" + record.pod + " is being created";
  by_pod_[record.pod] = attempt.id;
  attempts_.emplace(attempt.id, std::move(record));
  const std::string& named = attempt.task.metadata().pod_template_name();
  Enqueue({Write::Kind::kCreate, PodName(attempt), std::move(*pod), attempt.id,
           named.empty() ? config_.default_pod_template : named, !named.empty()});
  return Status();
}

StatusOr<AttemptStatus> KubernetesPlugin::Check(const AttemptId& id) {
  absl::MutexLock lock(&mu_);
  const auto found = attempts_.find(id);
  if (found == attempts_.end()) return absl::NotFoundError("no such attempt: " + id);
  return found->second.status;
}

Status KubernetesPlugin::Abort(const AttemptId& id) {
  absl::MutexLock lock(&mu_);
  const auto found = attempts_.find(id);
  if (found == attempts_.end()) return Status();
  AttemptRecord& record = found->second;
  if (record.status.phase == AttemptPhase::kAborted) return Status();
  record.ended = true;
  record.final.reset();
  record.log_cancel->Cancel();
  record.status.phase = AttemptPhase::kAborted;
  record.status.message = "aborted: pod " + record.pod + " deleted";
  changed_.push_back(id);  // told by the writer thread, never from inside Abort
  if (api_) Enqueue(Write::Delete(record.pod));
  return Status();
}

Status KubernetesPlugin::Finalize(const AttemptId& id) {
  absl::MutexLock lock(&mu_);
  const auto found = attempts_.find(id);
  if (found == attempts_.end()) return Status();
  AttemptRecord& record = found->second;
  record.log_cancel->Cancel();
  const bool failed =
      record.status.phase == AttemptPhase::kExited && (record.status.failure || record.status.exit_code != 0);
  if (api_ && !(config_.keep_failed_pods && failed) && record.status.phase != AttemptPhase::kFailedToStart) {
    Enqueue(Write::Delete(record.pod));
  }
  by_pod_.erase(record.pod);
  attempts_.erase(found);
  return Status();
}

StatusOr<Recovery> KubernetesPlugin::Recover(const TaskAttempt& attempt) {
  Recovery recovery;
  if (!api_) return absl::UnavailableError("no Kubernetes cluster to look for the attempt's pod in: " + unavailable_);
  const std::string name = PodName(attempt);
  StatusOr<PodState> pod = api_->Get(name);
  if (absl::IsNotFound(pod.status())) return recovery;  // never created: nothing of it ran
  RETURN_IF_ERROR(pod.status());
  const auto token = pod->labels.find(kTokenLabel);
  if (token == pod->labels.end() || token->second != attempt.token) {
    RETURN_IF_ERROR(api_->Delete(name));  // another launch's: this one never started
    return recovery;
  }
  const std::string log_file = (fs::path(attempt.log_dir) / kAttemptLogFile).string();
  const auto container = pod->annotations.find("primary_container_name");
  const std::string primary = container == pod->annotations.end() ? std::string() : container->second;
  const PodJudgement judgement = JudgePod(*pod, std::chrono::system_clock::now(), config_.phases);
  const auto link = LogLink(log_file, kLogName);
  if (judgement.phase == PodJudgement::Phase::kSucceeded || judgement.phase == PodJudgement::Phase::kFailed) {
    // It ended while the sandbox was down: the rest of its log, then its outcome.
    (void)CopyLog(name, primary, log_file, LoggedBytes(log_file), false, nullptr);
    recovery.state = Recovery::State::kEnded;
    recovery.status = Outcome(judgement, *pod, primary);
    recovery.status.logs.push_back(link);
    recovery.status.message = "pod " + name + " ended while the sandbox was down" +
                              (recovery.status.message.empty() ? "" : ": " + recovery.status.message);
    return recovery;
  }
  absl::MutexLock lock(&mu_);
  AttemptRecord record;
  record.pod = name;
  record.container = primary;
  record.token = attempt.token;
  record.log_file = log_file;
  record.skip = LoggedBytes(log_file);  // its log goes on past what the attempt's log holds
  record.status.logs.push_back(link);
  recovery.state = Recovery::State::kRunning;
  record.status.phase =
      judgement.phase == PodJudgement::Phase::kRunning ? AttemptPhase::kRunning : AttemptPhase::kQueued;
  record.status.message = "re-attached to pod " + config_.pod.namespace_ + "/" + name;
  recovery.status = record.status;
  by_pod_[name] = attempt.id;
  auto& kept = attempts_.emplace(attempt.id, std::move(record)).first->second;
  if (const auto cached = pods_.find(name); cached != pods_.end()) Judge(attempt.id, kept, cached->second);
  return recovery;
}

void KubernetesPlugin::Recovered() {
  if (!api_) return;
  absl::MutexLock lock(&mu_);
  workers_.Spawn([this] {
    auto ours = api_->List(selector_);
    if (!ours.ok()) return;
    absl::MutexLock held(&mu_);
    std::set<std::string> tokens;
    for (const auto& [id, record] : attempts_) tokens.insert(record.token);
    for (const PodState& pod : ours->pods) {
      const auto token = pod.labels.find(kTokenLabel);
      if (token == pod.labels.end() || !tokens.contains(token->second)) Enqueue(Write::Delete(pod.name));
    }
  });
}

AttemptStatus KubernetesPlugin::Outcome(const PodJudgement& judgement, const PodState& pod,
                                        const std::string& container) const {
  AttemptStatus status;
  status.phase = AttemptPhase::kExited;
  const ContainerStatus* primary = Primary(pod, container);
  if (primary != nullptr && primary->terminated) status.exit_code = primary->terminated->exit_code;
  if (judgement.phase == PodJudgement::Phase::kFailed) {
    status.failure = AttemptStatus::Failure{judgement.user, judgement.recoverable, judgement.code, judgement.message};
    status.message = judgement.code + ": " + judgement.message;
    if (status.exit_code == 0) status.exit_code = 1;
  }
  return status;
}

void KubernetesPlugin::OnPod(const std::string& name, const PodState* pod) {
  const auto found = by_pod_.find(name);
  if (found == by_pod_.end()) return;  // not an attempt of ours (an orphan: Recovered deletes it)
  const AttemptId id = found->second;
  AttemptRecord& record = attempts_.at(id);
  if (record.ended) return;
  if (pod == nullptr) {
    AttemptStatus gone;
    gone.phase = AttemptPhase::kExited;
    const PodJudgement judgement = PodGone(config_.pod.namespace_, name);
    gone.failure = AttemptStatus::Failure{judgement.user, judgement.recoverable, judgement.code, judgement.message};
    gone.message = judgement.code + ": " + judgement.message;
    gone.exit_code = 1;
    End(id, record, std::move(gone));
    return;
  }
  Judge(id, record, *pod);
}

void KubernetesPlugin::Judge(const AttemptId& id, AttemptRecord& record, const PodState& pod) {
  const auto token = pod.labels.find(kTokenLabel);
  if (record.ended || token == pod.labels.end() || token->second != record.token) return;
  const PodJudgement judgement = JudgePod(pod, std::chrono::system_clock::now(), config_.phases);
  switch (judgement.phase) {
    case PodJudgement::Phase::kQueued:
    case PodJudgement::Phase::kInitializing: {
      const std::string message = "pod " + pod.namespace_ + "/" + pod.name + ": " + judgement.reason;
      if (record.status.phase != AttemptPhase::kQueued || record.status.message != message) {
        Report(id, Status_(AttemptPhase::kQueued, message));
      }
      return;
    }
    case PodJudgement::Phase::kRunning:
      if (record.status.phase != AttemptPhase::kRunning) {
        Report(id, Status_(AttemptPhase::kRunning, "running as pod " + pod.namespace_ + "/" + pod.name +
                                                       (pod.node_name.empty() ? "" : " on node " + pod.node_name)));
      }
      if (!record.following && following_ < config_.max_log_streams && Clock::now() >= record.follow_after) {
        FollowLog(id, record, true);
      }
      return;
    case PodJudgement::Phase::kSucceeded:
    case PodJudgement::Phase::kFailed:
      if (judgement.cleanup) Enqueue(Write::Delete(record.pod));
      End(id, record, Outcome(judgement, pod, record.container));
      return;
  }
}

void KubernetesPlugin::End(const AttemptId& id, AttemptRecord& record, AttemptStatus outcome) {
  record.ended = true;
  record.ended_at = Clock::now();
  record.final = std::move(outcome);
  if (!record.following) FollowLog(id, record, false);  // read the log, then report
}

void KubernetesPlugin::FollowLog(const AttemptId& id, AttemptRecord& record, bool follow) {
  record.following = true;
  ++following_;
  workers_.Spawn([this, id, pod = record.pod, container = record.container, log_file = record.log_file,
                  skip = record.skip, follow,
                  cancel = record.log_cancel] { ReadLog(id, pod, container, log_file, skip, follow, cancel); });
}

int64_t KubernetesPlugin::CopyLog(const std::string& pod, const std::string& container, const std::string& log_file,
                                  int64_t skip, bool follow, Cancellation* cancel) const {
  std::error_code error;
  fs::create_directories(fs::path(log_file).parent_path(), error);
  const int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  int64_t seen = 0;  // bytes of the pod's log read, from its start
  const auto sink = [&](std::string_view piece) {
    const int64_t start = seen;
    seen += static_cast<int64_t>(piece.size());
    if (seen <= skip || fd < 0) return;
    const size_t from = start >= skip ? 0 : static_cast<size_t>(skip - start);
    AppendToLog(fd, piece.substr(from));
  };
  for (int tries = 0; tries < 600 && (cancel == nullptr || !cancel->cancelled()); ++tries) {
    const Status read = api_->Log(pod, container, follow, sink, cancel);
    // 400 while the container is still being made: ask again (a follow that broke goes on past
    // what it read, as a restart's does).
    if (read.ok() || !(absl::IsInvalidArgument(read) || absl::IsUnavailable(read)) || !follow) break;
    const bool progressed = seen > skip;
    skip = std::max(skip, seen);
    seen = 0;
    if (!progressed) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  if (fd >= 0) ::close(fd);
  return std::max(skip, seen);
}

void KubernetesPlugin::ReadLog(const AttemptId& id, std::string pod, std::string container, std::string log_file,
                               int64_t skip, bool follow, std::shared_ptr<Cancellation> cancel) {
  const int64_t reached = CopyLog(pod, container, log_file, skip, follow, cancel.get());
  {
    absl::MutexLock lock(&mu_);
    --following_;
    const auto found = attempts_.find(id);
    if (found != attempts_.end()) {
      AttemptRecord& record = found->second;
      record.following = false;
      record.empty_follows = reached > record.skip ? 0 : std::min(record.empty_follows + 1, 6);
      record.skip = std::max(record.skip, reached);
      record.follow_after = Clock::now() + std::chrono::seconds(5) * (1 << record.empty_follows);
      if (record.final) {
        Report(id, std::move(*record.final));
        record.final.reset();
      }
    }
  }
  TellChanges();
}

void KubernetesPlugin::WatchLoop() {
  std::string version;
  bool listed = false;
  auto backoff = std::chrono::milliseconds(800);
  std::mt19937 random(std::random_device{}());
  const auto pause = [&] {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::FromChrono(backoff));
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, std::chrono::seconds(30));
  };
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_ || !api_) return;
    }
    if (!listed) {
      auto list = api_->List(selector_);
      if (!list.ok()) {
        log::Warn("kubernetes", "listing pods failed", {{"error", std::string(list.status().message())}});
        pause();
        continue;
      }
      {
        absl::MutexLock lock(&mu_);
        std::set<std::string> present;
        for (PodState& pod : list->pods) {
          present.insert(pod.name);
          const std::string name = pod.name;
          pods_[name] = std::move(pod);
          OnPod(name, &pods_[name]);
        }
        for (auto cached = pods_.begin(); cached != pods_.end();) {
          if (present.contains(cached->first)) {
            ++cached;
            continue;
          }
          const std::string name = cached->first;
          cached = pods_.erase(cached);
          OnPod(name, nullptr);
        }
      }
      TellChanges();
      version = list->resource_version;
      listed = true;
      backoff = std::chrono::milliseconds(800);
    }
    const auto timeout = std::chrono::seconds(300 + random() % 300);
    const Status watched = api_->Watch(
        selector_, version, timeout,
        [&](const PodEvent& event) {
          if (!event.pod.resource_version.empty()) version = event.pod.resource_version;
          if (event.type == "BOOKMARK") return;
          {
            absl::MutexLock lock(&mu_);
            const std::string name = event.pod.name;
            if (event.type == "DELETED") {
              pods_.erase(name);
              OnPod(name, nullptr);
            } else {
              pods_[name] = event.pod;
              OnPod(name, &pods_[name]);
            }
          }
          TellChanges();
          backoff = std::chrono::milliseconds(800);
        },
        &watch_cancel_);
    if (absl::IsOutOfRange(watched)) {
      listed = false;  // too old: list again
    } else if (!watched.ok() && !absl::IsCancelled(watched)) {
      log::Warn("kubernetes", "watching pods failed", {{"error", std::string(watched.message())}});
      pause();
    }
  }
}

Status KubernetesPlugin::UnderPodTemplate(Write& write) {
  // Read again once this old: a template changed in the cluster applies to the pods made after.
  constexpr auto kFresh = std::chrono::seconds(2);
  auto cached = templates_.find(write.pod_template);
  if (cached == templates_.end() || Clock::now() - cached->second.read_at > kFresh) {
    StatusOr<google::protobuf::Struct> read = api_->GetPodTemplate(write.pod_template);
    if (!read.ok() && !absl::IsNotFound(read.status())) return read.status();
    cached = templates_.insert_or_assign(write.pod_template, TemplateRead{Clock::now(), std::move(read)}).first;
  }
  const StatusOr<google::protobuf::Struct>& found = cached->second.value;
  if (found.ok()) RETURN_IF_ERROR(MergePodTemplate(*found, write.body));
  if (!found.ok() && write.template_named) {
    return absl::FailedPreconditionError("PodTemplate '" + write.pod_template + "' does not exist in namespace " +
                                         config_.pod.namespace_);
  }
  write.pod_template.clear();
  return Status();
}

void KubernetesPlugin::WriteLoop() {
  // A token bucket: writes_per_second, in bursts of up to twice as many.
  const double rate = std::max(config_.writes_per_second, 0.1);
  const double burst = std::max(rate * 2, 1.0);
  double tokens = burst;
  auto refilled = Clock::now();
  for (;;) {
    TellChanges();
    Write write;
    {
      absl::MutexLock lock(&mu_);
      const auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !writes_.empty() || !changed_.empty();
      };
      mu_.AwaitWithTimeout(absl::Condition(&ready), absl::Seconds(2));
      if (stopping_) return;
      // Grace periods run out without an event, and an ended pod's log may never end: look again.
      const auto now = Clock::now();
      for (auto& [id, record] : attempts_) {
        if (record.final && record.following && now - record.ended_at > kLogGrace) record.log_cancel->Cancel();
        if (record.ended || !api_) continue;
        if (const auto cached = pods_.find(record.pod); cached != pods_.end()) Judge(id, record, cached->second);
      }
      if (writes_.empty()) continue;
      const auto elapsed = std::chrono::duration<double>(now - refilled).count();
      tokens = std::min(burst, tokens + elapsed * rate);
      refilled = now;
      if (tokens < 1) {
        mu_.AwaitWithTimeout(absl::Condition(&stopping_),
                             absl::Milliseconds(static_cast<int64_t>((1 - tokens) / rate * 1000)));
        continue;
      }
      tokens -= 1;
      write = std::move(writes_.front());
      writes_.pop_front();
      if (write.kind == Write::Kind::kCreate) {
        const auto found = attempts_.find(write.attempt);
        if (found == attempts_.end() || found->second.ended) continue;  // aborted or finalized before its pod was made
      }
    }
    if (write.kind == Write::Kind::kDelete) {
      const Status deleted = api_->Delete(write.pod);
      if (!deleted.ok()) {
        log::Warn("kubernetes", "deleting a pod failed",
                  {{"pod", write.pod}, {"error", std::string(deleted.message())}});
      }
      continue;
    }
    Status created = write.pod_template.empty() ? Status() : UnderPodTemplate(write);
    if (created.ok()) created = api_->Create(write.body);
    absl::MutexLock lock(&mu_);
    const auto found = attempts_.find(write.attempt);
    if (created.ok() || absl::IsAlreadyExists(created) || found == attempts_.end() || found->second.ended) continue;
    const std::string message =
        "creating pod " + config_.pod.namespace_ + "/" + write.pod + ": " + std::string(created.message());
    if (absl::IsUnavailable(created)) {  // the server is away: again, later
      log::Warn("kubernetes", "creating a pod failed; trying again", {{"error", std::string(created.message())}});
      writes_.push_back(std::move(write));
      continue;
    }
    std::ofstream(found->second.log_file, std::ios::app) << "flyte: cannot start the task: " << message << "\n";
    found->second.ended = true;
    AttemptStatus failed;
    if (absl::IsPermissionDenied(created)) {  // as propeller: retried (RBAC may be fixed meanwhile)
      failed.phase = AttemptPhase::kExited;
      failed.exit_code = 1;
      failed.failure = AttemptStatus::Failure{true, true, "RuntimeFailure", message};
      failed.message = message;
    } else {
      failed = Status_(AttemptPhase::kFailedToStart, message);
    }
    Report(write.attempt, std::move(failed));
  }
}

}  // namespace flyte::plugins
