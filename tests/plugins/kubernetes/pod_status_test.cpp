#include "plugins/kubernetes/pod_status.h"

#include <doctest/doctest.h>
#include <google/protobuf/util/json_util.h>

#include <string>

namespace flyte::plugins {
namespace {

using Phase = PodJudgement::Phase;

const SystemTime kNow = std::chrono::system_clock::from_time_t(1893553445);  // 2030-01-02T03:04:05Z

PodState Pod(const std::string& json) {
  google::protobuf::Struct pod;
  REQUIRE(google::protobuf::util::JsonStringToMessage(json, &pod).ok());
  return ParsePod(pod);
}

// A pod whose primary container is `c`, with `status` as its status object.
PodState WithStatus(const std::string& status, bool deleting = false) {
  return Pod(R"({"metadata":{"name":"p","namespace":"ns","resourceVersion":"7",)"
             R"("annotations":{"primary_container_name":"c"},"labels":{"a":"b"})" +
             std::string(deleting ? R"(,"deletionTimestamp":"2030-01-02T03:04:00Z")" : "") + R"(},)" +
             R"("spec":{"nodeName":"n1"},"status":)" + status + "}");
}

std::string Waiting(const std::string& reason, const std::string& since = "2030-01-02T03:04:04Z") {
  return R"({"phase":"Pending","conditions":[{"type":"PodScheduled","status":"True"},)"
         R"({"type":"Ready","status":"False","reason":"ContainersNotReady","message":"not ready",)"
         R"("lastTransitionTime":")" +
         since + R"("}],"containerStatuses":[{"name":"c","ready":false,"state":{"waiting":{"reason":")" + reason +
         R"(","message":"why"}}}]})";
}

std::string Terminated(const std::string& phase, int code, const std::string& reason,
                       const std::string& pod_reason = "") {
  return R"({"phase":")" + phase + R"(",)" + (pod_reason.empty() ? "" : R"("reason":")" + pod_reason + R"(",)") +
         R"("containerStatuses":[{"name":"c","state":{"terminated":{"exitCode":)" + std::to_string(code) +
         R"(,"reason":")" + reason + R"("}}}]})";
}

TEST_CASE("pod status: what is read of a pod") {
  const PodState pod = WithStatus(Terminated("Failed", 3, "Error"));
  CHECK(pod.name == "p");
  CHECK(pod.namespace_ == "ns");
  CHECK(pod.resource_version == "7");
  CHECK(pod.node_name == "n1");
  CHECK(pod.labels.at("a") == "b");
  CHECK_FALSE(pod.deleting);
  REQUIRE(pod.containers.size() == 1);
  REQUIRE(pod.containers[0].terminated);
  CHECK(pod.containers[0].terminated->exit_code == 3);
  CHECK(pod.containers[0].terminated->reason == "Error");
}

TEST_CASE("pod status: pending is queued until scheduled, initializing while images come") {
  const PhaseSettings settings;
  auto unscheduled = JudgePod(WithStatus(R"({"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False",)"
                                         R"("reason":"Unschedulable","message":"0/1 nodes"}]})"),
                              kNow, settings);
  CHECK(unscheduled.phase == Phase::kQueued);
  CHECK(unscheduled.reason == "Unschedulable:0/1 nodes");
  CHECK(JudgePod(WithStatus(R"({"phase":"Pending"})"), kNow, settings).phase == Phase::kQueued);
  for (const char* reason : {"ContainerCreating", "PodInitializing", "ErrImagePull"}) {
    CAPTURE(reason);
    const auto judged = JudgePod(WithStatus(Waiting(reason)), kNow, settings);
    CHECK(judged.phase == Phase::kInitializing);
    CHECK(judged.reason == std::string("[") + reason + "]: why");
  }
}

TEST_CASE("pod status: a pod pending past the pending timeout fails, to be tried again") {
  PhaseSettings settings;
  settings.pending_timeout = std::chrono::seconds(60);
  const std::string unschedulable = R"({"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False",)"
                                    R"("reason":"Unschedulable","message":"0/1 nodes",)"
                                    R"("lastTransitionTime":"2030-01-02T03:03:00Z"}]})";
  // 65 s since the condition changed: past 60 s.
  const auto late = JudgePod(WithStatus(unschedulable), kNow, settings);
  CHECK(late.phase == Phase::kFailed);
  CHECK(late.user);
  CHECK(late.recoverable);
  CHECK(late.cleanup);
  CHECK(late.code == "PodPendingTimeout");
  CHECK(late.message == "pod pending for more than 1m0s: Unschedulable:0/1 nodes");
  settings.pending_timeout = std::chrono::seconds(120);
  CHECK(JudgePod(WithStatus(unschedulable), kNow, settings).phase == Phase::kQueued);
  // Pulling an image counts as pending too; the last condition's change is what is counted from.
  settings.pending_timeout = std::chrono::seconds(1);
  CHECK(JudgePod(WithStatus(Waiting("ContainerCreating", "2030-01-02T03:04:05Z")), kNow, settings).phase ==
        Phase::kInitializing);
  CHECK(JudgePod(WithStatus(Waiting("ContainerCreating", "2030-01-02T03:04:00Z")), kNow, settings).code ==
        "PodPendingTimeout");
  // No condition yet: counted from the pod's creation; neither: never.
  const auto created = [](const std::string& when) {
    return Pod(R"({"metadata":{"name":"p","creationTimestamp":")" + when + R"("},"status":{"phase":"Pending"}})");
  };
  CHECK(JudgePod(created("2030-01-02T03:04:05Z"), kNow, settings).phase == Phase::kQueued);
  CHECK(JudgePod(created("2030-01-02T03:00:00Z"), kNow, settings).code == "PodPendingTimeout");
  CHECK(JudgePod(WithStatus(R"({"phase":"Pending"})"), kNow, settings).phase == Phase::kQueued);
  // Off (0) by default.
  CHECK(JudgePod(created("2020-01-01T00:00:00Z"), kNow, PhaseSettings{}).phase == Phase::kQueued);
}

TEST_CASE("pod status: image and container errors, within and past their grace periods") {
  PhaseSettings settings;
  settings.image_pull_backoff_grace = std::chrono::seconds(180);
  const auto backoff = JudgePod(WithStatus(Waiting("ImagePullBackOff")), kNow, settings);
  CHECK(backoff.phase == Phase::kInitializing);
  const auto past = JudgePod(WithStatus(Waiting("ImagePullBackOff", "2030-01-02T03:00:00Z")), kNow, settings);
  CHECK(past.phase == Phase::kFailed);
  CHECK(past.user);
  CHECK(past.recoverable);
  CHECK(past.cleanup);
  CHECK(past.code == "ContainersNotReady|ImagePullBackOff");
  CHECK(past.message == "Grace period [3m0s] exceeded|not ready|why");

  const auto invalid = JudgePod(WithStatus(Waiting("InvalidImageName")), kNow, settings);
  CHECK(invalid.phase == Phase::kFailed);
  CHECK_FALSE(invalid.recoverable);
  CHECK(invalid.code == "ContainersNotReady|InvalidImageName");

  // CreateContainerConfigError has no grace: at once permanent.
  const auto config = JudgePod(WithStatus(Waiting("CreateContainerConfigError")), kNow, settings);
  CHECK(config.phase == Phase::kFailed);
  CHECK_FALSE(config.recoverable);
  CHECK(JudgePod(WithStatus(Waiting("CreateContainerError")), kNow, settings).phase == Phase::kInitializing);

  const auto other = JudgePod(WithStatus(Waiting("SomethingNew")), kNow, settings);
  CHECK(other.phase == Phase::kFailed);
  CHECK_FALSE(other.user);
  CHECK(other.recoverable);
}

TEST_CASE("pod status: running until the primary container ends; its end decides") {
  const PhaseSettings settings;
  CHECK(JudgePod(WithStatus(R"({"phase":"Running","containerStatuses":[{"name":"c","state":{"running":{}}}]})"), kNow,
                 settings)
            .phase == Phase::kRunning);
  CHECK(JudgePod(WithStatus(Terminated("Running", 0, "Completed")), kNow, settings).phase == Phase::kSucceeded);
  const auto user = JudgePod(WithStatus(Terminated("Running", 2, "Error")), kNow, settings);
  CHECK(user.phase == Phase::kFailed);
  CHECK(user.user);
  CHECK(user.code == "Error");
  CHECK(user.message == "\r\n[c] terminated with exit code (2). Reason [Error]. Message: \n.");
  const auto killed = JudgePod(WithStatus(Terminated("Running", 137, "Error")), kNow, settings);
  CHECK_FALSE(killed.user);
  const auto oom = JudgePod(WithStatus(Terminated("Running", 137, "OOMKilled")), kNow, settings);
  CHECK(oom.user);
  CHECK(oom.code == "OOMKilled");
}

TEST_CASE("pod status: succeeded, unless OOM-killed; failed as propeller's DemystifyFailure says") {
  const PhaseSettings settings;
  CHECK(JudgePod(WithStatus(Terminated("Succeeded", 0, "Completed")), kNow, settings).phase == Phase::kSucceeded);
  const auto oom = JudgePod(WithStatus(Terminated("Succeeded", 0, "OOMKilled")), kNow, settings);
  CHECK(oom.phase == Phase::kFailed);
  CHECK(oom.code == "OOMKilled");

  // No reason at all: a system error, tried again.
  const auto plain = JudgePod(WithStatus(Terminated("Failed", 1, "Error")), kNow, settings);
  CHECK_FALSE(plain.user);
  CHECK(plain.code == "Interrupted");
  CHECK(plain.message.find("Pod failed. No message received from kubernetes.") == 0);
  // Evicted, its primary container SIGKILLed: a system error.
  const auto evicted = JudgePod(WithStatus(Terminated("Failed", 137, "Error", "Evicted")), kNow, settings);
  CHECK_FALSE(evicted.user);
  CHECK(evicted.code == "Interrupted");
  // A reason, with the container's ordinary failure: the user's, with that reason as the code.
  const auto deadline = JudgePod(WithStatus(Terminated("Failed", 1, "Error", "DeadlineExceeded")), kNow, settings);
  CHECK(deadline.user);
  CHECK(deadline.code == "DeadlineExceeded");
  const auto shutdown = JudgePod(WithStatus(Terminated("Failed", 1, "Error", "NodeShutdown")), kNow, settings);
  CHECK_FALSE(shutdown.user);
  const auto failed_oom = JudgePod(WithStatus(Terminated("Failed", 137, "OOMKilled", "OOMKilled")), kNow, settings);
  CHECK(failed_oom.user);
  CHECK(failed_oom.code == "OOMKilled");
}

TEST_CASE("pod status: deleted while running, or gone, is the platform's fault") {
  const PhaseSettings settings;
  const auto deleting =
      JudgePod(WithStatus(R"({"phase":"Running","containerStatuses":[{"name":"c","state":{"running":{}}}]})", true),
               kNow, settings);
  CHECK(deleting.phase == Phase::kFailed);
  CHECK_FALSE(deleting.user);
  CHECK(deleting.code == "UnexpectedObjectDeletion");
  CHECK(JudgePod(WithStatus(Terminated("Succeeded", 0, "Completed"), true), kNow, settings).phase == Phase::kSucceeded);
  const auto gone = PodGone("ns", "p");
  CHECK_FALSE(gone.user);
  CHECK(gone.code == "ResourceDeletedExternally");
  CHECK(gone.message.find("[ns/p]") != std::string::npos);
}

}  // namespace
}  // namespace flyte::plugins
