// The task's secret requests as the pod's, the way FlytePropeller's secrets webhook injects
// Kubernetes secrets (its K8sSecretInjector; here done before the pod is created, as there is no
// webhook): the group names the Secret, the key one of its keys. An ENV_VAR secret becomes
// `_FSEC_<GROUP>_<KEY>` (upper case) from a secretKeyRef; a FILE (or ANY) secret a volume of the
// Secret mounted read-only at /etc/flyte/secrets/<group>, the file named after the key (lower
// case); with `env_var` set, that variable too (the value, or the file's path). Every container
// gets them, with flytekit's FLYTE_SECRETS_* variables saying where to look. References are
// optional, as propeller makes them: a missing Secret leaves the task to say what it lacks.
#pragma once

#include <google/protobuf/repeated_ptr_field.h>
#include <google/protobuf/struct.pb.h>

#include "common/status.h"
#include "flyteidl/core/security.pb.h"

namespace flyte::plugins {

// `spec` is a PodSpec (JSON) whose containers are final. INVALID_ARGUMENT when a secret lacks its
// group or key; nothing is changed then.
Status InjectSecrets(const google::protobuf::RepeatedPtrField<flyteidl::core::Secret>& secrets,
                     google::protobuf::Struct& spec);

}  // namespace flyte::plugins
