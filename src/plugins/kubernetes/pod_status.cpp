#include "plugins/kubernetes/pod_status.h"

#include <absl/time/time.h>

#include <string_view>

#include "plugins/kubernetes/json_object.h"

namespace flyte::plugins {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

using json::ObjectAt;
using json::TextAt;

bool Has(const Struct& object, const std::string& key) {
  const auto found = object.fields().find(key);
  return found != object.fields().end() && !found->second.has_null_value();
}

std::vector<const Struct*> ListAt(const Struct& object, const std::string& key) {
  std::vector<const Struct*> items;
  const auto found = object.fields().find(key);
  if (found == object.fields().end() || !found->second.has_list_value()) return items;
  for (const Value& item : found->second.list_value().values()) {
    if (item.has_struct_value()) items.push_back(&item.struct_value());
  }
  return items;
}

std::map<std::string, std::string> TextMap(const Struct& object) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : object.fields()) out[key] = value.string_value();
  return out;
}

std::optional<SystemTime> TimeAt(const Struct& object, const std::string& key) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, TextAt(object, key), &time, &error)) return std::nullopt;
  return absl::ToChronoTime(time);
}

std::optional<TerminatedState> TerminatedOf(const Struct& state) {
  if (!Has(state, "terminated")) return std::nullopt;
  const Struct& terminated = ObjectAt(state, "terminated");
  TerminatedState out;
  const auto code = terminated.fields().find("exitCode");
  if (code != terminated.fields().end()) out.exit_code = static_cast<int>(code->second.number_value());
  out.reason = TextAt(terminated, "reason");
  out.message = TextAt(terminated, "message");
  return out;
}

std::vector<ContainerStatus> StatusesOf(const Struct& status, const std::string& key) {
  std::vector<ContainerStatus> out;
  for (const Struct* item : ListAt(status, key)) {
    ContainerStatus container;
    container.name = TextAt(*item, "name");
    const auto ready = item->fields().find("ready");
    container.ready = ready != item->fields().end() && ready->second.bool_value();
    const Struct& state = ObjectAt(*item, "state");
    if (Has(state, "waiting")) {
      container.waiting_reason = TextAt(ObjectAt(state, "waiting"), "reason");
      container.waiting_message = TextAt(ObjectAt(state, "waiting"), "message");
      if (container.waiting_reason.empty()) container.waiting_reason = "Waiting";
    }
    container.running = Has(state, "running");
    container.terminated = TerminatedOf(state);
    container.last_terminated = TerminatedOf(ObjectAt(*item, "lastState"));
    out.push_back(std::move(container));
  }
  return out;
}

PodJudgement Waiting(PodJudgement::Phase phase, std::string reason) {
  PodJudgement judgement;
  judgement.phase = phase;
  judgement.reason = std::move(reason);
  return judgement;
}

PodJudgement Failed(bool user, bool recoverable, std::string code, std::string message, bool cleanup = false) {
  PodJudgement judgement;
  judgement.phase = PodJudgement::Phase::kFailed;
  judgement.user = user;
  judgement.recoverable = recoverable;
  judgement.cleanup = cleanup;
  judgement.code = std::move(code);
  judgement.message = std::move(message);
  return judgement;
}

PodJudgement Succeeded() { return Waiting(PodJudgement::Phase::kSucceeded, ""); }

bool Contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

// Go's time.Duration String() for whole seconds: "3m0s", "30s", "1h0m0s".
std::string GoDuration(std::chrono::seconds duration) {
  const int64_t total = duration.count();
  const int64_t hours = total / 3600, minutes = total % 3600 / 60, seconds = total % 60;
  if (hours > 0) return std::to_string(hours) + "h" + std::to_string(minutes) + "m" + std::to_string(seconds) + "s";
  if (minutes > 0) return std::to_string(minutes) + "m" + std::to_string(seconds) + "s";
  return std::to_string(seconds) + "s";
}

std::string TerminatedMessage(const std::string& name, const TerminatedState& state) {
  return "\r\n[" + name + "] terminated with exit code (" + std::to_string(state.exit_code) + "). Reason [" +
         state.reason + "]. Message: \n" + state.message + ".";
}

PodJudgement PendingPhase(const PodState& pod, SystemTime now, const PhaseSettings& settings) {
  for (const PodCondition& condition : pod.conditions) {
    const SystemTime since = condition.last_transition.value_or(now);
    if (condition.type == "PodScheduled" && condition.status == "False") {
      return Waiting(PodJudgement::Phase::kQueued, condition.reason + ":" + condition.message);
    }
    if (condition.type != "Ready" || condition.status != "False") continue;
    for (const ContainerStatus& container : pod.containers) {
      if (container.ready || container.waiting_reason.empty()) continue;
      const std::string& waiting = container.waiting_reason;
      const std::string code = condition.reason + "|" + waiting;
      const std::string message = condition.message + "|" + container.waiting_message;
      const auto after_grace = [&](std::chrono::seconds grace) { return now - since >= grace; };
      const auto grace_message = [&](std::chrono::seconds grace) {
        return "Grace period [" + GoDuration(grace) + "] exceeded|" + message;
      };
      if (waiting == "ContainerCreating" || waiting == "PodInitializing" || waiting == "ErrImagePull") {
        return Waiting(PodJudgement::Phase::kInitializing, "[" + waiting + "]: " + container.waiting_message);
      }
      if (waiting == "CreateContainerError" || waiting == "CreateContainerConfigError") {
        const auto grace = waiting == "CreateContainerError" ? settings.create_container_error_grace
                                                             : settings.create_container_config_error_grace;
        if (after_grace(grace)) return Failed(true, false, code, grace_message(grace), true);
        return Waiting(PodJudgement::Phase::kInitializing, "[" + waiting + "]: " + container.waiting_message);
      }
      if (waiting == "InvalidImageName") return Failed(true, false, code, message, true);
      if (waiting == "ImagePullBackOff") {
        if (after_grace(settings.image_pull_backoff_grace)) {
          return Failed(true, true, code, grace_message(settings.image_pull_backoff_grace), true);
        }
        return Waiting(PodJudgement::Phase::kInitializing, "[" + waiting + "]: " + container.waiting_message);
      }
      return Failed(false, true, code, message, true);
    }
  }
  return Waiting(PodJudgement::Phase::kQueued, "Demistify Pending");
}

// PendingPhase, failed once the pod has waited past the pending timeout (counted from its last
// condition's change, as propeller counts it; from its creation when it has no condition yet).
PodJudgement Pending(const PodState& pod, SystemTime now, const PhaseSettings& settings) {
  PodJudgement judgement = PendingPhase(pod, now, settings);
  if (judgement.phase == PodJudgement::Phase::kFailed || settings.pending_timeout.count() <= 0) return judgement;
  std::optional<SystemTime> since = pod.created;
  for (const PodCondition& condition : pod.conditions) {
    if (condition.last_transition) since = condition.last_transition;
  }
  if (!since || now - *since < settings.pending_timeout) return judgement;
  return Failed(true, true, "PodPendingTimeout",
                "pod pending for more than " + GoDuration(settings.pending_timeout) + ": " + judgement.reason, true);
}

PodJudgement Running(const PodState& pod) {
  const auto primary = pod.annotations.find("primary_container_name");
  if (primary == pod.annotations.end()) {
    bool all_done = !pod.containers.empty();
    for (const auto* group : {&pod.init_containers, &pod.containers}) {
      for (const ContainerStatus& container : *group) {
        all_done = all_done && container.terminated && container.terminated->exit_code == 0;
      }
    }
    return all_done ? Succeeded() : Waiting(PodJudgement::Phase::kRunning, "");
  }
  for (const ContainerStatus& container : pod.containers) {
    if (container.name != primary->second) continue;
    if (!container.terminated) return Waiting(PodJudgement::Phase::kRunning, "");
    const TerminatedState& end = *container.terminated;
    const std::string message = TerminatedMessage(container.name, end);
    if (Contains(end.reason, "OOMKilled")) return Failed(true, true, end.reason, message);
    if (end.exit_code == 137 || end.exit_code == 247) return Failed(false, true, end.reason, message);
    if (end.exit_code != 0) return Failed(true, true, end.reason, message);
    return Succeeded();
  }
  return Waiting(PodJudgement::Phase::kRunning, "");
}

PodJudgement Failure(const PodState& pod) {
  std::string code = pod.reason.empty() ? "UnknownError" : pod.reason;
  std::string message = pod.message.empty() ? "Pod failed. No message received from kubernetes." : pod.message;
  bool system = pod.reason == "Shutdown" || pod.reason == "Terminated" || pod.reason == "NodeShutdown" ||
                pod.reason == "NodeAffinity";
  const auto primary = pod.annotations.find("primary_container_name");
  for (const auto* group : {&pod.init_containers, &pod.containers}) {
    for (const ContainerStatus& container : *group) {
      const auto& end = container.last_terminated ? container.last_terminated : container.terminated;
      if (!end) continue;
      if (Contains(end->reason, "OOMKilled")) {
        code = "OOMKilled";
      } else if (end->exit_code == 137 || end->exit_code == 247) {
        code = "Interrupted";
        if (primary != pod.annotations.end() && primary->second == container.name) system = true;
      }
      message += end->exit_code == 0 ? "\r\n[" + container.name + "] terminated with ExitCode 0."
                                     : TerminatedMessage(container.name, *end);
    }
  }
  if (code == "UnknownError") system = true;
  if (system) return Failed(false, true, "Interrupted", message);
  return Failed(true, true, code, message);
}

}  // namespace

PodState ParsePod(const Struct& pod) {
  PodState state;
  const Struct& metadata = ObjectAt(pod, "metadata");
  state.name = TextAt(metadata, "name");
  state.namespace_ = TextAt(metadata, "namespace");
  state.resource_version = TextAt(metadata, "resourceVersion");
  state.labels = TextMap(ObjectAt(metadata, "labels"));
  state.annotations = TextMap(ObjectAt(metadata, "annotations"));
  state.deleting = Has(metadata, "deletionTimestamp");
  state.created = TimeAt(metadata, "creationTimestamp");
  state.node_name = TextAt(ObjectAt(pod, "spec"), "nodeName");
  const Struct& status = ObjectAt(pod, "status");
  state.phase = TextAt(status, "phase");
  state.reason = TextAt(status, "reason");
  state.message = TextAt(status, "message");
  for (const Struct* item : ListAt(status, "conditions")) {
    state.conditions.push_back({TextAt(*item, "type"), TextAt(*item, "status"), TextAt(*item, "reason"),
                                TextAt(*item, "message"), TimeAt(*item, "lastTransitionTime")});
  }
  state.init_containers = StatusesOf(status, "initContainerStatuses");
  state.containers = StatusesOf(status, "containerStatuses");
  return state;
}

PodJudgement JudgePod(const PodState& pod, SystemTime now, const PhaseSettings& settings) {
  const bool ended = pod.phase == "Succeeded" || pod.phase == "Failed";
  if (pod.deleting && !ended) {
    return Failed(false, true, "UnexpectedObjectDeletion",
                  "object [" + pod.namespace_ + "/" + pod.name + "] terminated in the background, manually");
  }
  if (pod.phase == "Succeeded") {
    for (const auto* group : {&pod.init_containers, &pod.containers}) {
      for (const ContainerStatus& container : *group) {
        if (container.terminated && Contains(container.terminated->reason, "OOMKilled")) {
          return Failed(true, true, "OOMKilled", "Pod reported success despite being OOMKilled");
        }
      }
    }
    return Succeeded();
  }
  if (pod.phase == "Failed") return Failure(pod);
  if (pod.phase == "Pending") return Pending(pod, now, settings);
  return Running(pod);
}

PodJudgement PodGone(const std::string& namespace_, const std::string& name) {
  return Failed(false, true, "ResourceDeletedExternally",
                "resource not found, name [" + namespace_ + "/" + name + "]. reason: the pod was deleted");
}

}  // namespace flyte::plugins
