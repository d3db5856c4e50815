// The pod plugin's settings (from the sandbox config's `tasks.kubernetes`).
#pragma once

#include <chrono>
#include <string>

#include "plugins/kubernetes/pod_spec.h"
#include "plugins/kubernetes/pod_status.h"

namespace flyte::plugins {

struct KubernetesConfig {
  std::string kubeconfig;  // a file; empty: $KUBECONFIG, ~/.kube/config, in-cluster (kubeconfig.h)
  std::string context;     // empty: the kubeconfig's current context
  PodSettings pod;         // pod.namespace_ empty: the context's namespace
  PhaseSettings phases;
  // Finalize deletes each attempt's pod once the engine is done with it (there is no owner to
  // collect it); true keeps failed pods to look at (`kubectl describe`), deleted by `flyte
  // sandbox teardown` or by hand.
  bool keep_failed_pods = false;
  // The PodTemplate (in the namespace) beneath the pods of tasks that name none (propeller's
  // default-pod-template-name); empty, or no such template: none.
  std::string default_pod_template;
  int max_log_streams = 100;      // pods whose logs are followed live; the others' are read when they end
  double writes_per_second = 20;  // pod creates and deletes, in bursts of up to twice as many
  std::string state_dir;          // where the sandbox's id for its pods is kept (plugins/kubernetes/sandbox-id)
};

}  // namespace flyte::plugins
